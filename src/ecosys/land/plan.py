"""The plan view's geometry: GeoJSON outlines in WGS 84 drawn as SVG paths, without map tiles.

Longitudes and latitudes are projected with an equirectangular projection: a degree of longitude
is shortened by the cosine of the drawing's mean latitude, so that a zone of a few hundred metres
keeps its proportions; the y axis is flipped (north up). The drawing is scaled to a fixed width.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Ring = Sequence[Sequence[float]]


def polygons(geometry: Mapping[str, Any]) -> list[list[Ring]]:
    """Return the polygons of a Polygon or MultiPolygon, each as its rings (outer ring first)."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return [list(coordinates)]
    if kind == "MultiPolygon":
        return [list(polygon) for polygon in coordinates]
    return []


def _points(geometries: Iterable[Mapping[str, Any]]) -> list[tuple[float, float]]:
    return [
        (float(point[0]), float(point[1]))
        for geometry in geometries
        for polygon in polygons(geometry)
        for ring in polygon
        for point in ring
    ]


@dataclass(frozen=True)
class Frame:
    """Where a drawing sits on the page: the projection of its bounds to a ``width`` × ``height`` box."""

    west: float
    north: float
    shrink: float  # cos(mean latitude): a degree of longitude in degrees of latitude
    scale: float  # page units per degree of latitude
    pad: float
    width: float
    height: float

    def point(self, longitude: float, latitude: float) -> tuple[float, float]:
        x = self.pad + (longitude - self.west) * self.shrink * self.scale
        y = self.pad + (self.north - latitude) * self.scale
        return round(x, 2), round(y, 2)

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"


def frame_for(
    geometries: Iterable[Mapping[str, Any]], *, width: float = 640, max_height: float = 420, pad: float = 10
) -> Frame:
    """Return the frame that fits every outline given into ``width`` (and at most ``max_height``)."""
    points = _points(geometries)
    if not points:
        return Frame(0.0, 0.0, 1.0, 1.0, pad, width, 2 * pad)
    longitudes, latitudes = [p[0] for p in points], [p[1] for p in points]
    west, east, south, north = min(longitudes), max(longitudes), min(latitudes), max(latitudes)
    shrink = math.cos(math.radians((south + north) / 2))
    span_x, span_y = max((east - west) * shrink, 1e-12), max(north - south, 1e-12)
    scale = (width - 2 * pad) / span_x
    if span_y * scale > max_height - 2 * pad:
        scale = (max_height - 2 * pad) / span_y
    drawn_width = round(span_x * scale + 2 * pad, 2)
    return Frame(west, north, shrink, scale, pad, drawn_width, round(span_y * scale + 2 * pad, 2))


def path_d(geometry: Mapping[str, Any], frame: Frame) -> str:
    """Return the SVG path data of the outline (draw it with ``fill-rule="evenodd"`` for holes)."""
    parts = []
    for polygon in polygons(geometry):
        for ring in polygon:
            points = [frame.point(float(p[0]), float(p[1])) for p in ring]
            if len(points) < 3:
                continue
            head, *tail = points
            parts.append(f"M{head[0]:g} {head[1]:g}" + "".join(f"L{x:g} {y:g}" for x, y in tail) + "Z")
    return " ".join(parts)


def label_point(geometry: Mapping[str, Any], frame: Frame) -> tuple[float, float]:
    """Return where to write a label: the centroid of the largest polygon's outer ring, on the page."""
    best: tuple[float, float, float] | None = None
    for polygon in polygons(geometry):
        ring = [frame.point(float(p[0]), float(p[1])) for p in polygon[0]] if polygon else []
        if len(ring) < 3:
            continue
        area = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        if abs(area) < 1e-9:
            x, y = sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
        else:
            x, y = cx / (3 * area), cy / (3 * area)
        if best is None or abs(area) > best[0]:
            best = (abs(area), x, y)
    return (round(best[1], 2), round(best[2], 2)) if best else (0.0, 0.0)
