"""Value chains as tiers of activities made of HS codes, and the study's indicators summed per activity.

**The file.** The IO-PS method (Input-Output Product Space, Stellenbosch Industrial Policy Research
Group) describes a value chain as a CSV with one row per HS code and the header
``Tier,Activity,HSCode``: each activity belongs to a tier (for steel, e.g. "Primary steel",
"Downstream products") and is the set of HS codes listed under it. Codes have 4 or 6 digits; a
spreadsheet that stored them as numbers drops the leading zero (``0901`` becomes ``901``), so a
code of 3 or 5 digits gets its zero back. Tiers and activities keep the order in which they first
appear in the file, codes the order of their rows; the same code may sit in several activities but
not twice in one. A ``;``-separated file (a spreadsheet's CSV in French locales) and a UTF-8 byte
order mark are accepted. Errors name the line and the column.

**Matching an activity to the study's products** (:func:`score_activities`). The study's products
may be HS4 headings or HS6 subheadings. Each code ``c`` of an activity is matched to:

1. the product ``c`` itself when the study has it;
2. otherwise every product that starts with ``c`` (an HS4 code takes all the study's HS6
   subheadings of that heading);
3. otherwise the longest product that ``c`` starts with (an HS6 code takes its HS4 heading). The
   product's whole value then stands for the code, which overstates it: such codes are listed in
   ``coarse_codes``;
4. otherwise nothing: the code is listed in ``unmatched_codes``, never silently dropped.

An activity's products ``P_a`` are the union of its codes' matches, each counted once. For a column
``x`` of the study (one value per product, NaN = unknown):

* additive columns (imports, potential, market size): ``sum_a = Σ_{p ∈ P_a, x_p known} x_p``;
* score columns (density, a composite score): the weighted mean
  ``mean_a = Σ_p w_p x_p / Σ_p w_p`` over the ``p ∈ P_a`` where ``x_p`` and ``w_p`` are known, with
  ``w`` the ``weight_column`` (e.g. market size, so big products count more), or the plain mean of
  the known values without one.

Either is NaN when no matched product has a known value (or the weights sum to 0), and NaN is ranked
last. A product that sits in two activities counts in both: activity sums are not to be added up.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecosys.analytics.opportunity.errors import (
    FloatArray,
    OpportunityInputError,
    as_array,
    as_codes,
    hs_code,
    require_length,
)

HEADER = ("Tier", "Activity", "HSCode")


@dataclass(frozen=True, slots=True)
class Activity:
    """An activity of a tier: its name and its HS codes (4 or 6 digits, in the order of the file)."""

    name: str
    hs_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Tier:
    """A tier of the value chain and its activities, in order."""

    name: str
    activities: tuple[Activity, ...]


@dataclass(frozen=True, slots=True)
class ValueChain:
    """Tiers in order, each with its activities in order, each with its HS codes."""

    tiers: tuple[Tier, ...]

    def activities(self) -> tuple[tuple[str, Activity], ...]:
        """Return ``(tier name, activity)`` for every activity, in chain order."""
        return tuple((tier.name, activity) for tier in self.tiers for activity in tier.activities)

    def hs_codes(self) -> tuple[str, ...]:
        """Return every distinct code of the chain, in order of first appearance."""
        return tuple(dict.fromkeys(code for _, activity in self.activities() for code in activity.hs_codes))


def _normalised_header(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _hs_code(text: str) -> str | None:
    """Return the code with its dropped leading zero restored, or None if it is not 4 or 6 digits."""
    code = hs_code(text)
    return code if code is not None and len(code) in (4, 6) else None


def _code_problem(text: str) -> str:
    code = text.strip()
    if not code:
        return "no HS code"
    if not all("0" <= ch <= "9" for ch in code):
        return f"{code!r} is not numeric"
    digits = f"{len(code)} digit" + ("" if len(code) == 1 else "s")
    return f"{code!r} has {digits}; an HS code has 4 or 6 (3 or 5 if a spreadsheet dropped a leading 0)"


def parse_value_chain(text: str, *, source: str = "value chain") -> ValueChain:
    """Parse a ``Tier,Activity,HSCode`` CSV (module docstring); errors start with ``source``.

    Refused, naming the line and the column: a missing column, an empty tier or activity, a code
    that is not numeric or has neither 4 nor 6 digits once a dropped leading zero is restored, and
    the same code twice in one activity. Blank lines are skipped; other columns are ignored; header
    names are matched ignoring case, spaces and punctuation (``HS Code``, ``hs_code``).
    """
    body = text.lstrip("\ufeff")
    first_line = next((line for line in body.splitlines() if line.strip()), "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(body), delimiter=delimiter)
    header = next(reader, [])
    found = {_normalised_header(name): index for index, name in reversed(list(enumerate(header)))}
    columns: dict[str, int] = {}
    for name in HEADER:
        if _normalised_header(name) not in found:
            raise OpportunityInputError("csv_missing_column", parameter=source, column=name)
        columns[name] = found[_normalised_header(name)]

    tiers: dict[str, dict[str, dict[str, int]]] = {}  # tier -> activity -> code -> line
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: (row[i] if i < len(row) else "").strip() for name, i in columns.items()}
        for name, what in (("Tier", "tier"), ("Activity", "activity")):
            if not cells[name]:
                raise OpportunityInputError(
                    "csv_bad_value", parameter=source, line=line, column=header[columns[name]], reason=f"empty {what}"
                )
        code = _hs_code(cells["HSCode"])
        if code is None:
            raise OpportunityInputError(
                "csv_bad_value",
                parameter=source,
                line=line,
                column=header[columns["HSCode"]],
                reason=_code_problem(cells["HSCode"]),
            )
        codes = tiers.setdefault(cells["Tier"], {}).setdefault(cells["Activity"], {})
        if code in codes:
            raise OpportunityInputError(
                "csv_duplicate_in_activity",
                parameter=source,
                line=line,
                value=code,
                activity=cells["Activity"],
                first=codes[code],
            )
        codes[code] = line
    if not tiers:
        raise OpportunityInputError("csv_no_rows", parameter=source)
    return ValueChain(
        tiers=tuple(
            Tier(tier, tuple(Activity(name, tuple(codes)) for name, codes in activities.items()))
            for tier, activities in tiers.items()
        )
    )


def value_chain_csv(chain: ValueChain) -> str:
    """Return ``chain`` as a ``Tier,Activity,HSCode`` CSV, which :func:`parse_value_chain` reads back equal."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for tier, activity in chain.activities():
        for code in activity.hs_codes:
            writer.writerow((tier, activity.name, code))
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class ActivityScores:
    """Per activity (chain order): its matches and its sums and means; ``order`` lists them best first.

    ``sums`` holds the ``additive`` columns and ``means`` the others (weighted by ``weight_column``
    when given). ``rank`` is 1 for the best activity by ``rank_by``, NaN last, ties in chain order.
    """

    tiers: NDArray[np.str_]
    activities: NDArray[np.str_]
    hs_codes: tuple[tuple[str, ...], ...]
    matched_products: tuple[tuple[str, ...], ...]
    coarse_codes: tuple[tuple[str, ...], ...]
    unmatched_codes: tuple[tuple[str, ...], ...]
    sums: Mapping[str, FloatArray]
    means: Mapping[str, FloatArray]
    weight_column: str | None
    rank_by: str
    order: NDArray[np.intp]
    rank: NDArray[np.int64]

    def ranking_values(self) -> FloatArray:
        """Return the values the ranking uses: the sum or the mean of ``rank_by``."""
        return self.sums[self.rank_by] if self.rank_by in self.sums else self.means[self.rank_by]


