"""The grant pages: each renders for the roles allowed, the whole workflow runs through them, refusals
write nothing, a company sees only its own applications, and Arabic pages read right to left."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
import yaml
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ecosys.analytics.incentive_schemes import BOUNDS, FLAGS
from ecosys.core.roles import Role
from ecosys.incentives import explain, selectors, services
from ecosys.incentives.models import Application, Envelope, InvestmentProof, Payment, SchemeVersion
from ecosys.investments.lifecycle import Status
from ecosys.programmes.models import Ecosystem
from tests.incentives.conftest import FACTS
from tests.investments.factories import ProjectFactory, advance

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def client_in(client_for, user, language="en"):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def errors_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def page_url(application: Application) -> str:
    return reverse("incentives:application", kwargs={"reference": application.reference})


def action(name: str, application: Application, **kwargs) -> str:
    return reverse(f"incentives:{name}", kwargs={"reference": application.reference, **kwargs})


FORM = {
    "investment_land": "10 000 000",
    "investment_buildings": "20000000",
    "investment_equipment": "60000000",
    "stable_jobs": "250",
    "agreement_signed": "on",
}


# -- every page renders for the roles allowed -------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_the_grant_pages_render_for_every_role(role, imm, envelope, fdii, make_user, client_for):
    client = client_in(client_for, make_user(role))
    for name in ("applications", "schemes", "envelopes"):
        response = client.get(reverse(f"incentives:{name}"))
        assert response.status_code == 200, name
    response = client.get(reverse("incentives:scheme", kwargs={"key": "investment_charter_2022"}))
    assert response.status_code == 200
    assert "Job creation prime" in response.content.decode()
    simulator = client.get(reverse("incentives:simulator"))
    assert simulator.status_code == (403 if role == Role.COMPANY_USER else 200)
    new = client.get(reverse("incentives:application_new"))
    assert new.status_code == (200 if role in {Role.MINISTRY_ADMIN, Role.COMPANY_USER, Role.FUND_OFFICER} else 403)
    home = client.get(reverse("incentives:applications")).content.decode()
    assert f'href="{reverse("incentives:applications")}"' in home  # the "Grants" link of the menu


def test_the_scheme_page_shows_the_rules_in_words_with_uncertain_values_flagged(fdii, make_user, client_for):
    response = client_in(client_for, make_user(Role.AUDITOR)).get(
        reverse("incentives:scheme", kwargs={"key": fdii.key})
    )
    text = response.content.decode()
    assert "Locomotive project, by its investment" in text
    assert "The total investment: more than 50,000,000 MAD" in text
    assert "The public order of the offset agreement: at least 200,000,000 MAD" in text
    assert "At most 30 %" in text
    assert "uncertain" in text
    assert "loi de finances 2015" in text
    assert "eligibility.any_of[3]" in text  # the paths of the uncertain values
    assert 'name="rules"' not in text  # an auditor does not manage schemes


# -- the whole workflow through the pages ---------------------------------------------------------------------------


def test_the_whole_workflow_runs_through_the_pages(
    imm, envelope, fdii, project, company_user, reviewer, decider, client_for
):
    company, fund, boss = (client_in(client_for, u) for u in (company_user, reviewer, decider))

    form = company.get(reverse("incentives:application_new"))
    assert project.code in form.content.decode()
    response = company.post(
        reverse("incentives:application_new"), {"project": project.code, "scheme": fdii.key, **FORM}
    )
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == page_url(application)
    assert application.status == Application.Status.DRAFT
    assert application.facts["investment"]["land"] == "10000000"

    draft = company.get(page_url(application)).content.decode()
    assert "Computed now from the draft" in draft
    assert "Eligible" in draft and "locomotive project, by its investment" in draft
    assert "No rate agreed in the investment agreement yet (at most 30 %)." in draft

    edited = company.post(action("application_edit", application), {**FORM, "stable_jobs": "260"})
    assert edited.status_code == 302
    application.refresh_from_db()
    assert application.facts["stable_jobs"] == 260

    company.post(action("application_submit", application))
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED and application.eligible

    fund.post(action("application_review", application), {"note": "Dossier complet", "agreed_rate": "0,2"})
    application.refresh_from_db()
    assert application.status == Application.Status.REVIEWED
    assert application.computed_grant_mad == Decimal("18000000.00")

    # Four eyes: the reviewer is told, and refused if they try.
    reviewed_page = fund.get(page_url(application)).content.decode()
    assert "You reviewed this application: another person must decide it." in reviewed_page
    refused = fund.post(action("application_decide", application), {"decision": "approve"})
    assert errors_of(refused) == [str(services.SAME_PERSON_DECIDES)]
    application.refresh_from_db()
    assert application.status == Application.Status.REVIEWED

    decide_page = boss.get(page_url(application)).content.decode()
    assert 'name="tranche-0-share" value="0.4"' in decide_page
    boss.post(
        action("application_decide", application),
        {"decision": "approve", "amount_mad": "15 000 000", "conditions": "Maintenir les emplois", "reason": "OK"},
    )
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.granted_mad == Decimal("15000000")
    assert Envelope.objects.get(pk=envelope.pk).committed_mad == Decimal("15000000")

    boss.post(action("application_sign", application), {"signed_on": timezone.localdate().isoformat()})
    application.refresh_from_db()
    assert application.status == Application.Status.SIGNED

    # The first tranche waits for half the investment proven: refused, with the reason in words.
    refused = boss.post(action("tranche_release", application, number=1))
    assert refused.status_code == 302
    assert "45,000,000.00 MAD of proven investment needed, 0.00 MAD proven" in errors_of(refused)[0]
    assert not Payment.objects.exists()
    signed_page = boss.get(page_url(application)).content.decode()
    assert "45,000,000.00 MAD of proven investment needed" in signed_page

    document = SimpleUploadedFile("facture.pdf", b"%PDF-1.4 facture", content_type="application/pdf")
    company.post(
        action("proof_add", application),
        {"description": "Facture machines", "category": "equipment", "amount_mad": "45000000", "document": document},
    )
    proof = InvestmentProof.objects.get()
    assert proof.added_by == company_user and proof.document
    download = company.get(action("proof_file", application, pk=proof.pk))
    assert download.status_code == 200 and download.content == b"%PDF-1.4 facture"

    fund.post(action("proof_verify", application, pk=proof.pk))
    proof.refresh_from_db()
    assert proof.verified_by == reviewer

    boss.post(action("tranche_release", application, number=1))
    payment = Payment.objects.get()
    assert (payment.tranche, payment.amount_mad) == (0, Decimal("6000000.00"))
    assert Envelope.objects.get(pk=envelope.pk).paid_mad == Decimal("6000000")

    refused = boss.post(action("tranche_release", application, number=2))
    assert "cannot be released yet" in errors_of(refused)[0]
    assert Payment.objects.count() == 1

    # Nothing verified of the 260 jobs: the realisations earn nothing, the 6 MMAD paid are recovered.
    paid_page = boss.get(page_url(application)).content.decode()
    assert "A clawback now would recover 6,000,000 MAD." in paid_page
    boss.post(action("clawback_apply", application), {"reason": "Emplois non réalisés"})
    application.refresh_from_db()
    assert application.status == Application.Status.CLAWED_BACK
    assert application.recovered_mad == Decimal("6000000")
    envelope.refresh_from_db()
    assert (envelope.committed_mad, envelope.paid_mad) == (Decimal(0), Decimal(0))

    final = boss.get(page_url(application)).content.decode()
    assert "Emplois non réalisés" in final
    assert "History" in final and reviewer.get_username() in final
    assert f"{action('letter', application)}?lang=ar" in final
    assert company.get(page_url(application)).status_code == 200

    years = selectors.envelope_years(envelope)
    assert [(y["year"], y["granted"], y["released"], y["committed"]) for y in years] == [
        (application.decided_at.year, Decimal("15000000"), Decimal("15000000"), Decimal(0))
    ]
    assert "Released by clawbacks" in boss.get(reverse("incentives:envelopes")).content.decode()


def test_a_rejection_needs_reasons_and_is_shown(reviewed, decider, client_for):
    boss = client_in(client_for, decider)
    refused = boss.post(action("application_decide", reviewed), {"decision": "reject", "reason": " "})
    assert errors_of(refused) == [str(services.REASON_REQUIRED)]
    reviewed.refresh_from_db()
    assert reviewed.status == Application.Status.REVIEWED
    boss.post(action("application_decide", reviewed), {"decision": "reject", "reason": "Hors périmètre"})
    reviewed.refresh_from_db()
    assert reviewed.status == Application.Status.REJECTED
    assert Envelope.objects.get().committed_mad == 0
    assert "Hors périmètre" in boss.get(page_url(reviewed)).content.decode()


def test_the_decision_letter_is_served_as_pdf_in_each_language(approved, company_user, client_for):
    client = client_in(client_for, company_user)
    for language in ("fr", "en", "ar"):
        response = client.get(action("letter", approved) + f"?lang={language}")
        assert response.status_code == 200, language
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert f"decision-{approved.reference}-{language}.pdf" in response["Content-Disposition"]


def test_an_undecided_application_has_no_letter(reviewed, reviewer, client_for):
    response = client_in(client_for, reviewer).get(action("letter", reviewed))
    assert response.status_code == 404


def test_an_ineligible_application_shows_every_reason_in_words(envelope, fdii, project, company_user, client_for):
    client = client_in(client_for, company_user)
    facts = {"investment_equipment": "1000000", "stable_jobs": "10"}
    client.post(reverse("incentives:application_new"), {"project": project.code, "scheme": fdii.key, **facts})
    application = Application.objects.get()
    client.post(action("application_submit", application))
    text = client.get(page_url(application)).content.decode()
    assert "Not eligible" in text
    assert "Route “locomotive project, by its investment” fails:" in text
    assert "No investment agreement is signed under a performance contract." in text
    assert "The total investment is 1,000,000 MAD: more than 50,000,000 MAD is required." in text
    assert "The stable jobs is 10: at least 200 is required." in text or "The stable jobs are 10" in text


# -- scoping and refusals ---------------------------------------------------------------------------------------------


def test_a_company_user_cannot_see_another_companys_application(reviewed, make_user, client_for):
    other = client_in(client_for, make_user(Role.COMPANY_USER))
    assert other.get(page_url(reviewed)).status_code == 404
    assert other.get(action("application_edit", reviewed)).status_code == 404
    assert other.post(action("proof_add", reviewed), {"amount_mad": "1"}).status_code == 404
    assert other.get(action("letter", reviewed)).status_code == 404
    listing = other.get(reverse("incentives:applications")).content.decode()
    assert reviewed.reference not in listing
    # Nor apply for another company's project: it is not even listed, and naming it is not found.
    assert reviewed.project.code not in other.get(reverse("incentives:application_new")).content.decode()
    response = other.post(
        reverse("incentives:application_new"), {"project": reviewed.project.code, "scheme": "fdii_2015", **FORM}
    )
    assert response.status_code == 404
    assert Application.objects.count() == 1


def test_the_list_filters_and_downloads_what_the_actor_sees(reviewed, company_user, make_user, client_for):
    other_company = make_user(Role.COMPANY_USER).memberships.get().organisation
    ecosystem = Ecosystem.objects.order_by("code").first()
    theirs = advance(ProjectFactory(company=other_company, ecosystem=ecosystem), Status.AGREEMENT_SIGNED)
    services.application_create(
        actor=make_user(Role.FUND_OFFICER), project=theirs, scheme=reviewed.version.scheme, facts=FACTS
    )
    staff = client_in(client_for, make_user(Role.MINISTRY_ANALYST))
    assert Application.objects.count() == 2
    listing = staff.get(reverse("incentives:applications") + "?status=reviewed").content.decode()
    assert reviewed.reference in listing and "1 application" in listing
    response = client_in(client_for, company_user).get(reverse("incentives:applications") + "?download=xlsx")
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    references = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert references == [reviewed.reference]


def test_bad_input_shows_errors_beside_the_fields_and_writes_nothing(envelope, fdii, project, company_user, client_for):
    client = client_in(client_for, company_user)
    data = {"project": project.code, "scheme": fdii.key, "stable_jobs": "beaucoup", "female_share": "1.5"}
    response = client.post(reverse("incentives:application_new"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["stable_jobs"] == [str(services.FACT_NOT_A_COUNT)]
    assert form.errors["female_share"] == [str(services.FACT_SHARE)]
    assert 'value="beaucoup"' in response.content.decode()  # what was typed stays
    assert not Application.objects.exists()


def test_a_draft_edit_with_bad_input_changes_nothing(envelope, fdii, project, company_user, client_for):
    client = client_in(client_for, company_user)
    client.post(reverse("incentives:application_new"), {"project": project.code, "scheme": fdii.key, **FORM})
    application = Application.objects.get()
    before = dict(application.facts)
    response = client.post(action("application_edit", application), {**FORM, "investment_land": "-5"})
    assert response.status_code == 200
    assert response.context["form"].errors["investment_land"] == [str(services.FACT_NOT_A_NUMBER)]
    application.refresh_from_db()
    assert application.facts == before


def test_a_refused_step_writes_nothing(reviewed, company_user, client_for):
    client = client_in(client_for, company_user)
    response = client.post(action("application_decide", reviewed), {"decision": "approve"})
    assert response.status_code == 302
    assert errors_of(response) == ["You are not allowed to do this."]
    reviewed.refresh_from_db()
    assert reviewed.status == Application.Status.REVIEWED


# -- schemes, envelopes, simulator ----------------------------------------------------------------------------------


def test_a_scheme_version_is_added_and_closed_through_the_page(fdii, make_user, client_for):
    client = client_in(client_for, make_user(Role.FUND_OFFICER))
    url = reverse("incentives:scheme", kwargs={"key": fdii.key})
    page = client.get(url)
    rules = page.context["form"].initial["rules"]
    assert "legal_basis: loi de finances 2015" in rules and "legal_basis: loi de finances 2015" in page.content.decode()

    # The version in force is open-ended: a new one overlaps it, and says so beside the rules.
    overlapping = client.post(reverse("incentives:version_add", kwargs={"key": fdii.key}), {"rules": rules})
    assert overlapping.status_code == 200
    assert "overlaps version 1" in overlapping.context["form"].errors["rules"][0]
    broken = client.post(reverse("incentives:version_add", kwargs={"key": fdii.key}), {"rules": "name: [unclosed"})
    assert "This is not valid YAML" in broken.context["form"].errors["rules"][0]
    unreadable = client.post(reverse("incentives:version_add", kwargs={"key": fdii.key}), {"rules": "name: FDII"})
    assert "These rules cannot be read" in unreadable.context["form"].errors["rules"][0]
    assert SchemeVersion.objects.filter(scheme=fdii).count() == 1

    closed = client.post(
        reverse("incentives:version_close", kwargs={"key": fdii.key, "number": 1}), {"valid_to": "2022-12-31"}
    )
    assert closed.status_code == 302
    data = yaml.safe_load(rules)
    data["valid_from"], data["valid_to"] = "2023-01-01", None
    added = client.post(
        reverse("incentives:version_add", kwargs={"key": fdii.key}), {"rules": yaml.safe_dump(data), "note": "Loi 2023"}
    )
    assert added.status_code == 302, added.context["form"].errors if added.context else added
    version = SchemeVersion.objects.get(scheme=fdii, number=2)
    assert (version.valid_from, version.valid_to, version.note) == (date(2023, 1, 1), None, "Loi 2023")


def test_only_scheme_managers_see_the_version_forms(fdii, make_user, client_for):
    page = client_in(client_for, make_user(Role.MINISTRY_ADMIN)).get(
        reverse("incentives:scheme", kwargs={"key": fdii.key})
    )
    assert 'name="rules"' in page.content.decode()
    assert "Close the version" in page.content.decode()


def test_an_envelope_is_created_through_the_page_once_per_scope(imm, fdii, make_user, client_for):
    client = client_in(client_for, make_user(Role.MINISTRY_ADMIN))
    data = {"name": "FDII IMM", "programme": imm.sector.programme.code, "scheme": fdii.key, "amount_mad": "630 000 000"}
    response = client.post(reverse("incentives:envelope_new"), data)
    assert response.status_code == 302
    envelope = Envelope.objects.get()
    assert (envelope.name, envelope.amount_mad, envelope.scheme) == ("FDII IMM", Decimal("630000000"), fdii)
    again = client.post(reverse("incentives:envelope_new"), {**data, "name": "Bis"})
    assert errors_of(again) == [str(services.ENVELOPE_EXISTS)]
    bad = client.post(reverse("incentives:envelope_new"), {**data, "scheme": "", "amount_mad": "beaucoup"})
    assert errors_of(bad)[-1] == "Enter a number."
    assert Envelope.objects.count() == 1
    page = client.get(reverse("incentives:envelopes")).content.decode()
    assert "FDII IMM" in page and "envelopes-chart" in page and "630,000,000" in page
    download = client.get(reverse("incentives:envelopes") + "?download=xlsx")
    assert download["Content-Type"] == XLSX


def test_the_simulator_shows_totals_chart_table_and_reasons(envelope, fdii, project, make_user, client_for):
    client = client_in(client_for, make_user(Role.MINISTRY_ANALYST))
    version = fdii.versions.get()
    data = {"programme": envelope.programme.code, "version": version.pk, "envelope_amount": ""}
    response = client.post(reverse("incentives:simulator"), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "simulation-chart" not in text or "The envelope by year" in text
    assert project.code in text
    simulation = response.context["simulation"]
    assert simulation.envelope == Decimal("630000000")
    # The project brings only its investment as equipment and no agreement flag unless signed: every reason shown.
    for row in response.context["ineligible"]:
        assert row["reasons"] and all(" " in reason for reason in row["reasons"])

    modified = "name: FDII\nlegal_basis: x\nsource: y\nvalid_from: 2015-01-01\neligibility: {any_of: []}\n"
    modified += "eligible_expenses: [equipment]\nprimes: [{key: support, kind: fixed, rate: '0.1'}]\n"
    modified += "caps: {total_rate: '0.3'}\n"
    response = client.post(reverse("incentives:simulator"), {**data, "rules": modified, "envelope_amount": "1 000 000"})
    assert response.context["result"].modified
    assert response.context["simulation"].envelope == Decimal("1000000")
    text = response.content.decode()
    assert "modified rules, not saved" in text and "The envelope by year" in text and "simulation-chart" in text

    bad = client.post(reverse("incentives:simulator"), {**data, "rules": "primes: [", "envelope_amount": "-3"})
    assert bad.status_code == 200
    assert "This is not valid YAML" in bad.context["form"].errors["rules"][0]
    assert bad.context["form"].errors["envelope_amount"]
    unreadable = client.post(reverse("incentives:simulator"), {**data, "rules": "name: x"})
    assert "These rules cannot be read" in unreadable.context["form"].errors["rules"][0]

    download = client.post(reverse("incentives:simulator"), {**data, "download": "xlsx"})
    assert download["Content-Type"] == XLSX

    loaded = client.get(reverse("incentives:simulator") + f"?version={version.pk}&load=1")
    assert "legal_basis: loi de finances 2015" in loaded.content.decode()


def test_a_company_user_may_not_simulate(envelope, fdii, company_user, client_for):
    client = client_in(client_for, company_user)
    assert client.get(reverse("incentives:simulator")).status_code == 403
    response = client.post(reverse("incentives:simulator"), {"version": fdii.versions.get().pk})
    assert errors_of(response) == ["You are not allowed to do this."]


# -- languages ------------------------------------------------------------------------------------------------------


def test_arabic_pages_read_right_to_left(approved, company_user, fdii, client_for):
    client = client_in(client_for, company_user, language="ar")
    for url in (
        page_url(approved),
        reverse("incentives:applications"),
        reverse("incentives:scheme", kwargs={"key": fdii.key}),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_french_is_the_default_language(approved, company_user, client_for):
    response = client_for(company_user).get(page_url(approved))
    assert '<html lang="fr" dir="ltr">' in response.content.decode()


# -- the words of the codes -------------------------------------------------------------------------------------------

CODES = [
    *(code for _fact, _minimum, code in BOUNDS.values()),
    *FLAGS.values(),
    "fact_unknown",
    "application_before_validity",
    "application_after_validity",
    "ratio_undefined",
    "below_first_tier",
    "tier",
    "territorial_rate",
    "no_territorial_rate",
    "sector_rate",
    "no_sector_rate",
    "fixed_rate",
    "rate_not_agreed",
    "agreed_rate",
    "agreed_rate_capped",
    "earlier_tranche_not_releasable",
    "tranche_jobs_not_reached",
    "tranche_investment_not_reached",
]
PARAMS = {
    "minimum": "50000000",
    "maximum": "0.3",
    "actual": "1000",
    "inclusive": True,
    "fact": "turnover",
    "valid_from": "2023-02-23",
    "valid_to": "2025-01-01",
    "date": "2022-01-01",
    "ratio": "3.5",
    "first_tier_from": "2",
    "from": "2",
    "to": "5",
    "category": "A",
    "sector": "auto",
    "agreed": "0.2",
    "tranche": 0,
    "required": "10",
    "verified": "3",
    "proven": "0",
}


@pytest.mark.parametrize("code", CODES)
def test_every_reason_code_of_the_analytics_has_a_sentence(code):
    text = explain.reason_text(code, PARAMS)
    assert text != code and "%(" not in text
    assert explain.reason_text(code, {**PARAMS, "route": "sme"}).startswith("Route “small or medium enterprise”: ")


def test_an_unknown_code_is_shown_as_itself():
    assert explain.reason_text("something_new", {"x": 1}) == "something_new"
    assert explain.prime_label("new_prime") == "new prime"
    assert explain.route_label("locomotive_jobs") == "locomotive project, by its jobs"
    assert explain.category_label("technical_assistance") == "technical assistance"
    assert explain.status_help("signed")
