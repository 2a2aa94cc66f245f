"""The ``greenpark`` command: a thin click group over the library.

Every command takes ``--database URL`` (or ``GREENPARK_DATABASE_URL``); the default is the
embedded SQLite file ``greenpark.db`` in the current folder. ``docs/cli.md`` is generated
from this group and checked by ``tests/test_docs.py``.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from greenpark import __version__
from greenpark.config import Settings
from greenpark.errors import GreenparkError, InputError, RowsError


def _settings(ctx: click.Context) -> Settings:
    return ctx.find_object(Settings)  # type: ignore[return-value]


def _store(ctx: click.Context):  # type: ignore[no-untyped-def]
    from greenpark.store import Store

    settings = _settings(ctx)
    store = Store(settings.database_url, echo=settings.sql_echo)
    store.migrate()
    return store


class _Progress:
    """Shows ``stage: done/total`` on stderr: one line rewritten in place on a terminal;
    otherwise (logs, CI) a line at most every 5 seconds per stage, and when a stage ends."""

    def __init__(self) -> None:
        self._last: dict[str, float] = {}
        self._tty = sys.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        pause = 0.2 if self._tty else 5.0
        if done < total and now - self._last.get(stage, -pause) < pause:
            return
        self._last[stage] = now
        pct = 100.0 * done / total if total else 100.0
        text = f"  {stage}: {done:,}/{total:,} ({pct:.0f} %)"
        if self._tty:
            end = "\n" if done >= total else ""
            click.echo(f"\r{text:<60}{end}", err=True, nl=False)
        else:
            click.echo(text, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="greenpark")
@click.option(
    "--database",
    "database_url",
    metavar="URL",
    help="Store URL (default: GREENPARK_DATABASE_URL or sqlite:///greenpark.db).",
)
@click.pass_context
def cli(ctx: click.Context, database_url: str | None) -> None:
    """greenpark: energy, carbon and environment data of a green industrial park."""
    overrides: dict[str, Any] = {}
    if database_url:
        overrides["database_url"] = database_url
    ctx.obj = Settings(**overrides)


@cli.command()
@click.option("--seed", default=2023, show_default=True, help="Random seed of the demo park.")
@click.option("--year", default=2025, show_default=True, help="Calendar year of demo data.")
@click.option("--rebuild", is_flag=True, help="Rebuild the demo even if it is complete.")
@click.option("--no-serve", is_flag=True, help="Build the demo park, then exit.")
@click.option("--host", default=None, help="Address to serve on (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port to serve on (default 8000).")
@click.option(
    "--ingest-port", default=None, type=int, help="HJ 212 port (default 9212; 0: no server)."
)
@click.option(
    "--live",
    is_flag=True,
    help="Keep the demo stations sending hourly HJ 212 data over TCP to the server.",
)
@click.option(
    "--speed",
    default=60.0,
    show_default=True,
    help="With --live: simulated hours per real hour (60: one hour of data a minute).",
)
@click.pass_context
def demo(
    ctx: click.Context,
    seed: int,
    year: int,
    rebuild: bool,
    no_serve: bool,
    host: str | None,
    port: int | None,
    ingest_port: int | None,
    live: bool,
    speed: float,
) -> None:
    """Build the demo park (one year of data), then serve the dashboard and HJ 212."""
    from greenpark.config import write_secret_key_file
    from greenpark.demo import build_demo
    from greenpark.demo.users import ensure_demo_users

    settings = _settings(ctx)
    if not settings.secret_key and not settings.secret_key_file:
        key_file = _demo_key_file(settings.database_url)
        write_secret_key_file(key_file)
        settings.secret_key_file = str(key_file)
        click.echo(f"Secret key for the demo in {key_file} (mode 600)", err=True)
    store = _store(ctx)
    click.echo(f"Demo park in {store.url}", err=True)
    report = build_demo(store, seed=seed, year=year, rebuild=rebuild, progress=_Progress())
    click.echo(report.summary(), err=True)
    for account in ensure_demo_users(store, seed=seed, year=year):
        who = f"{account.username} ({account.role}"
        who += f", {account.enterprise})" if account.enterprise else ")"
        if account.password:
            click.echo(f"Log in as {who} with password {account.password} (shown once)")
        else:
            click.echo(
                f"Account {who} exists (a new password: greenpark user reset-password "
                f"{account.username})"
            )
    if live and (no_serve or ingest_port == 0 or not settings.ingest_enabled):
        raise InputError("--live sends through the HJ 212 server: drop --no-serve / port 0")
    if not no_serve:
        on_ready = None
        if live:
            from greenpark.demo.live import start_live

            def on_ready(server: Any) -> None:
                start_live(store, "127.0.0.1", server.port, speed=speed)
                click.echo(f"Live: demo stations sending hourly data at {speed:g}x", err=True)

        # The demo must start on any machine: a busy default HJ 212 port is a warning there
        # (an explicit --ingest-port or --live needs the server and stays an error).
        optional = ingest_port is None and not live
        _serve(settings, store, host, port, ingest_port, on_ready, ingest_optional=optional)


def _demo_key_file(database_url: str) -> Path:
    """Where the demo keeps its secret: beside an SQLite file, else in the current folder."""
    from sqlalchemy.engine import make_url

    from greenpark.config import normalise_database_url

    url = make_url(normalise_database_url(database_url))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).expanduser().resolve().with_name("greenpark-secret.key")
    return Path("greenpark-secret.key").resolve()


@cli.command()
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default 8000).")
@click.option(
    "--ingest-port", default=None, type=int, help="HJ 212 port (default 9212; 0: no server)."
)
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, ingest_port: int | None) -> None:
    """Serve the dashboard, JSON API, OpenAPI docs (/docs) and the HJ 212 server."""
    _serve(_settings(ctx), _store(ctx), host, port, ingest_port)


def _serve(
    settings: Settings,
    store: Any,
    host: str | None,
    port: int | None,
    ingest_port: int | None = None,
    on_ready: Any = None,
    *,
    ingest_optional: bool = False,
) -> None:
    import logging
    import socket

    import uvicorn

    from greenpark.ingest import IngestServer
    from greenpark.web import create_app

    settings = settings.model_copy(
        update={k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    )
    ingest = None
    if settings.ingest_enabled and ingest_port != 0:
        config = settings.ingest_config()
        if ingest_port is not None:
            config.port = ingest_port
        busy = None
        if ingest_optional:
            try:
                socket.create_server((config.host, config.port)).close()
            except OSError as exc:
                busy = exc.strerror
        if busy is not None:
            click.echo(
                f"HJ 212 port {config.host}:{config.port} is not free ({busy}): serving without "
                "the HJ 212 server (choose a port with --ingest-port)",
                err=True,
            )
        else:
            ingest = IngestServer(store, config, on_ready=on_ready)
            logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
            click.echo(f"HJ 212 server on {config.host}:{config.port}", err=True)
    app = create_app(settings, store=store, ingest=ingest)
    click.echo(f"Serving greenpark at http://{settings.host}:{settings.port}/", err=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")


@cli.group()
def registry() -> None:
    """Import and export the park registry (CSV or Excel)."""


@registry.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--table",
    default=None,
    help="Registry table of a CSV file (default: from the file name, e.g. enterprise.csv).",
)
@click.option("--skip-invalid", is_flag=True, help="Write the good rows, list the bad ones.")
@click.pass_context
def registry_import(
    ctx: click.Context, files: tuple[str, ...], table: str | None, skip_invalid: bool
) -> None:
    """Import registry FILES (.csv or .xlsx); a file with bad rows writes nothing."""
    from greenpark.registry import import_files

    store = _store(ctx)
    try:
        report = import_files(
            store,
            [Path(f) for f in files],
            table=table,
            skip_invalid=skip_invalid,
            actor=_actor(),
        )
    except RowsError as exc:
        click.echo(str(exc), err=True)
        click.echo("Nothing was written (use --skip-invalid to write the good rows).", err=True)
        sys.exit(1)
    click.echo(report.summary())
    if report.errors:
        sys.exit(1)


@registry.command("export")
@click.option(
    "--output",
    "-o",
    default="registry.xlsx",
    show_default=True,
    type=click.Path(dir_okay=True),
    help="An .xlsx file (one sheet per table) or a folder (one CSV per table).",
)
@click.pass_context
def registry_export(ctx: click.Context, output: str) -> None:
    """Export the whole registry to Excel or CSV files."""
    from greenpark.registry import export_registry

    paths = export_registry(_store(ctx), Path(output))
    for p in paths:
        click.echo(str(p))


def _actor() -> str:
    """Who runs the command, for the audit log: ``cli:<login name>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry (containers)
        return "cli"


