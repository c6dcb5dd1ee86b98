"""A national-scale programme, generated for benchmarks (never shown as real data).

50 ecosystems, 5,000 companies, 20,000 projects and about 1.5 M monthly declarations (company
declarations per project and CNSS headcounts per company, 2016-2020), written with multi-row
INSERTs so that it loads in minutes into SQLite or PostgreSQL. Seeded and deterministic.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from ecosys.accounts.models import Organisation
from ecosys.investments.demo import generated_ice
from ecosys.investments.lifecycle import Status
from ecosys.investments.models import Declaration, InvestmentProject, Province, Source
from ecosys.investments.services.imports import insert_rows
from ecosys.programmes.models import Ecosystem, Programme, Sector

SEED = 2020


def _months(first: date, count: int) -> list[date]:
    return [date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1) for i in range(count)]


@transaction.atomic
def national_generate(
    *, ecosystems: int = 50, companies: int = 5_000, projects_per_company: int = 4, months: int = 72
) -> dict[str, int]:
    """Create the national-scale data set; returns how many rows of each kind were written."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible benchmark data
    programme, _ = Programme.objects.get_or_create(
        code="nat-bench", defaults={"name_fr": "Programme national (généré)", "start_year": 2016, "end_year": 2020}
    )
    sector, _ = Sector.objects.get_or_create(
        code="NAT", defaults={"programme": programme, "name_fr": "National (généré)"}
    )
    ecos = [
        Ecosystem.objects.get_or_create(
            code=f"NAT-{i:02d}", defaults={"sector": sector, "name_fr": f"Écosystème {i:02d}"}
        )[0]
        for i in range(1, ecosystems + 1)
    ]
    provinces = list(Province.objects.select_related("region"))
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                kind=Organisation.Kind.COMPANY,
                name=f"Entreprise nationale {n:05d} (générée)",
                ice=generated_ice(500_000 + n),
                is_generated=True,
            )
            for n in range(companies)
        ],
        batch_size=2000,
    )
    if orgs[0].pk is None:  # backends that do not return keys from bulk inserts
        orgs = list(Organisation.objects.filter(ice__in=[o.ice for o in orgs]).order_by("ice"))
    statuses = [
        Status.IDENTIFIED,
        Status.SUBMITTED,
        Status.VALIDATED,
        Status.AGREEMENT_SIGNED,
        Status.UNDER_CONSTRUCTION,
        Status.IN_PRODUCTION,
        Status.COMPLETED,
    ]
    projects = []
    for company in orgs:
        for k in range(projects_per_company):
            status = rng.choices(statuses, weights=[1, 1, 1, 4, 4, 10, 2])[0]
            province = rng.choice(provinces)
            is_signed = statuses.index(status) >= 3
            projects.append(
                InvestmentProject(
                    code=f"NAT-{company.pk:06d}-{k}",
                    name=f"Projet {k}",
                    company=company,
                    ecosystem=rng.choice(ecos),
                    region=province.region,
                    province=province,
                    investment_mad=Decimal(rng.randint(2, 500)) * 1_000_000,
                    status=status,
                    agreement_date=date(2016, rng.randint(1, 12), 1) if is_signed else None,
                    is_generated=True,
                )
            )
    InvestmentProject.objects.bulk_create(projects, batch_size=2000)
    signed = list(
        InvestmentProject.objects.filter(code__startswith="NAT-", agreement_date__isnull=False).values_list(
            "pk", "company_id"
        )
    )
    rows = _declarations(rng, orgs, signed, _months(date(2016, 1, 1), months))
    return {"ecosystems": len(ecos), "companies": len(orgs), "projects": len(projects), "declarations": rows}


def _declarations(
    rng: random.Random, orgs: list[Organisation], signed: list[tuple[int, int]], months: list[date]
) -> int:
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    columns = [
        "created_at",
        "updated_at",
        "company_id",
        "project_id",
        "month",
        "source",
        "headcount",
        "gross_hires",
        "departures",
        "turnover_mad",
        "verification",
    ]
    per_statement = min(500, (connection.features.max_query_params or 100_000) // len(columns))
    month_values = [ops.adapt_datefield_value(m) for m in months]
    written = 0
    connection.ensure_connection()
    with CursorWrapper(connection.create_cursor(), connection) as cursor:
        batch: list[Any] = []

        def flush() -> None:
            nonlocal written, batch
            written += insert_rows(cursor, columns, batch, per_statement)
            batch = []

        for company in orgs:
            base = rng.randint(10, 400)
            for i, month in enumerate(month_values):
                batch.append(
                    (
                        now,
                        now,
                        company.pk,
                        None,
                        month,
                        Source.CNSS,
                        base + i // 3,
                        None,
                        None,
                        None,
                        Declaration.Verification.RECORD,
                    )
                )
            if len(batch) >= 20_000:
                flush()
        for project_id, company_id in signed:
            base = rng.randint(5, 100)
            for i, month in enumerate(month_values):
                batch.append(
                    (
                        now,
                        now,
                        company_id,
                        project_id,
                        month,
                        Source.COMPANY,
                        base + i // 4,
                        1 + i % 3,
                        i % 2,
                        ops.adapt_decimalfield_value(Decimal(base * 30_000)),
                        Declaration.Verification.UNVERIFIED,
                    )
                )
            if len(batch) >= 20_000:
                flush()
        flush()
    return written
