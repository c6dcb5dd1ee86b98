"""Economic complexity: RCA, presence, diversity, ubiquity, ECI, PCI, COI and COG.

Countries ``c`` are rows and products ``p`` columns of an export matrix ``X``. The conventions are the
Growth Lab's, exactly as py-ecomplexity 0.5.3 (``pip install ecomplexity``) computes them:

* ``RCA_cp = (X_cp / X_c) / (X_p / X)`` (Balassa); ``RPOP_cp = (X_cp / pop_c) / (X_p / Σ pop)``
  with the world population summed over the countries of the matrix whose population is known.
* Presence ``M_cp = [RCA_cp ≥ threshold]`` (≥, default 1); NaN means absent.
* ECI and PCI are the eigenvectors of the second largest eigenvalue of ``M̃_cc' = Σ_p M_cp M_c'p /
  (k_c k_p)`` and ``M̃_pp'`` (Hausmann et al. 2014, *Atlas of Economic Complexity*, "Measuring
  complexity"), paired as ``kc = M kp / diversity``, signed so ECI correlates positively with
  diversity, and both centred and scaled with the *ECI's* mean and standard deviation (population
  sd), which keeps ``ECI_c = mean PCI of the products c exports`` (cid-harvard/ecomplexity issue #3).
* COI is z-scored on its own moments and computed from the raw ``kp``; COG is divided by the raw
  ECI's standard deviation (see :mod:`ecosys.analytics.product_space`).
* Countries and products with zero total exports are left out and get NaN everywhere.

Faster, not different: the eigenproblem is solved on the smaller side through the symmetric matrix
``D^-½ M U^-1 Mᵀ D^-½`` (similar to ``M̃``, so the same eigenvector), density and COG never form the
``n_products²`` proximity matrix (:func:`~ecosys.analytics.product_space.calc_density_and_cog`),
and the presence matrix, about 10 % full in world trade, enters the products as a scipy sparse
matrix. Those single-threaded sparse products match dense BLAS on one core; unlike multithreaded
BLAS on these small (``n_countries²``) problems, they do not slow down tenfold when the cores are
shared, which was measured on a loaded two-CPU machine.

Deliberate deviations from py-ecomplexity 0.5.3, each tested against what it should give:

1. **Presence by both RCA and RPOP** is ``M = [RCA ≥ t₁] OR [RPOP ≥ t₂]``, as the Stata package's help
   and py-ecomplexity's own ``proximity()`` docstring say. The peer *adds* the two tests
   (``ComplexityData.calculate_mcp``), so ``M`` takes the value 2 and those cells weigh double in
   diversity, ubiquity, the eigenvectors, proximity and density; its log-supermodularity check also
   fails on ``"both"`` (``matrix`` is unbound) unless disabled.
2. **Zero diversity or ubiquity after the presence test** (RPOP, a threshold above 1, a missing
   population): the peer returns NaN ECI, PCI and COG for *every* country and product, and a
   product of zero ubiquity makes its proximity row NaN and so every density and COI NaN too
   (harvard-growth-lab/py-ecomplexity issue #22; with exactly one such country or product the NaN
   re-insertion iterates a 0-d array and the eigen step fails). Here ECI, PCI, density, COI and COG are computed
   on the network of countries with diversity > 0 and products with ubiquity > 0 and are NaN outside
   it; RCA, RPOP and ``M`` stay as computed on the whole matrix. This is the maintainers' workaround
   in #22 without recomputing RCA on the filtered data. The peer also keeps those countries (raw
   COI 0) in COI's moments; here they are out.
3. **Missing export values** count as 0, as the peer intends. With pandas ≥ 3 its in-place
   ``fillna`` no longer writes through (copy-on-write), so its RCA is NaN in those cells while every
   other output is unchanged; the reference data are made with pandas 2.2.3.
4. If ``corr(diversity, kc)`` is exactly 0 the peer multiplies both indices by ``sign(0) = 0``; here
   the sign is kept. Negative or infinite exports raise ``ValueError`` (the peer computes on them).
5. Not offered: the peer's ``knn`` density (its loop sums the neighbours' presence without the
   proximity weights, issue #35) and its log-supermodularity diagnostic.

Options, not defaults: the method of reflections (Hidalgo & Hausmann 2009, "The building blocks of
economic complexity", PNAS 106) and continuous proximity from RCA correlations (Stata ``cont``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg
from numpy.typing import ArrayLike, NDArray

from ecosys.analytics.long_table import ExportsMatrix, align_to_labels, matrix_from_long_table
from ecosys.analytics.product_space import FloatArray, _f64, calc_density_and_cog

__all__ = [
    "Complexity",
    "EciPci",
    "ExportsMatrix",
    "align_to_labels",
    "calc_coi",
    "calc_diversity",
    "calc_eci_pci",
    "calc_mcp",
    "calc_rca",
    "calc_rpop",
    "calc_ubiquity",
    "complexity_all",
    "matrix_from_long_table",
]

Presence = Literal["rca", "rpop", "both"]
Method = Literal["eigen", "reflections"]
_DENSE_EIGEN_MAX = 64


def calc_rca(exports: ArrayLike) -> FloatArray:
    """Return Balassa's revealed comparative advantage ``RCA_cp = (X_cp / X_c) / (X_p / X)``.

    Balassa (1965); Atlas 2014, "Measuring complexity". Totals ignore NaN; a country or product
    with zero total gives NaN (0/0).
    """
    x = _f64(exports)
    with np.errstate(divide="ignore", invalid="ignore"):
        share_in_country = x / np.nansum(x, axis=1)[:, np.newaxis]
        product_totals = np.nansum(x, axis=0)[np.newaxis, :]
        return _f64(share_in_country / (product_totals / np.nansum(product_totals)))


def calc_rpop(exports: ArrayLike, population: ArrayLike) -> FloatArray:
    """Return exports per head relative to the world ``RPOP_cp = (X_cp / pop_c) / (X_p / Σ_c pop_c)``.

    Growth Lab (Stata ``rpop``, py-ecomplexity ``presence_test="rpop"``). The world population sums
    the countries of the matrix whose population is known; a missing population gives a NaN row.
    """
    x, pop = _f64(exports), _f64(population)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_head = x / pop[:, np.newaxis]
        return _f64(per_head / (np.nansum(x, axis=0)[np.newaxis, :] / np.nansum(pop)))


def calc_mcp(
    rca: ArrayLike | None,
    threshold: float = 1.0,
    *,
    rpop: ArrayLike | None = None,
    rpop_threshold: float = 1.0,
) -> FloatArray:
    """Return the presence matrix ``M_cp`` as 0.0/1.0.

    ``M_cp = [RCA_cp ≥ threshold]``; with ``rpop`` only (``rca=None``) ``[RPOP_cp ≥ rpop_threshold]``;
    with both, ``[RCA_cp ≥ threshold] OR [RPOP_cp ≥ rpop_threshold]`` (Stata ``ecomplexity`` help;
    see deviation 1). NaN is absent.
    """
    tests = [_f64(a) >= t for a, t in ((rca, threshold), (rpop, rpop_threshold)) if a is not None]
    if not tests:
        raise ValueError("calc_mcp needs rca, rpop or both")
    return _f64(np.logical_or.reduce(tests))


def calc_diversity(mcp: ArrayLike) -> FloatArray:
    """Return the diversity ``k_c,0 = Σ_p M_cp`` (Hidalgo & Hausmann 2009)."""
    return _f64(np.nansum(_f64(mcp), axis=1))


def calc_ubiquity(mcp: ArrayLike) -> FloatArray:
    """Return the ubiquity ``k_p,0 = Σ_c M_cp`` (Hidalgo & Hausmann 2009)."""
    return _f64(np.nansum(_f64(mcp), axis=0))


class EciPci(NamedTuple):
    """Normalised ECI and PCI, and the raw vectors ``kc = M kp / diversity`` they come from."""

    eci: FloatArray
    pci: FloatArray
    kc: FloatArray
    kp: FloatArray


def _second_eigenvectors(m: FloatArray, d: FloatArray, u: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return ``(kc, kp)`` for the second eigenvalue λ of ``M̃``, with ``kc = M kp / d``.

    ``M̃_cc' = D⁻¹ M U⁻¹ Mᵀ`` is similar to the symmetric ``B Bᵀ`` with ``B = D^-½ M U^-½`` (and
    ``M̃_pp'`` to ``Bᵀ B``); the smaller of the two is solved, its eigenvector mapped back through
    ``D^-½`` (or ``U^-½``), and the other side follows from ``kc = M kp / d`` or ``kp = Mᵀ kc / (u λ)``.
    ARPACK's Lanczos on sparse products finds the two largest eigenpairs; very small problems go to
    LAPACK.
    """
    b = scipy.sparse.csr_array(m / np.sqrt(d)[:, np.newaxis] / np.sqrt(u)[np.newaxis, :])
    countries_side = m.shape[0] <= m.shape[1]
    n = min(m.shape)
    if n <= _DENSE_EIGEN_MAX:
        s = (b @ b.T if countries_side else b.T @ b).toarray()
        values, vectors = scipy.linalg.eigh(s, subset_by_index=[n - 2, n - 1])
    else:
        bt = b.T.tocsr()

        def gram(v: FloatArray) -> FloatArray:
            return _f64(b @ (bt @ v) if countries_side else bt @ (b @ v))

        op = scipy.sparse.linalg.LinearOperator((n, n), matvec=gram, dtype=np.float64)
        start = np.linspace(1.0, 2.0, n)  # a fixed start vector, so runs repeat
        values, vectors = scipy.sparse.linalg.eigsh(op, k=2, which="LA", tol=0.0, v0=start)
    second = int(np.argsort(values)[0])
    lam, vector = float(values[second]), vectors[:, second]
    if countries_side:
        kc = vector / np.sqrt(d)
        kp = (m.T @ kc) / u / lam
    else:
        kp = vector / np.sqrt(u)
        kc = (m @ kp) / d
    return _f64(kc), _f64(kp)


