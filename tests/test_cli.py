"""The ecosys command: load a programme, create an administrator."""

from __future__ import annotations

import re

import pytest

from ecosys.accounts.models import User
from ecosys.cli import main
from ecosys.programmes.models import PerformanceContract

pytestmark = pytest.mark.django_db


def test_load_programme_loads_the_bundled_imm_programme_then_reports_nothing_changed(capsys):
    assert main(["load-programme"]) == 0
    assert "created:" in capsys.readouterr().out
    assert PerformanceContract.objects.filter(code="IMM-CP").exists()
    assert main(["load-programme"]) == 0
    assert "nothing changed" in capsys.readouterr().out


def test_load_programme_refuses_a_file_that_is_not_a_programme(tmp_path, capsys):
    bad = tmp_path / "x.yaml"
    bad.write_text("just: a mapping\n")
    assert main(["load-programme", str(bad)]) == 2
    assert "n'est pas un fichier de programme Ecosys" in capsys.readouterr().err  # French by default
    assert not PerformanceContract.objects.exists()


def test_create_admin_prints_a_generated_password_once_and_it_works(capsys):
    assert main(["create-admin", "--username", "alice"]) == 0
    out = capsys.readouterr().out
    password = re.search(r"password: (\S+)", out).group(1)
    assert len(password) >= 16
    user = User.objects.get(username="alice")
    assert user.is_superuser and user.check_password(password)
    assert password not in user.password
    assert main(["create-admin", "--username", "alice"]) == 2


def test_reminders_queues_the_worker_s_job(capsys):
    from django_tasks_db.models import DBTaskResult

    assert main(["reminders"]) == 0
    assert "Reminders queued" in capsys.readouterr().out
    assert DBTaskResult.objects.filter(task_path__endswith="reminders_send_task").count() == 1


def test_expire_reservations_queues_the_worker_s_job(capsys):
    from django_tasks_db.models import DBTaskResult

    assert main(["expire-reservations"]) == 0
    assert "Expiry of land reservations queued" in capsys.readouterr().out
    assert DBTaskResult.objects.filter(task_path__endswith="reservations_expire_task").count() == 1
