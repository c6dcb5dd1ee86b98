"""Support schemes as data: the types of a scheme version, read from a plain mapping or the shipped file.

A scheme version says who is eligible (routes: any-of groups of all-of conditions), which primes it
pays as rates of the eligible investment, which expense categories count and which caps apply;
``incentives.evaluate`` applies it to a project. Every figure carries ``uncertain`` (no primary text
confirms it) and optionally its own ``source``. ``shipped_schemes`` reads ``data/schemes.yaml``: FDII
2015, the Investment Charter 2022 and the SME scheme 2025, translated from the shared public facts.

Mapping structure read by ``scheme_from_mapping`` (keys in brackets are optional)::

    name, legal_basis, source: text          valid_from: date; [valid_to]: date or null (open)
    [budget]: MAD                            [notes]: {topic: text}
    eligibility: {any_of: [{route: key, all_of: [condition, ...], [uncertain], [source]}, ...]}
    eligible_expenses: [category, ...]       caps: {total_rate, [amount], [category_shares]: {category: share}}
    primes: [{key, kind, ...}]  fixed: rate | tiered: tiers | range: minimum, maximum, tiers |
            territorial: rates {A, B} | sector: maximum, rates {sector: rate} | agreed: maximum;
            any kind: [when: [condition, ...]]; tiered and range: [basis: jobs_per_mmad]

A condition is ``{kind, [value], [inclusive], [code], [uncertain], [source]}`` with ``kind`` in
``BOUNDS`` (a value) or ``FLAGS`` (none); a tier is ``{from, to, rate, [uncertain], [source]}``,
``to`` null for the open last tier. Any other value is a *figure*: bare, or ``{value, [uncertain],
[source]}``. Numbers are read exactly: write rates as strings ("0.05"); a YAML float is read through
its shortest repr (0.05 -> Decimal("0.05")), never its binary value.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from itertools import pairwise
from types import MappingProxyType
from typing import Any, Generic, Literal, TypeVar, cast

import yaml

T = TypeVar("T")
PrimeKind = Literal["fixed", "tiered", "range", "territorial", "sector", "agreed"]
PRIME_KINDS: tuple[PrimeKind, ...] = ("fixed", "tiered", "range", "territorial", "sector", "agreed")
ZERO, ONE = Decimal(0), Decimal(1)
SHIPPED_FILE = "data/schemes.yaml"

# Bound conditions: kind -> (fact compared, is a minimum, reason code when it fails).
BOUNDS: dict[str, tuple[str, bool, str]] = {
    "min_investment": ("investment", True, "investment_below_minimum"),
    "max_investment": ("investment", False, "investment_above_maximum"),
    "min_stable_jobs": ("stable_jobs", True, "stable_jobs_below_minimum"),
    "min_jobs_per_mmad": ("jobs_per_mmad", True, "jobs_ratio_below_minimum"),
    "max_turnover": ("turnover", False, "turnover_above_maximum"),
    "min_female_share": ("female_share", True, "female_share_below_minimum"),
    "min_public_order": ("public_order", True, "public_order_below_minimum"),
}
# Flag conditions: kind (a flag of incentives.ProjectFacts) -> reason code when it is not set.
FLAGS: dict[str, str] = {
    "agreement_signed": "agreement_not_signed",
    "offset_agreement_signed": "offset_agreement_not_signed",
    "future_jobs": "not_future_jobs",
    "sustainable": "not_sustainable",
    "local_integration": "no_local_integration",
}
EXCLUSIVE_BY_DEFAULT = frozenset({"max_investment"})  # the SME scheme: "1 MMAD to under 50 MMAD"


class IncentiveError(ValueError):
    """Rules or facts that cannot be used; ``code`` says why, ``detail`` where."""

    def __init__(self, code: str, detail: object = None) -> None:
        super().__init__(code if detail is None else f"{code}: {detail}")
        self.code = code
        self.detail = detail


def frozen(mapping: Mapping[str, T]) -> Mapping[str, T]:
    """Return a read-only copy: a frozen dataclass holding it cannot be changed through it."""
    return MappingProxyType(dict(mapping))


def no_entries() -> Mapping[str, T]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Figure(Generic[T]):
    """A value of a scheme with its certainty; ``source`` None means the scheme's own source."""

    value: T
    uncertain: bool = False
    source: str | None = None


