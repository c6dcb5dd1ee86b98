"""The gravity demo generator: real 2017 exporter x product totals, a GDP/distance split, readable as BACI."""

from __future__ import annotations

import csv
import gzip
import shutil
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ecosys.analytics.geo import read_geo_countries, read_geodist
from ecosys.analytics.trade import exports_matrix, imports_by_product, ingest_baci, read_manifest
from ecosys.analytics.trade.codes import shipped_country_codes
from ecosys.analytics.trade.formats import classification_from_name, year_from_baci_name
from ecosys.analytics.trade.gravity import (
    CLASSIFICATION,
    NOISE_SIGMA,
    GravityDemo,
    _exporter_flows,
    generate_baci_gravity,
    read_real_exports_hs4_2017,
)

YEARS = (2016, 2017)
TARGET_ROWS = 200_000  # exact totals need one row per exporter x product with exports (about 175,000)
DATA = resources.files("ecosys.analytics.trade").joinpath("data")

# Morocco's goods imports in 2017: 435.2 bn MAD (Office des Changes, annual foreign trade figures
# published on 2 February 2018), about 45 bn USD at the 2017 average rate of about 9.7 MAD per USD.
MOROCCO_IMPORTS_2017_USD = 45e9
MOROCCO = 504  # its BACI code (ISO 3166 numeric)
SMALL_TARGET = 15_000


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> GravityDemo:
    calls: list[tuple[int, int]] = []
    made = generate_baci_gravity(
        tmp_path_factory.mktemp("gravity"),
        years=YEARS,
        target_rows=TARGET_ROWS,
        seed=0,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls and calls[-1][0] == calls[-1][1] and [d for d, _ in calls] == sorted(d for d, _ in calls)
    return made


@pytest.fixture(scope="module")
def dataset(demo, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gravity_dataset") / "dataset"
    for path in demo.paths:
        ingest_baci(path, folder)
    return folder


@pytest.fixture(scope="module")
def real() -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray]:
    return read_real_exports_hs4_2017()


@pytest.fixture(scope="module")
def kept_small(tmp_path_factory) -> GravityDemo:
    """Morocco's imports kept whole over a target far below one row per exporter x product (not exact)."""
    folder = tmp_path_factory.mktemp("gravity_kept_small")
    return generate_baci_gravity(folder, years=(2017,), target_rows=SMALL_TARGET, seed=0, keep_all_for=("mar",))


@pytest.fixture(scope="module")
def kept_exact(tmp_path_factory) -> GravityDemo:
    """The parameters of ``demo``, with Morocco's imports kept whole."""
    folder = tmp_path_factory.mktemp("gravity_kept_exact")
    return generate_baci_gravity(folder, years=YEARS, target_rows=TARGET_ROWS, seed=0, keep_all_for=("MAR",))


def _flows(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Exporter, importer and product codes of a generated file, and the values in whole USD."""
    table = np.loadtxt(path, delimiter=",", skiprows=1, usecols=(1, 2, 3, 4), ndmin=2)
    i, j, k = (table[:, n].astype(np.int64) for n in range(3))
    return i, j, k, np.rint(table[:, 3] * 1000).astype(np.int64)


def _moroccos_gravity_imports_2017(real, importers: tuple[str, ...], dropped: tuple[str, ...]) -> np.ndarray:
    """``X_ik s_i,MAR`` in USD (real countries x products) from the real exports, GDP file and CEPII distances."""
    countries, _, values = real
    gdp: dict[str, float] = {}
    with open(str(DATA.joinpath("gdp_population_2017.csv")), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code = {"ROM": "ROU"}.get(row["reporter_iso"].upper(), row["reporter_iso"].upper())
            if row["gdp_current_usd"].strip():
                gdp[code] = float(row["gdp_current_usd"])
    geo = read_geodist(Path(str(DATA.joinpath("dist_cepii.csv.gz"))))
    columns = [geo.index(c) for c in importers]
    importer_gdp = np.array([gdp[c] for c in importers])
    morocco = importers.index("MAR")
    flows = np.zeros_like(values)
    for n, exporter in enumerate(countries):
        if exporter in dropped:
            continue
        others = np.array([c != exporter for c in importers])
        weight = np.zeros(len(importers))
        if (row := geo.index(exporter)) >= 0:
            distance = np.where(np.isnan(geo.pairs["distw"][row]), geo.pairs["dist"][row], geo.pairs["distw"][row])
            d = distance[columns]
            known = others & np.isfinite(d) & (d > 0)
            weight[known] = importer_gdp[known] / d[known]
        if not weight.any():  # no distance: GDP alone
            weight = np.where(others, importer_gdp, 0.0)
        flows[n] = values[n] * weight[morocco] / weight.sum()
    return flows


def _check_moroccos_flows(path: Path, real, made: GravityDemo) -> None:
    """Every flow into Morocco is written, to the nearest dollar, as its gravity value ``X_ik s_i,MAR``."""
    countries, products, _ = real
    expected = _moroccos_gravity_imports_2017(real, made.importers, made.dropped)
    row_of = {
        code: countries.index(country.iso3)
        for code, country in shipped_country_codes().items()
        if country.iso3 in countries
    }
    column_of = {int(p) * 100: n for n, p in enumerate(products)}
    i, j, k, v = _flows(path)
    into = j == MOROCCO
    rows = [row_of[code] for code in i[into].tolist()]
    columns = [column_of[code] for code in k[into].tolist()]
    assert len(set(zip(rows, columns, strict=True))) == len(rows)
    assert (np.abs(v[into] - expected[rows, columns]) <= 0.5 + 1e-9 * expected[rows, columns] + 1e-6).all()
    written = np.zeros(expected.shape, dtype=bool)
    written[rows, columns] = True
    assert not written[expected < 0.5 - 1e-6].any() and written[expected > 0.5 + 1e-6].all()


def _worldbank_ratio(year: int) -> dict[str, float]:
    """GDP(year) / GDP(2017), constant 2010 USD, read straight from the shipped World Bank file."""
    with gzip.open(str(DATA.joinpath("worldbank_gdp.csv.gz")), "rt", encoding="utf-8-sig", newline="") as f:
        values: dict[tuple[str, str], float] = {}
        for row in csv.DictReader(f):
            try:
                values[(row["Country Code"], row["Time"])] = float(row["Value"])
            except (ValueError, TypeError):
                continue
    return {
        country: values[(country, str(year))] / values[(country, "2017")]
        for country, time in values
        if time == "2017" and (country, str(year)) in values
    }


# -- the files ------------------------------------------------------------------------------------------------


def test_one_file_per_year_named_so_that_ingestion_reads_its_revision_and_year(demo):
    assert demo.years == YEARS and len(demo.paths) == 2
    for year, path in zip(YEARS, demo.paths, strict=True):
        assert path.name == f"BACI_HS07_Y{year}_V000000_generated.csv"
        assert classification_from_name(path.name) == CLASSIFICATION == "HS07"
        assert year_from_baci_name(path.name) == year
    assert "Generated" in demo.label and "real" in demo.label
    lines = demo.paths[1].read_text(encoding="ascii").splitlines()
    assert lines[0] == "t,i,j,k,v,q"
    t, i, j, k, v, q = lines[1].split(",")
    assert t == "2017" and i != j and k.endswith("00") and len(v.split(".")[1]) == 3 and q == '"           NA"'


def test_the_same_seed_writes_the_same_bytes_whatever_the_other_years_and_another_seed_others(demo, tmp_path):
    again = generate_baci_gravity(tmp_path / "again", years=(2016,), target_rows=TARGET_ROWS, seed=0)
    assert again.paths[0].read_bytes() == demo.paths[0].read_bytes()
    other = generate_baci_gravity(tmp_path / "other", years=(2016,), target_rows=TARGET_ROWS, seed=1)
    assert other.paths[0].read_bytes() != demo.paths[0].read_bytes()


def test_the_row_count_of_each_year_is_the_target(demo):
    for year, path in zip(YEARS, demo.paths, strict=True):
        with path.open(encoding="ascii") as f:
            lines = sum(1 for _ in f) - 1
        assert lines == demo.rows[year]
        assert abs(demo.rows[year] - TARGET_ROWS) <= 0.005 * TARGET_ROWS
        assert demo.tau[year] > 0 and demo.exact[year]


def test_rows_are_sorted_by_exporter_importer_and_product_with_no_self_trade_and_no_zero(demo):
    with demo.paths[1].open(encoding="ascii") as f:
        rows = [line.split(",") for line in f.read().splitlines()[1:]]
    keys = [(int(i), int(j), int(k)) for _, i, j, k, _, _ in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert all(i != j for i, j, _ in keys)
    assert min(float(r[4]) for r in rows) >= 0.001


# -- through ingestion ----------------------------------------------------------------------------------------


def test_the_files_ingest_into_a_dataset_with_every_row(demo, dataset):
    manifest = read_manifest(dataset)
    assert manifest.classification == "HS07"
    assert sum(s.rows_written for s in manifest.sources) == sum(demo.rows.values())
    assert {y: round(manifest.sources[n].value_usd_by_year[str(y)]) for n, y in enumerate(YEARS)} == {
        y: round(demo.value_usd[y]) for y in YEARS
    }


def test_2017_exporter_x_product_totals_are_the_real_exports_to_the_dollar(demo, dataset, real):
    countries, products, values = real
    written = exports_matrix(dataset, 2017, level=4)
    expected = {c for n, c in enumerate(countries) if values[n].sum() > 0} - set(demo.dropped)
    assert set(written.rows) == expected
    rows = [countries.index(c) for c in written.rows]
    columns = [products.index(p) for p in written.columns]
    assert_allclose(written.values, values[np.ix_(rows, columns)], rtol=0, atol=0.01)
    unwritten = np.setdiff1d(np.arange(len(products)), columns)
    assert not values[np.ix_(rows, unwritten)].any()
    assert demo.value_usd[2017] == values[rows].sum()
    assert set(demo.dropped) == {"BVT", "ESH", "FRO", "HMD", "SGS", "UMI", "VAT"}
    assert 0 < demo.dropped_value_usd < 1e-3 * values.sum()


def test_exporters_without_distances_are_kept_and_split_by_gdp(demo, dataset):
    assert set(demo.gdp_only) == {"ASM", "ATF", "GUM", "IOT"}
    assert set(demo.gdp_only) <= set(exports_matrix(dataset, 2017, level=4).rows)


def test_earlier_years_follow_each_exporters_gdp_growth_on_average(demo, dataset):
    ratio = _worldbank_ratio(2016)
    before, now = exports_matrix(dataset, 2016, level=4), exports_matrix(dataset, 2017, level=4)
    assert before.rows == now.rows and before.columns == now.columns
    total_before, total_now = before.values.sum(axis=1), now.values.sum(axis=1)
    growth = np.array([ratio.get(c, 1.0) for c in now.rows])
    # world: thousands of products average the noise out
    assert (total_before.sum() / (growth * total_now).sum()) == pytest.approx(1.0, abs=0.01)
    # each exporter: the median deviation from its GDP path is small, single ones carry the noise
    deviation = total_before / (growth * total_now)
    assert np.median(deviation) == pytest.approx(1.0, abs=0.02)
    assert 0.5 * NOISE_SIGMA < np.std(np.log(before.values[now.values > 1e9] / now.values[now.values > 1e9])) < 0.5
    assert set(demo.gdp_fallbacks[2016]) >= {"SYR", "PRK"} and demo.gdp_fallbacks[2017] == ()


# -- Morocco --------------------------------------------------------------------------------------------------


def test_moroccos_generated_imports_are_within_a_factor_3_of_its_real_imports(dataset):
    imports = imports_by_product(dataset, "MAR", [2017], level=4)
    total = imports.values.sum()
    assert MOROCCO_IMPORTS_2017_USD / 3 < total < 3 * MOROCCO_IMPORTS_2017_USD
    assert imports.rows == ("2017",)


def test_morocco_imports_products_it_does_not_export_and_scrap_metals(dataset, real):
    countries, products, values = real
    exported = {p for p, v in zip(products, values[countries.index("MAR")], strict=True) if v > 0}
    imports = imports_by_product(dataset, "MAR", [2017], level=4)
    bought = {p for p, v in zip(imports.columns, imports.values[0], strict=True) if v > 0}
    assert "8703" in exported and "8703" in bought  # cars: made in Tangier and Kenitra, and imported
    assert "0102" not in exported and "0102" in bought  # live cattle, which Morocco does import
    assert len(bought - exported) >= 3  # Morocco exports some of most products: few are left
    chapters = imports_by_product(dataset, "MAR", [2017], level=2)
    by_chapter = dict(zip(chapters.columns, chapters.values[0], strict=True))
    assert all(by_chapter.get(chapter, 0) > 0 for chapter in ("72", "74", "76"))  # iron, copper, aluminium


def test_a_small_target_gives_that_many_rows_unbiased_but_not_exact(tmp_path, real):
    small = generate_baci_gravity(tmp_path, years=(2017,), target_rows=20_000, seed=3)
    assert not small.exact[2017]
    assert abs(small.rows[2017] - 20_000) < 0.03 * 20_000
    countries, _, values = real
    kept = [n for n, c in enumerate(countries) if c not in small.dropped]
    assert small.value_usd[2017] == pytest.approx(values[kept].sum(), rel=0.01)
    ingest_baci(small.paths[0], tmp_path / "dataset")
    written = exports_matrix(tmp_path / "dataset", 2017, level=2)
    usa = written.values[written.rows.index("USA")].sum()
    assert usa == pytest.approx(values[countries.index("USA")].sum(), rel=0.02)


# -- keep_all_for: a study country's imports written whole ---------------------------------------------------


def test_kept_importers_get_their_whole_gravity_import_vector_on_top_of_a_small_target(kept_small, real, tmp_path):
    assert kept_small.kept == ("MAR",) and not kept_small.exact[2017]
    assert abs(kept_small.rows[2017] - kept_small.kept_rows[2017] - SMALL_TARGET) < 0.03 * SMALL_TARGET
    _check_moroccos_flows(kept_small.paths[0], real, kept_small)
    _, j, _, _ = _flows(kept_small.paths[0])
    assert kept_small.kept_rows[2017] == int((j == MOROCCO).sum()) > 100_000  # most exporter x product pairs
    ingest_baci(kept_small.paths[0], tmp_path / "dataset")
    imports = imports_by_product(tmp_path / "dataset", "MAR", [2017], level=4)
    expected = _moroccos_gravity_imports_2017(real, kept_small.importers, kept_small.dropped).sum()
    assert imports.values.sum() == pytest.approx(expected, abs=0.5 * kept_small.kept_rows[2017])
    assert int((imports.values[0] > 0).sum()) >= 500


def test_keep_all_for_keeps_exact_totals_exact_and_only_adds_the_kept_rows(demo, kept_exact, real):
    for year, plain_path, kept_path in zip(YEARS, demo.paths, kept_exact.paths, strict=True):
        assert demo.exact[year] and kept_exact.exact[year] and demo.kept_rows[year] == 0
        assert abs(kept_exact.rows[year] - kept_exact.kept_rows[year] - TARGET_ROWS) <= 0.005 * TARGET_ROWS
        plain, kept = _flows(plain_path), _flows(kept_path)
        totals = []
        for i, _, k, v in (plain, kept):
            keys, where = np.unique(i * 10**7 + k, return_inverse=True)
            totals.append((keys, np.bincount(where, v)))
        (plain_keys, plain_sums), (kept_keys, kept_sums) = totals
        assert (plain_keys == kept_keys).all() and (plain_sums == kept_sums).all()  # to the dollar
        assert kept_exact.kept_rows[year] == int((kept[1] == MOROCCO).sum()) > 3 * int((plain[1] == MOROCCO).sum())
        assert kept_exact.value_usd[year] == demo.value_usd[year]
    _check_moroccos_flows(kept_exact.paths[1], real, kept_exact)


def test_keep_all_for_takes_any_case_once_and_writes_the_same_bytes_for_the_same_parameters(kept_small, tmp_path):
    again = generate_baci_gravity(
        tmp_path, years=(2017,), target_rows=SMALL_TARGET, seed=0, keep_all_for=["MAR", "Mar", "mar"]
    )
    assert again.kept == ("MAR",) and again.paths[0].read_bytes() == kept_small.paths[0].read_bytes()


# -- the thinning ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("exact", [True, False])
def test_thinning_keeps_each_flow_unbiased_and_totals_exact_when_asked(exact):
    totals = np.array([3_000_000.0, 37_000.0, 5_000_000.0])
    shares = np.array([0.5, 0.2, 0.15, 0.1, 0.02, 0.015, 0.01, 0.005, 0.0])
    tau = 60_000.0  # small flows sum to 90,000 (first exporter x product), 37,000 and 75,000 USD
    draws = 20_000  # each row of one call is an independent draw: stack them
    product, importer, amount = _exporter_flows(
        np.tile(totals, draws), shares, tau, np.random.default_rng(5).random(3 * draws), exact=exact
    )
    assert (amount > 0).all() and (np.diff(importer) >= 0).all()  # sorted by importer, no zero
    flows = np.zeros((3 * draws, len(shares)), dtype=np.int64)
    flows[product, importer] = amount
    flows = flows.reshape(draws, 3, len(shares))
    expected = totals[:, None] * shares[None, :]
    sums = flows.sum(axis=2)
    assert (sums[:, [0, 2]] == totals[[0, 2]]).all()  # exact whenever the small flows sum to τ or more
    assert (sums[:, 1] == totals[1]).all() if exact else set(np.unique(sums[:, 1])) == {0, 60_000}
    assert (flows[:, :, -1] == 0).all()
    big = expected >= tau
    assert (flows[:, big] == expected[big]).all()  # whole dollars here: written as they are
    assert_allclose(flows.mean(axis=0), expected, rtol=0.03, atol=300)


# -- inputs ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "parameter"),
    [
        ({"years": (1999, 2017)}, "years"),
        ({"years": ()}, "years"),
        ({"target_rows": 0}, "target_rows"),
        ({"target_rows": -5}, "target_rows"),
        ({"gdp_elasticity": -1.0}, "gdp_elasticity"),
        ({"distance_elasticity": -0.5}, "distance_elasticity"),
        ({"distance_elasticity": float("nan")}, "distance_elasticity"),
        ({"seed": -1}, "seed"),
        ({"keep_all_for": ("MAR", "XYZ")}, "keep_all_for"),
        ({"keep_all_for": ("SYR",)}, "keep_all_for"),  # a BACI country without GDP: the model gives it no imports
        ({"keep_all_for": "MAR"}, "keep_all_for"),  # one string, not a sequence of codes
    ],
)
def test_bad_parameters_raise_a_value_error_naming_them(tmp_path, arguments, parameter):
    with pytest.raises(ValueError, match=rf"^{parameter}\b"):
        generate_baci_gravity(tmp_path, **{"years": (2017,), **arguments})
    assert not list(tmp_path.glob("*.csv"))


def test_the_real_exports_helper_returns_iso3_upper_case_hs4_and_usd(real):
    countries, products, values = real
    assert values.shape == (len(countries), len(products)) == (224, 1222)
    assert all(len(c) == 3 and c.isupper() for c in countries)
    assert all(len(p) == 4 and p.isdigit() for p in products)
    assert values[countries.index("MAR"), products.index("8703")] == 5_043_460_349.0
    assert values[countries.index("AFG"), products.index("0101")] == 0  # blank in the source
    assert values.sum() == pytest.approx(20.08e12, rel=1e-3)
    values[0, 0] = -1  # a copy: the next caller gets the data unchanged
    assert read_real_exports_hs4_2017()[2][0, 0] != -1


def test_geodist_reads_a_gzipped_file_as_the_plain_one(tmp_path):
    packed = Path(str(DATA.joinpath("dist_cepii.csv.gz")))
    plain = tmp_path / "dist_cepii.csv"
    with gzip.open(packed, "rb") as source, plain.open("wb") as target:
        shutil.copyfileobj(source, target)
    from_gz, from_plain = read_geodist(packed), read_geodist(plain)
    assert from_gz.countries.tolist() == from_plain.countries.tolist()
    for name, matrix in from_gz.pairs.items():
        assert_allclose(matrix, from_plain.pairs[name], equal_nan=True)
    assert from_gz.pairs["dist"][from_gz.index("MAR"), from_gz.index("ESP")] == pytest.approx(762.6525)
    geo = tmp_path / "geo_cepii.csv.gz"
    with gzip.open(geo, "wb") as target:
        target.write(Path(str(DATA.joinpath("geo_cepii.csv"))).read_bytes())
    countries = read_geo_countries(geo)
    assert countries.name[countries.iso3 == "CIV"].tolist() == ["Côte d'Ivoire"]
