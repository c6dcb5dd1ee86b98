"""Excel downloads and decision letters of the grants: what a fund officer opens is what the database holds."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from ecosys.core.errors import Conflict, ValidationFailed
from ecosys.core.roles import Role
from ecosys.incentives import explain, services
from ecosys.incentives.exports import applications_xlsx, envelopes_xlsx, simulation_xlsx
from ecosys.incentives.letters import decision_letter_document, decision_letter_html, decision_letter_pdf
from ecosys.incentives.models import Application, Envelope
from ecosys.incentives.simulation import simulation_run


def _sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_applications_xlsx_keeps_numbers_and_dates(approved):
    with translation.override("en"):
        sheet = _sheet(applications_xlsx(Application.objects.all()))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Reference", "Company", "Project")
    headers = rows[0]
    row = dict(zip(headers, rows[1], strict=True))
    assert row["Reference"] == approved.reference
    assert row["Application date"].date() == date(2016, 5, 1)
    assert row["Investment declared (MAD)"] == 90_000_000
    assert row["Stable jobs"] == 250
    assert row["Grant computed (MAD)"] == 18_000_000
    assert row["Grant decided (MAD)"] == 15_000_000
    assert row["Paid (MAD)"] == 0
    assert row["Eligible"] == "yes"
    assert row["Status"] == "approved"
    assert sheet.cell(row=1, column=1).font.bold


def test_applications_xlsx_in_arabic_reads_right_to_left(approved):
    with translation.override("ar"):
        content = applications_xlsx([approved])
    sheet = _sheet(content)
    assert sheet.sheet_view.rightToLeft
    assert sheet.cell(row=2, column=1).value == approved.reference


def test_envelopes_xlsx(approved):
    with translation.override("fr"):
        sheet = _sheet(envelopes_xlsx(Envelope.objects.all()))
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    envelope = Envelope.objects.get()
    assert rows[1][0] == envelope.name
    assert rows[1][4:8] == (630_000_000, 15_000_000, 0, 615_000_000)
    assert rows[1][8] == 2.4  # percent committed


def test_simulation_xlsx(envelope, fdii, project, make_user):
    result = simulation_run(
        actor=make_user(Role.MINISTRY_ANALYST), programme=envelope.programme, version=fdii.versions.get()
    )
    with translation.override("en"):
        sheet = _sheet(simulation_xlsx(result))
    rows = [r for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0].startswith(fdii.name)
    assert rows[1][:2] == ("Envelope (MAD)", 630_000_000)
    header = next(i for i, r in enumerate(rows) if r[0] == "Project")
    project_row = rows[header + 1]
    assert project_row[0].startswith(project.code)
    assert project_row[3] == result.simulation.projects[0].stable_jobs
    assert Decimal(str(project_row[7])) == result.simulation.projects[0].evaluation.total_grant


# --------------------------------------------------------------------------------------------------
# The decision letter
# --------------------------------------------------------------------------------------------------


def _text(document) -> str:
    """The text WeasyPrint laid out on the pages of the PDF, spaces normalised.

    No PDF text extractor is installed; the laid-out boxes are what ``write_pdf`` draws, glyph for glyph.
    """
    parts: list[str] = []

    def walk(box) -> None:
        if hasattr(box, "text"):
            parts.append(box.text)
        for child in getattr(box, "children", None) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)  # WeasyPrint keeps a page's boxes on this private attribute
    return re.sub(r"[\s\u00a0\u202f]+", " ", " ".join(parts))


def _amount(value: str, language: str) -> str:
    with translation.override(language):
        return re.sub(r"[\s\u00a0\u202f]+", " ", explain.money(Decimal(value)))


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Fonds de Développement Industriel et des Investissements", "loi de finances 2015"]),
        ("en", ["The grant is approved for", "Payment in tranches", "No shortfall is forgiven."]),
        ("ar", []),
    ],
)
def test_the_approval_letter_states_the_grant_in_the_language_asked_for(approved, language, words):
    pdf = decision_letter_pdf(approved, language)
    document = decision_letter_document(approved, language)
    text = _text(document)

    assert pdf.startswith(b"%PDF-")
    assert len(document.pages) == 1
    assert approved.reference in text and approved.company.name in text
    for amount in ("15000000", "18000000", "27000000", "90000000", "6000000", "4500000"):
        assert _amount(amount, language) in text, (amount, text)
    assert "Maintenir les emplois cinq ans." in text
    for word in words:
        assert word in text
    html = decision_letter_html(approved, language)
    if language == "ar":
        assert 'dir="rtl"' in html and 'lang="ar"' in html
        assert re.search("[\u0600-\u06ff]{3,}", text), text  # Arabic words laid out, not boxes of nothing
    else:
        assert 'dir="ltr"' in html


def test_the_rejection_letter_gives_the_reasons(envelope, fdii, project, company_user, reviewer, decider):
    facts = {"investment": {"equipment": "1000000"}, "stable_jobs": 2}
    application = services.application_create(
        actor=company_user, project=project, scheme=fdii, facts=facts, applied_on=date(2016, 5, 1)
    )
    application = services.application_submit(actor=company_user, application=application)
    assert application.eligible is False
    application = services.application_review(actor=reviewer, application=application, note="Trop petit")
    application = services.application_decide(
        actor=decider, application=application, approve=False, reason="Projet hors du champ du FDII"
    )

    text = _text(decision_letter_document(application, "en"))

    assert "The application is rejected" in text and "Projet hors du champ du FDII" in text
    first = application.evaluation["reasons"][0]
    with translation.override("en"):
        assert re.sub(r"[\s\u00a0\u202f]+", " ", explain.reason_text(first["code"], first["params"])) in text
    assert "Primes" not in text
    assert decision_letter_pdf(application, "ar").startswith(b"%PDF-")


def test_no_letter_before_the_decision(reviewed):
    with pytest.raises(Conflict) as undecided:
        decision_letter_pdf(reviewed, "fr")
    assert undecided.value.code == "not_decided"


def test_a_letter_is_written_in_french_english_or_arabic_only(approved):
    with pytest.raises(ValidationFailed) as german:
        decision_letter_pdf(approved, "de")
    assert german.value.fields.keys() == {"language"}
