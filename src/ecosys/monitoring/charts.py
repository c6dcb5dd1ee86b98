"""Vega-Lite specs of the monitoring pages (rendered by the vendored vega-embed; each has a data table)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ecosys.web.charts import number_locale


def path_chart(kpi: dict[str, Any], title: str, unit: str) -> dict[str, Any]:
    """Return the milestone path, the actuals and the forecast band (P10–P90, P50) at the horizon."""
    rows = []
    for point in kpi["path"]:
        rows.append({"year": str(point["year"]), "value": point["milestone"], "series": _("milestone")})
        if point["actual"] is not None:
            rows.append({"year": str(point["year"]), "value": point["actual"], "series": _("actual")})
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "line", "point": True},
            "encoding": {
                "color": {"field": "series", "type": "nominal", "title": None},
                "strokeDash": {"field": "series", "type": "nominal", "legend": None},
            },
        }
    ]
    forecast = kpi.get("forecast")
    band = []
    if forecast is not None:
        band = [
            {
                "year": str(forecast["horizon_year"]),
                "low": forecast["p10"],
                "high": forecast["p90"],
                "median": forecast["p50"],
            }
        ]
        layers += [
            {
                "data": {"values": band},
                "mark": {"type": "rule", "strokeWidth": 6, "opacity": 0.35, "color": "#8e44ad"},
                "encoding": {"y": {"field": "low", "type": "quantitative"}, "y2": {"field": "high"}},
            },
            {
                "data": {"values": band},
                "mark": {"type": "point", "shape": "diamond", "filled": True, "size": 90, "color": "#8e44ad"},
                "encoding": {"y": {"field": "median", "type": "quantitative"}},
            },
        ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": _("%(indicator)s: milestones, actuals and the forecast at the horizon") % {"indicator": title},
        "width": "container",
        "height": 180,
        "data": {"values": rows},
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": _("year"), "axis": {"labelAngle": 0}},
            "y": {"field": "value", "type": "quantitative", "title": unit},
            "tooltip": [{"field": "year"}, {"field": "series"}, {"field": "value", "format": ",.0f"}],
        },
        "layer": layers,
        "config": {"legend": {"orient": "bottom"}, "locale": number_locale()},
    }
