#!/usr/bin/env python3
"""Store py-ecomplexity 0.5.3's output on the HS4 2017 trade data as the reference for the tests.

    python scripts/ecomplexity_reference.py [--venv DIR] [--data DIR] [--out FILE]

Creates a throw-away venv (in a temporary folder, or DIR, reused when it already holds the pinned
peer) with ecomplexity 0.5.3 and the pandas/numpy of its time, runs it on
``exports_hs4_2017.csv`` (and ``gdp_population_2017.csv`` for RPOP) and writes one compressed npz to
tests/analytics/data/. It runs the peer as published (presence by RCA, by RPOP and by both;
continuous and asymmetric proximity; ``proximity()``) and, for Ecosys's documented deviations, what
the peer *should* give: its own ``presence_test="manual"`` run on the corrected presence matrix (the
RPOP matrix without its empty rows, the OR of the RCA and RPOP tests). Cell metrics of the default
run are stored whole; the other matrices at 5,000 fixed cells (keys ``*_sample``), to stay small.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import venv
from pathlib import Path
from typing import Any, cast

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PEER_REQUIREMENTS = (
    "ecomplexity==0.5.3",
    "pandas==2.2.3",  # pandas 3's copy-on-write breaks the peer's NaN coercion (see complexity.py)
    "numpy==2.2.6",
    "scipy==1.15.3",
    "scikit-learn==1.6.1",
)
DRIVER = Path(__file__).with_name("ecomplexity_peer.py")
DEFAULT_DATA = ROOT.parent / "shared/data/trade/hs4_2017"
DEFAULT_OUT = ROOT / "tests/analytics/data/ecomplexity_0_5_3_hs4_2017.npz"
SAMPLE = 5_000
SEED = 2017


def ensure_peer_venv(path: Path) -> Path:
    """Return the python of a venv at ``path`` holding PEER_REQUIREMENTS, creating it if needed."""
    python = path / "bin" / "python"
    stamp = path / "ecosys-peer.txt"
    wanted = "\n".join(PEER_REQUIREMENTS)
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PEER_REQUIREMENTS]
    subprocess.run(pip, check=True)  # noqa: S603 - fixed arguments, our own venv
    stamp.write_text(wanted)
    return python


def run_peer(python: Path, mode: str, out: Path, *options: str) -> dict[str, float]:
    """Run the driver under the peer's python; return its timing and memory report."""
    command = [str(python), str(DRIVER), mode, "--out", str(out), *options]
    done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603 - our own driver
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _load(path: Path) -> dict[str, np.ndarray]:
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def build_reference(python: Path, data: Path, work: Path) -> dict[str, np.ndarray]:
    """Run every peer configuration and gather the arrays the tests compare against."""
    exports = ["--exports", str(data / "exports_hs4_2017.csv")]
    population = ["--population", str(data / "gdp_population_2017.csv")]
    runs = {
        "rca": [*exports],
        "rpop": [*exports, *population, "--presence", "rpop"],
        "both": [*exports, *population, "--presence", "both"],
        "continuous": [*exports, "--continuous"],
        "asymmetric": [*exports, "--asymmetric"],
    }
    out: dict[str, dict[str, np.ndarray]] = {}
    for name, options in runs.items():
        run_peer(python, "run", work / f"{name}.npz", *options)
        out[name] = _load(work / f"{name}.npz")
    run_peer(python, "proximity", work / "proximity.npz", *exports)
    proximity = _load(work / "proximity.npz")["proximity"]

    base, rpop = out["rca"], out["rpop"]
    corrected = {
        # the RPOP presence matrix; manual mode drops its empty rows, as the maintainers advise (#22)
        "rpop_network": rpop["mcp"],
        # presence if either test passes (Stata help), where the peer adds the two tests
        "both_or": (out["both"]["mcp"] > 0).astype(float),
    }
    for name, mcp in corrected.items():
        np.savez(work / f"{name}_mcp.npz", countries=base["countries"], products=base["products"], mcp=mcp)
        run_peer(python, "run", work / f"{name}.npz", "--presence", "manual", "--mcp", str(work / f"{name}_mcp.npz"))
        out[name] = _load(work / f"{name}.npz")

    rng = np.random.default_rng(SEED)
    n_cells = base["rca"].size
    cells = np.sort(rng.choice(n_cells, SAMPLE, replace=False)).astype(np.int32)
    pairs = np.sort(rng.choice(proximity.size, SAMPLE, replace=False)).astype(np.int32)
    ref: dict[str, np.ndarray] = {
        "countries": base["countries"],
        "products": base["products"],
        "sample_cells": cells,
        "proximity_sample_pairs": pairs,
        "proximity_sample": proximity.ravel()[pairs],
        "proximity_row_sums": proximity.sum(axis=1),
        "rca_sample": base["rca"].ravel()[cells],
        "rca_row_sums": base["rca"].sum(axis=1),
        "rca_column_sums": base["rca"].sum(axis=0),
        "mcp": base["mcp"].astype(np.uint8),
        "density": base["density"],
        "cog": base["cog"],
        "rpop_sample": rpop["rpop"].ravel()[cells],
        "rpop_mcp": rpop["mcp"].astype(np.uint8),
        "both_mcp_as_published": out["both"]["mcp"].astype(np.uint8),
    }
    for name in ("diversity", "ubiquity", "eci", "pci", "coi"):
        ref[name] = base[name]
    for name in ("diversity", "ubiquity"):
        ref[f"rpop_{name}"] = rpop[name]
    ref["rpop_eci_as_published"] = rpop["eci"]
    for variant in ("rpop_network", "both_or", "continuous", "asymmetric"):
        got = out[variant]
        rows = np.searchsorted(base["countries"], got["countries"])
        cols = np.searchsorted(base["products"], got["products"])
        for name in ("eci", "pci", "coi"):
            full = np.full(base[name].shape, np.nan)
            full[rows if name != "pci" else cols] = got[name]
            ref[f"{variant}_{name}"] = full
        for name in ("density", "cog"):
            full = np.full(base["rca"].shape, np.nan)
            full[np.ix_(rows, cols)] = got[name]
            ref[f"{variant}_{name}_sample"] = full.ravel()[cells]
    return ref


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, help="where to keep the peer's venv (default: a temporary folder)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecomplexity-ref-") as tmp:
        python = ensure_peer_venv(args.venv or Path(tmp) / "venv")
        ref = build_reference(python, args.data, Path(tmp))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **cast(dict[str, Any], ref))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB, {len(ref)} arrays)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
