"""Land import: 300 parcels of GeoJSON through services.parcels_import, every check on, all or nothing.

The instance is synthetic and seeded, the size of the optimiser's benchmark: six zones in six industrial
towns (Berrechid, Kénitra, Tanger, Fès, Oujda in the Nord Maroc grid, Agadir in the Sud Maroc grid), each a
grid of 5 rows x 10 columns of parcels, column widths and row depths drawn in 40-200 m and 50-150 m (parcels
of 2,000 to 30,000 m²), all in one WGS 84 file as an upload sends it (bytes). The import parses it, checks
each outline, measures it in its Lambert grid, checks that it lies in its zone, looks for overlaps among the
file's parcels and with the zone's existing ones, finds the neighbours and writes the rows. Measured as well:
the same file imported again, refused whole for overlapping the parcels now there (the existing-parcel path),
and the geometry checks alone (landgeo.read_parcels, no database), the floor the import cannot beat.
"""

from __future__ import annotations

import json
import random
import time

from pyproj import Transformer

ROWS, COLUMNS = 5, 10
TOWNS = {
    "BENCH-BER": ("Berrechid", "06", "06.07", -7.565, 33.285),
    "BENCH-KEN": ("Kénitra", "04", "04.04", -6.58, 34.30),
    "BENCH-TNG": ("Tanger", "01", "01.01", -5.89, 35.71),
    "BENCH-FES": ("Fès", "03", "03.01", -4.98, 34.04),
    "BENCH-OUJ": ("Oujda", "02", "02.01", -1.90, 34.68),
    "BENCH-AGA": ("Agadir", "09", "09.01", -9.55, 30.38),
}


def _drawer(longitude: float, latitude: float):
    """Return a function drawing rectangles in metres east and north of a point, as WGS 84 polygons."""
    from ecosys.analytics.landgeo import WGS84, lambert_grid

    grid = lambert_grid(latitude)
    east, north = Transformer.from_crs(WGS84, grid, always_xy=True).transform(longitude, latitude)
    to_wgs = Transformer.from_crs(grid, WGS84, always_xy=True)

    def draw(x: float, y: float, width: float, height: float) -> dict:
        corners = [(x, y), (x + width, y), (x + width, y + height), (x, y + height), (x, y)]
        lons, lats = to_wgs.transform([east + dx for dx, _ in corners], [north + dy for _, dy in corners])
        return {"type": "Polygon", "coordinates": [[[a, b] for a, b in zip(lons, lats, strict=True)]]}

    return draw


def _files(rng: random.Random) -> tuple[dict, bytes]:
    """The zones' file and the parcels' file (bytes)."""
    from ecosys.land.shapes import collection, feature

    zones, parcels = [], []
    for code, (town, region, province, longitude, latitude) in TOWNS.items():
        draw = _drawer(longitude, latitude)
        widths = [10 * rng.randint(4, 20) for _ in range(COLUMNS)]
        depths = [10 * rng.randint(5, 15) for _ in range(ROWS)]
        zones.append(
            feature(
                draw(0, 0, sum(widths), sum(depths)),
                code=code,
                name=f"Parc de {town} (banc d'essai)",
                region=region,
                province=province,
                kind="rental",
                declared_area_m2=sum(widths) * sum(depths),
            )
        )
        for row, depth in enumerate(depths):
            for column, width in enumerate(widths):
                services = ["power"] + [
                    s for s, p in (("water", 0.9), ("gas", 0.3), ("rail", 0.15)) if rng.random() < p
                ]
                parcels.append(
                    feature(
                        draw(sum(widths[:column]), sum(depths[:row]), width, depth),
                        code=f"{code[-3:]}-{row}-{column}",  # unique in the file, which spans six zones
                        zone=code,
                        declared_area_m2=width * depth,
                        rent_mad_per_m2_month=f"{rng.choice((5, 5.5, 6, 6.5, 7))}",
                        services=services,
                    )
                )
    return collection(zones), json.dumps(collection(parcels)).encode()


def run() -> None:
    from ecosys.analytics import landgeo
    from ecosys.core.errors import ValidationFailed
    from ecosys.land import services
    from ecosys.land.models import Parcel, Zone
    from ecosys.programmes.models import Programme
    from ecosys.programmes.services.loader import BUNDLED_IMM, programme_file_read, programme_load

    data = programme_file_read(BUNDLED_IMM)
    programme_load(actor=None, data=data)
    programme = Programme.objects.get(code=data["programme"]["code"])
    started = time.perf_counter()
    zones_file, parcels_file = _files(random.Random(300))
    print(
        f"   drawing: {len(TOWNS)} zones, {len(TOWNS) * ROWS * COLUMNS} parcels, {len(parcels_file) / 1e6:.2f} MB "
        f"of GeoJSON ({time.perf_counter() - started:.2f} s)",
        flush=True,
    )

    started = time.perf_counter()
    zones = services.zones_import(actor=None, programme=programme, data=zones_file)
    t_zones = time.perf_counter() - started

    outlines = {z.code: z.geometry for z in zones}
    started = time.perf_counter()
    shapes = landgeo.read_parcels(parcels_file, outlines)
    t_floor = time.perf_counter() - started

    started = time.perf_counter()
    created = services.parcels_import(actor=None, data=parcels_file)
    t_import = time.perf_counter() - started

    started = time.perf_counter()
    try:
        services.parcels_import(actor=None, data=parcels_file)
        problems = 0
    except ValidationFailed as error:
        problems = len(error.details)
    t_refused = time.perf_counter() - started

    links = sum(len(p.neighbours) for p in created) // 2
    zone_area = sum(z.area_m2 for z in Zone.objects.filter(code__in=TOWNS))
    parcel_area = sum(p.area_m2 for p in Parcel.objects.filter(zone__code__in=TOWNS))
    n = len(created)
    print(f"   {'step':58} {'time':>8} {'parcels/s':>10}")
    print(f"   {'zones_import (6 zones)':58} {t_zones:7.2f}s")
    print(f"   {'landgeo.read_parcels alone (geometry checks, no database)':58} {t_floor:7.2f}s {n / t_floor:10,.0f}")
    print(f"   {'services.parcels_import (checked and written)':58} {t_import:7.2f}s {n / t_import:10,.0f}")
    print(f"   {'the same file again: refused whole (overlaps existing)':58} {t_refused:7.2f}s {n / t_refused:10,.0f}")
    print(
        f"   {n} parcels imported ({len(shapes)} read by the floor), {links} neighbour links; "
        f"parcels cover {parcel_area / 10_000:.2f} ha of {zone_area / 10_000:.2f} ha of zones; "
        f"second import: {problems} problems listed, {Parcel.objects.filter(zone__code__in=TOWNS).count()} parcels "
        "in the database (nothing added)",
        flush=True,
    )
