"""The Harmonized System (HS 2012) product list shipped with Ecosys, for validating product codes.

Chapter 99 ("commodities not specified according to kind") is left out: it names no product.

Source: the Atlas of Economic Complexity product classification (HS 2012, levels 2, 4 and 6, English
names), MIT licence, as distributed in the ``ecomplexity`` data; see data/hs12_codes.csv.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources


@cache
def hs_codes() -> dict[str, str]:
    """Return {code: English name} for every HS 2012 code at 2, 4 and 6 digits."""
    text = resources.files("ecosys.analytics").joinpath("data/hs12_codes.csv").read_text(encoding="utf-8")
    return {row["code"]: row["name_en"] for row in csv.DictReader(io.StringIO(text))}


def normalise_hs_code(raw: str) -> str:
    """Strip spaces and dots ("7204.10" -> "720410"); keep leading zeros."""
    return "".join(ch for ch in raw.strip() if ch not in " ._-")


def is_known_hs_code(code: str) -> bool:
    """Return True when ``code`` (2, 4 or 6 digits) is in the shipped HS 2012 list."""
    return code in hs_codes()
