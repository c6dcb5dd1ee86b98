"""Generated FDII grant applications for the IMM demo projects, calibrated on the published 2018 figure.

Everything here is **generated** (seeded, deterministic) and flagged ``is_generated``; it runs after
the investments demo (``ecosys.investments.demo``) and reads its projects. The one published figure:
at the end of 2018 the FDII had committed 277 MMAD to the IMM ecosystems (ecoactu.ma), out of the
630 MMAD the performance contract promises (the programme's envelope).

Every application goes through the services, so every rule of the domain holds: an officer files it
on the company's behalf (files reached the fund through the federation), it is evaluated on
submission, reviewed by one fund officer with the rate agreed in the investment agreement (the FDII
prime is negotiated, at most 30 %), decided by another, and signed. Only the timestamps are moved
afterwards to the dates they stand for, with ``QuerySet.update`` (the services stamp "now").

How 277 MMAD is reached without forcing any figure: projects with a signed investment agreement
that pass a "locomotive" threshold (investment above 50 MMAD or at least 200 stable jobs) are taken
in a seeded order, each with a drawn rate, until their planned grants reach the published sum; the
rates are then scaled by one common factor and rounded to half a point, raised by half a point where
the sum falls short, and the excess left by the rounding is taken off the largest grant, decided
below what its rate gives (never above: the decision refuses it). Other files make the picture
real: two rejections of small projects (eligible only through the uncertain "structuring" route),
late applications in 2019 at every stage, and tranches paid where proven investment and jobs
verified against the CNSS allow them at the date of payment.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from ecosys.accounts.models import Organisation, User
from ecosys.accounts.services import membership_create, organisation_create
from ecosys.analytics.incentives import evaluate
from ecosys.core.roles import Role
from ecosys.incentives import services
from ecosys.incentives.models import Application, Envelope, InvestmentProof, Payment, Scheme
from ecosys.incentives.selectors import version_rules
from ecosys.investments import lifecycle
from ecosys.investments.models import InvestmentProject
from ecosys.programmes.models import Ecosystem

SEED = 20181231  # the date of the published figure
SCHEME = "fdii_2015"
PUBLISHED_END_2018 = Decimal(277_000_000)  # FDII committed to the IMM ecosystems at the end of 2018 (ecoactu.ma)
END_2018 = date(2018, 12, 31)
LAST_AGREEMENT = date(2018, 9, 1)  # decided at most 95 days after its agreement: by the end of 2018
RATE_STEP, RATE_MAX = Decimal("0.005"), Decimal("0.30")
WEIGHTS = (0.05, 0.12)  # the range the agreed rates are drawn in, before the common scaling
LOCOMOTIVE_INVESTMENT, LOCOMOTIVE_JOBS = Decimal(50_000_000), 200
TOLERANCE = Decimal("0.10")
THOUSAND = Decimal(1000)
S = Application.Status
# Files of 2019, after the published figure: late applicants, at each stage of the procedure.
LATE = (S.SIGNED, S.APPROVED, S.REVIEWED, S.SUBMITTED, S.SUBMITTED, S.DRAFT, S.DRAFT, S.DRAFT)
# When each kind of late file was opened: its first month of 2019 and how many days it may fall after it.
LATE_START = {S.SIGNED: (1, 30), S.APPROVED: (3, 30), S.REVIEWED: (6, 45), S.SUBMITTED: (9, 45), S.DRAFT: (11, 40)}
OFFICERS = ("demo-fdii-1", "demo-fdii-2", "demo-fdii-3")


@dataclass
class _File:
    """One planned application: its project, declared facts, outcome, dates and people."""

    project: InvestmentProject
    investment: dict[str, Decimal]
    jobs: int
    outcome: str
    applied_on: date
    agreement_known: bool  # the investment agreement was already signed when the file was opened
    reviewer: User
    decider: User
    submitted: date | None = None
    reviewed: date | None = None
    decided: date | None = None
    signed: date | None = None
    weight: Decimal = Decimal(0)
    base: Decimal = Decimal(0)
    rate: Decimal | None = None
    computed: Decimal = Decimal(0)
    amount: Decimal | None = None  # decided below the computed grant
    application: Application | None = field(default=None, repr=False)

    def facts(self, *, agreement_signed: bool) -> dict[str, Any]:
        return {
            "investment": {c: str(v) for c, v in self.investment.items()},
            "stable_jobs": self.jobs,
            "agreement_signed": agreement_signed,
        }


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_current_timezone())


def _days(rng: random.Random, day: date, low: int, high: int) -> date:
    return day + timedelta(days=rng.randint(low, high))


def _mad(amount: Decimal) -> str:
    return f"{amount:,.0f}".replace(",", " ")


def _percent(rate: Decimal) -> str:
    return f"{rate * 100:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def _split_investment(total: Decimal, rng: random.Random) -> dict[str, Decimal]:
    """Split a project's investment across expense categories (to the thousand MAD, adding up exactly)."""
    shares = {
        "land": rng.uniform(0.04, 0.12),
        "buildings": rng.uniform(0.15, 0.30),
        "technical_assistance": rng.uniform(0.01, 0.04),
        "other": rng.uniform(0.0, 0.05),
    }
    parts = {
        c: (total * Decimal(f"{s:.4f}") / THOUSAND).quantize(Decimal(1), rounding=ROUND_DOWN) * THOUSAND
        for c, s in shares.items()
    }
    parts["equipment"] = total - sum(parts.values(), Decimal(0))
    return {c: parts[c] for c in services.CATEGORIES if parts.get(c)}


