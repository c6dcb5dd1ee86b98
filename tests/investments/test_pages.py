"""The investment pages in French: the IMM demo's jobs, a company's portal and forms scoped to its own
projects, lifecycle buttons, the project bank, imports polled until done, verification."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ecosys.accounts.models import User
from ecosys.core.roles import Role
from ecosys.investments.demo import demo_generate
from ecosys.investments.lifecycle import Status
from ecosys.investments.models import Declaration, ImportBatch, InvestmentProject, OpportunitySheet
from ecosys.investments.services.bank import sheet_create
from ecosys.investments.services.declarations import NEGATIVE, headcount_reconcile
from ecosys.investments.services.imports import HEADERS, ICE_UNKNOWN
from ecosys.investments.services.projects import NOT_EDITABLE, TRANSITION_NOT_ALLOWED
from ecosys.investments.tasks import import_batch_run
from tests.factories import CompanyFactory, EcosystemFactory
from tests.investments.factories import ProjectFactory, advance

pytestmark = pytest.mark.django_db

NNBSP = "\u202f"  # French groups thousands with a narrow no-break space
UNKNOWN_ICE = "001561191000066"


@pytest.fixture(autouse=True)
def _fast_passwords_and_uploads(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def foundry(db):
    return CompanyFactory(name="Fonderie de l'Atlas")


@pytest.fixture
def rival(db):
    return CompanyFactory(name="Aciéries du Sud")


@pytest.fixture
def ecosystem(db):
    return EcosystemFactory(code="IMM-FDR", name_fr="Fonderie")


@pytest.fixture
def owner(make_user, foundry) -> User:
    return make_user(Role.COMPANY_USER, organisation=foundry)


def french(message) -> str:
    with translation.override("fr"):
        return str(message)


def page(client: Client, url: str) -> str:
    """Return the page's HTML with entities decoded, so that texts compare as they read."""
    response = client.get(url)
    assert response.status_code == 200, (response.status_code, response.content[:500])
    return unescape(response.content.decode())


def errors_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


# --------------------------------------------------------------------------------------------------
# Jobs
# --------------------------------------------------------------------------------------------------


def test_the_jobs_page_shows_the_imm_demo_s_5878_verified_jobs_at_the_end_of_2018_by_ecosystem(
    imm, make_user, client_for
):
    demo_generate()
    headcount_reconcile(actor=None)
    client = client_for(make_user(Role.MINISTRY_ANALYST))

    html = page(client, "/jobs/?scope=programme&as_of=2018-12-31")
    naval = page(client, "/jobs/?scope=ecosystem&code=IMM-NAV&as_of=2018-12-31")

    figures = re.search(r'<dl class="kpis jobs-figures">(.*?)</dl>', html, re.S).group(1)
    assert f"5{NNBSP}878 emplois" in figures  # net verified, beside net declared and gross hires
    assert "Emplois nets déclarés" in figures and "Embauches brutes" in figures
    rows = dict(
        re.findall(
            r'code=(IMM-[A-Z]+)&as_of=2018-12-31">[^<]+</a></th>\s*<td[^>]*>[^<]*</td>'
            r'<td[^>]*>[^<]*</td><td class="num">([^<]+)</td>',
            html,
        )
    )
    verified = {code: int(value.replace(NNBSP, "")) for code, value in rows.items()}
    assert verified["IMM-NAV"] == 900
    assert sum(v for code, v in verified.items() if code != "IMM-NAV") == 4_978
    assert "900 emplois" in naval
    assert "Emplois créés (nets, vérifiés) = la variation de l'effectif" in html  # the method, in words
    assert "données de démonstration générées" in html.lower()  # labelled as generated
    spec = json.loads(re.search(r'<script type="application/json" id="spec-jobs">(.*?)</script>', html, re.S).group(1))
    groups = {row["group"] for row in spec["data"]["values"]}
    assert len(groups) == 4 and "Industrie navale" in groups
    assert 'data-vega-spec="spec-jobs"' in html and "vendor/vega-embed.min.js" in html


