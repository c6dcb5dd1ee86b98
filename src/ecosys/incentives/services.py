"""Writes of the incentives domain: scheme versions, envelopes, applications from draft to closing,
investment proofs, tranche payments and clawbacks.

Every money movement on an envelope is one conditional ``UPDATE`` (``committed + x <= amount``) under
the envelope's database checks, so two approvals at the same moment can never take it past its
amount: the second waits for the first's row lock, then finds too little left and is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields, is_dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import User
from ecosys.analytics.incentive_payments import Clawback as ClawbackResult
from ecosys.analytics.incentive_payments import ClawbackRule, Tranche, clawback, tranches_due
from ecosys.analytics.incentive_schemes import IncentiveError, scheme_from_mapping
from ecosys.analytics.incentives import Evaluation, ProjectFacts, evaluate
from ecosys.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecosys.core.permissions import actor_can, require
from ecosys.core.references import create_numbered
from ecosys.incentives.models import (
    Application,
    Clawback,
    Envelope,
    InvestmentProof,
    Payment,
    Scheme,
    SchemeVersion,
)
from ecosys.incentives.selectors import proven_investment, version_rules
from ecosys.investments.models import InvestmentProject
from ecosys.investments.selectors import actor_companies
from ecosys.programmes.models import Ecosystem, Programme

S = Application.Status
CATEGORIES = ("land", "buildings", "equipment", "technical_assistance", "other")
FLAG_FACTS = ("agreement_signed", "offset_agreement_signed", "future_jobs", "sustainable", "local_integration")
DECIMAL_FACTS = ("female_share", "turnover", "public_order", "agreed_rate")

RULES_INVALID = _("These rules cannot be read: %(problem)s at %(path)s.")
VERSION_OVERLAPS = _(
    "This version's validity (%(start)s to %(end)s) overlaps version %(number)s (%(other_start)s to %(other_end)s). "
    "Close that version first, or start this one after it ends."
)
VERSION_USED = _("Applications were made under this version after %(date)s: it cannot end before them.")
VERSION_END_BEFORE_START = _("A version cannot end before it starts.")
NO_VERSION_IN_FORCE = _("No version of this scheme is in force on %(date)s.")
ANOTHER_COMPANY = _("This project belongs to another company: you can apply only for your own company's projects.")
FACT_NOT_A_NUMBER = _("Enter a number that is zero or more.")
FACT_NOT_A_COUNT = _("Enter a whole number that is zero or more.")
FACT_SHARE = _("Enter a share between 0 and 1.")
FACT_TOO_LARGE = _("This amount is too large (at most 10^15 MAD).")
LARGEST_AMOUNT = Decimal(10) ** 15  # the money columns hold 16 digits before the centimes
FACT_CATEGORY = _("Unknown expense category: %(category)s.")
FACT_TERRITORY = _("The territorial category is A or B.")
NO_INVESTMENT = _("Enter the investment of at least one expense category.")
WRONG_STATUS = _("This application is %(status)s: this step is not possible now.")
SAME_PERSON_DECIDES = _("You reviewed this application: another person must decide it (four eyes).")
REASON_REQUIRED = _("Give the reasons.")
NOT_ELIGIBLE = _("This project is not eligible under the scheme: it cannot be approved.")
ABOVE_CAP = _("%(amount)s MAD is above the grant the scheme allows, %(cap)s MAD (its caps applied).")
AMOUNT_NOT_POSITIVE = _("The grant must be more than zero.")
NO_ENVELOPE = _("No envelope of the programme covers this scheme: create one before approving.")
ENVELOPE_EXCEEDED = _(
    "The envelope %(envelope)s has %(available)s MAD left: a commitment of %(amount)s MAD would exceed it."
)
ENVELOPE_EXISTS = _("The programme already has an envelope for this ecosystem and scheme.")
NAME_REQUIRED = _("Give a name.")
PAYMENT_EXCEEDS_COMMITTED = _("The envelope %(envelope)s cannot pay more than it committed.")
TRANCHES_INVALID = _("Tranche shares must be more than zero and add up to 1.")
TRANCHE_UNKNOWN = _("This grant has no tranche %(tranche)s.")
TRANCHE_PAID = _("Tranche %(tranche)s is already paid.")
TRANCHE_NOT_DUE = _("Tranche %(tranche)s cannot be released yet: %(why)s.")
EARLIER_TRANCHE = _("tranche %(tranche)s comes first")
JOBS_SHORT = _("%(required)s verified jobs needed, %(verified)s verified")
INVESTMENT_SHORT = _("%(required)s MAD of proven investment needed, %(proven)s MAD proven")
PROOF_OWN = _("Another person must check this document: you added it.")
PROOF_CHECKED = _("This document is already checked.")
PROOF_AMOUNT = _("Enter an amount above zero.")
NOT_PAID = _("Nothing was paid on this grant: there is nothing to claw back.")
NOTHING_TO_RECOVER = _("The realisations earn the whole amount paid: there is nothing to recover.")
SIGNED_BEFORE_DECISION = _("The agreement cannot be signed before the decision.")


def _fmt(amount: Decimal) -> str:
    return number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


# -- scheme versions ------------------------------------------------------------------------------------------------


def rules_to_json(value: Any) -> Any:
    """Return a rules mapping with dates as ISO text and numbers as exact text, ready for a JSON column."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: rules_to_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): rules_to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rules_to_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float | Decimal):
        return str(Decimal(repr(value)) if isinstance(value, float) else value)
    return value


