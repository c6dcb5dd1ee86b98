"""API of the grants: schemes and their versions, envelopes, applications from draft to clawback, the simulator.

Every endpoint reads through ``selectors`` (a company user sees only its company's applications;
another company's is not found) and writes through ``services``, as the pages do, so both refuse
the same things with the same codes. Tranches are numbered from 1 here, as on the pages and in the
decision letter.
"""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ecosys.accounts.models import User
from ecosys.core.errors import NotFound, ValidationFailed
from ecosys.core.http import actor_of, file_response
from ecosys.incentives import selectors, services
from ecosys.incentives.letters import decision_letter_pdf
from ecosys.incentives.models import Application, InvestmentProof, Scheme, SchemeVersion
from ecosys.incentives.schemas import (
    ApplicationDetailOut,
    ApplicationIn,
    ApplicationOut,
    ApplicationPatch,
    ClawbackIn,
    ClawbackOut,
    DecisionIn,
    EnvelopeIn,
    EnvelopeOut,
    PaymentOut,
    ProofIn,
    ProofOut,
    ReleaseIn,
    ReviewIn,
    SchemeOut,
    SignatureIn,
    SimulationIn,
    SimulationOut,
    VersionCloseIn,
    VersionIn,
    VersionOut,
    reason_body,
)
from ecosys.incentives.simulation import SimulationResult, simulation_run
from ecosys.investments.selectors import project_get
from ecosys.programmes.selectors import ecosystem_get, programme_get

router = Router(tags=["grants"])
PAGE = {"max_limit": 1000}

VERSION_NOT_FOUND = _("This scheme has no version %(number)s.")
PROOF_NOT_FOUND = _("This application has no such document.")
STATUS_UNKNOWN = _("Unknown status: %(status)s.")


def _detail(actor: User, reference: str) -> Application:
    return selectors.application_get(actor=actor, reference=reference)


def _version(scheme: Scheme, number: int | None) -> SchemeVersion:
    """Version ``number`` of the scheme; without a number, the version in force today, else the latest."""
    versions = list(scheme.versions.all())  # prefetched by the selector, newest first
    chosen: SchemeVersion | None
    if number is None:
        today = timezone.localdate()
        in_force = [v for v in versions if v.valid_from <= today and (v.valid_to is None or today <= v.valid_to)]
        chosen = next(iter(in_force or versions), None)
    else:
        chosen = next((v for v in versions if v.number == number), None)
    if chosen is None:
        raise NotFound(VERSION_NOT_FOUND % {"number": number if number is not None else ""})
    return chosen


# --------------------------------------------------------------------------------------------------
# Schemes and their versions
# --------------------------------------------------------------------------------------------------


@router.get("/grants/schemes", response=list[SchemeOut])
def scheme_list(request: HttpRequest) -> list[Scheme]:
    """Every support scheme with its versions (newest first), their rules and the figures marked uncertain."""
    return list(selectors.scheme_list(actor=actor_of(request)))


@router.get("/grants/schemes/{key}", response=SchemeOut)
def scheme_get(request: HttpRequest, key: str) -> Scheme:
    return selectors.scheme_get(actor=actor_of(request), key=key)


@router.post("/grants/schemes/{key}/versions", response={201: VersionOut})
def version_add(request: HttpRequest, key: str, payload: VersionIn) -> Any:
    """Add a version of the scheme ``key`` (creating the scheme with its first version); validity must not overlap."""
    version = services.version_add(actor=actor_of(request), key=key, rules=payload.rules, note=payload.note)
    return Status(201, version)


@router.post("/grants/schemes/{key}/versions/{number}/close", response=VersionOut)
def version_close(request: HttpRequest, key: str, number: int, payload: VersionCloseIn) -> SchemeVersion:
    """End a version on ``valid_to`` so that a new one may follow; applications made under it stay valid."""
    actor = actor_of(request)
    version = _version(selectors.scheme_get(actor=actor, key=key), number)
    return services.version_close(actor=actor, version=version, valid_to=payload.valid_to)


# --------------------------------------------------------------------------------------------------
# Envelopes
# --------------------------------------------------------------------------------------------------


@router.get("/grants/envelopes", response=list[EnvelopeOut])
def envelope_list(request: HttpRequest) -> Any:
    return list(selectors.envelope_list(actor=actor_of(request)))


@router.get("/grants/envelopes/{pk}", response=EnvelopeOut)
def envelope_get(request: HttpRequest, pk: int) -> Any:
    return selectors.envelope_get(actor=actor_of(request), pk=pk)