def _reflections(m: FloatArray, d: FloatArray, u: FloatArray, iterations: int) -> tuple[FloatArray, FloatArray]:
    """Return ``(k_c,N, k_p,N-1)`` of the reflections from ``k_c,0 = d``, with ``kc = M kp / d``.

    Both reflections map constants to constants, so each ``k_p`` may be shifted and scaled before it
    is reflected back without changing the standardised result. It is shifted to ``Σ_p u_p k_p = 0``
    (``u`` is the left eigenvector of the trivial eigenvalue 1, so this removes exactly the constant
    part the reflections converge to) and scaled to unit norm: the vector keeps its precision, and
    ``kp`` tends to the eigenvector itself, so COI and COG converge too.
    """
    kc = d.copy()
    kp = kc
    for _ in range(iterations // 2):
        kp = (m.T @ kc) / u
        kp = kp - (u @ kp) / u.sum()
        kp = kp / np.linalg.norm(kp)
        kc = (m @ kp) / d
    return _f64(kc), _f64(kp)


def calc_eci_pci(mcp: ArrayLike, *, method: Method = "eigen", iterations: int = 18) -> EciPci:
    """Return ECI and PCI (Hidalgo & Hausmann 2009; Atlas 2014; py-ecomplexity conventions).

    ``method="eigen"``: ``kp`` is the eigenvector of the second largest eigenvalue of
    ``M̃_pp' = Σ_c M_cp M_cp' / (k_c,0 k_p,0)`` and ``kc = M kp / k_c,0``. ``method="reflections"``:
    ``k_p,N = Σ_c M_cp k_c,N-1 / k_p,0`` and ``k_c,N = Σ_p M_cp k_p,N-1 / k_c,0`` from ``k_c,0`` for
    an even number of ``iterations`` (default 18); it tends to the eigenvector as ``N`` grows, as
    fast as ``(λ₃/λ₂)^(N/2)``. On a disconnected network λ₂ = 1 and ECI only tells the components
    apart; neither this nor py-ecomplexity detects it.

    Both are multiplied by ``sign(corr(k_c,0, kc))``; then ``ECI = (kc - mean kc) / sd kc`` and
    ``PCI = (kp - mean kc) / sd kc``. Countries with zero diversity and products with zero ubiquity
    are left out and get NaN (deviation 2 of the module docstring).
    """
    m = _f64(mcp)
    d, u = m.sum(axis=1), m.sum(axis=0)
    rows, cols = d > 0, u > 0
    sub = m[rows][:, cols]
    if min(sub.shape) < 2:
        raise ValueError("ECI needs at least two countries and two products with presence")
    if method == "eigen":
        kc_sub, kp_sub = _second_eigenvectors(sub, d[rows], u[cols])
    elif method == "reflections":
        if iterations < 2 or iterations % 2:
            raise ValueError("iterations must be a positive even number")
        kc_sub, kp_sub = _reflections(sub, d[rows], u[cols], iterations)
    else:
        raise ValueError(f"unknown method {method!r}")
    sign = -1.0 if np.corrcoef(d[rows], kc_sub)[0, 1] < 0 else 1.0
    kc, kp = np.full(m.shape[0], np.nan), np.full(m.shape[1], np.nan)
    kc[rows], kp[cols] = sign * kc_sub, sign * kp_sub
    mean, sd = kc[rows].mean(), kc[rows].std()
    return EciPci(eci=(kc - mean) / sd, pci=(kp - mean) / sd, kc=kc, kp=kp)


def calc_coi(density: ArrayLike, mcp: ArrayLike, kp: ArrayLike) -> FloatArray:
    """Return the complexity outlook index, z-scored: ``COI_c = Σ_p ω_cp (1 - M_cp) kp_p``.

    Atlas 2014 (``Σ_p (1 - d_cp)(1 - M_cp) PCI_p`` with distance ``d = 1 - ω``); like Stata's
    ``coicog`` and py-ecomplexity it uses the raw ``kp`` and standardises the result with its own
    mean and (population) standard deviation.
    """
    raw = (_f64(density) * (1.0 - _f64(mcp)) * _f64(kp)[np.newaxis, :]).sum(axis=1)
    return _f64((raw - raw.mean()) / raw.std())


@dataclass(frozen=True, slots=True)
class Complexity:
    """Every metric of one year, aligned with ``countries`` (rows) and ``products`` (columns).

    NaN marks what is undefined: countries or products without exports, and ECI, PCI, density,
    COI and COG outside the network (zero diversity or ubiquity). ``rpop`` is None unless the
    presence test used it.
    """

    countries: NDArray[np.generic]
    products: NDArray[np.generic]
    rca: FloatArray
    rpop: FloatArray | None
    mcp: FloatArray
    diversity: FloatArray
    ubiquity: FloatArray
    eci: FloatArray
    pci: FloatArray
    density: FloatArray
    coi: FloatArray
    cog: FloatArray


def _spread(
    values: FloatArray, rows: NDArray[np.intp], cols: NDArray[np.intp] | None, shape: tuple[int, ...]
) -> FloatArray:
    out = np.full(shape, np.nan)
    if cols is None:
        out[rows] = values
    else:
        out[np.ix_(rows, cols)] = values
    return out


def complexity_all(
    exports: ArrayLike,
    *,
    countries: ArrayLike | None = None,
    products: ArrayLike | None = None,
    population: ArrayLike | None = None,
    presence: Presence = "rca",
    rca_threshold: float = 1.0,
    rpop_threshold: float = 1.0,
    method: Method = "eigen",
    iterations: int = 18,
    continuous: bool = False,
    asymmetric: bool = False,
) -> Complexity:
    """Return every complexity metric of a ``countries x products`` export matrix.

    The equivalent of ``ecomplexity(data, cols, presence_test=presence, rca_mcp_threshold=...,
    rpop_mcp_threshold=..., pop=..., continuous=..., asymmetric=...)`` in py-ecomplexity 0.5.3 for
    one year, with the deviations listed in the module docstring. NaN exports count as 0.
    ``population`` (aligned with the rows) is needed for ``presence="rpop"`` or ``"both"``;
    :func:`align_to_labels` aligns a population table. ``continuous`` builds proximity and density
    from the RPOP (``presence="rpop"``) or RCA matrix; ``asymmetric`` uses ``P(q | p)`` proximity and,
    as in py-ecomplexity, is ignored with ``continuous`` (a correlation is symmetric).
    """
    x = _f64(exports)
    x = np.where(np.isnan(x), 0.0, x)
    if x.ndim != 2:
        raise ValueError("exports must be a countries x products matrix")
    if not np.isfinite(x).all() or (x < 0).any():
        raise ValueError("exports must be finite and non-negative")
    if presence not in ("rca", "rpop", "both"):
        raise ValueError(f"unknown presence test {presence!r}")
    if presence != "rca" and population is None:
        raise ValueError(f"presence={presence!r} needs population")
    n_c, n_p = x.shape
    active_c = np.flatnonzero(x.sum(axis=1) > 0)
    active_p = np.flatnonzero(x.sum(axis=0) > 0)
    xa = x[np.ix_(active_c, active_p)]
    rca = calc_rca(xa)
    rpop = None if presence == "rca" or population is None else calc_rpop(xa, _f64(population)[active_c])
    mcp = calc_mcp(None if presence == "rpop" else rca, rca_threshold, rpop=rpop, rpop_threshold=rpop_threshold)
    d, u = mcp.sum(axis=1), mcp.sum(axis=0)
    net_c, net_p = np.flatnonzero(d > 0), np.flatnonzero(u > 0)
    m = mcp[np.ix_(net_c, net_p)]
    indices = calc_eci_pci(m, method=method, iterations=iterations)
    intensity = None
    if continuous:
        intensity = (rpop if presence == "rpop" and rpop is not None else rca)[np.ix_(net_c, net_p)]
    density, cog = calc_density_and_cog(m, indices.kp, intensity=intensity, asymmetric=asymmetric)
    coi = calc_coi(density, m, indices.kp)
    rows, cols = active_c[net_c], active_p[net_p]
    return Complexity(
        countries=np.asarray(countries) if countries is not None else np.arange(n_c),
        products=np.asarray(products) if products is not None else np.arange(n_p),
        rca=_spread(rca, active_c, active_p, (n_c, n_p)),
        rpop=None if rpop is None else _spread(rpop, active_c, active_p, (n_c, n_p)),
        mcp=_spread(mcp, active_c, active_p, (n_c, n_p)),
        diversity=_spread(d, active_c, None, (n_c,)),
        ubiquity=_spread(u, active_p, None, (n_p,)),
        eci=_spread(indices.eci, rows, None, (n_c,)),
        pci=_spread(indices.pci, cols, None, (n_p,)),
        density=_spread(density, rows, cols, (n_c, n_p)),
        coi=_spread(coi, rows, None, (n_c,)),
        cog=_spread(cog, rows, cols, (n_c, n_p)),
    )