@dataclass(frozen=True)
class Condition:
    """A test on a project's facts: a bound (``BOUNDS``, with ``bound``) or a flag (``FLAGS``, without).

    ``inclusive`` None takes the kind's default (exclusive for ``max_investment``, else inclusive);
    ``code`` replaces the kind's reason code when the data names a more specific one.
    """

    kind: str
    bound: Figure[Decimal] | None = None
    inclusive: bool | None = None
    code: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in BOUNDS and self.kind not in FLAGS:
            raise IncentiveError("unknown_condition_kind", self.kind)
        if (self.kind in BOUNDS) != (self.bound is not None):
            raise IncentiveError("condition_bound_mismatch", self.kind)
        if self.inclusive is None:
            object.__setattr__(self, "inclusive", self.kind not in EXCLUSIVE_BY_DEFAULT)


@dataclass(frozen=True)
class Route:
    """One way to be eligible: all its conditions hold. ``uncertain`` marks a route itself in doubt."""

    key: str
    all_of: tuple[Condition, ...]
    uncertain: bool = False
    source: str | None = None


@dataclass(frozen=True)
class Tier:
    """The rate for a ratio in ``[lower, upper)``, ``upper`` None for open; ``uncertain`` covers all three."""

    lower: Decimal
    upper: Decimal | None
    rate: Decimal
    uncertain: bool = False
    source: str | None = None


@dataclass(frozen=True)
class Prime:
    """A prime paid as a rate of the eligible investment; its fields depend on ``kind`` (module docstring).

    Tier grids are on stable jobs per MMAD, contiguous, with non-decreasing rates and an open last
    tier: the rate never falls when jobs rise. A range's tier rates lie within its minimum and maximum.
    """

    key: str
    kind: PrimeKind
    rate: Figure[Decimal] | None = None
    tiers: tuple[Tier, ...] = ()
    minimum: Figure[Decimal] | None = None
    maximum: Figure[Decimal] | None = None
    rates: Mapping[str, Figure[Decimal]] = field(default_factory=no_entries)
    when: tuple[Condition, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "rates", frozen(self.rates))
        needs = {
            "fixed": (self.rate,),
            "tiered": (self.tiers,),
            "range": (self.tiers, self.minimum, self.maximum),
            "territorial": (self.rates,),
            "sector": (self.maximum,),
            "agreed": (self.maximum,),
        }
        if self.kind not in needs:
            raise IncentiveError("unknown_prime_kind", self.kind)
        if any(not part for part in needs[self.kind]):
            raise IncentiveError("prime_incomplete", self.key)
        figures = [f for f in (self.rate, self.minimum, self.maximum, *self.rates.values()) if f is not None]
        if not all(ZERO <= rate <= ONE for rate in [*(f.value for f in figures), *(t.rate for t in self.tiers)]):
            raise IncentiveError("rate_outside_0_1", self.key)
        if self.kind == "territorial" and not set(self.rates) <= {"A", "B"}:
            raise IncentiveError("unknown_territorial_category", self.key)
        if self.maximum and any(f.value > self.maximum.value for f in self.rates.values()):
            raise IncentiveError("rate_above_maximum", self.key)
        if self.tiers:
            self._check_tiers()

    def _check_tiers(self) -> None:
        if self.tiers[-1].upper is not None or any(t.upper is None for t in self.tiers[:-1]):
            raise IncentiveError("last_tier_must_be_open", self.key)
        for a, b in pairwise(self.tiers):
            if a.upper != b.lower or a.lower >= b.lower:
                raise IncentiveError("tiers_not_contiguous", self.key)
            if b.rate < a.rate:
                raise IncentiveError("tier_rates_decreasing", self.key)
        low, high = self.minimum, self.maximum
        if low and high and not all(low.value <= t.rate <= high.value for t in self.tiers):
            raise IncentiveError("tier_rate_outside_range", self.key)


