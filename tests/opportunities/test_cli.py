"""``ecosys trade-import`` and ``ecosys study`` from the command line."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from ecosys.cli import main
from ecosys.opportunities.models import OpportunityStudy, TradeDataset


def test_trade_files_are_imported_then_recognised(db, own_trade_dir, gravity_files, capsys):
    assert main(["trade-import", "cli", *map(str, gravity_files[:2]), "--name", "From the CLI"]) == 0
    out = capsys.readouterr().out
    dataset = TradeDataset.objects.get(code="cli")
    assert dataset.name == "From the CLI" and dataset.years == [2015, 2016]
    assert f"{dataset.rows:,} rows" in out
    assert main(["trade-import", "cli", str(gravity_files[0])]) == 0
    assert "already imported" in capsys.readouterr().out


def test_a_refused_trade_file_exits_2_with_the_line(db, own_trade_dir, gravity_files, tmp_path, capsys):
    bad = tmp_path / gravity_files[0].name
    bad.write_text("t,i,j,k,q\n2015,4,8,101,1.0\n")
    assert main(["trade-import", "cli", str(bad)]) == 2
    assert "v" in capsys.readouterr().err
    assert main(["trade-import", "cli", str(tmp_path / "none.csv")]) == 2


def test_a_study_from_the_command_line_prints_the_ranking_and_writes_every_row(dataset, make_user, tmp_path, capsys):
    from ecosys.core.roles import Role

    analyst = make_user(Role.MINISTRY_ANALYST)
    out_file = tmp_path / "study.xlsx"
    code = main(
        [
            "study", "--dataset", "demo", "--country", "MAR", "--years", "2015-2017", "--top", "5",
            "--xlsx", str(out_file), "--user", analyst.username,
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    study = OpportunityStudy.objects.get()
    assert study.status == "done" and study.requested_by == analyst
    assert "GENERATED DATA" in out
    lines = [line for line in out.splitlines() if "\t" in line]
    assert len(lines) == 1 + 5
    rows = list(load_workbook(io.BytesIO(out_file.read_bytes())).active.values)
    assert len(rows) == 1 + len(study.result["rows"])


def test_a_study_with_a_bad_parameter_exits_2_naming_it(dataset, make_user, capsys):
    from ecosys.core.roles import Role

    analyst = make_user(Role.MINISTRY_ANALYST)
    code = main(["study", "--dataset", "demo", "--country", "MAR", "--years", "later", "--user", analyst.username])
    assert code == 2
    assert "years" in capsys.readouterr().err
    assert not OpportunityStudy.objects.exists()
