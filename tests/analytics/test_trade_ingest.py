"""Trade data ingestion: real BACI and HS4 files, Comtrade layouts, bad files, zips, generated files."""

from __future__ import annotations

import csv
import math
import shutil
import zipfile
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ecosys.analytics.trade import (
    TradeDatasetError,
    TradeFileError,
    connect,
    detect_format,
    exports_matrix,
    generate_baci_world,
    imports_by_product,
    ingest_baci,
    ingest_comtrade,
    ingest_long_table,
    read_country_codes,
    read_header,
    read_manifest,
    read_product_names,
    write_reference_tables,
)

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "trade"
BACI_2021 = DATA / "baci_hs17_2021_zaf_afg" / "baci_2021_exporters_710_4.csv"
HS4_2017 = DATA / "hs4_2017" / "exports_hs4_2017.csv"
COUNTRY_CODES = DATA / "classifications" / "baci_country_codes_V202201.csv"
PRODUCTS_HS12 = DATA / "classifications" / "product_hs12.csv"

needs_data = pytest.mark.skipif(not BACI_2021.exists(), reason="shared trade data not available")


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _nothing_left_in(folder: Path) -> bool:
    return not any(p.name.startswith(".") and "staging" in p.name for p in folder.iterdir())


@pytest.fixture(scope="module")
def baci_dataset(tmp_path_factory) -> Path:
    dataset = tmp_path_factory.mktemp("baci") / "dataset"
    ingest_baci(BACI_2021, dataset, classification="HS17")
    return dataset


def _baci_csv_totals() -> tuple[int, float, dict[tuple[str, str], float], int]:
    """Sum the real file with the csv module: rows, USD total, USD by (exporter, importer), quantities known."""
    rows, total, known_q = 0, 0.0, 0
    by_pair: dict[tuple[str, str], float] = defaultdict(float)
    with BACI_2021.open(newline="") as handle:
        for row in csv.DictReader(handle):
            rows += 1
            total += float(row["v"]) * 1000
            by_pair[row["i"], row["j"]] += float(row["v"]) * 1000
            known_q += row["q"].strip() not in ("", "NA")
    return rows, total, by_pair, known_q


@needs_data
def test_the_real_baci_extract_ingests_every_row_with_values_in_usd(baci_dataset):
    rows, total, by_pair, known_q = _baci_csv_totals()
    assert rows == 71_192
    with connect(baci_dataset) as con:
        count, value, quantities, years = con.execute(
            "SELECT count(*), sum(value_usd), count(quantity_t), list(DISTINCT year) FROM flows"
        ).fetchall()[0]
        zaf_to_afg = con.execute(
            "SELECT sum(value_usd) FROM flows WHERE exporter = 'ZAF' AND importer = 'AFG'"
        ).fetchall()[0][0]
    assert (count, quantities, years) == (71_192, known_q, [2021])
    assert_allclose(value, total, rtol=1e-12)
    assert_allclose(zaf_to_afg, by_pair["710", "4"], rtol=1e-12)
    record = read_manifest(baci_dataset).sources[0]
    assert (record.rows_read, record.rows_written, record.format, record.classification) == (
        71_192,
        71_192,
        "baci",
        "HS17",
    )
    assert_allclose(record.value_usd_by_year["2021"], total, rtol=1e-12)


@needs_data
def test_padded_quantities_are_numbers_and_padded_na_is_null(baci_dataset):
    with connect(baci_dataset) as con:
        first = con.execute(
            "SELECT value_usd, quantity_t FROM flows WHERE exporter = 'AFG' AND importer = 'AGO' AND product = '382390'"
        ).fetchall()
        nulls = con.execute("SELECT count(*) FROM flows WHERE quantity_t IS NULL").fetchall()[0][0]
    assert_allclose(first[0], (52_051.0, 13.235))
    assert nulls == 2_306  # the '"           NA"' cells of the file


@needs_data
def test_products_keep_their_leading_zero_as_six_digit_text(baci_dataset):
    with connect(baci_dataset) as con:
        lengths, smallest = con.execute("SELECT list(DISTINCT length(product)), min(product) FROM flows").fetchall()[0]
    assert lengths == [6]
    assert smallest.startswith("0")


def test_blank_quantity_and_the_classification_in_the_file_name_are_understood(tmp_path):
    source = tmp_path / "BACI_HS22_Y2023_V202501.csv"
    source.write_text('t,i,j,k,v,q\n2023,504,251,10121,1.5,\n2023,504,251,870323,2.25,"    0.500"\n')
    result = ingest_baci(source, tmp_path / "dataset")
    assert result.sources[0].classification == "HS22"
    with connect(tmp_path / "dataset") as con:
        rows = con.execute("SELECT exporter, importer, product, value_usd, quantity_t FROM flows ORDER BY product")
        assert rows.fetchall() == [("MAR", "FRA", "010121", 1500.0, None), ("MAR", "FRA", "870323", 2250.0, 0.5)]


