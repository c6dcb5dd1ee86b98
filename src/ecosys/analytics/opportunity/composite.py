"""Feasibility of a country's products and composite scores with transparent weights.

**Composite score.** Each indicator ``k`` is standardised over the products where it is known,
``z_kp = s_k (x_kp - mean_k) / sd_k`` (population sd; ``z = 0`` when ``sd = 0``; ``s_k = -1`` for
indicators where lower is better, such as ``distance``), and the score is

    ``score_p = Σ_k w_k z_kp`` with weights normalised to ``Σ_k w_k = 1``.

A product with a NaN in any indicator of non-zero weight has a NaN score. Ranks put every number
before every NaN, higher scores first, and break ties by product label, so a ranking never depends on
the order the products came in (the means and sds are summed in sorted order for the same reason).

**Atlas strategies.** The Atlas of Economic Complexity's country pages (Growth Lab, Harvard) rank
"growth opportunities" among products not yet exported with RCA >= 1 by weighting distance,
product complexity (PCI) and opportunity gain (COG) under three "product selection criteria":
low-hanging fruit, balanced portfolio and long jumps. Their official weights could not be verified
from a primary source for this release. :data:`ATLAS_STRATEGIES` uses, for the balanced portfolio
(60 % distance, 20 % PCI, 20 % COG) and long jumps (20 %, 20 %, 60 % COG), the weights that an
unofficial third-party description of the Atlas website reports; the low-hanging-fruit weights
(80 %, 10 %, 10 %) are the Ecosys team's own choice, closer than the balanced portfolio, because that
description repeats the balanced weights for it. Distance enters as density (``ω = 1 - d``, so
``z(ω) = -z(d)`` exactly). Treat the presets as starting points; custom weights are always possible.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecosys.analytics.complexity import Complexity
from ecosys.analytics.opportunity.errors import FloatArray, OpportunityInputError, as_array, as_labels, find_country

ATLAS_STRATEGIES: Mapping[str, Mapping[str, float]] = {
    "low_hanging_fruit": {"density": 0.8, "pci": 0.1, "cog": 0.1},
    "balanced_portfolio": {"density": 0.6, "pci": 0.2, "cog": 0.2},
    "long_jumps": {"density": 0.2, "pci": 0.2, "cog": 0.6},
}
LOWER_IS_BETTER = frozenset({"distance"})


@dataclass(frozen=True, slots=True)
class Feasibility:
    """A country's row of the complexity metrics, per product; ``candidates`` are the Atlas's opportunities."""

    country: str
    products: NDArray[np.str_]
    density: FloatArray
    distance: FloatArray
    cog: FloatArray
    pci: FloatArray
    rca: FloatArray
    exported: NDArray[np.bool_]
    candidates: NDArray[np.bool_]

    def indicators(self, *, only_candidates: bool = True) -> tuple[NDArray[np.str_], dict[str, FloatArray]]:
        """Return ``(products, {"density", "distance", "cog", "pci": values})``, by default for candidates only."""
        keep = self.candidates if only_candidates else np.ones(self.products.size, dtype=bool)
        values = {"density": self.density, "distance": self.distance, "cog": self.cog, "pci": self.pci}
        return self.products[keep], {name: v[keep] for name, v in values.items()}


def feasibility_for_country(complexity: Complexity, country: str) -> Feasibility:
    """Return density, distance ``1 - density``, COG, PCI and RCA of ``country`` for every product.

    Candidates are the products the country does not export with RCA >= 1 and whose density is
    known (Atlas 2014, "growth opportunities"). Raises, naming the country, when it is not in the
    matrix, has no exports, or has no product with RCA >= 1.
    """
    i = find_country(complexity.countries.astype(str), country, parameter="country")
    if np.isnan(complexity.diversity[i]):
        raise OpportunityInputError("no_exports", parameter="country", country=country)
    density = complexity.density[i]
    if np.isnan(density).all():
        raise OpportunityInputError("no_presence", parameter="country", country=country)
    exported = complexity.mcp[i] == 1.0
    return Feasibility(
        country=str(country),
        products=complexity.products.astype(str),
        density=density,
        distance=1.0 - density,
        cog=complexity.cog[i],
        pci=complexity.pci,
        rca=complexity.rca[i],
        exported=exported,
        candidates=~exported & ~np.isnan(density),
    )


def parse_weights(text: str, known: frozenset[str] | None = None) -> dict[str, float]:
    """Parse ``"density=0.5,cog=0.3,pci=0.2"`` (or a strategy name of :data:`ATLAS_STRATEGIES`).

    Spaces are ignored and ``;`` also separates. Refused, with a message naming ``weights``: an
    empty text, an item without ``=``, a value that is not a finite number, a negative value, a name
    given twice or not among ``known``, and weights that are all zero. Weights are returned as given
    (not normalised).
    """
    cleaned = str(text).strip()
    if cleaned.lower().replace("-", "_").replace(" ", "_") in ATLAS_STRATEGIES:
        return dict(ATLAS_STRATEGIES[cleaned.lower().replace("-", "_").replace(" ", "_")])
    items = [item.strip() for item in cleaned.replace(";", ",").split(",") if item.strip()]
    if not items:
        raise OpportunityInputError("weights_empty", parameter="weights")
    weights: dict[str, float] = {}
    for item in items:
        name, sep, value = (part.strip() for part in item.partition("="))
        if not sep or not name:
            raise OpportunityInputError("weights_syntax", parameter="weights", item=item)
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        _add_weight(weights, name, number, value, known)
    _check_weights(weights)
    return weights


def _add_weight(weights: dict[str, float], name: str, number: float, text: str, known: frozenset[str] | None) -> None:
    """Add one weight, refusing a non-finite or negative value, a repeated name, or an unknown one."""
    if not math.isfinite(number):
        raise OpportunityInputError("weights_not_number", parameter="weights", name=name, value=text)
    if number < 0:
        raise OpportunityInputError("weights_negative", parameter="weights", name=name, value=number)
    if name in weights:
        raise OpportunityInputError("weights_duplicate", parameter="weights", name=name)
    if known is not None and name not in known:
        raise OpportunityInputError("weights_unknown", parameter="weights", name=name, known=", ".join(sorted(known)))
    weights[name] = number


def _check_weights(weights: Mapping[str, float]) -> None:
    """Refuse an empty mapping or weights that are all zero."""
    if not weights:
        raise OpportunityInputError("weights_empty", parameter="weights")
    if sum(weights.values()) <= 0:
        raise OpportunityInputError("weights_all_zero", parameter="weights")


@dataclass(frozen=True, slots=True)
class CompositeScores:
    """Scores and ranks (1 = best) per product, the normalised weights, and each indicator's contribution."""

    products: NDArray[np.str_]
    score: FloatArray
    rank: NDArray[np.int64]
    order: NDArray[np.intp]
    weights: Mapping[str, float]
    contributions: Mapping[str, FloatArray]


