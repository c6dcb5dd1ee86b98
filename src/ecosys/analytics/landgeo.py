"""Industrial zones and parcels read from GeoJSON: geometry checked, areas measured in Morocco's Lambert grid.

**Coordinates.** A file is RFC 7946 GeoJSON (longitude, latitude on WGS 84) unless it names another
system in the old ``crs`` member; the Moroccan Lambert grids on the Merchich datum (EPSG 26191 Nord
Maroc, 26192 Sud Maroc, 26194 Sahara Nord, 26195 Sahara Sud) are accepted there, since surveyors and
the land registry (ANCFCC) draw plans in them. Any other system is refused as unknown, and so are
coordinates outside longitude/latitude ranges in a file that names none (a projected file without
its ``crs``). Geometries are stored in WGS 84, the form browsers draw.

**Areas.** ``A`` is the planar area of the polygon projected into the Lambert grid of its latitude
(Nord Maroc north of 31.5° N, Sud Maroc from 27.9° N, Sahara Nord from 24.3° N, Sahara Sud below),
the grid in which the registry's declared areas are measured, so the two compare like with like. A
declared area ``D`` is accepted when ``|A - D| <= max(tol · D, 1 m²)``, ``tol`` 2 % by default.

**Checks** (every problem is reported, with the feature's position and code): a polygon or
multipolygon in every feature; valid geometry (no self-intersection, as GEOS's ``explain_validity``
words it); unique codes; every parcel inside its zone (allowing ``0.5 m`` for drawing precision);
no two parcels of a zone overlapping by more than ``1 m²``; parcel codes unique within their zone.
Parcels sharing a boundary longer than
``1 m`` are neighbours: a request may be served by adjacent parcels.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import shapely
from pyproj import Transformer
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import transform
from shapely.validation import explain_validity

WGS84 = "EPSG:4326"
LAMBERT_GRIDS = {
    "EPSG:26191": "Nord Maroc",
    "EPSG:26192": "Sud Maroc",
    "EPSG:26194": "Sahara Nord",
    "EPSG:26195": "Sahara Sud",
}
WGS84_NAMES = {"EPSG:4326", "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "CRS84", "OGC:CRS84"}
DEFAULT_AREA_TOLERANCE = 0.02
INSIDE_TOLERANCE_M = 0.5
OVERLAP_TOLERANCE_M2 = 1.0
SHARED_EDGE_M = 1.0


class LandGeoError(ValueError):
    """A file refused, with every problem found: ``(feature position or None, code, params)``."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(f"{p.feature}: {p.code} {dict(p.params)}" for p in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Problem:
    feature: int | None  # 1-based position in the file, None for the whole file
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Shape:
    """One checked feature: its code, properties, WGS 84 geometry (GeoJSON mapping) and measured area."""

    position: int
    code: str
    properties: Mapping[str, Any]
    geometry: Mapping[str, Any]
    area_m2: float
    grid: str
    neighbours: frozenset[str] = frozenset()
    zone: str | None = None


def lambert_grid(latitude: float) -> str:
    """Return the EPSG code of the Moroccan Lambert grid covering ``latitude`` (module docstring)."""
    if latitude >= 31.5:
        return "EPSG:26191"
    if latitude >= 27.9:
        return "EPSG:26192"
    if latitude >= 24.3:
        return "EPSG:26194"
    return "EPSG:26195"


@cache
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def _to(geometry: BaseGeometry, source: str, target: str) -> BaseGeometry:
    return transform(_transformer(source, target).transform, geometry)


def _crs_name(document: Mapping[str, Any]) -> str | None:
    crs = document.get("crs")
    if crs is None:
        return None
    name = (crs.get("properties") or {}).get("name") if isinstance(crs, Mapping) else None
    if not isinstance(name, str):
        return "?"
    name = name.strip()
    if name.startswith("urn:ogc:def:crs:EPSG::"):
        name = "EPSG:" + name.rsplit(":", 1)[1]
    return "EPSG:4326" if name in WGS84_NAMES else name


def _in_degrees(geometry: BaseGeometry) -> bool:
    west, south, east, north = geometry.bounds
    return -180 <= west <= east <= 180 and -90 <= south <= north <= 90