def test_a_company_user_s_jobs_page_shows_its_own_company_first(imm, make_user, client_for):
    demo_generate()
    project = InvestmentProject.objects.filter(is_generated=True, status=Status.IN_PRODUCTION).first()
    other = InvestmentProject.objects.filter(is_generated=True).exclude(company=project.company).first()
    client = client_for(make_user(Role.COMPANY_USER, organisation=project.company))

    html = page(client, "/jobs/?as_of=2018-12-31")

    assert project.company.name in html
    assert other.company.name not in html
    assert client.get(f"/jobs/?scope=company&code={other.company.ice}").status_code == 404


# --------------------------------------------------------------------------------------------------
# Projects: a company sees and edits its own, until validation
# --------------------------------------------------------------------------------------------------


def test_the_project_list_labels_generated_rows_and_filters_by_ecosystem_status_and_region(
    make_user, client_for, foundry, rival, ecosystem
):
    ProjectFactory(company=foundry, ecosystem=ecosystem, name="Fonderie réelle")
    demo = advance(ProjectFactory(company=rival, name="Fonderie de démonstration", is_generated=True), Status.SUBMITTED)
    client = client_for(make_user(Role.FEDERATION_OFFICER))

    html = page(client, "/projects/")
    filtered = page(client, f"/projects/?ecosystem={ecosystem.code}&status=identified&region=06")
    elsewhere = page(client, "/projects/?region=01")

    generated_row = next(row for row in html.split("<tr>") if demo.code in row)
    real_row = next(row for row in html.split("<tr>") if "Fonderie réelle" in row)
    assert 'class="badge generated"' in generated_row and ">généré<" in generated_row
    assert "badge generated" not in real_row
    assert "Fonderie réelle" in filtered and demo.code not in filtered
    assert "Aucun projet." in elsewhere


def test_a_company_user_sees_its_own_projects_only_and_another_company_s_page_is_not_found(
    owner, client_for, foundry, rival, ecosystem
):
    own = ProjectFactory(company=foundry, ecosystem=ecosystem)
    theirs = ProjectFactory(company=rival, ecosystem=ecosystem)
    client = client_for(owner)

    listed = page(client, "/projects/")

    assert own.code in listed and theirs.code not in listed
    assert client.get(f"/projects/{theirs.code}/").status_code == 404
    assert client.get(f"/projects/{theirs.code}/edit").status_code == 404
    response = client.post(f"/projects/{theirs.code}/edit", {"name": "X", "ecosystem": ecosystem.code})
    assert response.status_code == 404
    assert InvestmentProject.objects.get(pk=theirs.pk).name == theirs.name


def test_a_company_user_declares_a_project_on_the_form_with_its_plan_and_milestones(
    owner, client_for, foundry, ecosystem
):
    client = client_for(owner)
    form = page(client, "/projects/new")
    data = {
        "name": "Fonderie d'aluminium de Berrechid",
        "ecosystem": ecosystem.code,
        "hs_codes": "7616, 7604",
        "province": "06.01",
        "investment_mad": "120000000",
        "land_need_m2": "12000",
        "plan_0_year": "2019",
        "plan_0_jobs": "40",
        "plan_1_year": "2020",
        "plan_1_jobs": "85",
        "planned_production_start": "2020-03-01",
    }

    response = client.post("/projects/new", data)

    assert 'name="company"' not in form  # a company user acts for its own company only
    project = InvestmentProject.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("investments:project", kwargs={"code": project.code})
    assert (project.company, project.region.code, project.hs_codes) == (foundry, "06", ["7604", "7616"])
    assert [(p.year, p.jobs) for p in project.plan.all()] == [(2019, 40), (2020, 85)]
    html = page(client, response["Location"])
    assert "Plan annuel" in html and "85 emplois" in html
    assert "démarrage de la production" in html
    assert "Passer à « soumis »" in html  # the moves open to the company
    assert "Passer à « validé par la fédération »" not in html


