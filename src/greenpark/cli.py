"""The ``greenpark`` command: a thin click group over the library.

Every command takes ``--database URL`` (or ``GREENPARK_DATABASE_URL``); the default is the
embedded SQLite file ``greenpark.db`` in the current folder. ``docs/cli.md`` is generated
from this group and checked by ``tests/test_docs.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from greenpark import __version__
from greenpark.config import Settings
from greenpark.errors import GreenparkError, RowsError


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
@click.pass_context
def demo(
    ctx: click.Context,
    seed: int,
    year: int,
    rebuild: bool,
    no_serve: bool,
    host: str | None,
    port: int | None,
) -> None:
    """Build the demo park (one year of data), then serve the dashboard."""
    from greenpark.demo import build_demo

    store = _store(ctx)
    click.echo(f"Demo park in {store.url}", err=True)
    report = build_demo(store, seed=seed, year=year, rebuild=rebuild, progress=_Progress())
    click.echo(report.summary(), err=True)
    if not no_serve:
        _serve(_settings(ctx), store, host, port)


@cli.command()
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default 8000).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the dashboard, JSON API and OpenAPI docs (/docs)."""
    _serve(_settings(ctx), _store(ctx), host, port)


def _serve(settings: Settings, store: Any, host: str | None, port: int | None) -> None:
    import uvicorn

    from greenpark.web import create_app

    settings = settings.model_copy(
        update={k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    )
    app = create_app(settings, store=store)
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
            store, [Path(f) for f in files], table=table, skip_invalid=skip_invalid
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


@cli.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Create or upgrade the database schema to the newest version."""
    store = _store(ctx)
    click.echo(f"Schema of {store.url} is up to date.")


def main() -> None:
    """Entry point of the ``greenpark`` console script."""
    try:
        cli(prog_name="greenpark")
    except GreenparkError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
