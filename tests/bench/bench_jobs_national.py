"""Jobs counting at national scale: 50 ecosystems, 5,000 companies, 20,000 projects, ~1.5 M declarations.

Generates the national data set (labelled generated), then times the programme-wide jobs report
(gross, net declared, net verified per company and ecosystem) and the CNSS reconciliation, against
a peer in the same run: one SQL aggregate that sums CNSS headcounts per month (the cheapest query
that touches the same rows), to show what part of the time is reading rows.
"""

from __future__ import annotations

import time
from datetime import date


def run() -> None:
    from django.db.models import Sum

    from ecosys.accounts.models import User
    from ecosys.investments.jobs import jobs_report
    from ecosys.investments.models import Declaration, Source
    from ecosys.investments.scale import national_generate
    from ecosys.investments.services.declarations import headcount_reconcile

    started = time.perf_counter()
    sizes = national_generate()
    print(f"   generated {sizes} in {time.perf_counter() - started:.1f}s")
    admin = User.objects.create_superuser("bench", password="bench-password-long")

    started = time.perf_counter()
    list(Declaration.objects.filter(source=Source.CNSS).values("month").annotate(total=Sum("headcount")))
    t_peer = time.perf_counter() - started

    started = time.perf_counter()
    report = jobs_report(actor=admin, as_of=date(2020, 12, 31))
    t_report = time.perf_counter() - started

    started = time.perf_counter()
    counts = headcount_reconcile(actor=None)
    t_reconcile = time.perf_counter() - started
    print(
        f"   programme jobs report: {t_report:.2f}s ({report.total.firms:,} firms, net verified "
        f"{report.total.net_verified:,}, gross hires {report.total.gross_hires:,})"
    )
    print(f"   CNSS reconciliation of every declaration: {t_reconcile:.2f}s ({counts})")
    print(f"   peer: one SQL sum of CNSS headcounts per month: {t_peer:.2f}s")