@dataclass(frozen=True)
class Caps:
    """Total rate of the eligible investment, optional amount (MAD), optional share per expense category."""

    total_rate: Figure[Decimal]
    amount: Figure[Decimal] | None = None
    category_shares: Mapping[str, Figure[Decimal]] = field(default_factory=no_entries)

    def __post_init__(self) -> None:
        object.__setattr__(self, "category_shares", frozen(self.category_shares))


@dataclass(frozen=True)
class Scheme:
    """One version of a support scheme. Without routes every project is eligible within the dates."""

    key: str
    name: str
    legal_basis: str
    source: str
    valid_from: Figure[date]
    valid_to: Figure[date | None]
    routes: tuple[Route, ...]
    eligible_expenses: Figure[tuple[str, ...]]
    primes: tuple[Prime, ...]
    caps: Caps
    budget: Figure[Decimal] | None = None
    notes: Mapping[str, str] = field(default_factory=no_entries)

    def __post_init__(self) -> None:
        object.__setattr__(self, "notes", frozen(self.notes))


def _mapping(raw: object, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise IncentiveError("not_a_mapping", where)
    return cast(Mapping[str, Any], raw)


def _keys(raw: object, where: str, required: Collection[str], optional: Collection[str] = ()) -> Mapping[str, Any]:
    """Return ``raw`` as a mapping once its keys are checked: a typo in the data is an error, not a default."""
    m = _mapping(raw, where)
    extra, missing = set(m) - set(required) - set(optional), set(required) - set(m)
    if extra or missing:
        raise IncentiveError("unknown_key" if extra else "missing_key", f"{where}.{sorted(extra or missing)[0]}")
    return m


def _number(raw: object, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        raise IncentiveError("not_a_number", where)
    try:
        value = Decimal(repr(raw) if isinstance(raw, float) else str(raw))
    except InvalidOperation:
        raise IncentiveError("not_a_number", where) from None
    if not value.is_finite() or value < 0:
        raise IncentiveError("not_a_non_negative_number", where)
    return value


def _date(raw: object, where: str) -> date:
    try:
        return raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    except ValueError:
        raise IncentiveError("not_a_date", where) from None


def _open_date(raw: object, where: str) -> date | None:
    return None if raw is None else _date(raw, where)


def _text(raw: object, where: str) -> str:
    if not isinstance(raw, str):
        raise IncentiveError("not_text", where)
    return raw


def _categories(raw: object, where: str) -> tuple[str, ...]:
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise IncentiveError("not_a_list", where)
    return tuple(_text(item, where) for item in raw)


def _flag(raw: object, where: str) -> bool:
    if not isinstance(raw, bool):
        raise IncentiveError("not_true_or_false", where)
    return raw


def _source(m: Mapping[str, Any], where: str) -> str | None:
    return None if m.get("source") is None else _text(m["source"], where)


def _figure(raw: object, where: str, read: Callable[[object, str], T]) -> Figure[T]:
    if not isinstance(raw, Mapping):
        return Figure(read(raw, where))
    m = _keys(raw, where, {"value"}, {"uncertain", "source"})
    return Figure(read(m["value"], where), _flag(m.get("uncertain", False), where), _source(m, where))


def _condition(raw: object, where: str) -> Condition:
    m = _keys(raw, where, {"kind"}, {"value", "inclusive", "code", "uncertain", "source"})
    bound = None
    if "value" in m:
        bound = Figure(_number(m["value"], where), _flag(m.get("uncertain", False), where), _source(m, where))
    inclusive = None if m.get("inclusive") is None else _flag(m["inclusive"], where)
    code = None if m.get("code") is None else _text(m["code"], where)
    return Condition(_text(m["kind"], where), bound, inclusive, code)


def _conditions(raw: object, where: str) -> tuple[Condition, ...]:
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise IncentiveError("not_a_list", where)
    return tuple(_condition(item, f"{where}[{i}]") for i, item in enumerate(raw))


def _route(raw: object, where: str) -> Route:
    m = _keys(raw, where, {"route", "all_of"}, {"uncertain", "source"})
    uncertain = _flag(m.get("uncertain", False), where)
    return Route(_text(m["route"], where), _conditions(m["all_of"], where), uncertain, _source(m, where))


def _tier(raw: object, where: str) -> Tier:
    m = _keys(raw, where, {"from", "to", "rate"}, {"uncertain", "source"})
    upper = None if m["to"] is None else _number(m["to"], where)
    uncertain = _flag(m.get("uncertain", False), where)
    return Tier(_number(m["from"], where), upper, _number(m["rate"], where), uncertain, _source(m, where))


def _rates(raw: object, where: str) -> dict[str, Figure[Decimal]]:
    return {str(name): _figure(value, f"{where}.{name}", _number) for name, value in _mapping(raw, where).items()}


def _prime(raw: object, where: str) -> Prime:
    fields = {"rate", "tiers", "minimum", "maximum", "rates", "when", "basis"}
    m = _keys(raw, where, {"key", "kind"}, fields)
    if m["kind"] not in PRIME_KINDS:
        raise IncentiveError("unknown_prime_kind", where)
    if m.get("basis", "jobs_per_mmad") != "jobs_per_mmad":
        raise IncentiveError("unknown_tier_basis", where)

    def figure(name: str) -> Figure[Decimal] | None:
        return None if m.get(name) is None else _figure(m[name], f"{where}.{name}", _number)

    tiers = m.get("tiers") or []
    return Prime(
        key=_text(m["key"], where),
        kind=m["kind"],
        rate=figure("rate"),
        tiers=tuple(_tier(t, f"{where}.tiers[{i}]") for i, t in enumerate(tiers)),
        minimum=figure("minimum"),
        maximum=figure("maximum"),
        rates=_rates(m.get("rates") or {}, f"{where}.rates"),
        when=_conditions(m.get("when") or [], f"{where}.when"),
    )


def scheme_from_mapping(key: str, mapping: Mapping[str, Any]) -> Scheme:
    """Build a scheme version from a plain mapping in the structure of the module docstring.

    Raises ``IncentiveError`` naming the first faulty path (``fdii_2015.primes[0].maximum``).
    """
    m = _keys(
        mapping,
        key,
        {"name", "legal_basis", "source", "valid_from", "eligibility", "eligible_expenses", "primes", "caps"},
        {"valid_to", "budget", "notes"},
    )
    eligibility = _keys(m["eligibility"], f"{key}.eligibility", {"any_of"})
    routes = eligibility["any_of"] or []
    caps = _keys(m["caps"], f"{key}.caps", {"total_rate"}, {"amount", "category_shares"})
    notes = _mapping(m.get("notes") or {}, f"{key}.notes")
    return Scheme(
        key=key,
        name=_text(m["name"], f"{key}.name"),
        legal_basis=_text(m["legal_basis"], f"{key}.legal_basis"),
        source=_text(m["source"], f"{key}.source"),
        valid_from=_figure(m["valid_from"], f"{key}.valid_from", _date),
        valid_to=_figure(m.get("valid_to"), f"{key}.valid_to", _open_date),
        routes=tuple(_route(r, f"{key}.eligibility.any_of[{i}]") for i, r in enumerate(routes)),
        eligible_expenses=_figure(m["eligible_expenses"], f"{key}.eligible_expenses", _categories),
        primes=tuple(_prime(p, f"{key}.primes[{i}]") for i, p in enumerate(m["primes"] or [])),
        caps=Caps(
            total_rate=_figure(caps["total_rate"], f"{key}.caps.total_rate", _number),
            amount=None if caps.get("amount") is None else _figure(caps["amount"], f"{key}.caps.amount", _number),
            category_shares=_rates(caps.get("category_shares") or {}, f"{key}.caps.category_shares"),
        ),
        budget=None if m.get("budget") is None else _figure(m["budget"], f"{key}.budget", _number),
        notes={str(topic): _text(text, f"{key}.notes.{topic}") for topic, text in notes.items()},
    )


@cache
def shipped_schemes() -> Mapping[str, Scheme]:
    """Return the scheme versions shipped in ``data/schemes.yaml``, by key."""
    text = resources.files("ecosys.analytics").joinpath(SHIPPED_FILE).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return MappingProxyType({key: scheme_from_mapping(key, mapping) for key, mapping in data.items()})
