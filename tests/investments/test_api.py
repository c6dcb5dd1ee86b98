"""The investments API end to end: the IMM demo's jobs, companies scoped to their own projects, the
lifecycle, the project bank, declarations, imports run by the task worker, templates, verification."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from ecosys.accounts.models import User
from ecosys.core.roles import Role
from ecosys.investments.demo import demo_generate
from ecosys.investments.jobs import method_text
from ecosys.investments.lifecycle import Status
from ecosys.investments.models import (
    Declaration,
    ImportBatch,
    InvestmentProject,
    OpportunitySheet,
    ProjectEvent,
    VerificationPolicy,
)
from ecosys.investments.services.declarations import MONTH_INVALID, NEGATIVE, headcount_reconcile
from ecosys.investments.services.imports import ALREADY_IMPORTED, HEADERS, ICE_UNKNOWN
from ecosys.investments.services.projects import NOT_EDITABLE, TRANSITION_NOT_ALLOWED
from ecosys.investments.tasks import import_batch_run
from tests.factories import CompanyFactory, EcosystemFactory
from tests.investments.factories import ProjectFactory, advance

pytestmark = pytest.mark.django_db

API = "/api/v1"
UNKNOWN_ICE = "001561191000066"  # valid, but no company in these tests has it
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fast_passwords_and_uploads(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api_for(client_for):
    """A signed-in client whose API answers in English, so messages compare with the msgids."""

    def build(user: User) -> Client:
        client = client_for(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return build


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
    """A company user of the foundry."""
    return make_user(Role.COMPANY_USER, organisation=foundry)


@pytest.fixture
def admin(make_user) -> User:
    return make_user(Role.MINISTRY_ADMIN)


@pytest.fixture
def immediate_tasks(settings):
    """Run enqueued tasks at once (django-tasks resets its backends when TASKS changes)."""
    settings.TASKS = IMMEDIATE


def english(message: Any) -> str:
    with translation.override("en"):
        return str(message)


def assert_error(response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    if code is not None:
        assert body["code"] == code
    return body


def csv_upload(kind: str, text: str, name: str = "file.csv") -> dict[str, Any]:
    return {"kind": kind, "file": SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")}


def upload(client: Client, data: dict[str, Any], capture) -> dict[str, Any]:
    """Upload a file; the import runs when the batch is committed (the captured on-commit callbacks)."""
    with capture(execute=True):
        response = client.post(f"{API}/imports", data)
    assert response.status_code == 201, response.content[:500]
    return response.json()


# --------------------------------------------------------------------------------------------------
# The IMM demo through the API
# --------------------------------------------------------------------------------------------------


def test_the_imm_demo_shows_5878_net_verified_jobs_at_the_end_of_2018_and_4978_outside_shipbuilding(
    imm, api_for, make_user
):
    demo_generate()
    headcount_reconcile(actor=None)
    client = api_for(make_user(Role.MINISTRY_ANALYST))

    programme = client.get(f"{API}/jobs", {"scope": "programme", "as_of": "2018-12-31"}).json()
    naval = client.get(f"{API}/jobs", {"scope": "ecosystem", "code": "IMM-NAV", "as_of": "2018-12-31"}).json()

    assert programme["net_verified"] == 5_878
    by_ecosystem = {e["ecosystem"]: e for e in programme["ecosystems"]}
    assert sum(e["net_verified"] for code, e in by_ecosystem.items() if code != "IMM-NAV") == 4_978
    assert programme["net_verified"] - naval["net_verified"] == 4_978
    assert (programme["as_of"], programme["scope"], programme["code"]) == ("2018-12-31", "programme", "pai-2014-2020")
    assert programme["firms_verified"] == programme["firms"] == len(programme["companies"])
    assert programme["gross_hires"] > programme["net_declared"] > 0  # gross hires are never jobs created
    assert programme["includes_generated_data"] is True
    assert all(c["is_generated"] for c in programme["companies"])
    assert programme["method"] == english(method_text(VerificationPolicy.current()))
    assert naval["subject"] == "Shipbuilding and ship repair"
    assert {c["ecosystem"] for c in naval["companies"]} == {"IMM-NAV"}
    verification = client.get(f"{API}/verification", {"ecosystem": "IMM-NAV"}).json()
    assert verification["includes_generated_data"] is True
    assert verification["rows"][0]["month"] == "2020-12"


def test_a_company_user_s_jobs_count_its_own_company_only(imm, api_for, make_user):
    demo_generate()
    project = InvestmentProject.objects.filter(is_generated=True, status=Status.IN_PRODUCTION).first()
    owner = make_user(Role.COMPANY_USER, organisation=project.company)
    client = api_for(owner)

    jobs = client.get(f"{API}/jobs", {"as_of": "2018-12-31"}).json()
    own = client.get(f"{API}/jobs", {"scope": "company", "code": project.company.ice, "as_of": "2018-12-31"})
    other = InvestmentProject.objects.filter(is_generated=True).exclude(company=project.company).first()

    assert [c["ice"] for c in jobs["companies"]] == [project.company.ice]
    assert own.status_code == 200
    assert own.json()["net_verified"] == jobs["net_verified"]
    assert_error(client.get(f"{API}/jobs", {"scope": "company", "code": other.company.ice}), 404, "not_found")


def test_jobs_need_a_code_for_an_ecosystem_and_a_valid_scope_and_date(api_for, admin):
    client = api_for(admin)

    assert_error(client.get(f"{API}/jobs", {"scope": "ecosystem"}), 400, "code_required")
    assert_error(client.get(f"{API}/jobs", {"scope": "world"}), 422, "invalid")
    assert_error(client.get(f"{API}/jobs", {"as_of": "31/12/2018"}), 422, "invalid")


# --------------------------------------------------------------------------------------------------
# Projects: scoping, editing until validation, the lifecycle
# --------------------------------------------------------------------------------------------------


def test_a_company_user_lists_and_reads_only_its_own_projects(api_for, owner, foundry, rival, ecosystem):
    own = ProjectFactory(company=foundry, ecosystem=ecosystem)
    theirs = ProjectFactory(company=rival, ecosystem=ecosystem)
    client = api_for(owner)

    listed = client.get(f"{API}/projects").json()

    assert [p["code"] for p in listed["items"]] == [own.code]
    assert listed["count"] == 1
    assert client.get(f"{API}/projects/{own.code}").json()["company"] == foundry.ice
    assert_error(client.get(f"{API}/projects/{theirs.code}"), 404, "not_found")
    assert_error(client.get(f"{API}/projects/{theirs.code}/events"), 404, "not_found")


def test_staff_filter_projects_by_ecosystem_status_region_and_company(api_for, admin, foundry, rival, ecosystem):
    first = ProjectFactory(company=foundry, ecosystem=ecosystem)
    advance(ProjectFactory(company=rival, ecosystem=ecosystem), Status.SUBMITTED)
    ProjectFactory(company=rival)
    client = api_for(admin)

    def codes(**query: str) -> list[str]:
        return [p["code"] for p in client.get(f"{API}/projects", query).json()["items"]]

    assert len(codes()) == 3
    assert len(codes(ecosystem=ecosystem.code)) == 2
    assert codes(ecosystem=ecosystem.code, status="identified") == [first.code]
    assert codes(company=foundry.ice) == [first.code]
    assert len(codes(region="06")) == 3
    assert codes(region="01") == []
    assert len(client.get(f"{API}/projects", {"limit": 2}).json()["items"]) == 2


def test_a_company_user_creates_a_project_for_its_own_company_without_naming_it(api_for, owner, foundry, ecosystem):
    payload = {
        "name": "Fonderie d'aluminium de Berrechid",
        "ecosystem": ecosystem.code,
        "hs_codes": ["7616"],
        "province": "06.01",
        "investment_mad": "120000000",
        "land_need_m2": 12000,
        "plan": [{"year": 2019, "jobs": 40, "turnover_mad": "30000000"}, {"year": 2020, "jobs": 85}],
        "milestones": [{"kind": "production_start", "planned_date": "2020-03-01"}],
    }

    response = api_for(owner).post(f"{API}/projects", payload, content_type="application/json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["company"], body["status"], body["region"], body["province"]) == (
        foundry.ice,
        "identified",
        "06",
        "06.01",
    )
    assert [(y["year"], y["jobs"]) for y in body["plan"]] == [(2019, 40), (2020, 85)]
    assert body["milestones"] == [{"kind": "production_start", "planned_date": "2020-03-01", "actual_date": None}]
    assert [e["target"] for e in body["events"]] == ["identified"]
    assert body["can_edit"] is True
    assert body["allowed_transitions"] == ["submitted", "abandoned"]
    assert InvestmentProject.objects.get(code=body["code"]).company == foundry


def test_a_company_user_cannot_create_a_project_for_another_company(api_for, owner, rival, ecosystem):
    payload = {"company": rival.ice, "name": "X", "ecosystem": ecosystem.code, "province": "06.01", "investment_mad": 1}

    response = api_for(owner).post(f"{API}/projects", payload, content_type="application/json")

    assert_error(response, 404, "not_found")
    assert not InvestmentProject.objects.exists()


def test_a_project_with_an_unknown_province_or_a_wrong_type_is_refused_naming_the_field(
    api_for, admin, foundry, ecosystem
):
    client = api_for(admin)
    payload = {
        "company": foundry.ice,
        "name": "X",
        "ecosystem": ecosystem.code,
        "province": "99.99",
        "investment_mad": 1,
    }

    unknown = client.post(f"{API}/projects", payload, content_type="application/json")
    typed = client.post(f"{API}/projects", {**payload, "investment_mad": "a lot"}, content_type="application/json")
    mismatched = client.post(
        f"{API}/projects", {**payload, "province": "06.01", "region": "01"}, content_type="application/json"
    )

    assert assert_error(unknown, 400, "unknown_province")["errors"][0]["field"] == "province"
    assert assert_error(typed, 422, "invalid")["errors"][0]["field"] == "investment_mad"
    assert assert_error(mismatched, 400, "province_not_in_region")["errors"][0]["field"] == "province"
    assert not InvestmentProject.objects.exists()


def test_a_company_user_edits_its_project_until_validation_then_gets_409_and_nothing_changes(
    api_for, owner, foundry, ecosystem
):
    project = ProjectFactory(company=foundry, ecosystem=ecosystem, name="Fonderie")
    client = api_for(owner)

    edited = client.patch(
        f"{API}/projects/{project.code}",
        {"name": "Fonderie de précision", "plan": [{"year": 2021, "jobs": 30}]},
        content_type="application/json",
    )
    advance(project, Status.VALIDATED)
    locked = client.patch(f"{API}/projects/{project.code}", {"name": "Autre"}, content_type="application/json")

    assert edited.status_code == 200, edited.content
    assert edited.json()["name"] == "Fonderie de précision"
    assert edited.json()["plan"][0]["jobs"] == 30
    body = assert_error(locked, 409, "project_locked")
    assert body["message"] == english(NOT_EDITABLE)
    assert InvestmentProject.objects.get(pk=project.pk).name == "Fonderie de précision"
    assert client.get(f"{API}/projects/{project.code}").json()["can_edit"] is False


def test_a_company_user_cannot_edit_another_company_s_project(api_for, owner, rival, ecosystem):
    theirs = ProjectFactory(company=rival, ecosystem=ecosystem, name="Aciérie")

    response = api_for(owner).patch(f"{API}/projects/{theirs.code}", {"name": "X"}, content_type="application/json")

    assert_error(response, 404, "not_found")
    assert InvestmentProject.objects.get(pk=theirs.pk).name == "Aciérie"


def test_a_transition_the_lifecycle_does_not_allow_is_refused_with_409_and_writes_nothing(
    api_for, admin, foundry, ecosystem
):
    project = ProjectFactory(company=foundry, ecosystem=ecosystem)
    events = ProjectEvent.objects.filter(project=project).count()

    response = api_for(admin).post(
        f"{API}/projects/{project.code}/transitions", {"target": "completed"}, content_type="application/json"
    )

    body = assert_error(response, 409, "transition_not_allowed")
    assert body["message"] == english(
        TRANSITION_NOT_ALLOWED % {"source": Status.IDENTIFIED.label, "target": Status.COMPLETED.label}
    )
    project.refresh_from_db()
    assert project.status == Status.IDENTIFIED
    assert ProjectEvent.objects.filter(project=project).count() == events


def test_a_project_moves_along_its_lifecycle_and_each_move_is_a_dated_event(
    api_for, owner, make_user, foundry, ecosystem
):
    project = ProjectFactory(company=foundry, ecosystem=ecosystem)
    federation, admin = make_user(Role.FEDERATION_OFFICER), make_user(Role.MINISTRY_ADMIN)
    url = f"{API}/projects/{project.code}/transitions"

    submitted = api_for(owner).post(url, {"target": "submitted"}, content_type="application/json")
    by_submitter = api_for(owner).post(url, {"target": "validated"}, content_type="application/json")
    validated = api_for(federation).post(url, {"target": "validated"}, content_type="application/json")
    undated = api_for(admin).post(url, {"target": "agreement_signed"}, content_type="application/json")
    signed = api_for(admin).post(
        url, {"target": "agreement_signed", "agreement_date": "2019-04-02"}, content_type="application/json"
    )
    events = api_for(owner).get(f"{API}/projects/{project.code}/events").json()

    assert submitted.status_code == validated.status_code == signed.status_code == 200
    assert assert_error(by_submitter, 403)["code"].startswith("forbidden")  # a company never validates
    assert assert_error(undated, 400, "agreement_date_required")["errors"][0]["field"] == "agreement_date"
    assert signed.json()["agreement_date"] == "2019-04-02"
    assert [(e["source"], e["target"]) for e in events] == [
        ("", "identified"),
        ("identified", "submitted"),
        ("submitted", "validated"),
        ("validated", "agreement_signed"),
    ]
    assert [e["by"] for e in events[1:]] == [owner.username, federation.username, admin.username]


def test_abandoning_a_project_needs_a_reason_which_the_event_keeps(api_for, owner, foundry, ecosystem):
    project = ProjectFactory(company=foundry, ecosystem=ecosystem)
    url = f"{API}/projects/{project.code}/transitions"

    silent = api_for(owner).post(url, {"target": "abandoned"}, content_type="application/json")
    explained = api_for(owner).post(
        url, {"target": "abandoned", "reason": "Financement non bouclé"}, content_type="application/json"
    )

    assert assert_error(silent, 400, "reason_required")["errors"][0]["field"] == "reason"
    assert explained.json()["events"][-1]["reason"] == "Financement non bouclé"


# --------------------------------------------------------------------------------------------------
# The project bank
# --------------------------------------------------------------------------------------------------


def test_a_sheet_is_published_taken_up_by_a_company_and_marked_taken(api_for, make_user, owner, foundry, ecosystem):
    federation = make_user(Role.FEDERATION_OFFICER)
    sheet = {
        "code": "BQ-7306",
        "ecosystem": ecosystem.code,
        "name_fr": "Tubes soudés",
        "name_en": "Welded tubes",
        "hs_codes": ["7306"],
        "indicative_investment_mad": "80000000",
        "indicative_jobs": 120,
    }

    published = api_for(federation).post(f"{API}/sheets", sheet, content_type="application/json")
    seen = api_for(owner).get(f"{API}/sheets").json()
    taken = api_for(owner).post(
        f"{API}/sheets/BQ-7306/projects", {"province": "06.01"}, content_type="application/json"
    )

    assert published.status_code == 201, published.content
    assert [s["code"] for s in seen] == ["BQ-7306"]
    assert seen[0]["name"] == "Welded tubes"  # the API answers in the reader's language
    assert taken.status_code == 201, taken.content
    project = taken.json()
    assert (project["company"], project["sheet"], project["hs_codes"]) == (foundry.ice, "BQ-7306", ["7306"])
    assert Decimal(project["investment_mad"]) == Decimal("80000000")
    assert api_for(owner).get(f"{API}/sheets/BQ-7306").json()["status"] == "taken"


def test_a_withdrawn_sheet_is_hidden_from_those_who_do_not_manage_the_bank(api_for, make_user, owner, ecosystem):
    federation = make_user(Role.FEDERATION_OFFICER)
    api_for(federation).post(
        f"{API}/sheets",
        {"code": "BQ-1", "ecosystem": ecosystem.code, "name_fr": "Vis"},
        content_type="application/json",
    )

    withdrawn = api_for(federation).post(
        f"{API}/sheets/BQ-1/status", {"status": "withdrawn"}, content_type="application/json"
    )

    assert withdrawn.json()["status"] == "withdrawn"
    assert_error(api_for(owner).get(f"{API}/sheets/BQ-1"), 404, "not_found")
    assert api_for(federation).get(f"{API}/sheets/BQ-1").status_code == 200
    assert OpportunitySheet.objects.get(code="BQ-1").status == "withdrawn"


# --------------------------------------------------------------------------------------------------
# Declarations and verification
# --------------------------------------------------------------------------------------------------


def test_a_company_declares_a_month_and_lists_its_declarations_by_month_range(api_for, owner, foundry, rival):
    client = api_for(owner)
    for month, headcount in (("2019-01", 100), ("2019-02", 104), ("2019-03", 110)):
        response = client.post(
            f"{API}/declarations", {"month": month, "headcount": headcount}, content_type="application/json"
        )
        assert response.status_code == 201, response.content
    Declaration.objects.create(company=rival, month="2019-02-01", headcount=50)

    listed = client.get(f"{API}/declarations", {"month_from": "2019-02", "month_to": "2019-03"}).json()

    assert [(d["month"], d["headcount"], d["verification"]) for d in listed["items"]] == [
        ("2019-03", 110, "unverified"),
        ("2019-02", 104, "unverified"),
    ]
    assert {d["company"] for d in listed["items"]} == {foundry.ice}
    assert_error(client.get(f"{API}/declarations", {"month_from": "février"}), 400, "month_invalid")


def test_a_company_user_cannot_declare_for_another_company_nor_as_cnss(api_for, owner, rival):
    client = api_for(owner)

    theirs = client.post(
        f"{API}/declarations",
        {"company": rival.ice, "month": "2019-01", "headcount": 5},
        content_type="application/json",
    )
    as_cnss = client.post(
        f"{API}/declarations", {"month": "2019-01", "headcount": 5, "source": "cnss"}, content_type="application/json"
    )

    assert_error(theirs, 404, "not_found")
    assert_error(as_cnss, 403, "forbidden:source")
    assert not Declaration.objects.exists()


def test_reconciling_marks_a_declared_headcount_verified_within_the_tolerance(api_for, make_user, foundry):
    Declaration.objects.create(company=foundry, month="2019-01-01", headcount=100)
    Declaration.objects.create(company=foundry, month="2019-02-01", headcount=130)
    for month, headcount in (("2019-01-01", 102), ("2019-02-01", 110)):
        Declaration.objects.create(
            company=foundry, month=month, source="cnss", headcount=headcount, verification="record"
        )
    client = api_for(make_user(Role.MINISTRY_ANALYST))

    counts = client.post(f"{API}/verification/reconcile", {"company": foundry.ice}, content_type="application/json")
    table = client.get(f"{API}/verification", {"company": foundry.ice}).json()

    assert counts.json() == {"verified": 1, "discrepancy": 1, "unverified": 0}
    assert (table["tolerance_jobs"], Decimal(table["tolerance_percent"])) == (2, Decimal("5"))
    assert table["includes_generated_data"] is False
    assert [(r["month"], r["declared"], r["cnss"], r["difference"], r["status"]) for r in table["rows"]] == [
        ("2019-02", 130, 110, 20, "discrepancy"),
        ("2019-01", 100, 102, -2, "verified"),
    ]


# --------------------------------------------------------------------------------------------------
# Imports: queued for the worker, all or nothing, once
# --------------------------------------------------------------------------------------------------


def test_an_upload_is_kept_under_media_imports_and_queued_for_the_task_worker(
    api_for, admin, foundry, settings, django_capture_on_commit_callbacks
):
    text = f"ice,month,headcount\n{foundry.ice},2019-01,120\n"

    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(admin).post(f"{API}/imports", csv_upload("cnss", text, "cnss-janvier.csv"))

    assert response.status_code == 201, response.content
    batch = response.json()
    assert (batch["kind"], batch["filename"], batch["status"]) == ("cnss", "cnss-janvier.csv", "running")
    task = DBTaskResult.objects.get()
    assert task.task_path == "ecosys.investments.tasks.import_batch_run"
    batch_id, path = task.args_kwargs["args"]
    assert batch_id == batch["id"]
    assert Path(path).parent == Path(settings.MEDIA_ROOT) / "imports"
    assert Path(path).read_text() == text
    assert not Declaration.objects.exists()  # nothing is imported until the worker runs

    assert import_batch_run.call(batch_id, path) == "done"
    assert api_for(admin).get(f"{API}/imports/{batch_id}").json()["status"] == "done"
    assert not Path(path).exists()  # the worker removes the file it imported


def test_a_bad_cnss_file_is_refused_with_each_error_by_row_and_column_and_imports_nothing(
    api_for, admin, foundry, immediate_tasks, django_capture_on_commit_callbacks
):
    text = (
        "ice,month,headcount\n"
        f"{foundry.ice},2019-01,120\n"
        f"{UNKNOWN_ICE},2019-02,80\n"
        f"{foundry.ice},2019-13,90\n"
        f"{foundry.ice},2019-03,-5\n"
    )
    admin.preferred_language = "en"  # errors are written in the uploader's language
    admin.save()
    client = api_for(admin)

    batch = upload(client, csv_upload("cnss", text), django_capture_on_commit_callbacks)
    result = client.get(f"{API}/imports/{batch['id']}").json()

    assert result["status"] == "failed"
    assert [(e["row"], e["column"], e["message"]) for e in result["errors"]] == [
        (3, "ice", english(ICE_UNKNOWN % {"ice": UNKNOWN_ICE})),
        (4, "month", english(MONTH_INVALID)),
        (5, "headcount", english(NEGATIVE)),
    ]
    assert not Declaration.objects.exists()


def test_import_errors_are_written_in_the_uploader_s_language_french_by_default(
    api_for, admin, foundry, immediate_tasks, django_capture_on_commit_callbacks
):
    client = api_for(admin)
    batch = upload(
        client,
        csv_upload("cnss", f"ice,month,headcount\n{foundry.ice},2019-13,90\n"),
        django_capture_on_commit_callbacks,
    )
    errors = client.get(f"{API}/imports/{batch['id']}").json()["errors"]
    with translation.override("fr"):
        assert errors[0]["message"] == str(MONTH_INVALID)
    assert errors[0]["message"] != english(MONTH_INVALID)


def test_the_same_file_uploaded_twice_adds_nothing_the_second_time(
    api_for, admin, foundry, rival, immediate_tasks, django_capture_on_commit_callbacks
):
    text = f"ice,month,headcount\n{foundry.ice},2019-01,120\n{rival.ice},2019-01,45\n"
    admin.preferred_language = "en"  # errors are written in the uploader's language
    admin.save()
    client = api_for(admin)

    first = upload(client, csv_upload("cnss", text), django_capture_on_commit_callbacks)
    after_first = Declaration.objects.count()
    second = upload(client, csv_upload("cnss", text, "copie.csv"), django_capture_on_commit_callbacks)
    done, again = (client.get(f"{API}/imports/{b['id']}").json() for b in (first, second))

    assert (done["status"], done["rows_total"], done["rows_done"]) == ("done", 2, 2)
    assert after_first == 2
    assert Declaration.objects.count() == 2
    assert again["status"] == "failed"
    assert again["errors"][0]["message"].startswith(english(ALREADY_IMPORTED).split("%")[0])
    assert [b["id"] for b in client.get(f"{API}/imports").json()["items"]] == [second["id"], first["id"]]


def test_a_company_uploads_its_own_declarations_and_sees_only_its_imports(
    api_for, owner, admin, foundry, rival, immediate_tasks, django_capture_on_commit_callbacks
):
    own = upload(
        api_for(owner),
        csv_upload("declarations", f"ICE,mois,effectif\n{foundry.ice},2019-01,120\n"),
        django_capture_on_commit_callbacks,
    )
    theirs = upload(
        api_for(admin),
        csv_upload("declarations", f"ice,month,headcount\n{rival.ice},2019-01,45\n"),
        django_capture_on_commit_callbacks,
    )
    cnss = api_for(owner).post(f"{API}/imports", csv_upload("cnss", f"ice,month,headcount\n{foundry.ice},2019-01,1\n"))

    assert api_for(owner).get(f"{API}/imports/{own['id']}").json()["status"] == "done"
    assert [b["id"] for b in api_for(owner).get(f"{API}/imports").json()["items"]] == [own["id"]]
    assert_error(api_for(owner).get(f"{API}/imports/{theirs['id']}"), 404, "not_found")
    assert_error(cnss, 403, "forbidden:cnss.import")
    assert Declaration.objects.get(company=foundry).headcount == 120
    assert ImportBatch.objects.count() == 2


def test_an_upload_without_a_known_kind_is_refused_naming_the_field(api_for, admin):
    response = api_for(admin).post(f"{API}/imports", csv_upload("payroll", "ice,month\n"))

    assert assert_error(response, 400, "unknown_kind")["errors"][0]["field"] == "kind"
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_import_templates_download_in_each_language_with_the_right_headers(api_for, owner, language):
    client = api_for(owner)

    csv_file = client.get(f"{API}/imports/templates/declarations.csv", {"lang": language})
    xlsx_file = client.get(f"{API}/imports/templates/cnss.xlsx", {"lang": language})

    assert csv_file.status_code == xlsx_file.status_code == 200
    assert csv_file["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_file["Content-Disposition"] == f'attachment; filename="ecosys-declarations-{language}.csv"'
    assert csv_file["Content-Language"] == language
    header = csv_file.content.decode("utf-8-sig").strip().split(",")
    assert header == list(HEADERS[language].values())
    assert xlsx_file["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx_file["Content-Disposition"] == f'attachment; filename="ecosys-cnss-{language}.xlsx"'
    sheet = load_workbook(io.BytesIO(xlsx_file.content)).active
    assert [c.value for c in sheet[1]] == [HEADERS[language][c] for c in ("ice", "month", "headcount")]
    assert bool(sheet.sheet_view.rightToLeft) is (language == "ar")


def test_an_unknown_template_is_refused(api_for, owner):
    client = api_for(owner)

    assert client.get(f"{API}/imports/templates/payroll.csv").status_code == 422
    assert client.get(f"{API}/imports/templates/cnss.pdf").status_code == 422
