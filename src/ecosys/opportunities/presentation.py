"""How a study's results are shown: column labels in the user's language, filters, charts and spreadsheets.

Pages, the API and the XLSX export all read a study's rows through :func:`filtered_rows`, so a table,
its download and its JSON cannot disagree. Charts are Vega-Lite specs (vendored JavaScript, no CDN),
each beside a table a screen reader can read.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecosys.analytics.opportunity.study import Column, StudyResult
from ecosys.core.errors import ValidationFailed
from ecosys.core.numbers import format_number
from ecosys.opportunities.reference import product_space_edges, product_space_layout
from ecosys.web.charts import number_locale

LABELS: dict[str, Promise] = {
    "rank": gettext_lazy("rank"),
    "product": gettext_lazy("HS code"),
    "name": gettext_lazy("product"),
    "exports_usd": gettext_lazy("exports (USD)"),
    "imports_usd": gettext_lazy("imports (USD)"),
    "import_growth": gettext_lazy("growth of imports (per year)"),
    "rca": gettext_lazy("revealed comparative advantage (RCA)"),
    "present": gettext_lazy("exported with RCA ≥ threshold"),
    "density": gettext_lazy("density"),
    "distance": gettext_lazy("distance"),
    "pci": gettext_lazy("product complexity (PCI)"),
    "cog": gettext_lazy("opportunity gain (COG)"),
    "recycled_input": gettext_lazy("recycled input (scrap)"),
    "import_substitution": gettext_lazy("import substitution score"),
    "export_potential_usd": gettext_lazy("export potential (USD)"),
    "untapped_usd": gettext_lazy("untapped export potential (USD)"),
    "domestic_growth": gettext_lazy("growth of the domestic market"),
    "jobs": gettext_lazy("job potential"),
    "value_added_mad": gettext_lazy("value added potential (MAD)"),
    "feasibility": gettext_lazy("feasibility"),
    "market_usd": gettext_lazy("world market (USD)"),
    "score": gettext_lazy("score"),
    "candidate": gettext_lazy("candidate (not yet exported, density known)"),
    "potential_usd": gettext_lazy("potential (USD)"),
    "import_trend": gettext_lazy("trend of imports"),
    "rpop": gettext_lazy("RCA per capita (RPOP)"),
    "coefficient_status": gettext_lazy("source of the job coefficients"),
    "consumption_usd": gettext_lazy("apparent consumption (USD)"),
    "domestic_status": gettext_lazy("domestic market"),
}
STAGES: dict[str, Promise] = {
    "": gettext_lazy("waiting for the worker"),
    "exports": gettext_lazy("reading exports"),
    "complexity": gettext_lazy("computing complexity"),
    "imports": gettext_lazy("reading imports"),
    "export_potential": gettext_lazy("estimating export potential"),
    "jobs": gettext_lazy("estimating jobs and value added"),
    "scores": gettext_lazy("scoring and ranking"),
}
# The columns of the page's table, in order (the download has every column).
TABLE_KEYS = (
    "rank",
    "product",
    "name",
    "score",
    "potential_usd",
    "imports_usd",
    "import_growth",
    "exports_usd",
    "rca",
    "density",
    "pci",
    "cog",
    "export_potential_usd",
    "jobs",
    "recycled_input",
)
PER_PAGE = 50
BAD_FILTER_NUMBER = gettext_lazy("Enter a number.")
POSITIONS = {
    "present": gettext_lazy("exported with RCA ≥ 1"),
    "near": gettext_lazy("not exported, density above the median"),
    "far": gettext_lazy("not exported, density below the median"),
    "unknown": gettext_lazy("not in the data"),
}
POSITION_COLOURS = {"present": "#1f6f8b", "near": "#f2a541", "far": "#cfd8dc", "unknown": "#eceff1"}


def label(key: str, columns: Mapping[str, Column] | None = None) -> str:
    if key in LABELS:
        return str(LABELS[key])
    return key.replace("_", " ")


def stage_label(stage: str) -> str:
    return str(STAGES.get(stage, stage))


def columns_by_key(result: StudyResult) -> dict[str, Column]:
    return {column.key: column for column in result.columns}


def display(value: Any, kind: str) -> str:
    """A value as the page shows it: grouped thousands, shares in %, growth with its sign, ``—`` when unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind == "flag" or isinstance(value, bool):
        return _("yes") if value else _("no")
    if kind == "text":
        return str(value)
    if not isinstance(value, (int, float)):
        return str(value)
    if kind in ("usd", "mad", "jobs", "rank"):
        return format_number(float(value))
    if kind == "share":
        return format_number(100 * float(value), 1) + " %"
    if kind == "growth":
        sign = "+" if value > 0 else ""
        return sign + format_number(100 * float(value), 1) + " %"
    return format_number(float(value), 3 if abs(value) < 10 else 1)


