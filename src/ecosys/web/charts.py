"""Vega-Lite chart specs built from domain objects (rendered by vendored vega-embed, no CDN)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from ecosys.core.i18n import localized
from ecosys.programmes.models import Target


def milestone_chart(target: Target) -> dict[str, Any]:
    """Return a line chart of the yearly milestone path from the baseline to the horizon target."""
    rows = [{"year": str(target.baseline_year), "value": float(target.baseline_value), "kind": _("baseline")}]
    for milestone in target.milestones.all():
        kind = _("overridden milestone") if milestone.is_overridden else _("milestone")
        if milestone.year == target.horizon_year:
            kind = _("horizon target")
        rows.append({"year": str(milestone.year), "value": float(milestone.value), "kind": kind})
    title = localized(target.indicator, "name")
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": _("Milestone path of %(indicator)s from %(start)s to %(end)s")
        % {"indicator": title, "start": target.baseline_year, "end": target.horizon_year},
        "width": "container",
        "height": 160,
        "data": {"values": rows},
        "layer": [
            {"mark": {"type": "line", "color": "#1f6f8b"}, "encoding": {"x": {"field": "year", "type": "ordinal"}}},
            {
                "mark": {"type": "point", "filled": True, "size": 60},
                "encoding": {"color": {"field": "kind", "type": "nominal", "title": None}},
            },
        ],
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": _("year"), "axis": {"labelAngle": 0}},
            "y": {"field": "value", "type": "quantitative", "title": target.indicator.get_unit_display()},
            "tooltip": [{"field": "year"}, {"field": "value", "format": ",.0f"}, {"field": "kind"}],
        },
        "config": {"legend": {"orient": "bottom"}, "locale": number_locale()},
    }


def number_locale() -> dict[str, Any]:
    """Group thousands on the axes as the page does ("5 878" in French and Arabic, "5,878" in English)."""
    if (translation.get_language() or "fr")[:2] == "en":
        return {"number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", " MAD"]}}
    return {"number": {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", " MAD"]}}


def jobs_chart(groups: list[dict[str, Any]], title: str = "") -> dict[str, Any]:
    """Return a grouped bar chart: gross hires, net declared and net verified jobs for each group.

    ``groups`` are dicts with ``label``, ``gross_hires``, ``net_declared`` and ``net_verified``; an
    unknown figure (None) is left out rather than drawn as zero.
    """
    measures = [
        (_("gross hires"), "gross_hires", "#b0bec5"),
        (_("net declared"), "net_declared", "#f2a541"),
        (_("net verified (CNSS)"), "net_verified", "#1f6f8b"),
    ]
    order = [label for label, _key, _colour in measures]
    rows = [
        {"group": group["label"], "measure": label, "value": group[key]}
        for group in groups
        for label, key, _colour in measures
        if group.get(key) is not None
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": _("Jobs of %(subject)s: gross hires, net declared and net verified, side by side")
        % {"subject": title},
        "width": "container",
        "height": 240,
        "data": {"values": rows},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {
                "field": "group",
                "type": "nominal",
                "title": None,
                "sort": None,
                "axis": {"labelAngle": 0 if len(groups) <= 6 else -40, "labelLimit": 160},
            },
            "xOffset": {"field": "measure", "type": "nominal", "sort": order},
            "y": {"field": "value", "type": "quantitative", "title": _("jobs")},
            "color": {
                "field": "measure",
                "type": "nominal",
                "sort": order,
                "title": None,
                "scale": {"domain": order, "range": [colour for _label, _key, colour in measures]},
            },
            "tooltip": [{"field": "group"}, {"field": "measure"}, {"field": "value", "format": ",.0f"}],
        },
        "config": {"legend": {"orient": "bottom"}, "locale": number_locale()},
    }
