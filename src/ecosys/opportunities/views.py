"""Opportunity pages: trade datasets and their imports, studies with their progress, the ranked table
with its filters and download, the bubble chart, the product space, a product's page, and the button
that turns selected products into project-bank sheets.

Reads go through ``selectors`` and ``presentation`` (the API uses the same), writes through ``services``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ecosys.analytics.opportunity import ATLAS_STRATEGIES, OpportunityInputError
from ecosys.core.errors import ValidationFailed
from ecosys.core.http import actor_of, file_response
from ecosys.core.permissions import actor_can
from ecosys.core.spreadsheets import XLSX, xlsx_bytes
from ecosys.opportunities import messages as messages_text
from ecosys.opportunities import presentation, selectors, services, structuring
from ecosys.opportunities.models import OpportunityStudy, TaskStatus, TradeImport
from ecosys.programmes.models import Ecosystem
from ecosys.web.views import domain_errors

MAX_TABLE_BYTES = 2 << 20
TABLE_TOO_LARGE = gettext_lazy("The table is larger than 2 MB.")
TABLE_NOT_UTF8 = gettext_lazy("The table is not UTF-8 text (save it as CSV UTF-8).")


def _can(request: HttpRequest) -> dict[str, bool]:
    actor = actor_of(request)
    return {
        "can_run": actor_can(actor, "opportunity.run"),
        "can_import": actor_can(actor, "trade.import"),
        "can_make_sheets": actor_can(actor, "opportunity.run") and actor_can(actor, "projectbank.manage"),
    }


def _strategies() -> list[tuple[str, str]]:
    names = {
        "low_hanging_fruit": _("low-hanging fruit"),
        "balanced_portfolio": _("balanced portfolio"),
        "long_jumps": _("long jumps"),
    }
    return [(key, names.get(key, key)) for key in ATLAS_STRATEGIES] + [("custom", _("custom weights"))]


@login_required
@domain_errors
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    studies = Paginator(selectors.study_list(actor=actor), 25).get_page(request.GET.get("page"))
    datasets = list(selectors.dataset_list(actor=actor).filter(rows__gt=0))
    context = {
        "studies": studies,
        "datasets": datasets,
        "strategies": _strategies(),
        "defaults": _form_defaults(datasets),
        **_can(request),
    }
    return render(request, "opportunities/home.html", context)


def _form_defaults(datasets: list[Any]) -> dict[str, Any]:
    years = datasets[0].years if datasets else []
    return {
        "country": "MAR",
        "year_from": years[0] if years else "",
        "year_to": years[-1] if years else "",
        "level": 4,
        "strategy": "balanced_portfolio" if "balanced_portfolio" in ATLAS_STRATEGIES else "custom",
        "mcp_threshold": 1,
        "exchange_rate": "9.7",
    }


@login_required
@require_POST
@domain_errors
def study_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    dataset = selectors.dataset_get(actor=actor, code=request.POST.get("dataset", ""))
    data: dict[str, Any] = {key: request.POST.get(key) for key in request.POST}
    for field, key in (("production", "production_csv"), ("coefficients", "coefficients_csv")):
        upload = request.FILES.get(field)
        if upload is not None:
            data[key] = _table_text(upload, field)
    study = services.study_create(
        actor=actor,
        dataset=dataset,
        title=request.POST.get("title", ""),
        parameters=services.study_form_parameters(data),
    )
    return HttpResponseRedirect(reverse("opportunities:study", args=[study.pk]))


def _table_text(upload: Any, field: str) -> str:
    """A small CSV table brought with the study form (production figures, job coefficients), as text."""
    if upload.size > MAX_TABLE_BYTES:
        raise ValidationFailed(TABLE_TOO_LARGE, field=field, code="file_too_large")
    try:
        return str(upload.read().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValidationFailed(TABLE_NOT_UTF8, field=field, code="not_utf8") from None


@login_required
@domain_errors
def study_page(request: HttpRequest, pk: int) -> HttpResponse:
    study = selectors.study_get(actor=actor_of(request), pk=pk)
    if request.GET.get("fragment"):
        if study.status == TaskStatus.DONE:  # finished while the page polled: load the results page
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("opportunities:study", args=[study.pk])
            return response
        return render(request, "opportunities/_study_progress.html", _progress_context(study))
    if study.status != TaskStatus.DONE:
        return render(request, "opportunities/study_waiting.html", _progress_context(study))
    result = services.study_result(study)
    try:
        filters = presentation.parse_filters(request.GET)
    except ValidationFailed as exc:  # a bad filter is said on the page, which shows every row
        messages.error(request, f"{presentation.label('score')}: {exc.message}")
        filters = presentation.Filters()
    rows = presentation.filtered_rows(result, filters)
    page = Paginator(rows, presentation.PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "study": study,
        "result": result,
        "summary": _summary(result),
        "weights": sorted(result.weights.items(), key=lambda kv: -kv[1]),
        "notes": result.notes,
        "f": filters,
        "filters": filters.query(),
        "query_string": urlencode(filters.query()),
        "page": page,
        "table": presentation.table(result, list(page.object_list)),
        "bubble": presentation.bubble_chart(rows, generated=study.is_generated),
        "bubble_rows": rows[:20],
        "space": presentation.product_space_chart(result, generated=study.is_generated),
        "space_counts": presentation.position_counts(result),
        "ecosystems": Ecosystem.objects.order_by("sector__code", "code") if _can(request)["can_make_sheets"] else [],
        "total": len(rows),
        **_can(request),
    }
    return render(request, "opportunities/study.html", context)


def _progress_context(study: OpportunityStudy) -> dict[str, Any]:
    return {"study": study, "stage": presentation.stage_label(study.stage)}


def _summary(result: Any) -> list[tuple[str, str]]:
    labels = {
        "eci": _("economic complexity index (ECI)"),
        "eci_rank": _("ECI rank"),
        "diversity": _("diversity (products with RCA ≥ 1)"),
        "products": _("products in the study"),
        "countries": _("countries in the data"),
        "imports_usd": _("imports, last year (USD)"),
        "exports_usd": _("exports, last year (USD)"),
    }
    out = []
    for key, value in result.summary.items():
        if key not in labels:
            continue
        whole = key in ("eci_rank", "diversity", "products", "countries")
        kind = "usd" if key.endswith("_usd") else ("rank" if whole or not isinstance(value, float) else "number")
        out.append((labels[key], presentation.display(value, kind)))
    return out


@login_required
@domain_errors
def study_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    study = selectors.study_get(actor=actor_of(request), pk=pk)
    result = services.study_result(study)
    rows = presentation.filtered_rows(result, presentation.parse_filters(request.GET))
    title = _("Opportunities") + (" (" + _("generated data") + ")" if study.is_generated else "")
    content = xlsx_bytes(
        title,
        presentation.spreadsheet_rows(result, rows),
        bold_row=1,
        right_to_left=(request.LANGUAGE_CODE or "")[:2] == "ar",
    )
    return file_response(content, filename=f"ecosys-study-{study.pk}-{study.country}.xlsx", content_type=XLSX)


@login_required
@domain_errors
def product_page(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    study = selectors.study_get(actor=actor_of(request), pk=pk)
    result = services.study_result(study)
    row = services.study_row(result, code)
    columns = presentation.columns_by_key(result)
    facts = [
        {
            "label": presentation.label(key),
            "text": presentation.display(row.get(key), column.kind),
            "help": column.description,
        }
        for key, column in columns.items()
        if key not in ("product", "name")
    ]
    context = {
        "study": study,
        "row": row,
        "facts": facts,
        "summary": presentation.row_summary(row),
        "neighbours": presentation.neighbours(result, code),
        "space": presentation.product_space_chart(result, generated=study.is_generated, highlight=code[:4]),
        "space_counts": presentation.position_counts(result),
        "ecosystems": Ecosystem.objects.order_by("sector__code", "code") if _can(request)["can_make_sheets"] else [],
        **_can(request),
    }
    return render(request, "opportunities/product.html", context)


@login_required
@domain_errors
def study_ecosystems(request: HttpRequest, pk: int) -> HttpResponse:
    """The programme's value chains scored on the study, candidate ecosystems, and a contract sized."""
    study = selectors.study_get(actor=actor_of(request), pk=pk)
    result = services.study_result(study)
    try:
        capture = structuring.parse_capture(request.GET, result)
    except ValidationFailed as exc:  # said on the page, which then shows the default scenario
        messages.error(request, str(exc.message))
        capture = structuring.default_capture(result)
    try:
        chains = structuring.value_chains(result, structuring.ecosystems_with_value_chains())
    except OpportunityInputError as exc:  # a value chain the analytics refuse: said, the rest still shown
        messages.error(request, messages_text.opportunity_message(exc))
        chains = []
    sized = structuring.sizing(result, chains, capture)
    context = {
        "study": study,
        "chains": chains,
        "candidates": structuring.candidates(result),
        "capture": capture,
        "sized": sized,
        "sizing_chart": structuring.sizing_chart(sized, generated=study.is_generated) if sized else None,
        "contract": structuring.contract_targets(),
    }
    return render(request, "opportunities/ecosystems.html", context)


