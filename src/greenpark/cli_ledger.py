"""``greenpark ledger ...``: standard coal and CO2 of the park's metered energy."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from greenpark.errors import InputError


@click.group("ledger")
def ledger() -> None:
    """Energy and carbon ledger (GB/T 2589 standard coal, MEE/NBS CO2 factors)."""


@ledger.command("monthly")
@click.option("--year", type=int, required=True, help="Calendar year (park time zone).")
@click.option("--park", "park_code", default=None, help="Park code (default: every park).")
@click.option(
    "--calibre",
    default="province",
    show_default=True,
    help="Electricity factor calibre: national, region, province, enterprise_reporting...",
)
@click.option("--area", default="guizhou", show_default=True, help="Province or grid region.")
@click.option(
    "--natural-gas",
    default="natural_gas_gasfield",
    show_default=True,
    type=click.Choice(["natural_gas_gasfield", "natural_gas_oilfield"]),
    help="GB/T 2589 row of the park's natural gas.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="CSV file (default: stdout).")
@click.pass_context
def ledger_monthly(
    ctx: click.Context,
    year: int,
    park_code: str | None,
    calibre: str,
    area: str,
    natural_gas: str,
    output: str | None,
) -> None:
    """Monthly tce and tCO2 per enterprise and carrier of YEAR, as CSV.

    Each row names its coefficient and factor (source, data year, and a note when the
    year's factor is not published yet and an earlier one is used).
    """
    from greenpark.cli import _store
    from greenpark.ledger import LedgerOptions, monthly_ledger
    from greenpark.store.ledger import monthly_quantities

    store = _store(ctx)
    with store.read() as conn:
        quantities = monthly_quantities(conn, year, park_code)
    if quantities.empty:
        raise InputError(
            f"no metered energy in {year}" + (f" for park {park_code}" if park_code else "")
        )
    options = LedgerOptions(calibre=calibre, area=area, natural_gas=natural_gas)
    result = monthly_ledger(quantities, options)
    if output:
        result.to_csv(Path(output), index=False)
    else:
        result.to_csv(sys.stdout, index=False)
    tce, direct, indirect = (result[c].sum() for c in ("tce", "tco2_direct", "tco2_indirect"))
    notes = sorted({n for n in result["factor_note"] if "not published" in n})
    click.echo(
        f"{year}: {tce:,.1f} tce, {direct:,.1f} tCO2 direct, {indirect:,.1f} tCO2 indirect "
        f"({len(result)} rows)",
        err=True,
    )
    for note in notes:
        click.echo(f"  note: {note}", err=True)


@click.group("readings")
def readings() -> None:
    """Meter readings: import interval or cumulative register readings."""


@readings.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--park", "park_code", default=None, help="Park of the meters (default: the only one)."
)
@click.option(
    "--skip-invalid", is_flag=True, help="Write the good rows; bad ones to FILE.rejected.csv."
)
@click.option(
    "--capacity",
    multiple=True,
    metavar="METER=VALUE",
    help="Register capacity of a meter (cumulative files): where it rolls over to 0.",
)
@click.option(
    "--replacements",
    type=click.Path(exists=True, dir_okay=False),
    help="CSV of meter exchanges: meter,time,old_final,new_initial (cumulative files).",
)
@click.pass_context
def readings_import(
    ctx: click.Context,
    files: tuple[str, ...],
    park_code: str | None,
    skip_invalid: bool,
    capacity: tuple[str, ...],
    replacements: str | None,
) -> None:
    """Import meter readings from FILES (.csv or .xlsx).

    Interval files have columns meter, start, [end], quantity, [unit], [quality]; cumulative
    files meter, time, register, [unit]. Times without an offset are in the park's zone.
    A file with a bad row writes nothing (every bad row is listed) unless --skip-invalid.
    Readings already stored are replaced, never doubled.
    """
    from greenpark.cli import _Progress, _settings, _store
    from greenpark.ledger.importer import import_readings, parse_capacity, read_replacements

    settings = _settings(ctx)
    store = _store(ctx)
    caps = parse_capacity(capacity)
    swaps = read_replacements(Path(replacements), settings.park_timezone) if replacements else []
    progress = _Progress()
    total_rows = total_written = total_bad = 0
    for name in files:
        report = import_readings(
            store,
            Path(name),
            park_code=park_code,
            timezone=settings.park_timezone,
            skip_invalid=skip_invalid,
            capacity=caps,
            replacements=swaps,
            progress=progress,
        )
        if report.rejected_file is not None:
            click.echo(
                f"{name}: {len(report.errors)} bad value(s) kept in {report.rejected_file.name}",
                err=True,
            )
            for e in report.errors[:20]:
                click.echo(f"  {e}", err=True)
        total_rows += report.rows
        total_written += report.written
        total_bad += report.refused_rows
        click.echo(
            f"{name}: {report.rows:,} rows read, {report.written:,} readings written", err=True
        )
    click.echo(
        f"{total_written:,} readings written from {total_rows:,} rows ({total_bad:,} refused)"
    )