@router.post("/grants/envelopes", response={201: EnvelopeOut})
def envelope_add(request: HttpRequest, payload: EnvelopeIn) -> Any:
    """Open the envelope of a programme, optionally for one ecosystem and one scheme."""
    actor = actor_of(request)
    programme = programme_get(actor=actor, code=payload.programme)
    scheme = selectors.scheme_get(actor=actor, key=payload.scheme) if payload.scheme else None
    ecosystem = ecosystem_get(actor=actor, code=payload.ecosystem) if payload.ecosystem else None
    envelope = services.envelope_create(
        actor=actor,
        programme=programme,
        name=payload.name,
        amount_mad=payload.amount_mad,
        scheme=scheme,
        ecosystem=ecosystem,
    )
    return Status(201, selectors.envelope_get(actor=actor, pk=envelope.pk))


# --------------------------------------------------------------------------------------------------
# Applications
# --------------------------------------------------------------------------------------------------


@router.get("/grants/applications", response=list[ApplicationOut])
@paginate(LimitOffsetPagination, **PAGE)
def application_list(request: HttpRequest, status: str = "", scheme: str = "", project: str = "") -> Any:
    """The applications the person may see (a company user: its company's), newest first."""
    applications = selectors.application_list(actor=actor_of(request))
    if status:
        if status not in Application.Status.values:
            raise ValidationFailed(STATUS_UNKNOWN % {"status": status}, field="status", code="status_unknown")
        applications = applications.filter(status=status)
    if scheme:
        applications = applications.filter(version__scheme__key=scheme)
    if project:
        applications = applications.filter(project__code=project)
    return applications


@router.post("/grants/applications", response={201: ApplicationDetailOut})
def application_add(request: HttpRequest, payload: ApplicationIn) -> Any:
    """Open a draft for one of the company's projects, under the version of the scheme in force on ``applied_on``."""
    actor = actor_of(request)
    project = project_get(actor=actor, code=payload.project)
    scheme = selectors.scheme_get(actor=actor, key=payload.scheme)
    application = services.application_create(
        actor=actor, project=project, scheme=scheme, facts=payload.facts.dict(), applied_on=payload.applied_on
    )
    return Status(201, _detail(actor, application.reference))


@router.get("/grants/applications/{reference}", response=ApplicationDetailOut)
def application_get(request: HttpRequest, reference: str) -> Application:
    """An application with its evaluation (primes, caps, reasons), tranches, payments, documents and clawback."""
    return _detail(actor_of(request), reference)


@router.patch("/grants/applications/{reference}", response=ApplicationDetailOut)
def application_edit(request: HttpRequest, reference: str, payload: ApplicationPatch) -> Application:
    """Change the facts of a draft."""
    actor = actor_of(request)
    services.application_update(actor=actor, application=_detail(actor, reference), facts=payload.facts.dict())
    return _detail(actor, reference)


@router.post("/grants/applications/{reference}/submit", response=ApplicationDetailOut)
def application_submit(request: HttpRequest, reference: str) -> Application:
    """Submit a draft: eligibility and grant are computed at once."""
    actor = actor_of(request)
    services.application_submit(actor=actor, application=_detail(actor, reference))
    return _detail(actor, reference)


@router.post("/grants/applications/{reference}/review", response=ApplicationDetailOut)
def application_review(request: HttpRequest, reference: str, payload: ReviewIn) -> Application:
    actor = actor_of(request)
    application = _detail(actor, reference)
    services.application_review(
        actor=actor, application=application, note=payload.note, agreed_rate=payload.agreed_rate
    )
    return _detail(actor, reference)


@router.post("/grants/applications/{reference}/decision", response=ApplicationDetailOut)
def application_decide(request: HttpRequest, reference: str, payload: DecisionIn) -> Application:
    """Approve (within the grant computed, committing the envelope) or reject with reasons; never by the reviewer."""
    actor = actor_of(request)
    services.application_decide(
        actor=actor,
        application=_detail(actor, reference),
        approve=payload.approve,
        reason=payload.reason,
        amount_mad=payload.amount_mad,
        conditions=payload.conditions,
        tranches=[t.dict() for t in payload.tranches] if payload.tranches else None,
        clawback_tolerance=payload.clawback_tolerance,
    )
    return _detail(actor, reference)


@router.post("/grants/applications/{reference}/signature", response=ApplicationDetailOut)
def application_sign(request: HttpRequest, reference: str, payload: SignatureIn) -> Application:
    actor = actor_of(request)
    services.application_sign(actor=actor, application=_detail(actor, reference), signed_on=payload.signed_on)
    return _detail(actor, reference)


@router.get("/grants/applications/{reference}/letter.pdf")
def application_letter(request: HttpRequest, reference: str, lang: Literal["fr", "en", "ar"] | None = None) -> Any:
    """The decision letter (approval or rejection) as PDF, in French (default), English or Arabic."""
    actor = actor_of(request)
    application = _detail(actor, reference)
    language = lang or (getattr(actor, "preferred_language", "") or "fr")[:2]
    pdf = decision_letter_pdf(application, language)
    return file_response(pdf, filename=f"ecosys-{reference}-{language}.pdf", content_type="application/pdf")


