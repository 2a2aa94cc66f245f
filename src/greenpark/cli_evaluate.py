"""``greenpark evaluate``: a park's indicators of an evaluation scheme, computed from its data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from greenpark.cli_ledger import factor_options, ledger_options
from greenpark.errors import InputError

_PROVENANCE_WIDTH = 70


def _attributes(pairs: tuple[str, ...]) -> dict[str, float]:
    out: dict[str, float] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        try:
            if not sep or not key.strip():
                raise ValueError
            out[key.strip()] = float(value)
        except ValueError:
            raise InputError(f"--attribute {pair!r}: give KEY=NUMBER") from None
    return out


def _num(x: float | None, digits: int = 4) -> str:
    if x is None:
        return "-"
    return f"{x:,.{digits}g}" if abs(x) < 1e5 else f"{x:,.0f}"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


@click.command("evaluate")
@click.option(
    "--scheme",
    required=True,
    help="miit-green-park, zero-carbon-park, green-data-centre or green-factory.",
)
@click.option("--year", type=int, required=True, help="Evaluation year.")
@click.option("--park", "park_code", default=None, help="Park code (default: the only one).")
@click.option(
    "--attribute",
    "attributes",
    multiple=True,
    metavar="KEY=VALUE",
    help="Park attribute choosing a scheme's variant, e.g. annual_energy_tce=500000 "
    "(default: from the ledger).",
)
@factor_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the self-evaluation workbook (.xlsx).",
)
@click.pass_context
def evaluate(
    ctx: click.Context,
    scheme: str,
    year: int,
    park_code: str | None,
    attributes: tuple[str, ...],
    output: Path | None,
    **factors: Any,
) -> None:
    """Score the park against an evaluation scheme, from its own data.

    Prints each indicator (value, unit, leading value, score, mandatory pass/fail, where the
    value comes from), the index (GI for the MIIT scheme) and its completeness, and the two
    previous years when the store holds data for them. Indicators no data gives are listed
    as manual entries. ``-o report.xlsx`` writes the workbook (sheets overview, indicators,
    scores, gaps).
    """
    from greenpark.cli import _store
    from greenpark.evaluation.service import evaluate as run
    from greenpark.evaluation.service import write_xlsx

    if output is not None and output.suffix.lower() != ".xlsx":
        raise InputError(f"{output}: only .xlsx reports are written so far")
    options = ledger_options(factors)
    store = _store(ctx)
    try:
        result = run(
            store,
            scheme,
            year,
            park_code=park_code,
            park_attributes=_attributes(attributes),
            options=options,
        )
    finally:
        store.dispose()
    cur = result.current
    sch = cur.scheme
    score = cur.score
    settings = sch.settings
    click.echo(
        f"{result.park.name} ({result.park.code}): {settings.title_en or sch.name} "
        f"{year} [{sch.source_file}, version {sch.version}]"
    )
    if cur.park_attributes:
        attrs = ", ".join(f"{k} = {v:,.6g}" for k, v in cur.park_attributes.items())
        click.echo(f"park attributes: {attrs}")
    rows = [["id", "name", "value", "unit", "leading", "score", "mandatory", "provenance"]]
    for ind in sch.indicators:
        v = cur.values[ind.id]
        s = score.indicator(ind.id) if score else None
        mandatory = "-"
        if ind.mandatory:
            passed = None if s is None else s.passed
            mandatory = {True: "pass", False: "FAIL", None: "undecided"}[passed]
        if v.value is not None:
            prov = f"{v.formula} | {v.provenance()}"
        else:
            prov = v.note
        rows.append(
            [
                ind.id,
                _short(ind.name_en or ind.name_zh, 40),
                _num(v.value),
                ind.unit,
                "pass" if ind.is_pass else _num(ind.leading),
                "-" if s is None or s.score is None else f"{s.score:.2f}",
                mandatory,
                _short(prov, _PROVENANCE_WIDTH),
            ]
        )
    for line in _table(rows):
        click.echo(line)
    for sid, v in cur.supplementary.items():
        click.echo(f"{sid} (not scored): {_num(v.value)} {v.unit}")
    computed = sum(v.value is not None for v in cur.values.values())
    click.echo(
        f"computed from data: {computed} of {len(cur.values)} indicators; "
        f"manual: {sum(v.is_manual for v in cur.values.values())}"
    )
    for y in result.years:
        if y.score is None:
            click.echo(f"{y.year}: not scored ({y.note})")
            continue
        comp = y.score.completeness
        failed = ", ".join(y.score.mandatory_failed) or "none"
        click.echo(
            f"{y.year}: {settings.index_name} {_num(y.score.index)}"
            + (f" / {_num(y.score.index_max)}" if y.score.index_max is not None else "")
            + f", completeness {'-' if comp is None else f'{100 * comp:.0f} %'}"
            + f", mandatory failed: {failed}"
        )
    if output is not None:
        write_xlsx(result, output)
        click.echo(f"wrote {output}")
