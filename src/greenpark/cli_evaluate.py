"""``greenpark evaluate``: a park's indicators of an evaluation scheme, computed from its data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from greenpark.cli_ledger import factor_options, ledger_options
from greenpark.errors import InputError

if TYPE_CHECKING:
    from greenpark.evaluation.sponge_service import SpongeYear

_PROVENANCE_WIDTH = 70
#: Schemes that judge the park as a whole: their report carries the park's sponge city.
SPONGE_SCHEMES = ("miit-green-park", "zero-carbon-park")


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


def _scenario_lines(compared: list[Any]) -> list[str]:
    """Today and each scenario side by side: the index, the mandatory items failed, and the
    values and ledger totals some scenario changes; then what each scenario changed."""
    from greenpark.evaluation.scenarios import comparison_rows

    names = [name for name, _ in compared]
    rows = [["id", "unit", *names]]
    failed0 = set(compared[0][1].score.mandatory_failed) if compared[0][1].score else set()
    for row in comparison_rows(compared, only_changed=True):
        if row["kind"] == "mandatory":
            cells = []
            for _, r in compared:
                now = set(r.score.mandatory_failed) if r.score else set()
                diff = [f"-{i}" for i in sorted(failed0 - now)]
                diff += [f"+{i}" for i in sorted(now - failed0)]
                cells.append(f"{len(now)}" + (f" ({', '.join(diff)})" if diff else ""))
            rows.append(["mandatory_failed", "items", *cells])
            continue
        label = row["name"] if row["kind"] == "index" else row["id"]
        rows.append([label, row["unit"], *(_num(v) for v in row["values"])])
    lines = _table(rows)
    for name, r in compared[1:]:
        lines += [f"{name}: {change}" for change in r.changes]
    return lines


def _datacentre_lines(result: Any) -> list[str]:
    """One block per data centre: annual PUE (energy-weighted) with its months, WUE, CLF,
    renewable share, the GB 40879 grade, each criterion's result, the manual criteria."""
    import math

    def num(x: Any, digits: int = 4) -> str:
        return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else _num(x, digits)

    def pue(x: Any) -> str:  # PUE with three decimals: 1.300
        return "-" if x is None or math.isnan(float(x)) else f"{float(x):.3f}"

    sch = result.scheme
    lines = [
        f"{result.park.name} ({result.park.code}): {sch.settings.title_en or sch.name} "
        f"{result.year} [{sch.source_file}, version {sch.version}], per data centre"
    ]
    if not result.checks:
        return [
            *lines,
            "no data centre with meter data in the year (a main meter with an IT sub-meter)",
        ]
    for c in result.checks:
        y = result.year_row(c.enterprise)
        months = result.months(c.enterprise)
        pues = ", ".join(f"{m['month'][5:]} {pue(m['pue'])}" for _, m in months.iterrows())
        if c.grade is None:
            grade = "-"
        elif c.grade_pue_max is not None:
            grade = f"{c.grade} (PUE <= {c.grade_pue_max:g}; thresholds U)"
        else:
            grade = f"{c.grade} (above the limit value)"
        lines += [
            "",
            f"{c.enterprise_name or '-'} ({c.enterprise})",
            f"  annual PUE {pue(c.pue)} (energy-weighted: {num(float(y['total_kwh']))} kWh / "
            f"{num(float(y['it_kwh']))} kWh IT, {y['months']} of 12 months; "
            f"mean of monthly PUEs {pue(y['pue_monthly_mean'])})",
            f"  monthly PUE: {pues}",
            f"  WUE {num(float(y['wue_l_per_kwh']))} L/kWh, CLF {num(float(y['clf']))}, "
            f"renewable share {num(float(y['renewable_share_pct']))} %",
            f"  GB 40879 grade {grade}",
        ]
        rows = [["  id", "value", "unit", "leading", "result"]]
        manual = []
        for s in c.score.indicators:
            ind = s.indicator
            if s.value is None:
                manual.append(ind.id)
                continue
            result_text = {True: "pass", False: "FAIL", None: "undecided"}[s.passed]
            leading = "pass" if ind.is_pass else _num(ind.leading)
            rows.append([f"  {ind.id}", num(s.value), ind.unit, leading, result_text])
        lines += _table(rows) if len(rows) > 1 else []
        lines.append(f"  manual entry needed: {', '.join(manual) or 'none'}")
        verdict = {True: "passed", False: "FAILED", None: "undecided"}[c.passed]
        failed = ", ".join(c.score.mandatory_failed) or "none"
        lines.append(f"  {verdict} (mandatory failed: {failed})")
        lines += [f"  note: {n}" for n in c.notes]
        if y.get("problem"):
            lines.append(f"  note: {y['problem']}")
    return lines


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
    help="Write the self-evaluation report: workbook (.xlsx) or PDF (.pdf).",
)
@click.option(
    "--scenario",
    "scenario_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE.toml",
    help="What-if scenario (pv_mwp, gec_mwh, retrofit, buses; docs/evaluation.md): "
    "recompute the year with it, side by side with today. Repeatable.",
)
@click.pass_context
def evaluate(
    ctx: click.Context,
    scheme: str,
    year: int,
    park_code: str | None,
    attributes: tuple[str, ...],
    output: Path | None,
    scenario_files: tuple[Path, ...],
    **factors: Any,
) -> None:
    """Score the park against an evaluation scheme, from its own data.

    Prints each indicator (value, unit, leading value, score, mandatory pass/fail, where the
    value comes from), the index (GI for the MIIT scheme) and its completeness, and the two
    previous years when the store holds data for them. Indicators no data gives are listed
    as manual entries. ``-o report.xlsx`` writes the workbook (sheets overview, indicators,
    scores, gaps and, for the park schemes, sponge city); ``-o report.pdf`` the same report
    as a PDF (A4 landscape). The sponge city is the year's runoff volume capture ratio of the
    park's catchments, computed on the rainfall days present (the gap is stated).
    ``--scenario a.toml`` (repeatable) adds today and each what-if scenario side by side
    (the index and the values they change) and, with ``-o report.xlsx``, the sheet
    ``scenarios``.

    ``--scheme green-data-centre`` judges each data centre, not the park: one block per
    data centre (annual PUE, energy-weighted, with its months; WUE; renewable share; GB 40879
    grade; pass/fail of the criteria the meters give; the criteria to enter by hand), and
    ``-o dc.xlsx`` the sheets datacentres, criteria and months.
    """
    from greenpark.cli import _settings, _store
    from greenpark.evaluation.service import evaluate as run
    from greenpark.evaluation.service import write_xlsx

    if output is not None and output.suffix.lower() not in (".xlsx", ".pdf"):
        raise InputError(f"{output}: reports are written as .xlsx or .pdf")
    from greenpark.evaluation.scenarios import evaluate_scenarios, load_scenarios

    if scheme == "green-data-centre":
        _datacentres(ctx, year, park_code, output, scenario_files)
        return
    scenarios = load_scenarios(scenario_files)
    options = ledger_options(factors)
    store = _store(ctx)
    compared: list[Any] = []
    sponge: SpongeYear | None = None
    try:
        result = run(
            store,
            scheme,
            year,
            park_code=park_code,
            park_attributes=_attributes(attributes),
            options=options,
        )
        if output is not None and scheme in SPONGE_SCHEMES:
            from greenpark.evaluation.sponge_service import sponge_year

            sponge = sponge_year(store, year, park_code=result.park.code, allow_gaps=True)
        if scenarios:
            compared = evaluate_scenarios(
                store,
                scheme,
                year,
                scenarios,
                park_code=park_code,
                park_attributes=_attributes(attributes),
                options=options,
                settings=_settings(ctx),
                progress=lambda message: click.echo(message + " ...", err=True),
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
    computed = sum(v.kind == "computed" for v in cur.values.values())
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
        if output.suffix.lower() == ".pdf":
            from greenpark.reports.evaluation_pdf import write_pdf

            write_pdf(output, result, sponge=sponge)
        else:
            write_xlsx(result, output, sponge=sponge)
        click.echo(f"wrote {output}")
    if compared:
        click.echo(f"what-if scenarios, {year} (values some scenario changes):")
        for line in _scenario_lines(compared):
            click.echo(line)
        if output is not None and output.suffix.lower() == ".xlsx":
            from greenpark.evaluation.scenarios import write_scenarios_sheet

            write_scenarios_sheet(output, compared)
            click.echo(f"added the sheet scenarios to {output}")


def _datacentres(
    ctx: click.Context,
    year: int,
    park_code: str | None,
    output: Path | None,
    scenario_files: tuple[Path, ...],
) -> None:
    """``--scheme green-data-centre``: each data centre scored on its own meters."""
    from greenpark.cli import _store
    from greenpark.evaluation.service import evaluate_datacentres, write_datacentres_xlsx

    if scenario_files:
        raise InputError("--scenario: not for green-data-centre (it judges each data centre)")
    if output is not None and output.suffix.lower() != ".xlsx":
        raise InputError(f"{output}: the green data-centre report is written as .xlsx")
    store = _store(ctx)
    try:
        result = evaluate_datacentres(store, year, park_code=park_code)
    finally:
        store.dispose()
    for line in _datacentre_lines(result):
        click.echo(line)
    if output is not None:
        write_datacentres_xlsx(result, output)
        click.echo(f"wrote {output}")
