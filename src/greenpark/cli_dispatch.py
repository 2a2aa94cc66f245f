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
    result = solve(
        p, SolveOptions(method=method, mip_gap=mip_gap, time_limit=time_limit, duals=duals)
    )
    data = summary(result, p.weights)
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
    else:
        click.echo(summary_text(p.name, data, p.currency))
    if output and result.objective is not None:
        for path in write_result(result, p.weights, Path(output)):
            click.echo(f"wrote {path}", err=True)
    if result.status in ("infeasible", "unbounded", "error"):
        raise SystemExit(2)
