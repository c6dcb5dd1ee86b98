"""Paying a grant and following it up: tranches released, sums recovered, a pipeline's draw on the envelope.

* **Tranches.** Tranche ``i`` is ``round(share_i · G)`` (the last takes the remainder, so they add
  up to the grant ``G``) and is releasable when its verified jobs and proven investment are reached
  and every earlier tranche is releasable: tranches are paid in order. Both schemes that say how
  they pay do so after realisations are verified (FDII 2015, SME scheme 2025).
* **Clawback.** With ``a = min(a_jobs, a_inv)``, ``a_x = min(1, verified / committed)`` (1 with no
  commitment), the realisations earn ``round(G · a)``, or ``G`` when the shortfall ``1 - a`` is at
  most the rule's tolerance; recovered is ``clip(paid - earned, 0, paid)``: never negative, never
  more than paid, and nothing while less was paid than earned. The worst-met commitment sets the
  share because the grant was decided on both. The tolerance is a threshold, not a deductible: past
  it the whole shortfall counts, as clauses read "at least 90 % achieved". The default tolerance is
  0 (strict); set it from the investment agreement.
* **Simulation.** Projects are served first come by application date: one is funded when eligible
  and its grant fits in what the envelope has left (a later, smaller one may still fit). Each year
  shows the grants of the eligible projects planned that year (demand) and of the funded ones,
  cumulated, flagged once the cumulated demand exceeds the envelope.

``round`` is ``ROUND_HALF_UP`` to the centime (``incentives.cents``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ecosys.analytics.incentive_schemes import IncentiveError, Scheme
from ecosys.analytics.incentives import ONE, ZERO, Evaluation, ProjectFacts, Reason, cents, evaluate, exact


def _granted(granted: Evaluation | Decimal) -> Decimal:
    return granted.total_grant if isinstance(granted, Evaluation) else exact(granted, "granted")


def _achieved(verified: Decimal, committed: Decimal) -> Decimal:
    return ONE if committed <= 0 else min(ONE, max(ZERO, verified) / committed)


@dataclass(frozen=True)
class ClawbackRule:
    """Shortfalls of the worst-met commitment up to ``tolerance`` (a share, 0..1) are forgiven."""

    tolerance: Decimal = ZERO


STRICT_CLAWBACK = ClawbackRule()


@dataclass(frozen=True)
class Clawback:
    """The amount to recover and how: ``achievement`` is ``a``, ``worst`` the commitment that set it."""

    amount: Decimal
    earned: Decimal
    achievement: Decimal
    worst: Literal["jobs", "investment"] | None
    within_tolerance: bool


def clawback(
    granted: Evaluation | Decimal,
    *,
    committed_jobs: int,
    verified_jobs: int,
    committed_investment: Decimal,
    proven_investment: Decimal,
    paid: Decimal,
    rule: ClawbackRule = STRICT_CLAWBACK,
) -> Clawback:
    """Return what to recover from a paid grant when commitments fall short (rule in the module docstring)."""
    grant, paid = _granted(granted), exact(paid, "paid")
    jobs = _achieved(Decimal(verified_jobs), Decimal(committed_jobs))
    investment = _achieved(proven_investment, committed_investment)
    achievement = min(jobs, investment)
    worst: Literal["jobs", "investment"] | None = None
    if achievement < 1:
        worst = "jobs" if jobs <= investment else "investment"
    within = ONE - achievement <= rule.tolerance
    earned = grant if within else cents(grant * achievement)
    return Clawback(min(paid, max(ZERO, paid - earned)), earned, achievement, worst, within)


@dataclass(frozen=True)
class Tranche:
    """A share of the grant, released once the verified jobs and proven investment reach its minimums."""

    share: Decimal
    min_verified_jobs: int = 0
    min_proven_investment: Decimal = ZERO


@dataclass(frozen=True)
class TrancheStatus:
    """Tranche ``index`` (from 0): its amount, and the reasons it may not be released yet (none: releasable)."""

    index: int
    amount: Decimal
    releasable: bool
    reasons: tuple[Reason, ...]


def tranches_due(
    granted: Evaluation | Decimal, tranches: Sequence[Tranche], *, verified_jobs: int, proven_investment: Decimal
) -> tuple[TrancheStatus, ...]:
    """Return each tranche's amount and whether it may be released now, with the reasons it may not."""
    grant = _granted(granted)
    if not tranches or any(t.share <= 0 for t in tranches) or sum(t.share for t in tranches) != 1:
        raise IncentiveError("tranche_shares_must_be_positive_and_add_up_to_1")
    amounts = [cents(t.share * grant) for t in tranches[:-1]]
    amounts.append(grant - sum(amounts, ZERO))
    statuses: list[TrancheStatus] = []
    for index, (tranche, amount) in enumerate(zip(tranches, amounts, strict=True)):
        reasons = []
        if statuses and not statuses[-1].releasable:
            reasons.append(Reason("earlier_tranche_not_releasable", {"tranche": index - 1}))
        if verified_jobs < tranche.min_verified_jobs:
            reasons.append(
                Reason("tranche_jobs_not_reached", {"required": tranche.min_verified_jobs, "verified": verified_jobs})
            )
        if proven_investment < tranche.min_proven_investment:
            params = {"required": tranche.min_proven_investment, "proven": proven_investment}
            reasons.append(Reason("tranche_investment_not_reached", params))
        statuses.append(TrancheStatus(index, amount, not reasons, tuple(reasons)))
    return tuple(statuses)