# -- filters ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the analyst narrowed the ranked table to (all optional)."""

    search: str = ""
    chapter: str = ""
    position: str = ""  # "present" | "absent" | ""
    recycled: bool = False
    min_score: float | None = None

    def query(self) -> dict[str, str]:
        out = {"q": self.search, "chapter": self.chapter, "position": self.position}
        if self.recycled:
            out["recycled"] = "1"
        if self.min_score is not None:
            out["min_score"] = str(self.min_score)
        return {k: v for k, v in out.items() if v}


def parse_filters(data: Mapping[str, Any]) -> Filters:
    min_score = None
    raw = str(data.get("min_score") or "").strip().replace(",", ".")
    if raw:
        try:
            min_score = float(raw)
        except ValueError:
            raise ValidationFailed(BAD_FILTER_NUMBER, field="min_score", code="invalid") from None
        if not math.isfinite(min_score):
            raise ValidationFailed(BAD_FILTER_NUMBER, field="min_score", code="invalid")
    position = str(data.get("position") or "")
    return Filters(
        search=str(data.get("q") or "").strip(),
        chapter="".join(ch for ch in str(data.get("chapter") or "") if ch.isdigit())[:2],
        position=position if position in ("present", "absent") else "",
        recycled=str(data.get("recycled") or "") in ("1", "on", "true"),
        min_score=min_score,
    )


def filtered_rows(result: StudyResult, filters: Filters) -> list[dict[str, Any]]:
    """The study's rows (already in rank order) that pass ``filters``; a NaN score never passes a minimum."""
    needle = filters.search.casefold()
    out = []
    for row in result.rows:
        product = str(row.get("product", ""))
        if needle and needle not in product and needle not in str(row.get("name") or "").casefold():
            continue
        if filters.chapter and not product.startswith(filters.chapter.zfill(2)):
            continue
        if filters.position == "present" and not row.get("present"):
            continue
        if filters.position == "absent" and row.get("present"):
            continue
        if filters.recycled and not row.get("recycled_input"):
            continue
        if filters.min_score is not None:
            score = row.get("score")
            if not isinstance(score, (int, float)) or score < filters.min_score:
                continue
        out.append(dict(row))
    return out


def table(result: StudyResult, rows: Sequence[Mapping[str, Any]], keys: Sequence[str] = TABLE_KEYS) -> dict[str, Any]:
    """Header and display cells of ``rows`` for the page (only the keys the study has)."""
    columns = columns_by_key(result)
    shown = [key for key in keys if key in columns]
    return {
        "keys": shown,
        "header": [{"key": key, "label": label(key), "help": columns[key].description} for key in shown],
        "rows": [
            {
                "product": row.get("product"),
                "cells": [{"key": key, "text": display(row.get(key), columns[key].kind)} for key in shown],
                "generated_name": not row.get("name"),
            }
            for row in rows
        ],
    }


