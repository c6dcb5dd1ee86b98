"""Counting jobs the way a sceptical statistician would accept.

Jobs figures of industrial programmes are disputed in public (gross vs net, administrative records
vs surveys). Each firm is therefore counted four ways, side by side:

* **net verified** = ``H_cnss(t) - H_cnss(t0)``: the change of the headcount declared to social
  security (CNSS) between the month of the investment agreement ``t0`` and the month ``t``. This
  is the programme's "jobs created".
* **net declared** = ``H_decl(t) - H_decl(t0)``: the same change from the firm's own declarations.
* **gross hires** = ``Σ hires(m)`` for months ``t0 < m <= t``: hires without subtracting departures;
  always larger, never to be reported as jobs created.
* **reconciliation** of each month: the declared headcount is *verified* when
  ``|H_decl - H_cnss| <= max(tolerance_jobs, tolerance_percent / 100 · H_cnss)``.

The baseline is the last figure at or before ``t0``; when a firm has none (it started after its
agreement), its first figure after ``t0`` is used and the count says so. All functions are pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

Reconciliation = Literal["verified", "discrepancy", "unverified"]


@dataclass(frozen=True)
class MonthFigures:
    month: date
    declared: int | None = None
    cnss: int | None = None
    gross_hires: int | None = None


@dataclass(frozen=True)
class JobsCount:
    baseline_month: date | None
    as_of: date
    baseline_declared: int | None
    baseline_cnss: int | None
    headcount_declared: int | None
    headcount_cnss: int | None
    net_declared: int | None
    net_verified: int | None
    gross_hires: int
    notes: tuple[str, ...] = field(default=())


def company_month_figures(
    rows: Iterable[tuple[int, int | None, date, int | None, int | None]],
) -> dict[tuple[int, date], tuple[int | None, int | None]]:
    """Return each company's declared (headcount, gross hires) per month from its declaration rows.

    ``rows`` are (company, project or None, month, headcount, hires). A month declared for the whole
    company (project None) is taken as it is; otherwise the company's project declarations for that
    month are added up. Reconciliation and counting both use this one rule.
    """
    whole: dict[tuple[int, date], tuple[int | None, int | None]] = {}
    summed: dict[tuple[int, date], tuple[int, int]] = {}
    for company, project, month, headcount, hires in rows:
        key = (company, month)
        if project is None:
            whole[key] = (headcount, hires)
        else:
            h, g = summed.get(key, (0, 0))
            summed[key] = (h + (headcount or 0), g + (hires or 0))
    return {**summed, **whole}


def reconcile(
    declared: int | None, cnss: int | None, tolerance_jobs: int, tolerance_percent: float | Decimal
) -> Reconciliation:
    """Return whether a declared headcount agrees with the CNSS headcount within the tolerance.

    Computed in decimal arithmetic, so a difference exactly at the percent tolerance is verified.
    """
    if declared is None or cnss is None:
        return "unverified"
    difference = abs(declared - cnss)
    within = difference <= tolerance_jobs or difference * 100 <= Decimal(str(tolerance_percent)) * cnss
    return "verified" if within else "discrepancy"


def _value_at(series: Sequence[MonthFigures], attr: str, month: date) -> tuple[int | None, date | None]:
    """Return the last value of ``attr`` at or before ``month`` and the month it comes from."""
    found: tuple[int | None, date | None] = (None, None)
    for figures in series:
        if figures.month > month:
            break
        value = getattr(figures, attr)
        if value is not None:
            found = (value, figures.month)
    return found


def _first_after(series: Sequence[MonthFigures], attr: str, month: date) -> tuple[int | None, date | None]:
    for figures in series:
        value = getattr(figures, attr)
        if figures.month > month and value is not None:
            return value, figures.month
    return None, None


def count_jobs(series: Iterable[MonthFigures], *, baseline_month: date, as_of: date) -> JobsCount:
    """Count one firm's jobs between its agreement month and ``as_of`` (see the module docstring)."""
    ordered = sorted(series, key=lambda f: f.month)
    notes: list[str] = []
    baselines: dict[str, int | None] = {}
    used_month: date | None = None
    for attr in ("declared", "cnss"):
        value, month = _value_at(ordered, attr, baseline_month)
        if value is None:
            value, month = _first_after(ordered, attr, baseline_month)
            if value is not None and month is not None and month <= as_of:
                notes.append(f"{attr}_baseline_after_agreement")
            else:
                value, month = None, None
        baselines[attr] = value
        if (attr == "cnss" and month is not None) or used_month is None:
            used_month = month
    declared_now, _m1 = _value_at(ordered, "declared", as_of)
    cnss_now, _m2 = _value_at(ordered, "cnss", as_of)
    if cnss_now is None or baselines["cnss"] is None:
        notes.append("no_cnss_record")
    hires = sum(f.gross_hires or 0 for f in ordered if baseline_month < f.month <= as_of)
    return JobsCount(
        baseline_month=used_month,
        as_of=as_of,
        baseline_declared=baselines["declared"],
        baseline_cnss=baselines["cnss"],
        headcount_declared=declared_now,
        headcount_cnss=cnss_now,
        net_declared=None
        if declared_now is None or baselines["declared"] is None
        else declared_now - baselines["declared"],
        net_verified=None if cnss_now is None or baselines["cnss"] is None else cnss_now - baselines["cnss"],
        gross_hires=hires,
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class JobsTotal:
    firms: int
    firms_verified: int
    net_verified: int
    net_declared: int
    gross_hires: int


def total_jobs(counts: Iterable[JobsCount]) -> JobsTotal:
    """Add firms' counts; a firm without CNSS records adds to the declared figure only."""
    firms = verified = net_v = net_d = hires = 0
    for count in counts:
        firms += 1
        hires += count.gross_hires
        if count.net_declared is not None:
            net_d += count.net_declared
        if count.net_verified is not None:
            verified += 1
            net_v += count.net_verified
    return JobsTotal(firms=firms, firms_verified=verified, net_verified=net_v, net_declared=net_d, gross_hires=hires)
