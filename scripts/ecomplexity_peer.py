"""Run py-ecomplexity 0.5.3 on a long export table and save its output as dense arrays.

This file runs under the *peer's* interpreter (a throw-away venv with ecomplexity, pandas and
numpy; see scripts/ecomplexity_reference.py), never under Ecosys's: it imports nothing from ecosys.

    python ecomplexity_peer.py run --exports X.csv --out out.npz [--presence rca|rpop|both|manual]
        [--population P.csv] [--mcp M.npz] [--continuous] [--asymmetric] [--rca-threshold 1]
    python ecomplexity_peer.py proximity --exports X.csv --out prox.npz

The export CSV has the columns ``reporter_iso, product_code, export_value_usd``; the population
CSV ``reporter_iso, population_total``. With ``--presence manual`` the Mcp matrix is read from an
npz (``countries``, ``products``, ``mcp``) instead. The output npz holds the labels the peer kept
(sorted, as its MultiIndex sorts them), one ``countries x products`` matrix per cell metric and one
vector per country or product metric. One JSON line on stdout reports the wall time of the peer's
call and the process's resident memory before it and at its peak (VmHWM, reset before the call).
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

YEAR = 2017
COLS = {"time": "year", "loc": "reporter_iso", "prod": "product_code", "val": "export_value_usd"}
CELL = ("rca", "rpop", "mcp", "density", "cog")
COUNTRY = ("diversity", "eci", "coi")
PRODUCT = ("ubiquity", "pci")


def _memory_kb() -> dict[str, int]:
    out = {}
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(("VmRSS", "VmHWM")):
                key, value = line.split(":")
                out[key] = int(value.split()[0])
    return out


def _reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:  # older kernels: the peak then covers the whole process
        pass


def _read_exports(args: argparse.Namespace) -> pd.DataFrame:
    if args.presence == "manual":
        z = np.load(args.mcp)
        c, p = np.meshgrid(z["countries"], z["products"], indexing="ij")
        data = pd.DataFrame(
            {"reporter_iso": c.ravel(), "product_code": p.ravel(), "export_value_usd": z["mcp"].ravel()}
        )
    else:
        data = pd.read_csv(args.exports, dtype={"reporter_iso": str, "product_code": str})
    data["year"] = YEAR
    return data


def _to_arrays(out: pd.DataFrame) -> dict[str, np.ndarray]:
    out = out[out["mcp"].notna()]
    countries = np.unique(out["reporter_iso"].to_numpy(dtype=str))
    products = np.unique(out["product_code"].to_numpy(dtype=str))
    ci = np.searchsorted(countries, out["reporter_iso"].to_numpy(dtype=str))
    pi = np.searchsorted(products, out["product_code"].to_numpy(dtype=str))
    arrays: dict[str, np.ndarray] = {"countries": countries, "products": products}
    for name in CELL:
        if name in out:
            m = np.full((countries.size, products.size), np.nan)
            m[ci, pi] = out[name].to_numpy(dtype=float)
            arrays[name] = m
    for names, index, size in ((COUNTRY, ci, countries.size), (PRODUCT, pi, products.size)):
        for name in names:
            v = np.full(size, np.nan)
            v[index] = out[name].to_numpy(dtype=float)
            arrays[name] = v
    return arrays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("run", "proximity"))
    parser.add_argument("--exports", type=Path)
    parser.add_argument("--population", type=Path)
    parser.add_argument("--mcp", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--presence", default="rca", choices=("rca", "rpop", "both", "manual"))
    parser.add_argument("--rca-threshold", type=float, default=1.0)
    parser.add_argument("--rpop-threshold", type=float, default=1.0)
    parser.add_argument("--continuous", action="store_true")
    parser.add_argument("--asymmetric", action="store_true")
    args = parser.parse_args()

    import ecomplexity  # imported here so its import cost stays out of the measured call

    warnings.simplefilter("ignore")
    data = _read_exports(args)
    pop = None
    if args.population is not None:
        pop = pd.read_csv(args.population)[["reporter_iso", "population_total"]]
        pop.insert(0, "year", YEAR)
    before = _memory_kb()["VmRSS"]
    _reset_peak()
    started = time.perf_counter()
    if args.mode == "proximity":
        prox = ecomplexity.proximity(data, COLS)
    else:
        out = ecomplexity.ecomplexity(
            data,
            COLS,
            presence_test=args.presence,
            rca_mcp_threshold=args.rca_threshold,
            rpop_mcp_threshold=args.rpop_threshold,
            pop=pop,
            continuous=args.continuous,
            asymmetric=args.asymmetric,
            check_logsupermodularity=False,
            verbose=False,
        )
    seconds = time.perf_counter() - started
    peak = _memory_kb()["VmHWM"]
    if args.mode == "proximity":
        products = np.unique(prox["product_code_1"].to_numpy(dtype=str))
        arrays = {"products": products, "proximity": prox["proximity"].to_numpy(dtype=float).reshape(products.size, -1)}
    else:
        arrays = _to_arrays(out)
    np.savez(args.out, **arrays)
    print(json.dumps({"seconds": seconds, "rss_before_kb": before, "peak_kb": peak}))


if __name__ == "__main__":
    main()
