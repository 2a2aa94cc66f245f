"""``greenpark sponge ...``: a daily rainfall series in, the year's runoff volume capture
ratio of the park's catchments out (GB/T 51345-2018 style;
``docs/evaluation-datacentre-sponge.md``)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import click

from greenpark.errors import InputError, RowError, RowsError

#: The report's table columns.
REPORT_COLUMNS = ("catchment", "area [m²]", "ψ [-]", "volume [m³]", "depth [mm]",
                  "runoff [m³]", "captured [m³]", "ratio [%]")  # fmt: skip


@click.group("sponge")
def sponge() -> None:
    """Sponge city: daily rainfall and the annual runoff volume capture ratio of the
    registered catchments (GB/T 51345-2018 style)."""


@sponge.group("rainfall")
def rainfall() -> None:
    """The park's daily rainfall series [mm]."""


def _read_csv(path: Path) -> list[dict[str, Any]]:
    extra: list[RowError] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f, skipinitialspace=True)
            rows = []
            for n, r in enumerate(reader, start=2):
                beyond = [v for v in r.get(None) or () if str(v).strip()]  # type: ignore[call-overload]
                if beyond:
                    extra.append(
                        RowError(path.name, n, "(row)", f"{len(beyond)} cell(s) beyond the "
                                 f"header: {', '.join(map(repr, beyond))}")
                    )  # fmt: skip
                rows.append({str(k).strip().lower(): v for k, v in r.items() if k is not None})
            header = [str(h).strip().lower() for h in reader.fieldnames or ()]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path.name}: cannot read the CSV file: {exc}") from None
    if extra:
        raise RowsError(extra)
    if not rows:
        raise InputError(f"{path.name}: no rows under the header")
    # a short row leaves a column as None: keep every header column as a key
    return [{h: r.get(h) for h in header} for r in rows]


@rainfall.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", default=None, help="Where the values come from (default: the file name).")
@click.option("--park", "park_code", default=None, help="Park code (default: the only one).")
@click.pass_context
def rainfall_import(
    ctx: click.Context, file: Path, source: str | None, park_code: str | None
) -> None:
    """Import FILE (.csv, columns date (yyyy-mm-dd, park-local day), rain_mm [mm] >= 0).
    All or nothing: every bad value is listed by file, row and column and nothing is
    written. A day already stored is replaced (value and source)."""
    from greenpark.cli import _actor, _store
    from greenpark.evaluation.sponge_service import import_rainfall

    if file.suffix.lower() != ".csv":
        raise InputError(f"{file.name}: give a .csv file")
    rows = _read_csv(file)
    store = _store(ctx)
    try:
        written = import_rainfall(
            store,
            rows,
            source=source or file.name,
            park_code=park_code,
            file=file.name,
            who=_actor(),
        )
    finally:
        store.dispose()
    click.echo(
        f"{written.days} rainfall day(s) {written.first} to {written.last} for park "
        f"{written.park}: {written.new} new, {written.replaced} replaced"
    )


def _num(x: float | None, fmt: str = ",.0f") -> str:
    return "—" if x is None else format(x, fmt)


@sponge.command("report")
@click.option("--year", type=int, required=True, help="Calendar year.")
@click.option("--park", "park_code", default=None, help="Park code (default: the only one).")
@click.option(
    "--weighting",
    type=click.Choice(["runoff", "area"]),
    default="runoff",
    show_default=True,
    help="Park ratio: sum captured / sum runoff, or the area-weighted mean of the catchments.",
)
@click.option(
    "--min-rain-mm",
    type=float,
    default=2.0,
    show_default=True,
    help="Days with at most this rain [mm] are left out.",
)
@click.option(
    "--allow-gaps", is_flag=True, help="Compute on the days present when days are missing."
)
@click.pass_context
def sponge_report(
    ctx: click.Context,
    year: int,
    park_code: str | None,
    weighting: str,
    min_rain_mm: float,
    allow_gaps: bool,
) -> None:
    """Each catchment's area, runoff coefficient, capture volume of its facilities in
    service, design depth, runoff, captured volume and ratio, then the park's ratio and the
    year's rainfall with its completeness. A year with missing days is refused unless
    --allow-gaps (the missing days are named)."""
    from greenpark.cli import _store
    from greenpark.evaluation.sponge_service import missing_text, sponge_year

    store = _store(ctx)
    try:
        sy = sponge_year(
            store,
            year,
            park_code=park_code,
            weighting=weighting,
            min_rain_mm=min_rain_mm,
            allow_gaps=allow_gaps,
        )
    finally:
        store.dispose()
    click.echo(
        f"Sponge city {sy.year}, park {sy.park.code}: annual runoff volume capture ratio "
        "(GB/T 51345-2018 style)"
    )
    if sy.catchments:
        rows = [list(REPORT_COLUMNS)]
        for c in sy.catchments:
            r = sy.capture(c.code)
            rows.append(
                [
                    c.code,
                    _num(c.area_m2),
                    f"{c.runoff_coefficient:.2f}",
                    _num(c.capture_volume_m3),
                    _num(c.capture_volume_m3 / (c.runoff_coefficient * c.area_m2) * 1000, ".1f"),
                    _num(None if r is None else r.runoff_m3),
                    _num(None if r is None else r.captured_m3),
                    _num(None if r is None else r.percent, ".1f"),
                ]
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(REPORT_COLUMNS))]
        for row in rows:
            cells = [row[0].ljust(widths[0])] + [
                v.rjust(w) for v, w in zip(row[1:], widths[1:], strict=True)
            ]
            click.echo("  " + "  ".join(cells))
    if sy.result is not None:
        click.echo(
            f"Park ratio ({sy.weighting} weighting): {_num(sy.percent, '.1f')} %  "
            f"(captured {_num(sy.result.captured_m3)} of {_num(sy.result.runoff_m3)} m³ runoff)"
        )
    click.echo(
        f"Rainfall: {sy.rainfall_mm:,.1f} mm on {sy.days_present} day(s); "
        f"{sy.counted_days} day(s) above {sy.min_rain_mm:g} mm counted"
    )
    completeness = f"{sy.days_present}/{sy.days_in_year} days ({100 * sy.completeness:.1f} %)"
    if sy.missing_days:
        completeness += ": " + missing_text(sy.missing_days, sy.days_in_year)
    click.echo(f"Completeness: {completeness}")
    if sy.sources:
        click.echo(
            "Sources: " + "; ".join(f"{s or '(none)'} ({n} days)" for s, n in sy.sources.items())
        )
    for note in sy.notes:
        click.echo(f"Note: {note}")
