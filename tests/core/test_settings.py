"""The settings come from the environment; production refuses to start without what it needs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SETUP = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DEBUG"}}
    base.update({"DJANGO_SETTINGS_MODULE": "ecosys.config.settings", "ECOSYS_VAR_DIR": str(tmp_path / "var")})
    base.update(env)
    return subprocess.run([sys.executable, "-c", SETUP], env=base, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_each_required_variable(tmp_path, missing):
    env = {
        "ECOSYS_ENV": "production",
        "SECRET_KEY": "x" * 60,
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/db",
        "ALLOWED_HOSTS": "ecosys.example.org",
    }
    del env[missing]
    result = _run(tmp_path, **env)
    assert result.returncode != 0
    assert f"{missing} must be set in the environment" in result.stderr


def test_production_runs_with_debug_off(tmp_path):
    result = _run(
        tmp_path,
        ECOSYS_ENV="production",
        SECRET_KEY="x" * 60,
        DATABASE_URL="postgres://u@127.0.0.1:5432/db",
        ALLOWED_HOSTS="ecosys.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_development_generates_its_secret_once_outside_the_repository(tmp_path):
    first = _run(tmp_path, ECOSYS_ENV="development")
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "var" / "secret_key"
    key = key_file.read_text()
    assert len(key) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert _run(tmp_path, ECOSYS_ENV="development").returncode == 0
    assert key_file.read_text() == key


def test_the_generated_secret_and_database_are_ignored_by_git():
    root = Path(__file__).parents[2]
    for path in ("var/secret_key", "var/ecosys.sqlite3"):
        result = subprocess.run(["git", "check-ignore", "-q", path], cwd=root, check=False)
        assert result.returncode == 0, f"{path} is not ignored by git"


def test_an_unknown_profile_is_refused(tmp_path):
    result = _run(tmp_path, ECOSYS_ENV="staging")
    assert result.returncode != 0
    assert "ECOSYS_ENV must be" in result.stderr
