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


def _read_table(path: Path, chunk: int):  # type: ignore[no-untyped-def]
    """Chunks of a CSV (or the first sheet of a workbook), headers in lower case."""
    import pandas as pd

    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            head = pd.read_csv(path, nrows=0, encoding="utf-8-sig")
            if "register" in [str(c).strip().lower() for c in head.columns]:
                chunk = 1 << 40  # cumulative: a meter's readings must stay together
            for part in pd.read_csv(
                path, dtype=str, chunksize=chunk, encoding="utf-8-sig", skipinitialspace=True
            ):
                part.columns = [str(c).strip().lower() for c in part.columns]
                yield part
        except (UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise InputError(f"{path.name}: cannot read the CSV file: {exc}") from None
    elif suffix in (".xlsx", ".xlsm"):
        from greenpark.environment.files import read_sheet

        sheet = read_sheet(path)
        frame = pd.DataFrame([cells for _, cells in sheet.rows], columns=sheet.header)
        frame.columns = [str(c).strip().lower() for c in frame.columns]
        yield frame
    else:
        raise InputError(f"{path.name}: unknown file type {suffix!r}; give .csv or .xlsx")


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
    import pandas as pd
    from sqlalchemy import select

    from greenpark.cli import _Progress, _settings, _store
    from greenpark.errors import RowsError
    from greenpark.ledger.readings import MeterInfo, check_interval_readings
    from greenpark.ledger.registers import Replacement
    from greenpark.store.schema import Meter, Park
    from greenpark.store.timeseries import write_readings

    settings = _settings(ctx)
    store = _store(ctx)
    caps: dict[str, float] = {}
    for item in capacity:
        code, sep, value = item.partition("=")
        try:
            caps[code.strip()] = float(value)
        except ValueError:
            raise InputError(
                f"--capacity {item!r}: give METER=VALUE, e.g. EL-1=100000000"
            ) from None
        if not sep:
            raise InputError(f"--capacity {item!r}: give METER=VALUE")
    swaps: list[Replacement] = []
    if replacements:
        table = pd.read_csv(replacements, dtype=str)
        for i, r in enumerate(table.to_dict("records"), start=2):
            try:
                swaps.append(
                    Replacement(
                        str(r["meter"]).strip(),
                        pd.Timestamp(r["time"]).tz_localize(settings.park_timezone)
                        if pd.Timestamp(r["time"]).tzinfo is None
                        else pd.Timestamp(r["time"]),
                        float(r["old_final"]),
                        float(r["new_initial"]),
                    )
                )
            except (KeyError, ValueError) as exc:
                raise InputError(f"{Path(replacements).name}: row {i}: {exc}") from None
    with store.read() as conn:
        parks = conn.execute(select(Park.id, Park.code)).all()
        if park_code is None and len(parks) != 1:
            raise InputError(f"{len(parks)} parks in the store: name one with --park")
        pid = next((p for p, c in parks if park_code in (None, c)), None)
        if pid is None:
            raise InputError(f"no park {park_code!r} in the store")
        meters = {
            code: MeterInfo(mid, unit, interval_s, bool(formula))
            for mid, code, unit, interval_s, formula in conn.execute(
                select(Meter.id, Meter.code, Meter.unit, Meter.interval_s, Meter.formula).where(
                    Meter.park_id == pid
                )
            )
        }
    progress = _Progress()
    total_rows = total_written = total_bad = 0
    for name in files:
        path = Path(name)
        rejected: list[pd.DataFrame] = []
        errors_all = []
        written = rows_seen = 0
        with store.write() as conn:
            for part in _read_table(path, 1_000_000):
                first_row = rows_seen + 2
                rows_seen += len(part)
                if "register" in part.columns:
                    part = _cumulative(part, path.name, caps, swaps, settings.park_timezone)
                checked = check_interval_readings(
                    part, meters, source=path.name, timezone=settings.park_timezone,
                    first_row=first_row,
                )  # fmt: skip
                errors_all += checked.errors
                if checked.errors and not skip_invalid:
                    continue  # keep listing errors; nothing will be written
                if checked.errors:
                    bad_rows = {e.row for e in checked.errors}
                    mask = [first_row + i in bad_rows for i in range(len(part))]
                    reasons = {}
                    for e in checked.errors:
                        reasons.setdefault(e.row, []).append(f"{e.column}: {e.reason}")
                    rej = part[mask].copy()
                    rej.insert(
                        0,
                        "row",
                        [r for r in range(first_row, first_row + len(part)) if r in bad_rows],
                    )
                    rej["reason"] = ["; ".join(reasons[r]) for r in rej["row"]]
                    rejected.append(rej)
                if not errors_all or skip_invalid:
                    result = write_readings(conn, checked.good, settings.park_timezone)
                    written += result.rows
                progress(f"{path.name}", rows_seen, rows_seen)
            if errors_all and not skip_invalid:
                raise RowsError(errors_all)  # leaves the transaction: nothing written
        if rejected:
            out = path.with_name(path.name + ".rejected.csv")
            pd.concat(rejected).to_csv(out, index=False, encoding="utf-8-sig")
            click.echo(f"{path.name}: {len(errors_all)} bad value(s) kept in {out.name}", err=True)
            for e in errors_all[:20]:
                click.echo(f"  {e}", err=True)
        total_rows += rows_seen
        total_written += written
        total_bad += len({e.row for e in errors_all})
        click.echo(f"{path.name}: {rows_seen:,} rows read, {written:,} readings written", err=True)
    click.echo(
        f"{total_written:,} readings written from {total_rows:,} rows ({total_bad:,} refused)"
    )


def _cumulative(part, source: str, caps: dict[str, float], swaps, timezone: str):  # type: ignore[no-untyped-def]
    """Cumulative register rows → interval rows (meter, start, end, quantity, unit)."""
    import pandas as pd

    from greenpark.ledger.readings import parse_times
    from greenpark.ledger.registers import register_intervals

    missing = [c for c in ("meter", "time", "register") if c not in part.columns]
    if missing:
        raise InputError(f"{source}: missing column(s) {missing} of a cumulative file")
    frame = pd.DataFrame(
        {
            "meter": part["meter"].astype(str).str.strip(),
            "time": parse_times(part["time"], timezone),
            "register": pd.to_numeric(part["register"], errors="coerce"),
        }
    )
    intervals = register_intervals(frame, capacity=caps, replacements=swaps, source=source)
    out = intervals
    if "unit" in part.columns:
        units = dict(zip(part["meter"].astype(str).str.strip(), part["unit"], strict=False))
        out["unit"] = out["meter"].map(units)
    return out[[c for c in ("meter", "start", "end", "quantity", "unit", "quality") if c in out]]
