"""CEPII GeoDist country data and bilateral distances, read into plain arrays; a gravity "ease" factor.

GeoDist (Mayer & Zignago 2011, "Notes on CEPII's distances measures: the GeoDist database", CEPII
Working Paper 2011-25) ships two ``;``-separated files: ``geo_cepii.csv`` (one row per country and
city, Latin-1 text; the row with ``maincity = 1`` is kept) and ``dist_cepii.csv`` (one row per ordered
pair ``iso_o, iso_d``: ``contig``, ``comlang_off``, ``comlang_ethno``, ``colony``, ``comcol``, ``curcol``,
``col45``, ``smctry`` as 0/1, and distances ``dist``, ``distcap``, ``distw``, ``distwces`` in km, ``.``
where unknown, read as NaN). Codes are CEPII's ISO3, upper case, with a few historical ones
(``ROM`` Romania, ``ZAR`` DR Congo, ``TMP`` East Timor, ``PAL`` Palestine, ``YUG`` Serbia and
Montenegro); :data:`CEPII_CODES` maps today's codes to them. Either file may be gzipped: a path ending
in ``.gz`` is decompressed on the fly (Ecosys ships ``trade/data/dist_cepii.csv.gz``).
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ecosys.analytics.opportunity.errors import OpportunityInputError

FloatArray = NDArray[np.float64]

PAIR_DUMMIES = ("contig", "comlang_off", "comlang_ethno", "colony", "comcol", "curcol", "col45", "smctry")
DISTANCES = ("dist", "distcap", "distw", "distwces")

# Today's ISO3 -> the code GeoDist uses. Serbia and Montenegro share GeoDist's "YUG" row: an approximation.
CEPII_CODES: Mapping[str, str] = {"ROU": "ROM", "COD": "ZAR", "TLS": "TMP", "PSE": "PAL", "SRB": "YUG", "MNE": "YUG"}

# Typical gravity coefficients: Head & Mayer (2014), "Gravity Equations: Workhorse, Toolkit, and
# Cookbook", Handbook of International Economics vol. 4, ch. 3, Table 4 (meta-analysis, median of
# "all gravity" estimates), as the Ecosys team recalls them: the numbers were not re-checked against
# the table for this release. They are parameters; pass your own estimates.
GRAVITY_ELASTICITIES: Mapping[str, float] = {"dist": -0.89, "contig": 0.49, "comlang_off": 0.49, "colony": 0.91}


@dataclass(frozen=True, slots=True)
class GeoCountries:
    """One row per country (its main city): ISO3, English name, continent, landlocked (0/1), latitude, longitude."""

    iso3: NDArray[np.str_]
    name: NDArray[np.str_]
    continent: NDArray[np.str_]
    landlocked: FloatArray
    lat: FloatArray
    lon: FloatArray


@dataclass(frozen=True, slots=True)
class GeoDist:
    """Square ``countries x countries`` matrices, origin in rows and destination in columns; NaN where unknown."""

    countries: NDArray[np.str_]
    pairs: Mapping[str, FloatArray]

    def index(self, country: str) -> int:
        """Return the row of ``country`` (ISO3, any case; today's codes mapped by :data:`CEPII_CODES`), or -1."""
        code = str(country).strip().upper()
        code = CEPII_CODES.get(code, code)
        found = np.flatnonzero(self.countries == code)
        return int(found[0]) if found.size else -1


def _number(text: str) -> float:
    text = text.strip()
    return float("nan") if text in ("", ".") else float(text)


def _rows(path: Path, encoding: str) -> Iterable[dict[str, str]]:
    """Yield the rows of a ``;``-separated CEPII file, plain or gzipped (a name ending in ``.gz``)."""
    if path.suffix.lower() == ".gz":
        with gzip.open(path, "rt", newline="", encoding=encoding) as f:
            yield from csv.DictReader(f, delimiter=";")
        return
    with open(path, newline="", encoding=encoding) as f:
        yield from csv.DictReader(f, delimiter=";")


def read_geo_countries(path: Path | str) -> GeoCountries:
    """Read ``geo_cepii.csv`` (Latin-1; or ``.csv.gz``), keeping each country's main-city row, sorted by ISO3."""
    kept: dict[str, dict[str, str]] = {}
    for row in _rows(Path(path), "latin-1"):
        iso3 = row["iso3"].strip().upper()
        if iso3 not in kept or row["maincity"].strip() == "1":
            kept[iso3] = row
    codes = sorted(kept)
    return GeoCountries(
        iso3=np.array(codes, dtype=str),
        name=np.array([kept[c]["country"] for c in codes], dtype=str),
        continent=np.array([kept[c]["continent"] for c in codes], dtype=str),
        landlocked=np.array([_number(kept[c]["landlocked"]) for c in codes]),
        lat=np.array([_number(kept[c]["lat"]) for c in codes]),
        lon=np.array([_number(kept[c]["lon"]) for c in codes]),
    )


def read_geodist(path: Path | str) -> GeoDist:
    """Read ``dist_cepii.csv`` (or ``dist_cepii.csv.gz``) into square matrices over the sorted set of its countries."""
    rows = list(_rows(Path(path), "ascii"))
    origins = [r["iso_o"].strip().upper() for r in rows]
    destinations = [r["iso_d"].strip().upper() for r in rows]
    countries = np.array(sorted(set(origins) | set(destinations)), dtype=str)
    position = {c: i for i, c in enumerate(countries.tolist())}
    o = np.array([position[c] for c in origins], dtype=np.intp)
    d = np.array([position[c] for c in destinations], dtype=np.intp)
    pairs: dict[str, FloatArray] = {}
    for column in (*PAIR_DUMMIES, *DISTANCES):
        matrix = np.full((countries.size, countries.size), np.nan)
        matrix[o, d] = [_number(r[column]) for r in rows]
        pairs[column] = matrix
    return GeoDist(countries=countries, pairs=pairs)


def bilateral_ease(
    geodist: GeoDist,
    exporter: str,
    markets: Iterable[str],
    *,
    elasticities: Mapping[str, float] = GRAVITY_ELASTICITIES,
) -> FloatArray:
    """Return the gravity factor ``e_ij = Π_v x_ij,v^β_v`` for distances, ``exp(β_v x_ij,v)`` for dummies.

    With the defaults, ``e_ij = dist_ij^-0.89 · exp(0.49 contig_ij + 0.49 comlang_off_ij + 0.91 colony_ij)``:
    the part of bilateral trade costs a gravity equation attributes to geography and ties (Head &
    Mayer 2014). Keys of ``elasticities`` are GeoDist columns; distances enter in logs. NaN for a
    market (or an exporter) GeoDist does not know; scale-free, so only ratios between markets matter.
    """
    known = (*PAIR_DUMMIES, *DISTANCES)
    for name in elasticities:
        if name not in known:
            raise OpportunityInputError(
                "unknown_column", parameter="elasticities", name=name, table="GeoDist", known=", ".join(known)
            )
    i = geodist.index(exporter)
    js = np.array([geodist.index(m) for m in markets], dtype=np.intp)
    log_ease = np.zeros(js.size)
    for name, beta in elasticities.items():
        row = geodist.pairs[name][i, js] if i >= 0 else np.full(js.size, np.nan)
        with np.errstate(divide="ignore"):
            log_ease += beta * (np.log(row) if name in DISTANCES else row)
    log_ease[js < 0] = np.nan
    return np.exp(log_ease)
