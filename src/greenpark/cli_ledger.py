"""``greenpark ledger ...``: standard coal and CO2 of the park's metered energy."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from greenpark.errors import InputError
from greenpark.store.schema import ENTRY_KINDS


@click.group("ledger")
def ledger() -> None:
    """Energy and carbon ledger (GB/T 2589 standard coal, MEE/NBS CO2 factors)."""


F = TypeVar("F", bound=Callable[..., Any])


def factor_options(f: F) -> F:
    """The ledger's factor choices as options (``--calibre``, ``--area``, ``--natural-gas``,
    ``--basis``, ``--electricity-coefficient``), read by :func:`ledger_options`."""
    options = [
        click.option(
            "--calibre",
            default="province",
            show_default=True,
            help="Electricity factor calibre: national, region, province, enterprise_reporting...",
        ),
        click.option(
            "--area", default="guizhou", show_default=True, help="Province or grid region."
        ),
        click.option(
            "--natural-gas",
            default="natural_gas_gasfield",
            show_default=True,
            type=click.Choice(["natural_gas_gasfield", "natural_gas_oilfield"]),
            help="GB/T 2589 row of the park's natural gas.",
        ),
        click.option(
            "--basis",
            type=click.Choice(["equivalent", "equal"]),
            default="equivalent",
            show_default=True,
            help="Electricity's standard coal: 当量值 0.1229 kgce/kWh, or 等价值 (give the "
            "year's --electricity-coefficient); labelled in every row.",
        ),
        click.option(
            "--electricity-coefficient",
            type=float,
            default=None,
            help="Electricity's coefficient [kgce/kWh], e.g. the year's 等价值 (≈0.30).",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def ledger_options(params: dict[str, Any]) -> Any:
    """The LedgerOptions of :func:`factor_options`' values (popped from ``params``).

    Raises
    ------
    InputError
        The equal-value basis without the year's coefficient.
    """
    from greenpark.ledger import LedgerOptions

    basis = params.pop("basis")
    coef = params.pop("electricity_coefficient")
    if basis == "equal" and coef is None:
        raise InputError("--basis equal needs --electricity-coefficient (the year's 等价值)")
    return LedgerOptions(
        calibre=params.pop("calibre"),
        area=params.pop("area"),
        natural_gas=params.pop("natural_gas"),
        basis=basis,
        coefficients={} if coef is None else {"electricity": coef},
    )


@ledger.command("monthly")
@click.option("--year", type=int, required=True, help="Calendar year (park time zone).")
@click.option("--park", "park_code", default=None, help="Park code (default: the only one).")
@factor_options
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="CSV file (default: stdout).")
@click.pass_context
def ledger_monthly(
    ctx: click.Context,
    year: int,
    park_code: str | None,
    output: str | None,
    **factors: Any,
) -> None:
    """Monthly tce and tCO2 per enterprise and carrier of YEAR, as CSV: metered use and
    the figures entered by hand (fuel by the tonne).

    Each row names its coefficient and factor (source, data year, and a note when the
    year's factor is not published yet and an earlier one is used). The rows are each
    enterprise's own; ``ledger summary`` gives the park counted once.
    """
    from greenpark.cli import _store
    from greenpark.ledger.service import load_book

    options = ledger_options(factors)
    with _store(ctx).read() as conn:
        result = load_book(conn, year, park_code, options)[1].rows
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


def period(year: int, month: int | None) -> str:
    """``YYYY`` or ``YYYY-MM``."""
    return f"{year}" if month is None else f"{year}-{month:02d}"


def _fmt(value: float | None, spec: str = ",.1f", suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


@ledger.command("summary")
@click.option("--year", type=int, required=True, help="Calendar year (park time zone).")
@click.option("--park", "park_code", default=None, help="Park code (default: the only one).")
@factor_options
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def ledger_summary(
    ctx: click.Context, year: int, park_code: str | None, as_json: bool, **factors: Any
) -> None:
    """The park's year: energy and CO2 counted once, shares, intensities, year on year,
    budgets and their projections (warnings first)."""
    import json

    from greenpark.cli import _store
    from greenpark.ledger.service import load_book
    from greenpark.ledger.targets import warnings

    with _store(ctx).read() as conn:
        park, book = load_book(conn, year, park_code, ledger_options(factors))
    s = book.summary
    flagged = warnings((who or park.code, p) for (who, _), p in book.projections.items())
    if as_json:
        out = {k: v for k, v in s.items()}
        out["warnings"] = [{"who": who, "message": p.message} for who, p in flagged]
        click.echo(json.dumps(out, indent=2, ensure_ascii=False, default=str))
        return
    pct = ".1%"
    lines = [
        f"{park.name} ({park.code}), {year}: {len(s['months'])} month(s) "
        f"{s['months'][0]} to {s['months'][-1]}",
        f"  energy           {_fmt(s['tce'])} tce (members' sum {_fmt(s['members_tce'])} tce; "
        "energy the park's own station delivers is counted once)",
        f"  CO2 location     {_fmt(s['tco2'])} tCO2 (direct {_fmt(s['tco2_direct'])}, "
        f"indirect {_fmt(s['tco2_indirect'])})",
        f"  CO2 market       {_fmt(s['tco2_market'])} tCO2 (residual factor "
        f"{s['residual_factor']:.4f} tCO2/MWh of {s['residual_factor_year']}; "
        f"{_fmt(s['green_certificates_mwh'], ',.0f')} MWh of certificates and contracts)",
        f"  shares           green electricity {_fmt(s['green_electricity_share'], pct)}, "
        f"renewable {_fmt(s['renewable_share'], pct)}, clean {_fmt(s['clean_share'], pct)}",
        f"  intensity        {_fmt(s['tce_per_va'], ',.4f')} tce / 10⁴ yuan, "
        f"{_fmt(s['tco2_per_va'], ',.4f')} tCO2 / 10⁴ yuan of value added",
        f"  year on year     energy {_fmt(s['tce_yoy'], '+.1%')}, "
        f"CO2 {_fmt(s['tco2_yoy'], '+.1%')}",
    ]
    pj = s.get("projected") or {}
    if pj.get("days"):
        lines.append(
            f"  projected        {pj['tce']:,.1f} tce, {pj['tco2']:,.1f} tCO2 more from the "
            f"station's day-ahead schedules of {len(pj['days'])} day(s) not metered yet "
            f"({pj['days'][0]} to {pj['days'][-1]})"
        )
    if s["residual_factor_note"]:
        lines.append(f"  note: {s['residual_factor_note']}")
    for who, p in flagged:
        lines.append(f"  WARNING {who}: {p.message}")
    park_p = book.projections.get(("", "tce"))
    if park_p is not None:
        lines.append(f"  park projection  {park_p.message}; {park_p.method}")
    click.echo("\n".join(lines))


@ledger.group("entries")
def ledger_entries() -> None:
    """Monthly figures entered by hand: fuels bought by the tonne, stocks, green
    certificates, green-power contracts, output."""


@ledger_entries.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--park", "park_code", default=None, help="Park code (default: the only one).")
@click.pass_context
def ledger_entries_import(ctx: click.Context, file: str, park_code: str | None) -> None:
    """Enter the figures of FILE (.csv or .xlsx with columns enterprise, month, carrier,
    kind, quantity, unit, note). All or nothing: a bad row writes nothing and every bad
    field is listed. A figure entered again replaces the stored one (audited)."""
    import pandas as pd

    from greenpark.cli import _actor, _store
    from greenpark.ledger.importer import read_table
    from greenpark.ledger.service import enter_figures

    path = Path(file)
    frame = pd.concat(list(read_table(path)), ignore_index=True)
    written = enter_figures(
        _store(ctx),
        frame.to_dict("records"),
        park_code=park_code,
        who=_actor(),
        source=path.name,
    )
    click.echo(
        f"{written.entries} figure(s) entered: {written.new} new, {written.replaced} replaced"
    )


@ledger_entries.command("add")
@click.option("--enterprise", default="", help="Credit code (empty: the park itself).")
@click.option("--month", required=True, help="YYYY-MM.")
@click.option("--carrier", default="", help="Carrier (electricity for gec/green_power).")
@click.option(
    "--kind",
    required=True,
    type=click.Choice(ENTRY_KINDS),
)
@click.option("--quantity", required=True, help="Quantity in UNIT.")
@click.option("--unit", default="", help="Unit (default: the carrier's; MWh for gec).")
@click.option("--note", default="", help="Free text kept with the figure.")
@click.option("--park", "park_code", default=None, help="Park code (default: the only one).")
@click.pass_context
def ledger_entries_add(
    ctx: click.Context,
    enterprise: str,
    month: str,
    carrier: str,
    kind: str,
    quantity: str,
    unit: str,
    note: str,
    park_code: str | None,
) -> None:
    """Enter one monthly figure (who and when are recorded)."""
    from greenpark.cli import _actor, _store
    from greenpark.ledger.service import enter_figures

    row = {"enterprise": enterprise, "month": month, "carrier": carrier, "kind": kind,
           "quantity": quantity, "unit": unit, "note": note}  # fmt: skip
    written = enter_figures(
        _store(ctx), [row], park_code=park_code, who=_actor(), source="command line"
    )
    click.echo("replaced" if written.replaced else "entered")


@ledger_entries.command("list")
@click.option("--year", type=int, default=None, help="Only this year.")
@click.option("--park", "park_code", default=None, help="Park code (default: the only one).")
@click.pass_context
def ledger_entries_list(ctx: click.Context, year: int | None, park_code: str | None) -> None:
    """The hand-entered figures as CSV, with who entered them and when."""
    from greenpark.cli import _store
    from greenpark.store.ledger import list_entries, resolve_park

    with _store(ctx).read() as conn:
        frame = list_entries(conn, resolve_park(conn, park_code).id, year=year)
    frame.drop(columns="id").to_csv(sys.stdout, index=False)


@ledger.group("factor")
def ledger_factor() -> None:
    """Your versions of coefficients and emission factors (they replace the shipped ones)."""


@ledger_factor.command("set")
@click.option(
    "--kind",
    required=True,
    type=click.Choice(["electricity", "fuel", "purchased", "coal", "heating_value"]),
    help="electricity [tCO2/MWh], fuel [tCO2/t or m³], purchased heat [tCO2/GJ], "
    "coal (standard-coal coefficient) [kgce per unit], heating_value (an enterprise's "
    "measured low heating value) [kJ/m³ or kJ/kg].",
)
@click.option(
    "--key",
    required=True,
    help="electricity: calibre/area (province/guizhou); fuel: natural_gas, diesel...; "
    "purchased: heat; coal: energy/basis (natural_gas_gasfield/equivalent); "
    "heating_value: credit_code/carrier.",
)
@click.option("--year", type=int, default=None, help="Data year (required for electricity).")
@click.option("--value", type=float, required=True, help="The value, in the kind's unit.")
@click.option("--source", required=True, help="Where it comes from (notice, measurement).")
@click.option("--park", "park_code", default=None, help="Park code (default: the only one).")
@click.pass_context
def ledger_factor_set(
    ctx: click.Context,
    kind: str,
    key: str,
    year: int | None,
    value: float,
    source: str,
    park_code: str | None,
) -> None:
    """Add or change a factor: the figures it covers are recomputed, and the audit log
    keeps who changed what, old and new values, and the reports affected."""
    from greenpark.cli import _actor, _store
    from greenpark.ledger.service import change_factor

    change = change_factor(
        _store(ctx),
        kind=kind,
        key=key,
        year=year,
        value=value,
        source=source,
        who=_actor(),
        park_code=park_code,
    )
    old = (
        "new"
        if change.old is None
        else f"replaces version {change.old['id']} ({change.old['value']:g})"
    )
    click.echo(f"version {change.version}: {old}")
    for m in change.months:
        before = m["tco2_before"]
        click.echo(
            f"  {m['month']}: {_fmt(before, ',.3f')} -> {m['tco2_after']:,.3f} tCO2, "
            f"{_fmt(m['tce_before'], ',.3f')} -> {m['tce_after']:,.3f} tce"
        )
    click.echo(f"{len(change.months)} month(s) recomputed")
    for r in change.reports:
        click.echo(
            f"  report {r['id']} ({period(r['year'], r['month'])}, "
            f"{r['path']}) is out of date: tCO2 {r['before'].get('tco2')} -> {r['after']['tco2']}"
        )


@ledger_factor.command("list")
@click.option("--all", "show_all", is_flag=True, help="Superseded versions too.")
@click.pass_context
def ledger_factor_list(ctx: click.Context, show_all: bool) -> None:
    """Your factor versions as CSV (who, when, source)."""
    import pandas as pd

    from greenpark.cli import _store
    from greenpark.store.ledger import factor_versions

    with _store(ctx).read() as conn:
        rows = factor_versions(conn, current=not show_all)
    pd.DataFrame(
        rows,
        columns=["id", "kind", "key", "year", "value", "unit", "source", "created_by",
                 "created_at", "superseded_at"],
    ).to_csv(sys.stdout, index=False)  # fmt: skip


@ledger.command("target")
@click.option("--year", type=int, required=True, help="Budget year.")
@click.option("--quantity", type=click.Choice(["tce", "tco2"]), required=True)
@click.option("--budget", type=float, required=True, help="Yearly budget [t].")
@click.option("--enterprise", default=None, help="Credit code (default: the park).")
@click.option("--park", "park_code", default=None, help="Park code (default: the only one).")
@click.pass_context
def ledger_target(
    ctx: click.Context,
    year: int,
    quantity: str,
    budget: float,
    enterprise: str | None,
    park_code: str | None,
) -> None:
    """Set a yearly energy (tce) or carbon (tCO2) budget of the park or an enterprise."""
    from greenpark.cli import _actor, _store
    from greenpark.ledger.service import set_budget

    old = set_budget(
        _store(ctx),
        year=year,
        quantity=quantity,
        budget=budget,
        enterprise=enterprise,
        who=_actor(),
        park_code=park_code,
    )
    click.echo(
        f"budget {budget:,.1f} {quantity} set" + ("" if old is None else f" (was {old:,.1f})")
    )


@ledger.command("report")
@click.option("--year", type=int, required=True, help="Report year.")
@click.option("--month", type=click.IntRange(1, 12), default=None, help="One month only.")
@click.option(
    "--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write.")
@click.option("--park", "park_code", default=None, help="Park code (default: the only one).")
@click.pass_context
def ledger_report(
    ctx: click.Context,
    year: int,
    month: int | None,
    fmt: str,
    output: str | None,
    park_code: str | None,
) -> None:
    """Write the monthly energy statistics in the layout of the 205-1 table (one sheet per
    month) with a carbon sheet listing every factor and its source. The report is recorded,
    so a later factor change names it as out of date."""
    from greenpark.cli import _actor, _store
    from greenpark.ledger.service import issue_report

    name = output or f"energy-205-1-{year}" + (f"-{month:02d}" if month else "") + f".{fmt}"
    written = issue_report(
        _store(ctx),
        year=year,
        month=month,
        fmt=fmt,
        output=Path(name),
        who=_actor(),
        park_code=park_code,
    )
    for p in written:
        click.echo(str(p))


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