# --------------------------------------------------------------------------------------------------
# Realisations and money: documents, tranches, clawback
# --------------------------------------------------------------------------------------------------


@router.post("/grants/applications/{reference}/proofs", response={201: ProofOut})
def proof_add(request: HttpRequest, reference: str, payload: ProofIn) -> Any:
    """Declare a document proving part of the investment (the file itself is sent through the page)."""
    actor = actor_of(request)
    proof = services.proof_add(
        actor=actor,
        application=_detail(actor, reference),
        category=payload.category,
        amount_mad=payload.amount_mad,
        description=payload.description,
    )
    return Status(201, proof)


@router.post("/grants/applications/{reference}/proofs/{pk}/verify", response=ProofOut)
def proof_verify(request: HttpRequest, reference: str, pk: int) -> InvestmentProof:
    """The fund checks a document (not the person who added it); only checked documents count."""
    actor = actor_of(request)
    proof = next((p for p in _detail(actor, reference).proofs.all() if p.pk == pk), None)
    if proof is None:
        raise NotFound(PROOF_NOT_FOUND)
    return services.proof_verify(actor=actor, proof=proof)


@router.post("/grants/applications/{reference}/tranches/{number}/release", response={201: PaymentOut})
def tranche_release(request: HttpRequest, reference: str, number: int, payload: ReleaseIn) -> Any:
    """Pay tranche ``number`` (from 1) once the verified realisations meet its condition."""
    actor = actor_of(request)
    payment = services.tranche_release(
        actor=actor, application=_detail(actor, reference), tranche=number - 1, paid_on=payload.paid_on
    )
    return Status(201, payment)


@router.post("/grants/applications/{reference}/clawback", response={201: ClawbackOut})
def clawback_apply(request: HttpRequest, reference: str, payload: ClawbackIn) -> Any:
    """Recover what the verified realisations did not earn, by the rule of the agreement."""
    actor = actor_of(request)
    return Status(
        201, services.clawback_apply(actor=actor, application=_detail(actor, reference), reason=payload.reason)
    )


# --------------------------------------------------------------------------------------------------
# The what-if simulator
# --------------------------------------------------------------------------------------------------


def _simulation(actor: User, query: SimulationIn) -> dict[str, Any]:
    programme = programme_get(actor=actor, code=query.programme)
    version = _version(selectors.scheme_get(actor=actor, key=query.scheme), query.version)
    result = simulation_run(
        actor=actor, programme=programme, version=version, rules=query.rules, envelope_amount=query.envelope_amount
    )
    return simulation_body(result, programme.code)


def simulation_body(result: SimulationResult, programme: str) -> dict[str, Any]:
    """Lay out a simulation as the API answers it."""
    sim = result.simulation
    projects = []
    for p in sim.projects:
        project = result.projects.get(p.key)
        projects.append(
            {
                "project": p.key,
                "name": project.name if project is not None else "",
                "company": project.company.name if project is not None else "",
                "year": p.year,
                "stable_jobs": p.stable_jobs,
                "eligible": p.evaluation.eligible,
                "investment": p.evaluation.investment,
                "eligible_investment": p.evaluation.eligible_investment,
                "grant": p.evaluation.total_grant,
                "funded": p.funded,
                "reasons": [reason_body(r) for r in p.evaluation.reasons],
            }
        )
    return {
        "programme": programme,
        "scheme": result.version.scheme.key,
        "version": result.version.number,
        "modified": result.modified,
        "envelope": sim.envelope,
        "total_grant": sim.total_grant,
        "funded_grant": sim.funded_grant,
        "stable_jobs": sim.stable_jobs,
        "grant_per_job": sim.grant_per_job,
        "years": [asdict(year) for year in sim.years],
        "projects": projects,
    }


@router.get("/grants/simulation", response=SimulationOut)
def simulation_get(
    request: HttpRequest,
    programme: str,
    scheme: str,
    version: int | None = None,
    envelope_amount: Decimal | None = None,
) -> dict[str, Any]:
    """Apply a scheme version to the programme's pipeline (the envelope: ``envelope_amount``, else what is left)."""
    query = SimulationIn(programme=programme, scheme=scheme, version=version, envelope_amount=envelope_amount)
    return _simulation(actor_of(request), query)


@router.post("/grants/simulation", response=SimulationOut)
def simulation_post(request: HttpRequest, payload: SimulationIn) -> dict[str, Any]:
    """As the GET, and with ``rules``: a modified copy of the version's rules, checked as a new version would be."""
    return _simulation(actor_of(request), payload)
