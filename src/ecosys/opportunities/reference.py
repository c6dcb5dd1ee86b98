"""Reference tables shipped with Ecosys (``analytics/trade/data``), read once per process.

CEPII distances for the export-potential ease factor, HS92 product names and the Atlas product-space
layout and edges for the picture. Nothing is downloaded: the files are in the package (see SOURCES.md).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from ecosys.analytics.geo import GeoDist, read_geodist
from ecosys.analytics.trade.codes import read_product_names

DATA = "ecosys.analytics.trade"


def shipped(name: str) -> Path:
    return Path(str(resources.files(DATA).joinpath("data", name)))


@cache
def geodist() -> GeoDist:
    return read_geodist(shipped("dist_cepii.csv.gz"))


@cache
def product_names() -> dict[str, str]:
    """HS92 codes (levels 2, 4 and 6, with their leading zeros) to English names."""
    table = read_product_names(shipped("product_hs92.csv.gz"))
    return {code: product.name for code, product in table.items() if product.level >= 2}


@cache
def product_space_layout() -> dict[str, tuple[float, float, str]]:
    """HS92 4-digit code -> (x, y, cluster) of the Atlas product space."""
    import csv

    with shipped("umap_layout_hs92.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["product_hs92_code"].strip().zfill(4): (
                float(row["product_space_x"]),
                float(row["product_space_y"]),
                row["product_space_cluster_name"].strip(),
            )
            for row in csv.DictReader(handle)
        }


@cache
def product_space_edges() -> tuple[tuple[str, str], ...]:
    import csv

    with shipped("top_edges_hs92.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(
            (row["product_hs92_code_source"].strip().zfill(4), row["product_hs92_code_target"].strip().zfill(4))
            for row in csv.DictReader(handle)
        )
