"""Generated demo data for the IMM ecosystems: companies, projects and monthly declarations 2015-2020.

Everything here is **generated** (seeded, deterministic) and flagged ``is_generated`` so that the
pages say so. It is calibrated on the one published result: at the end of 2018, the programme's
verified jobs created were 5,878, of which 4,978 outside the naval ecosystem (ecoactu.ma). Each
company's CNSS headcount is built so that the change between the month of its investment agreement
and December 2018 adds up exactly to those figures; its own declarations follow the CNSS figure
within the tolerance for most companies, and beyond it for a few, as in real data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ecosys.accounts.models import Organisation
from ecosys.investments.lifecycle import Status
from ecosys.investments.models import Declaration, InvestmentProject, OpportunitySheet, Province, Source
from ecosys.investments.services.projects import project_create, project_transition
from ecosys.programmes.models import Ecosystem

SEED = 20190131  # the official launch of the IMM ecosystems
CALIBRATION_MONTH = date(2018, 12, 1)
# Published: 5,878 jobs created by end 2018, 4,978 excluding shipbuilding (so 900 in shipbuilding).
# The split among the three other ecosystems is the generator's choice, not a published figure.
JOBS_END_2018 = {"IMM-VAL": 1_950, "IMM-NM": 1_180, "IMM-TM": 1_848, "IMM-NAV": 900}
COMPANIES = {"IMM-VAL": 34, "IMM-NM": 22, "IMM-TM": 40, "IMM-NAV": 8}
PIPELINE = {"IMM-VAL": 10, "IMM-NM": 8, "IMM-TM": 12, "IMM-NAV": 3}
FIRST_MONTH, LAST_MONTH = date(2015, 1, 1), date(2020, 12, 1)
CITIES = ["06.01", "06.02", "06.03", "06.05", "01.01", "04.03", "04.05", "07.01", "09.02", "03.01"]


def generated_ice(n: int) -> str:
    """Return a syntactically valid ICE (modulo-97 key) in a range no real company uses (990…)."""
    body = f"{990000000 + n:09d}0000"
    key = (97 - int(body) * 100 % 97) % 97
    return f"{body}{key:02d}"


def _months(start: date, end: date) -> list[date]:
    months, current = [], start
    while current <= end:
        months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


def _split(total: int, weights: list[float]) -> list[int]:
    """Split an integer total in proportion to weights, exactly (largest remainders)."""
    raw = [total * w / sum(weights) for w in weights]
    parts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[: total - sum(parts)]:
        parts[i] += 1
    return parts


@dataclass
class _Plan:
    company: Organisation
    ecosystem: Ecosystem
    agreement: date
    baseline: int
    jobs_2018: int
    declares_to_cnss: bool
    honest: bool


def _headcount(plan: _Plan, month: date) -> int:
    """The company's true headcount: flat until the agreement, then a ramp through the 2018 figure."""
    if month <= plan.agreement:
        return plan.baseline
    span = (CALIBRATION_MONTH.year - plan.agreement.year) * 12 + CALIBRATION_MONTH.month - plan.agreement.month
    elapsed = (month.year - plan.agreement.year) * 12 + month.month - plan.agreement.month
    if month <= CALIBRATION_MONTH:
        return plan.baseline + round(plan.jobs_2018 * elapsed / span)
    return plan.baseline + plan.jobs_2018 + round(plan.jobs_2018 * 0.02 * (elapsed - span))