def _officers() -> list[User]:
    """The fund's generated officers (no usable password), members of the FDII organisation."""
    fund = Organisation.objects.filter(kind=Organisation.Kind.FUND, acronym="FDII").order_by("pk").first()
    if fund is None:  # the IMM programme file brings the FDII; a programme without it gets a generated one
        fund = organisation_create(
            actor=None,
            kind=Organisation.Kind.FUND,
            name="Fonds de développement industriel et des investissements (démo)",
            acronym="FDII",
        )
        Organisation.objects.filter(pk=fund.pk).update(is_generated=True)
    officers = []
    for number, username in enumerate(OFFICERS, start=1):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username, password=None, first_name=f"Agent FDII {number}", last_name="(démo)"
            )
        membership_create(actor=None, user=user, organisation=fund, role=Role.FUND_OFFICER)
        officers.append(user)
    return officers


def _evaluate(file: _File, scheme: Scheme, rate: Decimal | None) -> Any:
    """The evaluation the review will compute, with the same facts, version and function."""
    version = services.version_in_force(scheme, file.applied_on)
    raw = {**file.facts(agreement_signed=True), "agreed_rate": rate}
    return evaluate(services.facts_clean(raw, file.applied_on)[1], version_rules(version))


def _rates(files: list[_File], scheme: Scheme, scale: Decimal) -> None:
    """Agree each file's drawn rate times ``scale``, to half a point (at least half a point, at most 30 %)."""
    for file in files:
        steps = (file.weight * scale / RATE_STEP).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        file.rate = min(RATE_MAX, max(RATE_STEP, steps * RATE_STEP))
        file.computed = _evaluate(file, scheme, file.rate).total_grant


def _calibrate(files: list[_File], scheme: Scheme) -> Decimal:
    """Agree rates so the grants decided add up to the published sum exactly (module docstring); return the scale."""
    scale = PUBLISHED_END_2018 / sum((f.base * f.weight for f in files), Decimal(0))
    _rates(files, scheme, scale)
    while sum(f.computed for f in files) < PUBLISHED_END_2018:
        room = [f for f in files if f.rate is not None and f.rate + RATE_STEP <= RATE_MAX]
        if not room:
            raise RuntimeError("The demo projects cannot carry the published FDII commitment at 30 %.")
        file = max(room, key=lambda f: f.base)
        file.rate = (file.rate or Decimal(0)) + RATE_STEP
        file.computed = _evaluate(file, scheme, file.rate).total_grant
    excess = sum(f.computed for f in files) - PUBLISHED_END_2018
    if excess:
        largest = max(files, key=lambda f: f.computed)
        largest.amount = largest.computed - excess
        if largest.amount <= 0:
            raise RuntimeError("The rounding of the agreed rates left more than the largest grant.")
    return scale


