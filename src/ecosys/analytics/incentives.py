"""Investment grants: what a scheme version (``incentive_schemes``) gives a project, and why.

With ``I_c`` the investment in expense category ``c`` (MAD excluding tax), ``I = Σ_c I_c``, ``J``
the stable jobs and ``d`` the application date:

* **Ratio.** ``r = J / (I / 10⁶)``, stable jobs per MMAD of total investment; undefined if ``I = 0``.
* **Eligibility.** ``valid_from <= d <= valid_to`` and every condition of at least one route holds
  (routes are any-of, their conditions all-of). Thresholds apply to the total investment ``I``, as
  the schemes word them ("investment >= 50 MMAD"); an unknown fact (turnover) fails its condition.
* **Eligible investment.** ``E = Σ_{c∈S} min(I_c, s_c · Σ_{c'∈S} I_{c'})`` over the scheme's
  eligible categories ``S``, with ``s_c`` an optional share cap per category (else ``I_c``).
* **Primes.** ``A_k = round(E · t_k)``. ``t_k`` is a fixed rate; the rate of the tier ``[from, to)``
  holding ``r`` (below the first tier: a range's minimum, else 0); the territorial category's
  rate; the sector's rate (0 for a sector the scheme does not list); or the rate agreed in the
  investment agreement, at most the maximum (0 until one is agreed). ``t_k = 0`` unless its
  ``when`` conditions hold. Where the sources give a range but not the rule placing a project in
  it, the data takes its lower end: an estimate never promises more than the texts guarantee.
* **Caps.** ``G = min(Σ_k A_k, round(τ · E), C)``, ``τ`` the total rate cap, ``C`` the amount cap.
  ``G`` is never above a cap and never falls when ``J`` rises at fixed ``I`` (tier grids are
  contiguous with non-decreasing rates; no condition is a maximum of jobs).

Money and rates are ``Decimal``; ``round`` is ``ROUND_HALF_UP`` to the centime, applied to each
prime amount and cap limit, so the total is the sum of the amounts shown unless a cap binds.
Reasons and rules are machine codes with parameters, never text: the application translates them.
Payment, clawback and the simulation of a pipeline are in ``incentive_payments``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from ecosys.analytics.incentive_schemes import (
    BOUNDS,
    FLAGS,
    Caps,
    Condition,
    Figure,
    IncentiveError,
    Prime,
    Route,
    Scheme,
    frozen,
    no_entries,
)

Param = Decimal | int | str | bool | date | None
TerritorialCategory = Literal["A", "B"]
CapKind = Literal["category_share", "total_rate", "amount"]
ZERO, ONE, CENT, MMAD = Decimal(0), Decimal(1), Decimal("0.01"), Decimal(1_000_000)


def cents(amount: Decimal) -> Decimal:
    """Round an amount to the centime, half up (0.005 MAD -> 0.01 MAD)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def exact(value: object, name: str) -> Decimal:
    """Accept a finite, non-negative Decimal or int, never a float: amounts and rates are exact."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise IncentiveError("fact_not_decimal", name)
    if not Decimal(value).is_finite() or value < 0:
        raise IncentiveError("fact_negative_or_infinite", name)
    return Decimal(value)


@dataclass(frozen=True)
class Reason:
    """A machine code with its parameters: why a project is ineligible, or the rule that set a rate."""

    code: str
    params: Mapping[str, Param] = field(default_factory=no_entries)
    uncertain: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", frozen(self.params))


@dataclass(frozen=True)
class ProjectFacts:
    """What a project declares: investment by expense category (MAD excluding tax), stable jobs, ...

    ``female_share`` is the women's share of the payroll (0..1); ``agreed_rate`` the rate written in
    the investment agreement, for a negotiated prime (FDII); ``public_order`` an offset agreement's
    public order in MAD.
    """

    investment: Mapping[str, Decimal]
    stable_jobs: int
    application_date: date
    female_share: Decimal | None = None
    turnover: Decimal | None = None
    territorial_category: TerritorialCategory | None = None
    sector: str | None = None
    agreement_signed: bool = False
    offset_agreement_signed: bool = False
    public_order: Decimal | None = None
    future_jobs: bool = False
    sustainable: bool = False
    local_integration: bool = False
    agreed_rate: Decimal | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "investment", frozen({c: exact(v, c) for c, v in self.investment.items()}))
        if isinstance(self.stable_jobs, bool) or not isinstance(self.stable_jobs, int) or self.stable_jobs < 0:
            raise IncentiveError("stable_jobs_not_a_count")
        for name in ("turnover", "public_order", "female_share", "agreed_rate"):
            if getattr(self, name) is not None:
                exact(getattr(self, name), name)
        if any(share is not None and share > 1 for share in (self.female_share, self.agreed_rate)):
            raise IncentiveError("share_above_1")
        if self.territorial_category not in (None, "A", "B"):
            raise IncentiveError("unknown_territorial_category", self.territorial_category)

    @property
    def total_investment(self) -> Decimal:
        return sum(self.investment.values(), ZERO)

    @property
    def jobs_per_mmad(self) -> Decimal | None:
        """Return ``J / (I / 10⁶)``, or None when nothing is invested."""
        total = self.total_investment
        return None if total == 0 else Decimal(self.stable_jobs) * MMAD / total


@dataclass(frozen=True)
class PrimeResult:
    """A prime's base (the eligible investment), rate, amount, and the rule that gave the rate."""

    key: str
    base: Decimal
    rate: Decimal
    amount: Decimal
    rule: Reason

    @property
    def uncertain(self) -> bool:
        return self.rule.uncertain


