"""Run every benchmark module under tests/bench/ (bench_*.py) and print its figures.

Benchmarks are not tests: they assert nothing about time, they measure and print. They run on a
throw-away database (SQLite in a temporary folder, or the test copy of DATABASE_URL).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import tempfile
import time


def main() -> int:
    os.environ.setdefault("ECOSYS_VAR_DIR", tempfile.mkdtemp(prefix="ecosys-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecosys.config.settings")
    os.environ.setdefault("AXES_ENABLED", "false")
    os.environ.setdefault("DEBUG", "false")  # measure what production runs, without the debug query log
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()
    from django.db import connection

    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return _run_all()
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)


def _run_all() -> int:
    import tests.bench as package

    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("bench_"))
    selected = sys.argv[1:] or names
    for name in names:
        if name not in selected:
            continue
        module = importlib.import_module(f"tests.bench.{name}")
        print(f"\n== {name}: {(module.__doc__ or '').strip().splitlines()[0]}", flush=True)
        started = time.perf_counter()
        module.run()
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