@dataclass(frozen=True)
class PlannedProject:
    """A pipeline project: its facts and the year its grant would be committed on the envelope."""

    key: str
    facts: ProjectFacts
    year: int


@dataclass(frozen=True)
class SimulatedProject:
    """A pipeline project's evaluation and whether the envelope funds it (first come, first served)."""

    key: str
    year: int
    stable_jobs: int
    evaluation: Evaluation
    funded: bool


@dataclass(frozen=True)
class EnvelopeYear:
    """Grants of the eligible projects planned in ``year``, all (demand) and those funded, with cumulations."""

    year: int
    demand: Decimal
    cumulative_demand: Decimal
    funded: Decimal
    cumulative_funded: Decimal
    exceeds_envelope: bool


@dataclass(frozen=True)
class Simulation:
    """A pipeline under one scheme version: projects first come first served, and the envelope year by year."""

    scheme_key: str
    envelope: Decimal
    projects: tuple[SimulatedProject, ...]
    years: tuple[EnvelopeYear, ...]
    total_grant: Decimal
    funded_grant: Decimal
    stable_jobs: int
    grant_per_job: Decimal | None

    @property
    def ineligible(self) -> tuple[tuple[str, tuple[Reason, ...]], ...]:
        return tuple((p.key, p.evaluation.reasons) for p in self.projects if not p.evaluation.eligible)


def simulate(pipeline: Sequence[PlannedProject], scheme: Scheme, envelope: Decimal) -> Simulation:
    """Return the grants of a pipeline and its draw on the envelope (rules in the module docstring).

    ``total_grant``, ``stable_jobs`` and ``grant_per_job`` (rounded) cover every eligible project,
    funded or not: the demand the scheme would face.
    """
    if len({p.key for p in pipeline}) != len(pipeline):
        raise IncentiveError("duplicate_project_key")
    envelope = exact(envelope, "envelope")
    left = envelope
    projects = []
    for planned in sorted(pipeline, key=lambda p: (p.facts.application_date, p.key)):
        evaluation = evaluate(planned.facts, scheme)
        fits = evaluation.eligible and evaluation.total_grant <= left
        left -= evaluation.total_grant if fits else ZERO
        projects.append(SimulatedProject(planned.key, planned.year, planned.facts.stable_jobs, evaluation, fits))
    eligible = [p for p in projects if p.evaluation.eligible]
    years, demand_so_far, funded_so_far = [], ZERO, ZERO
    for year in range(min((p.year for p in eligible), default=0), max((p.year for p in eligible), default=-1) + 1):
        demand = sum((p.evaluation.total_grant for p in eligible if p.year == year), ZERO)
        funded = sum((p.evaluation.total_grant for p in eligible if p.year == year and p.funded), ZERO)
        demand_so_far, funded_so_far = demand_so_far + demand, funded_so_far + funded
        years.append(EnvelopeYear(year, demand, demand_so_far, funded, funded_so_far, demand_so_far > envelope))
    total = sum((p.evaluation.total_grant for p in eligible), ZERO)
    jobs = sum(p.stable_jobs for p in eligible)
    return Simulation(
        scheme_key=scheme.key,
        envelope=envelope,
        projects=tuple(projects),
        years=tuple(years),
        total_grant=total,
        funded_grant=sum((p.evaluation.total_grant for p in projects if p.funded), ZERO),
        stable_jobs=jobs,
        grant_per_job=cents(total / jobs) if jobs else None,
    )
