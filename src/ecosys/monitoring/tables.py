"""The tables of the monitoring pages, built once for the page and for its Excel export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecosys.core.errors import NotFound
from ecosys.core.i18n import localized
from ecosys.core.spreadsheets import xlsx_bytes
from ecosys.investments.lifecycle import Status
from ecosys.monitoring.dashboards import STATUS_LABELS, Dashboard, projects_at_risk

TABLES = {
    "kpis": gettext_lazy("Contract indicators"),
    "ecosystems": gettext_lazy("Ecosystems"),
    "regions": gettext_lazy("Regions"),
    "gender": gettext_lazy("Women and men employed"),
    "path": gettext_lazy("Milestones and actuals by year"),
    "weights": gettext_lazy("Projects that weigh most on the forecast"),
    "at_risk": gettext_lazy("Projects at risk"),
}
UNKNOWN_TABLE = gettext_lazy("No such table.")


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: list[str]
    kinds: list[str]  # text, number, percent, probability
    rows: list[list[Any]]


def build(board: Dashboard, key: str, *, ecosystem: str | None = None) -> Table:
    """Return one table of the dashboard (all ecosystems, or one)."""
    if key not in TABLES:
        raise NotFound(UNKNOWN_TABLE)
    builder = {
        "kpis": _kpis,
        "ecosystems": _ecosystems,
        "regions": _regions,
        "gender": _gender,
        "path": _path,
        "weights": _weights,
        "at_risk": _at_risk,
    }[key]
    headers, kinds, rows = builder(board, ecosystem)
    return Table(key, str(TABLES[key]), headers, kinds, rows)


def _kpis(board: Dashboard, ecosystem: str | None) -> tuple[list[str], list[str], list[list[Any]]]:
    headers = [
        _("Contract"), _("Indicator"), _("Scope"), _("Target"), _("Horizon"), _("Milestone (as of)"), _("Actual"),
        _("Achieved, milestone (%)"), _("Achieved, target (%)"), _("Status"), "P10", "P50", "P90",
        _("Probability of meeting the target"),
    ]  # fmt: skip
    kinds = ["text", "text", "text", "number", "text", "number", "number", "percent", "percent", "text"]
    kinds += ["number", "number", "number", "probability"]
    rows = []
    for contract in board.figures["contracts"]:
        for kpi in contract["kpis"]:
            if ecosystem and kpi["ecosystem"] not in (None, ecosystem):
                continue
            f = kpi["forecast"] or {}
            rows.append(
                [
                    contract["code"],
                    board.indicator_name(kpi["indicator"]),
                    kpi["ecosystem"] or _("all ecosystems"),
                    kpi["target"],
                    kpi["horizon_year"],
                    kpi["milestone"],
                    kpi["actual"],
                    kpi["achieved_milestone"],
                    kpi["achieved_target"],
                    str(STATUS_LABELS[kpi["status"]]),
                    f.get("p10"),
                    f.get("p50"),
                    f.get("p90"),
                    f.get("probability"),
                ]
            )
    return headers, kinds, rows


ECOSYSTEM_COLUMNS = [
    "FIRMS", "JOBS_CREATED", "JOBS_GROSS", "HEADCOUNT", "TURNOVER", "EXPORTS", "EXPORT_SHARE",
    "TURNOVER_ADD", "VALUE_ADDED_ADD", "TRADE_BALANCE_GAIN",
]  # fmt: skip


def _ecosystems(board: Dashboard, ecosystem: str | None) -> tuple[list[str], list[str], list[list[Any]]]:
    names = {code: board.indicator_name(code) for code in ECOSYSTEM_COLUMNS}
    names["JOBS_GROSS"] = _("Gross hires since the agreements")
    headers = [_("Ecosystem"), *[names[c] for c in ECOSYSTEM_COLUMNS]]
    kinds = ["text", *["percent" if c == "EXPORT_SHARE" else "number" for c in ECOSYSTEM_COLUMNS]]
    rows = []
    for contract in board.figures["contracts"]:
        for row in contract["table"]:
            if ecosystem and row["code"] != ecosystem:
                continue
            eco = board.ecosystems.get(row["code"])
            rows.append([localized(eco, "name") if eco else row["code"], *[row.get(c) for c in ECOSYSTEM_COLUMNS]])
        if not ecosystem:
            totals = contract["totals"]
            rows.append(
                [
                    _("Total"),
                    *[contract["jobs_gross"] if c == "JOBS_GROSS" else totals.get(c) for c in ECOSYSTEM_COLUMNS],
                ]
            )
    return headers, kinds, rows


def _regions(board: Dashboard, ecosystem: str | None) -> tuple[list[str], list[str], list[list[Any]]]:
    headers = [_("Region"), board.indicator_name("JOBS_CREATED"), board.indicator_name("HEADCOUNT")]
    rows = []
    for contract in board.figures["contracts"]:
        jobs, heads = contract["regions"].get("JOBS_CREATED", {}), contract["regions"].get("HEADCOUNT", {})
        for region in sorted(set(jobs) | set(heads), key=lambda r: board.regions.get(r, r)):
            rows.append([board.regions.get(region, region), jobs.get(region), heads.get(region)])
    return headers, ["text", "number", "number"], rows


def _gender(board: Dashboard, ecosystem: str | None) -> tuple[list[str], list[str], list[list[Any]]]:
    headers = [_("Ecosystem"), _("Women"), _("Men"), _("Share of women")]
    rows = []
    for contract in board.figures["contracts"]:
        for code, sexes in contract.get("gender", {}).items():
            if ecosystem and code != ecosystem:
                continue
            women, men = sexes.get("women"), sexes.get("men")
            share = 100 * women / (women + men) if women is not None and men is not None and women + men else None
            eco = board.ecosystems.get(code)
            label = _("Total") if code == "*" else localized(eco, "name") if eco else code
            rows.append([label, women, men, share])
    return headers, ["text", "number", "number", "percent"], rows


def _path(board: Dashboard, ecosystem: str | None) -> tuple[list[str], list[str], list[list[Any]]]:
    headers = [_("Indicator"), _("Year"), _("Milestone"), _("Actual")]
    rows = []
    for contract in board.figures["contracts"]:
        for kpi in contract["kpis"]:
            for point in kpi["path"]:
                rows.append(
                    [board.indicator_name(kpi["indicator"]), point["year"], point["milestone"], point["actual"]]
                )
    return headers, ["text", "text", "number", "number"], rows


def _weights(board: Dashboard, ecosystem: str | None) -> tuple[list[str], list[str], list[list[Any]]]:
    headers = [
        _("Indicator"),
        _("Project"),
        _("Stage"),
        _("Share of the forecast's spread"),
        _("Expected at the horizon"),
    ]
    rows = []
    for contract in board.figures["contracts"]:
        for kpi in contract["kpis"]:
            for weight in (kpi["forecast"] or {}).get("weights", []):
                rows.append(
                    [
                        board.indicator_name(kpi["indicator"]),
                        f"{weight['project_code']} · {weight['project_name']}",
                        str(Status(weight["stage"]).label),
                        100 * weight["share"],
                        weight["expected"],
                    ]
                )
    return headers, ["text", "text", "text", "percent", "number"], rows


def _at_risk(board: Dashboard, ecosystem: str | None) -> tuple[list[str], list[str], list[list[Any]]]:
    headers = [_("Project"), _("Company"), _("Reason"), _("Months late")]
    codes = [ecosystem] if ecosystem else list(board.ecosystems)
    rows = []
    for row in projects_at_risk(ecosystems=codes, as_of=board.as_of):
        project = row["project"]
        rows.append([f"{project.code} · {project.name}", project.company.name, row["reason"], row["months_late"]])
    return headers, ["text", "text", "text", "number"], rows


def workbook(board: Dashboard, key: str, *, ecosystem: str | None = None) -> bytes:
    """Return the table as an Excel workbook: a title row, the headers, then numbers as numbers."""
    table = build(board, key, ecosystem=ecosystem)
    title = f"{board.programme.code} · {table.title} · {board.as_of:%Y-%m} · {board.basis}"
    rows = [[round(v, 4) if isinstance(v, float) else v for v in row] for row in table.rows]
    return xlsx_bytes(table.key, [[title], table.headers, *rows], bold_row=2)
