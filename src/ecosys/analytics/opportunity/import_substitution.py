"""Import substitution potential: what the country imports, how it grows, and how feasible making it is.

For each product ``p`` (a column of the imports table):

* ``current_p``: the imports of the last year observed;
* ``g_p``: their PPML log-linear growth over the years given (:mod:`.trend`, robust to zeros);
* ``projected_p = current_p · (1 + ĝ_p)^h``, ``ĝ_p = clip(g_p, -1, max_growth)`` and 0 where ``g_p`` is NaN;
* feasibility ``ω_p``, the country's density in the product space (Hidalgo et al. 2007; Atlas 2014),
  and the distance ``1 - ω_p`` beside it;
* ``R_p = 1`` when the product can be made from a recycled input (:data:`RECYCLED_INPUTS`);
* ``score_p = projected_p · ω_p · (1 + β R_p)``: the imports expected in ``h`` years, weighted by how
  close the country's capabilities are, with a bonus ``β`` for products made from scrap (the IMM
  "valorisation des métaux" lever of the mission).

The score is in the currency of the imports (USD for BACI). Products outside the product space
(density NaN) get a NaN score, which every ranking here puts last. ``horizon`` (5), ``max_growth``
(20 % a year) and ``recycled_bonus`` (10 %) are the Ecosys team's defaults, not published values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecosys.analytics.opportunity.errors import (
    FloatArray,
    OpportunityInputError,
    as_array,
    as_labels,
    require_length,
)
from ecosys.analytics.opportunity.trend import last_known, project, trend_growth


@dataclass(frozen=True, slots=True)
class RecycledInput:
    """A waste-and-scrap heading and the HS 4-digit headings (inclusive ranges) made from it."""

    scrap_heading: str
    material: str
    makes: tuple[tuple[str, str], ...]


# The Ecosys team's mapping, from the HS 2012 heading texts (ecosys.analytics.hs): each scrap heading
# feeds the melting, refining or casting stage of its metal and everything rolled, drawn or made
# from it in the same chapter. Left out on purpose: ore-stage headings (7201-7203 pig iron,
# ferro-alloys and direct-reduced iron; 7401 copper mattes; 7501 nickel mattes), powders of pig
# iron (7205), and the scrap headings themselves. Articles of a later chapter (73 from steel) are not
# flagged: scrap is not their direct input. Users may pass their own mapping.
RECYCLED_INPUTS: Mapping[str, RecycledInput] = {
    "7204": RecycledInput("7204", "ferrous waste and scrap", (("7206", "7229"),)),
    "7404": RecycledInput("7404", "copper waste and scrap", (("7402", "7403"), ("7405", "7419"))),
    "7503": RecycledInput("7503", "nickel waste and scrap", (("7502", "7502"), ("7504", "7508"))),
    "7602": RecycledInput("7602", "aluminium waste and scrap", (("7601", "7601"), ("7603", "7616"))),
    "7802": RecycledInput("7802", "lead waste and scrap", (("7801", "7801"), ("7804", "7806"))),
    "7902": RecycledInput("7902", "zinc waste and scrap", (("7901", "7901"), ("7903", "7907"))),
    "8002": RecycledInput("8002", "tin waste and scrap", (("8001", "8001"), ("8003", "8007"))),
}


def recycled_input_of(product: str, recycled_inputs: Mapping[str, RecycledInput] = RECYCLED_INPUTS) -> str:
    """Return the scrap heading ``product`` can be made from, or ``""``.

    A 4- or 6-digit code matches by its heading; a 2-digit chapter matches when a heading made from
    scrap lies in it (chapter 76 is "made from aluminium scrap" in part). Codes are compared as
    text, so "7214" and "721420" both match the range 7206-7229.
    """
    code = "".join(ch for ch in str(product) if ch.isdigit())
    for scrap, entry in sorted(recycled_inputs.items()):
        for first, last in entry.makes:
            if len(code) >= 4 and first <= code[:4] <= last:
                return scrap
            if len(code) == 2 and first[:2] <= code <= last[:2]:
                return scrap
    return ""


@dataclass(frozen=True, slots=True)
class ImportSubstitution:
    """Per product (aligned with ``products``): every factor of the score, so the number can be explained."""

    products: NDArray[np.str_]
    current_imports: FloatArray
    growth: FloatArray
    growth_status: NDArray[np.str_]
    projected_imports: FloatArray
    density: FloatArray
    distance: FloatArray
    recycled_input: NDArray[np.str_]
    recycled_multiplier: FloatArray
    score: FloatArray


def import_substitution(
    imports_by_year: ArrayLike,
    density: ArrayLike,
    distance: ArrayLike | None = None,
    *,
    years: ArrayLike,
    products: ArrayLike | None = None,
    recycled_inputs: Mapping[str, RecycledInput] = RECYCLED_INPUTS,
    recycled_bonus: float = 0.10,
    horizon: float = 5.0,
    max_growth: float = 0.20,
) -> ImportSubstitution:
    """Return the import substitution potential of each product (formulas in the module docstring).

    ``imports_by_year`` is years x products, its rows aligned with ``years`` (e.g. the ``values`` of
    :func:`ecosys.analytics.trade.imports_by_product`, whose ``rows`` are the years as text).
    ``density`` is the country's row of :func:`ecosys.analytics.complexity.complexity_all`, aligned
    with the same products. ``distance`` is reported as given (default ``1 - density``, the Atlas
    identity for binary presence); feasibility uses the density.
    """
    imports = as_array(imports_by_year, parameter="imports_by_year", ndim=2)
    n = imports.shape[1]
    labels = as_labels(products, n, parameter="products", reference="imports_by_year columns")
    omega = as_array(density, parameter="density", ndim=1)
    require_length(omega, n, parameter="density", reference="imports_by_year columns")
    dist = 1.0 - omega if distance is None else as_array(distance, parameter="distance", ndim=1)
    require_length(dist, n, parameter="distance", reference="imports_by_year columns")
    for name, value, low, high in (
        ("recycled_bonus", recycled_bonus, 0.0, 10.0),
        ("horizon", horizon, 0.0, 100.0),
        ("max_growth", max_growth, 0.0, 10.0),
    ):
        if not low <= float(value) <= high:
            raise OpportunityInputError("not_in_range", parameter=name, low=low, high=high, value=value)
    trend = trend_growth(imports, years, parameter="imports_by_year")
    current = last_known(imports, years)
    projected = project(current, trend.growth, horizon, max_growth)
    scrap = np.array([recycled_input_of(p, recycled_inputs) for p in labels], dtype=str)
    multiplier = np.where(scrap != "", 1.0 + recycled_bonus, 1.0)
    return ImportSubstitution(
        products=labels,
        current_imports=current,
        growth=trend.growth,
        growth_status=trend.status,
        projected_imports=projected,
        density=omega,
        distance=dist,
        recycled_input=scrap,
        recycled_multiplier=multiplier,
        score=projected * omega * multiplier,
    )
