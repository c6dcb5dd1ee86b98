"""Shapes of the grants API: what it reads (``*In``) and what it answers (``*Out``).

Amounts and rates are ``Decimal``: sent as numbers or text, answered as text, like every Ecosys API.
A stored evaluation (JSON, numbers as text) is answered with the words of ``explain`` next to each
code, in the language of the request, so a client needs no table of codes.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from ninja import Schema

from ecosys.incentives import explain
from ecosys.incentives.models import Application, Envelope, InvestmentProof, Payment, Scheme, SchemeVersion
from ecosys.incentives.selectors import uncertain_paths

# -- reads ----------------------------------------------------------------------------------------------------------


class VersionOut(Schema):
    number: int
    valid_from: date
    valid_to: date | None
    in_force: bool
    note: str
    rules: dict[str, Any]
    uncertain: list[str]
    created_at: datetime

    @staticmethod
    def resolve_in_force(obj: SchemeVersion) -> bool:
        today = timezone.localdate()
        return obj.valid_from <= today and (obj.valid_to is None or today <= obj.valid_to)

    @staticmethod
    def resolve_uncertain(obj: SchemeVersion) -> list[str]:
        return uncertain_paths(obj.rules)


class SchemeOut(Schema):
    key: str
    name: str
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(obj: Scheme) -> list[SchemeVersion]:
        return list(obj.versions.all())


class EnvelopeOut(Schema):
    id: int
    name: str
    programme: str
    ecosystem: str | None
    scheme: str | None
    amount_mad: Decimal
    committed_mad: Decimal
    paid_mad: Decimal
    available_mad: Decimal

    @staticmethod
    def resolve_programme(obj: Envelope) -> str:
        return obj.programme.code

    @staticmethod
    def resolve_ecosystem(obj: Envelope) -> str | None:
        return obj.ecosystem.code if obj.ecosystem is not None else None

    @staticmethod
    def resolve_scheme(obj: Envelope) -> str | None:
        return obj.scheme.key if obj.scheme is not None else None


class ReasonOut(Schema):
    code: str
    params: dict[str, Any]
    uncertain: bool = False
    text: str


class PrimeOut(Schema):
    key: str
    label: str
    base: Decimal
    rate: Decimal
    amount: Decimal
    rule: ReasonOut


class CapOut(Schema):
    kind: str
    label: str
    category: str | None
    limit: Decimal
    before: Decimal
    after: Decimal
    binding: bool
    uncertain: bool


class EvaluationOut(Schema):
    eligible: bool
    route: str | None
    route_label: str | None
    reasons: list[ReasonOut]
    investment: Decimal
    jobs_per_mmad: Decimal | None
    eligible_investment: Decimal
    primes: list[PrimeOut]
    caps: list[CapOut]
    total_grant: Decimal
    uncertain: bool


class TrancheOut(Schema):
    number: int  # from 1, as the pages and the letter number them
    share: Decimal
    min_verified_jobs: int
    min_proven_investment: Decimal
    amount: Decimal
    releasable: bool
    paid: bool
    reasons: list[ReasonOut]


class PaymentOut(Schema):
    number: int
    amount_mad: Decimal
    paid_on: date
    verified_jobs: int
    proven_investment_mad: Decimal
    released_by: str

    @staticmethod
    def resolve_number(obj: Payment) -> int:
        return obj.tranche + 1

    @staticmethod
    def resolve_released_by(obj: Payment) -> str:
        return obj.released_by.get_username()


class ProofOut(Schema):
    id: int
    category: str
    category_label: str
    amount_mad: Decimal
    description: str
    has_document: bool
    added_by: str
    verified_by: str | None
    verified_at: datetime | None

    @staticmethod
    def resolve_category_label(obj: InvestmentProof) -> str:
        return explain.category_label(obj.category)

    @staticmethod
    def resolve_has_document(obj: InvestmentProof) -> bool:
        return bool(obj.document)

    @staticmethod
    def resolve_added_by(obj: InvestmentProof) -> str:
        return obj.added_by.get_username()

    @staticmethod
    def resolve_verified_by(obj: InvestmentProof) -> str | None:
        return obj.verified_by.get_username() if obj.verified_by is not None else None


class ClawbackOut(Schema):
    amount_mad: Decimal
    earned_mad: Decimal
    achievement: Decimal
    worst: str
    verified_jobs: int
    proven_investment_mad: Decimal
    reason: str
    decided_by: str
    created_at: datetime

    @staticmethod
    def resolve_decided_by(obj: Any) -> str:
        return str(obj.decided_by.get_username())


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


class ApplicationOut(Schema):
    reference: str
    project: str
    project_name: str
    company: str
    company_name: str
    scheme: str
    version: int
    status: str
    status_label: str
    applied_on: date
    eligible: bool | None
    computed_grant_mad: Decimal | None
    granted_mad: Decimal | None
    envelope: int | None
    is_generated: bool

    @staticmethod
    def resolve_project(obj: Application) -> str:
        return obj.project.code

    @staticmethod
    def resolve_project_name(obj: Application) -> str:
        return obj.project.name

    @staticmethod
    def resolve_company(obj: Application) -> str:
        return obj.company.ice

    @staticmethod
    def resolve_company_name(obj: Application) -> str:
        return obj.company.name

    @staticmethod
    def resolve_scheme(obj: Application) -> str:
        return obj.version.scheme.key

    @staticmethod
    def resolve_version(obj: Application) -> int:
        return obj.version.number

    @staticmethod
    def resolve_status_label(obj: Application) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_envelope(obj: Application) -> int | None:
        return obj.envelope_id


class ApplicationDetailOut(ApplicationOut):
    facts: dict[str, Any]
    evaluation: EvaluationOut | None
    review_note: str
    decision_reason: str
    conditions: str
    clawback_tolerance: Decimal
    submitted_at: datetime | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    decided_by: str | None
    decided_at: datetime | None
    signed_on: date | None
    closed_at: datetime | None
    paid_mad: Decimal
    recovered_mad: Decimal
    proven_investment_mad: Decimal
    tranches: list[TrancheOut]
    payments: list[PaymentOut]
    proofs: list[ProofOut]
    clawback: ClawbackOut | None

    @staticmethod
    def resolve_evaluation(obj: Application) -> dict[str, Any] | None:
        return evaluation_body(obj.evaluation) if obj.evaluation else None

    @staticmethod
    def resolve_reviewed_by(obj: Application) -> str | None:
        return _username(obj.reviewed_by)

    @staticmethod
    def resolve_decided_by(obj: Application) -> str | None:
        return _username(obj.decided_by)

    @staticmethod
    def resolve_proven_investment_mad(obj: Application) -> Decimal:
        from ecosys.incentives.selectors import proven_investment

        return proven_investment(obj)

    @staticmethod
    def resolve_tranches(obj: Application) -> list[dict[str, Any]]:
        return tranches_body(obj)

    @staticmethod
    def resolve_payments(obj: Application) -> list[Payment]:
        return list(obj.payments.all())

    @staticmethod
    def resolve_proofs(obj: Application) -> list[InvestmentProof]:
        return list(obj.proofs.all())

    @staticmethod
    def resolve_clawback(obj: Application) -> Any:
        return getattr(obj, "clawback", None)


class SimulatedProjectOut(Schema):
    project: str
    name: str
    company: str
    year: int
    stable_jobs: int
    eligible: bool
    investment: Decimal
    eligible_investment: Decimal
    grant: Decimal
    funded: bool
    reasons: list[ReasonOut]


class SimulatedYearOut(Schema):
    year: int
    demand: Decimal
    cumulative_demand: Decimal
    funded: Decimal
    cumulative_funded: Decimal
    exceeds_envelope: bool


class SimulationOut(Schema):
    programme: str
    scheme: str
    version: int
    modified: bool
    envelope: Decimal
    total_grant: Decimal
    funded_grant: Decimal
    stable_jobs: int
    grant_per_job: Decimal | None
    years: list[SimulatedYearOut]
    projects: list[SimulatedProjectOut]


# -- the words next to the codes ------------------------------------------------------------------------------------


def reason_body(reason: Any) -> dict[str, Any]:
    """A reason (analytics object or stored JSON) with its sentence."""
    if isinstance(reason, dict):
        code, params, uncertain = reason["code"], dict(reason.get("params") or {}), bool(reason.get("uncertain"))
    else:
        code, params, uncertain = reason.code, dict(reason.params), reason.uncertain
    return {
        "code": code,
        "params": {k: v if isinstance(v, str | int | bool | None) else str(v) for k, v in params.items()},
        "uncertain": uncertain,
        "text": explain.reason_text(code, params),
    }


def evaluation_body(evaluation: dict[str, Any]) -> dict[str, Any]:
    """A stored evaluation (``services.evaluation_to_json``) with the words of its codes."""
    route = evaluation.get("route")
    return {
        **evaluation,
        "route_label": explain.route_label(route) if route else None,
        "reasons": [reason_body(r) for r in evaluation.get("reasons", [])],
        "primes": [
            {**p, "label": explain.prime_label(p["key"]), "rule": reason_body(p["rule"])}
            for p in evaluation.get("primes", [])
        ],
        "caps": [
            {
                **c,
                "label": explain.cap_label(c["kind"], c.get("category")),
                "binding": Decimal(c["after"]) < Decimal(c["before"]),
            }
            for c in evaluation.get("caps", [])
        ],
    }


def tranches_body(application: Application) -> list[dict[str, Any]]:
    """The grant's tranches: their conditions, amounts, whether the verified realisations release them now."""
    from ecosys.incentives.services import tranche_statuses

    if application.status not in (Application.Status.SIGNED, Application.Status.APPROVED):
        statuses: tuple[Any, ...] = ()
        if application.granted_mad is not None and application.tranches:
            from ecosys.analytics.incentive_payments import tranches_due
            from ecosys.incentives.services import tranches_of

            # Closed, clawed back: amounts only, the realisations no longer release anything.
            statuses = tranches_due(
                application.granted_mad, tranches_of(application), verified_jobs=0, proven_investment=Decimal(0)
            )
    else:
        statuses = tranche_statuses(application)
    paid = {p.tranche for p in application.payments.all()}
    body = []
    for tranche, status in zip(application.tranches, statuses, strict=False):
        is_paid = status.index in paid
        releasable = status.releasable and not is_paid and application.status == Application.Status.SIGNED
        body.append(
            {
                "number": status.index + 1,
                "share": tranche["share"],
                "min_verified_jobs": tranche["min_verified_jobs"],
                "min_proven_investment": tranche["min_proven_investment"],
                "amount": status.amount,
                "releasable": releasable,
                "paid": is_paid,
                "reasons": [] if is_paid else [reason_body(r) for r in status.reasons],
            }
        )
    return body


