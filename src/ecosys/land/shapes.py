"""Draw rectangles in metres on Morocco's Lambert grid and return them as WGS 84 GeoJSON: the demo's zones
and parcels, and the tests' (their areas measure back exactly, in the grid the import measures in)."""

from __future__ import annotations

from typing import Any

from ecosys.analytics.landgeo import WGS84, _transformer, lambert_grid


def rectangle(
    longitude: float, latitude: float, x_m: float, y_m: float, width_m: float, height_m: float
) -> dict[str, Any]:
    """A GeoJSON polygon: the rectangle ``[x, x + width] × [y, y + height]`` metres east and north of a point."""
    grid = lambert_grid(latitude)
    to_grid, to_wgs = _transformer(WGS84, grid), _transformer(grid, WGS84)  # built once per grid
    east, north = to_grid.transform(longitude, latitude)
    corners = [(x_m, y_m), (x_m + width_m, y_m), (x_m + width_m, y_m + height_m), (x_m, y_m + height_m), (x_m, y_m)]
    ring = [list(to_wgs.transform(east + dx, north + dy)) for dx, dy in corners]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(geometry: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}
