"""Milestone derivation: analytics.milestones against a vectorised numpy peer, same results.

Deriving every milestone of a programme happens on each amendment; this measures the pure function
on 20,000 targets (a national-scale programme) and compares it with a numpy implementation of the
same formula without overrides, checking both agree to 1e-9.
"""

from __future__ import annotations

import random
import time

import numpy as np

from ecosys.analytics.milestones import S_CURVE_STEEPNESS, milestone_path

TARGETS = 20_000


def _numpy_s_curve(v0: np.ndarray, v1: np.ndarray, y0: int, y1: int) -> np.ndarray:
    t = (np.arange(y0 + 1, y1 + 1) - y0) / (y1 - y0)
    k = S_CURVE_STEEPNESS
    sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    s = (sig(k * (t - 0.5)) - sig(-k / 2)) / (sig(k / 2) - sig(-k / 2))
    return v0[:, None] + (v1 - v0)[:, None] * s[None, :]


def run() -> None:
    rng = random.Random(7)
    v0 = np.array([rng.uniform(0, 1e6) for _ in range(TARGETS)])
    v1 = v0 + np.array([rng.uniform(0, 1e9) for _ in range(TARGETS)])
    started = time.perf_counter()
    ours = [
        [
            m.value
            for m in milestone_path(
                baseline_value=a, baseline_year=2015, horizon_value=b, horizon_year=2020, shape="s_curve"
            )
        ]
        for a, b in zip(v0.tolist(), v1.tolist(), strict=True)
    ]
    t_ours = time.perf_counter() - started
    started = time.perf_counter()
    peer = _numpy_s_curve(v0, v1, 2015, 2020)
    t_peer = time.perf_counter() - started
    np.testing.assert_allclose(np.array(ours), peer, rtol=1e-9)
    print(
        f"   {TARGETS} targets x 5 years, S-curve: analytics.milestones {t_ours * 1000:.1f} ms, "
        f"numpy peer {t_peer * 1000:.1f} ms (same values to 1e-9)"
    )
    print(f"   per target: {t_ours / TARGETS * 1e6:.1f} µs (pure Python, supports overrides; the peer does not)")
