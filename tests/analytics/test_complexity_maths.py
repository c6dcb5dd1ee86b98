"""Complexity maths on hand-checkable examples, and properties that hold for any export matrix.

The 3 x 3 nested example (A exports x, y, z; B exports x, y; C exports x) is worked by hand in the
comments: ``M̃_cc'`` has eigenvalues 1, 1/4, 1/9 and the eigenvector of 1/4 is ``kc = (2, -1, -4)``,
so ``kp = Mᵀ kc / (u λ) = (-4, 2, 8)``, ``ECI = (3, 0, -3) / √6`` and ``PCI = (-3, 3, 9) / √6``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from ecosys.analytics.complexity import (
    calc_coi,
    calc_diversity,
    calc_eci_pci,
    calc_mcp,
    calc_rca,
    calc_rpop,
    calc_ubiquity,
    complexity_all,
)
from ecosys.analytics.product_space import (
    calc_cog,
    calc_density,
    calc_density_and_cog,
    calc_distance,
    calc_proximity,
    calc_proximity_continuous,
)

NESTED = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
R6 = math.sqrt(6.0)


def test_rca_of_a_hand_worked_matrix_and_presence_counts_the_threshold_itself():
    exports = np.array([[1.0, 1.0, 2.0], [3.0, 1.0, 0.0], [0.0, 2.0, 2.0]])  # every total 4, world 12
    rca = calc_rca(exports)
    assert_allclose(rca, 3.0 / 4.0 * exports)
    assert_array_equal(calc_mcp(rca), [[0, 0, 1], [1, 0, 0], [0, 1, 1]])
    assert calc_mcp(rca, threshold=0.75)[0, 0] == 1.0  # RCA ≥ threshold, as py-ecomplexity


def test_rpop_divides_exports_per_head_by_the_worlds_and_a_missing_population_is_absent():
    exports = np.array([[10.0, 0.0], [10.0, 20.0], [5.0, 5.0]])
    rpop = calc_rpop(exports, np.array([1.0, 3.0, np.nan]))  # world population 4 (known ones)
    assert_allclose(rpop[:2], [[10 / (25 / 4), 0.0], [10 / 3 / (25 / 4), 20 / 3 / (25 / 4)]])
    assert np.isnan(rpop[2]).all()
    assert_array_equal(calc_mcp(None, rpop=rpop), [[1, 0], [0, 1], [0, 0]])


def test_presence_by_both_tests_is_their_or():
    rca = np.array([[2.0, 0.5], [0.5, np.nan]])
    rpop = np.array([[0.1, 3.0], [0.1, 0.2]])
    assert_array_equal(calc_mcp(rca, rpop=rpop), [[1, 1], [0, 0]])


def test_the_nested_example_has_the_hand_worked_eci_and_pci():
    assert_array_equal(calc_diversity(NESTED), [3, 2, 1])
    assert_array_equal(calc_ubiquity(NESTED), [3, 2, 1])
    got = calc_eci_pci(NESTED)
    assert_allclose(got.eci, np.array([3.0, 0.0, -3.0]) / R6, atol=1e-14)
    assert_allclose(got.pci, np.array([-3.0, 3.0, 9.0]) / R6, atol=1e-14)
    assert_allclose(got.kp / got.kp[1], [-2.0, 1.0, 4.0], atol=1e-14)


def test_two_reflections_of_the_nested_example_are_worked_by_hand():
    # k_p,1 = (6/3, 5/2, 3/1) = (2, 2.5, 3); k_c,2 = (7.5/3, 4.5/2, 2/1) = (2.5, 2.25, 2)
    got = calc_eci_pci(NESTED, method="reflections", iterations=2)
    kc2 = np.array([2.5, 2.25, 2.0])
    assert_allclose(got.eci, (kc2 - kc2.mean()) / kc2.std(), atol=1e-14)


def test_reflections_converge_to_the_eigenvector_and_so_do_coi_and_cog():
    # the error shrinks like (λ3/λ2)^(N/2) = (4/9)^(N/2)
    exports = np.random.default_rng(8).lognormal(0, 2, (30, 40))
    eigen = complexity_all(exports)
    reflected = complexity_all(exports, method="reflections", iterations=400)
    for name in ("eci", "pci", "coi", "cog"):
        assert_allclose(getattr(reflected, name), getattr(eigen, name), atol=1e-10)
    assert_allclose(calc_eci_pci(NESTED, method="reflections", iterations=80).eci, calc_eci_pci(NESTED).eci, atol=1e-12)


def test_the_nested_example_has_the_hand_worked_product_space():
    phi = calc_proximity(NESTED)  # C = MᵀM = [[3,2,1],[2,2,1],[1,1,1]], divided by max(u_p, u_q)
    assert_allclose(phi, np.array([[1, 2 / 3, 1 / 3], [2 / 3, 1, 1 / 2], [1 / 3, 1 / 2, 1]]))
    # row sums s = (2, 13/6, 11/6); density = Σ_q M_cq φ_pq / s_p
    density = np.array([[1, 1, 1], [5 / 6, 10 / 13, 5 / 11], [1 / 2, 4 / 13, 2 / 11]])
    assert_allclose(calc_density(NESTED, phi), density)
    assert_allclose(calc_distance(NESTED, phi), 1.0 - density)
    kp = np.array([-4.0, 2.0, 8.0])  # raw kc = (2, -1, -4) has sd √6
    cog = np.array([[0, 0, 0], [0, 0, 48 / 11], [0, 444 / 143, 690 / 143]]) / R6
    assert_allclose(calc_cog(NESTED, phi, kp), cog, atol=1e-15)
    raw_coi = np.array([0.0, 40 / 11, 296 / 143])
    assert_allclose(calc_coi(density, NESTED, kp), (raw_coi - raw_coi.mean()) / raw_coi.std())
    assert_allclose(calc_proximity(NESTED, asymmetric=True), np.array([[1, 2 / 3, 1 / 3], [1, 1, 1 / 2], [1, 1, 1]]))


def test_a_product_nobody_exports_has_no_proximity():
    phi = calc_proximity(np.array([[1.0, 0.0], [1.0, 0.0]]))
    assert phi[0, 0] == 1.0 and np.isnan(phi[1]).all() and np.isnan(phi[:, 1]).all()


@st.composite
def export_matrices(draw, min_side=3, max_side=14):
    n_c = draw(st.integers(min_side, max_side))
    n_p = draw(st.integers(min_side, max_side))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    exports = rng.lognormal(0.0, 2.0, (n_c, n_p)) * (rng.random((n_c, n_p)) < draw(st.floats(0.3, 1.0)))
    exports[np.arange(n_c), np.arange(n_c) % n_p] += 1.0  # no empty row
    exports[np.arange(n_p) % n_c, np.arange(n_p)] += 1.0  # no empty column
    return exports


@st.composite
def presence_and_kp(draw):
    exports = draw(export_matrices())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return calc_mcp(calc_rca(exports)), exports, rng.normal(size=exports.shape[1])


def well_posed(mcp: np.ndarray) -> bool:
    """True when ECI is defined: a connected network whose second eigenvalue is simple, and diversity
    that varies (else the sign rule has nothing to correlate with)."""
    d, u = mcp.sum(axis=1), mcp.sum(axis=0)
    if (d == 0).any() or (u == 0).any() or d.std() == 0:
        return False
    b = mcp / np.sqrt(d)[:, None] / np.sqrt(u)[None, :]
    values = np.sort(np.linalg.eigvalsh(b @ b.T))[::-1]
    return len(values) >= 3 and values[0] - values[1] > 1e-6 and values[1] - values[2] > 1e-6


@given(export_matrices(), st.floats(1e-6, 1e6))
def test_rca_is_invariant_to_scaling_every_export(exports, factor):
    assert_allclose(calc_rca(factor * exports), calc_rca(exports), rtol=1e-12)


@given(export_matrices())
def test_eci_is_standardised_correlates_with_diversity_and_is_the_mean_pci_of_what_is_exported(exports):
    mcp = calc_mcp(calc_rca(exports))
    assume(well_posed(mcp))
    got = calc_eci_pci(mcp)
    assert np.corrcoef(got.eci, calc_diversity(mcp))[0, 1] >= -1e-12
    assert abs(got.eci.mean()) < 1e-9 and abs(got.eci.std() - 1.0) < 1e-9
    assert_allclose(got.eci, (mcp @ got.pci) / mcp.sum(axis=1), atol=1e-9)  # cid-harvard/ecomplexity#3


def reference_eci_pci(mcp):
    """The textbook route: the nonsymmetric M̃_pp' solved whole, then kc = M kp / diversity."""
    d, u = mcp.sum(axis=1), mcp.sum(axis=0)
    values, vectors = np.linalg.eig((mcp / u).T @ (mcp / d[:, None]))
    kp = np.real(vectors[:, np.argsort(np.real(values))[-2]])
    kc = (mcp @ kp) / d
    sign = np.sign(np.corrcoef(d, kc)[0, 1])
    kc, kp = sign * kc, sign * kp
    return (kc - kc.mean()) / kc.std(), (kp - kc.mean()) / kc.std()