@dataclass(frozen=True)
class CapResult:
    """A cap checked: its limit and the amount before and after it (``category`` for a share cap)."""

    kind: CapKind
    limit: Decimal
    before: Decimal
    after: Decimal
    uncertain: bool
    category: str | None = None

    @property
    def binding(self) -> bool:
        return self.after < self.before


@dataclass(frozen=True)
class Evaluation:
    """A scheme version's verdict on a project; ``uncertain`` if any figure it relied on is."""

    scheme_key: str
    eligible: bool
    route: str | None
    reasons: tuple[Reason, ...]
    investment: Decimal
    jobs_per_mmad: Decimal | None
    eligible_investment: Decimal
    primes: tuple[PrimeResult, ...]
    caps: tuple[CapResult, ...]
    total_grant: Decimal
    uncertain: bool


def check_condition(condition: Condition, facts: ProjectFacts) -> Reason | None:
    """Return None if the condition holds on the facts, else the reason it fails."""
    if condition.bound is None:  # a flag (Condition checks that only flags lack a bound)
        return None if getattr(facts, condition.kind) else Reason(condition.code or FLAGS[condition.kind])
    fact, is_minimum, code = BOUNDS[condition.kind]
    bound, uncertain = condition.bound.value, condition.bound.uncertain
    actual: Decimal | None = {
        "investment": facts.total_investment,
        "stable_jobs": Decimal(facts.stable_jobs),
        "jobs_per_mmad": facts.jobs_per_mmad,
        "turnover": facts.turnover,
        "female_share": facts.female_share,
        "public_order": facts.public_order,
    }[fact]
    if actual is None:
        return Reason("fact_unknown", {"fact": fact}, uncertain)
    if is_minimum:
        held = actual >= bound if condition.inclusive else actual > bound
    else:
        held = actual <= bound if condition.inclusive else actual < bound
    if held:
        return None
    params = {"minimum" if is_minimum else "maximum": bound, "actual": actual, "inclusive": condition.inclusive}
    return Reason(condition.code or code, params, uncertain)


def _validity_reasons(facts: ProjectFacts, scheme: Scheme) -> list[Reason]:
    day, start, end = facts.application_date, scheme.valid_from, scheme.valid_to
    uncertain = start.uncertain or end.uncertain
    reasons = []
    if day < start.value:
        reasons.append(Reason("application_before_validity", {"valid_from": start.value, "date": day}, uncertain))
    if end.value is not None and day > end.value:
        reasons.append(Reason("application_after_validity", {"valid_to": end.value, "date": day}, uncertain))
    return reasons


def _first_route(facts: ProjectFacts, scheme: Scheme) -> tuple[Route | None, list[Reason]]:
    """Return the first route whose conditions all hold, or None and every failure tagged with its route."""
    failures: list[Reason] = []
    for route in scheme.routes:
        failed = [r for r in (check_condition(c, facts) for c in route.all_of) if r is not None]
        if not failed:
            return route, []
        failures += [Reason(r.code, {**r.params, "route": route.key}, r.uncertain or route.uncertain) for r in failed]
    return None, failures


def _tier_rate(prime: Prime, ratio: Decimal | None) -> tuple[Decimal, Reason]:
    floor = prime.minimum or Figure(ZERO)
    if ratio is None:
        return floor.value, Reason("ratio_undefined", {}, floor.uncertain)
    tier = next((t for t in prime.tiers if t.lower <= ratio and (t.upper is None or ratio < t.upper)), None)
    if tier is None:
        params: dict[str, Param] = {"ratio": ratio, "first_tier_from": prime.tiers[0].lower}
        return floor.value, Reason("below_first_tier", params, floor.uncertain or prime.tiers[0].uncertain)
    return tier.rate, Reason("tier", {"ratio": ratio, "from": tier.lower, "to": tier.upper}, tier.uncertain)