@needs_data
def test_the_hs4_long_table_stores_reported_values_and_leaves_out_empty_ones(tmp_path):
    dataset = tmp_path / "dataset"
    result = ingest_long_table(HS4_2017, dataset, year=2017)
    record = result.sources[0]
    assert (record.rows_read, record.rows_skipped, record.rows_written) == (233_432, {"empty_value": 56_461}, 176_971)
    with HS4_2017.open(newline="") as handle:
        reported = [r for r in csv.DictReader(handle) if r["export_value_usd"]]
    expected = sum(float(r["export_value_usd"]) for r in reported)
    matrix = exports_matrix(dataset, 2017, level=4)
    assert not np.isnan(matrix.values).any()
    assert_allclose(matrix.values.sum(), expected, rtol=1e-12)
    assert len(matrix.rows) == 224 and len(matrix.columns) == 1_222
    assert "MAR" in matrix.rows and "0101" in matrix.columns
    with connect(dataset) as con:
        assert con.execute("SELECT count(*) FROM flows WHERE isnan(value_usd) OR value_usd IS NULL").fetchall() == [
            (0,)
        ]
        morocco = con.execute("SELECT count(*) FROM flows WHERE exporter = 'MAR'").fetchall()[0][0]
    assert morocco == sum(r["reporter_iso"] == "mar" for r in reported)


@needs_data
def test_reimporting_the_same_file_is_recognised_and_writes_nothing(tmp_path):
    dataset = tmp_path / "dataset"
    first = ingest_baci(BACI_2021, dataset, classification="HS17")
    before = _files(dataset)
    again = ingest_baci(BACI_2021, dataset, classification="HS17")
    assert (first.status, again.status) == ("imported", "already_imported")
    assert again.sources[0].sha256 == first.sources[0].sha256
    assert _files(dataset) == before
    assert _nothing_left_in(tmp_path)


BACI_NAME = "BACI_HS17_Y2021_V202301.csv"
GOOD = "2021,4,24,382390,52.051,1.5\n"
BAD_BACI_FILES = [
    ("missing column", "t,i,j,k,q\n2021,4,24,382390,1.5\n", 1, "v", "missing_column"),
    ("non-numeric value", f"t,i,j,k,v,q\n{GOOD}2021,4,24,382390,abc,1.5\n", 3, "v", "not_a_number"),
    ("negative value", f"t,i,j,k,v,q\n{GOOD}2021,4,24,382390,-3,1.5\n", 3, "v", "negative_or_infinite"),
    ("bad year", f"t,i,j,k,v,q\n{GOOD}20x1,4,24,382390,1.0,1.5\n", 3, "t", "not_a_year"),
    ("year out of range", f"t,i,j,k,v,q\n1850,4,24,382390,1.0,1.5\n{GOOD}", 2, "t", "year_out_of_range"),
    ("fractional year", f"t,i,j,k,v,q\n{GOOD}2021.5,4,24,382390,1.0,1.5\n", 3, "t", "not_a_year"),
    ("unknown country code", f"t,i,j,k,v,q\n{GOOD}{GOOD}2021,4,999,382390,1.0,1.5\n", 4, "j", "unknown_country"),
    ("bad product code", f"t,i,j,k,v,q\n{GOOD}2021,4,24,38239012,1.0,1.5\n", 3, "k", "bad_product_code"),
    ("blank product code", f"t,i,j,k,v,q\n{GOOD}2021,4,24,,1.0,1.5\n", 3, "k", "bad_product_code"),
    ("bad quantity", f't,i,j,k,v,q\n{GOOD}2021,4,24,382390,1.0,"   abc"\n', 3, "q", "not_a_number"),
    ("short row", f"t,i,j,k,v,q\n{GOOD}2021,4,24,382390,1.0\n", 3, None, "field_count"),
    ("empty file", "", None, None, "empty_file"),
    ("header only", "t,i,j,k,v,q\n", 2, None, "no_data_rows"),
]