@pytest.mark.parametrize("shape", [(9, 14), (14, 9), (90, 140), (140, 90)])
def test_the_symmetric_smaller_side_gives_the_textbook_eigenvector(shape):
    # both sides, through LAPACK (small) and ARPACK (larger than 64)
    rng = np.random.default_rng(sum(shape))
    capability, requirement = rng.random(shape[0]), rng.random(shape[1])
    p = 1 / (1 + np.exp(-8 * (capability[:, None] - requirement[None, :])))
    exports = rng.lognormal(0, 1, shape) * (rng.random(shape) < p) + 1e-3
    mcp = calc_mcp(calc_rca(exports))
    got = calc_eci_pci(mcp)
    eci, pci = reference_eci_pci(mcp)
    assert_allclose(got.eci, eci, atol=1e-9)
    assert_allclose(got.pci, pci, atol=1e-9)


@given(presence_and_kp(), st.booleans())
@settings(max_examples=60)
def test_density_and_cog_without_the_proximity_matrix_equal_the_textbook_formulas(case, asymmetric):
    mcp, _, kp = case
    kc = (mcp @ kp) / mcp.sum(axis=1)
    assume(kc.std() > 1e-6)
    phi = calc_proximity(mcp, asymmetric=asymmetric)
    density, cog = calc_density_and_cog(mcp, kp, asymmetric=asymmetric)
    assert_allclose(density, calc_density(mcp, phi), rtol=1e-10, atol=1e-12)
    assert_allclose(cog, calc_cog(mcp, phi, kp), rtol=1e-10, atol=1e-10)