@login_required
@require_POST
@domain_errors
def study_sheets(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    study = selectors.study_get(actor=actor, pk=pk)
    ecosystem = Ecosystem.objects.filter(code=request.POST.get("ecosystem", "")).first()
    if ecosystem is None:
        messages.error(request, _("Choose the ecosystem of the sheets."))
        return HttpResponseRedirect(reverse("opportunities:study", args=[study.pk]))
    made = services.sheets_from_study(
        actor=actor, study=study, products=request.POST.getlist("products"), ecosystem=ecosystem
    )
    messages.success(
        request,
        _("%(n)s project-bank sheets created (products that already had one from this study were left alone).")
        % {"n": len(made)},
    )
    return HttpResponseRedirect(reverse("investments:sheet_list"))


# -- datasets and imports --------------------------------------------------------------------------------------


@login_required
@domain_errors
def dataset_list(request: HttpRequest) -> HttpResponse:
    datasets = selectors.dataset_list(actor=actor_of(request))
    return render(
        request,
        "opportunities/datasets.html",
        {"datasets": datasets, "formats": TradeImport.Format.choices, **_can(request)},
    )


@login_required
@require_POST
@domain_errors
def dataset_new(request: HttpRequest) -> HttpResponse:
    dataset = services.dataset_create(
        actor=actor_of(request),
        code=request.POST.get("code", ""),
        name=request.POST.get("name", ""),
        description=request.POST.get("description", ""),
    )
    return HttpResponseRedirect(reverse("opportunities:dataset", args=[dataset.code]))


@login_required
@domain_errors
def dataset_page(request: HttpRequest, code: str) -> HttpResponse:
    dataset = selectors.dataset_get(actor=actor_of(request), code=code)
    context = {
        "dataset": dataset,
        "imports": dataset.imports.select_related("requested_by")[:50],
        "studies": dataset.studies.defer("result")[:50],
        "formats": TradeImport.Format.choices,
        **_can(request),
    }
    return render(request, "opportunities/dataset.html", context)


@login_required
@require_POST
@domain_errors
def dataset_import(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of(request)
    dataset = selectors.dataset_get(actor=actor, code=code)
    job = services.trade_import_request(
        actor=actor, dataset=dataset, fmt=request.POST.get("format", ""), upload=request.FILES.get("file")
    )
    return HttpResponseRedirect(reverse("opportunities:import", args=[job.pk]))


@login_required
@domain_errors
def import_page(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_get(actor=actor_of(request), pk=pk)
    template = "opportunities/_import_progress.html" if request.GET.get("fragment") else "opportunities/import.html"
    return render(request, template, {"job": job})
