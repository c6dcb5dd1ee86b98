"""Importing declarations and CNSS headcounts from CSV and XLSX: all or nothing, once, with every error located."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from ecosys.core.errors import PermissionDenied, ValidationFailed
from ecosys.core.roles import Role
from ecosys.investments.models import Declaration, ImportBatch, Source
from ecosys.investments.services.declarations import MONTH_IN_FUTURE, MONTH_INVALID, NEGATIVE, WOMEN_ABOVE_HEADCOUNT
from ecosys.investments.services.imports import (
    DUPLICATE_ROW,
    FILE_EMPTY,
    FILE_UNREADABLE,
    HEADERS,
    ICE_NOT_YOURS,
    ICE_UNKNOWN,
    MISSING_COLUMN,
    PROJECT_UNKNOWN,
    VALUE_REQUIRED,
    import_file,
    template_csv,
    template_xlsx,
)
from tests.factories import CompanyFactory
from tests.investments.factories import ProjectFactory

pytestmark = pytest.mark.django_db

DECLARATIONS, CNSS = ImportBatch.Kind.DECLARATIONS, ImportBatch.Kind.CNSS
UNKNOWN_ICE = "001561191000066"  # a valid ICE that no company in these tests has


def write_csv(tmp_path: Path, rows: list[list[object]], *, delimiter: str = ",", name: str = "file.csv") -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def write_xlsx(tmp_path: Path, rows: list[list[object]], *, name: str = "file.xlsx") -> Path:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def headers(language: str, kind: str = DECLARATIONS) -> list[str]:
    columns = ["ice", "month", "headcount"] if kind == CNSS else list(HEADERS["en"])
    return [HEADERS[language][c] for c in columns]


def refusal(path: Path, *, actor=None, kind: str = DECLARATIONS) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as excinfo:
        import_file(actor=actor, kind=kind, path=path)
    return excinfo.value


def located(error: ValidationFailed) -> list[tuple[object, object, str]]:
    return [(d["row"], d["column"], str(d["message"])) for d in error.details]


@pytest.fixture
def admin(make_user):
    return make_user(Role.MINISTRY_ADMIN)


@pytest.fixture
def steel():
    return CompanyFactory(name="Aciéries du Maroc")


@pytest.fixture
def wires():
    return CompanyFactory(name="Tréfileries")


# -- reading the formats ------------------------------------------------------------------------------------------


def test_a_comma_separated_declarations_file_with_english_headers_is_imported(tmp_path, admin, steel, wires):
    project = ProjectFactory(company=steel)
    path = write_csv(
        tmp_path,
        [
            ["ice", "project", "month", "headcount", "gross_hires", "departures", "turnover_mad"],
            [steel.ice, "", "2018-01", "120", "5", "1", "2500000.50"],
            [steel.ice, project.code, "2018-01", "40", "", "", ""],
            [wires.ice, "", "02/2018", "60", "", "", ""],
        ],
    )
    result = import_file(actor=admin, kind=DECLARATIONS, path=path)

    assert (result.created, result.updated, result.already_imported) == (3, 0, False)
    assert (result.batch.status, result.batch.rows_total, result.batch.rows_done) == ("done", 3, 3)
    whole = Declaration.objects.get(company=steel, project=None)
    assert (whole.month, whole.source, whole.verification) == (date(2018, 1, 1), Source.COMPANY, "unverified")
    assert (whole.headcount, whole.gross_hires, whole.departures) == (120, 5, 1)
    assert whole.turnover_mad == Decimal("2500000.50")
    assert (whole.batch, whole.submitted_by) == (result.batch, admin)
    assert Declaration.objects.get(project=project).headcount == 40
    assert Declaration.objects.get(company=wires).month == date(2018, 2, 1)


def test_a_semicolon_separated_file_with_french_headers_and_decimal_commas_is_imported(tmp_path, admin, steel):
    path = write_csv(
        tmp_path,
        [
            ["ICE", "mois", "effectif", "embauches_brutes", "chiffre_affaires_mad"],
            [steel.ice, "2018-01", "120", "4", "1 500 000,75"],
            [steel.ice, "2018-02", "124", "6", "1 600 000,00"],
        ],
        delimiter=";",
    )
    result = import_file(actor=admin, kind=DECLARATIONS, path=path)
    assert result.created == 2
    february = Declaration.objects.get(company=steel, month=date(2018, 2, 1))
    assert (february.headcount, february.gross_hires, february.turnover_mad) == (124, 6, Decimal("1600000.00"))
    assert Declaration.objects.get(month=date(2018, 1, 1)).turnover_mad == Decimal("1500000.75")


def test_a_file_with_arabic_headers_is_imported(tmp_path, admin, steel):
    path = write_csv(tmp_path, [headers("ar"), [steel.ice, "", "2018-01", "120", "5", "1", "", "", "", ""]])
    result = import_file(actor=admin, kind=DECLARATIONS, path=path)
    assert result.created == 1
    assert Declaration.objects.get().headcount == 120


@pytest.mark.parametrize(("language", "delimiter"), [("en", ","), ("fr", ";"), ("ar", ",")])
def test_a_cnss_file_is_imported_as_administrative_records(tmp_path, admin, steel, wires, language, delimiter):
    path = write_csv(
        tmp_path,
        [headers(language, CNSS), [steel.ice, "2018-01", "118"], [wires.ice, "2018-01", "61"]],
        delimiter=delimiter,
    )
    result = import_file(actor=admin, kind=CNSS, path=path)
    assert result.created == 2
    records = Declaration.objects.filter(source=Source.CNSS)
    assert set(records.values_list("company", "headcount", "verification")) == {
        (steel.pk, 118, "record"),
        (wires.pk, 61, "record"),
    }


def test_an_xlsx_declarations_file_is_imported(tmp_path, admin, steel):
    project = ProjectFactory(company=steel)
    path = write_xlsx(
        tmp_path,
        [headers("fr"), [steel.ice, project.code, "2018-03", 45, 12, 3, 0, 1200000.5, None, None, -5000]],
    )
    result = import_file(actor=admin, kind=DECLARATIONS, path=path)
    assert result.created == 1
    declaration = Declaration.objects.get()
    assert (declaration.project, declaration.month, declaration.headcount) == (project, date(2018, 3, 1), 45)
    assert (declaration.headcount_women, declaration.gross_hires) == (12, 3)
    assert (declaration.turnover_mad, declaration.value_added_mad) == (Decimal("1200000.50"), Decimal("-5000.00"))


def test_an_xlsx_cnss_file_is_imported(tmp_path, admin, steel):
    path = write_xlsx(tmp_path, [headers("en", CNSS), [steel.ice, "2018-03", 130], [steel.ice, "2018-04", 131]])
    result = import_file(actor=admin, kind=CNSS, path=path)
    assert result.created == 2
    assert list(Declaration.objects.values_list("source", "headcount")) == [("cnss", 130), ("cnss", 131)]


def test_an_xlsx_file_whose_months_are_date_cells_is_imported(tmp_path, admin, steel):
    # Excel users type dates; openpyxl reads a date cell back as a datetime (Excel has no date-only type).
    path = write_xlsx(tmp_path, [headers("en", CNSS), [steel.ice, date(2018, 3, 1), 130]])
    result = import_file(actor=admin, kind=CNSS, path=path)
    assert result.created == 1
    assert Declaration.objects.get().month == date(2018, 3, 1)


# -- errors: located, and nothing written -------------------------------------------------------------------------


def test_each_error_is_reported_with_its_row_the_column_as_written_and_the_reason(tmp_path, admin, steel):
    path = write_csv(
        tmp_path,
        [
            ["ICE", "code_projet", "Mois", "effectif"],
            [steel.ice, "", "2018-01", "10"],
            [UNKNOWN_ICE, "", "2018-01", "10"],
            [steel.ice, "", "janvier", "10"],
            [steel.ice, "", "2018-02", "-4"],
            [steel.ice, "PRJ-404", "2018-03", "10"],
            ["", "", "2999-01", "10"],
        ],
        delimiter=";",
    )
    error = refusal(path, actor=admin)
    assert error.code == "file_invalid"
    assert located(error) == [
        (3, "ICE", str(ICE_UNKNOWN % {"ice": UNKNOWN_ICE})),
        (4, "Mois", str(MONTH_INVALID)),
        (5, "effectif", str(NEGATIVE)),
        (6, "code_projet", str(PROJECT_UNKNOWN % {"code": "PRJ-404"})),
        (7, "ICE", str(VALUE_REQUIRED)),
        (7, "Mois", str(MONTH_IN_FUTURE)),
    ]


def test_nothing_is_written_when_one_row_is_wrong_and_the_batch_is_marked_failed(tmp_path, admin, steel, wires):
    declaration = Declaration.objects.create(company=wires, month=date(2017, 12, 1), headcount=50)
    before = Declaration.objects.count()
    path = write_csv(
        tmp_path,
        [
            ["ice", "month", "headcount"],
            [steel.ice, "2018-01", "10"],
            [wires.ice, "2017-12", "55"],  # a correction that must not be applied either
            [steel.ice, "2018-02", "dix"],
            [steel.ice, "2018-03", "12"],
        ],
    )
    error = refusal(path, actor=admin)
    assert [(row, column) for row, column, _message in located(error)] == [(4, "headcount")]
    assert Declaration.objects.count() == before
    declaration.refresh_from_db()
    assert declaration.headcount == 50
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.BatchStatus.FAILED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(4, "headcount")]
    assert batch.finished_at is not None


def test_a_duplicated_row_is_refused_naming_the_first_row(tmp_path, admin, steel):
    path = write_csv(
        tmp_path,
        [
            ["ice", "month", "headcount"],
            [steel.ice, "2018-01", "10"],
            [steel.ice, "2018-02", "11"],
            [steel.ice, "2018-01-31", "12"],
        ],
    )
    error = refusal(path, actor=admin)
    assert located(error) == [(4, "month", str(DUPLICATE_ROW % {"row": 2}))]
    assert not Declaration.objects.exists()


def test_a_company_user_cannot_import_figures_of_another_company(tmp_path, make_user, steel, wires):
    user = make_user(Role.COMPANY_USER, organisation=steel)
    path = write_csv(
        tmp_path, [["ice", "month", "headcount"], [steel.ice, "2018-01", "10"], [wires.ice, "2018-01", "12"]]
    )
    error = refusal(path, actor=user)
    assert located(error) == [(3, "ice", str(ICE_NOT_YOURS % {"ice": wires.ice}))]
    assert not Declaration.objects.exists()


def test_a_company_user_imports_its_own_figures_and_the_batch_is_its_company(tmp_path, make_user, steel):
    user = make_user(Role.COMPANY_USER, organisation=steel)
    path = write_csv(tmp_path, [["ice", "month", "headcount"], [steel.ice, "2018-01", "10"]])
    result = import_file(actor=user, kind=DECLARATIONS, path=path)
    assert result.created == 1
    assert result.batch.company == steel


def test_a_company_user_cannot_import_cnss_records(tmp_path, make_user, steel):
    path = write_csv(tmp_path, [["ice", "month", "headcount"], [steel.ice, "2018-01", "10"]])
    with pytest.raises(PermissionDenied):
        import_file(actor=make_user(Role.COMPANY_USER, organisation=steel), kind=CNSS, path=path)
    assert not ImportBatch.objects.exists()


def test_a_cnss_file_without_its_headcount_column_is_refused(tmp_path, admin, steel):
    path = write_csv(tmp_path, [["ice", "month", "employees"], [steel.ice, "2018-01", "10"]])
    error = refusal(path, actor=admin, kind=CNSS)
    assert located(error) == [(1, "headcount", str(MISSING_COLUMN % {"column": "headcount"}))]
    assert not Declaration.objects.exists()
    assert ImportBatch.objects.get().status == ImportBatch.BatchStatus.FAILED


def test_a_cnss_row_without_a_headcount_is_refused(tmp_path, admin, steel):
    path = write_csv(tmp_path, [["ice", "month", "headcount"], [steel.ice, "2018-01", ""]])
    assert located(refusal(path, actor=admin, kind=CNSS)) == [(2, "headcount", str(VALUE_REQUIRED))]


def test_a_csv_file_that_is_not_utf8_is_refused(tmp_path, admin, steel):
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"ICE;mois;effectif;société\n{steel.ice};2018-01;10;Aciéries\n".encode("cp1252"))
    error = refusal(path, actor=admin)
    assert error.code == "file_unreadable"
    assert error.message == FILE_UNREADABLE
    assert not Declaration.objects.exists()
    assert ImportBatch.objects.get().status == ImportBatch.BatchStatus.FAILED


# -- idempotence and corrections ----------------------------------------------------------------------------------


def test_the_same_file_imported_twice_adds_nothing_the_second_time(tmp_path, admin, steel):
    path = write_csv(
        tmp_path, [["ice", "month", "headcount"], [steel.ice, "2018-01", "10"], [steel.ice, "2018-02", "11"]]
    )
    first = import_file(actor=admin, kind=DECLARATIONS, path=path)
    assert first.batch.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()

    again = import_file(actor=admin, kind=DECLARATIONS, path=path)

    assert (again.already_imported, again.created, again.updated) == (True, 0, 0)
    assert again.batch.pk == first.batch.pk
    assert Declaration.objects.count() == 2
    assert ImportBatch.objects.count() == 1


def test_a_corrected_file_updates_the_rows_already_imported(tmp_path, admin, steel, wires):
    original = write_csv(
        tmp_path, [["ice", "month", "headcount"], [steel.ice, "2018-01", "10"], [wires.ice, "2018-01", "20"]]
    )
    import_file(actor=admin, kind=DECLARATIONS, path=original)
    ids = dict(Declaration.objects.values_list("company", "pk"))
    corrected = write_csv(
        tmp_path,
        [["ice", "month", "headcount"], [steel.ice, "2018-01", "12"], [wires.ice, "2018-02", "21"]],
        name="corrected.csv",
    )

    result = import_file(actor=admin, kind=DECLARATIONS, path=corrected)

    assert (result.created, result.updated, result.already_imported) == (1, 1, False)
    assert Declaration.objects.count() == 3
    corrected_row = Declaration.objects.get(company=steel)
    assert (corrected_row.pk, corrected_row.headcount, corrected_row.batch) == (ids[steel.pk], 12, result.batch)
    assert Declaration.objects.get(company=wires, month=date(2018, 1, 1)).headcount == 20


def test_a_reimported_declaration_needs_verifying_again(tmp_path, admin, steel):
    Declaration.objects.create(
        company=steel, month=date(2018, 1, 1), headcount=10, verification=Declaration.Verification.VERIFIED
    )
    path = write_csv(tmp_path, [["ice", "month", "headcount"], [steel.ice, "2018-01", "30"]])
    import_file(actor=admin, kind=DECLARATIONS, path=path)
    assert Declaration.objects.get().verification == Declaration.Verification.UNVERIFIED


# -- templates ----------------------------------------------------------------------------------------------------

TEMPLATE_HEADERS = {
    ("fr", CNSS): ["ICE", "mois", "effectif"],
    ("en", CNSS): ["ice", "month", "headcount"],
    ("ar", CNSS): ["التعريف الموحد للمقاولة", "الشهر", "عدد المستخدمين"],
    ("fr", DECLARATIONS): [
        "ICE",
        "code_projet",
        "mois",
        "effectif",
        "dont_femmes",
        "embauches_brutes",
        "departs",
        "chiffre_affaires_mad",
        "exportations_mad",
        "importations_mad",
        "valeur_ajoutee_mad",
    ],
    ("en", DECLARATIONS): [
        "ice",
        "project",
        "month",
        "headcount",
        "headcount_women",
        "gross_hires",
        "departures",
        "turnover_mad",
        "exports_mad",
        "imports_mad",
        "value_added_mad",
    ],
    ("ar", DECLARATIONS): [
        "التعريف الموحد للمقاولة",
        "رمز المشروع",
        "الشهر",
        "عدد المستخدمين",
        "منهم النساء",
        "التوظيفات الإجمالية",
        "المغادرات",
        "رقم المعاملات بالدرهم",
        "الصادرات بالدرهم",
        "الواردات بالدرهم",
        "القيمة المضافة بالدرهم",
    ],
}


@pytest.mark.parametrize(("language", "kind"), list(TEMPLATE_HEADERS))
def test_a_csv_template_has_the_headers_of_its_language_and_imports_as_an_empty_file(tmp_path, admin, language, kind):
    text = template_csv(kind, language)
    assert next(csv.reader(io.StringIO(text))) == TEMPLATE_HEADERS[(language, kind)]
    path = tmp_path / "template.csv"
    path.write_text(text, encoding="utf-8")
    error = refusal(path, actor=admin, kind=kind)
    assert (error.code, error.message) == ("file_empty", FILE_EMPTY)


@pytest.mark.parametrize(("language", "kind"), list(TEMPLATE_HEADERS))
def test_an_xlsx_template_has_the_headers_of_its_language_and_imports_as_an_empty_file(tmp_path, admin, language, kind):
    path = tmp_path / "template.xlsx"
    path.write_bytes(template_xlsx(kind, language))
    sheet = load_workbook(path).active
    assert [cell.value for cell in sheet[1]] == TEMPLATE_HEADERS[(language, kind)]
    assert sheet.max_row == 1
    assert bool(sheet.sheet_view.rightToLeft) == (language == "ar")
    error = refusal(path, actor=admin, kind=kind)
    assert (error.code, error.message) == ("file_empty", FILE_EMPTY)


def test_an_unknown_template_language_falls_back_to_french():
    assert template_csv(CNSS, "de") == template_csv(CNSS, "fr")


def test_more_women_than_the_headcount_is_refused_with_its_row_and_column(tmp_path, admin, steel):
    path = tmp_path / "declarations.csv"
    path.write_text(f"ICE;mois;effectif;dont_femmes\n{steel.ice};2018-03;45;12\n{steel.ice};2018-04;45;46\n")
    error = refusal(path, actor=admin, kind=DECLARATIONS)
    assert [(d["row"], d["column"], str(d["message"])) for d in error.details] == [
        (3, "dont_femmes", str(WOMEN_ABOVE_HEADCOUNT))
    ]
    assert not Declaration.objects.exists()