def read_features(
    data: bytes | str | Mapping[str, Any],
) -> tuple[str, list[tuple[int, Mapping[str, Any], BaseGeometry]]]:
    """Parse a GeoJSON FeatureCollection into (its coordinate system, [(position, properties, geometry)]).

    Geometries are returned in the file's system; raises ``LandGeoError`` for anything unreadable.
    """
    try:
        document = json.loads(data) if isinstance(data, bytes | str) else data
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LandGeoError([Problem(None, "not_json", {"detail": str(error)})]) from None
    if not isinstance(document, Mapping) or document.get("type") != "FeatureCollection":
        raise LandGeoError([Problem(None, "not_a_feature_collection")])
    crs = _crs_name(document) or WGS84
    if crs != WGS84 and crs not in LAMBERT_GRIDS:
        raise LandGeoError([Problem(None, "unknown_projection", {"crs": crs})])
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise LandGeoError([Problem(None, "no_features")])
    problems: list[Problem] = []
    read: list[tuple[int, Mapping[str, Any], BaseGeometry]] = []
    for position, feature in enumerate(features, start=1):
        if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
            problems.append(Problem(position, "not_a_feature"))
            continue
        properties = feature.get("properties") or {}
        raw = feature.get("geometry")
        if not isinstance(raw, Mapping) or raw.get("type") not in ("Polygon", "MultiPolygon"):
            problems.append(
                Problem(
                    position, "not_a_polygon", {"type": (raw or {}).get("type") if isinstance(raw, Mapping) else None}
                )
            )
            continue
        try:
            geometry = shape(raw)
        except (ValueError, TypeError, AttributeError, shapely.errors.ShapelyError) as error:
            problems.append(Problem(position, "geometry_unreadable", {"detail": str(error)}))
            continue
        if geometry.is_empty:
            problems.append(Problem(position, "geometry_empty"))
            continue
        if crs == WGS84 and not _in_degrees(geometry):
            problems.append(
                Problem(position, "coordinates_not_degrees", {"bounds": tuple(round(b, 3) for b in geometry.bounds)})
            )
            continue
        if not geometry.is_valid:
            problems.append(Problem(position, "geometry_invalid", {"detail": explain_validity(geometry)}))
            continue
        read.append((position, properties, geometry))
    if problems:
        raise LandGeoError(problems)
    return crs, read


def _measure(geometry: BaseGeometry, crs: str) -> tuple[BaseGeometry, BaseGeometry, str]:
    """Return the geometry in WGS 84, in its Lambert grid, and the grid's code."""
    wgs = geometry if crs == WGS84 else _to(geometry, crs, WGS84)
    grid = crs if crs in LAMBERT_GRIDS else lambert_grid(wgs.centroid.y)
    planar = geometry if crs == grid else _to(wgs, WGS84, grid)
    return wgs, planar, grid


def _area_problem(position: int, code: str, measured: float, declared: object, tolerance: float) -> Problem | None:
    if declared in (None, ""):
        return None
    try:
        value = float(str(declared).replace(" ", "").replace(",", "."))
    except ValueError:
        return Problem(position, "declared_area_not_a_number", {"code": code})
    if not math.isfinite(value) or value <= 0:
        return Problem(position, "declared_area_not_a_number", {"code": code})
    if abs(measured - value) > max(tolerance * value, 1.0):
        return Problem(
            position,
            "area_differs",
            {"code": code, "declared_m2": value, "measured_m2": round(measured, 1), "tolerance": tolerance},
        )
    return None


def _code(
    position: int, properties: Mapping[str, Any], problems: list[Problem], seen: set[str], scope: str = ""
) -> str:
    """Return the feature's code; codes are unique within ``scope`` (a parcel's zone)."""
    code = str(properties.get("code") or "").strip()
    if not code:
        problems.append(Problem(position, "code_missing"))
    elif f"{scope}/{code}" in seen:
        problems.append(Problem(position, "code_duplicate", {"code": code}))
    seen.add(f"{scope}/{code}")
    return code


