"""Excel downloads of the incentives domain: applications, envelopes and a simulation, for pages and the API.

Headers are in the active language; amounts stay numbers (MAD), dates stay dates, so a fund officer
can sum and filter them in a spreadsheet without reading text back into numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ecosys.core.spreadsheets import xlsx_bytes
from ecosys.incentives.explain import reason_text
from ecosys.incentives.models import Application, Envelope
from ecosys.incentives.simulation import SimulationResult


def _rtl() -> bool:
    return (translation.get_language() or "fr").startswith("ar")


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")


def _investment(application: Application) -> Decimal:
    declared = (application.facts or {}).get("investment") or {}
    return sum((Decimal(str(amount)) for amount in declared.values()), Decimal(0))


def applications_xlsx(applications: Iterable[Application]) -> bytes:
    """Return one row per application: who, which scheme version, where it stands and the money at each step."""
    items = list(applications)
    prefetch_related_objects(items, "payments")
    headers = [
        _("Reference"), _("Company"), _("Project"), _("Ecosystem"), _("Scheme"), _("Version"), _("Status"),
        _("Application date"), _("Investment declared (MAD)"), _("Stable jobs"), _("Eligible"),
        _("Grant computed (MAD)"), _("Grant decided (MAD)"), _("Paid (MAD)"), _("Recovered (MAD)"),
        _("Envelope"), _("Decided on"), _("Agreement signed on"),
    ]  # fmt: skip
    rows: list[list[Any]] = [headers]
    for a in items:
        rows.append(
            [
                a.reference,
                a.company.name,
                f"{a.project.code} · {a.project.name}",
                a.project.ecosystem.name,
                a.version.scheme.name,
                a.version.number,
                a.get_status_display(),
                a.applied_on,
                _investment(a),
                int((a.facts or {}).get("stable_jobs") or 0),
                _yes_no(a.eligible),
                a.computed_grant_mad,
                a.granted_mad,
                a.paid_mad,
                a.recovered_mad,
                a.envelope.name if a.envelope is not None else "",
                timezone.localdate(a.decided_at) if a.decided_at is not None else None,
                a.signed_on,
            ]
        )
    return xlsx_bytes(_("Grant applications"), rows, bold_row=1, right_to_left=_rtl())


def envelopes_xlsx(envelopes: Iterable[Envelope]) -> bytes:
    """Return one row per envelope: its scope, amount, what is committed, paid and still available."""
    headers = [
        _("Envelope"), _("Programme"), _("Ecosystem"), _("Scheme"), _("Amount (MAD)"), _("Committed (MAD)"),
        _("Paid (MAD)"), _("Available (MAD)"), _("Committed (%)"),
    ]  # fmt: skip
    rows: list[list[Any]] = [headers]
    for e in envelopes:
        share = (100 * e.committed_mad / e.amount_mad).quantize(Decimal("0.1")) if e.amount_mad else None
        rows.append(
            [
                e.name,
                e.programme.name,
                e.ecosystem.name if e.ecosystem is not None else _("all ecosystems"),
                e.scheme.name if e.scheme is not None else _("all schemes"),
                e.amount_mad,
                e.committed_mad,
                e.paid_mad,
                e.available_mad,
                share,
            ]
        )
    return xlsx_bytes(_("Envelopes"), rows, bold_row=1, right_to_left=_rtl())


def simulation_xlsx(result: SimulationResult) -> bytes:
    """Return the simulation on one sheet: what was simulated, the totals, the envelope by year, then each project.

    Row 1 names the scheme version (and says when its rules were modified); the three blocks follow,
    each under its own header row and separated by an empty row.
    """
    sim, version = result.simulation, result.version
    title = f"{version.scheme.name} · v{version.number}"
    if result.modified:
        title += f" · {_('modified rules')}"
    rows: list[list[Any]] = [
        [title],
        [_("Envelope (MAD)"), sim.envelope],
        [_("Grants of the eligible projects (MAD)"), sim.total_grant],
        [_("Grants the envelope funds (MAD)"), sim.funded_grant],
        [_("Stable jobs of the eligible projects"), sim.stable_jobs],
        [_("Grant per job (MAD)"), sim.grant_per_job],
        [],
        [
            _("Year"), _("Demand (MAD)"), _("Cumulative demand (MAD)"), _("Funded (MAD)"),
            _("Cumulative funded (MAD)"), _("Demand exceeds the envelope"),
        ],
    ]  # fmt: skip
    for year in sim.years:
        rows.append(
            [
                year.year,
                year.demand,
                year.cumulative_demand,
                year.funded,
                year.cumulative_funded,
                _yes_no(year.exceeds_envelope),
            ]
        )
    rows += [
        [],
        [
            _("Project"), _("Company"), _("Year"), _("Stable jobs"), _("Investment (MAD)"),
            _("Eligible investment (MAD)"), _("Eligible"), _("Grant (MAD)"), _("Funded"), _("Reasons"),
        ],
    ]  # fmt: skip
    for p in sim.projects:
        project = result.projects.get(p.key)
        ev = p.evaluation
        rows.append(
            [
                f"{p.key} · {project.name}" if project is not None else p.key,
                project.company.name if project is not None else "",
                p.year,
                p.stable_jobs,
                ev.investment,
                ev.eligible_investment,
                _yes_no(ev.eligible),
                ev.total_grant,
                _yes_no(p.funded),
                "; ".join(reason_text(r.code, dict(r.params)) for r in ev.reasons),
            ]
        )
    return xlsx_bytes(_("Simulation"), rows, right_to_left=_rtl())