@pytest.mark.parametrize(
    ("content", "line", "column", "code"),
    [case[1:] for case in BAD_BACI_FILES],
    ids=[case[0] for case in BAD_BACI_FILES],
)
def test_a_malformed_baci_file_names_line_column_and_reason_and_leaves_no_dataset(
    tmp_path, content, line, column, code
):
    source = tmp_path / BACI_NAME
    source.write_text(content)
    with pytest.raises(TradeFileError) as raised:
        ingest_baci(source, tmp_path / "dataset", country_codes=read_country_codes(COUNTRY_CODES))
    error = raised.value
    assert (error.path, error.line, error.column, error.code) == (source, line, column, code)
    assert error.reason in str(error) and BACI_NAME in str(error)
    assert line is None or f"line {line}" in str(error)
    assert not (tmp_path / "dataset").exists()
    assert _nothing_left_in(tmp_path)


@pytest.mark.parametrize(
    ("content", "line", "column", "code"),
    [
        ("reporter_iso,product_code\nmar,0101\n", 1, "value", "missing_column"),
        (
            "reporter_iso,product_code,export_value_usd\nmar,0101,1\nmar,0102,1e\n",
            3,
            "export_value_usd",
            "not_a_number",
        ),
        ("reporter_iso,product_code,export_value_usd\nmar,0101,1\nzzz,0102,5\n", 3, "reporter_iso", "unknown_country"),
        ("reporter_iso,product_code,export_value_usd\nmar,01a1,1\n", 2, "product_code", "bad_product_code"),
        ("country,product,value,year\nmar,0101,1,2017\nmar,0102,1,17\n", 3, "year", "year_out_of_range"),
    ],
    ids=["missing column", "non-numeric value", "unknown country code", "bad product code", "bad year"],
)
def test_a_malformed_long_table_names_line_column_and_reason_and_leaves_no_dataset(
    tmp_path, content, line, column, code
):
    source = tmp_path / "exports.csv"
    source.write_text(content)
    with pytest.raises(TradeFileError) as raised:
        ingest_long_table(source, tmp_path / "dataset", year=2017, country_codes=read_country_codes(COUNTRY_CODES))
    assert (raised.value.line, raised.value.column, raised.value.code) == (line, column, code)
    assert not (tmp_path / "dataset").exists()


def test_a_file_that_is_not_utf8_is_refused_by_name(tmp_path):
    source = tmp_path / "exports.csv"
    source.write_bytes("country,product,value\nmar,0101,1\nciv,0101,2\n# Côte d'Ivoire\n".encode("latin-1"))
    with pytest.raises(TradeFileError) as raised:
        ingest_long_table(source, tmp_path / "dataset", year=2017)
    assert raised.value.code == "not_utf8"
    assert not (tmp_path / "dataset").exists()


def test_a_long_table_without_year_needs_the_year_given(tmp_path):
    source = tmp_path / "exports.csv"
    source.write_text("country,product,value\nmar,0101,1\n")
    with pytest.raises(TradeFileError, match="year"):
        ingest_long_table(source, tmp_path / "dataset")


@needs_data
def test_a_malformed_file_leaves_an_existing_dataset_unchanged(tmp_path):
    dataset = tmp_path / "dataset"
    ingest_baci(BACI_2021, dataset, classification="HS17")
    before = _files(dataset)
    bad = tmp_path / "BACI_HS17_Y2022_V202301.csv"
    bad.write_text(f"t,i,j,k,v,q\n{GOOD}2022,4,24,382390,oops,1\n")
    with pytest.raises(TradeFileError):
        ingest_baci(bad, dataset)
    assert _files(dataset) == before
    assert _nothing_left_in(tmp_path)


@needs_data
def test_a_release_zip_ingests_and_its_csv_is_then_recognised(tmp_path):
    archive = tmp_path / "BACI_HS17_V202301.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(BACI_2021, BACI_NAME)
        zf.writestr("Readme.txt", "BACI")
    dataset = tmp_path / "dataset"
    result = ingest_baci(archive, dataset)
    assert result.status == "imported" and result.rows_written == 71_192
    origin = result.sources[0].archive
    assert origin is not None and origin["name"] == archive.name and len(origin["sha256"]) == 64
    assert ingest_baci(archive, dataset).status == "already_imported"
    shutil.copy(BACI_2021, tmp_path / BACI_NAME)
    assert ingest_baci(tmp_path / BACI_NAME, dataset).status == "already_imported"


