"""The growth trend of a series of yearly values: a log-linear fit that keeps the zeros.

Trade series are full of zeros (a product not imported one year), which an OLS fit of ``ln v_t`` on
``t`` cannot take. The trend here is the Poisson pseudo-maximum-likelihood (PPML) fit of the
log-linear mean ``E[v_t] = exp(a + b t)`` (Santos Silva & Tenreyro 2006, "The Log of Gravity",
*Review of Economics and Statistics* 88(4), 641-658), which uses the zeros as observations. Its
growth rate is ``g = exp(b) - 1`` a year; on an exact geometric series ``v_t = v_0 (1+g)^t`` it
returns ``g`` exactly, whatever the years given (gaps allowed).

Profiling out ``a`` leaves one equation in ``b``: the mean year weighted by the fitted values equals
the mean year weighted by the data, ``Σ_t t e^{bt} / Σ_t e^{bt} = Σ_t t v_t / Σ_t v_t``. The left side
increases strictly with ``b`` from the first to the last year, so the root is unique, found by
bisection, and exists exactly when the data's weighted mean year lies strictly between the first and
the last year observed. Otherwise the series has a status instead of a rate:

* ``"no_data"``: every value is 0 or missing; ``"single_year"``: fewer than two years observed;
* ``"appeared"``: positive in the last observed year only (the rate is +∞; growth is NaN);
* ``"ceased"``: positive in the first observed year only (the rate tends to -100 %; growth is -1).

Missing values (NaN) are left out of the fit; they are not zeros.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecosys.analytics.opportunity.errors import FloatArray, as_array, as_years, require_length, require_non_negative

_BISECTION_STEPS = 100
_MAX_LOG_GROWTH = 700.0  # |b| bound: exp(b) stays a finite float


class Trend(NamedTuple):
    """``growth[s]`` is the yearly growth rate of series ``s`` (0.05 = +5 %), NaN unless ``status`` says why."""

    growth: FloatArray
    status: NDArray[np.str_]


def trend_growth(values: ArrayLike, years: ArrayLike, *, parameter: str = "values") -> Trend:
    """Return the PPML log-linear growth rate of each column of ``values`` (years x series).

    ``g_s = exp(b_s) - 1`` with ``b_s`` solving ``Σ_t t e^{b t} / Σ_t e^{b t} = Σ_t t v_ts / Σ_t v_ts``
    over the years where ``v_ts`` is known (module docstring; Santos Silva & Tenreyro 2006).
    ``values`` must be finite and >= 0 where known; ``parameter`` names it in errors.
    """
    v = as_array(values, parameter=parameter, ndim=2)
    t = as_years(years, parameter="years")
    require_length(v, t.size, parameter=parameter, reference="years", what="rows (years)")
    require_non_negative(v, parameter=parameter)
    t = t - t.mean()
    known = ~np.isnan(v)
    x = np.where(known, v, 0.0)
    tt = np.broadcast_to(t[:, np.newaxis], v.shape)
    n_known = known.sum(axis=0)
    t_first = np.where(known, tt, np.inf).min(axis=0)
    t_last = np.where(known, tt, -np.inf).max(axis=0)
    positive = known & (x > 0)
    first_positive = np.where(positive, tt, np.inf).min(axis=0)
    last_positive = np.where(positive, tt, -np.inf).max(axis=0)

    status = np.full(v.shape[1], "ok", dtype="<U11")
    status[n_known < 2] = "single_year"
    no_data = (n_known >= 2) & ~positive.any(axis=0)
    status[no_data] = "no_data"
    open_ = (status == "ok") & (first_positive == last_positive)
    status[open_ & (first_positive == t_last)] = "appeared"
    status[open_ & (last_positive == t_first)] = "ceased"

    growth = np.full(v.shape[1], np.nan)
    growth[status == "ceased"] = -1.0
    fit = status == "ok"
    if fit.any():
        growth[fit] = np.expm1(_solve_log_growth(x[:, fit], known[:, fit], t))
    return Trend(growth=growth, status=status)


def _solve_log_growth(x: FloatArray, known: NDArray[np.bool_], t: FloatArray) -> FloatArray:
    """Return ``b`` per column where the fitted mean year equals the data's (bisection, vectorised).

    Both mean years are measured from the end (first or last observed year) nearer the data's, so
    a series almost all in one year (a mean year a hair from the end) keeps its precision.
    """
    tt = np.where(known, t[:, np.newaxis], np.nan)
    first, last = np.nanmin(tt, axis=0), np.nanmax(tt, axis=0)
    mean_year = (x * t[:, np.newaxis]).sum(axis=0) / x.sum(axis=0)
    reference = np.where(mean_year > (first + last) / 2.0, last, first)
    s = np.where(known, t[:, np.newaxis] - reference[np.newaxis, :], 0.0)
    target = (x * s).sum(axis=0) / x.sum(axis=0)
    low = np.full(x.shape[1], -_MAX_LOG_GROWTH)
    high = np.full(x.shape[1], _MAX_LOG_GROWTH)
    for _ in range(_BISECTION_STEPS):
        mid = (low + high) / 2.0
        exponent = np.where(known, mid[np.newaxis, :] * t[:, np.newaxis], -np.inf)
        weight = np.exp(exponent - exponent.max(axis=0))
        below = (weight * s).sum(axis=0) / weight.sum(axis=0) < target
        low = np.where(below, mid, low)
        high = np.where(below, high, mid)
    return (low + high) / 2.0


def last_known(values: FloatArray, years: ArrayLike) -> FloatArray:
    """Return each column's value in its latest year with a known (non-NaN) value, 0 when none is known."""
    values = values[np.argsort(np.asarray(years, dtype=np.float64), kind="stable")]
    known = ~np.isnan(values)
    last_row = np.where(known.any(axis=0), values.shape[0] - 1 - np.argmax(known[::-1], axis=0), 0)
    last = values[last_row, np.arange(values.shape[1])]
    return np.where(np.isnan(last), 0.0, last)


def project(value: FloatArray, growth: FloatArray, horizon: float, max_growth: float) -> FloatArray:
    """Return ``value · (1 + ĝ)^horizon`` with ``ĝ = clip(g, -1, max_growth)``, and ``ĝ = 0`` where g is NaN.

    The cap keeps a surge from a tiny base from dominating a ranking; a NaN rate (a series that
    appeared in its last year, or had too few years) is projected flat, and its status says so.
    """
    rate = np.clip(np.where(np.isnan(growth), 0.0, growth), -1.0, max_growth)
    return value * (1.0 + rate) ** horizon
