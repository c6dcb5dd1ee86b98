"""Pages of imported files (declarations, CNSS headcounts) and of their verification."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecosys.core.http import actor_of
from ecosys.core.permissions import actor_can
from ecosys.investments import queries, selectors
from ecosys.investments.downloads import LANGUAGES, import_template_response
from ecosys.investments.forms import UploadForm
from ecosys.investments.models import ImportBatch
from ecosys.investments.services.declarations import headcount_reconcile
from ecosys.investments.services.uploads import import_batch_start
from ecosys.programmes import selectors as programme_selectors
from ecosys.web.views import domain_errors

RECENT = 20


@login_required
@domain_errors
def import_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    kinds = [
        (kind, label)
        for kind, label in ImportBatch.Kind.choices
        if actor_can(actor, "cnss.import" if kind == ImportBatch.Kind.CNSS else "declaration.submit")
    ]
    form = UploadForm()
    form.fields["kind"].choices = kinds  # type: ignore[attr-defined]
    return render(
        request,
        "investments/imports.html",
        {
            "batches": selectors.import_list(actor=actor).select_related("company", "created_by")[:RECENT],
            "form": form if kinds else None,
            "kinds": ImportBatch.Kind.choices,
            "template_languages": LANGUAGES,
        },
    )


@login_required
@require_POST
@domain_errors
def import_upload(request: HttpRequest) -> HttpResponse:
    batch = import_batch_start(
        actor=actor_of(request), kind=request.POST.get("kind", ""), upload=request.FILES.get("file")
    )
    return redirect("investments:import_batch", pk=batch.pk)


@login_required
@domain_errors
def import_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.import_get(actor=actor_of(request), pk=pk)
    return render(request, "investments/import_batch.html", {"batch": batch})


@login_required
@domain_errors
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment HTMX polls every second while the import runs."""
    batch = selectors.import_get(actor=actor_of(request), pk=pk)
    return render(request, "investments/_import_progress.html", {"batch": batch})


@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    return import_template_response(kind=kind, fmt=fmt, language=request.GET.get("lang"))


@login_required
@domain_errors
def verification_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    company = request.GET.get("company", "").strip()
    ecosystem = request.GET.get("ecosystem", "").strip()
    choices = queries.company_choices(actor=actor)
    if not company and not ecosystem and choices is None:
        company = queries.company_for(actor=actor, ice=None).ice
    table = queries.reconciliation(actor=actor, company=company, ecosystem=ecosystem) if company or ecosystem else None
    return render(
        request,
        "investments/verification.html",
        {
            "table": table,
            "company": company,
            "ecosystem": ecosystem,
            "ecosystems": programme_selectors.ecosystem_list(actor=actor),
            "can_choose_company": choices is not None,
            "can_reconcile": actor_can(actor, "verification.run"),
        },
    )


@login_required
@require_POST
@domain_errors
def reconcile(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    company = request.POST.get("company", "").strip()
    ecosystem = request.POST.get("ecosystem", "").strip()
    companies = queries.scope_companies(actor=actor, company=company, ecosystem=ecosystem)
    counts = headcount_reconcile(actor=actor, companies=companies)
    messages.success(
        request,
        _("Reconciled: %(verified)s verified, %(discrepancy)s beyond the tolerance, %(unverified)s not verified.")
        % counts,
    )
    query = {name: value for name, value in (("company", company), ("ecosystem", ecosystem)) if value}
    return redirect(reverse("investments:verification") + (f"?{urlencode(query)}" if query else ""))
