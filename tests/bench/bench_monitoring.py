"""Monitoring dashboards at national scale: 50 ecosystems, 20,000 projects, ~1.5 M declarations.

DESIGN.md budget: a dashboard page answers in p95 <= 150 ms and <= 3x the p95 of a trivial page
under the same load, on PostgreSQL. The pages read a pre-computed snapshot; this times the
pre-computation itself (what the worker does when realisations change), then the pages (in-process
test client, one client, warm) against two trivial peers: the person's own account page (signed in:
session, person and memberships, what every signed-in page pays; the budget's peer, decision 44)
and the sign-in page (anonymous: no query at all). The other peer is computing the same figures on
each request (what a page without pre-computation would cost).
Data are generated (labelled generated): the national generator plus a contract over the 50
ecosystems with the IMM indicators, a dated status per project and yearly plans.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, date, datetime
from decimal import Decimal

N = 100


def _measure(client, path: str) -> tuple[float, float]:
    for _ in range(5):
        client.get(path)
    samples = []
    for _ in range(N):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * len(samples)) - 1]


def _contract() -> None:
    from ecosys.investments.models import InvestmentProject, ProjectEvent, ProjectPlanYear
    from ecosys.programmes.models import Ecosystem, Indicator, PerformanceContract, Sector
    from ecosys.programmes.services.targets import target_create

    sector = Sector.objects.get(code="NAT")
    contract = PerformanceContract.objects.create(
        code="NAT-CP", sector=sector, name_fr="Contrat national (généré)", horizon_year=2022, status="signed"
    )
    contract.ecosystems.set(Ecosystem.objects.filter(sector=sector))
    for code, horizon in [
        ("JOBS_CREATED", 400_000),
        ("VALUE_ADDED_ADD", 40e9),
        ("TURNOVER_ADD", 250e9),
        ("TRADE_BALANCE_GAIN", 50e9),
    ]:
        target_create(
            actor=None,
            contract=contract,
            indicator=Indicator.objects.get(code=code),
            baseline_value=0,
            baseline_year=2015,
            horizon_value=Decimal(horizon),
            horizon_year=2022,
            shape="s_curve",
        )
    rng = random.Random(11)  # reproducible benchmark data
    events, plans = [], []
    for pk, status, agreed in InvestmentProject.objects.filter(code__startswith="NAT-").values_list(
        "pk", "status", "agreement_date"
    ):
        day = agreed or date(2019, 1, 1)
        events.append(ProjectEvent(project_id=pk, target=status, at=datetime(day.year, day.month, 1, tzinfo=UTC)))
        jobs = rng.randint(5, 60)
        plans += [
            ProjectPlanYear(
                project_id=pk,
                year=year,
                jobs=jobs * (year - 2016) // 3,
                turnover_mad=Decimal(jobs * 600_000),
                value_added_mad=Decimal(jobs * 100_000),
                exports_mad=Decimal(jobs * 120_000),
            )
            for year in range(2017, 2023)
        ]
    ProjectEvent.objects.bulk_create(events, batch_size=5000)
    ProjectPlanYear.objects.bulk_create(plans, batch_size=5000)


def _machine() -> str:
    import os
    import platform

    from django.db import connection

    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),  # noqa: SIM115
        platform.processor(),
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    with connection.cursor() as cursor:
        cursor.execute("select version()" if connection.vendor == "postgresql" else "select sqlite_version()")
        database = cursor.fetchone()[0].split(" on ")[0]
    return f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB; Python {platform.python_version()}; {database}"


def run() -> None:
    from django.test import Client

    from ecosys.core.roles import Role
    from ecosys.investments.scale import national_generate
    from ecosys.monitoring import figures, forecasting
    from ecosys.monitoring.services import snapshot_for
    from ecosys.programmes.models import Programme
    from ecosys.programmes.services.loader import BUNDLED_IMM, programme_file_read, programme_load
    from tests.factories import user_with_role

    print(f"   machine: {_machine()}")
    programme_load(actor=None, data=programme_file_read(BUNDLED_IMM))  # the indicators
    started = time.perf_counter()
    sizes = national_generate()
    _contract()
    print(f"   generated {sizes} and a contract over them in {time.perf_counter() - started:.1f}s")
    programme = Programme.objects.get(code="nat-bench")
    as_of = date(2020, 12, 1)

    ecosystems = [f"NAT-{i:02d}" for i in range(1, 51)]
    started = time.perf_counter()
    forecast = forecasting.pipeline_forecast(
        ecosystems=ecosystems,
        as_of=as_of,
        horizon_year=2022,
        actuals={},
        targets={"JOBS_CREATED": 400_000, "VALUE_ADDED_ADD": 40e9, "TURNOVER_ADD": 250e9, "TRADE_BALANCE_GAIN": 50e9},
    )
    t_forecast = time.perf_counter() - started
    jobs = forecast.kpis["JOBS_CREATED"]
    print(
        f"   forecast of every contract KPI ({forecast.projects:,} projects x {forecasting.N_SCENARIOS:,} scenarios, "
        f"reading the pipeline included): {t_forecast:.2f}s; jobs P10/P50/P90 {jobs.p10:,.0f} / {jobs.p50:,.0f} / "
        f"{jobs.p90:,.0f}"
    )

    started = time.perf_counter()
    snapshot = snapshot_for(programme=programme, as_of=as_of, basis="verified")
    t_snapshot = time.perf_counter() - started
    print(f"   pre-computation of the dashboard figures (worker): {t_snapshot:.1f}s")

    client, trivial = Client(), Client()
    client.force_login(user_with_role(Role.MINISTRY_ANALYST))
    rows = [
        ("account page (signed-in trivial peer)", client, "/accounts/me/"),
        ("sign-in page (anonymous trivial peer)", trivial, "/accounts/login/"),
        ("programme dashboard", client, "/monitoring/nat-bench/?as_of=2020-12"),
        ("ecosystem dashboard", client, "/monitoring/nat-bench/ecosystems/NAT-07/?as_of=2020-12"),
        ("API figures", client, "/api/v1/monitoring/nat-bench/figures?as_of=2020-12"),
        ("Excel export of the ecosystems table", client, "/monitoring/nat-bench/?as_of=2020-12&table=ecosystems"),
    ]
    results = {label: _measure(c, path) for label, c, path in rows}
    signed_in, anonymous = results[rows[0][0]][1], results[rows[1][0]][1]
    print(f"   {'page':40} {'median ms':>10} {'p95 ms':>8} {'x signed-in p95':>16} {'x anonymous p95':>16}")
    for label, (median, p95) in results.items():
        print(f"   {label:40} {median:10.1f} {p95:8.1f} {p95 / signed_in:16.1f} {p95 / anonymous:16.1f}")
    started = time.perf_counter()
    figures.compute(programme, as_of=as_of, basis="verified")
    print(
        f"   peer: computing the figures on each request instead: {time.perf_counter() - started:.1f}s a page "
        f"(the snapshot holds {len(str(snapshot.figures)) / 1000:.0f} kB of figures)"
    )
