"""PDF reports: queued, written by the worker with progress, in French, English or Arabic."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.utils import translation
from weasyprint import HTML

from ecosys.core.errors import ValidationFailed
from ecosys.core.roles import Role
from ecosys.monitoring import reports
from ecosys.monitoring.models import Report
from ecosys.monitoring.svg import path_svg
from ecosys.monitoring.tasks import report_build_task

pytestmark = pytest.mark.django_db
URL = "/monitoring/pai-2014-2020/"


@pytest.fixture
def analyst(imm, make_user):
    return make_user(Role.MINISTRY_ANALYST)


def test_a_report_is_queued_then_written_by_the_worker_and_downloaded(
    analyst, client_for, django_capture_on_commit_callbacks
):
    client = client_for(analyst)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(URL + "reports", {"kind": "programme", "language": "fr", "as_of": "2018-12"})
    report = Report.objects.get()
    assert response["Location"] == f"/reports/{report.pk}/"
    waiting = client.get(f"/reports/{report.pk}/?fragment=1").content.decode()
    assert 'hx-trigger="every 1s"' in waiting and report.status == "queued"
    assert client.get(f"/reports/{report.pk}/report.pdf").status_code == 404  # not written yet

    assert len(queued) == 1  # the worker is asked once the request is committed
    report_build_task.call(report.pk)  # what the worker runs
    report.refresh_from_db()
    done = client.get(f"/reports/{report.pk}/?fragment=1").content.decode()
    pdf = client.get(f"/reports/{report.pk}/report.pdf")

    assert report.status == "done" and report.progress == 100
    assert "hx-trigger" not in done and f"/reports/{report.pk}/report.pdf" in done
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert pdf["Content-Disposition"].endswith('ecosys-programme-2018-12-fr.pdf"')


@pytest.mark.parametrize(
    ("language", "words"), [("fr", "Indicateurs du contrat"), ("ar", 'dir="rtl"'), ("en", "Contract indicators")]
)
def test_the_report_speaks_the_language_asked_for(analyst, language, words):
    report = reports.report_request(
        actor=analyst, programme=analyst_programme(), kind="programme", as_of=date(2018, 12, 1), language=language
    )
    built = reports.report_build(report.pk)
    with translation.override(language):
        board = reports.dashboards.dashboard(actor=analyst, code="pai-2014-2020", as_of=date(2018, 12, 1))
        html = reports._html(built, board)

    assert words in html
    assert bytes(built.pdf).startswith(b"%PDF-")
    assert len(HTML(string=html).render().pages) >= 2


def analyst_programme():
    from ecosys.programmes.models import Programme

    return Programme.objects.get(code="pai-2014-2020")


def test_an_ecosystem_report_needs_its_ecosystem_and_a_known_language(analyst):
    with pytest.raises(ValidationFailed) as no_ecosystem:
        reports.report_request(
            actor=analyst, programme=analyst_programme(), kind="ecosystem", as_of=date(2018, 12, 1), language="fr"
        )
    assert no_ecosystem.value.code == "ecosystem_required"
    with pytest.raises(ValidationFailed):
        reports.report_request(
            actor=analyst, programme=analyst_programme(), kind="programme", as_of=date(2018, 12, 1), language="de"
        )
    assert not Report.objects.exists()


def test_a_failed_report_keeps_its_reason(analyst, monkeypatch):
    report = reports.report_request(
        actor=analyst, programme=analyst_programme(), kind="programme", as_of=date(2018, 12, 1), language="fr"
    )
    monkeypatch.setattr(reports, "_html", lambda *_args: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        report_build_task.call(report.pk)
    report.refresh_from_db()
    assert report.status == "failed" and report.error == "disk full"


def test_the_chart_of_a_report_is_svg_mirrored_for_arabic():
    kpi = {
        "path": [{"year": 2015, "milestone": 0, "actual": 0}, {"year": 2020, "milestone": 100, "actual": None}],
        "forecast": {"horizon_year": 2020, "p10": 60, "p50": 70, "p90": 80},
    }
    ltr, rtl = path_svg(kpi, lang="fr"), path_svg(kpi, lang="ar", rtl=True)
    assert ltr.startswith("<svg") and ltr.endswith("</svg>")
    assert ltr != rtl and settings.LANGUAGE_CODE == "fr"
