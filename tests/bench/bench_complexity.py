"""Economic complexity: analytics.complexity against py-ecomplexity 0.5.3, time, memory and results.

DESIGN.md budgets one world year (230 countries x 5,000 HS6 products) at >= 30x faster than
py-ecomplexity 0.5.3, <= 1/3 of its peak memory and the same results to 1e-9. This runs every metric
(RCA, Mcp, diversity, ubiquity, ECI, PCI, density, COI, COG) from a long table already in memory,
on the real HS4 2017 data and on a generated HS6-scale world (analytics.generate), each in its own
process: Ecosys under this venv, the peer under a cached venv of its own (see
scripts/ecomplexity_reference.py; the peer runs without its log-supermodularity diagnostic, which
Ecosys does not compute). A process reports the wall time of the call, its resident memory before
the call and its peak during it (Linux VmHWM, reset before the call). Nothing is asserted.

Run alone: ``.venv/bin/python -m tests.bench bench_complexity``. ``ECOSYS_PEER_VENV`` moves the
peer's cached venv (default: ecosys-ecomplexity-0.5.3 in the temporary folder).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
HS4 = ROOT.parent / "shared/data/trade/hs4_2017/exports_hs4_2017.csv"
PEER_VENV = Path(os.environ.get("ECOSYS_PEER_VENV", Path(tempfile.gettempdir()) / "ecosys-ecomplexity-0.5.3"))
OURS_REPEATS = 3
PEER_REPEATS = {"HS4": 2, "HS6": 1}  # the peer takes minutes on HS6
METRICS = ("rca", "mcp", "diversity", "ubiquity", "eci", "pci", "density", "coi", "cog")


def _reference_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ecomplexity_reference", ROOT / "scripts/ecomplexity_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write_generated(path: Path) -> tuple[int, int]:
    from ecosys.analytics.generate import synthetic_world_exports

    world = synthetic_world_exports()
    rows, cols = np.nonzero(world.exports)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["reporter_iso", "product_code", "export_value_usd"])
        writer.writerows(
            zip(world.countries[rows], world.products[cols], map(repr, world.exports[rows, cols].tolist()), strict=True)
        )
    return world.exports.shape


def _run(command: list[str]) -> dict[str, float]:
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _best(reports: list[dict[str, float]]) -> dict[str, float]:
    return {
        "seconds": min(r["seconds"] for r in reports),
        "peak_mb": max(r["peak_kb"] for r in reports) / 1024,
        "call_mb": max(r["peak_kb"] - r["rss_before_kb"] for r in reports) / 1024,
    }


def _differences(ours: Path, peer: Path) -> str:
    with np.load(ours) as a, np.load(peer) as b:
        if not (np.array_equal(a["countries"], b["countries"]) and np.array_equal(a["products"], b["products"])):
            return "labels differ"
        parts, close = [], True
        for name in METRICS:
            x, y = a[name], b[name]
            if not np.array_equal(np.isnan(x), np.isnan(y)):
                parts.append(f"{name} NaN differ")
                close = False
                continue
            diff = np.abs(np.nan_to_num(x) - np.nan_to_num(y))
            scale = np.maximum(np.abs(np.nan_to_num(y)), 1e-12)
            parts.append(f"{name} {diff.max():.1e}/{(diff / scale).max():.1e}")
            close = close and np.allclose(x, y, rtol=1e-9, atol=1e-12, equal_nan=True)
    verdict = "all within" if close else "NOT all within"
    return f"{', '.join(parts)}; {verdict} rtol 1e-9 + atol 1e-12"


def _compare(label: str, key: str, exports: Path, peer_python: Path, tmp: Path) -> None:
    ours_out, peer_out = tmp / f"{key}_ours.npz", tmp / f"{key}_peer.npz"
    ours_cmd = [sys.executable, "-m", "tests.bench.bench_complexity", "--exports", str(exports), "--out", str(ours_out)]
    peer_cmd = [str(peer_python), str(ROOT / "scripts/ecomplexity_peer.py"), "run"]
    peer_cmd += ["--exports", str(exports), "--out", str(peer_out)]
    ours = _best([_run(ours_cmd) for _ in range(OURS_REPEATS)])
    peer = _best([_run(peer_cmd) for _ in range(PEER_REPEATS[key])])
    print(
        f"   {label}: ecosys {ours['seconds']:.3f} s, py-ecomplexity {peer['seconds']:.2f} s "
        f"-> {peer['seconds'] / ours['seconds']:.0f}x faster (best of {OURS_REPEATS} / {PEER_REPEATS[key]})",
        flush=True,
    )
    print(
        f"      peak memory: ecosys {ours['peak_mb']:.0f} MB (+{ours['call_mb']:.0f} MB in the call), "
        f"py-ecomplexity {peer['peak_mb']:.0f} MB (+{peer['call_mb']:.0f} MB) -> ratio "
        f"{ours['peak_mb'] / peer['peak_mb']:.2f} of the process, {ours['call_mb'] / peer['call_mb']:.2f} of the call",
        flush=True,
    )
    print(f"      max abs/rel difference: {_differences(ours_out, peer_out)}", flush=True)


def run() -> None:
    reference = _reference_script()
    started = time.perf_counter()
    peer_python = reference.ensure_peer_venv(PEER_VENV)
    print(f"   peer venv {PEER_VENV} ready in {time.perf_counter() - started:.0f} s", flush=True)
    print(f"   load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    with tempfile.TemporaryDirectory(prefix="ecosys-bench-complexity-") as name:
        tmp = Path(name)
        if HS4.exists():
            _compare("HS4 2017, real (224 x 1,222)", "HS4", HS4, peer_python, tmp)
        else:
            print(f"   HS4 2017 data not found at {HS4}: skipped", flush=True)
        n_c, n_p = _write_generated(tmp / "hs6.csv")
        _compare(f"generated HS6 world ({n_c} x {n_p:,})", "HS6", tmp / "hs6.csv", peer_python, tmp)
    print(f"   load average after: {os.getloadavg()[0]:.1f}", flush=True)


def _memory_kb() -> dict[str, int]:
    with open("/proc/self/status", encoding="ascii") as f:
        return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in f) if k in ("VmRSS", "VmHWM")}


def _child() -> None:
    """Time Ecosys on one long table in this process; the parent reads one JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--exports", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    from ecosys.analytics.complexity import complexity_all, matrix_from_long_table

    with open(args.exports, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    countries = np.array([r[0] for r in rows])
    products = np.array([r[1] for r in rows])
    values = np.array([float(r[2]) if r[2] else np.nan for r in rows])
    del rows
    before = _memory_kb()["VmRSS"]
    with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")  # reset VmHWM to the current resident size
    started = time.perf_counter()
    matrix = matrix_from_long_table(countries, products, values)
    got = complexity_all(matrix.values, countries=matrix.countries, products=matrix.products)
    seconds = time.perf_counter() - started
    peak = _memory_kb()["VmHWM"]
    np.savez(
        args.out, **{"countries": got.countries, "products": got.products, **{m: getattr(got, m) for m in METRICS}}
    )
    print(json.dumps({"seconds": seconds, "rss_before_kb": before, "peak_kb": peak}))


if __name__ == "__main__":
    _child()
