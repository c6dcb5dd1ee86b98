"""The opportunity study: one call from a trade dataset to a ranked table, checked against the functions it composes.

Datasets are small generated BACI worlds (three years) and hand-written files for the refusals; distances
are the CEPII GeoDist file shipped with Ecosys.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ecosys.analytics.complexity import complexity_all
from ecosys.analytics.geo import bilateral_ease
from ecosys.analytics.opportunity import (
    ATLAS_STRATEGIES,
    STAGES,
    OpportunityInputError,
    StudyParameters,
    StudyResult,
    composite_scores,
    domestic_market_growth,
    export_potential,
    feasibility_for_country,
    import_substitution,
    job_potential,
    run_study,
    study_parameters,
)
from ecosys.analytics.opportunity.study import shipped_geodist
from ecosys.analytics.trade import (
    TradeDatasetError,
    connect,
    exports_matrix,
    generate_baci_world,
    imports_by_product,
    ingest_baci,
    ingest_long_table,
)
from ecosys.analytics.trade.queries import exports_by_product, imports_by_market

YEARS = (2019, 2020, 2021)
COUNTRY = "BRA"
COEFFICIENTS_HEADER = "code,activity,jobs_per_million_mad,value_added_ratio,status,source\n"


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    """Three generated years of 30 countries x 150 HS6 products (about 20,000 flows each)."""
    folder = tmp_path_factory.mktemp("world")
    dataset = folder / "dataset"
    for seed, year in enumerate(YEARS, start=1):
        source = folder / f"BACI_HS12_Y{year}_V0.csv"
        generate_baci_world(source, year=year, n_countries=30, n_products=150, target_rows=20_000, seed=seed)
        ingest_baci(source, dataset)
    return dataset


@pytest.fixture(scope="module")
def study(world) -> StudyResult:
    return run_study(world, study_parameters({"country": COUNTRY, "years": "2019-2021"}), geodist=shipped_geodist())


def rows_by_product(result: StudyResult) -> dict[str, dict[str, object]]:
    return {str(row["product"]): row for row in result.rows}


def column(result: StudyResult, key: str, products: list[str]) -> np.ndarray:
    rows = rows_by_product(result)
    return np.array([np.nan if rows[p][key] is None else rows[p][key] for p in products], dtype=np.float64)


# -- structure and ranks ------------------------------------------------------------------------------------------


def test_a_study_has_one_row_per_traded_product_and_the_columns_the_pages_read(world, study):
    products = exports_matrix(world, 2021, 4).columns
    assert sorted(rows_by_product(study)) == list(products)
    keys = [c.key for c in study.columns]
    required = (
        "product name exports_usd imports_usd import_growth rca present density distance pci cog recycled_input "
        "import_substitution export_potential_usd untapped_usd jobs value_added_mad feasibility score rank market_usd"
    )
    assert set(required.split()) <= set(keys)
    assert all(set(row) == set(keys) for row in study.rows)
    assert all(
        c.kind in {"text", "usd", "mad", "number", "share", "growth", "flag", "rank", "jobs"} for c in study.columns
    )
    assert all(c.description.endswith(".") for c in study.columns)
    assert study.summary["country"] == COUNTRY and study.summary["year"] == 2021
    assert study.summary["products"] == len(products)
    by_year = study.summary["rows_by_year"]
    assert isinstance(by_year, dict) and list(by_year) == ["2019", "2020", "2021"]
    assert study.summary["dataset_rows"] == sum(by_year.values())


def test_rows_come_in_rank_order_with_every_unscored_product_after_every_scored_one(study):
    ranks = [row["rank"] for row in study.rows]
    assert ranks == list(range(1, len(study.rows) + 1))
    scored = [row["score"] is not None for row in study.rows]
    assert scored[0] and scored == sorted(scored, reverse=True)
    scores = [row["score"] for row in study.rows if row["score"] is not None]
    assert scores == sorted(scores, reverse=True)


def test_by_default_only_products_not_yet_exported_are_scored_as_in_the_atlas(study):
    for row in study.rows:
        assert row["candidate"] == (not row["present"])
        assert (row["score"] is None) == bool(row["present"])


def test_with_the_scope_all_every_product_is_scored(world):
    result = run_study(world, study_parameters({"country": COUNTRY, "years": YEARS, "scope": "all"}))
    assert all(row["score"] is not None for row in result.rows)


# -- each value is the underlying function's ----------------------------------------------------------------------


def test_complexity_columns_equal_complexity_all_on_the_last_year(world, study):
    x = exports_matrix(world, 2021, 4)
    cx = complexity_all(x.values, countries=np.array(x.rows), products=np.array(x.columns))
    feasibility = feasibility_for_country(cx, COUNTRY)
    products = list(x.columns)
    i = x.rows.index(COUNTRY)
    assert_allclose(column(study, "rca", products), cx.rca[i], rtol=1e-12)
    assert_allclose(column(study, "density", products), cx.density[i], rtol=1e-12)
    assert_allclose(column(study, "feasibility", products), cx.density[i], rtol=1e-12)
    assert_allclose(column(study, "distance", products), 1 - cx.density[i], rtol=1e-12)
    assert_allclose(column(study, "pci", products), cx.pci, rtol=1e-9)
    assert_allclose(column(study, "cog", products), cx.cog[i], rtol=1e-9, atol=1e-12)
    assert [rows_by_product(study)[p]["present"] for p in products] == (cx.mcp[i] == 1).tolist()
    assert_allclose(column(study, "exports_usd", products), x.values[i], rtol=1e-12)
    assert_allclose(column(study, "market_usd", products), x.values.sum(axis=0), rtol=1e-12)
    assert study.summary["eci"] == pytest.approx(cx.eci[i], rel=1e-9)
    assert study.summary["eci_rank"] == 1 + int(np.sum(cx.eci > cx.eci[i]))
    assert study.summary["diversity"] == cx.diversity[i]
    # the Atlas strategy's score is composite_scores on the candidates' density, PCI and COG
    candidates, indicators = feasibility.indicators()
    expected = composite_scores(indicators, "balanced_portfolio", products=candidates)
    assert_allclose(column(study, "score", list(candidates)), expected.score, rtol=1e-9, atol=1e-12)
    assert study.weights == pytest.approx(ATLAS_STRATEGIES["balanced_portfolio"])


def test_import_columns_equal_import_substitution_on_the_countrys_imports(world, study):
    x = exports_matrix(world, 2021, 4)
    products = list(x.columns)
    cx = complexity_all(x.values, countries=np.array(x.rows), products=np.array(x.columns))
    imports = imports_by_product(world, COUNTRY, YEARS, 4)
    by_year = np.zeros((3, len(products)))
    for j, p in enumerate(imports.columns):
        if p in products:
            by_year[:, products.index(p)] = imports.values[:, j]
    expected = import_substitution(
        by_year, cx.density[x.rows.index(COUNTRY)], years=YEARS, products=products, horizon=5, max_growth=0.2
    )
    assert_allclose(column(study, "imports_usd", products), by_year[-1], rtol=1e-12)
    assert_allclose(column(study, "import_growth", products), expected.growth, rtol=1e-9)
    assert_allclose(column(study, "import_substitution", products), expected.score, rtol=1e-9)
    assert [rows_by_product(study)[p]["recycled_input"] for p in products] == expected.recycled_input.tolist()


def test_export_potential_and_jobs_equal_the_functions_on_the_markets_imports(world, study):
    x = exports_matrix(world, 2021, 4)
    products = list(x.columns)
    cube = imports_by_market(world, YEARS, 4)
    demand = np.zeros((3, len(cube.rows), len(products)))
    for j, p in enumerate(cube.columns):
        demand[:, :, products.index(p)] = cube.values[:, :, j]
    # the country's own row of the imports cube is what imports_by_product answers
    own = imports_by_product(world, COUNTRY, YEARS, 4)
    assert_allclose(cube.values[:, cube.rows.index(COUNTRY), [cube.columns.index(p) for p in own.columns]], own.values)
    with connect(world) as con:  # the country's sales in each market, straight from the flows
        sold = con.execute(
            "SELECT importer, left(product, 4), sum(value_usd) FROM flows WHERE exporter = ? AND year = 2021 "
            "GROUP BY ALL",
            [COUNTRY],
        ).fetchall()
    actual = np.zeros((len(cube.rows), len(products)))
    for importer, product, value in sold:
        actual[cube.rows.index(importer), products.index(product)] += value
    expected = export_potential(
        x.values,
        countries=x.rows,
        country=COUNTRY,
        market_imports_by_year=demand,
        years=YEARS,
        markets=cube.rows,
        ease=bilateral_ease(shipped_geodist(), COUNTRY, cube.rows),
        products=products,
        actual_exports=actual,
    )
    assert_allclose(column(study, "export_potential_usd", products), expected.potential_by_product, rtol=1e-9)
    untapped = column(study, "untapped_usd", products)
    assert_allclose(untapped, expected.untapped_by_product, rtol=1e-9, atol=1e-6)
    output = column(study, "imports_usd", products) + untapped
    assert_allclose(column(study, "potential_usd", products), output, rtol=1e-12)
    jobs = job_potential(output * 9.7, products=products)
    assert_allclose(column(study, "jobs", products), jobs.jobs, rtol=1e-12)
    assert_allclose(column(study, "value_added_mad", products), jobs.value_added_mad, rtol=1e-12)


def test_custom_weights_score_money_indicators_by_their_logarithm(world, study):
    params = study_parameters(
        {"country": COUNTRY, "years": YEARS, "strategy": "custom", "weights": "density=1, import_substitution=1"}
    )
    result = run_study(world, params)
    candidates = [str(r["product"]) for r in study.rows if r["candidate"]]
    indicators = {
        "density": column(study, "density", candidates),
        "import_substitution": np.log1p(column(study, "import_substitution", candidates)),
    }
    expected = composite_scores(indicators, {"density": 1.0, "import_substitution": 1.0}, products=candidates)
    assert_allclose(column(result, "score", candidates), expected.score, rtol=1e-9, atol=1e-12)
    assert result.weights == {"density": 0.5, "import_substitution": 0.5}
    contributions = column(result, "contribution_density", candidates) + column(
        result, "contribution_import_substitution", candidates
    )
    assert_allclose(contributions, expected.score, rtol=1e-9, atol=1e-12)


def test_production_gives_the_domestic_market_and_its_growth(world):
    production = "product,year,production_mad\n" + "".join(
        f"870321,{year},{value}\n870322,{year},{value}\n"
        for year, value in zip(YEARS, (1e9, 1.1e9, 1.21e9), strict=True)
    )
    params = study_parameters({"country": COUNTRY, "years": YEARS, "production_csv": production})
    result = run_study(world, params)
    row = rows_by_product(result)["8703"]
    imports = imports_by_product(world, COUNTRY, YEARS, 4)
    exports = exports_by_product(world, COUNTRY, YEARS, 4)
    m = imports.values[:, imports.columns.index("8703")] if "8703" in imports.columns else np.zeros(3)
    xs = exports.values[:, exports.columns.index("8703")] if "8703" in exports.columns else np.zeros(3)
    p = np.array([2e9, 2.2e9, 2.42e9]) / 9.7  # the two subheadings summed into 8703, MAD to USD
    expected = domestic_market_growth(p[:, None], m[:, None], xs[:, None], years=YEARS)
    assert row["domestic_status"] == expected.status[0] == "ok"
    assert row["consumption_usd"] == pytest.approx(expected.latest_consumption[0], rel=1e-12)
    assert row["domestic_growth"] == pytest.approx(expected.growth[0], rel=1e-9)
    others = [r for r in result.rows if r["product"] != "8703"]
    assert all(r["domestic_status"] == "production_unknown" for r in others)


def test_rpop_presence_uses_the_population_and_says_when_it_is_missing(world):
    x = exports_matrix(world, 2021, 4)
    population = "country,population\n" + "".join(f"{c},{(i + 1) * 1e6}\n" for i, c in enumerate(x.rows))
    params = study_parameters({"country": COUNTRY, "years": YEARS, "presence": "rpop", "population_csv": population})
    result = run_study(world, params)
    pop = np.array([(i + 1) * 1e6 for i in range(len(x.rows))])
    cx = complexity_all(
        x.values, countries=np.array(x.rows), products=np.array(x.columns), population=pop, presence="rpop"
    )
    assert cx.rpop is not None
    assert_allclose(column(result, "rpop", list(x.columns)), cx.rpop[x.rows.index(COUNTRY)], rtol=1e-12)
    without = run_study(world, study_parameters({"country": COUNTRY, "years": YEARS, "presence": "rpop"}))
    assert "population not given: presence rpop replaced by rca." in without.notes
    assert without.summary["presence"] == "rca"


# -- reproducibility, progress, JSON ------------------------------------------------------------------------------


def test_the_same_study_twice_gives_the_same_result(world, study):
    again = run_study(world, study_parameters({"country": COUNTRY.lower(), "years": [2019, 2020, 2021]}))
    assert again.to_json() == study.to_json()


def test_progress_goes_through_the_stages_in_order_up_to_100(world):
    calls: list[tuple[int, str]] = []
    run_study(world, study_parameters({"country": COUNTRY, "years": YEARS}), progress=lambda p, s: calls.append((p, s)))
    stages = [stage for _, stage in calls]
    assert list(dict.fromkeys(stages)) == list(STAGES)
    percents = [percent for percent, _ in calls]
    assert percents == sorted(percents) and percents[0] == 0 and percents[-1] == 100


def test_a_result_goes_to_json_and_back_unchanged_without_nan(study):
    text = json.dumps(study.to_json(), allow_nan=False)
    again = StudyResult.from_json(json.loads(text))
    assert again == study
    assert json.dumps(again.to_json(), allow_nan=False) == text
    assert not any(isinstance(v, float) and math.isnan(v) for row in study.rows for v in row.values())


def test_stored_parameters_are_accepted_back_as_they_are():
    params = study_parameters(
        {"country": "mar", "years": "2019, 2021", "level": "6", "strategy": "Low-hanging fruit", "mcp_threshold": "1,5"}
    )
    assert params == StudyParameters(
        country="MAR", years=(2019, 2021), level=6, strategy="low_hanging_fruit", mcp_threshold=1.5
    )
    stored = json.loads(json.dumps({**params.__dict__, "years": list(params.years)}))
    assert study_parameters(stored) == params
    assert study_parameters({"country": "MAR", "years": 2021, "strategy": "balanced"}).strategy == "balanced_portfolio"
    assert study_parameters({"country": "MAR", "years": [2021], "weights": "pci=1"}).strategy == "custom"


# -- refusals -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"country": "ZZZ", "years": 2021}, r"^country: 'ZZZ' is not an ISO3 country code"),
        ({"years": 2021}, r"^country: is required"),
        ({"country": "MAR", "years": ""}, r"^years: has no year"),
        ({"country": "MAR", "years": "2019, 20x1"}, r"^years: '20x1' is not a year"),
        ({"country": "MAR", "years": [2019, 2.5]}, r"^years: 2.5 is not a year"),
        ({"country": "MAR", "years": "2020, 2020"}, r"^years: has a repeated year: 2020"),
        ({"country": "MAR", "years": 2021, "level": 5}, r"^level: 5 is not one of 2, 4, 6"),
        ({"country": "MAR", "years": 2021, "presence": "gdp"}, r"^presence: 'gdp' is not one of rca, rpop, both"),
        ({"country": "MAR", "years": 2021, "strategy": "moonshot"}, r"^strategy: 'moonshot' is not a strategy"),
        ({"country": "MAR", "years": 2021, "strategy": "custom", "weights": "density=abc"}, r"^weights: 'density' has"),
        ({"country": "MAR", "years": 2021, "strategy": "custom", "weights": "size=1"}, r"^weights: 'size' is not an"),
        ({"country": "MAR", "years": 2021, "strategy": "custom"}, r"^weights: no weight given"),
        (
            {"country": "MAR", "years": 2021, "strategy": "custom", "weights": "domestic_growth=1"},
            r"^weights: 'domestic_growth' needs production_csv",
        ),
        (
            {"country": "MAR", "years": 2021, "exchange_rate_mad_per_usd": "0"},
            r"^exchange_rate_mad_per_usd: must be a finite number > 0; found 0.0",
        ),
        ({"country": "MAR", "years": 2021, "mcp_threshold": "one"}, r"^mcp_threshold: 'one' is not a finite number"),
        ({"country": "MAR", "years": 2021, "colour": "red"}, r"^colour: is not a parameter of a study"),
        (
            {
                "country": "MAR",
                "years": 2021,
                "coefficients_csv": COEFFICIENTS_HEADER + "72,steel,1,0.1,x,y\n73,a,1,7,x,y",
            },
            r"^coefficients_csv: line 3, column 'value_added_ratio'",
        ),
        (
            {
                "country": "MAR",
                "years": 2021,
                "production_csv": "product,year,production_usd\n7214,2021,1\n7214,20x,1\n",
            },
            r"^production_csv: line 3, column 'year'",
        ),
        (
            {
                "country": "MAR",
                "years": 2021,
                "production_csv": "product,year,production_usd\n7214,2021,1\n7214,2021,2\n",
            },
            r"^production_csv: line 3: product 7214 in 2021 \(first on line 2\) appears twice",
        ),
        ({"country": "MAR", "years": 2021, "production_csv": "product,year\n7214,2021\n"}, r"^production_csv: missing"),
        (
            {"country": "MAR", "years": 2021, "population_csv": "country,population\nMAR,37e6\nFRA,-1\n"},
            r"^population_csv: line 3, column 'population'",
        ),
    ],
)
def test_bad_parameters_are_refused_with_a_message_naming_the_parameter(raw, message):
    with pytest.raises(OpportunityInputError, match=message):
        study_parameters(raw)


def test_a_year_without_data_is_refused_naming_the_year(world):
    with pytest.raises(TradeDatasetError, match=r"^year_not_in_dataset: years: 2018 \(the dataset holds: 2019, 2020"):
        run_study(world, study_parameters({"country": COUNTRY, "years": "2018-2021"}))


def test_a_country_absent_from_the_data_is_refused(world):
    with pytest.raises(OpportunityInputError, match=r"^country: country 'FRA' is not in the data"):
        run_study(world, study_parameters({"country": "FRA", "years": YEARS}))


def _baci(path: Path, rows: list[tuple[int, int, int, int, float]]) -> Path:
    path.write_text("t,i,j,k,v,q\n" + "".join(f'{t},{i},{j},{k},{v},"  1.000"\n' for t, i, j, k, v in rows))
    return path


MAR, FRA, ESP, AFG = 504, 251, 724, 4
# Morocco, France and Spain trade four products in 2020 and 2021 (BACI values in thousands of USD);
# Afghanistan imports in both years and exported only in 2020.
SMALL_WORLD = [(2020, AFG, FRA, 720890, 5.0)] + [
    row
    for year in (2020, 2021)
    for row in (
        (year, MAR, FRA, 720890, 90.0),
        (year, MAR, ESP, 10121, 10.0),
        (year, FRA, ESP, 870323, 80.0),
        (year, FRA, MAR, 720890, 5.0),
        (year, ESP, MAR, 610910, 70.0),
        (year, ESP, FRA, 870323, 20.0),
        (year, MAR, AFG, 610910, 3.0),
    )
]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("small")
    dataset = folder / "dataset"
    ingest_baci(_baci(folder / "BACI_HS12_Y2021_V0.csv", SMALL_WORLD), dataset)
    return dataset


def test_a_country_without_exports_in_the_last_year_is_refused_naming_the_year(small):
    with pytest.raises(OpportunityInputError, match=r"^country: country 'AFG' has no exports in 2021"):
        run_study(small, study_parameters({"country": "AFG", "years": [2020, 2021]}))


def test_a_study_on_three_countries_runs_and_ranks_what_morocco_does_not_export(small):
    result = run_study(small, study_parameters({"country": "MAR", "years": [2020, 2021], "level": 6}))
    rows = rows_by_product(result)
    assert rows["720890"]["present"] and rows["720890"]["score"] is None
    assert rows["720890"]["recycled_input"] == "7204"
    assert rows["870323"]["imports_usd"] == 0.0 and rows["610910"]["imports_usd"] == 70_000.0
    assert result.rows[0]["score"] is not None


def test_a_level_finer_than_the_data_is_refused_naming_the_level(tmp_path):
    source = tmp_path / "exports_hs4.csv"
    source.write_text(
        "reporter_iso,product_code,export_value_usd\n"
        "mar,7208,90\nmar,0101,10\nfra,8703,80\nfra,7208,5\nesp,6109,70\nesp,8703,20\n"
    )
    dataset = tmp_path / "dataset"
    ingest_long_table(source, dataset, year=2021)
    with pytest.raises(TradeDatasetError, match=r"^level_finer_than_data: level: 6 digits asked, the products have 4"):
        run_study(dataset, study_parameters({"country": "MAR", "years": 2021, "level": 6}))
    result = run_study(dataset, study_parameters({"country": "MAR", "years": 2021, "level": 4}))
    assert any("no bilateral flows" in note for note in result.notes)
    assert all(row["imports_usd"] is None for row in result.rows)


def test_a_coefficients_table_that_does_not_parse_is_refused_at_run_time_too(world):
    params = StudyParameters(
        country=COUNTRY, years=YEARS, coefficients_csv=COEFFICIENTS_HEADER + "72,steel,x,0.1,a,b\n"
    )
    with pytest.raises(OpportunityInputError, match=r"^coefficients_csv: line 2, column 'jobs_per_million_mad'"):
        run_study(world, params)


def test_weights_on_an_indicator_unknown_everywhere_are_refused_rather_than_ranking_nan_first(small):
    params = study_parameters({"country": "MAR", "years": 2021, "level": 6, "weights": "import_growth=1"})
    with pytest.raises(OpportunityInputError, match=r"^weights: no product has every weighted indicator known"):
        run_study(small, params)


def test_a_year_of_exports_to_the_world_only_leaves_that_years_imports_unknown_not_zero(tmp_path):
    dataset = tmp_path / "dataset"
    source = tmp_path / "exports_2019.csv"
    source.write_text("reporter_iso,product_code,export_value_usd\nmar,720890,90\nfra,870323,80\nesp,610910,70\n")
    ingest_long_table(source, dataset, year=2019)
    ingest_baci(_baci(tmp_path / "BACI_HS12_Y2021_V0.csv", SMALL_WORLD), dataset)
    result = run_study(dataset, study_parameters({"country": "MAR", "years": "2019-2021", "level": 6}))
    assert "no bilateral flows in 2019: imports of those years are unknown." in result.notes
    # Spain sold Morocco 70,000 USD of T-shirts in 2020 and in 2021: flat, not risen from zero in 2019
    row = rows_by_product(result)["610910"]
    assert (row["imports_usd"], row["import_trend"], row["import_growth"]) == (70_000.0, "ok", pytest.approx(0.0))
