"""Bad input to the opportunity indicators: an error that names the parameter, and the checks that raise it.

An ``OpportunityInputError`` carries a ``code``, the ``parameter`` at fault and the ``params`` of its
message, so the web layer can translate it; its English text (``str(error)``) always starts with the
parameter's name. Nothing is computed on bad input: a NaN is never silently passed on to a ranking.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

MESSAGES = {
    "not_an_array": "must be a {expected} array of numbers",
    "wrong_length": "has {found} {axis}, expected {expected} (as many as {reference})",
    "negative_or_infinite": "must be finite and >= 0 where known; found {value}",
    "not_in_range": "must be between {low} and {high}; found {value}",
    "too_few_years": "needs at least {minimum} distinct years; got {found}",
    "years_not_distinct": "has a repeated year: {value}",
    "no_market_imports": "has no imports in the markets with a known ease",
    "unknown_country": "country {country!r} is not in the data",
    "no_exports": "country {country!r} has no exports in the data",
    "no_presence": "country {country!r} exports nothing with RCA >= 1, so density and COG are undefined",
    "weights_empty": "no weight given",
    "weights_syntax": "{item!r} is not of the form name=number",
    "weights_not_number": "{name!r} has {value!r}, which is not a finite number",
    "weights_negative": "{name!r} must be >= 0; got {value}",
    "weights_unknown": "{name!r} is not an indicator (known: {known})",
    "weights_duplicate": "{name!r} is given twice",
    "weights_all_zero": "at least one weight must be > 0",
    "unknown_strategy": "{value!r} is not a strategy (known: {known})",
    "no_indicators": "no indicator given",
    "unknown_column": "{name!r} is not a column of {table} (known: {known})",
    "csv_missing_column": "missing column {column!r}",
    "csv_bad_value": "line {line}, column {column!r}: {reason}",
    "csv_duplicate_code": "line {line}: code {value!r} appears twice",
    "csv_no_rows": "has no data rows",
    "csv_duplicate_in_activity": (
        "line {line}: code {value!r} appears twice in activity {activity!r} (first on line {first})"
    ),
    "not_a_code": "{value!r} is not an HS code (digits only)",
    "duplicate_label": "{value!r} appears twice",
    "unknown_lever": "{name!r} is not a lever (known: {known})",
    "years_not_increasing": "years must increase; {year} comes after {previous}",
    "levers_years_differ": "has the years {found}, expected {expected} (those of {reference!r})",
    "no_years": "has no year",
    "not_positive": "must be a finite number > 0; found {value}",
    "needs_rate": "is needed to convert a table in USD to MAD",
    "bad_currency": "{value!r} is not a currency (known: MAD, USD)",
    "row_value": "row {row} ({label!r}): {reason}",
    "edges_or_proximity": "give either edges or a proximity matrix, exactly one of them",
    "bad_edge": "edge {index} ({edge!r}) is not two product codes and an optional weight >= 0",
    "self_loop": "edge {index} joins {value!r} to itself",
    "not_square": "must be {n} x {n} (as many as {reference}); found {shape}",
    "no_graph": "no product of {reference} has a link in the product space",
    "csv_duplicate_row": "line {line}: {what} appears twice",
    "csv_code_too_short": "line {line}: code {value!r} has fewer than {level} digits (the study's level)",
    "unknown_parameter": "is not a parameter of a study (known: {known})",
    "required": "is required",
    "not_a_year": "{value!r} is not a year",
    "not_one_of": "{value!r} is not one of {allowed}",
    "not_a_number": "{value!r} is not a finite number",
    "not_iso3": "{value!r} is not an ISO3 country code known to BACI",
    "no_exports_in_year": "country {country!r} has no exports in {year}",
    "weights_needs": "{name!r} needs {needed}",
    "complexity_undefined": "complexity cannot be computed on these data: {reason}",
    "nothing_to_rank": "no product has every weighted indicator known ({detail})",
}


class OpportunityInputError(ValueError):
    """Input the opportunity indicators refuse: ``parameter`` names the argument, ``code`` the fault."""

    def __init__(self, code: str, *, parameter: str, **params: object) -> None:
        reason = MESSAGES[code].format(**params)
        super().__init__(f"{parameter}: {reason}")
        self.code = code
        self.parameter = parameter
        self.params = params
        self.reason = reason


def as_array(values: ArrayLike, *, parameter: str, ndim: int) -> FloatArray:
    """Return ``values`` as a float array of ``ndim`` dimensions, or raise naming ``parameter``."""
    expected = {1: "1-d", 2: "2-d", 3: "3-d"}[ndim]
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise OpportunityInputError("not_an_array", parameter=parameter, expected=expected) from None
    if array.ndim != ndim:
        raise OpportunityInputError("not_an_array", parameter=parameter, expected=expected)
    return array


def require_non_negative(values: FloatArray, *, parameter: str) -> None:
    """Raise unless every known (non-NaN) value is finite and >= 0."""
    known = values[~np.isnan(values)]
    bad = known[~np.isfinite(known) | (known < 0)]
    if bad.size:
        raise OpportunityInputError("negative_or_infinite", parameter=parameter, value=float(bad[0]))


def require_length(
    values: FloatArray, expected: int, *, parameter: str, reference: str, axis: int = 0, what: str = "entries"
) -> None:
    """Raise unless ``values`` has ``expected`` entries along ``axis``."""
    if values.shape[axis] != expected:
        raise OpportunityInputError(
            "wrong_length",
            parameter=parameter,
            found=values.shape[axis],
            axis=what,
            expected=expected,
            reference=reference,
        )


def as_years(years: ArrayLike, *, parameter: str = "years", minimum: int = 1) -> FloatArray:
    """Return the years as floats, refusing repeats and fewer than ``minimum`` of them."""
    y = as_array(years, parameter=parameter, ndim=1)
    if not np.isfinite(y).all():
        raise OpportunityInputError("not_an_array", parameter=parameter, expected="1-d")
    unique, counts = np.unique(y, return_counts=True)
    if (counts > 1).any():
        raise OpportunityInputError("years_not_distinct", parameter=parameter, value=float(unique[counts > 1][0]))
    if y.size < minimum:
        raise OpportunityInputError("too_few_years", parameter=parameter, minimum=minimum, found=int(y.size))
    return y


def as_labels(labels: ArrayLike | None, n: int, *, parameter: str, reference: str) -> NDArray[np.str_]:
    """Return ``labels`` as strings (``0 .. n-1`` when None), checking there are ``n`` of them."""
    out = np.arange(n).astype(str) if labels is None else np.asarray(labels).astype(str)
    if out.ndim != 1 or out.size != n:
        raise OpportunityInputError(
            "wrong_length", parameter=parameter, found=out.size, axis="labels", expected=n, reference=reference
        )
    return out


def find_country(countries: Sequence[str] | NDArray[np.generic], country: str, *, parameter: str) -> int:
    """Return the row of ``country`` among ``countries`` (case-insensitive ISO3), or raise naming it."""
    wanted = str(country).strip().lower()
    labels = [str(c).strip().lower() for c in countries]
    if wanted not in labels:
        raise OpportunityInputError("unknown_country", parameter=parameter, country=country)
    return labels.index(wanted)


def hs_code(text: object) -> str | None:
    """Return ``text`` as an HS code of digits with a dropped leading zero restored (odd length + 1), or None."""
    code = str(text).strip()
    if not code or not all("0" <= ch <= "9" for ch in code):
        return None
    return "0" + code if len(code) % 2 else code


def as_codes(products: ArrayLike, *, parameter: str = "products") -> list[str]:
    """Return the product codes (digits, odd lengths given back their leading zero), refusing repeats."""
    codes: list[str] = []
    seen: set[str] = set()
    for label in np.asarray(products).ravel():
        code = hs_code(label)
        if code is None:
            raise OpportunityInputError("not_a_code", parameter=parameter, value=str(label))
        if code in seen:
            raise OpportunityInputError("duplicate_label", parameter=parameter, value=code)
        seen.add(code)
        codes.append(code)
    return codes
