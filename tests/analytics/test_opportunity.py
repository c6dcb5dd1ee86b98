"""Opportunity indicators: hand-computed cases for each lever, properties of the composite ranking, and
Morocco's 2017 exports (real data) ranked by the Atlas strategies.

Hand computations are in the comments next to each case.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from ecosys.analytics.complexity import Complexity, complexity_all, matrix_from_long_table
from ecosys.analytics.geo import bilateral_ease, read_geo_countries, read_geodist
from ecosys.analytics.opportunity import (
    ATLAS_STRATEGIES,
    OpportunityInputError,
    composite_scores,
    default_coefficients,
    domestic_market_growth,
    export_potential,
    feasibility_for_country,
    import_substitution,
    job_potential,
    parse_coefficients,
    parse_weights,
    recycled_input_of,
    trend_growth,
)

DATA = Path(__file__).parents[3] / "shared/data/trade"
real_data = pytest.mark.skipif(not DATA.exists(), reason=f"trade data not found at {DATA}")


# -- trend --------------------------------------------------------------------------------------------------------


def test_the_trend_of_a_geometric_series_is_its_growth_rate_whatever_the_gaps_between_years():
    assert_allclose(trend_growth([[100.0], [110.0], [121.0]], [2015, 2016, 2017]).growth, [0.1], rtol=1e-12)
    assert_allclose(trend_growth([[100.0], [133.1]], [2010, 2013]).growth, [0.1], rtol=1e-12)  # 133.1 = 100 · 1.1³


def test_the_trend_keeps_zeros_as_observations():
    # years -1, 0, 1 and values 0, 3, 5: Σ t e^{bt} / Σ e^{bt} = 5/8 -> 3q² - 5q - 13 = 0 with q = e^b
    q = (5 + math.sqrt(181)) / 6
    assert_allclose(trend_growth([[0.0], [3.0], [5.0]], [2015, 2016, 2017]).growth, [q - 1], rtol=1e-12)


def test_a_missing_year_is_left_out_of_the_trend_not_counted_as_zero():
    assert_allclose(trend_growth([[100.0], [np.nan], [121.0]], [2015, 2016, 2017]).growth, [0.1], rtol=1e-12)


def test_series_without_a_finite_trend_say_why():
    values = np.array([[0.0, 5.0, 0.0, 0.0], [0.0, 0.0, 0.0, 4.0], [7.0, 0.0, 0.0, 0.0]])
    trend = trend_growth(values, [2015, 2016, 2017])
    assert trend.status.tolist() == ["appeared", "ceased", "no_data", "ok"]
    assert_allclose(trend.growth[:3], [np.nan, -1.0, np.nan])
    assert abs(trend.growth[3]) < 1e-12  # one positive year in the middle: no trend


@given(st.lists(st.one_of(st.just(0.0), st.floats(1e-3, 1e9)), min_size=3, max_size=8), st.floats(1e-3, 1e3))
def test_the_trend_does_not_depend_on_the_unit_of_the_values(values, factor):
    v = np.array(values)[:, np.newaxis]
    years = np.arange(v.shape[0]) + 2000
    one, other = trend_growth(v, years), trend_growth(v * factor, years)
    assert one.status.tolist() == other.status.tolist()
    assert_allclose(one.growth, other.growth, rtol=1e-9, atol=1e-12)


# -- import substitution ------------------------------------------------------------------------------------------


def test_import_substitution_scores_projected_imports_by_density_with_a_scrap_bonus():
    result = import_substitution(
        [[100.0, 50.0, 10.0], [110.0, 50.0, 80.0]],
        [0.5, 0.2, np.nan],
        years=[2016, 2017],
        products=["7214", "8703", "7604"],
        horizon=2,
    )
    # growth 10 %, 0 % and 700 % (capped at 20 %); projected 110·1.1² = 133.1, 50, 80·1.2² = 115.2
    assert_allclose(result.growth, [0.1, 0.0, 7.0], rtol=1e-12, atol=1e-12)
    assert_allclose(result.projected_imports, [133.1, 50.0, 115.2], rtol=1e-12)
    assert result.recycled_input.tolist() == ["7204", "", "7602"]
    # 133.1 · 0.5 · 1.1 and 50 · 0.2; aluminium bars are outside the product space: NaN, not a number
    assert_allclose(result.score, [73.205, 10.0, np.nan], rtol=1e-12)
    assert_allclose(result.distance, [0.5, 0.8, np.nan])


@pytest.mark.parametrize(
    ("product", "scrap"),
    [
        ("7214", "7204"),
        ("721420", "7204"),
        ("7204", ""),
        ("7201", ""),
        ("7601", "7602"),
        ("76", "7602"),
        ("7403", "7404"),
        ("7308", ""),
        ("8001", "8002"),
    ],
)
def test_products_made_from_scrap_are_flagged_with_their_scrap_heading(product, scrap):
    assert recycled_input_of(product) == scrap


def test_import_substitution_names_the_parameter_of_bad_input():
    with pytest.raises(OpportunityInputError, match=r"^density: has 1 entries, expected 2"):
        import_substitution([[1.0, 2.0]], [0.5], years=[2017])
    with pytest.raises(OpportunityInputError, match=r"^imports_by_year: must be finite and >= 0"):
        import_substitution([[1.0, -2.0], [1.0, 2.0]], [0.5, 0.5], years=[2016, 2017])


# -- export potential ---------------------------------------------------------------------------------------------

WORLD = np.array([[10.0, 0.0], [30.0, 50.0], [60.0, 50.0]])  # mar, fra, esp exports of products a, b
MARKET_IMPORTS = np.array([[[100.0, 0.0], [200.0, 0.0], [50.0, 0.0]]] * 2)  # 2 years x (fra, esp, mar) x (a, b)


def potential(**changes):
    arguments = {
        "countries": ["mar", "fra", "esp"],
        "country": "mar",
        "market_imports_by_year": MARKET_IMPORTS,
        "years": [2016, 2017],
        "markets": ["fra", "esp", "mar"],
        "ease": [2.0, 1.0, 5.0],
        "products": ["a", "b"],
    }
    return export_potential(WORLD, **{**arguments, **changes})


def test_export_potential_is_supply_times_demand_times_ease():
    result = potential()
    # supply 10/100 = 0.1; mean ease (100·2 + 200·1)/300 = 4/3, so ease 1.5 (fra) and 0.75 (esp), 0 at home
    assert_allclose(result.supply, [0.1, 0.0])
    assert_allclose(result.ease, [1.5, 0.75, 0.0])
    assert_allclose(result.potential[:, 0], [15.0, 15.0, 0.0])
    # untapped: 30 potential - 10 exported
    assert_allclose(result.untapped_by_product, [20.0, 0.0])


def test_untapped_potential_is_summed_market_by_market_when_bilateral_exports_are_known():
    result = potential(actual_exports=[[12.0, 0.0], [3.0, 0.0], [0.0, 0.0]])
    assert_allclose(result.untapped_by_product, [3.0 + 12.0, 0.0])


def test_a_market_geodist_does_not_know_is_left_out_and_listed():
    result = potential(ease=[2.0, np.nan, 5.0])
    assert result.markets_left_out == ("esp",)
    assert_allclose(result.potential[:, 0], [10.0, 0.0, 0.0])  # ease 2/2 = 1 in France


def test_export_potential_for_a_country_without_exports_names_the_country():
    with pytest.raises(OpportunityInputError, match=r"country: country 'mar' has no exports"):
        export_potential(np.array([[0.0, 0.0], [1.0, 1.0]]), **{**_two_countries(), "country": "mar"})
    with pytest.raises(OpportunityInputError, match=r"country 'atl' is not in the data"):
        potential(country="atl")


def _two_countries():
    return {
        "countries": ["mar", "fra"],
        "market_imports_by_year": MARKET_IMPORTS[:, :2],
        "years": [2016, 2017],
        "markets": ["fra", "esp"],
        "ease": [1.0, 1.0],
    }


# -- domestic market ----------------------------------------------------------------------------------------------


def test_apparent_consumption_is_production_plus_imports_minus_exports():
    result = domestic_market_growth(
        [[100.0, np.nan, 10.0], [120.0, np.nan, 10.0]],
        [[50.0, 10.0, 0.0], [60.0, 10.0, 0.0]],
        [[30.0, 0.0, 20.0], [36.0, 0.0, 0.0]],
        years=[2016, 2017],
    )
    # 100 + 50 - 30 = 120, then 144: +20 %
    assert_allclose(result.consumption[:, 0], [120.0, 144.0])
    assert_allclose(result.growth, [0.2, np.nan, np.nan], rtol=1e-12)
    assert result.status.tolist() == ["ok", "production_unknown", "negative_consumption"]
    assert result.rankable.tolist() == [True, False, False]


# -- jobs and value added -----------------------------------------------------------------------------------------


def test_jobs_and_value_added_follow_the_imm_contract_ratios_and_say_where_they_are_placeholders():
    result = job_potential([11e9, 1e6, 5e6], products=["7214", "0101", "9999"])
    assert_allclose(result.jobs, [11_000 * 1.21, 1.21, np.nan])
    assert_allclose(result.value_added_mad, [11e9 * 0.155, 0.155e6, np.nan])
    assert result.coefficient_status.tolist() == ["derived", "placeholder", "no_coefficient"]


def test_the_shipped_imm_coefficients_are_the_contract_targets_rounded():
    table = default_coefficients()
    steel = table.codes.index("72")
    assert abs(table.jobs_per_million_mad[steel] - 13_340 / 11_000) < 0.005
    assert abs(table.value_added_ratio[steel] - 1.7 / 11) < 0.0005


def test_a_heading_row_of_the_coefficients_beats_its_chapter():
    table = parse_coefficients(
        "code,activity,jobs_per_million_mad,value_added_ratio,status,source\n"
        "87,vehicles,2,0.2,user,survey\n8712,cycles,3,0.3,user,survey\n"
    )
    result = job_potential([1e6, 1e6], products=["871200", "8703"], coefficients=table)
    assert_allclose(result.jobs, [3.0, 2.0])


def test_a_bad_coefficients_table_names_its_line_and_column():
    text = "code,activity,jobs_per_million_mad,value_added_ratio,status,source\n72,steel,1.2,1.5,user,x\n"
    with pytest.raises(OpportunityInputError, match=r"^coefficients: line 2, column 'value_added_ratio'"):
        parse_coefficients(text)


# -- composite scores ---------------------------------------------------------------------------------------------


def test_composite_scores_are_weighted_sums_of_standardised_indicators():
    result = composite_scores({"density": [0.1, 0.2, 0.3], "pci": [3.0, 2.0, 1.0]}, "density=3,pci=1")
    # z(density) = (-1, 0, 1)·√1.5, z(pci) = -z(density): score = (0.75 - 0.25)·z(density)
    assert_allclose(result.score, np.array([-1.0, 0.0, 1.0]) * 0.5 * math.sqrt(1.5), atol=1e-15)
    assert result.weights == {"density": 0.75, "pci": 0.25}
    assert result.rank.tolist() == [3, 2, 1]


def test_equal_scores_are_ranked_by_product_label():
    result = composite_scores(
        {"density": [0.1, 0.2, 0.3], "pci": [3.0, 2.0, 1.0]}, "density=1,pci=1", products=["c", "a", "b"]
    )
    assert result.products[result.order].tolist() == ["a", "b", "c"]


def test_a_product_with_an_unknown_or_infinite_indicator_is_ranked_last():
    result = composite_scores({"density": [0.1, np.nan, 0.3, np.inf]}, {"density": 1.0})
    # z over the known values (0.1, 0.3) is (-1, 1); the NaN and the infinite value come last, by label
    assert_allclose(result.score, [-1.0, np.nan, 1.0, np.nan])
    assert result.rank.tolist() == [2, 3, 1, 4]


def test_distance_counts_against_a_product_as_density_counts_for_it():
    d = np.array([0.9, 0.7, 0.8])
    by_distance = composite_scores({"distance": d}, "distance=1")
    by_density = composite_scores({"density": 1 - d}, "density=1")
    assert_allclose(by_distance.score, by_density.score, atol=1e-12)


def test_a_preset_name_gives_the_atlas_strategy_weights():
    assert parse_weights("low-hanging fruit") == ATLAS_STRATEGIES["low_hanging_fruit"]
    assert all(math.isclose(sum(w.values()), 1.0) for w in ATLAS_STRATEGIES.values())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("density=0.5,cog=abc", r"^weights: 'cog' has 'abc'"),
        ("density", r"^weights: 'density' is not of the form"),
        ("density=-1", r"^weights: 'density' must be >= 0"),
        ("density=1,density=2", r"^weights: 'density' is given twice"),
        ("size=1", r"^weights: 'size' is not an indicator"),
        ("density=0,pci=0", r"^weights: at least one weight must be > 0"),
        ("", r"^weights: no weight given"),
        ("density=nan", r"^weights: 'density' has 'nan'"),
    ],
)
def test_weights_that_do_not_parse_get_a_message_naming_the_parameter(text, message):
    with pytest.raises(OpportunityInputError, match=message):
        composite_scores({"density": [0.1, 0.2], "pci": [1.0, 2.0]}, text)


values_or_nan = st.one_of(st.floats(-1e6, 1e6), st.just(math.nan))


@settings(max_examples=80)
@given(st.data(), st.integers(2, 25))
def test_scores_and_ranks_do_not_depend_on_the_order_of_the_products(data, n):
    a = np.array(data.draw(st.lists(values_or_nan, min_size=n, max_size=n)))
    b = np.array(data.draw(st.lists(st.floats(-1e3, 1e3), min_size=n, max_size=n)))
    order = np.array(data.draw(st.permutations(range(n))))
    labels = np.array([f"p{i:02d}" for i in range(n)])
    one = composite_scores({"x": a, "y": b}, "x=0.7,y=0.3", products=labels)
    other = composite_scores({"x": a[order], "y": b[order]}, "x=0.7,y=0.3", products=labels[order])
    assert_array_equal(one.score[order], other.score)
    assert_array_equal(one.rank[order], other.rank)


@given(st.lists(values_or_nan, min_size=1, max_size=30))
def test_a_nan_is_never_ranked_above_a_number(values):
    result = composite_scores({"x": values}, "x=1")
    missing = np.isnan(result.score)
    if missing.any() and (~missing).any():
        assert result.rank[~missing].max() < result.rank[missing].min()


@given(st.lists(st.floats(-1e3, 1e3), min_size=3, max_size=20), st.floats(0.01, 10), st.floats(0.01, 100))
def test_weights_are_normalised_so_scaling_them_changes_nothing(values, weight, factor):
    indicators = {"x": values, "y": values[::-1]}
    one = composite_scores(indicators, {"x": weight, "y": 1.0})
    other = composite_scores(indicators, {"x": weight * factor, "y": factor})
    assert math.isclose(sum(other.weights.values()), 1.0)
    assert_allclose(one.score, other.score, rtol=1e-9, atol=1e-9)


# -- real data: Morocco in 2017 -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world() -> Complexity:
    with open(DATA / "hs4_2017/exports_hs4_2017.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows.append({"reporter_iso": "zzz", "product_code": "0101", "export_value_usd": ""})  # a country with no exports
    m = matrix_from_long_table(
        [r["reporter_iso"] for r in rows],
        [r["product_code"] for r in rows],
        [float(r["export_value_usd"]) if r["export_value_usd"] else np.nan for r in rows],
    )
    return complexity_all(m.values, countries=m.countries, products=m.products)


def low_hanging_fruit(feasibility_products, indicators):
    return composite_scores(indicators, "low_hanging_fruit", products=feasibility_products)


@real_data
def test_moroccos_low_hanging_fruit_are_ranked_the_same_way_whatever_the_product_order(world):
    products, indicators = feasibility_for_country(world, "mar").indicators()
    shuffle = np.random.default_rng(7).permutation(products.size)
    one = low_hanging_fruit(products, indicators)
    other = low_hanging_fruit(products[shuffle], {k: v[shuffle] for k, v in indicators.items()})
    assert one.products[one.order].tolist() == other.products[other.order].tolist()
    assert not np.isnan(one.score).any()


@real_data
def test_moroccos_top_low_hanging_fruit_all_have_density_above_the_median(world):
    products, indicators = feasibility_for_country(world, "mar").indicators()
    top = low_hanging_fruit(products, indicators).order[:20]
    assert (indicators["density"][top] > np.median(indicators["density"])).all()


@real_data
def test_moroccos_opportunities_exclude_what_it_already_exports_with_rca_above_one(world):
    feasibility = feasibility_for_country(world, "MAR")
    assert feasibility.exported.sum() > 100
    assert not (feasibility.candidates & feasibility.exported).any()
    assert_allclose(feasibility.cog[feasibility.exported], 0.0, atol=1e-12)


@real_data
def test_a_country_with_no_exports_gets_an_error_naming_it(world):
    with pytest.raises(OpportunityInputError, match=r"^country: country 'zzz' has no exports in the data"):
        feasibility_for_country(world, "zzz")
    with pytest.raises(OpportunityInputError, match=r"^country: country 'atlantis' is not in the data"):
        feasibility_for_country(world, "atlantis")


@real_data
def test_geodist_is_read_into_square_matrices_with_unknown_distances_as_nan():
    geo = read_geodist(DATA / "geo/dist_cepii.csv")
    mar, esp = geo.index("mar"), geo.index("ESP")
    assert geo.countries.size == 224 and geo.pairs["dist"].shape == (224, 224)
    assert geo.pairs["dist"][mar, esp] == pytest.approx(762.6525)
    assert np.isnan(geo.pairs["distw"][geo.index("ABW"), geo.index("CCK")])
    assert geo.index("ROU") == geo.index("ROM")
    countries = read_geo_countries(DATA / "geo/geo_cepii.csv")
    assert countries.name[countries.iso3 == "CIV"].tolist() == ["Côte d'Ivoire"]


@real_data
def test_france_is_easier_than_spain_for_morocco_because_of_language_and_colonial_ties():
    geo = read_geodist(DATA / "geo/dist_cepii.csv")
    fra, esp, usa = bilateral_ease(geo, "mar", ["fra", "esp", "usa"])
    d = geo.pairs["dist"][geo.index("MAR")]
    # France: 1,817 km with a common official language and a colonial link; Spain: 763 km, no ties
    assert fra / esp == pytest.approx((d[geo.index("FRA")] / d[geo.index("ESP")]) ** -0.89 * math.exp(0.49 + 0.91))
    assert fra > esp > usa
