"""Vega-Lite specs of the land pages: hectares of each zone by parcel status, hectares committed per ecosystem.

Drawn by the vendored vega-embed (``web/_charts.html``); each page puts the same figures in a table
next to the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from ecosys.land.models import Parcel
from ecosys.web.charts import number_locale

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"

# One colour per parcel status, shared by the charts, the plan view and its legend.
STATUS_COLOURS = {
    Parcel.Status.AVAILABLE: "#8cc084",
    Parcel.Status.RESERVED: "#f2a541",
    Parcel.Status.ALLOCATED: "#1f6f8b",
    Parcel.Status.CONTRACTED: "#6a4c93",
    Parcel.Status.BUILT: "#37474f",
    Parcel.Status.WITHDRAWN: "#cfd8dc",
}


def zones_chart(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A horizontal stacked bar per zone: its hectares by parcel status (``rows``: zone, by_status_ha)."""
    statuses = list(Parcel.Status)
    values = [
        {
            "zone": row["label"],
            "status": str(status.label),
            "order": index,
            "hectares": float(row["by_status_ha"][status]),
        }
        for row in rows
        for index, status in enumerate(statuses)
        if row["by_status_ha"].get(status)
    ]
    return {
        "$schema": SCHEMA,
        "description": _("Hectares of each industrial zone by parcel status"),
        "width": "container",
        "height": {"step": 34},
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {"field": "zone", "type": "nominal", "title": None, "axis": {"labelLimit": 240}},
            "x": {"field": "hectares", "type": "quantitative", "stack": "zero", "title": _("hectares")},
            "order": {"field": "order", "type": "ordinal"},
            "color": {
                "field": "status",
                "type": "nominal",
                "title": None,
                "scale": {
                    "domain": [str(s.label) for s in statuses],
                    "range": [STATUS_COLOURS[s] for s in statuses],
                },
            },
        },
        "config": {"legend": {"orient": "bottom"}, "locale": number_locale()},
    }


def committed_chart(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A bar per ecosystem: the hectares committed to its projects (allocated, signed or built)."""
    values = [{"ecosystem": row["label"], "hectares": float(row["hectares"])} for row in rows]
    return {
        "$schema": SCHEMA,
        "description": _("Hectares committed to the projects of each ecosystem"),
        "width": "container",
        "height": {"step": 30},
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True, "color": "#1f6f8b"},
        "encoding": {
            "y": {"field": "ecosystem", "type": "nominal", "title": None, "axis": {"labelLimit": 240}},
            "x": {"field": "hectares", "type": "quantitative", "title": _("hectares committed")},
        },
        "config": {"locale": number_locale()},
    }
