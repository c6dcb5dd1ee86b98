"""Pages: thin views that call one selector or service and render; errors become messages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ecosys.accounts.models import LANGUAGE_CHOICES
from ecosys.accounts.selectors import membership_list_own
from ecosys.accounts.services import user_language_set
from ecosys.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from ecosys.core.http import actor_of, file_response
from ecosys.core.permissions import actor_can
from ecosys.programmes import selectors
from ecosys.programmes.services.contracts import contract_amendment_decide, contract_amendment_propose
from ecosys.programmes.services.targets import milestone_override
from ecosys.programmes.services.valuechain import value_chain_import
from ecosys.web.charts import milestone_chart

View = Callable[..., HttpResponse]


def domain_errors(view: View) -> View:
    """Render 403/404 pages for refusals on reads; turn refusals of a POST into messages on the page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (PermissionDenied, NotFound) as exc:
            if request.method == "POST" and isinstance(exc, PermissionDenied):
                messages.error(request, str(exc.message))
                return HttpResponseRedirect(request.META.get("HTTP_REFERER") or reverse("web:home"))
            return render(request, "web/error.html", {"error": exc}, status=exc.status)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            for message in exc.fields.values():
                if str(message) != str(exc.message):
                    messages.error(request, str(message))
            for detail in exc.details:
                messages.error(
                    request,
                    _("Row %(row)s, column %(column)s: %(message)s") % {**detail, "message": str(detail["message"])},
                )
            return HttpResponseRedirect(request.META.get("HTTP_REFERER") or reverse("web:home"))

    return wrapper


@login_required
def home(request: HttpRequest) -> HttpResponse:
    programme = selectors.programme_list(actor=actor_of(request)).first()
    if programme is None:
        return render(request, "web/empty.html")
    return redirect("web:programme", code=programme.code)


@login_required
@require_http_methods(["GET", "POST"])
def account_page(request: HttpRequest) -> HttpResponse:
    """The signed-in person: name, organisations and roles, and the language their pages speak.

    Deliberately light: the session, the person and their memberships (one query), nothing else.
    """
    actor = actor_of(request)
    if request.method == "POST":
        try:
            user_language_set(actor=actor, language=request.POST.get("preferred_language", ""))
        except ValidationFailed as exc:
            messages.error(request, str(exc.message))
            return redirect("web:account")
        with translation.override(actor.preferred_language):  # said in the language of the next page
            messages.success(request, _("Preferred language saved."))
        response = redirect("web:account")
        # The header's language form leaves a per-browser cookie that the middleware reads before the
        # preference; forgetting it lets the preference just saved speak on this browser too.
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN
        )
        return response
    return render(
        request,
        "web/account.html",
        {"memberships": membership_list_own(actor=actor), "language_choices": LANGUAGE_CHOICES},
    )


@login_required
@domain_errors
def programme_page(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of(request)
    programme = selectors.programme_get(actor=actor, code=code)
    contracts = [
        selectors.contract_get(actor=actor, code=c.code)
        for c in selectors.contract_list(actor=actor).filter(sector__programme=programme)
    ]
    sectors = list(programme.sectors.prefetch_related("ecosystems", "baselines__indicator"))
    charts = {t.pk: milestone_chart(t) for c in contracts for t in c.targets.all()}
    return render(
        request,
        "web/programme.html",
        {"programme": programme, "sectors": sectors, "contracts": contracts, "charts": charts},
    )


@login_required
@domain_errors
def ecosystem_page(request: HttpRequest, code: str) -> HttpResponse:
    ecosystem = selectors.ecosystem_get(actor=actor_of(request), code=code)
    return render(
        request,
        "web/ecosystem.html",
        {
            "ecosystem": ecosystem,
            "contracts": ecosystem.contracts.all(),
            "can_edit": selectors.ecosystem_can_edit(actor=actor_of(request), ecosystem=ecosystem),
        },
    )


@login_required
@domain_errors
def value_chain_download(request: HttpRequest, code: str) -> HttpResponse:
    ecosystem = selectors.ecosystem_get(actor=actor_of(request), code=code)
    return file_response(selectors.value_chain_csv(ecosystem=ecosystem), filename=f"{ecosystem.code}-value-chain.csv")


@login_required
@require_POST
@domain_errors
def value_chain_upload(request: HttpRequest, code: str) -> HttpResponse:
    ecosystem = selectors.ecosystem_get(actor=actor_of(request), code=code)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a CSV file."))
        return redirect("web:ecosystem", code=code)
    counts = value_chain_import(actor=actor_of(request), ecosystem=ecosystem, file=upload.read())
    messages.success(request, _("Value chain imported: %(created)s added, %(deleted)s removed.") % counts)
    return redirect("web:ecosystem", code=code)


@login_required
@domain_errors
def contract_page(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of(request)
    contract = selectors.contract_get(actor=actor, code=code)
    can_audit = actor_can(actor, "audit.view")
    history = selectors.contract_history(actor=actor, contract=contract) if can_audit else []
    return render(
        request,
        "web/contract.html",
        {
            "contract": contract,
            "charts": {t.pk: milestone_chart(t) for t in contract.targets.all()},
            "history": history,
            "can_audit": can_audit,
            "can_propose": actor_can(actor, "contract.amend.propose"),
            "can_decide": actor_can(actor, "contract.amend.approve"),
            "can_edit_targets": actor_can(actor, "target.edit"),
        },
    )


@login_required
@require_POST
@domain_errors
def amendment_propose(request: HttpRequest, code: str) -> HttpResponse:
    contract = selectors.contract_get(actor=actor_of(request), code=code)
    changes: dict[str, Any] = {
        "horizon_year": request.POST.get("horizon_year") or None,
        "targets": [],
        "commitments": [],
    }
    for target in contract.targets.all():
        value = request.POST.get(f"target_{target.pk}", "").strip()
        if value:
            changes["targets"].append({"id": target.pk, "horizon_value": value})
    for commitment in contract.commitments.all():
        value = request.POST.get(f"commitment_{commitment.pk}", "").strip()
        if value:
            changes["commitments"].append({"id": commitment.pk, "amount": value})
    amendment = contract_amendment_propose(
        actor=actor_of(request),
        contract=contract,
        reason=request.POST.get("reason", ""),
        changes=changes,
    )
    messages.success(
        request,
        _("Amendment %(number)s proposed; it awaits a second person's approval.") % {"number": amendment.number},
    )
    return redirect("web:contract", code=code)


@login_required
@require_POST
@domain_errors
def amendment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = selectors.amendment_get(actor=actor_of(request), pk=pk)
    approve = request.POST.get("decision") == "approve"
    contract_amendment_decide(
        actor=actor_of(request), amendment=amendment, approve=approve, note=request.POST.get("note", "")
    )
    messages.success(request, _("Amendment approved.") if approve else _("Amendment rejected."))
    return redirect("web:contract", code=amendment.contract.code)


@login_required
@require_POST
@domain_errors
def milestone_set(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    target = selectors.target_get(actor=actor_of(request), pk=pk)
    raw = request.POST.get("value", "").strip()
    milestone_override(
        actor=actor_of(request), target=target, year=year, value=raw or None, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("Milestone %(year)s updated.") % {"year": year})
    return redirect("web:contract", code=target.contract.code)
