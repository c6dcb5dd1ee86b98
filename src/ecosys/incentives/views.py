"""Grant pages: applications from draft to clawback, schemes and their versions, envelopes, the simulator.

Each view reads through the selectors (which scope what the actor sees) and writes through the
services (which check permissions and rules); a refused POST becomes a message on the page it came
from (``domain_errors``), a refused form is shown again with the reason beside the field.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from mimetypes import guess_type
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ecosys.analytics.incentive_schemes import IncentiveError
from ecosys.analytics.incentives import evaluate
from ecosys.core.audit import AuditEntry, history_entries
from ecosys.core.errors import Conflict, NotFound, ValidationFailed
from ecosys.core.http import actor_of, file_response
from ecosys.core.numbers import to_decimal
from ecosys.core.permissions import actor_can, require
from ecosys.core.spreadsheets import XLSX
from ecosys.incentives import charts, explain, selectors, services
from ecosys.incentives.exports import applications_xlsx, envelopes_xlsx, simulation_xlsx
from ecosys.incentives.forms import ApplicationForm, SimulatorForm, VersionForm, add_domain_error, rules_yaml
from ecosys.incentives.models import Application, Scheme, SchemeVersion
from ecosys.incentives.simulation import simulation_run
from ecosys.investments import selectors as investment_selectors
from ecosys.programmes import selectors as programme_selectors
from ecosys.programmes.models import Ecosystem
from ecosys.web.views import domain_errors

S = Application.Status
PER_PAGE = 50
LETTER_LANGUAGES = (("fr", "Français"), ("en", "English"), ("ar", "العربية"))
DECIDED = {S.APPROVED, S.REJECTED, S.SIGNED, S.CLOSED, S.CLAWED_BACK}

BAD_DATE = gettext_lazy("Enter a date as YYYY-MM-DD.")
CHOOSE = gettext_lazy("Choose one from the list.")
NOT_DECIDED = gettext_lazy("This application is not decided yet: there is no decision letter.")
NO_DOCUMENT = gettext_lazy("No file was attached to this document.")
PROOF_NOT_FOUND = gettext_lazy("No such document.")
PAY_FIRST = gettext_lazy("Tranche %(tranche)s must be paid first.")


def _date(raw: str, field: str, default: date | None = None) -> date:
    raw = raw.strip()
    if not raw and default is not None:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(BAD_DATE, field=field, code="bad_date") from None


def _decimal(raw: str, field: str) -> Decimal | None:
    return to_decimal(raw, field=field) if raw.strip() else None


def _back(application: Application) -> HttpResponse:
    return redirect("incentives:application", reference=application.reference)


# -- applications ---------------------------------------------------------------------------------------------------


@login_required
@domain_errors
def application_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    applications = selectors.application_list(actor=actor)
    filters = {name: request.GET.get(name, "").strip() for name in ("status", "scheme")}
    if filters["status"]:
        applications = applications.filter(status=filters["status"])
    if filters["scheme"]:
        applications = applications.filter(version__scheme__key=filters["scheme"])
    applications = applications.order_by("-applied_on", "-pk")
    if request.GET.get("download") == "xlsx":
        return file_response(
            applications_xlsx(applications), filename="ecosys-grant-applications.xlsx", content_type=XLSX
        )
    return render(
        request,
        "incentives/applications.html",
        {
            "page": Paginator(applications, PER_PAGE).get_page(request.GET.get("page")),
            "filters": filters,
            "statuses": S.choices,
            "schemes": selectors.scheme_list(actor=actor),
            "can_apply": actor_can(actor, "grant.apply"),
        },
    )


@login_required
@domain_errors
def application_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, "grant.apply")
    projects = investment_selectors.project_list(actor=actor).order_by("code")
    posted = request.POST.get("project", "").strip() if request.method == "POST" else ""
    if posted:
        investment_selectors.project_get(actor=actor, code=posted)  # a project the actor may not see: 404
    initial = {"project": request.GET.get("project", ""), "scheme": request.GET.get("scheme", "")}
    form = ApplicationForm(request.POST if request.method == "POST" else None, projects=projects, initial=initial)
    if request.method == "POST" and form.is_valid():
        project = investment_selectors.project_get(actor=actor, code=form.cleaned_data["project"])
        try:
            application = services.application_create(
                actor=actor, project=project, scheme=form.cleaned_data["scheme"], facts=form.facts()
            )
        except ValidationFailed as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Draft %(reference)s created: check the evaluation, then submit it.")
                % {"reference": application.reference},
            )
            return _back(application)
    return render(request, "incentives/application_form.html", {"form": form, "application": None})


@login_required
@domain_errors
def application_edit(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    application = selectors.application_get(actor=actor, reference=reference)
    require(actor, "grant.apply")
    if request.method != "POST" and application.status != S.DRAFT:
        messages.error(request, str(services.WRONG_STATUS % {"status": application.get_status_display()}))
        return _back(application)
    form = ApplicationForm(request.POST if request.method == "POST" else None, application=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(actor=actor, application=application, facts=form.facts())
        except ValidationFailed as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Draft %(reference)s saved.") % {"reference": reference})
            return _back(application)
    return render(request, "incentives/application_form.html", {"form": form, "application": application})


def _facts_rows(application: Application) -> dict[str, Any]:
    facts = application.facts or {}
    amounts = {category: Decimal(str(amount)) for category, amount in (facts.get("investment") or {}).items()}
    investment = [{"label": explain.category_label(c), "amount": amount} for c, amount in amounts.items()]
    flags = [
        {"label": label, "value": bool(facts.get(name))}
        for name, label in (
            ("agreement_signed", _("investment agreement signed")),
            ("offset_agreement_signed", _("offset agreement signed")),
            ("future_jobs", _("jobs of the future")),
            ("sustainable", _("sustainable development")),
            ("local_integration", _("local integration")),
        )
    ]
    return {
        "investment": investment,
        "total": sum(amounts.values(), Decimal(0)),
        "stable_jobs": facts.get("stable_jobs"),
        "female_share": facts.get("female_share"),
        "turnover": facts.get("turnover"),
        "public_order": facts.get("public_order"),
        "territorial_category": facts.get("territorial_category"),
        "sector": facts.get("sector"),
        "agreed_rate": facts.get("agreed_rate"),
        "flags": flags,
    }


def _evaluation(application: Application) -> tuple[dict[str, Any], bool]:
    """The evaluation to explain: the one stored at submission, else one computed now for the draft."""
    if application.evaluation:
        return explain.evaluation_view(application.evaluation), False
    try:
        evaluation = evaluate(services.application_facts(application), selectors.version_rules(application.version))
    except (IncentiveError, ValidationFailed):
        return {}, True
    return explain.evaluation_view(services.evaluation_to_json(evaluation)), True


def _tranche_rows(application: Application) -> list[dict[str, Any]]:
    paid = {p.tranche: p for p in application.payments.all()}
    rows = []
    for status, tranche in zip(services.tranche_statuses(application), application.tranches, strict=False):
        earlier_unpaid = [i for i in range(status.index) if i not in paid]
        reasons = status.reasons
        if earlier_unpaid:  # "pay tranche n first" says more than "tranche n is not releasable"
            reasons = tuple(r for r in reasons if r.code != "earlier_tranche_not_releasable")
        why = [services.reason_text(reason) for reason in reasons]
        if earlier_unpaid:
            why.insert(0, str(PAY_FIRST % {"tranche": earlier_unpaid[0] + 1}))
        rows.append(
            {
                "index": status.index,
                "number": status.index + 1,
                "share": Decimal(str(tranche["share"])),
                "min_jobs": int(tranche["min_verified_jobs"]),
                "min_investment": Decimal(str(tranche["min_proven_investment"])),
                "amount": status.amount,
                "payment": paid.get(status.index),
                "releasable": status.index not in paid and not why,
                "why": list(dict.fromkeys(why)),
            }
        )
    return rows


RECOMPUTED = gettext_lazy("recomputed (see the evaluation above)")
LONG_FIELDS = {"evaluation", "facts", "tranches"}


def _history(objects: list[Any]) -> list[AuditEntry]:
    """The history of the application and its documents, payments and clawback, fields named in words.

    The stored evaluation is a long mapping: its change is said, not printed.
    """
    labels = {
        f.name: str(f.verbose_name)
        for obj in objects
        for f in type(obj)._meta.get_fields()
        if hasattr(f, "verbose_name")
    }
    entries = []
    for entry in history_entries(objects):
        changes = []
        for field, old, new in entry.changes:
            if field == "evaluation":
                old, new = "", str(RECOMPUTED)
            elif field in LONG_FIELDS:
                old, new = old[:120], new[:120]
            changes.append((labels.get(field, field), old, new))
        entries.append(replace(entry, changes=changes))
    return entries


@login_required
@domain_errors
def application_page(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    application = selectors.application_get(actor=actor, reference=reference)
    status = application.status
    evaluation, preview = _evaluation(application)
    proofs = list(application.proofs.select_related("added_by", "verified_by").order_by("created_at"))
    payments = list(application.payments.select_related("released_by").order_by("tranche"))
    clawback = getattr(application, "clawback", None)
    paid = sum((p.amount_mad for p in payments), Decimal(0))
    can_pay = status == S.SIGNED and actor_can(actor, "grant.pay")
    can_clawback = status in (S.SIGNED, S.CLOSED) and paid > 0 and actor_can(actor, "grant.pay")
    clawback_preview = services.clawback_preview(application) if can_clawback else None
    history = []
    if actor_can(actor, "incentives.view_all"):
        history = _history([application, *proofs, *payments, *([clawback] if clawback else [])])
    return render(
        request,
        "incentives/application.html",
        {
            "application": application,
            "status_help": explain.status_help(status),
            "facts": _facts_rows(application),
            "evaluation": evaluation,
            "preview": preview,
            "proofs": proofs,
            "proven": selectors.proven_investment(application),
            "payments": payments,
            "paid": paid,
            "clawback": clawback,
            "clawback_preview": clawback_preview,
            "tranches": _tranche_rows(application) if status in (S.APPROVED, S.SIGNED, S.CLOSED, S.CLAWED_BACK) else [],
            "default_tranches": services.default_tranches(application) if status == S.REVIEWED else [],
            "history": history,
            "letter_languages": LETTER_LANGUAGES if status in DECIDED else (),
            "categories": [(c, explain.category_label(c)) for c in services.CATEGORIES],
            "today": timezone.localdate().isoformat(),
            "can_edit": status == S.DRAFT and actor_can(actor, "grant.apply"),
            "can_review": status == S.SUBMITTED and actor_can(actor, "grant.review"),
            "can_decide": status == S.REVIEWED and actor_can(actor, "grant.decide"),
            "actor_reviewed": application.reviewed_by_id == actor.pk,
            "can_sign": status == S.APPROVED and actor_can(actor, "grant.decide"),
            "can_add_proof": status in (S.APPROVED, S.SIGNED) and actor_can(actor, "grant.apply"),
            "can_check_proof": actor_can(actor, "grant.review"),
            "can_pay": can_pay,
            "can_clawback": can_clawback,
        },
    )


@login_required
@require_POST
@domain_errors
def application_submit(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    application = selectors.application_get(actor=actor, reference=reference)
    application = services.application_submit(actor=actor, application=application)
    if application.eligible:
        messages.success(request, _("Submitted: the project is eligible under the scheme."))
    else:
        messages.warning(request, _("Submitted: the project is not eligible under the scheme; see the reasons."))
    return _back(application)


@login_required
@require_POST
@domain_errors
def application_review(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    application = selectors.application_get(actor=actor, reference=reference)
    require(actor, "grant.review")
    application = services.application_review(
        actor=actor,
        application=application,
        note=request.POST.get("note", ""),
        agreed_rate=_decimal(request.POST.get("agreed_rate", ""), "agreed_rate"),
    )
    messages.success(request, _("Review recorded: another person decides."))
    return _back(application)


def _tranches_posted(request: HttpRequest) -> list[dict[str, Any]] | None:
    """The tranche rows of the decision form; None when the form has none (the default tranches)."""
    rows = []
    for index in range(6):
        share = request.POST.get(f"tranche-{index}-share", "").strip()
        if not share:
            continue
        rows.append(
            {
                "share": to_decimal(share, field="tranches"),
                "min_verified_jobs": request.POST.get(f"tranche-{index}-jobs", "").strip() or 0,
                "min_proven_investment": _decimal(request.POST.get(f"tranche-{index}-investment", ""), "tranches") or 0,
            }
        )
    return rows or None


@login_required
@require_POST
@domain_errors
def application_decide(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    application = selectors.application_get(actor=actor, reference=reference)
    require(actor, "grant.decide")
    approve = request.POST.get("decision") == "approve"
    if approve:
        application = services.application_decide(
            actor=actor,
            application=application,
            approve=True,
            amount_mad=_decimal(request.POST.get("amount_mad", ""), "amount_mad"),
            conditions=request.POST.get("conditions", ""),
            reason=request.POST.get("reason", ""),
            tranches=_tranches_posted(request),
            clawback_tolerance=_decimal(request.POST.get("clawback_tolerance", ""), "clawback_tolerance") or Decimal(0),
        )
        messages.success(request, _("Approved: the grant is committed on the envelope."))
    else:
        application = services.application_decide(
            actor=actor, application=application, approve=False, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Rejected, with its reasons."))
    return _back(application)


@login_required
@require_POST
@domain_errors
def application_sign(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    application = selectors.application_get(actor=actor, reference=reference)
    require(actor, "grant.decide")
    signed_on = _date(request.POST.get("signed_on", ""), "signed_on", default=timezone.localdate())
    application = services.application_sign(actor=actor, application=application, signed_on=signed_on)
    messages.success(request, _("Agreement signed: tranches are paid as the realisations are verified."))
    return _back(application)


@login_required
@require_POST
@domain_errors
def proof_add(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    application = selectors.application_get(actor=actor, reference=reference)
    require(actor, "grant.apply")
    amount = _decimal(request.POST.get("amount_mad", ""), "amount_mad")
    services.proof_add(
        actor=actor,
        application=application,
        category=request.POST.get("category", ""),
        amount_mad=amount if amount is not None else Decimal(0),
        description=request.POST.get("description", ""),
        document=request.FILES.get("document"),
    )
    messages.success(request, _("Document added: the fund checks it before it counts."))
    return _back(application)


def _proof(application: Application, pk: int) -> Any:
    proof = next((p for p in application.proofs.all() if p.pk == pk), None)
    if proof is None:
        raise NotFound(PROOF_NOT_FOUND)
    return proof


@login_required
@require_POST
@domain_errors
def proof_verify(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor = actor_of(request)
    application = selectors.application_get(actor=actor, reference=reference)
    require(actor, "grant.review")
    services.proof_verify(actor=actor, proof=_proof(application, pk))
    messages.success(request, _("Document checked: its amount counts as proven investment."))
    return _back(application)


@login_required
@domain_errors
def proof_file(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    application = selectors.application_get(actor=actor_of(request), reference=reference)
    proof = _proof(application, pk)
    if not proof.document:
        raise NotFound(NO_DOCUMENT)
    name = proof.document.name.rsplit("/", 1)[-1]
    with proof.document.open("rb") as document:
        content = document.read()
    return file_response(content, filename=name, content_type=guess_type(name)[0] or "application/octet-stream")


@login_required
@require_POST
@domain_errors
def tranche_release(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    actor = actor_of(request)
    application = selectors.application_get(actor=actor, reference=reference)
    require(actor, "grant.pay")
    payment = services.tranche_release(actor=actor, application=application, tranche=number - 1)
    messages.success(request, _("Tranche %(tranche)s released.") % {"tranche": payment.tranche + 1})
    return _back(application)


@login_required
@require_POST
@domain_errors
def clawback_apply(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    application = selectors.application_get(actor=actor, reference=reference)
    require(actor, "grant.pay")
    record = services.clawback_apply(actor=actor, application=application, reason=request.POST.get("reason", ""))
    messages.success(
        request,
        _("Clawback recorded: %(amount)s to recover.") % {"amount": explain.money(record.amount_mad)},
    )
    return _back(application)


@login_required
@domain_errors
def decision_letter(request: HttpRequest, reference: str) -> HttpResponse:
    from ecosys.incentives.letters import decision_letter_pdf

    application = selectors.application_get(actor=actor_of(request), reference=reference)
    if application.status not in DECIDED:
        raise NotFound(NOT_DECIDED)
    language = request.GET.get("lang", translation.get_language() or "fr")[:2]
    if language not in dict(LETTER_LANGUAGES):
        language = "fr"
    pdf = decision_letter_pdf(application, language)
    return file_response(
        pdf, filename=f"decision-{application.reference}-{language}.pdf", content_type="application/pdf"
    )


# -- schemes --------------------------------------------------------------------------------------------------------


def _version_rows(versions: list[SchemeVersion]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    rows = []
    for version in versions:
        rules = selectors.version_rules(version)
        rows.append(
            {
                "version": version,
                "rules": rules,
                "view": explain.rules_view(rules),
                "uncertain": selectors.uncertain_paths(version.rules),
                "in_force": version.valid_from <= today and (version.valid_to is None or today <= version.valid_to),
            }
        )
    return rows


@login_required
@domain_errors
def scheme_list(request: HttpRequest) -> HttpResponse:
    schemes = list(selectors.scheme_list(actor=actor_of(request)))
    return render(
        request,
        "incentives/schemes.html",
        {"schemes": [(scheme, _version_rows(list(scheme.versions.all()))) for scheme in schemes]},
    )


def _scheme_page(
    request: HttpRequest, scheme: Scheme, form: VersionForm | None = None, status: int = 200
) -> HttpResponse:
    actor = actor_of(request)
    versions = list(scheme.versions.all())
    can_manage = actor_can(actor, "scheme.manage")
    if form is None and can_manage:
        latest = versions[0] if versions else None
        form = VersionForm(initial={"rules": rules_yaml(latest.rules) if latest else ""})
    return render(
        request,
        "incentives/scheme.html",
        {
            "scheme": scheme,
            "versions": _version_rows(versions),
            "can_manage": can_manage,
            "form": form,
            "today": timezone.localdate().isoformat(),
        },
        status=status,
    )


@login_required
@domain_errors
def scheme_page(request: HttpRequest, key: str) -> HttpResponse:
    return _scheme_page(request, selectors.scheme_get(actor=actor_of(request), key=key))


@login_required
@require_POST
@domain_errors
def version_add(request: HttpRequest, key: str) -> HttpResponse:
    actor = actor_of(request)
    scheme = selectors.scheme_get(actor=actor, key=key)
    require(actor, "scheme.manage")
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            version = services.version_add(
                actor=actor, key=scheme.key, rules=form.cleaned_data["rules"], note=form.cleaned_data["note"]
            )
        except (ValidationFailed, Conflict) as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Version %(number)s added.") % {"number": version.number})
            return redirect("incentives:scheme", key=scheme.key)
    return _scheme_page(request, scheme, form)


@login_required
@require_POST
@domain_errors
def version_close(request: HttpRequest, key: str, number: int) -> HttpResponse:
    actor = actor_of(request)
    scheme = selectors.scheme_get(actor=actor, key=key)
    require(actor, "scheme.manage")
    version = next((v for v in scheme.versions.all() if v.number == number), None)
    if version is None:
        raise NotFound(gettext_lazy("No such version."))
    valid_to = _date(request.POST.get("valid_to", ""), "valid_to")
    services.version_close(actor=actor, version=version, valid_to=valid_to)
    messages.success(request, _("Version %(number)s closed.") % {"number": number})
    return redirect("incentives:scheme", key=scheme.key)


# -- envelopes ------------------------------------------------------------------------------------------------------


@login_required
@domain_errors
def envelope_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    envelopes = list(selectors.envelope_list(actor=actor))
    if request.GET.get("download") == "xlsx":
        return file_response(envelopes_xlsx(envelopes), filename="ecosys-grant-envelopes.xlsx", content_type=XLSX)
    can_manage = actor_can(actor, "envelope.manage")
    return render(
        request,
        "incentives/envelopes.html",
        {
            "envelopes": [(envelope, selectors.envelope_years(envelope)) for envelope in envelopes],
            "chart": charts.envelopes_chart(envelopes) if envelopes else None,
            "can_manage": can_manage,
            "programmes": programme_selectors.programme_list(actor=actor).order_by("code") if can_manage else [],
            "ecosystems": Ecosystem.objects.order_by("code") if can_manage else [],
            "schemes": Scheme.objects.order_by("key") if can_manage else [],
        },
    )


def _pick(queryset: Any, raw: str, field: str, name: str, *, required: bool = False) -> Any:
    raw = raw.strip()
    if not raw:
        if required:
            raise ValidationFailed(CHOOSE, field=name, code="choice_required")
        return None
    found = queryset.filter(**{field: raw}).first()
    if found is None:
        raise ValidationFailed(CHOOSE, field=name, code="choice_unknown")
    return found


@login_required
@require_POST
@domain_errors
def envelope_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, "envelope.manage")
    programme = _pick(
        programme_selectors.programme_list(actor=actor),
        request.POST.get("programme", ""),
        "code",
        "programme",
        required=True,
    )
    ecosystem = _pick(
        Ecosystem.objects.filter(sector__programme=programme), request.POST.get("ecosystem", ""), "code", "ecosystem"
    )
    envelope = services.envelope_create(
        actor=actor,
        programme=programme,
        name=request.POST.get("name", ""),
        amount_mad=to_decimal(request.POST.get("amount_mad", "").strip() or "-", field="amount_mad"),
        scheme=_pick(Scheme.objects.all(), request.POST.get("scheme", ""), "key", "scheme"),
        ecosystem=ecosystem,
    )
    messages.success(request, _("Envelope %(name)s created.") % {"name": envelope.name})
    return redirect("incentives:envelopes")


# -- the simulator --------------------------------------------------------------------------------------------------


def _simulation_view(result: Any) -> dict[str, Any]:
    simulation = result.simulation
    projects = []
    for simulated in simulation.projects:
        project = result.projects.get(simulated.key)
        evaluation = simulated.evaluation
        projects.append(
            {
                "key": simulated.key,
                "project": project,
                "year": simulated.year,
                "stable_jobs": simulated.stable_jobs,
                "eligible": evaluation.eligible,
                "grant": evaluation.total_grant,
                "funded": simulated.funded,
                "uncertain": evaluation.uncertain,
                "reasons": [explain.reason_text(r.code, r.params) for r in evaluation.reasons],
            }
        )
    return {
        "result": result,
        "simulation": simulation,
        "projects": projects,
        "ineligible": [p for p in projects if not p["eligible"]],
        "chart": charts.simulation_chart(simulation),
    }


@login_required
@domain_errors
def simulator(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, "grant.simulate")
    programmes = programme_selectors.programme_list(actor=actor).order_by("code")
    context: dict[str, Any] = {}
    if request.method == "POST":
        form = SimulatorForm(request.POST, programmes=programmes)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = simulation_run(
                    actor=actor,
                    programme=data["programme"],
                    version=data["version"],
                    rules=data["rules"],
                    envelope_amount=data["envelope_amount"],
                )
            except ValidationFailed as exc:
                add_domain_error(form, exc)
            else:
                if request.POST.get("download") == "xlsx":
                    return file_response(
                        simulation_xlsx(result), filename="ecosys-grant-simulation.xlsx", content_type=XLSX
                    )
                context = _simulation_view(result)
    else:
        initial: dict[str, Any] = {"programme": programmes.first()}
        raw = request.GET.get("version", "")
        version = SchemeVersion.objects.filter(pk=raw).first() if raw.isdigit() else None
        if version is not None:
            initial["version"] = version
            if request.GET.get("load"):
                initial["rules"] = rules_yaml(version.rules)
        form = SimulatorForm(initial=initial, programmes=programmes)
    return render(request, "incentives/simulator.html", {"form": form, **context})
