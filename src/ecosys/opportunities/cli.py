"""``ecosys trade-import`` and ``ecosys study``: trade files and opportunity studies from the command line.

ecosys trade-import DATASET FILE... [--format baci|comtrade|long] [--name NAME]
    create the dataset if needed and ingest the files (a progress bar on a terminal); a file already
    imported is recognised; a refused file names its line, column and reason, and nothing is written.
ecosys study --dataset CODE --country MAR --years 2013-2017 [--level 4] [--strategy balanced_portfolio]
             [--weights "density=0.5,pci=0.5"] [--top 20] [--xlsx FILE] [--user USERNAME]
             [--production FILE] [--coefficients FILE]
    run a study in this process (saved like one run from the pages), print the best-ranked products and
    optionally write every row to an Excel file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

PRINTED = ("rank", "product", "name", "score", "imports_usd", "exports_usd", "rca", "density", "recycled_input")


def add_parsers(sub: Any) -> None:
    p_trade = sub.add_parser("trade-import", help="bring trade files (BACI, Comtrade, long tables) into a dataset")
    p_trade.add_argument("dataset", help="dataset code (created if it does not exist)")
    p_trade.add_argument("files", nargs="+")
    p_trade.add_argument("--format", default="baci", choices=["baci", "comtrade", "long"])
    p_trade.add_argument("--name", default="", help="name of a new dataset (default: its code)")
    p_study = sub.add_parser("study", help="run an opportunity study and print the ranked products")
    p_study.add_argument("--dataset", required=True)
    p_study.add_argument("--country", required=True, help="ISO3 code, e.g. MAR")
    p_study.add_argument("--years", required=True, help="e.g. 2013-2017 or 2015,2016,2017")
    p_study.add_argument("--level", type=int, default=4, choices=[2, 4, 6])
    p_study.add_argument("--strategy", default="balanced_portfolio")
    p_study.add_argument("--weights", default="", help='custom weights, e.g. "density=0.5,pci=0.2,cog=0.3"')
    p_study.add_argument("--mcp-threshold", type=float, default=1.0)
    p_study.add_argument("--exchange-rate", type=float, default=9.7, help="MAD per USD")
    p_study.add_argument("--title", default="")
    p_study.add_argument("--production", help="CSV of domestic production (product, year, production_usd or _mad)")
    p_study.add_argument("--coefficients", help="CSV of jobs and value-added coefficients (default: the shipped one)")
    p_study.add_argument("--top", type=int, default=20, help="products printed (default 20)")
    p_study.add_argument("--xlsx", help="write every row to this Excel file")
    p_study.add_argument("--user", help="username the study is recorded for (default: the first administrator)")


def _user(username: str | None) -> Any:
    from ecosys.accounts.models import User

    if username:
        return User.objects.filter(username=username).first()
    return User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()


def _bar(desc: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=100, desc=desc, unit="%", disable=None)  # no bar when not a terminal


def _errors(exc: Any) -> int:
    print(f"error: {exc.message}", file=sys.stderr)
    for name, message in exc.fields.items():
        if str(message) != str(exc.message):
            print(f"  {name}: {message}", file=sys.stderr)
    return 2


def trade_import(args: argparse.Namespace) -> int:
    from ecosys.core.errors import DomainError
    from ecosys.opportunities import services
    from ecosys.opportunities.models import TradeDataset

    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    bar = _bar("importing")

    def progress(done: int, total: int) -> None:
        bar.n = 100 * done // max(total, 1)
        bar.refresh()

    try:
        dataset = TradeDataset.objects.filter(code=args.dataset).first()
        if dataset is None:
            dataset = services.dataset_create(actor=None, code=args.dataset, name=args.name or args.dataset)
        outcomes = services.dataset_import_files(
            dataset, [Path(f) for f in args.files], fmt=args.format, progress=progress
        )
    except DomainError as exc:
        bar.close()
        return _errors(exc)
    bar.close()
    for name, outcome in zip(args.files, outcomes, strict=True):
        print(f"{name}: {'already imported; nothing added' if outcome == 'already_imported' else 'imported'}")
    dataset.refresh_from_db()
    years = f"{dataset.years[0]}-{dataset.years[-1]}" if dataset.years else "none"
    print(f"Dataset {dataset.code}: {dataset.rows:,} rows, years {years}, version {dataset.version}.")
    return 0


def study(args: argparse.Namespace) -> int:
    from ecosys.core.errors import DomainError
    from ecosys.core.spreadsheets import xlsx_bytes
    from ecosys.opportunities import presentation, selectors, services

    actor = _user(args.user)
    if actor is None:
        print("error: no such user (create an administrator with `ecosys create-admin`).", file=sys.stderr)
        return 2
    tables = {}
    for option, key in (("production", "production_csv"), ("coefficients", "coefficients_csv")):
        path = getattr(args, option)
        if path:
            if not Path(path).is_file():
                print(f"error: no such file: {path}", file=sys.stderr)
                return 2
            tables[key] = Path(path).read_text(encoding="utf-8-sig")
    bar = _bar("study")
    try:
        dataset = selectors.dataset_get(actor=actor, code=args.dataset)
        record = services.study_create(
            actor=actor,
            dataset=dataset,
            title=args.title,
            parameters=services.study_form_parameters(
                {
                    "country": args.country,
                    "years": args.years,
                    "level": args.level,
                    "strategy": args.strategy,
                    "weights": args.weights,
                    "mcp_threshold": args.mcp_threshold,
                    "exchange_rate": args.exchange_rate,
                    **tables,
                }
            ),
            queue=False,
        )

        def progress(percent: int, stage: str) -> None:
            bar.n = percent
            bar.set_description(stage)
            bar.refresh()

        done = services.study_run(record.pk, progress=progress)
    except DomainError as exc:
        bar.close()
        return _errors(exc)
    bar.close()
    if done.status != "done":
        print(f"error: {done.error}", file=sys.stderr)
        return 2
    result = services.study_result(done)
    label = " (GENERATED DATA)" if dataset.is_generated else ""
    print(f"Study {done.pk}: {done.title}{label} — {len(result.rows)} products in {done.seconds:.1f} s")
    kinds = presentation.columns_by_key(result)
    keys = [k for k in PRINTED if k in kinds]
    print("\t".join(presentation.label(k) for k in keys))
    for row in result.rows[: max(0, args.top)]:
        print("\t".join(presentation.display(row.get(k), kinds[k].kind) for k in keys))
    if args.xlsx:
        Path(args.xlsx).write_bytes(
            xlsx_bytes("Opportunities", presentation.spreadsheet_rows(result, list(result.rows)), bold_row=1)
        )
        print(f"Every row written to {args.xlsx}")
    return 0
