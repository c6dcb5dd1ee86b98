"""The ``ecosys`` command: set up, load data and run the platform.

ecosys run [--port 8000]          migrate, load the IMM programme, create an administrator if none,
                                  start the task worker and the server on 127.0.0.1
ecosys load-programme FILE        load (or update) a programme file, with the envelope its fund commitments
                                  promise; loading twice changes nothing
ecosys create-admin [--username]  create an administrator with a generated password, printed once
ecosys demo                       generate the IMM demo companies, projects, declarations, FDII grant
                                  applications, industrial land, and generated trade data with a
                                  queued opportunity study (once)
ecosys import KIND FILE           import company declarations or CNSS headcounts (CSV or XLSX)
ecosys trade-import DATASET FILE...
                                  bring trade files (BACI, Comtrade, long tables) into a trade dataset
ecosys study --dataset D --country MAR --years 2013-2017 [--xlsx FILE]
                                  run an opportunity study and print the ranked products
ecosys worker                     run the background task worker
ecosys expire-reservations [--now]
                                  end land reservations past their expiry (queued for the worker; daily)
ecosys manage ARGS...             any Django management command
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

SETTINGS = "ecosys.config.settings"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django

    django.setup()
    from django.conf import settings
    from django.utils import translation

    # Messages in the operator's language: ECOSYS_LANGUAGE (fr, en, ar), French by default.
    translation.activate(os.environ.get("ECOSYS_LANGUAGE") or settings.LANGUAGE_CODE)


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def load_programme(path: str) -> int:
    from ecosys.core.errors import DomainError
    from ecosys.incentives.services import envelopes_from_commitments
    from ecosys.programmes.models import Programme
    from ecosys.programmes.services.loader import programme_file_read, programme_load

    try:
        data = programme_file_read(path)
        report = programme_load(actor=None, data=data)
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        for detail in exc.details:
            print(f"  row {detail.get('row')}, column {detail.get('column')}: {detail['message']}", file=sys.stderr)
        return 2
    if not report.changed:
        print(f"{path}: already loaded, nothing changed.")
    else:
        for label, counts in (("created", report.created), ("updated", report.updated)):
            if counts:
                print(f"{label}: " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))
    # The fund envelope its contracts commit (IMM: FDII, 630 MMAD), once; also for a programme loaded before.
    envelope = envelopes_from_commitments(Programme.objects.get(code=data["programme"]["code"]))
    if envelope is not None:
        print(f"created: envelope {envelope.name} ({envelope.amount_mad:,.0f} MAD)")
    return 0


def create_admin(username: str, *, only_if_none: bool = False) -> int:
    from django.contrib.auth import get_user_model

    from ecosys.accounts.models import Organisation
    from ecosys.accounts.services import membership_create, organisation_create
    from ecosys.core.roles import Role

    User = get_user_model()
    if only_if_none and User.objects.filter(is_superuser=True).exists():
        return 0
    if User.objects.filter(username=username).exists():
        print(f"error: user {username!r} already exists.", file=sys.stderr)
        return 2
    password = secrets.token_urlsafe(15)
    user = User.objects.create_superuser(username=username, email="", password=password)
    ministry = Organisation.objects.filter(kind=Organisation.Kind.MINISTRY).order_by("pk").first()
    if ministry is None:
        ministry = organisation_create(actor=None, kind=Organisation.Kind.MINISTRY, name="Ministère de l'Industrie")
    membership_create(actor=None, user=user, organisation=ministry, role=Role.MINISTRY_ADMIN)
    bar = "=" * 64
    print(
        f"\n{bar}\n Administrator created (shown once, not stored in clear):\n"
        f"   username: {username}\n   password: {password}\n{bar}\n",
        flush=True,
    )
    return 0


def demo() -> int:
    from ecosys.incentives.demo import demo_generate as grants_generate
    from ecosys.incentives.models import Application
    from ecosys.investments.demo import demo_generate
    from ecosys.investments.services.declarations import headcount_reconcile
    from ecosys.land.demo import demo_generate as land_generate
    from ecosys.land.models import LandRequest
    from ecosys.opportunities.demo import demo_generate as trade_generate

    created = demo_generate()
    if created:
        counts = headcount_reconcile(actor=None)
        print(
            "Generated demo data (labelled as such in the pages): " + ", ".join(f"{n} {k}" for k, n in created.items())
        )
        print("Reconciled declared headcounts with CNSS: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    grants = grants_generate()  # after the projects; also on a database whose projects came earlier
    if grants:
        statuses = ", ".join(f"{n} {k}" for k, n in grants.items() if k in Application.Status.values)
        print(
            f"Generated demo FDII grant applications: {grants['applications']} ({statuses}); "
            f"{grants['granted_by_end_2018_mad']:,} MAD granted by the end of 2018 (published: 277 MMAD), "
            f"{grants['committed_mad']:,} MAD committed in all, {grants['paid_tranches']} tranches paid "
            f"({grants['paid_mad']:,} MAD)"
        )
    land = land_generate()  # after the projects: the parks, and requests of the projects that need land
    if land:
        statuses = ", ".join(f"{n} {k}" for k, n in land.items() if k in LandRequest.Status.values)
        print(
            f"Generated demo industrial land: {land['zones']} rental parks ({land['hectares']} ha, the contract's "
            f"commitment), {land['parcels']} parcels; {land['requests']} land requests ({statuses}); "
            f"{land['committed_m2'] / 10_000:.1f} ha allocated or leased"
        )
    trade = trade_generate()  # a generated trade dataset and a study of Morocco queued for the worker
    if trade:
        print(
            f"Generated demo trade data (gravity split of the real 2017 exports): {trade['rows']:,} bilateral flows"
            + (
                f"; opportunity study no. {trade['study']} of Morocco queued for the worker"
                if trade.get("study")
                else ""
            )
        )
    if not created and not grants and not land and not trade:
        print("Demo data already generated; nothing changed.")
        return 0
    if created:
        _precompute_dashboards()
    return 0


def _precompute_dashboards() -> None:
    """Compute the monitoring figures of the demo's calibration month and of the latest month."""
    from datetime import date

    from ecosys.monitoring.dashboards import latest_month
    from ecosys.monitoring.services import snapshot_for
    from ecosys.programmes.models import Programme

    for programme in Programme.objects.all():
        for as_of in sorted({date(2018, 12, 1), latest_month(programme)}):
            for basis in ("verified", "declared"):
                snapshot = snapshot_for(programme=programme, as_of=as_of, basis=basis)
                print(f"Dashboard figures of {programme.code} as of {as_of:%Y-%m} ({basis}): {snapshot.seconds:.1f} s")


