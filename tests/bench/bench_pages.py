"""Response time of the programme pages and API on the IMM programme, against a trivial page.

DESIGN.md budgets dashboard pages at <= 3x the p95 of a trivial page under the same load; this
measures the pages of the foundation the same way (in-process test client, one client, warm cache).
The trivial peer is the sign-in page: it renders a template with no query beyond the session.
"""

from __future__ import annotations

import statistics
import time

N = 200


def _measure(client, path: str, **headers: str) -> tuple[float, float]:
    for _ in range(10):  # warm-up
        client.get(path, **headers)
    samples = []
    for _ in range(N):
        started = time.perf_counter()
        response = client.get(path, **headers)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * len(samples)) - 1]


def run() -> None:
    from django.test import Client

    from ecosys.core.roles import Role
    from ecosys.programmes.services.loader import BUNDLED_IMM, programme_file_read, programme_load
    from tests.factories import user_with_role

    programme_load(actor=None, data=programme_file_read(BUNDLED_IMM))
    user = user_with_role(Role.MINISTRY_ANALYST)
    client = Client()
    trivial = Client()
    client.force_login(user)
    rows = [
        ("sign-in page (trivial peer)", trivial, "/accounts/login/"),
        ("programme page", client, "/programmes/pai-2014-2020/"),
        ("contract page with history", client, "/contracts/IMM-CP/"),
        ("ecosystem page", client, "/ecosystems/IMM-VAL/"),
        ("API contract detail", client, "/api/v1/contracts/IMM-CP"),
        ("API contract history", client, "/api/v1/contracts/IMM-CP/history"),
    ]
    results = {label: _measure(c, path) for label, c, path in rows}
    base_p95 = results[rows[0][0]][1]
    print(f"   {'request':32} {'p50 ms':>8} {'p95 ms':>8} {'p95 / trivial':>14}   ({N} requests each)")
    for label, (p50, p95) in results.items():
        print(f"   {label:32} {p50:8.2f} {p95:8.2f} {p95 / base_p95:14.1f}")
