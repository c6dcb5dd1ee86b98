"""PDF reports (quarterly programme report, ecosystem report), written by the task worker.

The report is the dashboard's figures on paper: the same snapshot, the same tables (``tables``),
charts drawn as SVG on the server (``svg``), in the language asked for (Arabic right to left).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecosys.accounts.models import Organisation, User
from ecosys.core.errors import NotFound, ValidationFailed
from ecosys.core.permissions import require
from ecosys.monitoring import dashboards, tables
from ecosys.monitoring.models import Report
from ecosys.monitoring.svg import COLOURS, path_svg
from ecosys.programmes.models import Ecosystem, Programme

LANGUAGES = ("fr", "en", "ar")
LANGUAGE_UNKNOWN = gettext_lazy("A report is written in French, English or Arabic.")
ECOSYSTEM_REQUIRED = gettext_lazy("Choose the ecosystem of the report.")
NOT_FOUND = gettext_lazy("No such report.")


@transaction.atomic
def report_request(
    *,
    actor: User,
    programme: Programme,
    kind: str,
    as_of: date,
    language: str,
    ecosystem: Ecosystem | None = None,
) -> Report:
    """Queue a report; the worker writes it and records its progress."""
    require(actor, "monitoring.view")
    if language not in LANGUAGES:
        raise ValidationFailed(LANGUAGE_UNKNOWN, field="language", code="language_unknown")
    if kind not in Report.Kind.values:
        raise ValidationFailed(_("Unknown kind of report."), field="kind", code="kind_unknown")
    if kind == Report.Kind.ECOSYSTEM and ecosystem is None:
        raise ValidationFailed(ECOSYSTEM_REQUIRED, field="ecosystem", code="ecosystem_required")
    report = Report.objects.create(
        kind=kind,
        programme=programme,
        ecosystem=ecosystem if kind == Report.Kind.ECOSYSTEM else None,
        as_of=as_of.replace(day=1),
        language=language,
        requested_by=actor,
    )

    def enqueue() -> None:
        from ecosys.monitoring.tasks import report_build_task

        report_build_task.enqueue(report.pk)

    transaction.on_commit(enqueue)
    return report


def report_get(*, actor: User, pk: int) -> Report:
    require(actor, "monitoring.view")
    report = Report.objects.select_related("programme", "ecosystem").filter(pk=pk).first()
    if report is None:
        raise NotFound(NOT_FOUND)
    return report


def _progress(report: Report, percent: int, status: str = Report.Status.RUNNING) -> None:
    Report.objects.filter(pk=report.pk).update(progress=percent, status=status)


def report_build(report_id: int) -> Report:
    """Write the PDF of a queued report (run by the worker); a failure is kept with its reason."""
    from weasyprint import HTML

    report = Report.objects.select_related("programme", "ecosystem", "requested_by").get(pk=report_id)
    _progress(report, 5)
    try:
        with translation.override(report.language):
            board = dashboards.dashboard(
                actor=report.requested_by, code=report.programme.code, as_of=report.as_of, basis="verified"
            )
            _progress(report, 30)
            html = _html(report, board)
            _progress(report, 60)
            pdf = HTML(string=html).write_pdf()
    except Exception as exc:  # the person who asked sees why; the worker log keeps the trace
        Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED, error=str(exc)[:2000])
        raise
    Report.objects.filter(pk=report.pk).update(status=Report.Status.DONE, progress=100, pdf=pdf)
    report.refresh_from_db()
    return report


def _html(report: Report, board: dashboards.Dashboard) -> str:
    rtl = report.language == "ar"
    legend = [
        (COLOURS["milestone"], _("milestone")),
        (COLOURS["actual"], _("actual")),
        (COLOURS["forecast"], _("forecast P10–P90, P50")),
    ]
    eco = report.ecosystem.code if report.ecosystem else None
    charts = []
    for contract in board.figures["contracts"]:
        for kpi in contract["kpis"]:
            if eco and kpi["ecosystem"] not in (None, eco):
                continue
            charts.append(
                {
                    "title": board.indicator_name(kpi["indicator"]),
                    "status": dashboards.STATUS_LABELS[kpi["status"]],
                    "svg": path_svg(kpi, lang=report.language, rtl=rtl),
                }
            )
    keys = ["kpis", "ecosystems", "at_risk"] if eco else ["kpis", "ecosystems", "regions", "weights"]
    return render_to_string(
        "monitoring/report.html",
        {
            "report": report,
            "board": board,
            "rtl": rtl,
            "charts": charts,
            "legend": legend,
            "tables": [tables.build(board, key, ecosystem=eco) for key in keys],
            "generated": timezone.now(),
            "quarter": (report.as_of.month - 1) // 3 + 1,
            "has_generated": Organisation.objects.filter(is_generated=True).exists(),
        },
    )