def _parse_until(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date or date-time") from None
    if when.tzinfo is None:  # a date or naive time means the end of it in the park's zone
        if len(value) <= 10:
            when = when.replace(hour=23, minute=59, second=59)
        when = when.replace(tzinfo=ZoneInfo(Settings().park_timezone))
    return when


@cli.group()
def user() -> None:
    """Manage users: add, list, disable, reset passwords."""


@user.command("add")
@click.argument("username")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "analyst", "enterprise", "evaluator", "operator"]),
    help="What the user may do (see docs/security.md).",
)
@click.option(
    "--enterprise",
    "enterprises",
    multiple=True,
    metavar="CREDIT_CODE",
    help="An enterprise the user may see (repeat); required for enterprise users.",
)
@click.option("--valid-until", help="End of a time-limited account (evaluators), ISO date.")
@click.option("--name", "display_name", help="Display name.")
@click.pass_context
def user_add(
    ctx: click.Context,
    username: str,
    role: str,
    enterprises: tuple[str, ...],
    valid_until: str | None,
    display_name: str | None,
) -> None:
    """Add a user; prints the generated password once."""
    from greenpark.auth import create_user

    with _store(ctx).write() as conn:
        password = create_user(
            conn,
            username,
            role,
            enterprises=enterprises,
            valid_until=_parse_until(valid_until),
            display_name=display_name,
            actor=_actor(),
        )
    click.echo(f"User {username} ({role}) created. Password (shown once): {password}")


