"""The product space: proximity, density, distance and complexity outlook gain (COG).

Notation (countries ``c``, products ``p, q``): ``M`` is the binary presence matrix, ``u_p = Σ_c M_cp``
the ubiquity, ``C = MᵀM`` the co-occurrence counts and ``kp`` the raw (unnormalised) PCI eigenvector
of :func:`ecosys.analytics.complexity.calc_eci_pci`. The formulas follow Hidalgo, Klinger, Barabási &
Hausmann (2007), "The Product Space Conditions the Development of Nations", Science 317, and
Hausmann et al. (2014), *The Atlas of Economic Complexity*, MIT Press, section "Measuring
complexity", exactly as py-ecomplexity 0.5.3 and the Growth Lab's Stata ``ecomplexity`` compute them.

:func:`calc_proximity`, :func:`calc_density`, :func:`calc_distance` and :func:`calc_cog` take the
``n_products x n_products`` proximity matrix, as the textbook formulas do. :func:`calc_density_and_cog`
gives the same density and COG without ever forming it: proximity is ``C_pq / max(u_p, u_q)`` and
``C = MᵀM`` has rank at most ``n_countries``, so sweeping the products in order of ubiquity turns the
``O(n_p² n_c)`` work and ``O(n_p²)`` memory into ``O(n_p n_c²)`` work and ``O(n_c²)`` memory.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
SparseMatrix = Any  # scipy.sparse ships no type information


def _f64(a: ArrayLike) -> FloatArray:
    return np.asarray(a, dtype=np.float64)


def calc_proximity(mcp: ArrayLike, *, asymmetric: bool = False) -> FloatArray:
    """Return the product proximity matrix ``φ`` (``n_products x n_products``) from co-occurrence.

    Symmetric (default): ``φ_pq = C_pq / max(u_p, u_q)``, the minimum of the two conditional
    probabilities of exporting one product given the other (Hidalgo et al. 2007, eq. 1).
    Asymmetric: ``φ_pq = C_pq / u_p = P(q | p)`` (py-ecomplexity's ``asymmetric=True``).
    Rows and columns of products with zero ubiquity are NaN, as in py-ecomplexity.
    """
    m = _f64(mcp)
    counts = m.T @ m
    u = m.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = counts / (u[:, np.newaxis] if asymmetric else np.maximum(u[:, np.newaxis], u[np.newaxis, :]))
    absent = u == 0
    phi[absent, :] = np.nan
    phi[:, absent] = np.nan
    return phi


def calc_proximity_continuous(intensity: ArrayLike) -> FloatArray:
    """Return the continuous proximity ``φ_pq = (1 + corr(R_·p, R_·q)) / 2``.

    ``corr`` is Pearson's correlation across countries of the RCA (or RPOP) columns; this is the
    Stata ``cont`` option and py-ecomplexity's ``continuous=True``.
    """
    return _f64((1.0 + np.corrcoef(_f64(intensity), rowvar=False)) / 2.0)


def calc_density(presence: ArrayLike, proximity: ArrayLike) -> FloatArray:
    """Return the density ``ω_cp = Σ_q X_cq φ_pq / Σ_q φ_pq`` (Hidalgo et al. 2007; Atlas 2014).

    ``X`` is the presence matrix ``M`` (or the RCA matrix with continuous proximity): the share of
    the products related to ``p``, weighted by proximity, that ``c`` already exports. The sum runs
    over every product including ``p`` itself, and the row sums ignore NaN, as in py-ecomplexity.
    """
    phi = _f64(proximity)
    return _f64(_f64(presence) @ (phi.T / np.nansum(phi, axis=1)[np.newaxis, :]))


def calc_distance(mcp: ArrayLike, proximity: ArrayLike) -> FloatArray:
    """Return the distance ``d_cp = Σ_q (1 - M_cq) φ_pq / Σ_q φ_pq``, which is ``1 - ω_cp``.

    Atlas 2014, "Measuring complexity": how far ``c`` is from ``p`` given what it does not export.
    """
    return calc_density(1.0 - _f64(mcp), proximity)


def _raw_eci_std(m: FloatArray | SparseMatrix, kp: FloatArray) -> float:
    kc = (m @ kp) / np.asarray(m.sum(axis=1)).ravel()
    return float(kc.std())


def calc_cog(mcp: ArrayLike, proximity: ArrayLike, kp: ArrayLike) -> FloatArray:
    """Return the complexity outlook gain (Atlas 2014; py-ecomplexity and Stata ``coicog``).

    ``COG_cp = (1 - M_cp) Σ_q (1 - M_cq) φ_qp kp_q / Σ_r φ_qr``, divided by the standard deviation
    of the raw ECI ``kc = M kp / diversity``, so the scale of ``kp`` cancels and COG is in the units
    of the normalised ECI (Growth Lab convention, cid-harvard/ecomplexity issue #3). Products already
    exported (``M_cp = 1``) gain nothing.
    """
    m, phi, k = _f64(mcp), _f64(proximity), _f64(kp)
    absent = 1.0 - m
    weighted = phi * (k / phi.sum(axis=1))[:, np.newaxis]
    return _f64(absent * (absent @ weighted) / _raw_eci_std(m, k))


def _times_proximity(x: FloatArray, m: FloatArray, u: FloatArray) -> FloatArray:
    """Return ``X φ`` for the symmetric co-occurrence proximity, without forming ``φ``.

    ``(X φ)_cp = Σ_c' M_c'p T_cc'(u_p)`` with ``T(v) = Σ_{q: u_q ≤ v} X_q M_qᵀ / v + Σ_{q: u_q > v}
    X_q M_qᵀ / u_q`` (``X_q``, ``M_q`` the columns of product ``q``). Products are swept from the most
    to the least ubiquitous: the first sum shrinks as the second grows (with binary ``X`` the first
    stays in exact integers). ``M`` is sparse here: it is about 10 % full, and scipy's single-threaded sparse
    products match BLAS on one core without suffering when the cores are shared.
    """
    order = np.argsort(u, kind="stable")
    levels, starts = np.unique(u[order], return_index=True)
    ends = np.append(starts[1:], u.size)
    mt = scipy.sparse.csr_array(m.T[order])  # products x countries, by ubiquity
    xt = np.ascontiguousarray(x.T[order])  # products x rows of X
    within = mt.T @ xt  # Σ_{u_q ≤ v} M_q X_qᵀ: all products to start with (countries x rows of X)
    beyond = np.zeros_like(within)  # Σ_{u_q > v} M_q X_qᵀ / u_q
    out = np.empty_like(xt)
    for level, start, end in zip(levels[::-1], starts[::-1], ends[::-1], strict=True):
        block = mt[start:end]
        out[start:end] = block @ (within / level + beyond)
        g = block.T @ xt[start:end]
        within -= g
        beyond += g / level
    result = np.empty((x.shape[0], x.shape[1]))
    result[:, order] = out.T
    return result


def calc_density_and_cog(
    mcp: ArrayLike,
    kp: ArrayLike,
    *,
    intensity: ArrayLike | None = None,
    asymmetric: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """Return ``(density, cog)`` equal to :func:`calc_density` and :func:`calc_cog` on the proximity.

    ``mcp`` must have no empty row or column (restrict it to the network first). Without
    ``intensity`` the proximity is the co-occurrence one of :func:`calc_proximity` and the density
    weights ``M``; with ``intensity`` (RCA or RPOP) it is :func:`calc_proximity_continuous` and the
    density weights the intensity, as py-ecomplexity's ``continuous=True`` does.

    No ``n_products x n_products`` array is formed: the symmetric co-occurrence case uses the
    ubiquity sweep of ``_times_proximity``; the asymmetric one ``X φᵀ = (X Mᵀ) M / u``; the
    continuous one ``φ = (11ᵀ + ZᵀZ) / 2`` with ``Z`` the centred, unit-norm intensity columns.
    """
    m, k = _f64(mcp), _f64(kp)
    absent = 1.0 - m
    n_c, n_p = m.shape
    u = m.sum(axis=0)
    if intensity is not None:
        x = _f64(intensity)
        z = x - x.mean(axis=0)
        z = z / np.sqrt((z * z).sum(axis=0))

        def times_phi(a: FloatArray) -> FloatArray:
            return _f64((a.sum(axis=1)[:, np.newaxis] + (a @ z.T) @ z) / 2.0)

        s = (n_p + z.T @ z.sum(axis=1)) / 2.0
        density = times_phi(x) / s
        cog = absent * times_phi(absent * (k / s))
    elif asymmetric:
        sparse = scipy.sparse.csr_array(m)
        s = (sparse.T @ m.sum(axis=1)) / u
        density = (sparse.T @ (sparse @ m.T)).T / (u * s)
        cog = absent * (sparse.T @ (sparse @ (absent * (k / (s * u))).T)).T
    else:
        s = _times_proximity(np.ones((1, n_p)), m, u)[0]
        both = _times_proximity(np.vstack([m, absent * (k / s)]), m, u)
        density = both[:n_c] / s
        cog = absent * both[n_c:]
    return _f64(density), _f64(cog / _raw_eci_std(m, k))