@given(presence_and_kp())
@settings(max_examples=60)
def test_continuous_density_and_cog_without_the_proximity_matrix_equal_the_textbook_formulas(case):
    mcp, exports, kp = case
    rca = calc_rca(exports)
    assume(((rca - rca.mean(axis=0)) ** 2).sum(axis=0).min() > 1e-6)
    assume(((mcp @ kp) / mcp.sum(axis=1)).std() > 1e-6)
    phi = calc_proximity_continuous(rca)
    density, cog = calc_density_and_cog(mcp, kp, intensity=rca)
    assert_allclose(density, calc_density(rca, phi), rtol=1e-9, atol=1e-10)
    assert_allclose(cog, calc_cog(mcp, phi, kp), rtol=1e-9, atol=1e-9)


@given(export_matrices(), st.integers(0, 2**32 - 1))
@settings(max_examples=40)
def test_reordering_countries_and_products_reorders_every_metric(exports, seed):
    rng = np.random.default_rng(seed)
    rows, cols = rng.permutation(exports.shape[0]), rng.permutation(exports.shape[1])
    assume(well_posed(calc_mcp(calc_rca(exports))))
    base = complexity_all(exports)
    assume(abs(np.corrcoef(base.eci, base.diversity)[0, 1]) > 1e-6)  # else the sign is a coin toss
    moved = complexity_all(exports[np.ix_(rows, cols)])
    for name in ("rca", "mcp", "density", "cog"):
        assert_allclose(getattr(moved, name), getattr(base, name)[np.ix_(rows, cols)], atol=1e-9)
    for name, order in (("eci", rows), ("coi", rows), ("diversity", rows), ("pci", cols), ("ubiquity", cols)):
        assert_allclose(getattr(moved, name), getattr(base, name)[order], atol=1e-9)


def test_countries_and_products_without_exports_are_nan_and_change_nothing_else():
    rng = np.random.default_rng(3)
    exports = rng.lognormal(0, 2, (12, 15)) * (rng.random((12, 15)) < 0.7) + 1e-3
    padded = np.zeros((13, 17))
    padded[1:, :15] = exports
    padded[5, 3] = np.nan  # a missing value counts as 0
    exports[4, 3] = 0.0
    got, base = complexity_all(padded), complexity_all(exports)
    for name in ("rca", "mcp", "density", "cog"):
        matrix = getattr(got, name)
        assert np.isnan(matrix[0]).all() and np.isnan(matrix[:, 15:]).all()
        assert_allclose(matrix[1:, :15], getattr(base, name), atol=1e-12)
    for name in ("eci", "coi", "diversity"):
        assert np.isnan(getattr(got, name)[0])
        assert_allclose(getattr(got, name)[1:], getattr(base, name), atol=1e-12)


def test_bad_input_is_refused_with_a_reason():
    good = np.ones((3, 3)) + np.eye(3)
    with pytest.raises(ValueError, match="non-negative"):
        complexity_all(-good)
    with pytest.raises(ValueError, match="needs population"):
        complexity_all(good, presence="rpop")
    with pytest.raises(ValueError, match="unknown presence"):
        complexity_all(good, presence="gdp")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="even"):
        calc_eci_pci(NESTED, method="reflections", iterations=3)
    with pytest.raises(ValueError, match="at least two"):
        calc_eci_pci(np.array([[1.0]]))