def test_a_wrong_hs_code_on_the_form_is_shown_beside_the_field_and_nothing_is_created(owner, client_for, ecosystem):
    data = {
        "name": "Fonderie",
        "ecosystem": ecosystem.code,
        "province": "06.01",
        "investment_mad": "1",
        "hs_codes": "9999",
    }

    response = client_for(owner).post("/projects/new", data)

    assert response.status_code == 200
    assert "Code SH inconnu : 9999." in response.content.decode()
    assert not InvestmentProject.objects.exists()


def test_a_company_user_edits_its_project_until_it_is_validated(owner, client_for, foundry, ecosystem):
    project = ProjectFactory(company=foundry, ecosystem=ecosystem, name="Fonderie")
    client = client_for(owner)
    fields = {"ecosystem": ecosystem.code, "province": "06.01", "investment_mad": "60000000"}

    edited = client.post(f"/projects/{project.code}/edit", {**fields, "name": "Fonderie de précision"})
    advance(project, Status.VALIDATED)
    shown = client.get(f"/projects/{project.code}/edit", follow=True)
    refused = client.post(f"/projects/{project.code}/edit", {**fields, "name": "Autre nom"})

    assert edited.status_code == 302
    assert shown.redirect_chain == [(f"/projects/{project.code}/", 302)]
    assert french(NOT_EDITABLE) in unescape(shown.content.decode())
    assert refused.status_code == 302
    assert errors_of(refused) == [french(NOT_EDITABLE)]
    assert InvestmentProject.objects.get(pk=project.pk).name == "Fonderie de précision"
    assert "Modifier</a>" not in page(client, f"/projects/{project.code}/")


def test_a_move_the_lifecycle_does_not_allow_is_refused_on_the_page_and_writes_nothing(
    make_user, client_for, foundry, ecosystem
):
    project = ProjectFactory(company=foundry, ecosystem=ecosystem)
    client = client_for(make_user(Role.MINISTRY_ADMIN))

    response = client.post(f"/projects/{project.code}/transition", {"target": "completed", "reason": ""})

    assert response.status_code == 302
    with translation.override("fr"):
        expected = str(TRANSITION_NOT_ALLOWED % {"source": Status.IDENTIFIED.label, "target": Status.COMPLETED.label})
    assert errors_of(response) == [expected]
    project.refresh_from_db()
    assert project.status == Status.IDENTIFIED
    assert project.events.count() == 1


def test_the_project_page_offers_the_federation_its_moves_and_records_them_with_the_reason(
    make_user, client_for, foundry, ecosystem
):
    project = advance(ProjectFactory(company=foundry, ecosystem=ecosystem), Status.SUBMITTED)
    client = client_for(make_user(Role.FEDERATION_OFFICER))

    before = page(client, f"/projects/{project.code}/")
    client.post(f"/projects/{project.code}/transition", {"target": "validated", "reason": "Dossier complet"})
    after = page(client, f"/projects/{project.code}/")

    assert "Passer à « validé par la fédération »" in before
    assert "Passer à « abandonné »" in before
    assert "Dossier complet" in after  # the reason, in the lifecycle table
    assert "Convention signée le" in after and 'type="date" name="agreement_date"' in after


# --------------------------------------------------------------------------------------------------
# The company portal
# --------------------------------------------------------------------------------------------------