def import_file(kind: str, path: str) -> int:
    from pathlib import Path

    from tqdm import tqdm

    from ecosys.core.errors import DomainError
    from ecosys.investments.services.imports import import_file as run_import

    bar = tqdm(unit=" rows", desc="checking", unit_scale=True, disable=None)  # no bar when not a terminal

    def progress(done: int, total: int) -> None:
        if total and bar.total != total:
            bar.set_description("importing")
            bar.reset(total=total)
        bar.n = done
        bar.refresh()

    try:
        result = run_import(actor=None, kind=kind, path=Path(path), progress=progress)
    except DomainError as exc:
        bar.close()
        print(f"error: {exc.message}", file=sys.stderr)
        for detail in exc.details:
            print(f"  row {detail.get('row')}, column {detail.get('column')}: {detail['message']}", file=sys.stderr)
        return 2
    bar.close()
    if result.already_imported:
        print(f"{path}: already imported on {result.batch.created_at:%Y-%m-%d}; nothing added.")
    else:
        print(f"{path}: {result.created} rows added, {result.updated} updated.")
    return 0


def run(port: int, host: str) -> int:
    from django.conf import settings

    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    _manage("migrate", "--noinput", "-v", "0")
    from ecosys.programmes.services.loader import BUNDLED_IMM

    load_programme(str(BUNDLED_IMM))
    demo()
    create_admin("admin", only_if_none=True)
    worker = subprocess.Popen([sys.executable, "-m", "ecosys.cli", "worker"])
    print(f"Task worker started (pid {worker.pid}).", flush=True)
    try:
        if settings.DEBUG:
            _manage("runserver", f"{host}:{port}", "--noreload")
        else:
            _manage("collectstatic", "--noinput", "-v", "0")
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "ecosys.config.wsgi", "-b", f"{host}:{port}", "-w", "2"]
            )
            return server.wait()
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=10)
    return 0


def expire_reservations(*, now: bool = False) -> int:
    """End the land reservations past their expiry: queued for the worker, or at once with ``now``."""
    from ecosys.land.tasks import reservations_expire_task

    if now:
        ended = reservations_expire_task.call()
        print(f"Ended {ended} expired reservation(s); their parcels are available again.")
        return 0
    result = reservations_expire_task.enqueue()
    print(f"Expiry of land reservations queued for the worker (task {result.id}).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ecosys", description="Ecosys: industrial ecosystem programmes.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="set up and start the worker and the server")
    p_run.add_argument("--port", type=int, default=8000)
    p_run.add_argument("--host", default="127.0.0.1")
    p_load = sub.add_parser("load-programme", help="load a programme file (YAML)")
    p_load.add_argument("file", nargs="?", help="path to the file; default: the bundled IMM programme")
    p_admin = sub.add_parser("create-admin", help="create an administrator with a generated password")
    p_admin.add_argument("--username", default="admin")
    sub.add_parser("demo", help="generate the IMM demo data (labelled as generated)")
    p_import = sub.add_parser("import", help="import company declarations or CNSS monthly headcounts")
    p_import.add_argument("kind", choices=["declarations", "cnss"])
    p_import.add_argument("file")
    sub.add_parser("worker", help="run the background task worker")
    sub.add_parser("reminders", help="queue today's reminders of initiatives due soon or overdue (daily, by cron)")
    p_expire = sub.add_parser(
        "expire-reservations", help="queue the end of land reservations past their expiry (daily, by cron)"
    )
    p_expire.add_argument("--now", action="store_true", help="end them in this process instead of the worker")
    from ecosys.opportunities.cli import add_parsers as add_opportunity_parsers

    add_opportunity_parsers(sub)
    p_manage = sub.add_parser("manage", help="run a Django management command")
    p_manage.add_argument("args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)

    _django()
    if args.command == "run":
        return run(args.port, args.host)
    if args.command == "load-programme":
        from ecosys.programmes.services.loader import BUNDLED_IMM

        return load_programme(args.file or str(BUNDLED_IMM))
    if args.command == "create-admin":
        return create_admin(args.username)
    if args.command == "demo":
        return demo()
    if args.command == "import":
        return import_file(args.kind, args.file)
    if args.command == "worker":
        _manage("db_worker")
        return 0
    if args.command == "reminders":
        from ecosys.governance.tasks import reminders_send_task

        result = reminders_send_task.enqueue()
        print(f"Reminders queued for the worker (task {result.id}); each is sent once.")
        return 0
    if args.command == "expire-reservations":
        return expire_reservations(now=args.now)
    if args.command in ("trade-import", "study"):
        from ecosys.opportunities import cli as opportunities_cli

        return opportunities_cli.trade_import(args) if args.command == "trade-import" else opportunities_cli.study(args)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ecosys", *args.args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