def _plan(rng: random.Random, officers: list[User], scheme: Scheme) -> list[_File]:
    signed = InvestmentProject.objects.filter(
        is_generated=True,
        status__in=lifecycle.COMMITTED,
        agreement_date__gte=date(2015, 1, 1),
        agreement_date__lte=END_2018,
    )
    # Stable jobs committed: the plan's highest year (the headcount added since the start).
    jobs = dict(signed.annotate(peak=Max("plan__jobs")).values_list("pk", "peak"))
    projects = list(signed.select_related("company", "ecosystem").order_by("code"))
    rng.shuffle(projects)

    def locomotive(project: InvestmentProject) -> bool:
        return project.investment_mad > LOCOMOTIVE_INVESTMENT or (jobs[project.pk] or 0) >= LOCOMOTIVE_JOBS

    pool = [p for p in projects if locomotive(p)]
    small = [p for p in projects if not locomotive(p)]
    files: list[_File] = []

    def new(project: InvestmentProject, outcome: str, applied_on: date, *, known: bool) -> _File:
        reviewer = rng.choice(officers)
        decider = rng.choice([o for o in officers if o != reviewer])
        investment = _split_investment(project.investment_mad, rng)
        file = _File(project, investment, int(jobs[project.pk] or 0), outcome, applied_on, known, reviewer, decider)
        files.append(file)
        return file

    def around_agreement(file: _File) -> None:
        """Submitted once the investment agreement is signed, decided a few weeks later."""
        agreement = file.project.agreement_date or file.applied_on
        file.submitted = _days(rng, agreement, 3, 20)
        file.reviewed = _days(rng, file.submitted, 15, 45)
        file.decided = _days(rng, file.reviewed, 10, 30)
        file.signed = _days(rng, file.decided, 7, 30) if file.outcome == S.SIGNED else None

    # Grants of 2016-2018: until the planned grants reach the published commitment; an agreement signed
    # late in 2018 would be decided in 2019, so those projects wait for the late applicants.
    early = [p for p in pool if p.agreement_date and p.agreement_date <= LAST_AGREEMENT]
    granted: list[_File] = []
    planned = Decimal(0)
    while early and planned < PUBLISHED_END_2018:
        project = early.pop(0)
        pool.remove(project)
        agreement = project.agreement_date or LAST_AGREEMENT
        file = new(project, S.SIGNED, _days(rng, agreement, -120, -40), known=False)
        file.weight = Decimal(f"{rng.uniform(*WEIGHTS):.4f}")
        file.base = _evaluate(file, scheme, None).eligible_investment
        planned += file.base * file.weight
        around_agreement(file)
        granted.append(file)
    scale = _calibrate(granted, scheme)

    # Two rejections: small projects, eligible only through the uncertain "structuring" route.
    for project in small[:2]:
        agreement = project.agreement_date or END_2018
        around_agreement(new(project, S.REJECTED, _days(rng, agreement, -120, -40), known=False))

    # 2019: late applicants, whose investment agreement was already signed; rates agreed as above.
    late: list[_File] = []
    for project, outcome in zip(pool, LATE, strict=False):
        month, spread = LATE_START[outcome]
        file = new(project, outcome, _days(rng, date(2019, month, 1), 0, spread), known=True)
        if outcome != S.DRAFT:
            file.submitted = _days(rng, file.applied_on, 5, 20)
        if outcome in (S.REVIEWED, S.APPROVED, S.SIGNED):
            file.reviewed = _days(rng, file.submitted or file.applied_on, 20, 40)
            file.weight = Decimal(f"{rng.uniform(*WEIGHTS):.4f}")
            late.append(file)
        if outcome in (S.APPROVED, S.SIGNED):
            file.decided = _days(rng, file.reviewed or file.applied_on, 10, 30)
        if outcome == S.SIGNED:
            file.signed = _days(rng, file.decided or file.applied_on, 7, 30)
    _rates(late, scheme, scale)
    return sorted(files, key=lambda f: (f.applied_on, f.project.code))


