"""Fixtures of the opportunity tests: a small generated trade dataset (gravity split of the real 2017 exports,
three years) built once per session, and a finished study of Morocco on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecosys.analytics.trade.gravity import generate_baci_gravity
from ecosys.analytics.trade.ingest import ingest_baci
from ecosys.core.roles import Role
from ecosys.opportunities import services
from ecosys.opportunities.models import TradeDataset

YEARS = (2015, 2016, 2017)


@pytest.fixture(scope="session")
def gravity_files(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("gravity")
    return list(generate_baci_gravity(folder, years=YEARS, target_rows=15_000, seed=7, keep_all_for=("MAR",)).paths)


@pytest.fixture(scope="session")
def trade_root(tmp_path_factory, gravity_files) -> Path:
    """A trade folder holding the dataset ``demo`` (read-only for the tests that share it)."""
    root = tmp_path_factory.mktemp("trade")
    for path in gravity_files:
        ingest_baci(path, root / "demo")
    return root


@pytest.fixture
def dataset(db, settings, trade_root) -> TradeDataset:
    settings.TRADE_DIR = trade_root
    made = TradeDataset.objects.create(code="demo", name="Generated demo", is_generated=True)
    return services.dataset_refresh(made)


@pytest.fixture
def own_trade_dir(settings, tmp_path) -> Path:
    """A trade folder of the test's own, for tests that write datasets."""
    settings.TRADE_DIR = tmp_path / "trade"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.TRADE_DIR


@pytest.fixture
def analyst(make_user):
    """A ministry analyst who reads the pages in English (the tests compare English texts)."""
    user = make_user(Role.MINISTRY_ANALYST)
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    return user


@pytest.fixture
def study(dataset, analyst):
    made = services.study_create(
        actor=analyst,
        dataset=dataset,
        title="Morocco",
        parameters={"country": "MAR", "years": "2015-2017", "level": 4, "strategy": "balanced_portfolio"},
        queue=False,
    )
    return services.study_run(made.pk)