def _read_rules(key: str, rules: Mapping[str, Any]) -> tuple[dict[str, Any], dt.date, dt.date | None]:
    stored = rules_to_json(rules)
    try:
        parsed = scheme_from_mapping(key, stored)
    except IncentiveError as error:
        problem, path = error.args[0], (error.args[1] if len(error.args) > 1 else key)
        raise ValidationFailed(
            RULES_INVALID % {"problem": problem, "path": path}, field="rules", code="rules_invalid"
        ) from None
    return stored, parsed.valid_from.value, parsed.valid_to.value


def _overlap(version: SchemeVersion, start: dt.date, end: dt.date | None) -> bool:
    return (end is None or version.valid_from <= end) and (version.valid_to is None or start <= version.valid_to)


def _refuse_overlap(versions: Iterable[SchemeVersion], start: dt.date, end: dt.date | None, *, field: str) -> None:
    for other in versions:
        if _overlap(other, start, end):
            raise Conflict(
                VERSION_OVERLAPS
                % {
                    "start": start,
                    "end": end or "…",
                    "number": other.number,
                    "other_start": other.valid_from,
                    "other_end": other.valid_to or "…",
                },
                code="version_overlaps",
                field=field,
            )


@transaction.atomic
def version_add(*, actor: User | None, key: str, rules: Mapping[str, Any], note: str = "") -> SchemeVersion:
    """Add a version of a scheme (creating the scheme on its first version); validity must not overlap another."""
    if actor is not None:
        require(actor, "scheme.manage")
    stored, start, end = _read_rules(key, rules)
    scheme, _created = Scheme.objects.get_or_create(key=key, defaults={"name": stored["name"]})
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)  # one writer of a scheme's versions at a time
    _refuse_overlap(scheme.versions.all(), start, end, field="rules")
    number = (scheme.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    if scheme.name != stored["name"]:
        scheme.name = stored["name"]
        scheme.save(update_fields=["name", "updated_at"])
    return SchemeVersion.objects.create(
        scheme=scheme,
        number=number,
        valid_from=start,
        valid_to=end,
        rules=stored,
        note=note.strip(),
        created_by=actor,
    )


@transaction.atomic
def version_close(*, actor: User, version: SchemeVersion, valid_to: dt.date) -> SchemeVersion:
    """End a version at ``valid_to`` (so a new one may follow); applications already made under it stay valid."""
    require(actor, "scheme.manage")
    Scheme.objects.select_for_update().get(pk=version.scheme_id)  # one writer of a scheme's versions at a time
    version = SchemeVersion.objects.select_for_update().get(pk=version.pk)
    if valid_to < version.valid_from:
        raise ValidationFailed(VERSION_END_BEFORE_START, field="valid_to", code="version_end_before_start")
    # Moving the end later must not run into the next version.
    others = SchemeVersion.objects.filter(scheme_id=version.scheme_id).exclude(pk=version.pk)
    _refuse_overlap(others, version.valid_from, valid_to, field="valid_to")
    if version.applications.filter(applied_on__gt=valid_to).exists():
        raise Conflict(VERSION_USED % {"date": valid_to}, field="valid_to", code="version_used")
    version.valid_to = valid_to
    version.rules = {**version.rules, "valid_to": valid_to.isoformat()}
    version.save(update_fields=["valid_to", "rules", "updated_at"])
    return version


def version_in_force(scheme: Scheme, on: dt.date) -> SchemeVersion:
    version = scheme.versions.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).first()
    if version is None:
        raise ValidationFailed(NO_VERSION_IN_FORCE % {"date": on}, field="scheme", code="no_version_in_force")
    return version


