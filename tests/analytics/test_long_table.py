"""The long-table helpers build the export matrix as py-ecomplexity reads its input."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from ecosys.analytics.long_table import align_to_labels, matrix_from_long_table


def test_a_long_table_becomes_a_matrix_with_sorted_labels_and_zeros_for_pairs_it_does_not_list():
    got = matrix_from_long_table(["mar", "esp", "mar"], ["8703", "0101", "0101"], [5.0, 2.0, 3.0])
    assert_array_equal(got.countries, ["esp", "mar"])
    assert_array_equal(got.products, ["0101", "8703"])
    assert_array_equal(got.values, [[2.0, 0.0], [3.0, 5.0]])


def test_a_missing_value_counts_as_zero_and_a_repeated_pair_keeps_its_first_row():
    got = matrix_from_long_table(["a", "a", "b", "b"], ["x", "y", "x", "x"], [np.nan, 1.0, 4.0, 9.0])
    assert_array_equal(got.values, [[0.0, 1.0], [4.0, 0.0]])


def test_negative_values_and_ragged_columns_are_refused():
    with pytest.raises(ValueError, match="non-negative"):
        matrix_from_long_table(["a"], ["x"], [-1.0])
    with pytest.raises(ValueError, match="same length"):
        matrix_from_long_table(["a", "b"], ["x"], [1.0])


def test_a_population_table_lines_up_with_the_rows_and_unknown_countries_get_nan():
    got = align_to_labels(["esp", "fra", "mar"], ["mar", "esp", "usa"], [37.0, 47.0, 330.0])
    assert_array_equal(got, [47.0, np.nan, 37.0])
    assert np.isnan(align_to_labels(["esp"], [], [])).all()
