"""The synthetic world is deterministic and looks like world HS6 trade where complexity cares."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_array_equal

from ecosys.analytics.complexity import calc_mcp, calc_rca, complexity_all
from ecosys.analytics.generate import synthetic_world_exports


def test_the_same_seed_gives_the_same_world_and_another_seed_another():
    a, b = synthetic_world_exports(40, 300, seed=1), synthetic_world_exports(40, 300, seed=1)
    assert_array_equal(a.exports, b.exports)
    assert_array_equal(a.population, b.population)
    assert not np.array_equal(a.exports, synthetic_world_exports(40, 300, seed=2).exports)


def test_the_default_world_is_hs6_sized_and_about_as_sparse_as_real_trade():
    world = synthetic_world_exports()
    assert world.exports.shape == (230, 5_000) == (world.countries.size, world.products.size)
    assert (world.exports >= 0).all() and (world.population > 0).all()
    assert (world.exports > 0).any(axis=1).all() and (world.exports > 0).any(axis=0).all()
    assert 0.35 < (world.exports > 0).mean() < 0.6
    assert 0.05 < calc_mcp(calc_rca(world.exports)).mean() < 0.2


def test_bigger_economies_of_the_synthetic_world_are_more_complex():
    world = synthetic_world_exports(120, 1_500, seed=5)
    got = complexity_all(world.exports)
    assert np.corrcoef(got.eci, np.log(world.exports.sum(axis=1)))[0, 1] > 0.5
