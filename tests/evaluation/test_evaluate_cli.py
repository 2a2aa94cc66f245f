"""``greenpark evaluate`` on the hand-built park of ``test_values.py``: the printed table
and the self-evaluation workbook, read back with openpyxl."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from test_values import TCE_MONTH, VA, build_park

from greenpark.cli import cli
from greenpark.evaluation.service import evaluate
from greenpark.store import Store


@pytest.fixture
def url(park_url: str) -> str:
    build_park(park_url).dispose()
    return park_url


def _rows(ws) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    return {r[0]: dict(zip(head, r, strict=True)) for r in rows[1:] if r[0]}


def test_evaluate_prints_the_indicator_table(url: str) -> None:
    args = ["--database", url, "evaluate", "--scheme", "miit-green-park", "--year", "2023"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    out = result.output
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    # renewable share 2.458 / 35.418 = 6.94 % of a leading 15 %: a failing mandatory item
    assert "6.94" in lines["renewable_share"] and "FAIL" in lines["renewable_share"]
    assert "pass" in lines["central_wwtp"]
    assert "manual entry needed" in lines["solid_waste_utilisation"]
    # 31 numbered indicators + 8 basic requirements (3 computed: no surface-water or noise
    # station, and outlets not judged, so they stay undecided; 5 manual)
    assert "computed from data: 11 of 39 indicators; manual: 25" in out
    # three years side by side as far as the store has data: 2022 and 2023
    assert "2022: GI" in out and "2023: GI" in out and "2021" not in out


def test_evaluate_writes_the_workbook(url: str, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    args = ["--database", url, "evaluate", "--scheme", "miit-green-park", "--year", "2023",
            "-o", str(out)]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["overview", "indicators", "scores", "gaps", "sponge city"]

    ind = _rows(wb["indicators"])
    assert len(ind) == 31 + 8  # with the basic requirements
    ep = ind["energy_productivity"]
    # value added 1 250 / 425.016 tce, leading 3 -> score 0.9804, mandatory fail
    assert ep["value"] == pytest.approx(VA / (12 * TCE_MONTH), abs=1e-6)
    assert ep["unit"] == "万元/tce"
    assert ep["leading"] == 3
    assert ep["mandatory result"] == "fail"
    assert ep["completeness"] == pytest.approx(1.0)
    assert ep["kind"] == "computed"
    assert "enterprise_year.value_added" in ep["inputs and sources"]
    assert "value added" in ep["computation"]
    assert ind["land_productivity"]["kind"] == "manual"
    assert ind["land_productivity"]["note"] == "manual entry needed"

    ev = evaluate(Store(url), "miit-green-park", 2023)
    overview = {r[0]: r[1] for r in wb["overview"].iter_rows(values_only=True)}
    assert overview["GI"] == pytest.approx(ev.score.index, abs=1e-4)
    assert overview["completeness"] == pytest.approx(ev.score.completeness, abs=1e-4)

    scores = _rows(wb["scores"])
    head = next(wb["scores"].iter_rows(values_only=True))
    assert "2022 score" in head and "2023 score" in head
    assert scores["GI"]["2023 score"] == pytest.approx(ev.score.index, abs=1e-4)
    assert scores["GI"]["2022 score"] == pytest.approx(ev.of_year(2022).index, abs=1e-4)
    assert scores["high_tech_output_share"]["2023 value"] == pytest.approx(80.0)

    gaps = _rows(wb["gaps"])
    # renewable share 6.94 % against 15 %: 8.06 percentage points to go
    assert gaps["renewable_share"]["gap"] == pytest.approx(15 - 100 * 2.458 / TCE_MONTH, abs=1e-6)
    assert gaps["renewable_share"]["reached"] == "no"
    assert gaps["clean_energy_rate"]["reached"] == "yes"


def test_evaluate_refuses_other_formats_and_bad_attributes(url: str, tmp_path: Path) -> None:
    base = ["--database", url, "evaluate", "--scheme", "miit-green-park", "--year", "2023"]
    result = CliRunner().invoke(cli, [*base, "-o", str(tmp_path / "r.docx")])
    assert result.exit_code != 0 and "xlsx" in str(result.exception)
    result = CliRunner().invoke(cli, [*base, "--attribute", "annual_energy_tce"])
    assert result.exit_code != 0 and "KEY=NUMBER" in str(result.exception)


def test_evaluate_zero_carbon_with_a_park_size(url: str) -> None:
    # the zero-carbon catalogue is in force from 2025; the park has no 2025 ledger, so the
    # size variant needs --attribute
    args = ["--database", url, "evaluate", "--scheme", "zero-carbon-park", "--year", "2025",
            "--attribute", "annual_energy_tce=500000"]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "annual_energy_tce = 500,000" in result.output
    assert "no energy recorded" in result.output  # co2_per_tce cannot be computed