def test_a_company_user_s_portal_is_its_company_page_with_a_form_to_declare_a_month(
    owner, client_for, foundry, rival, ecosystem
):
    ProjectFactory(company=foundry, ecosystem=ecosystem, name="Fonderie de Berrechid")
    client = client_for(owner)

    home = client.get("/portal/")
    html = page(client, home["Location"])
    declared = client.post(f"/companies/{foundry.ice}/declarations", {"month": "2019-01", "headcount": "120"})
    future = client.post(f"/companies/{foundry.ice}/declarations", {"month": "2999-01", "headcount": "1"})

    assert home["Location"] == f"/companies/{foundry.ice}/"
    assert "Fonderie de Berrechid" in html and "Déclarer un mois" in html
    assert declared.status_code == 302
    assert Declaration.objects.get(company=foundry).headcount == 120
    assert "En attente" not in page(client, f"/companies/{foundry.ice}/")
    assert "déclaré, pas encore vérifié" in page(client, f"/companies/{foundry.ice}/")
    assert errors_of(future) == ["Un mois qui n'est pas encore écoulé ne peut pas être déclaré."]
    assert client.get(f"/companies/{rival.ice}/").status_code == 404
    assert (
        client.post(f"/companies/{rival.ice}/declarations", {"month": "2019-01", "headcount": "1"}).status_code == 404
    )
    assert Declaration.objects.count() == 1


def test_staff_choose_a_company_on_the_portal(make_user, client_for, foundry, rival):
    html = page(client_for(make_user(Role.AUDITOR)), "/portal/?q=Atlas")

    assert foundry.name in html
    assert rival.name not in html


# --------------------------------------------------------------------------------------------------
# The project bank
# --------------------------------------------------------------------------------------------------


def test_a_company_takes_a_sheet_of_the_project_bank_up(owner, client_for, foundry, ecosystem):
    sheet_create(actor=None, code="BQ-7306", ecosystem=ecosystem, name_fr="Tubes soudés", hs_codes=["7306"])
    client = client_for(owner)

    html = page(client, "/bank/BQ-7306/")
    response = client.post("/bank/BQ-7306/take-up", {"province": "06.01", "investment_mad": "25000000"})

    assert "Saisir l'opportunité" in html
    project = InvestmentProject.objects.get()
    assert response["Location"] == f"/projects/{project.code}/"
    assert (project.company, project.sheet.code, project.hs_codes) == (foundry, "BQ-7306", ["7306"])
    assert OpportunitySheet.objects.get(code="BQ-7306").status == "taken"
    assert "Saisir l'opportunité" not in page(client, "/bank/BQ-7306/")  # taken: no more button


def test_the_project_bank_labels_generated_sheets(make_user, client_for, ecosystem):
    sheet_create(actor=None, code="BQ-DEMO", ecosystem=ecosystem, name_fr="Vis", is_generated=True)

    html = page(client_for(make_user(Role.LAND_OFFICER)), "/bank/")

    row = next(row for row in html.split("<tr>") if "BQ-DEMO" in row)
    assert ">généré<" in row


# --------------------------------------------------------------------------------------------------
# Imports and verification
# --------------------------------------------------------------------------------------------------


def test_the_imports_page_links_the_templates_in_french_english_and_arabic(make_user, client_for):
    client = client_for(make_user(Role.MINISTRY_ANALYST))

    html = page(client, "/imports/")

    for kind in ("declarations", "cnss"):
        for fmt in ("csv", "xlsx"):
            for lang in ("fr", "en", "ar"):
                assert f'href="/imports/templates/{kind}.{fmt}?lang={lang}"' in html
    arabic = client.get("/imports/templates/declarations.csv?lang=ar")
    assert arabic["Content-Disposition"] == 'attachment; filename="ecosys-declarations-ar.csv"'
    assert arabic.content.decode("utf-8-sig").strip().split(",") == list(HEADERS["ar"].values())
    assert client.get("/imports/templates/payroll.csv").status_code == 404


