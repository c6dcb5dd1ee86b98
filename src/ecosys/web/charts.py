"""Vega-Lite chart specs built from domain objects (rendered by vendored vega-embed, no CDN)."""

from __future__ import annotations

from typing import Any

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
        "config": {"legend": {"orient": "bottom"}},
    }