# -- writes ---------------------------------------------------------------------------------------------------------


class FactsIn(Schema):
    """What the company declares. Numbers are checked by the service, field by field (400 with each field)."""

    investment: dict[str, Decimal | int | str | None] = {}
    stable_jobs: int | str | None = None
    territorial_category: str | None = None
    sector: str | None = None
    female_share: Decimal | str | None = None
    turnover: Decimal | str | None = None
    public_order: Decimal | str | None = None
    agreed_rate: Decimal | str | None = None
    agreement_signed: bool = False
    offset_agreement_signed: bool = False
    future_jobs: bool = False
    sustainable: bool = False
    local_integration: bool = False


class ApplicationIn(Schema):
    project: str
    scheme: str
    applied_on: date | None = None
    facts: FactsIn


class ApplicationPatch(Schema):
    facts: FactsIn


class ReviewIn(Schema):
    note: str
    agreed_rate: Decimal | None = None


class TrancheIn(Schema):
    share: Decimal
    min_verified_jobs: int = 0
    min_proven_investment: Decimal = Decimal(0)


class DecisionIn(Schema):
    approve: bool
    reason: str = ""
    amount_mad: Decimal | None = None
    conditions: str = ""
    tranches: list[TrancheIn] | None = None
    clawback_tolerance: Decimal = Decimal(0)


class SignatureIn(Schema):
    signed_on: date


class ProofIn(Schema):
    category: str
    amount_mad: Decimal
    description: str


class ReleaseIn(Schema):
    paid_on: date | None = None


class ClawbackIn(Schema):
    reason: str


class VersionIn(Schema):
    rules: dict[str, Any]
    note: str = ""


class VersionCloseIn(Schema):
    valid_to: date


class EnvelopeIn(Schema):
    programme: str
    name: str
    amount_mad: Decimal
    scheme: str | None = None
    ecosystem: str | None = None


class SimulationIn(Schema):
    programme: str
    scheme: str
    version: int | None = None  # default: the version in force today, else the latest
    envelope_amount: Decimal | None = None  # default: what the programme's envelopes for the scheme have left
    rules: dict[str, Any] | None = None  # a modified copy of the version's rules