# -- envelopes ------------------------------------------------------------------------------------------------------


@transaction.atomic
def envelope_create(
    *,
    actor: User | None,
    programme: Programme,
    name: str,
    amount_mad: Decimal,
    scheme: Scheme | None = None,
    ecosystem: Ecosystem | None = None,
) -> Envelope:
    if actor is not None:
        require(actor, "envelope.manage")
    if amount_mad is None or amount_mad < 0:
        raise ValidationFailed(FACT_NOT_A_NUMBER, field="amount_mad", code="amount_invalid")
    if not name.strip():
        raise ValidationFailed(NAME_REQUIRED, field="name", code="name_required")
    if Envelope.objects.filter(programme=programme, ecosystem=ecosystem, scheme=scheme).exists():
        raise Conflict(ENVELOPE_EXISTS, field="scheme", code="envelope_exists")
    return Envelope.objects.create(
        programme=programme, ecosystem=ecosystem, scheme=scheme, name=name.strip(), amount_mad=amount_mad
    )


def envelopes_from_commitments(programme: Programme) -> Envelope | None:
    """Create the programme's envelope from its contracts' fund commitments (IMM: FDII, 630 MMAD), once.

    The envelope covers every scheme and ecosystem of the programme, as the commitment does.
    """
    from ecosys.programmes.models import Commitment

    rows = list(Commitment.objects.filter(contract__sector__programme=programme, kind="fund_envelope"))
    if not rows or Envelope.objects.filter(programme=programme, ecosystem=None, scheme=None).exists():
        return None
    label = rows[0].description_fr or rows[0].get_kind_display()
    amount = sum((row.amount for row in rows), Decimal(0))
    return envelope_create(actor=None, programme=programme, name=f"{programme.code} · {label}", amount_mad=amount)


def envelope_for(application: Application) -> Envelope | None:
    """Return the most specific envelope of the project's programme covering the application's scheme."""
    ecosystem = application.project.ecosystem
    candidates = Envelope.objects.filter(programme_id=ecosystem.sector.programme_id).filter(
        Q(ecosystem=ecosystem) | Q(ecosystem__isnull=True),
        Q(scheme_id=application.version.scheme_id) | Q(scheme__isnull=True),
    )
    ranked = sorted(candidates, key=lambda e: (e.scheme_id is None, e.ecosystem_id is None))
    return ranked[0] if ranked else None