def _run(file: _File, scheme: Scheme) -> Application:
    """Take one file through the services as far as its outcome, then date each step."""
    officer = file.reviewer  # the officer in charge files it on the company's behalf
    application = services.application_create(
        actor=officer,
        project=file.project,
        scheme=scheme,
        facts=file.facts(agreement_signed=file.agreement_known),
        applied_on=file.applied_on,
        is_generated=True,
    )
    stamps: dict[str, Any] = {"created_at": _at(file.applied_on, 9), "updated_at": _at(file.applied_on, 9)}
    if file.outcome != S.DRAFT:
        if not file.agreement_known:
            application = services.application_update(
                actor=officer, application=application, facts=file.facts(agreement_signed=True)
            )
        application = services.application_submit(actor=officer, application=application)
        stamps["submitted_at"] = stamps["updated_at"] = _at(file.submitted or file.applied_on, 11)
    if file.outcome not in (S.DRAFT, S.SUBMITTED):
        agreement = file.project.agreement_date
        note = (
            f"Dossier complet, reçu par la FIMME. Convention d'investissement signée le {agreement:%d/%m/%Y}"
            if agreement
            else "Dossier complet, reçu par la FIMME"
        )
        if file.rate is not None:
            note += f" ; taux de l'appui convenu : {_percent(file.rate)} % de l'investissement éligible."
        else:
            note += " ; projet sous les seuils des projets locomotives, à apprécier comme structurant par le comité."
        application = services.application_review(
            actor=file.reviewer, application=application, note=note, agreed_rate=file.rate
        )
        if file.rate is not None and application.computed_grant_mad != file.computed:
            raise RuntimeError(f"{application.reference}: the review computed another grant than planned.")
        stamps["reviewed_at"] = stamps["updated_at"] = _at(file.reviewed or file.applied_on, 14)
    if file.outcome == S.REJECTED:
        investment = file.project.investment_mad / 1_000_000
        reason = (
            f"Projet ni locomotive (investissement de {investment:.0f} MMAD, au plus 50 MMAD ; "
            f"{file.jobs} emplois stables, moins de 200), ni retenu comme structurant par le comité."
        )
        application = services.application_decide(
            actor=file.decider, application=application, approve=False, reason=reason
        )
    elif file.outcome in (S.APPROVED, S.SIGNED):
        reason = f"Appui de {_percent(file.rate or Decimal(0))} % de l'investissement éligible, selon la convention."
        if file.amount is not None:
            reason += (
                f" Montant arrêté par le comité à {_mad(file.amount)} MAD, "
                f"en deçà du calcul au taux convenu ({_mad(file.computed)} MAD)."
            )
        conditions = (
            f"Réaliser l'investissement de {_mad(file.project.investment_mad)} MAD et créer {file.jobs} "
            "emplois stables, vérifiés sur les déclarations à la CNSS ; versement en trois tranches."
        )
        application = services.application_decide(
            actor=file.decider,
            application=application,
            approve=True,
            reason=reason,
            amount_mad=file.amount,
            conditions=conditions,
            clawback_tolerance=TOLERANCE,
        )
    if file.decided is not None:
        stamps["decided_at"] = stamps["updated_at"] = _at(file.decided, 16)
        # Dated before signing: the agreement cannot be signed before the decision.
        Application.objects.filter(pk=application.pk).update(decided_at=stamps["decided_at"])
        application.refresh_from_db()
    if file.outcome == S.SIGNED and file.signed is not None:
        application = services.application_sign(actor=file.decider, application=application, signed_on=file.signed)
        stamps["updated_at"] = _at(file.signed, 12)
    Application.objects.filter(pk=application.pk).update(**stamps)
    return application