@user.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """List users with role, enterprises and state."""
    from greenpark.store.auth import list_users

    zone = ZoneInfo(_settings(ctx).park_timezone)
    with _store(ctx).read() as conn:
        users = list_users(conn)
    click.echo(f"{'user':20s} {'role':10s} {'state':9s} {'valid until':20s} enterprises")
    for u in users:
        state = "disabled" if u["disabled"] else "active"
        until = (
            u["valid_until"].astimezone(zone).isoformat(timespec="minutes")
            if u["valid_until"]
            else "-"
        )
        codes = ", ".join(u["enterprises"]) or "-"
        click.echo(f"{u['username']:20s} {u['role']:10s} {state:9s} {until:20s} {codes}")


@user.command("disable")
@click.argument("username")
@click.option("--enable", is_flag=True, help="Enable the user again instead.")
@click.pass_context
def user_disable(ctx: click.Context, username: str, enable: bool) -> None:
    """Disable a user: ends their sessions and revokes their tokens."""
    from greenpark.auth import set_disabled

    with _store(ctx).write() as conn:
        set_disabled(conn, username, not enable, actor=_actor())
    click.echo(f"User {username} {'enabled' if enable else 'disabled'}.")


@user.command("reset-password")
@click.argument("username")
@click.pass_context
def user_reset_password(ctx: click.Context, username: str) -> None:
    """Give a user a new generated password (printed once); ends their sessions."""
    from greenpark.auth import reset_password

    with _store(ctx).write() as conn:
        password = reset_password(conn, username, actor=_actor())
    click.echo(f"New password for {username} (shown once): {password}")


@cli.group()
def token() -> None:
    """Manage API tokens: create, list, revoke."""


@token.command("create")
@click.argument("username")
@click.option("--name", required=True, help="What the token is for.")
@click.option("--days", default=90.0, show_default=True, help="Lifetime [days].")
@click.option("--role", default=None, help="Role of the token (default: the user's).")
@click.option(
    "--enterprise",
    "enterprises",
    multiple=True,
    metavar="CREDIT_CODE",
    help="Limit the token to these enterprises (default: the user's).",
)
@click.pass_context
def token_create(
    ctx: click.Context,
    username: str,
    name: str,
    days: float,
    role: str | None,
    enterprises: tuple[str, ...],
) -> None:
    """Create an API token for a user; prints it once (only its hash is kept)."""
    from greenpark.auth import create_token

    with _store(ctx).write() as conn:
        secret = create_token(
            conn,
            username,
            name,
            days=days,
            role_name=role,
            enterprises=enterprises or None,
            actor=_actor(),
        )
    click.echo(f"Token for {username} (shown once; send as 'Authorization: Bearer …'):")
    click.echo(secret)