def _commit(envelope: Envelope, amount: Decimal) -> None:
    """Add ``amount`` to the envelope's commitments, or refuse if it would take them past the amount."""
    try:
        with transaction.atomic():
            updated = Envelope.objects.filter(pk=envelope.pk, committed_mad__lte=F("amount_mad") - amount).update(
                committed_mad=F("committed_mad") + amount, updated_at=timezone.now()
            )
    except IntegrityError:
        updated = 0
    if not updated:
        envelope.refresh_from_db()
        raise Conflict(
            ENVELOPE_EXCEEDED
            % {"envelope": envelope.name, "available": _fmt(envelope.available_mad), "amount": _fmt(amount)},
            code="envelope_exceeded",
        )


def _pay(envelope: Envelope, amount: Decimal) -> None:
    try:
        with transaction.atomic():
            updated = Envelope.objects.filter(pk=envelope.pk, paid_mad__lte=F("committed_mad") - amount).update(
                paid_mad=F("paid_mad") + amount, updated_at=timezone.now()
            )
    except IntegrityError:
        updated = 0
    if not updated:
        raise Conflict(PAYMENT_EXCEEDS_COMMITTED % {"envelope": envelope.name}, code="envelope_paid_exceeded")


# -- applications ---------------------------------------------------------------------------------------------------


def facts_clean(raw: Mapping[str, Any], applied_on: dt.date) -> tuple[dict[str, Any], ProjectFacts]:
    """Check declared facts field by field; return them as stored (text numbers) and as the analytics read them."""
    errors: dict[str, Any] = {}

    def number(name: str, value: Any, *, share: bool = False) -> Decimal | None:
        if value in (None, ""):
            return None
        try:
            result = Decimal(str(value).replace(" ", "").replace(",", "."))
        except InvalidOperation:
            errors[name] = FACT_NOT_A_NUMBER
            return None
        if not result.is_finite() or result < 0:
            errors[name] = FACT_NOT_A_NUMBER
        elif result >= LARGEST_AMOUNT:
            errors[name] = FACT_TOO_LARGE
        elif share and result > 1:
            errors[name] = FACT_SHARE
        return result

    investment: dict[str, Decimal] = {}
    declared = raw.get("investment")
    for category, value in (declared if isinstance(declared, Mapping) else {}).items():
        if category not in CATEGORIES:
            errors[f"investment_{category}"] = FACT_CATEGORY % {"category": category}
            continue
        amount = number(f"investment_{category}", value)
        if amount:
            investment[category] = amount
    jobs_raw = raw.get("stable_jobs")
    jobs = 0
    try:
        jobs = int(str(jobs_raw))
        if jobs < 0:
            raise ValueError
    except (TypeError, ValueError):
        errors["stable_jobs"] = FACT_NOT_A_COUNT
    decimals = {
        name: number(name, raw.get(name), share=name in ("female_share", "agreed_rate")) for name in DECIMAL_FACTS
    }
    territory = raw.get("territorial_category") or None
    if territory not in (None, "A", "B"):
        errors["territorial_category"] = FACT_TERRITORY
    if not investment and "investment_equipment" not in errors:
        errors.setdefault("investment_equipment", NO_INVESTMENT)
    if errors:
        first = next(iter(errors.values()))
        raise ValidationFailed(first, fields=errors, code="facts_invalid")
    flags = {name: bool(raw.get(name)) for name in FLAG_FACTS}
    sector = (raw.get("sector") or "").strip() or None
    facts = ProjectFacts(
        investment=investment,
        stable_jobs=jobs,
        application_date=applied_on,
        territorial_category=territory,
        sector=sector,
        agreement_signed=flags["agreement_signed"],
        offset_agreement_signed=flags["offset_agreement_signed"],
        future_jobs=flags["future_jobs"],
        sustainable=flags["sustainable"],
        local_integration=flags["local_integration"],
        female_share=decimals["female_share"],
        turnover=decimals["turnover"],
        public_order=decimals["public_order"],
        agreed_rate=decimals["agreed_rate"],
    )
    stored = {
        "investment": {c: str(v) for c, v in investment.items()},
        "stable_jobs": jobs,
        "territorial_category": territory,
        "sector": sector,
        **flags,
        **{name: (None if value is None else str(value)) for name, value in decimals.items()},
    }
    return stored, facts


