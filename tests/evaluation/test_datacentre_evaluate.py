"""``greenpark evaluate --scheme green-data-centre``: each data centre of a tiny hand-built
park scored on its own meters (annual PUE energy-weighted, pass at <= 1.30), printed per
data centre and written to a workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import insert

from greenpark.cli import cli
from greenpark.evaluation.service import evaluate_datacentres
from greenpark.store import Store
from greenpark.store.schema import Enterprise, Meter, MeterMonth

DC = "91520900MA6DLDCDC1"


def _build(url: str, total_kwh: float) -> None:
    """Park P with one data centre: main meter DC-EL (``total_kwh`` a month), IT sub-meter
    DC-EL-IT (1 000 MWh a month) and a water meter (1 500 m³ a month), 2025, no gaps."""
    store = Store(url)
    with store.write() as c:
        c.execute(
            insert(Enterprise),
            [{"id": 1, "park_id": 1, "credit_code": DC, "name": "Cloud DC",
              "industry": "big_data"}],
        )  # fmt: skip
        meters = [
            (1, "DC-EL", "Electricity main meter", "electricity", "kWh", None),
            (2, "DC-EL-IT", "IT load", "electricity", "kWh", 1),
            (3, "DC-WA", "Water intake", "water", "m³", None),
        ]
        c.execute(
            insert(Meter),
            [
                {"id": i, "park_id": 1, "code": code, "name": name, "carrier": carrier,
                 "unit": unit, "enterprise_id": 1, "parent_id": parent, "formula": None,
                 "direction": "consumption", "interval_s": 900}
                for i, code, name, carrier, unit, parent in meters
            ],
        )  # fmt: skip
        month_kwh = {1: total_kwh, 2: 1_000_000.0, 3: 1_500.0}
        rows = []
        for m in range(1, 13):
            days = (dt.date(2025 + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)).day
            rows += [
                {"meter_id": mid, "month": f"2025-{m:02d}", "quantity": q, "readings": days * 96}
                for mid, q in month_kwh.items()
            ]
        c.execute(insert(MeterMonth), rows)
    store.dispose()


def _lines(out: str) -> dict[str, str]:
    return {line.split()[0]: line for line in out.splitlines() if line.strip()}


def test_pue_at_1_30_passes(park_url: str, tmp_path: Path) -> None:
    _build(park_url, 1_300_000.0)  # 1 300 MWh / 1 000 MWh = 1.30 each month and in the year
    xlsx = tmp_path / "dc.xlsx"
    args = ["--database", park_url, "evaluate", "--scheme", "green-data-centre", "--year",
            "2025", "-o", str(xlsx)]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"Cloud DC ({DC})" in out
    # 15 600 000 kWh / 12 000 000 kWh = 1.300
    assert "annual PUE 1.300 (energy-weighted: 15,600,000 kWh / 12,000,000 kWh IT, 12 of 12" in out
    assert "01 1.300" in out and "12 1.300" in out
    assert "WUE 1.5 L/kWh" in out  # 1 500 m³ x 1000 / 1 000 000 kWh
    assert "GB 40879 grade 2" in out
    lines = _lines(out)
    assert lines["pue"].split()[1:] == ["1.3", "-", "1.3", "pass"]
    assert lines["gb40879_grade"].split()[-1] == "pass"
    manual = lines["manual"]
    assert "standard_racks" in manual and "server_energy_saving" in manual
    assert "pue" not in manual.split(": ")[1].split(", ")

    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["datacentres", "criteria", "months"]
    head, row = list(wb["datacentres"].iter_rows(values_only=True))
    dc = dict(zip(head, row, strict=True))
    assert dc["credit code"] == DC and dc["PUE"] == pytest.approx(1.30)
    assert dc["GB 40879 grade"] == 2
    crit = {r[2]: r for r in wb["criteria"].iter_rows(min_row=2, values_only=True)}
    assert crit["pue"][7] == "pass" and crit["standard_racks"][8] == "manual entry needed"
    assert wb["months"].max_row == 13


def test_pue_above_1_30_fails(park_url: str) -> None:
    _build(park_url, 1_310_000.0)  # 1 310 / 1 000 = 1.31 > 1.30
    store = Store(park_url)
    try:
        (c,) = evaluate_datacentres(store, 2025).checks
    finally:
        store.dispose()
    assert c.pue == pytest.approx(1.31) and c.pue_reached is False and c.passed is False
    args = ["--database", park_url, "evaluate", "--scheme", "green-data-centre", "--year", "2025"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "annual PUE 1.310" in result.output
    assert _lines(result.output)["pue"].split()[-1] == "FAIL"
    assert "FAILED (mandatory failed: pue, gb40879_grade)" in result.output
