"""Vega-Lite specs of the grant pages: envelopes and the simulator's draw on an envelope.

Drawn by the vendored vega-embed (``web/_charts.html``); each page puts the same figures in a table
next to the chart for screen readers and for copying.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from ecosys.analytics.incentive_payments import Simulation
from ecosys.incentives.models import Envelope
from ecosys.web.charts import number_locale

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


def envelopes_chart(envelopes: Iterable[Envelope]) -> dict[str, Any]:
    """A horizontal stacked bar per envelope: paid, committed not yet paid, still available."""
    parts = [(_("paid"), "#1f6f8b"), (_("committed, not yet paid"), "#f2a541"), (_("available"), "#cfd8dc")]
    order = [label for label, _colour in parts]
    rows = []
    for envelope in envelopes:
        values = (envelope.paid_mad, envelope.committed_mad - envelope.paid_mad, envelope.available_mad)
        for (label, _colour), value in zip(parts, values, strict=True):
            rows.append({"envelope": envelope.name, "part": label, "order": order.index(label), "mad": float(value)})
    return {
        "$schema": SCHEMA,
        "description": _("Each envelope: paid, committed not yet paid, and available, in MAD"),
        "width": "container",
        "height": {"step": 34},
        "data": {"values": rows},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {"field": "envelope", "type": "nominal", "title": None, "axis": {"labelLimit": 240}},
            "x": {"field": "mad", "type": "quantitative", "stack": "zero", "title": _("MAD")},
            "order": {"field": "order", "type": "ordinal"},
            "color": {
                "field": "part",
                "type": "nominal",
                "title": None,
                "sort": order,
                "scale": {"domain": order, "range": [colour for _label, colour in parts]},
            },
            "tooltip": [{"field": "envelope"}, {"field": "part"}, {"field": "mad", "format": ",.0f"}],
        },
        "config": {"legend": {"orient": "bottom"}, "locale": number_locale()},
    }


def simulation_chart(simulation: Simulation) -> dict[str, Any]:
    """Cumulated demand and cumulated funded grants by year, against the envelope (a horizontal rule)."""
    demand, funded = _("cumulated demand"), _("cumulated funded")
    rows = []
    for year in simulation.years:
        rows.append({"year": str(year.year), "series": demand, "mad": float(year.cumulative_demand)})
        rows.append({"year": str(year.year), "series": funded, "mad": float(year.cumulative_funded)})
    envelope = float(simulation.envelope)
    return {
        "$schema": SCHEMA,
        "description": _("Grants of the pipeline by year, cumulated: demand and funded, against the envelope"),
        "width": "container",
        "height": 240,
        "layer": [
            {
                "data": {"values": rows},
                "mark": {"type": "line", "point": True, "tooltip": True},
                "encoding": {
                    "x": {"field": "year", "type": "ordinal", "title": _("year"), "axis": {"labelAngle": 0}},
                    "y": {"field": "mad", "type": "quantitative", "title": _("MAD")},
                    "color": {
                        "field": "series",
                        "type": "nominal",
                        "title": None,
                        "scale": {"domain": [demand, funded], "range": ["#f2a541", "#1f6f8b"]},
                    },
                    "tooltip": [{"field": "year"}, {"field": "series"}, {"field": "mad", "format": ",.0f"}],
                },
            },
            {
                "data": {"values": [{"mad": envelope, "label": _("envelope")}]},
                "mark": {"type": "rule", "color": "#b3261e", "strokeDash": [6, 4]},
                "encoding": {
                    "y": {"field": "mad", "type": "quantitative"},
                    "tooltip": [{"field": "label"}, {"field": "mad", "format": ",.0f"}],
                },
            },
        ],
        "config": {"legend": {"orient": "bottom"}, "locale": number_locale()},
    }