def application_facts(application: Application) -> ProjectFacts:
    return facts_clean(application.facts, application.applied_on)[1]


def evaluation_to_json(evaluation: Evaluation) -> dict[str, Any]:
    result: dict[str, Any] = rules_to_json(evaluation)
    return result


def _check_status(application: Application, *allowed: str) -> None:
    if application.status not in allowed:
        raise Conflict(WRONG_STATUS % {"status": application.get_status_display()}, code="wrong_status")


def _check_applicant(actor: User, project: InvestmentProject) -> None:
    require(actor, "grant.apply")
    if actor_can(actor, "grant.review"):
        return  # the fund may file on a company's behalf
    if not actor_companies(actor).filter(pk=project.company_id).exists():
        raise PermissionDenied(ANOTHER_COMPANY, code="forbidden:another_company")


@transaction.atomic
def application_create(
    *,
    actor: User,
    project: InvestmentProject,
    scheme: Scheme,
    facts: Mapping[str, Any],
    applied_on: dt.date | None = None,
    is_generated: bool = False,
) -> Application:
    """Open a draft application for one of the actor's company's projects, under the version in force."""
    _check_applicant(actor, project)
    applied_on = applied_on or timezone.localdate()
    version = version_in_force(scheme, applied_on)
    stored, _facts = facts_clean(facts, applied_on)
    return create_numbered(
        Application,
        f"G-{applied_on.year}-",
        project=project,
        company_id=project.company_id,
        version=version,
        applied_on=applied_on,
        facts=stored,
        created_by=actor,
        is_generated=is_generated,
    )


@transaction.atomic
def application_update(*, actor: User, application: Application, facts: Mapping[str, Any]) -> Application:
    """Change a draft's facts."""
    _check_applicant(actor, application.project)
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_status(application, S.DRAFT)
    application.facts, _facts = facts_clean(facts, application.applied_on)
    application.save(update_fields=["facts", "updated_at"])
    return application


def _evaluate(application: Application) -> None:
    evaluation = evaluate(application_facts(application), version_rules(application.version))
    application.evaluation = evaluation_to_json(evaluation)
    application.eligible = evaluation.eligible
    application.computed_grant_mad = evaluation.total_grant


@transaction.atomic
def application_submit(*, actor: User, application: Application) -> Application:
    """Submit a draft: its eligibility and grant are computed at once, with their reasons."""
    _check_applicant(actor, application.project)
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_status(application, S.DRAFT)
    _evaluate(application)
    application.status = S.SUBMITTED
    application.submitted_at = timezone.now()
    application.save()
    return application


@transaction.atomic
def application_review(
    *, actor: User, application: Application, note: str, agreed_rate: Decimal | None = None
) -> Application:
    """Record the fund's review; for a negotiated prime, the rate agreed with the company (re-evaluated)."""
    require(actor, "grant.review")
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_status(application, S.SUBMITTED)
    if not note.strip():
        raise ValidationFailed(REASON_REQUIRED, field="note", code="note_required")
    if agreed_rate is not None:
        application.facts, _facts = facts_clean(
            {**application.facts, "agreed_rate": agreed_rate}, application.applied_on
        )
    _evaluate(application)
    application.review_note = note.strip()
    application.reviewed_by = actor
    application.reviewed_at = timezone.now()
    application.status = S.REVIEWED
    application.save()
    return application


DEFAULT_TRANCHE_SHARES = (Decimal("0.4"), Decimal("0.3"), Decimal("0.3"))