def _moment(month: date, offset: int) -> datetime:
    """Return noon on the 15th, ``offset`` months from ``month``, in the platform's time zone."""
    index = month.year * 12 + month.month - 1 + offset
    return datetime(index // 12, index % 12 + 1, 15, 12, tzinfo=timezone.get_current_timezone())


def demo_is_loaded() -> bool:
    return Organisation.objects.filter(is_generated=True, kind=Organisation.Kind.COMPANY).exists()


@transaction.atomic
def demo_generate() -> dict[str, int]:
    """Create the generated IMM companies, projects and declarations; do nothing if already there."""
    if demo_is_loaded():
        return {}
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not secrets
    provinces = {p.code: p for p in Province.objects.select_related("region")}
    plans: list[_Plan] = []
    number = 0
    for code, count in COMPANIES.items():
        ecosystem = Ecosystem.objects.get(code=code)
        activities = [a for tier in ecosystem.tiers.all() for a in tier.activities.all()]
        weights = [rng.lognormvariate(0, 0.8) for _ in range(count)]
        jobs = _split(JOBS_END_2018[code], weights)
        for i in range(count):
            number += 1
            company = Organisation.objects.create(
                kind=Organisation.Kind.COMPANY,
                name=f"Entreprise {code[4:]} {i + 1:02d} (démo)",
                ice=generated_ice(number),
                is_generated=True,
            )
            agreement = date(2016, 5, 1) if i == 0 else date(2016 + rng.randint(0, 2), rng.randint(1, 12), 1)
            agreement = min(agreement, date(2018, 6, 1))
            province = provinces[rng.choice(CITIES)]
            activity = rng.choice(activities) if activities else None
            investment = Decimal(rng.randint(8, 400)) * Decimal("1000000")
            project = project_create(
                actor=None,
                company=company,
                name=f"{activity.name_fr if activity else code} — extension",
                ecosystem=ecosystem,
                activity=activity,
                hs_codes=[p.hs_code for p in activity.products.all()] if activity else [],
                region=province.region,
                province=province,
                investment_mad=investment,
                land_need_m2=rng.randint(2, 40) * 1000,
                identified_at=_moment(agreement, -8),
                milestones=[
                    {
                        "kind": "construction_start",
                        "planned_date": _moment(agreement, 1).date(),
                        "actual_date": _moment(agreement, 2).date(),
                    },
                    {
                        "kind": "production_start",
                        "planned_date": _moment(agreement, 7).date(),
                        "actual_date": _moment(agreement, 9).date(),
                    },
                ],
                is_generated=True,
                plan=[
                    {
                        "year": y,
                        "jobs": round(jobs[i] * (y - 2016) / 2.5),
                        # Per planned job, the contract's own ratios (11 bn MAD turnover, 1.7 bn value
                        # added, 2.3 bn trade balance for 13,340 jobs): about 820k, 127k and 172k MAD.
                        "turnover_mad": Decimal(round(jobs[i] * (y - 2016) / 2.5)) * 820_000,
                        "exports_mad": Decimal(round(jobs[i] * (y - 2016) / 2.5)) * 120_000,
                        "import_substitution_mad": Decimal(round(jobs[i] * (y - 2016) / 2.5)) * 52_000,
                        "value_added_mad": Decimal(round(jobs[i] * (y - 2016) / 2.5)) * 127_000,
                    }
                    for y in range(2017, 2021)
                ],
            )
            steps = [
                (Status.SUBMITTED, -5),
                (Status.VALIDATED, -3),
                (Status.AGREEMENT_SIGNED, 0),
                (Status.UNDER_CONSTRUCTION, 2),
                (Status.IN_PRODUCTION, 9),
            ]
            for step, offset in steps:
                project_transition(
                    actor=None,
                    project=project,
                    target=step,
                    at=_moment(agreement, offset),
                    agreement_date=agreement if step == Status.AGREEMENT_SIGNED else None,
                )
            plans.append(
                _Plan(
                    company,
                    ecosystem,
                    agreement,
                    rng.randint(20, 400),
                    jobs[i],
                    declares_to_cnss=True,
                    honest=rng.random() > 0.08,
                )
            )
        for j in range(PIPELINE[code]):
            number += 1
            company = Organisation.objects.create(
                kind=Organisation.Kind.COMPANY,
                name=f"Porteur {code[4:]} {j + 1:02d} (démo)",
                ice=generated_ice(number),
                is_generated=True,
            )
            province = provinces[rng.choice(CITIES)]
            project = project_create(
                actor=None,
                company=company,
                name=f"Projet {code[4:]} {j + 1:02d}",
                ecosystem=ecosystem,
                region=province.region,
                province=province,
                investment_mad=Decimal(rng.randint(5, 150)) * 1_000_000,
                is_generated=True,
                plan=[{"year": 2020, "jobs": rng.randint(10, 120)}],
            )
            for step in [Status.SUBMITTED, Status.VALIDATED][: rng.randint(0, 2)]:
                project_transition(actor=None, project=project, target=step)
            if rng.random() < 0.15:
                project_transition(
                    actor=None, project=project, target=Status.ABANDONED, reason="démo : financement non bouclé"
                )
    declarations = _declarations(plans, rng)
    Declaration.objects.bulk_create(declarations, batch_size=5000)
    _sheets(rng)
    return {
        "companies": number,
        "projects": InvestmentProject.objects.filter(is_generated=True).count(),
        "declarations": len(declarations),
    }


def _declarations(plans: list[_Plan], rng: random.Random) -> list[Declaration]:
    rows: list[Declaration] = []
    for plan in plans:
        previous = None
        for month in _months(FIRST_MONTH, LAST_MONTH):
            true = _headcount(plan, month)
            departures = max(0, round(true * rng.uniform(0.0, 0.02)))
            hires = max(0, true - (previous if previous is not None else true)) + departures
            previous = true
            if plan.declares_to_cnss:
                rows.append(
                    Declaration(
                        company=plan.company,
                        month=month,
                        source=Source.CNSS,
                        headcount=true,
                        verification=Declaration.Verification.RECORD,
                    )
                )
            noise = rng.randint(-1, 1) if plan.honest else round(true * rng.uniform(0.08, 0.2))
            rows.append(
                Declaration(
                    company=plan.company,
                    month=month,
                    source=Source.COMPANY,
                    headcount=(declared := max(0, true + noise)),
                    # Women: 8 % to 24 % of the payroll, fixed per company (no draw: the calibration stays).
                    headcount_women=round(declared * (8 + 2 * (plan.company.pk % 9)) / 100),
                    gross_hires=hires,
                    departures=departures,
                    turnover_mad=Decimal(true * rng.randint(28_000, 45_000)),
                    exports_mad=(exports := Decimal(true * rng.randint(2_000, 9_000))),
                    imports_mad=exports * Decimal("0.4"),
                    value_added_mad=Decimal(true * rng.randint(8_000, 14_000)),
                )
            )
    return rows


def _sheets(rng: random.Random) -> None:
    for i, (code, activity, hs) in enumerate(
        [
            ("IMM-VAL", "Billettes d'acier à partir de ferrailles", ["7207"]),
            ("IMM-NM", "Pulvérisateurs agricoles", ["8424"]),
            ("IMM-TM", "Boulonnerie haute résistance", ["7318"]),
            ("IMM-NM", "Jantes et cadres de bicyclettes", ["8714"]),
        ],
        start=1,
    ):
        OpportunitySheet.objects.create(
            code=f"BQ-DEMO-{i:02d}",
            ecosystem=Ecosystem.objects.get(code=code),
            name_fr=activity,
            hs_codes=hs,
            market_size_mad=Decimal(rng.randint(80, 900)) * 1_000_000,
            market_source="généré (démo)",
            indicative_investment_mad=Decimal(rng.randint(10, 120)) * 1_000_000,
            indicative_jobs=rng.randint(30, 250),
            is_generated=True,
        )


__all__ = ["demo_generate", "demo_is_loaded", "generated_ice"]