def test_a_bad_member_of_a_zip_is_named_inside_the_archive_and_nothing_is_imported(tmp_path):
    archive = tmp_path / "release.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("BACI_HS17_Y2020_V202301.csv", f"t,i,j,k,v,q\n{GOOD.replace('2021', '2020')}")
        zf.writestr("BACI_HS17_Y2021_V202301.csv", f"t,i,j,k,v,q\n{GOOD}2021,4,24,382390,1.0,1.5,7\n")
        zf.writestr("country_codes_V202301.csv", COUNTRY_CODES.read_bytes() + b'380,"Italy","Italy","IT","ITA"\n')
    with pytest.raises(TradeFileError) as raised:
        ingest_baci(archive, tmp_path / "dataset")
    assert raised.value.path == archive / "BACI_HS17_Y2021_V202301.csv"
    assert (raised.value.line, raised.value.reason) == (3, "expected 6 fields, found 7")
    assert (raised.value.code, raised.value.params) == ("field_count", {"expected": 6, "found": 7})
    assert not (tmp_path / "dataset").exists()
    assert _nothing_left_in(tmp_path)


def test_a_zip_without_baci_files_is_refused(tmp_path):
    archive = tmp_path / "other.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("notes.csv", "a,b\n1,2\n")
    with pytest.raises(TradeFileError, match="no BACI"):
        ingest_baci(archive, tmp_path / "dataset")


def test_files_of_two_hs_revisions_do_not_mix_in_one_dataset(tmp_path):
    for value, name in enumerate(("BACI_HS17_Y2021_V1.csv", "BACI_HS12_Y2021_V1.csv")):
        (tmp_path / name).write_text(f"t,i,j,k,v,q\n2021,4,24,382390,{value},1.5\n")
    ingest_baci(tmp_path / "BACI_HS17_Y2021_V1.csv", tmp_path / "dataset")
    with pytest.raises(TradeDatasetError, match="classification_mismatch"):
        ingest_baci(tmp_path / "BACI_HS12_Y2021_V1.csv", tmp_path / "dataset")
    assert len(read_manifest(tmp_path / "dataset").sources) == 1


def test_the_generated_world_file_ingests_back_with_its_row_count(tmp_path):
    source = tmp_path / "BACI_HS12_Y2021_V000000.csv"
    generated = generate_baci_world(source, n_countries=12, n_products=40, target_rows=2_000, seed=3)
    assert 1_000 < generated.rows <= 12 * 11 * 40
    result = ingest_baci(source, tmp_path / "dataset")
    assert result.rows_written == generated.rows
    matrix = exports_matrix(tmp_path / "dataset", 2021, level=6)
    assert len(matrix.rows) == 12 and set(matrix.columns) <= set(generated.products)


def test_the_generator_writes_the_same_file_for_the_same_seed(tmp_path):
    a, b, c = (tmp_path / f"{n}.csv" for n in "abc")
    generate_baci_world(a, n_countries=5, n_products=20, target_rows=200, seed=1)
    generate_baci_world(b, n_countries=5, n_products=20, target_rows=200, seed=1)
    generate_baci_world(c, n_countries=5, n_products=20, target_rows=200, seed=2)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()


def test_progress_is_reported_up_to_the_total(tmp_path):
    source = tmp_path / "BACI_HS12_Y2021_V0.csv"
    generate_baci_world(source, n_countries=8, n_products=30, target_rows=500)
    calls: list[tuple[int, int]] = []
    ingest_baci(source, tmp_path / "dataset", progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1] == 2 * source.stat().st_size
    assert all(a[0] <= b[0] for a, b in pairwise(calls))


COMTRADE_HEADER = (
    "typeCode\tfreqCode\trefYear\treporterCode\treporterISO\tflowCode\tpartnerCode\tpartnerISO\tpartner2Code\t"
    "classificationCode\tcmdCode\tcustomsCode\tmosCode\tmotCode\tnetWgt\tprimaryValue\n"
)
COMTRADE_ROWS = [
    "C\tA\t2022\t504\tMAR\tX\t251\tFRA\t0\tH6\t870323\tC00\t0\t0\t12000\t1500000",  # kept
    "C\tA\t2022\t504\tMAR\tX\t0\tW00\t0\tH6\t870323\tC00\t0\t0\t90000\t9000000",  # World
    "C\tA\t2022\t504\tMAR\tM\t251\tFRA\t0\tH6\t870323\tC00\t0\t0\t1000\t200000",  # import flow
    "C\tA\t2022\t504\tMAR\tX\t251\tFRA\t0\tH6\t870323\tC00\t0\t1000\t1000\t100000",  # by transport mode
    "C\tA\t2022\t504\tMAR\tX\t251\tFRA\t0\tH6\t8703\tC00\t0\t0\t\t1600000",  # 4-digit aggregate
    "C\tA\t2022\t504\tMAR\tX\t251\tFRA\t0\tH6\tTOTAL\tC00\t0\t0\t\t9900000",  # total
    "C\tA\t2022\t504\tMAR\tX\t899\t_X\t0\tH6\t10121\tC00\t0\t0\t\t2500",  # kept: areas nes, zero restored
]