def _rate_by_kind(prime: Prime, facts: ProjectFacts) -> tuple[Decimal, Reason]:
    if prime.kind in ("tiered", "range"):
        return _tier_rate(prime, facts.jobs_per_mmad)
    if prime.kind in ("territorial", "sector"):
        name, choice = ("sector", facts.sector) if prime.kind == "sector" else ("category", facts.territorial_category)
        figure = prime.rates.get(choice) if choice is not None else None
        if figure is None:
            return ZERO, Reason(f"no_{prime.kind}_rate", {name: choice})
        return figure.value, Reason(f"{prime.kind}_rate", {name: choice}, figure.uncertain)
    if prime.kind == "fixed" and prime.rate is not None:
        return prime.rate.value, Reason("fixed_rate", {}, prime.rate.uncertain)
    if prime.kind == "agreed" and prime.maximum is not None:
        top, agreed, uncertain = prime.maximum.value, facts.agreed_rate, prime.maximum.uncertain
        if agreed is None:
            return ZERO, Reason("rate_not_agreed", {"maximum": top}, uncertain)
        if agreed > top:
            return top, Reason("agreed_rate_capped", {"agreed": agreed, "maximum": top}, uncertain)
        return agreed, Reason("agreed_rate", {"agreed": agreed}, uncertain)
    raise IncentiveError("prime_incomplete", prime.key)  # Prime.__post_init__ prevents it


def prime_rate(prime: Prime, facts: ProjectFacts) -> tuple[Decimal, Reason]:
    """Return the rate a prime gives the project and the rule that set it (formulas in the module docstring)."""
    for condition in prime.when:
        failed = check_condition(condition, facts)
        if failed is not None:
            return ZERO, failed
    rate, rule = _rate_by_kind(prime, facts)
    when_uncertain = any(c.bound is not None and c.bound.uncertain for c in prime.when)
    return rate, Reason(rule.code, rule.params, rule.uncertain or when_uncertain)


def eligible_investment(facts: ProjectFacts, scheme: Scheme) -> tuple[Decimal, tuple[CapResult, ...]]:
    """Return ``E`` (module docstring) and the category share caps checked on the way."""
    eligible = {c: v for c, v in facts.investment.items() if c in scheme.eligible_expenses.value}
    before_caps, caps = sum(eligible.values(), ZERO), []
    for category, share in scheme.caps.category_shares.items():
        if category in eligible:
            limit = cents(share.value * before_caps)
            after = min(eligible[category], limit)
            caps.append(CapResult("category_share", limit, eligible[category], after, share.uncertain, category))
            eligible[category] = after
    return sum(eligible.values(), ZERO), tuple(caps)


def apply_caps(primes_total: Decimal, base: Decimal, caps: Caps) -> tuple[Decimal, tuple[CapResult, ...]]:
    """Return ``min(Σ A_k, round(τ · E), C)`` and each cap with the amount before and after it."""
    rate_limit = cents(caps.total_rate.value * base)
    after_rate = min(primes_total, rate_limit)
    checked = [CapResult("total_rate", rate_limit, primes_total, after_rate, caps.total_rate.uncertain)]
    if caps.amount is None:
        return after_rate, tuple(checked)
    after_amount = min(after_rate, caps.amount.value)
    checked.append(CapResult("amount", caps.amount.value, after_rate, after_amount, caps.amount.uncertain))
    return after_amount, tuple(checked)


def evaluate(facts: ProjectFacts, scheme: Scheme) -> Evaluation:
    """Return whether the project is eligible under this scheme version, its primes, caps and grant.

    Ineligible: every reason (dates, and each route's failed conditions tagged with ``route``), no
    prime, no grant. Eligible: the first route that holds, every prime (zero ones too, with the rule
    that zeroed them) and every cap checked.
    """
    reasons = _validity_reasons(facts, scheme)
    route, route_failures = _first_route(facts, scheme)
    if route is None and scheme.routes:
        reasons += route_failures
    base, caps = eligible_investment(facts, scheme)
    primes: tuple[PrimeResult, ...] = ()
    total = ZERO
    if not reasons:
        rates = [(prime.key, *prime_rate(prime, facts)) for prime in scheme.primes]
        primes = tuple(PrimeResult(key, base, rate, cents(base * rate), rule) for key, rate, rule in rates)
        total, total_caps = apply_caps(sum((p.amount for p in primes), ZERO), base, scheme.caps)
        caps += total_caps
    relied_on = [scheme.valid_from.uncertain, scheme.valid_to.uncertain, scheme.eligible_expenses.uncertain]
    relied_on += [r.uncertain for r in reasons] + [p.uncertain for p in primes] + [c.uncertain for c in caps]
    if route is not None and not reasons:
        relied_on += [route.uncertain, *(c.bound.uncertain for c in route.all_of if c.bound is not None)]
    return Evaluation(
        scheme_key=scheme.key,
        eligible=not reasons,
        route=route.key if route is not None and not reasons else None,
        reasons=tuple(reasons),
        investment=facts.total_investment,
        jobs_per_mmad=facts.jobs_per_mmad,
        eligible_investment=base,
        primes=primes,
        caps=caps,
        total_grant=total,
        uncertain=any(relied_on),
    )