def test_an_import_is_polled_every_second_until_done_then_shows_each_error_by_row_and_column(
    make_user, client_for, foundry, django_capture_on_commit_callbacks
):
    client = client_for(make_user(Role.MINISTRY_ANALYST))
    text = f"ice,month,headcount\n{foundry.ice},2019-01,120\n{UNKNOWN_ICE},2019-02,80\n{foundry.ice},2019-03,-5\n"
    upload = SimpleUploadedFile("cnss.csv", text.encode(), content_type="text/csv")

    with django_capture_on_commit_callbacks() as queued:  # the worker has not run yet
        response = client.post("/imports/upload", {"kind": "cnss", "file": upload})
    batch = ImportBatch.objects.get()
    running = page(client, response["Location"])
    (enqueue,) = queued  # what the worker is given: the batch and the stored file
    assert enqueue.args[0] == batch.pk
    import_batch_run.call(*enqueue.args)
    finished = page(client, f"/imports/{batch.pk}/progress")

    assert response["Location"] == f"/imports/{batch.pk}/"
    assert f'hx-get="/imports/{batch.pk}/progress"' in running and 'hx-trigger="every 1s"' in running
    assert "hx-trigger" not in finished  # done: the polling stops
    assert "Rien n'a été importé." in finished
    cells = re.findall(r"<tr><td class=\"num\">(\d+)</td><td>(\w+)</td><td>([^<]+)</td></tr>", finished)
    assert cells == [
        ("3", "ice", french(ICE_UNKNOWN % {"ice": UNKNOWN_ICE})),
        ("4", "headcount", french(NEGATIVE)),
    ]
    assert not Declaration.objects.exists()


def test_a_running_import_shows_the_rows_checked_then_that_it_writes_them_all_at_once(make_user, client_for):
    client = client_for(make_user(Role.MINISTRY_ANALYST))
    batch = ImportBatch.objects.create(kind="cnss", filename="cnss.csv", sha256="0" * 64)

    starting = page(client, f"/imports/{batch.pk}/progress")
    ImportBatch.objects.filter(pk=batch.pk).update(rows_done=50000)
    checking = page(client, f"/imports/{batch.pk}/progress")
    ImportBatch.objects.filter(pk=batch.pk).update(rows_total=1000000, rows_done=0)
    writing = page(client, f"/imports/{batch.pk}/progress")

    assert "vérification de chaque ligne" in starting and "lignes vérifiées" not in starting
    assert "50\u202f000 lignes vérifiées" in checking
    assert "écriture des 1\u202f000\u202f000 lignes en une fois" in writing
    assert all('hx-trigger="every 1s"' in html for html in (starting, checking, writing))


def test_a_good_import_runs_at_once_with_the_immediate_backend_and_the_page_shows_the_rows(
    make_user, client_for, foundry, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = client_for(make_user(Role.MINISTRY_ADMIN))
    upload = SimpleUploadedFile("cnss.csv", f"ICE,mois,effectif\n{foundry.ice},2019-01,120\n".encode())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/upload", {"kind": "cnss", "file": upload})
    html = page(client, response["Location"])

    assert "Importé : 1 ligne." in html and "hx-trigger" not in html
    assert Declaration.objects.get(company=foundry, source="cnss").headcount == 120


def test_the_verification_page_shows_the_tolerance_and_lets_analysts_reconcile(make_user, client_for, foundry, owner):
    Declaration.objects.create(company=foundry, month="2019-01-01", headcount=100)
    Declaration.objects.create(company=foundry, month="2019-01-01", source="cnss", headcount=120, verification="record")
    analyst = client_for(make_user(Role.MINISTRY_ANALYST))

    before = page(analyst, f"/verification/?company={foundry.ice}")
    response = analyst.post("/verification/reconcile", {"company": foundry.ice})
    after = page(analyst, response["Location"])
    own = page(client_for(owner), "/verification/")

    assert "au plus 2 emplois ou 5 % du chiffre CNSS" in before
    assert "Rapprocher maintenant" in before
    assert response["Location"] == f"/verification/?company={foundry.ice}"
    row = re.search(r"<td>2019-01</td>(.*?)</tr>", after, re.S).group(1)
    assert "100" in row and "120" in row and "-20" in row and "au-delà de la tolérance" in row
    assert "Rapprocher maintenant" not in own and "2019-01" in own  # the company sees its table, not the button