def default_tranches(application: Application) -> list[dict[str, Any]]:
    """40 % once half the investment is proven; 30 % once all of it is and half the jobs are verified;
    30 % once every committed job is verified."""
    facts = application_facts(application)
    invested, jobs = facts.total_investment, facts.stable_jobs
    return [
        {
            "share": "0.4",
            "min_verified_jobs": 0,
            "min_proven_investment": str((invested / 2).quantize(Decimal("0.01"))),
        },
        {"share": "0.3", "min_verified_jobs": jobs // 2, "min_proven_investment": str(invested)},
        {"share": "0.3", "min_verified_jobs": jobs, "min_proven_investment": str(invested)},
    ]


def tranches_of(application: Application) -> list[Tranche]:
    return [
        Tranche(Decimal(t["share"]), int(t["min_verified_jobs"]), Decimal(t["min_proven_investment"]))
        for t in application.tranches
    ]


def _tranches_clean(raw: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    try:
        cleaned = [
            {
                "share": str(Decimal(str(t["share"]))),
                "min_verified_jobs": int(t.get("min_verified_jobs") or 0),
                "min_proven_investment": str(Decimal(str(t.get("min_proven_investment") or 0))),
            }
            for t in raw
        ]
    except (KeyError, TypeError, ValueError, InvalidOperation):
        raise ValidationFailed(TRANCHES_INVALID, field="tranches", code="tranches_invalid") from None
    shares = [Decimal(str(t["share"])) for t in cleaned]
    if not cleaned or any(s <= 0 for s in shares) or sum(shares) != 1:
        raise ValidationFailed(TRANCHES_INVALID, field="tranches", code="tranches_invalid")
    return cleaned


@transaction.atomic
def application_decide(
    *,
    actor: User,
    application: Application,
    approve: bool,
    reason: str = "",
    amount_mad: Decimal | None = None,
    conditions: str = "",
    tranches: Sequence[Mapping[str, Any]] | None = None,
    clawback_tolerance: Decimal = Decimal(0),
) -> Application:
    """Approve (with conditions, committing the envelope) or reject (with reasons); not by the reviewer."""
    require(actor, "grant.decide")
    application = (
        Application.objects.select_for_update(of=("self",))  # not the project, version and sector it joins
        .select_related("project__ecosystem__sector", "version")
        .get(pk=application.pk)
    )
    _check_status(application, S.REVIEWED)
    if application.reviewed_by_id == actor.pk:
        raise PermissionDenied(SAME_PERSON_DECIDES, code="forbidden:four_eyes")
    now = timezone.now()
    if not approve:
        if not reason.strip():
            raise ValidationFailed(REASON_REQUIRED, field="reason", code="reason_required")
        application.status, application.decision_reason = S.REJECTED, reason.strip()
        application.decided_by, application.decided_at = actor, now
        application.save()
        return application
    if not application.eligible:
        raise ValidationFailed(NOT_ELIGIBLE, code="not_eligible")
    cap = application.computed_grant_mad or Decimal(0)
    amount = cap if amount_mad is None else Decimal(amount_mad)
    if amount <= 0:
        raise ValidationFailed(AMOUNT_NOT_POSITIVE, field="amount_mad", code="amount_not_positive")
    if amount > cap:
        raise ValidationFailed(
            ABOVE_CAP % {"amount": _fmt(amount), "cap": _fmt(cap)}, field="amount_mad", code="above_cap"
        )
    if not 0 <= clawback_tolerance <= 1:
        raise ValidationFailed(FACT_SHARE, field="clawback_tolerance", code="tolerance_invalid")
    envelope = envelope_for(application)
    if envelope is None:
        raise Conflict(NO_ENVELOPE, code="no_envelope")
    application.tranches = _tranches_clean(tranches) if tranches else default_tranches(application)
    _commit(envelope, amount)
    application.status, application.envelope, application.granted_mad = S.APPROVED, envelope, amount
    application.conditions, application.decision_reason = conditions.strip(), reason.strip()
    application.clawback_tolerance = clawback_tolerance
    application.decided_by, application.decided_at = actor, now
    application.save()
    return application


@transaction.atomic
def application_sign(*, actor: User, application: Application, signed_on: dt.date) -> Application:
    require(actor, "grant.decide")
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_status(application, S.APPROVED)
    if application.decided_at is not None and signed_on < timezone.localdate(application.decided_at):
        raise ValidationFailed(SIGNED_BEFORE_DECISION, field="signed_on", code="signed_before_decision")
    application.status, application.signed_on = S.SIGNED, signed_on
    application.save()
    return application


# -- realisations: proofs, verified jobs ----------------------------------------------------------------------------


@transaction.atomic
def proof_add(
    *, actor: User, application: Application, category: str, amount_mad: Decimal, description: str, document: Any = None
) -> InvestmentProof:
    _check_applicant(actor, application.project)
    _check_status(application, S.APPROVED, S.SIGNED)
    if category not in CATEGORIES:
        raise ValidationFailed(FACT_CATEGORY % {"category": category}, field="category", code="category_unknown")
    if amount_mad is None or amount_mad <= 0:
        raise ValidationFailed(PROOF_AMOUNT, field="amount_mad", code="amount_invalid")
    if not description.strip():
        raise ValidationFailed(REASON_REQUIRED, field="description", code="description_required")
    return InvestmentProof.objects.create(
        application=application,
        category=category,
        amount_mad=amount_mad,
        description=description.strip(),
        document=document or "",
        added_by=actor,
    )


@transaction.atomic
def proof_verify(*, actor: User, proof: InvestmentProof) -> InvestmentProof:
    require(actor, "grant.review")
    proof = InvestmentProof.objects.select_for_update().get(pk=proof.pk)
    if proof.added_by_id == actor.pk:
        raise PermissionDenied(PROOF_OWN, code="forbidden:four_eyes")
    if proof.verified_at is not None:
        raise Conflict(PROOF_CHECKED, code="proof_checked")
    proof.verified_by, proof.verified_at = actor, timezone.now()
    proof.save(update_fields=["verified_by", "verified_at", "updated_at"])
    return proof


def verified_jobs(application: Application, as_of: dt.date | None = None) -> int:
    """Net jobs the company created since its project's agreement month, verified against the CNSS."""
    from ecosys.analytics.jobs import count_jobs
    from ecosys.investments.jobs import company_series

    project = application.project
    if project.agreement_date is None:
        return 0
    as_of = as_of or timezone.localdate()
    series = company_series([project.company_id], as_of).get(project.company_id, [])
    count = count_jobs(series, baseline_month=project.agreement_date.replace(day=1), as_of=as_of)
    return max(0, count.net_verified or 0)


def tranche_statuses(application: Application, as_of: dt.date | None = None) -> tuple[Any, ...]:
    """Each tranche's amount and whether the verified realisations release it now."""
    if not application.tranches or application.granted_mad is None:
        return ()
    return tranches_due(
        application.granted_mad,
        tranches_of(application),
        verified_jobs=verified_jobs(application, as_of),
        proven_investment=proven_investment(application),
    )


@transaction.atomic
def tranche_release(*, actor: User, application: Application, tranche: int, paid_on: dt.date | None = None) -> Payment:
    """Pay one tranche once the verified realisations meet its condition; the last one closes the grant."""
    require(actor, "grant.pay")
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_status(application, S.SIGNED)
    statuses = tranche_statuses(application)
    if not 0 <= tranche < len(statuses):
        raise ValidationFailed(TRANCHE_UNKNOWN % {"tranche": tranche + 1}, field="tranche", code="tranche_unknown")
    paid = set(application.payments.values_list("tranche", flat=True))
    if tranche in paid:
        raise Conflict(TRANCHE_PAID % {"tranche": tranche + 1}, code="tranche_paid")
    status = statuses[tranche]
    why = [reason_text(r) for r in status.reasons]
    if any(index not in paid for index in range(tranche)):
        why.insert(0, str(EARLIER_TRANCHE % {"tranche": tranche}))
    if why:
        raise Conflict(
            TRANCHE_NOT_DUE % {"tranche": tranche + 1, "why": "; ".join(dict.fromkeys(why))}, code="tranche_not_due"
        )
    if application.envelope is None:  # an approval always sets it; a database edited by hand may not
        raise Conflict(NO_ENVELOPE, code="no_envelope")
    _pay(application.envelope, status.amount)
    payment = Payment.objects.create(
        application=application,
        tranche=tranche,
        amount_mad=status.amount,
        paid_on=paid_on or timezone.localdate(),
        verified_jobs=verified_jobs(application),
        proven_investment_mad=proven_investment(application),
        released_by=actor,
    )
    if len(paid) + 1 == len(statuses):
        application.status, application.closed_at = S.CLOSED, timezone.now()
        application.save(update_fields=["status", "closed_at", "updated_at"])
    return payment


def reason_text(reason: Any) -> str:
    """A tranche's reason in words."""
    params = dict(reason.params)
    if reason.code == "tranche_jobs_not_reached":
        return str(JOBS_SHORT % params)
    if reason.code == "tranche_investment_not_reached":
        return str(INVESTMENT_SHORT % {"required": _fmt(params["required"]), "proven": _fmt(params["proven"])})
    if reason.code == "earlier_tranche_not_releasable":
        return str(EARLIER_TRANCHE % {"tranche": params["tranche"] + 1})
    return reason.code


def clawback_preview(application: Application) -> tuple[ClawbackResult, int, Decimal]:
    """What ``clawback_apply`` would recover now, with the verified jobs and proven investment it reads."""
    facts = application_facts(application)
    jobs, proven = verified_jobs(application), proven_investment(application)
    paid = sum(application.payments.values_list("amount_mad", flat=True), Decimal(0))
    result = clawback(
        application.granted_mad or Decimal(0),
        committed_jobs=facts.stable_jobs,
        verified_jobs=jobs,
        committed_investment=facts.total_investment,
        proven_investment=proven,
        paid=paid,
        rule=ClawbackRule(application.clawback_tolerance),
    )
    return result, jobs, proven


@transaction.atomic
def clawback_apply(*, actor: User, application: Application, reason: str) -> Clawback:
    """Recover what the verified realisations did not earn, by the rule of the agreement; the envelope gets it back."""
    require(actor, "grant.pay")
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_status(application, S.SIGNED, S.CLOSED)
    if not reason.strip():
        raise ValidationFailed(REASON_REQUIRED, field="reason", code="reason_required")
    paid = sum(application.payments.values_list("amount_mad", flat=True), Decimal(0))
    if paid <= 0:
        raise Conflict(NOT_PAID, code="not_paid")
    if application.granted_mad is None or application.envelope is None:
        raise Conflict(NO_ENVELOPE, code="no_envelope")
    result, jobs, proven = clawback_preview(application)
    if result.amount <= 0:
        raise Conflict(NOTHING_TO_RECOVER, code="nothing_to_recover")
    released = application.granted_mad - result.earned
    Envelope.objects.filter(pk=application.envelope.pk).update(
        paid_mad=F("paid_mad") - result.amount, committed_mad=F("committed_mad") - released, updated_at=timezone.now()
    )
    record = Clawback.objects.create(
        application=application,
        amount_mad=result.amount,
        earned_mad=result.earned,
        achievement=result.achievement,
        worst=result.worst or "",
        verified_jobs=jobs,
        proven_investment_mad=proven,
        reason=reason.strip(),
        decided_by=actor,
    )
    application.status, application.recovered_mad = S.CLAWED_BACK, result.amount
    application.closed_at = application.closed_at or timezone.now()
    application.save(update_fields=["status", "recovered_mad", "closed_at", "updated_at"])
    return record