def spreadsheet_rows(result: StudyResult, rows: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    """Every column of ``rows``, numbers kept as numbers (empty cell when unknown), for the XLSX download."""
    keys = [column.key for column in result.columns]
    out: list[list[Any]] = [[label(key) for key in keys]]
    for row in rows:
        line = []
        for key in keys:
            value = row.get(key)
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            line.append(value)
        out.append(line)
    return out


def row_summary(row: Mapping[str, Any]) -> str:
    """A few sentences on one product for a project-bank sheet (in the active language)."""
    parts = [
        _("HS %(code)s — %(name)s.") % {"code": row.get("product"), "name": row.get("name") or "—"},
        _("Imports: %(imports)s USD (growth %(growth)s per year); exports: %(exports)s USD.")
        % {
            "imports": display(row.get("imports_usd"), "usd"),
            "growth": display(row.get("import_growth"), "growth"),
            "exports": display(row.get("exports_usd"), "usd"),
        },
        _("Density %(density)s, complexity (PCI) %(pci)s, rank %(rank)s in the study.")
        % {
            "density": display(row.get("density"), "number"),
            "pci": display(row.get("pci"), "number"),
            "rank": display(row.get("rank"), "rank"),
        },
    ]
    if row.get("recycled_input"):
        parts.append(_("Can be made from recycled inputs (HS %(code)s).") % {"code": row["recycled_input"]})
    return " ".join(parts)


# -- charts ----------------------------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def bubble_chart(rows: Sequence[Mapping[str, Any]], *, generated: bool, limit: int = 200) -> dict[str, Any]:
    """Feasibility (x, density) against potential (y, imports plus untapped exports, log scale), bubble size the
    world market: the best-ranked ``limit`` rows with all three known."""
    points = []
    for row in rows:
        x, y = _number(row.get("feasibility")), _number(row.get("potential_usd"))
        size = _number(row.get("market_usd")) or _number(row.get("imports_usd"))
        if x is None or y is None or size is None or y <= 0:
            continue
        points.append(
            {
                "product": row.get("product"),
                "name": row.get("name") or "",
                "feasibility": x,
                "potential": y,
                "score": _number(row.get("score")),
                "market": size,
                "recycled": bool(row.get("recycled_input")),
            }
        )
        if len(points) >= limit:
            break
    title = _("Feasibility and potential of the %(n)s best-ranked products") % {"n": len(points)}
    if generated:
        title += " — " + _("generated data")
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": title,
        "title": title,
        "width": "container",
        "height": 360,
        "data": {"values": points},
        "mark": {"type": "circle", "opacity": 0.65, "stroke": "#37474f", "strokeWidth": 0.5},
        "encoding": {
            "x": {"field": "feasibility", "type": "quantitative", "title": _("feasibility")},
            "y": {
                "field": "potential",
                "type": "quantitative",
                "scale": {"type": "log"},
                "title": _("potential (USD, log scale)"),
            },
            "size": {"field": "market", "type": "quantitative", "title": _("market (USD)"), "legend": None},
            "color": {
                "field": "recycled",
                "type": "nominal",
                "title": _("recycled input"),
                "scale": {"domain": [True, False], "range": ["#2e7d32", "#1f6f8b"]},
            },
            "tooltip": [
                {"field": "product", "title": _("HS code")},
                {"field": "name", "title": _("product")},
                {"field": "score", "format": ".2f", "title": _("score")},
                {"field": "feasibility", "format": ".2f", "title": _("feasibility")},
                {"field": "potential", "format": ",.0f", "title": _("potential (USD)")},
                {"field": "market", "format": ",.0f", "title": _("market (USD)")},
            ],
        },
        "config": {"locale": number_locale()},
    }


def rows_by_hs4(result: StudyResult) -> dict[str, Mapping[str, Any]]:
    """The study's row of each HS 4-digit heading (the Atlas product space's level): the first in rank order."""
    out: dict[str, Mapping[str, Any]] = {}
    for row in result.rows:
        code = str(row.get("product", ""))[:4]
        if len(code) == 4 and code not in out:
            out[code] = row
    return out