def read_zones(data: bytes | str | Mapping[str, Any], *, tolerance: float = DEFAULT_AREA_TOLERANCE) -> list[Shape]:
    """Read industrial zones: each feature has ``code`` and optionally ``declared_area_m2`` (module docstring)."""
    crs, features = read_features(data)
    problems: list[Problem] = []
    seen: set[str] = set()
    shapes = []
    for position, properties, geometry in features:
        code = _code(position, properties, problems, seen)
        wgs, planar, grid = _measure(geometry, crs)
        problem = _area_problem(position, code, planar.area, properties.get("declared_area_m2"), tolerance)
        if problem:
            problems.append(problem)
        shapes.append(Shape(position, code, dict(properties), mapping(wgs), planar.area, grid))
    if problems:
        raise LandGeoError(problems)
    return shapes


def read_parcels(
    data: bytes | str | Mapping[str, Any],
    zones: Mapping[str, Mapping[str, Any]],
    *,
    tolerance: float = DEFAULT_AREA_TOLERANCE,
    existing: Mapping[str, Sequence[tuple[str, Mapping[str, Any]]]] | None = None,
) -> list[Shape]:
    """Read parcels: each feature has ``code`` and ``zone`` (a key of ``zones``, whose WGS 84 geometries
    they must lie in) and optionally ``declared_area_m2``; checks overlaps among themselves and with the
    ``existing`` parcels of each zone (``(code, WGS 84 geometry)``), and finds neighbours."""
    crs, features = read_features(data)
    problems: list[Problem] = []
    seen: set[str] = set()
    shapes: list[Shape] = []
    planar_by_zone: dict[str, list[tuple[str, BaseGeometry, int | None]]] = {}
    for position, properties, geometry in features:
        zone = str(properties.get("zone") or "").strip()
        code = _code(position, properties, problems, seen, scope=zone)
        if zone not in zones:
            problems.append(Problem(position, "zone_unknown", {"code": code, "zone": zone}))
            continue
        wgs, planar, grid = _measure(geometry, crs)
        zone_planar = _to(shape(zones[zone]), WGS84, grid)
        if not zone_planar.buffer(INSIDE_TOLERANCE_M).covers(planar):
            outside = planar.difference(zone_planar).area
            problems.append(
                Problem(position, "outside_zone", {"code": code, "zone": zone, "outside_m2": round(outside, 1)})
            )
        problem = _area_problem(position, code, planar.area, properties.get("declared_area_m2"), tolerance)
        if problem:
            problems.append(problem)
        planar_by_zone.setdefault(zone, []).append((code, planar, position))
        shapes.append(Shape(position, code, dict(properties), mapping(wgs), planar.area, grid, zone=zone))
    neighbours: dict[str, set[str]] = {s.code: set() for s in shapes}
    for zone, new in planar_by_zone.items():
        grid = lambert_grid(shape(zones[zone]).centroid.y)
        old = [(code, _to(shape(g), WGS84, grid), None) for code, g in (existing or {}).get(zone, ())]
        everything = new + old
        tree = shapely.STRtree([g for _c, g, _p in everything])
        for i, (code, geometry, where) in enumerate(new):
            for j in tree.query(geometry):
                j = int(j)
                if j == i or (j < len(new) and j < i):
                    continue  # each pair of new parcels once
                other_code, other, _other_position = everything[j]
                overlap = geometry.intersection(other).area
                if overlap > OVERLAP_TOLERANCE_M2:
                    problems.append(
                        Problem(
                            where,
                            "parcels_overlap",
                            {"code": code, "other": other_code, "overlap_m2": round(overlap, 1)},
                        )
                    )
                elif geometry.buffer(INSIDE_TOLERANCE_M).intersection(other.boundary).length > SHARED_EDGE_M:
                    neighbours[code].add(other_code)
                    if other_code in neighbours:
                        neighbours[other_code].add(code)
    if problems:
        raise LandGeoError(sorted(problems, key=lambda p: (p.feature or 0, p.code)))
    return [Shape(**{**s.__dict__, "neighbours": frozenset(neighbours[s.code])}) for s in shapes]


def measured_area(geometry: Mapping[str, Any]) -> float:
    """Return the area in m² of a WGS 84 GeoJSON geometry, in the Lambert grid of its latitude."""
    wgs = shape(geometry)
    return float(_to(wgs, WGS84, lambert_grid(wgs.centroid.y)).area)
