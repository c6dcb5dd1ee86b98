"""Trade datasets, file imports, studies and project-bank sheets through the services (what pages, API and CLI call)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from ecosys.analytics.opportunity.study import run_study, study_parameters
from ecosys.core.errors import PermissionDenied, ValidationFailed
from ecosys.core.roles import Role
from ecosys.investments.models import OpportunitySheet
from ecosys.opportunities import services
from ecosys.opportunities.models import OpportunityStudy, TradeImport
from ecosys.opportunities.reference import geodist, product_names
from ecosys.programmes.models import Ecosystem
from tests.factories import user_with_role


def _upload(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="text/csv")


# -- datasets and imports --------------------------------------------------------------------------------------


def test_a_dataset_code_is_checked_and_unique(db, own_trade_dir, analyst):
    services.dataset_create(actor=analyst, code="baci-hs92", name="BACI HS92")
    with pytest.raises(ValidationFailed) as taken:
        services.dataset_create(actor=analyst, code="baci-hs92", name="Again")
    assert taken.value.fields.keys() == {"code"}
    for bad in ("", "A B", "x" * 41, "-start"):
        with pytest.raises(ValidationFailed) as refused:
            services.dataset_create(actor=analyst, code=bad, name="x")
        assert "code" in refused.value.fields
    with pytest.raises(ValidationFailed) as unnamed:
        services.dataset_create(actor=analyst, code="ok-code", name="  ")
    assert "name" in unnamed.value.fields


@pytest.mark.parametrize("role", [Role.COMPANY_USER, Role.AUDITOR, Role.FEDERATION_OFFICER, Role.FUND_OFFICER])
def test_only_the_ministry_brings_trade_files(db, own_trade_dir, make_user, role):
    with pytest.raises(PermissionDenied):
        services.dataset_create(actor=make_user(role), code="mine", name="Mine")


def test_an_uploaded_baci_file_is_ingested_with_its_progress_and_recognised_when_brought_again(
    db, own_trade_dir, analyst, gravity_files
):
    dataset = services.dataset_create(actor=analyst, code="upload", name="Upload")
    first = services.trade_import_request(actor=analyst, dataset=dataset, fmt="baci", upload=_upload(gravity_files[0]))
    assert first.status == "queued"
    done = services.trade_import_run(first.pk)
    assert (done.status, done.outcome, done.progress) == ("done", "imported", 100)
    assert done.rows_written > 1000
    dataset.refresh_from_db()
    assert dataset.rows == done.rows_written
    assert dataset.years == [2015]
    assert dataset.classification
    version = dataset.version
    assert len(version) == 16
    assert not done.upload  # the rows are in the dataset; the uploaded copy is removed

    again = services.trade_import_run(
        services.trade_import_request(actor=analyst, dataset=dataset, fmt="baci", upload=_upload(gravity_files[0])).pk
    )
    assert (again.status, again.outcome, again.rows_written) == ("done", "already_imported", 0)
    dataset.refresh_from_db()
    assert dataset.version == version

    services.trade_import_run(
        services.trade_import_request(actor=analyst, dataset=dataset, fmt="baci", upload=_upload(gravity_files[1])).pk
    )
    dataset.refresh_from_db()
    assert dataset.years == [2015, 2016]
    assert dataset.version != version


def test_a_bad_file_is_refused_with_its_line_and_reason_in_the_requesters_language_and_nothing_is_written(
    db, own_trade_dir, analyst, gravity_files, tmp_path
):
    dataset = services.dataset_create(actor=analyst, code="bad", name="Bad")
    lines = gravity_files[0].read_text().splitlines()
    lines[5] = lines[5].replace(lines[5].split(",")[4], "douze", 1)
    bad = tmp_path / gravity_files[0].name
    bad.write_text("\n".join(lines) + "\n")
    analyst.preferred_language = "fr"
    analyst.save()
    job = services.trade_import_run(
        services.trade_import_request(actor=analyst, dataset=dataset, fmt="baci", upload=_upload(bad)).pk
    )
    assert job.status == "failed"
    assert "ligne 6" in job.error and "douze" in job.error, job.error
    assert bad.name in job.error
    dataset.refresh_from_db()
    assert (dataset.rows, dataset.years, dataset.version) == (0, [], "")


def test_a_baci_file_without_its_hs_revision_in_the_name_is_refused_with_the_reason(
    db, own_trade_dir, analyst, gravity_files
):
    dataset = services.dataset_create(actor=analyst, code="noname", name="No name")
    job = services.trade_import_run(
        services.trade_import_request(
            actor=analyst, dataset=dataset, fmt="baci", upload=_upload(gravity_files[0], name="flows.csv")
        ).pk
    )
    assert job.status == "failed"
    assert "HS revision" in job.error and "flows.csv" in job.error


def test_an_import_needs_a_file_and_a_known_format(db, own_trade_dir, analyst, gravity_files):
    dataset = services.dataset_create(actor=analyst, code="x-1", name="X")
    with pytest.raises(ValidationFailed) as no_file:
        services.trade_import_request(actor=analyst, dataset=dataset, fmt="baci", upload=None)
    assert "file" in no_file.value.fields
    with pytest.raises(ValidationFailed) as fmt:
        services.trade_import_request(actor=analyst, dataset=dataset, fmt="xls", upload=_upload(gravity_files[0]))
    assert "format" in fmt.value.fields
    assert not TradeImport.objects.exists()


# -- studies ---------------------------------------------------------------------------------------------------


def test_a_study_runs_to_the_end_and_keeps_the_dataset_version_and_the_result(study, dataset):
    assert (study.status, study.progress, study.error) == ("done", 100, "")
    assert study.dataset_version == dataset.version
    assert study.country == "MAR"
    result = services.study_result(study)
    assert result.rows and result.parameters.country == "MAR"
    json.dumps(study.result, allow_nan=False)  # stored as strict JSON: no NaN
    ranks = [row["rank"] for row in result.rows]
    assert ranks == sorted(ranks)


def test_the_stored_result_is_what_the_analytics_compute_on_the_same_data(study, dataset):
    params = study_parameters(study.parameters)
    direct = run_study(dataset.path, params, geodist=geodist(), product_names=product_names())
    assert services.study_result(study).to_json() == direct.to_json()


def test_a_study_is_refused_with_the_parameter_named_before_anything_is_queued(dataset, analyst):
    cases = [
        ({"country": "", "years": "2015-2017"}, "country"),
        ({"country": "MAR", "years": "soon"}, "years"),
        ({"country": "MAR", "years": "2015-2017", "strategy": "custom", "weights": "density=lots"}, "weights"),
        ({"country": "MAR", "years": "2015-2017", "level": 5}, "level"),
    ]
    for parameters, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            services.study_create(actor=analyst, dataset=dataset, title="", parameters=parameters, queue=False)
        assert field in refused.value.fields, (parameters, refused.value.fields)
    assert not OpportunityStudy.objects.exists()


def test_a_study_of_an_empty_dataset_is_refused(db, own_trade_dir, analyst):
    empty = services.dataset_create(actor=analyst, code="empty", name="Empty")
    with pytest.raises(ValidationFailed) as refused:
        services.study_create(actor=analyst, dataset=empty, title="", parameters={"country": "MAR", "years": "2017"})
    assert refused.value.code == "dataset_empty"


def test_an_unknown_country_is_refused_before_the_study_is_queued(dataset, analyst):
    with pytest.raises(ValidationFailed) as refused:
        services.study_create(actor=analyst, dataset=dataset, title="", parameters={"country": "ZZZ", "years": "2017"})
    assert "country" in refused.value.fields and "ZZZ" in str(refused.value.message)


def test_a_study_that_the_data_cannot_answer_fails_with_the_reason_kept(dataset, analyst):
    absent = "CSK"  # a BACI code (Czechoslovakia) with no flow in the 2015-2017 data
    made = services.study_create(
        actor=analyst, dataset=dataset, title="", parameters={"country": absent, "years": "2015-2017"}, queue=False
    )
    with translation.override("en"):
        done = services.study_run(made.pk)
    assert done.status == "failed"
    assert absent in done.error
    assert done.result is None


def test_a_year_the_dataset_does_not_hold_fails_the_study_with_the_year(dataset, analyst):
    made = services.study_create(
        actor=analyst, dataset=dataset, title="", parameters={"country": "MAR", "years": "2010-2017"}, queue=False
    )
    done = services.study_run(made.pk)
    assert done.status == "failed"
    assert "2010" in done.error


@pytest.mark.parametrize("role", [Role.COMPANY_USER, Role.AUDITOR, Role.FUND_OFFICER, Role.LAND_OFFICER])
def test_only_analysts_run_studies(dataset, make_user, role):
    with pytest.raises(PermissionDenied):
        services.study_create(
            actor=make_user(role), dataset=dataset, title="", parameters={"country": "MAR", "years": "2017"}
        )


# -- project bank ----------------------------------------------------------------------------------------------


def test_selected_products_become_open_project_bank_sheets_with_their_market_and_source(imm, study, make_user):
    officer = make_user(Role.FEDERATION_OFFICER)
    ecosystem = Ecosystem.objects.get(code="IMM-VAL")
    result = services.study_result(study)
    chosen = [row for row in result.rows if row.get("imports_usd")][:2]
    made = services.sheets_from_study(
        actor=officer, study=study, products=[r["product"] for r in chosen], ecosystem=ecosystem
    )
    assert len(made) == 2
    sheet = OpportunitySheet.objects.get(code=f"study-{study.pk}-{chosen[0]['product']}")
    assert sheet.hs_codes == [chosen[0]["product"]]
    assert sheet.ecosystem == ecosystem and sheet.status == "open"
    rate = Decimal(str(result.parameters.exchange_rate_mad_per_usd))
    assert sheet.market_size_mad == (Decimal(str(chosen[0]["imports_usd"])) * rate).quantize(Decimal("1"))
    assert str(study.pk) in sheet.market_source
    assert sheet.is_generated  # the study read generated data
    assert chosen[0]["product"] in sheet.description_fr and sheet.description_ar

    again = services.sheets_from_study(
        actor=officer, study=study, products=[r["product"] for r in chosen], ecosystem=ecosystem
    )
    assert again == []
    assert OpportunitySheet.objects.filter(code__startswith=f"study-{study.pk}-").count() == 2


def test_sheets_are_refused_for_nothing_an_unknown_product_or_without_project_bank_rights(imm, study, analyst):
    ecosystem = Ecosystem.objects.get(code="IMM-VAL")
    with pytest.raises(PermissionDenied):  # analysts run studies but do not manage the project bank
        services.sheets_from_study(actor=analyst, study=study, products=["7204"], ecosystem=ecosystem)
    officer = user_with_role(Role.FEDERATION_OFFICER)
    with pytest.raises(ValidationFailed) as nothing:
        services.sheets_from_study(actor=officer, study=study, products=[], ecosystem=ecosystem)
    assert nothing.value.code == "nothing_selected"
    with pytest.raises(ValidationFailed) as unknown:
        services.sheets_from_study(actor=officer, study=study, products=["0000"], ecosystem=ecosystem)
    assert unknown.value.code == "unknown_product"
    assert not OpportunitySheet.objects.exists()