def _prove(
    file: _File, application: Application, parts: dict[str, Decimal], day: date, lot: int, rng: random.Random
) -> None:
    """Add the documents of one lot of the investment (filed by one officer, checked by another)."""
    checked = _days(rng, day, 10, 30)
    for category, amount in parts.items():
        if amount <= 0:
            continue
        proof = services.proof_add(
            actor=file.reviewer,
            application=application,
            category=category,
            amount_mad=amount,
            description=f"Factures et pièces, lot {lot} ({category}) — démo",
        )
        services.proof_verify(actor=file.decider, proof=proof)
        InvestmentProof.objects.filter(pk=proof.pk).update(
            created_at=_at(day, 10), verified_at=_at(checked, 15), updated_at=_at(checked, 15)
        )


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _release(file: _File, application: Application, tranche: int, earliest: date) -> Payment | None:
    """Pay a tranche on the first month-end from ``earliest`` (to 2019) when the realisations allowed it then."""
    day = earliest
    while day <= date(2019, 12, 31):
        statuses = services.tranche_statuses(application, as_of=day)
        if statuses[tranche].releasable:
            payment = services.tranche_release(
                actor=file.decider, application=application, tranche=tranche, paid_on=day
            )
            Payment.objects.filter(pk=payment.pk).update(
                verified_jobs=services.verified_jobs(application, day),
                created_at=_at(day, 12),
                updated_at=_at(day, 12),
            )
            return payment
        day = _month_end(day + timedelta(days=1))
    return None


def _pay(files: list[_File], rng: random.Random) -> int:
    """Pay the first tranche of the three earliest signed grants, the second of two of them, when due."""
    paid = 0
    signed = sorted(
        (f for f in files if f.outcome == S.SIGNED and f.signed is not None and f.signed <= END_2018),
        key=lambda f: (f.signed, f.project.code),
    )
    for index, file in enumerate(signed[:3]):
        application = file.application
        if application is None or file.signed is None:
            continue
        # Lot 1: land, buildings and enough equipment for just over half the investment (the first tranche).
        target = file.project.investment_mad / 2 + THOUSAND * 100
        lot1 = {c: file.investment.get(c, Decimal(0)) for c in ("land", "buildings")}
        room = max(Decimal(0), target - sum(lot1.values(), Decimal(0)))
        lot1["equipment"] = min(file.investment.get("equipment", Decimal(0)), room)
        filed = _days(rng, file.signed, 90, 180)
        _prove(file, application, lot1, filed, 1, rng)
        if _release(file, application, 0, _days(rng, filed, 45, 60)) is None:
            continue
        paid += 1
        if index == 2:
            continue
        lot2 = {c: v - lot1.get(c, Decimal(0)) for c, v in file.investment.items()}
        agreement = file.project.agreement_date or file.signed
        filed = max(_days(rng, filed, 150, 240), agreement + timedelta(days=300))
        _prove(file, application, lot2, filed, 2, rng)
        if _release(file, application, 1, _days(rng, filed, 45, 60)) is not None:
            paid += 1
    return paid


def demo_is_loaded() -> bool:
    return Application.objects.filter(is_generated=True).exists()


@transaction.atomic
def demo_generate() -> dict[str, int]:
    """Generate the FDII applications of the IMM demo projects; do nothing if they exist or no project does."""
    if demo_is_loaded() or not InvestmentProject.objects.filter(is_generated=True).exists():
        return {}
    ecosystem = Ecosystem.objects.filter(code="IMM-VAL").select_related("sector__programme").first()
    scheme = Scheme.objects.filter(key=SCHEME).first()
    if ecosystem is None or scheme is None:
        return {}
    programme = ecosystem.sector.programme
    services.envelopes_from_commitments(programme)
    envelope = Envelope.objects.filter(programme=programme, ecosystem=None, scheme=None).first()
    if envelope is None:
        return {}
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not secrets
    officers = _officers()
    files = _plan(rng, officers, scheme)
    for file in files:
        file.application = _run(file, scheme)
    paid = _pay(files, rng)

    generated = Application.objects.filter(is_generated=True)
    by_end_2018 = generated.filter(granted_mad__isnull=False, decided_at__lte=_at(END_2018, 23)).aggregate(
        s=Sum("granted_mad")
    )["s"]
    if by_end_2018 != PUBLISHED_END_2018:
        raise RuntimeError(f"The demo grants decided by the end of 2018 add up to {by_end_2018}, not 277 MMAD.")
    envelope.refresh_from_db()
    counts = {status: generated.filter(status=status).count() for status in S.values}
    return {
        "applications": generated.count(),
        **{status: n for status, n in counts.items() if n},
        "granted_by_end_2018_mad": int(by_end_2018),
        "committed_mad": int(envelope.committed_mad),
        "paid_tranches": paid,
        "paid_mad": int(envelope.paid_mad),
    }


__all__ = ["demo_generate", "demo_is_loaded"]