def standardise(values: FloatArray) -> FloatArray:
    """Return ``(x - mean) / sd`` over the known values (population sd; 0 when sd = 0), NaN where unknown.

    The sums run over the sorted values, so the result does not depend on the order of the products.
    """
    known = ~np.isnan(values)
    if not known.any():
        return np.full(values.shape, np.nan)
    finite = np.sort(values[known])
    mean = np.sum(finite) / finite.size
    sd = math.sqrt(np.sum(np.sort((finite - mean) ** 2)) / finite.size)
    if sd == 0.0:
        return np.where(known, 0.0, np.nan)
    return (values - mean) / sd


def rank_scores(score: FloatArray, products: NDArray[np.str_]) -> tuple[NDArray[np.intp], NDArray[np.int64]]:
    """Return ``(order best first, rank per product)``: numbers before NaN, higher first, ties by label."""
    missing = np.isnan(score)
    order = np.lexsort((products, -np.where(missing, 0.0, score), missing))
    rank = np.empty(score.size, dtype=np.int64)
    rank[order] = np.arange(1, score.size + 1)
    return order, rank


def composite_scores(
    indicators: Mapping[str, ArrayLike],
    weights: Mapping[str, float] | str,
    *,
    products: ArrayLike | None = None,
    lower_is_better: frozenset[str] = LOWER_IS_BETTER,
) -> CompositeScores:
    """Return ``score_p = Σ_k w_k z_kp`` and its ranking (formulas in the module docstring).

    ``indicators`` maps a name to one value per product (all the same length); ``weights`` maps some
    of those names to non-negative numbers, or is a text for :func:`parse_weights` (a preset name
    such as ``"low_hanging_fruit"`` included). Names in ``lower_is_better`` are counted negatively.
    """
    if not indicators:
        raise OpportunityInputError("no_indicators", parameter="indicators")
    known = frozenset(indicators)
    if isinstance(weights, str):
        raw = parse_weights(weights, known)
    else:
        raw = {}
        for name, value in weights.items():
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = math.nan
            _add_weight(raw, str(name), number, repr(value), known)
        _check_weights(raw)
    total = sum(raw.values())
    normalised = {name: raw[name] / total for name in sorted(raw)}
    arrays = {name: as_array(indicators[name], parameter=f"indicators[{name!r}]", ndim=1) for name in sorted(known)}
    n = next(iter(arrays.values())).size
    for name, array in arrays.items():
        if array.size != n:
            raise OpportunityInputError(
                "wrong_length",
                parameter=f"indicators[{name!r}]",
                found=array.size,
                axis="values",
                expected=n,
                reference="the other indicators",
            )
    labels = as_labels(products, n, parameter="products", reference="indicators")
    contributions: dict[str, FloatArray] = {}
    score = np.zeros(n)
    for name, weight in normalised.items():
        if weight == 0.0:
            continue
        sign = -1.0 if name in lower_is_better else 1.0
        contributions[name] = weight * sign * standardise(np.where(np.isfinite(arrays[name]), arrays[name], np.nan))
        score = score + contributions[name]
    order, rank = rank_scores(score, labels)
    return CompositeScores(
        products=labels, score=score, rank=rank, order=order, weights=normalised, contributions=contributions
    )
