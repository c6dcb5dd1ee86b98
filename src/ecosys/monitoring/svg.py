"""Charts drawn as SVG on the server, for the PDF reports (no JavaScript runs in WeasyPrint)."""

from __future__ import annotations

import math
from typing import Any

from ecosys.core.numbers import format_number

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 520, 180, 70, 16, 14, 24
MILESTONE, ACTUAL, FORECAST = "#1f6f8b", "#d35400", "#8e44ad"
COLOURS = {"milestone": MILESTONE, "actual": ACTUAL, "forecast": FORECAST}


def _nice_top(value: float) -> float:
    """Round the axis top up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def path_svg(kpi: dict[str, Any], *, lang: str, rtl: bool = False) -> str:
    """Return the milestone path, the actuals and the forecast band at the horizon as an SVG string.

    Only numbers are drawn in the SVG; the legend is HTML beside it (see ``COLOURS``), because SVG
    text is not shaped for Arabic by the PDF renderer.
    """
    points = kpi["path"]
    forecast = kpi.get("forecast") or {}
    values = [p["milestone"] for p in points] + [p["actual"] for p in points if p["actual"] is not None]
    values += [forecast[k] for k in ("p10", "p90") if forecast.get(k) is not None]
    top = _nice_top(max([*values, 0.0]))
    years = [p["year"] for p in points]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: int) -> float:
        span = max(1, years[-1] - years[0])
        position = (year - years[0]) / span
        return LEFT + plot_w * (1 - position if rtl else position)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="DejaVu Sans, sans-serif" font-size="9">'
    ]
    for i in range(5):
        value = top * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 4}" y="{y(value) + 3:.1f}" text-anchor="end">{format_number(value, 0, lang)}</text>'
        )
    for year in years:
        parts.append(f'<text x="{x(year):.1f}" y="{HEIGHT - BOTTOM + 12}" text-anchor="middle">{year}</text>')
    parts.append(_polyline([(x(p["year"]), y(p["milestone"])) for p in points], MILESTONE, dashed=True))
    actual = [(x(p["year"]), y(p["actual"])) for p in points if p["actual"] is not None]
    if actual:
        parts.append(_polyline(actual, ACTUAL))
        parts += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5" fill="{ACTUAL}"/>' for px, py in actual]
    if forecast.get("p50") is not None:
        fx = x(forecast["horizon_year"])
        parts.append(
            f'<line x1="{fx:.1f}" x2="{fx:.1f}" y1="{y(forecast["p10"]):.1f}" y2="{y(forecast["p90"]):.1f}" '
            f'stroke="{FORECAST}" stroke-width="6" stroke-opacity="0.35"/>'
            f'<rect x="{fx - 3:.1f}" y="{y(forecast["p50"]) - 3:.1f}" width="6" height="6" fill="{FORECAST}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _polyline(points: list[tuple[float, float]], colour: str, *, dashed: bool = False) -> str:
    coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    dash = ' stroke-dasharray="4 3"' if dashed else ""
    return f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="1.6"{dash}/>'