def positions(result: StudyResult) -> dict[str, str]:
    """Each HS4 product of the layout: present, near (density above the median of absent ones), far or unknown."""
    by_hs4 = rows_by_hs4(result)
    densities = sorted(
        d for row in by_hs4.values() if not row.get("present") and (d := _number(row.get("density"))) is not None
    )
    median = densities[len(densities) // 2] if densities else 0.0
    out = {}
    for code in product_space_layout():
        found = by_hs4.get(code)
        if found is None:
            out[code] = "unknown"
        elif found.get("present"):
            out[code] = "present"
        else:
            density = _number(found.get("density"))
            out[code] = "near" if density is not None and density >= median else "far"
    return out


def product_space_chart(result: StudyResult, *, generated: bool, highlight: str = "") -> dict[str, Any]:
    """The Atlas product space (HS92, 865 products, 4,316 edges) coloured by the country's position."""
    layout = product_space_layout()
    where = positions(result)
    names = {str(row.get("product", ""))[:4]: row.get("name") or "" for row in result.rows}
    nodes = [
        {
            "product": code,
            "name": names.get(code, ""),
            "x": round(x, 3),
            "y": round(y, 3),
            "cluster": cluster,
            "position": str(POSITIONS[where[code]]),
            "highlight": code == highlight,
        }
        for code, (x, y, cluster) in layout.items()
    ]
    edges = [
        {
            "x": round(layout[a][0], 3),
            "y": round(layout[a][1], 3),
            "x2": round(layout[b][0], 3),
            "y2": round(layout[b][1], 3),
        }
        for a, b in product_space_edges()
        if a < b and a in layout and b in layout
    ]
    order = [str(POSITIONS[key]) for key in ("present", "near", "far", "unknown")]
    colours = [POSITION_COLOURS[key] for key in ("present", "near", "far", "unknown")]
    title = _("Product space: where %(country)s stands") % {"country": result.parameters.country}
    if generated:
        title += " — " + _("generated data")
    axis = {"axis": None, "scale": {"zero": False}}
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": edges},
            "mark": {"type": "rule", "color": "#b0bec5", "strokeWidth": 0.4, "opacity": 0.6},
            "encoding": {
                "x": {"field": "x", "type": "quantitative", **axis},
                "y": {"field": "y", "type": "quantitative", **axis},
                "x2": {"field": "x2"},
                "y2": {"field": "y2"},
            },
        },
        {
            "data": {"values": nodes},
            "mark": {"type": "circle", "size": 28, "opacity": 0.95, "stroke": "#455a64", "strokeWidth": 0.3},
            "encoding": {
                "x": {"field": "x", "type": "quantitative", **axis},
                "y": {"field": "y", "type": "quantitative", **axis},
                "color": {
                    "field": "position",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": order, "range": colours},
                },
                "tooltip": [
                    {"field": "product", "title": _("HS code")},
                    {"field": "name", "title": _("product")},
                    {"field": "cluster", "title": _("cluster")},
                    {"field": "position", "title": _("position")},
                ],
            },
        },
    ]
    if highlight and highlight in layout:
        layers.append(
            {
                "data": {"values": [n for n in nodes if n["highlight"]]},
                "mark": {"type": "point", "size": 260, "stroke": "#c62828", "strokeWidth": 2.5},
                "encoding": {
                    "x": {"field": "x", "type": "quantitative", **axis},
                    "y": {"field": "y", "type": "quantitative", **axis},
                },
            }
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": title,
        "title": title,
        "width": "container",
        "height": 480,
        "layer": layers,
        "config": {"legend": {"orient": "bottom"}, "view": {"stroke": None}},
    }


def position_counts(result: StudyResult) -> list[dict[str, Any]]:
    """How many products of the layout fall in each position (the product-space chart's data table)."""
    where = positions(result)
    return [
        {"position": str(POSITIONS[key]), "count": sum(1 for v in where.values() if v == key)}
        for key in ("present", "near", "far", "unknown")
    ]


def neighbours(result: StudyResult, code: str, limit: int = 12) -> list[dict[str, Any]]:
    """Products linked to ``code`` in the Atlas product space, with the study's row where it has one."""
    hs4 = code[:4]
    linked = sorted({b if a == hs4 else a for a, b in product_space_edges() if hs4 in (a, b)})
    rows = {str(row.get("product", "")): row for row in result.rows}
    out = []
    for other in linked[:limit]:
        row = rows.get(other, {})
        out.append(
            {
                "product": other,
                "name": row.get("name") or "",
                "present": bool(row.get("present")),
                "rank": row.get("rank"),
                "in_study": bool(row),
            }
        )
    return out
