"""``greenpark dispatch ...``: solve multi-energy station problems (dispatch, commitment,
sizing) with HiGHS."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.group("dispatch")
def dispatch() -> None:
    """Multi-energy station optimiser: dispatch, unit commitment and sizing (HiGHS)."""


@dispatch.command("solve")
@click.argument("problem", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(file_okay=False), help="Folder for the results.")
@click.option("--start", default=None, help="First step (overrides the file's [time] start).")
@click.option("--end", default=None, help="End, exclusive (overrides [time] end).")
@click.option("--carbon-price", type=float, default=None, help="[currency/tCO2] (overrides).")
@click.option("--carbon-cap", type=float, default=None, help="Horizon cap [tCO2] (overrides).")
@click.option(
    "--method",
    type=click.Choice(["auto", "simplex", "ipm"]),
    default="auto",
    show_default=True,
    help="auto: interior point for sizing, simplex (or branch and bound) for dispatch.",
)
@click.option("--mip-gap", type=float, default=1e-4, show_default=True, help="Relative MIP gap.")
@click.option("--time-limit", type=float, default=None, help="Seconds; the best found is kept.")
@click.option("--duals", is_flag=True, help="Shadow prices of the buses (prices.csv).")
@click.option(
    "--representative-days",
    "rep_days",
    type=int,
    default=None,
    help="Solve K representative days (storage linked over the year): a fast sizing scan.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def dispatch_solve(
    problem: str,
    output: str | None,
    start: str | None,
    end: str | None,
    carbon_price: float | None,
    carbon_cap: float | None,
    method: str,
    mip_gap: float,
    time_limit: float | None,
    duals: bool,
    rep_days: int | None,
    as_json: bool,
) -> None:
    """Solve PROBLEM (a TOML problem file with its CSV series; docs/dispatch.md) and print a
    one-screen summary; with -o, write summary.json, flows.csv, levels.csv, costs.csv...

    The exit status is 0 for an optimal (or time-limited, with a solution) result, 2 when
    the problem is infeasible or unbounded.
    """
    from greenpark.dispatch import SolveOptions, read_problem, solve
    from greenpark.dispatch.output import summary, summary_text, write_result

    overrides: dict[str, object] = {}
    for key, value in (("start", start), ("end", end), ("carbon_price", carbon_price),
                       ("carbon_cap", carbon_cap)):  # fmt: skip
        if value is not None:
            overrides[key] = value
    p = read_problem(Path(problem), **overrides)
    if rep_days is not None:
        from greenpark.dispatch.represent import representative_days

        p = representative_days(p, rep_days)
    result = solve(
        p, SolveOptions(method=method, mip_gap=mip_gap, time_limit=time_limit, duals=duals)
    )
    data = summary(result, p.multiplier)
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
    else:
        click.echo(summary_text(p.name, data, p.currency))
    if output and result.objective is not None:
        for path in write_result(result, p.multiplier, Path(output)):
            click.echo(f"wrote {path}", err=True)
    if result.status in ("infeasible", "unbounded", "error"):
        raise SystemExit(2)


@dispatch.command("day-ahead")
@click.option("--day", default=None, help="YYYY-MM-DD (default: the day after the newest data).")
@click.option("--park", "park_code", default=None, help="Park code (default: the only one).")
@click.option("-o", "--output", type=click.Path(file_okay=False), help="Folder for the results.")
@click.option("--no-commitment", is_flag=True, help="Engines as continuous units (LP).")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.pass_context
def dispatch_day_ahead(
    ctx: click.Context,
    day: str | None,
    park_code: str | None,
    output: str | None,
    no_commitment: bool,
    as_json: bool,
) -> None:
    """Tomorrow's schedule of the park's registered station: loads forecast from four weeks
    of its meters (docs/dispatch-forecast.md), grid and gas priced with the tariff table,
    the settings and the ledger's factors; optimised (unit commitment, storage) against the
    rule-based baseline (heat-led engines, chillers on demand). The run is recorded for the
    Energy station page and the ledger's projected figures."""
    import datetime as dt

    from greenpark.cli import _actor, _settings, _store
    from greenpark.dispatch.output import summary, write_result
    from greenpark.dispatch.service import day_ahead
    from greenpark.dispatch.station import StationSettings
    from greenpark.errors import InputError

    try:
        when = dt.date.fromisoformat(day) if day else None
    except ValueError:
        raise InputError(f"--day {day!r}: give YYYY-MM-DD") from None
    run = day_ahead(
        _store(ctx),
        _settings(ctx),
        day=when,
        park_code=park_code,
        station=StationSettings(commitment=not no_commitment),
        who=_actor(),
    )
    t = run.totals
    data = {
        "park": run.park.code,
        "day": str(run.day),
        "status": run.optimised.status,
        "run": run.run_id,
        "optimised": {k: t[k] for k in ("cost", "tco2", "grid_kwh", "gas_m3", "tce")},
        "baseline": {k: t[f"baseline_{k}"] for k in ("cost", "tco2", "grid_kwh", "gas_m3", "tce")},
        "forecast": run.forecast.method,
        "notes": list(run.prices.notes),
        "optimised_summary": summary(run.optimised, run.problem.multiplier),
    }
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
    else:
        o, b = data["optimised"], data["baseline"]
        lines = [f"{run.park.code} station, {run.day}: {run.optimised.status} "
                 f"(run {run.run_id})"]  # fmt: skip
        lines.append(f"  {'':14} {'optimised':>14} {'baseline':>14} {'change':>10}")
        for key, label in (("cost", "cost [CNY]"), ("tco2", "CO2 [t]"), ("grid_kwh", "grid [kWh]"),
                           ("gas_m3", "gas [m³]"), ("tce", "energy [tce]")):  # fmt: skip
            ov, bv = o[key], b[key]
            change = "" if not bv or ov is None else f"{ov / bv - 1:+.1%}"
            lines.append(f"  {label:14} {ov or 0:>14,.1f} {bv or 0:>14,.1f} {change:>10}")
        for note in run.prices.notes:
            lines.append(f"  note: {note}")
        click.echo("\n".join(lines))
    if output and run.optimised.objective is not None:
        for path in write_result(run.optimised, run.problem.multiplier, Path(output)):
            click.echo(f"wrote {path}", err=True)
