"""Jobs created, counted for a company, an ecosystem or the whole programme, with the method in words.

Reads only (a selector module); the arithmetic lives in ``ecosys.analytics.jobs``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ecosys.accounts.models import Organisation, User
from ecosys.analytics.jobs import JobsCount, JobsTotal, MonthFigures, company_month_figures, count_jobs, total_jobs
from ecosys.investments import lifecycle
from ecosys.investments.models import Declaration, Source, VerificationPolicy
from ecosys.investments.selectors import project_list


@dataclass(frozen=True)
class CompanyJobs:
    company: Organisation
    ecosystem_code: str
    count: JobsCount


@dataclass(frozen=True)
class JobsReport:
    as_of: date
    total: JobsTotal
    companies: list[CompanyJobs]
    by_ecosystem: dict[str, JobsTotal]
    method: str


def method_text(policy: VerificationPolicy) -> str:
    """Describe, in the reader's language, how the figures were counted."""
    return _(
        "Jobs created (net, verified) = the change in the headcount each company declared to the CNSS "
        "between the month of its investment agreement and the date shown, added over companies. "
        "Net declared = the same change from the companies' own declarations. Gross hires = hires "
        "since the agreement, without subtracting departures: they are always higher and are not jobs "
        "created. A declared headcount is verified when it differs from the CNSS headcount of the same "
        "month by at most %(jobs)s jobs or %(percent)s %% of the CNSS figure, whichever is larger. "
        "Companies with no CNSS record count in the declared figures only."
    ) % {"jobs": policy.tolerance_jobs, "percent": number_format(policy.tolerance_percent.normalize(), use_l10n=True)}


def company_series(company_ids: list[int], as_of: date) -> dict[int, list[MonthFigures]]:
    """Build each company's monthly series: declared headcount and hires, and the CNSS headcount.

    A month declared for the whole company wins over the sum of its project declarations
    (``analytics.jobs.company_month_figures``).
    """
    rows = Declaration.objects.filter(
        company_id__in=company_ids, month__lte=as_of, source__in=[Source.COMPANY, Source.CNSS]
    )
    declared_rows: list[tuple[int, int | None, date, int | None, int | None]] = []
    cnss: dict[tuple[int, date], int] = {}
    for company_id, month, source, project_id, headcount, hires in rows.values_list(
        "company_id", "month", "source", "project_id", "headcount", "gross_hires"
    ).iterator(chunk_size=20000):
        if source == Source.CNSS:
            if project_id is None and headcount is not None:
                cnss[(company_id, month)] = headcount
        else:
            declared_rows.append((company_id, project_id, month, headcount, hires))
    declared = company_month_figures(declared_rows)
    months: dict[int, set[date]] = defaultdict(set)
    for company_id, month in list(declared) + list(cnss):
        months[company_id].add(month)
    series: dict[int, list[MonthFigures]] = {}
    for company_id, company_months in months.items():
        figures = []
        for month in sorted(company_months):
            key = (company_id, month)
            headcount, hires = declared.get(key, (None, None))
            figures.append(MonthFigures(month=month, declared=headcount, cnss=cnss.get(key), gross_hires=hires))
        series[company_id] = figures
    return series


def jobs_report(
    *,
    actor: User,
    as_of: date,
    ecosystem_code: str | None = None,
    company: Organisation | None = None,
    programme_code: str | None = None,
) -> JobsReport:
    """Count jobs of the companies with a signed investment agreement, within the actor's view."""
    projects = project_list(actor=actor).filter(status__in=lifecycle.COMMITTED, agreement_date__lte=as_of)
    if programme_code:
        projects = projects.filter(ecosystem__sector__programme__code=programme_code)
    if ecosystem_code:
        projects = projects.filter(ecosystem__code=ecosystem_code)
    if company is not None:
        projects = projects.filter(company=company)
    first: dict[int, tuple[date, str]] = {}
    for company_id, agreed, eco in projects.order_by("agreement_date").values_list(
        "company_id", "agreement_date", "ecosystem__code"
    ):
        if agreed is not None:
            first.setdefault(company_id, (agreed.replace(day=1), eco))
    series = company_series(list(first), as_of)
    companies = {c.pk: c for c in Organisation.objects.filter(pk__in=list(first))}
    rows = []
    for company_id, (baseline, eco) in sorted(first.items(), key=lambda kv: companies[kv[0]].name):
        count = count_jobs(series.get(company_id, []), baseline_month=baseline, as_of=as_of)
        rows.append(CompanyJobs(company=companies[company_id], ecosystem_code=eco, count=count))
    by_eco: dict[str, list[JobsCount]] = defaultdict(list)
    for row in rows:
        by_eco[row.ecosystem_code].append(row.count)
    return JobsReport(
        as_of=as_of,
        total=total_jobs(r.count for r in rows),
        companies=rows,
        by_ecosystem={code: total_jobs(counts) for code, counts in sorted(by_eco.items())},
        method=method_text(VerificationPolicy.current()),
    )