@token.command("list")
@click.argument("username", required=False)
@click.pass_context
def token_list(ctx: click.Context, username: str | None) -> None:
    """List API tokens (never their secrets), newest first."""
    from greenpark.store.auth import get_user, list_tokens

    with _store(ctx).read() as conn:
        user_id = None
        if username:
            row = get_user(conn, username=username)
            if row is None:
                raise click.BadParameter(f"no user {username!r}")
            user_id = row["id"]
        tokens = list_tokens(conn, user_id)
    for t in tokens:
        state = "revoked" if t["revoked_at"] else "live"
        click.echo(
            f"{t['id']:>5} {t['username']:16s} {t['name']:20s} {t['prefix']}…  {t['role']:10s} "
            f"expires {t['expires_at']:%Y-%m-%d}  {state}"
        )


@token.command("revoke")
@click.argument("token_id", type=int)
@click.pass_context
def token_revoke(ctx: click.Context, token_id: int) -> None:
    """Revoke an API token by its id (see `greenpark token list`)."""
    from greenpark.auth import revoke_token

    with _store(ctx).write() as conn:
        revoke_token(conn, token_id, actor=_actor())
    click.echo(f"Token {token_id} revoked.")


@cli.group()
def audit() -> None:
    """Read the audit log."""


@audit.command("list")
@click.option("--action", help="Only this action, e.g. login.failed.")
@click.option("--actor", help="Only this actor (user name).")
@click.option("--limit", default=50, show_default=True, help="At most this many events.")
@click.pass_context
def audit_list(ctx: click.Context, action: str | None, actor: str | None, limit: int) -> None:
    """List audit events, newest first: time, actor, action, target, address."""
    from greenpark.store.auth import list_audit

    settings = _settings(ctx)
    zone = ZoneInfo(settings.park_timezone)
    with _store(ctx).read() as conn:
        events = list_audit(conn, limit=limit, action=action, actor=actor)
    for e in events:
        when = e["time"].astimezone(zone).isoformat(timespec="seconds")
        detail = json.dumps(e["detail"], ensure_ascii=False) if e["detail"] else ""
        click.echo(
            f"{when}  {e['actor'] or '-':16s} {e['action']:20s} {e['target'] or '':30s} "
            f"{e['ip'] or '-':15s} {detail}"
        )


