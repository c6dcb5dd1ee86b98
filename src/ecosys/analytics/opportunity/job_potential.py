"""Jobs and value added that an output in MAD would bring, from an editable coefficients table.

For product ``p`` with output ``Y_p`` (MAD), matched to the table row ``c`` whose code is the longest
prefix of ``p``'s HS code (a heading row such as 8712 beats its chapter 87):

    ``jobs_p = Y_p / 10^6 · J_c``      ``value_added_p = Y_p · v_c``

``J_c`` is jobs per million MAD of output and ``v_c`` the value-added ratio (value added / output).
A product no row matches gets NaN with status ``"no_coefficient"``, never a silent zero.

The shipped table (``data/coefficients.csv``) has one row per HS chapter and a ``status``:

* ``derived``: the IMM chapters (72-76, 78-84, 86, 89, and heading 8712 bicycles, as the Ecosys team
  reads FIMME's ecosystems). ``J = 13,340 / 11,000 ≈ 1.21`` jobs per million MAD and
  ``v = 1.7 / 11 ≈ 0.155``: the 2020 targets of the IMM performance contracts (2016-2017), 13,340
  jobs and 1.7 bn MAD value added for 11 bn MAD of turnover (launch of the IMM ecosystems, Feb 2019;
  FIMME). These are ratios of *additional* jobs to *additional* turnover, not measured averages.
* ``placeholder``: every other chapter. No public source of such coefficients for Morocco was found,
  so the IMM ratio stands in as an order of magnitude. Edit the table (or pass your own) before
  using these numbers; results keep the status of the row used.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecosys.analytics.opportunity.errors import (
    FloatArray,
    OpportunityInputError,
    as_array,
    as_labels,
    require_non_negative,
)

COLUMNS = ("code", "activity", "jobs_per_million_mad", "value_added_ratio", "status", "source")


@dataclass(frozen=True, slots=True)
class Coefficients:
    """One row per activity code (HS chapter, heading or subheading), as read from the table."""

    codes: tuple[str, ...]
    activity: tuple[str, ...]
    jobs_per_million_mad: FloatArray
    value_added_ratio: FloatArray
    status: tuple[str, ...]
    source: tuple[str, ...]


def _number(row: dict[str, str], column: str, line: int, high: float) -> float:
    text = (row.get(column) or "").strip()
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = float("nan")
    if not 0.0 <= value <= high:
        raise OpportunityInputError(
            "csv_bad_value",
            parameter="coefficients",
            line=line,
            column=column,
            reason=f"{text!r} is not in [0, {high}]",
        )
    return value


def parse_coefficients(text: str) -> Coefficients:
    """Parse a coefficients table (CSV with the :data:`COLUMNS`); errors name the line and the column."""
    reader = csv.DictReader(io.StringIO(text))
    for column in COLUMNS:
        if column not in (reader.fieldnames or ()):
            raise OpportunityInputError("csv_missing_column", parameter="coefficients", column=column)
    codes: list[str] = []
    rows: list[tuple[str, str, float, float, str, str]] = []
    for line, row in enumerate(reader, start=2):
        code = "".join(ch for ch in (row.get("code") or "") if ch.isdigit())
        if not code:
            raise OpportunityInputError(
                "csv_bad_value", parameter="coefficients", line=line, column="code", reason="no HS code"
            )
        if code in codes:
            raise OpportunityInputError("csv_duplicate_code", parameter="coefficients", line=line, value=code)
        jobs = _number(row, "jobs_per_million_mad", line, 1e6)
        ratio = _number(row, "value_added_ratio", line, 1.0)
        codes.append(code)
        rows.append((code, row["activity"], jobs, ratio, row["status"].strip(), row["source"].strip()))
    if not rows:
        raise OpportunityInputError("csv_no_rows", parameter="coefficients")
    return Coefficients(
        codes=tuple(r[0] for r in rows),
        activity=tuple(r[1] for r in rows),
        jobs_per_million_mad=np.array([r[2] for r in rows]),
        value_added_ratio=np.array([r[3] for r in rows]),
        status=tuple(r[4] for r in rows),
        source=tuple(r[5] for r in rows),
    )


def read_coefficients(path: Path | str) -> Coefficients:
    """Read a coefficients table from a UTF-8 CSV file."""
    return parse_coefficients(Path(path).read_text(encoding="utf-8"))


@cache
def default_coefficients() -> Coefficients:
    """Return the table shipped with Ecosys (see the module docstring for its sources and placeholders)."""
    text = resources.files("ecosys.analytics").joinpath("data/coefficients.csv").read_text(encoding="utf-8")
    return parse_coefficients(text)


@dataclass(frozen=True, slots=True)
class JobPotential:
    """Per product: output, jobs and value added, and the table row (code, status) they come from."""

    products: NDArray[np.str_]
    output_mad: FloatArray
    jobs: FloatArray
    value_added_mad: FloatArray
    coefficient_code: NDArray[np.str_]
    coefficient_status: NDArray[np.str_]


def _match(product: str, codes: tuple[str, ...]) -> int:
    digits = "".join(ch for ch in product if ch.isdigit())
    best, best_length = -1, 0
    for index, code in enumerate(codes):
        if digits.startswith(code) and len(code) > best_length:
            best, best_length = index, len(code)
    return best


def job_potential(
    output_mad: ArrayLike, *, products: ArrayLike, coefficients: Coefficients | None = None
) -> JobPotential:
    """Return ``jobs = output / 10^6 · J`` and ``value added = output · v`` per product (module docstring).

    ``output_mad`` is the output in MAD per product (e.g. substituted imports or untapped exports,
    converted from USD by the caller); NaN output gives NaN jobs. ``coefficients`` defaults to
    :func:`default_coefficients`.
    """
    output = as_array(output_mad, parameter="output_mad", ndim=1)
    require_non_negative(output, parameter="output_mad")
    labels = as_labels(products, output.size, parameter="products", reference="output_mad")
    table = default_coefficients() if coefficients is None else coefficients
    rows = np.array([_match(p, table.codes) for p in labels], dtype=np.intp)
    found = rows >= 0
    jobs_rate = np.where(found, table.jobs_per_million_mad[rows], np.nan)
    va_ratio = np.where(found, table.value_added_ratio[rows], np.nan)
    codes = np.array([table.codes[r] if r >= 0 else "" for r in rows], dtype=str)
    status = np.array([table.status[r] if r >= 0 else "no_coefficient" for r in rows], dtype=str)
    return JobPotential(
        products=labels,
        output_mad=output,
        jobs=output / 1e6 * jobs_rate,
        value_added_mad=output * va_ratio,
        coefficient_code=codes,
        coefficient_status=status,
    )