def _match_code(code: str, products: list[str], index: Mapping[str, int]) -> tuple[list[int], bool]:
    """Return the products ``code`` matches (rules 1-3 of the module docstring) and whether via a coarser one."""
    if code in index:
        return [index[code]], False
    finer = [i for i, p in enumerate(products) if p.startswith(code)]
    if finer:
        return sorted(finer, key=lambda i: products[i]), False
    coarser = [i for i, p in enumerate(products) if code.startswith(p)]
    if coarser:
        return [max(coarser, key=lambda i: len(products[i]))], True
    return [], False


def _mean(values: FloatArray, weights: FloatArray | None) -> float:
    known = ~np.isnan(values)
    if weights is None:
        return float(np.mean(values[known])) if known.any() else math.nan
    known &= ~np.isnan(weights)
    total = float(np.sum(weights[known]))
    return float(np.sum(weights[known] * values[known]) / total) if total > 0 else math.nan


def score_activities(
    chain: ValueChain,
    products: ArrayLike,
    columns: Mapping[str, ArrayLike],
    *,
    additive: Collection[str] = (),
    weight_column: str | None = None,
    rank_by: str | None = None,
) -> ActivityScores:
    """Map each activity's HS codes onto ``products`` and sum or average ``columns`` per activity.

    ``products`` are the study's HS codes (4 or 6 digits; a dropped leading zero is restored);
    ``columns`` maps a name to one value per product (NaN or infinite = unknown). Columns in ``additive``
    are summed over an activity's products, the others averaged, weighted by the column
    ``weight_column`` (finite and >= 0 where known) or plainly without it (formulas in the module
    docstring). Activities are ranked by ``rank_by`` (default: the first column), higher first, NaN
    last, ties in chain order.
    """
    codes = as_codes(products)
    n = len(codes)
    if not columns:
        raise OpportunityInputError("no_indicators", parameter="columns")
    arrays: dict[str, FloatArray] = {}
    for name, values in columns.items():
        array = as_array(values, parameter=f"columns[{name!r}]", ndim=1)
        require_length(array, n, parameter=f"columns[{name!r}]", reference="products")
        arrays[str(name)] = np.where(np.isfinite(array), array, np.nan)
    known = ", ".join(arrays)
    summed = {additive} if isinstance(additive, str) else set(additive)
    for name in sorted(summed):
        if name not in arrays:
            raise OpportunityInputError("unknown_column", parameter="additive", name=name, table="columns", known=known)
    for parameter, maybe in (("weight_column", weight_column), ("rank_by", rank_by)):
        if maybe is not None and maybe not in arrays:
            raise OpportunityInputError("unknown_column", parameter=parameter, name=maybe, table="columns", known=known)
    weights = None if weight_column is None else arrays[weight_column]
    if weights is not None:
        negative = weights[~np.isnan(weights) & (weights < 0)]
        if negative.size:
            raise OpportunityInputError("negative_or_infinite", parameter="weight_column", value=float(negative[0]))

    index = {code: i for i, code in enumerate(codes)}
    entries = chain.activities()
    matched: list[tuple[str, ...]] = []
    coarse: list[tuple[str, ...]] = []
    unmatched: list[tuple[str, ...]] = []
    members: list[list[int]] = []
    for _, activity in entries:
        found: dict[int, None] = {}
        coarse_here: list[str] = []
        unmatched_here: list[str] = []
        for code in activity.hs_codes:
            hits, via_coarser = _match_code(code, codes, index)
            if not hits:
                unmatched_here.append(code)
            elif via_coarser:
                coarse_here.append(code)
            found.update(dict.fromkeys(hits))
        members.append(list(found))
        matched.append(tuple(codes[i] for i in found))
        coarse.append(tuple(coarse_here))
        unmatched.append(tuple(unmatched_here))

    sums: dict[str, FloatArray] = {}
    means: dict[str, FloatArray] = {}
    for name, array in arrays.items():
        if name in summed:
            sums[name] = np.array(
                [float(np.nansum(array[m])) if (~np.isnan(array[m])).any() else math.nan for m in members]
            )
        else:
            means[name] = np.array([_mean(array[m], None if weights is None else weights[m]) for m in members])

    chosen = next(iter(arrays)) if rank_by is None else rank_by
    values = sums[chosen] if chosen in sums else means[chosen]
    missing = np.isnan(values)
    order = np.lexsort((np.arange(values.size), -np.where(missing, 0.0, values), missing))
    rank = np.empty(values.size, dtype=np.int64)
    rank[order] = np.arange(1, values.size + 1)
    return ActivityScores(
        tiers=np.array([tier for tier, _ in entries], dtype=str),
        activities=np.array([activity.name for _, activity in entries], dtype=str),
        hs_codes=tuple(activity.hs_codes for _, activity in entries),
        matched_products=tuple(matched),
        coarse_codes=tuple(coarse),
        unmatched_codes=tuple(unmatched),
        sums=sums,
        means=means,
        weight_column=weight_column,
        rank_by=chosen,
        order=order,
        rank=rank,
    )
