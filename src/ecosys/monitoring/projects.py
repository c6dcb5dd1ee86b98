"""One project against its plan: what its company realised each year since the agreement.

Declarations are made per company (per project where known), so a project's realisation is its
company's change since the project's agreement month: net jobs created (verified against CNSS, and
as declared) and additional turnover and value added (``measures``), set beside the yearly plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ecosys.investments.models import InvestmentProject
from ecosys.monitoring import measures


@dataclass(frozen=True)
class YearProgress:
    year: int
    planned_jobs: int | None
    jobs_verified: float | None
    jobs_declared: float | None
    planned_turnover: float | None
    turnover_added: float | None
    planned_value_added: float | None
    value_added: float | None


def project_progress(project: InvestmentProject, *, as_of: date) -> list[YearProgress]:
    """Return the plan and the realisations of each planned year up to ``as_of`` (none before an agreement)."""
    plan = {row.year: row for row in project.plan.all()}
    if project.agreement_date is None or not plan:
        return []
    as_of = as_of.replace(day=1)
    unit = measures.Unit(
        project.company_id, project.ecosystem.code, project.region.code, project.agreement_date.replace(day=1)
    )
    units = {project.company_id: unit}
    verified = measures.load(units, as_of=as_of, basis="verified")
    declared = measures.load(units, as_of=as_of, basis="declared")
    jobs_v = measures.yearly(verified, "JOBS_CREATED").get("*", {})
    jobs_d = measures.yearly(declared, "JOBS_CREATED").get("*", {})
    turnover = measures.yearly(declared, "TURNOVER_ADD").get("*", {})
    value_added = measures.yearly(declared, "VALUE_ADDED_ADD").get("*", {})
    rows = []
    for year in sorted(plan):
        row = plan[year]
        rows.append(
            YearProgress(
                year=year,
                planned_jobs=row.jobs,
                jobs_verified=jobs_v.get(year),
                jobs_declared=jobs_d.get(year),
                planned_turnover=float(row.turnover_mad),
                turnover_added=turnover.get(year),
                planned_value_added=float(row.value_added_mad),
                value_added=value_added.get(year),
            )
        )
    return rows
