"""Complexity metrics on real HS4 2017 trade equal py-ecomplexity 0.5.3's, stored by
scripts/ecomplexity_reference.py in tests/analytics/data/.

Tolerance: relative 1e-9 (the DESIGN budget), absolute 1e-12 for values that are zero up to
rounding; NaN must sit in the same places. Where Ecosys deviates on purpose (see the module
docstring of ecosys.analytics.complexity), the reference is the peer's own ``presence_test="manual"``
run on the corrected presence matrix, i.e. what the peer should have given.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from ecosys.analytics.complexity import (
    Complexity,
    align_to_labels,
    calc_eci_pci,
    complexity_all,
    matrix_from_long_table,
)
from ecosys.analytics.product_space import calc_cog, calc_density, calc_distance, calc_proximity

DATA = Path(__file__).parents[3] / "shared/data/trade/hs4_2017"
REFERENCE = Path(__file__).parent / "data/ecomplexity_0_5_3_hs4_2017.npz"
RTOL, ATOL = 1e-9, 1e-12

pytestmark = pytest.mark.skipif(not DATA.exists(), reason=f"trade data not found at {DATA}")


def assert_same(ours: np.ndarray, peer: np.ndarray) -> None:
    assert_allclose(ours, peer, rtol=RTOL, atol=ATOL)


@pytest.fixture(scope="module")
def world() -> dict[str, np.ndarray]:
    with open(DATA / "exports_hs4_2017.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    matrix = matrix_from_long_table(
        [r["reporter_iso"] for r in rows],
        [r["product_code"] for r in rows],
        [float(r["export_value_usd"]) if r["export_value_usd"] else np.nan for r in rows],
    )
    with open(DATA / "gdp_population_2017.csv", newline="", encoding="utf-8") as f:
        people = list(csv.DictReader(f))
    population = align_to_labels(
        matrix.countries, [r["reporter_iso"] for r in people], [float(r["population_total"]) for r in people]
    )
    return {
        "exports": matrix.values,
        "countries": matrix.countries,
        "products": matrix.products,
        "population": population,
    }


@pytest.fixture(scope="module")
def peer() -> dict[str, np.ndarray]:
    with np.load(REFERENCE) as z:
        return {k: z[k] for k in z.files}


@pytest.fixture(scope="module")
def ours(world: dict[str, np.ndarray]) -> Complexity:
    return complexity_all(world["exports"], countries=world["countries"], products=world["products"])


def sample(matrix: np.ndarray, peer: dict[str, np.ndarray]) -> np.ndarray:
    return matrix.ravel()[peer["sample_cells"]]


def test_the_matrix_has_the_peers_sorted_countries_and_products(ours, peer):
    assert_array_equal(ours.countries, peer["countries"])
    assert_array_equal(ours.products, peer["products"])
    assert ours.rca.shape == (224, 1222)


def test_rca_equals_py_ecomplexity_on_hs4_2017(ours, peer):
    assert_same(sample(ours.rca, peer), peer["rca_sample"])
    assert_same(ours.rca.sum(axis=1), peer["rca_row_sums"])
    assert_same(ours.rca.sum(axis=0), peer["rca_column_sums"])


def test_presence_diversity_and_ubiquity_equal_py_ecomplexity_exactly(ours, peer):
    assert_array_equal(ours.mcp, peer["mcp"])
    assert_array_equal(ours.diversity, peer["diversity"])
    assert_array_equal(ours.ubiquity, peer["ubiquity"])


def test_eci_and_pci_equal_py_ecomplexity(ours, peer):
    assert_same(ours.eci, peer["eci"])
    assert_same(ours.pci, peer["pci"])


def test_density_coi_and_cog_equal_py_ecomplexity_in_every_cell(ours, peer):
    assert_same(ours.density, peer["density"])
    assert_same(ours.coi, peer["coi"])
    assert_same(ours.cog, peer["cog"])


def test_proximity_equals_py_ecomplexity_proximity(ours, peer):
    phi = calc_proximity(ours.mcp)
    assert_same(phi.ravel()[peer["proximity_sample_pairs"]], peer["proximity_sample"])
    assert_same(phi.sum(axis=1), peer["proximity_row_sums"])


def test_density_and_cog_from_the_proximity_matrix_equal_the_sweep_that_never_forms_it(ours):
    phi = calc_proximity(ours.mcp)
    assert_same(calc_density(ours.mcp, phi), ours.density)
    assert_same(calc_distance(ours.mcp, phi), 1.0 - ours.density)
    assert_same(calc_cog(ours.mcp, phi, calc_eci_pci(ours.mcp).kp), ours.cog)


@pytest.mark.parametrize("option", ["continuous", "asymmetric"])
def test_continuous_and_asymmetric_proximity_give_py_ecomplexitys_results(world, peer, option):
    got = complexity_all(world["exports"], continuous=option == "continuous", asymmetric=option == "asymmetric")
    for name in ("eci", "pci", "coi"):
        assert_same(getattr(got, name), peer[f"{option}_{name}"])
    for name in ("density", "cog"):
        assert_same(sample(getattr(got, name), peer), peer[f"{option}_{name}_sample"])


def test_rpop_and_its_presence_equal_py_ecomplexity(world, peer):
    got = complexity_all(world["exports"], presence="rpop", population=world["population"])
    assert got.rpop is not None
    assert_same(sample(got.rpop, peer), peer["rpop_sample"])
    assert_array_equal(got.mcp, peer["rpop_mcp"])
    assert_array_equal(got.diversity, peer["rpop_diversity"])
    assert_array_equal(got.ubiquity, peer["rpop_ubiquity"])


def test_rpop_metrics_leave_out_countries_of_zero_diversity_where_the_peer_returns_nan_for_all(world, peer):
    got = complexity_all(world["exports"], presence="rpop", population=world["population"])
    empty = got.diversity == 0
    assert empty.sum() == 22  # the countries without a population
    assert np.isnan(peer["rpop_eci_as_published"]).all()  # py-ecomplexity issue #22
    assert np.isnan(got.eci[empty]).all() and np.isfinite(got.eci[~empty]).all()
    for name in ("eci", "pci", "coi"):
        assert_same(getattr(got, name), peer[f"rpop_network_{name}"])
    for name in ("density", "cog"):
        assert_same(sample(getattr(got, name), peer), peer[f"rpop_network_{name}_sample"])


def test_presence_by_both_is_the_or_of_the_two_tests_where_the_peer_adds_them(world, peer):
    got = complexity_all(world["exports"], presence="both", population=world["population"])
    published = peer["both_mcp_as_published"]
    assert set(np.unique(published)) == {0, 1, 2}
    assert_array_equal(got.mcp, (published > 0).astype(float))
    for name in ("eci", "pci", "coi"):
        assert_same(getattr(got, name), peer[f"both_or_{name}"])
    for name in ("density", "cog"):
        assert_same(sample(getattr(got, name), peer), peer[f"both_or_{name}_sample"])


def test_the_method_of_reflections_converges_to_py_ecomplexitys_eigenvector(world, peer):
    # λ3/λ2 = 0.72 on this network: 18 reflections rank like the eigenvector, 200 equal it
    assert np.corrcoef(complexity_all(world["exports"], method="reflections").eci, peer["eci"])[0, 1] > 0.9999
    got = complexity_all(world["exports"], method="reflections", iterations=200)
    for name in ("eci", "pci", "coi"):
        assert_same(getattr(got, name), peer[name])
    assert_same(got.cog, peer["cog"])