def test_a_comtrade_bulk_file_keeps_bilateral_export_totals_at_six_digits(tmp_path):
    source = tmp_path / "comtrade.txt"
    source.write_text(COMTRADE_HEADER + "\n".join(COMTRADE_ROWS) + "\n")
    result = ingest_comtrade(source, tmp_path / "dataset")
    record = result.sources[0]
    assert record.classification == "HS22"
    assert (record.rows_read, record.rows_written) == (7, 2)
    assert record.rows_skipped == {"other_flow": 1, "world_partner": 1, "breakdown": 1, "other_level": 2}
    with connect(tmp_path / "dataset") as con:
        rows = con.execute("SELECT year, exporter, importer, product, value_usd, quantity_t FROM flows ORDER BY 4")
        assert rows.fetchall() == [
            (2022, "MAR", "_X", "010121", 2500.0, None),
            (2022, "MAR", "FRA", "870323", 1.5e6, 12.0),
        ]


def test_a_legacy_comtrade_file_of_imports_puts_the_reporter_as_importer(tmp_path):
    source = tmp_path / "legacy.csv"
    source.write_text(
        "Classification,Year,Period,Trade Flow Code,Reporter Code,Reporter ISO,Partner Code,Partner ISO,"
        "Commodity Code,Netweight (kg),Trade Value (US$)\n"
        "H4,2016,2016,1,36,AUS,156,CHN,010121,5000,250000\n"
        "H4,2016,2016,2,36,AUS,156,CHN,010121,5000,990000\n"
    )
    result = ingest_comtrade(source, tmp_path / "dataset", flow="M")
    assert result.sources[0].classification == "HS12"
    matrix = imports_by_product(tmp_path / "dataset", "AUS", [2016])
    assert (matrix.rows, matrix.columns) == (("2016",), ("010121",))
    assert_allclose(matrix.values, [[250_000.0]])


def test_a_comtrade_file_with_an_unknown_partner_code_names_the_line_when_a_table_is_given(tmp_path):
    source = tmp_path / "comtrade.txt"
    source.write_text(COMTRADE_HEADER + "\n".join(COMTRADE_ROWS) + "\n")
    with pytest.raises(TradeFileError) as raised:
        ingest_comtrade(source, tmp_path / "dataset", country_codes=read_country_codes(COUNTRY_CODES))
    assert (raised.value.line, raised.value.column, raised.value.code) == (8, "partnerCode", "unknown_country")
    assert raised.value.params == {"role": "partner", "value": "899"}


@needs_data
def test_imports_by_product_sums_over_exporters(baci_dataset):
    _, _, by_pair, _ = _baci_csv_totals()
    matrix = imports_by_product(baci_dataset, "afg", [2021], level=2)
    assert matrix.rows == ("2021",)
    assert_allclose(matrix.values.sum(), by_pair["710", "4"], rtol=1e-12)
    assert all(len(code) == 2 for code in matrix.columns)


@needs_data
def test_an_exports_matrix_finer_than_the_data_is_refused(tmp_path):
    ingest_long_table(HS4_2017, tmp_path / "dataset", year=2017)
    with pytest.raises(TradeDatasetError, match="level_finer_than_data"):
        exports_matrix(tmp_path / "dataset", 2017, level=6)


@needs_data
def test_reference_tables_give_names_to_countries_and_products(baci_dataset):
    write_reference_tables(
        baci_dataset, countries=read_country_codes(COUNTRY_CODES), products=read_product_names(PRODUCTS_HS12)
    )
    with connect(baci_dataset) as con:
        top = con.execute(
            """SELECT c.name, p.name_short, sum(f.value_usd) AS value
               FROM flows f JOIN countries c ON c.iso3 = f.exporter AND c.code = 710
                            JOIN products p ON p.product = left(f.product, 4)
               GROUP BY ALL ORDER BY value DESC LIMIT 1"""
        ).fetchall()
    assert top[0][0] == "South Africa" and math.isfinite(top[0][2])


def test_the_format_of_a_file_is_recognised_from_its_header(tmp_path):
    files = {
        "baci.csv": '"t","i","j","k","v","q"\n2021,4,24,382390,1,1\n',
        "comtrade.txt": COMTRADE_HEADER + COMTRADE_ROWS[0] + "\n",
        "long.csv": "reporter_iso,product_code,export_value_usd\nmar,0101,1\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    found = {name: detect_format(read_header(tmp_path / name)) for name in files}
    assert found == {"baci.csv": "baci", "comtrade.txt": "comtrade", "long.csv": "long"}
