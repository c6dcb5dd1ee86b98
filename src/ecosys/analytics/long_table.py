"""Build the ``countries x products`` export matrix from a long table, with numpy only.

A long table has one row per (country, product) and a value; pairs it does not list export 0. The
conventions follow py-ecomplexity 0.5.3: missing (NaN) values count as 0, a duplicated pair keeps its
first row, and labels come out sorted.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray


class ExportsMatrix(NamedTuple):
    """``values[i, j]`` is what ``countries[i]`` exports of ``products[j]``."""

    values: NDArray[np.float64]
    countries: NDArray[np.generic]
    products: NDArray[np.generic]


def matrix_from_long_table(countries: ArrayLike, products: ArrayLike, values: ArrayLike) -> ExportsMatrix:
    """Return the dense export matrix of a long table given as three equally long columns.

    Raises ``ValueError`` on columns of different lengths and on negative or infinite values.
    """
    c, p = np.asarray(countries), np.asarray(products)
    v = np.asarray(values, dtype=np.float64)
    if not (c.ndim == p.ndim == v.ndim == 1 and c.size == p.size == v.size):
        raise ValueError("countries, products and values must be 1-d columns of the same length")
    v = np.where(np.isnan(v), 0.0, v)
    if not np.isfinite(v).all() or (v < 0).any():
        raise ValueError("export values must be finite and non-negative")
    country_labels, ci = np.unique(c, return_inverse=True)
    product_labels, pi = np.unique(p, return_inverse=True)
    flat = ci * product_labels.size + pi
    matrix = np.zeros(country_labels.size * product_labels.size)
    if np.bincount(flat, minlength=matrix.size).max(initial=0) > 1:
        _, first = np.unique(flat, return_index=True)
        flat, v = flat[first], v[first]
    matrix[flat] = v
    return ExportsMatrix(matrix.reshape(country_labels.size, product_labels.size), country_labels, product_labels)


def align_to_labels(labels: ArrayLike, keys: ArrayLike, values: ArrayLike) -> NDArray[np.float64]:
    """Return ``values`` reordered to follow ``labels`` (NaN where a label has no key).

    Use it to line a population table (``keys``, ``values``) up with the rows of an export matrix.
    """
    lab, k = np.asarray(labels), np.asarray(keys)
    v = np.asarray(values, dtype=np.float64)
    order = np.argsort(k, kind="stable")
    sorted_keys = k[order]
    pos = np.clip(np.searchsorted(sorted_keys, lab), 0, max(k.size - 1, 0))
    out = np.full(lab.shape, np.nan)
    if k.size:
        found = sorted_keys[pos] == lab
        out[found] = v[order][pos[found]]
    return out