@cli.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Create or upgrade the database schema to the newest version."""
    store = _store(ctx)
    click.echo(f"Schema of {store.url} is up to date.")


# Environmental assessments of a spreadsheet (docs/assess.md). Choices are repeated here so
# that `greenpark --help` does not import pandas; tests check them against the library.
AQI_REPORTS = ("hourly", "daily")
AQI_STANDARDS = ("auto", "2012", "2026")
WATER_BODIES = ("river", "lake")
NOISE_ZONES = ("0", "1", "2", "3", "4a", "4b")


class _FileError(click.ClickException):
    """A whole input file refused (missing column, unreadable file): exit 2, nothing written."""

    exit_code = 2


def _assessment_options(func: Any) -> Any:
    func = click.option(
        "-o",
        "--output",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="Output file, .csv (UTF-8 with BOM) or .xlsx.",
    )(func)
    func = click.option(
        "--rename",
        "renames",
        multiple=True,
        metavar="OLD=NEW",
        help="Read input column OLD as NEW (repeat; all applied at once).",
    )(func)
    func = click.option(
        "--timezone",
        "timezone_name",
        default="Asia/Shanghai",
        show_default=True,
        help="IANA zone of times without an offset (and of local days and hours).",
    )(func)
    return click.argument(
        "input_file",
        metavar="INPUT",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
    )(func)


def _assess(input_file: Path, output: Path, renames: tuple[str, ...], run: Any) -> None:
    """Read INPUT, run ``run(sheet, renames)``, write OUTPUT; list bad rows; exit 1 if any."""
    from greenpark.environment import check_suffix, parse_renames, read_sheet, write_table

    try:
        check_suffix(output)
        result = run(read_sheet(input_file), parse_renames(renames))
        write_table(result.table, output)
    except InputError as exc:
        raise _FileError(f"{exc}\nNothing was written.") from None
    for error in result.errors:
        click.echo(str(error), err=True)
    click.echo(result.summary(output))
    if result.errors:
        sys.exit(1)


@cli.command()
@click.option(
    "--report",
    required=True,
    type=click.Choice(AQI_REPORTS),
    help="hourly: an AQI per input row; daily: per station and local day.",
)
@click.option(
    "--standard",
    default="auto",
    show_default=True,
    type=click.Choice(AQI_STANDARDS),
    help="HJ 633 version; auto: 2012 before 2026-03-01 00:00 Beijing time, then 2026.",
)
@_assessment_options
def aqi(
    input_file: Path,
    report: str,
    standard: str,
    timezone_name: str,
    renames: tuple[str, ...],
    output: Path,
) -> None:
    """Air quality index (HJ 633) of a CSV or Excel file.

    Columns: time (end of the hour), station, pm2_5, pm10, so2, no2, o3 [μg/m³], co
    [mg/m³], optional so2_24h; at least one pollutant. Bad rows are listed on stderr and
    the rest is computed (exit 1); a missing column writes nothing (exit 2).
    """
    from greenpark.environment import assess_air

    _assess(
        input_file,
        output,
        renames,
        lambda sheet, names: assess_air(
            sheet, report=report, standard=standard, timezone_name=timezone_name, renames=names
        ),
    )


@cli.command("water-class")
@click.option(
    "--body",
    required=True,
    type=click.Choice(WATER_BODIES),
    help="River, or lake (lakes and reservoirs: own TP and TN limits).",
)
@_assessment_options
def water_class(
    input_file: Path, body: str, timezone_name: str, renames: tuple[str, ...], output: Path
) -> None:
    """Surface-water class (GB 3838-2002) of a CSV or Excel file.

    Columns: section, optional time, ph, do, codmn, nh3_n, tp, optional tn [mg/L]. The
    class uses pH, DO, CODMn, NH3-N and TP; bad rows are listed (exit 1), a missing
    column writes nothing (exit 2).
    """
    from greenpark.environment import assess_water

    _assess(
        input_file,
        output,
        renames,
        lambda sheet, names: assess_water(
            sheet, body=body, timezone_name=timezone_name, renames=names
        ),
    )


@cli.command()
@click.option(
    "--zone",
    required=True,
    type=click.Choice(NOISE_ZONES, case_sensitive=False),
    help="GB 3096-2008 acoustic functional zone.",
)
@_assessment_options
def noise(
    input_file: Path, zone: str, timezone_name: str, renames: tuple[str, ...], output: Path
) -> None:
    """Day/night noise and GB 3096-2008 compliance of a file.

    Columns: time (start of the hour), optional station, leq [dB(A)]. Writes Ld, Ln, Ldn,
    limits and exceedances per station and day; bad rows are listed (exit 1), a missing
    column writes nothing (exit 2).
    """
    from greenpark.environment import assess_noise

    _assess(
        input_file,
        output,
        renames,
        lambda sheet, names: assess_noise(
            sheet, zone=zone, timezone_name=timezone_name, renames=names
        ),
    )


from greenpark.cli_dispatch import dispatch  # noqa: E402
from greenpark.cli_evaluate import evaluate  # noqa: E402
from greenpark.cli_hj212 import hj212, quarantine  # noqa: E402
from greenpark.cli_indicator import indicator  # noqa: E402
from greenpark.cli_ledger import ledger, readings  # noqa: E402
from greenpark.cli_sponge import sponge  # noqa: E402

cli.add_command(dispatch)
cli.add_command(evaluate)
cli.add_command(hj212)
cli.add_command(indicator)
cli.add_command(ledger)
cli.add_command(readings)
cli.add_command(quarantine)
cli.add_command(sponge)


def main() -> None:
    """Entry point of the ``greenpark`` console script."""
    try:
        cli(prog_name="greenpark")
    except GreenparkError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
