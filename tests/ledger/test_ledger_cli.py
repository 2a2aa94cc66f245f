"""``greenpark ledger monthly`` on a small store: top-level consumption meters only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy import insert

from greenpark.cli import cli
from greenpark.store import Store
from greenpark.store.schema import Enterprise, Meter, MeterMonth


def _store(url: str) -> str:
    store = Store(url)
    with store.write() as c:
        c.execute(
            insert(Enterprise).values(
                id=1, park_id=1, credit_code="91520900MA6DLXXXX1", name="E", industry="other"
            )
        )
        meters = [
            # id, code, carrier, unit, parent, direction, formula
            (1, "M-EL", "electricity", "kWh", None, "consumption", None),
            (2, "M-EL-SUB", "electricity", "kWh", 1, "consumption", None),  # counted in M-EL
            (3, "M-PV", "electricity", "kWh", None, "production", None),  # not use
            (4, "M-GAS", "natural_gas", "m³", None, "consumption", None),
            (5, "M-V", "electricity", "kWh", None, "consumption", "M-EL"),  # virtual
        ]
        c.execute(
            insert(Meter),
            [
                {"id": i, "park_id": 1, "code": code, "name": code, "carrier": carrier,
                 "unit": unit, "enterprise_id": 1, "parent_id": parent, "direction": d,
                 "formula": f, "interval_s": 900}
                for i, code, carrier, unit, parent, d, f in meters
            ],
        )  # fmt: skip
        c.execute(
            insert(MeterMonth),
            [
                {"meter_id": m, "month": month, "quantity": q, "readings": 2976}
                for m in (1, 2, 3, 4, 5)
                for month, q in (("2023-01", 10_000.0), ("2023-02", 20_000.0), ("2022-12", 5.0))
            ],
        )
    store.dispose()
    return url


def test_monthly_ledger_csv(park_url: str, tmp_path: Path) -> None:
    url = _store(park_url)
    out = tmp_path / "ledger.csv"
    args = ["--database", url, "ledger", "monthly", "--year", "2023", "--calibre", "national",
            "--area", "china", "-o", str(out)]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert sorted(zip(frame["month"], frame["carrier"], strict=True)) == [
        ("2023-01", "electricity"), ("2023-01", "natural_gas"),
        ("2023-02", "electricity"), ("2023-02", "natural_gas"),
    ]  # fmt: skip
    el = frame[frame["carrier"] == "electricity"].set_index("month")
    assert el.loc["2023-01", "quantity"] == 10_000  # only the top-level real consumption meter
    assert el.loc["2023-01", "tce"] == pytest.approx(1.229)  # x 0.1229 kgce/kWh
    assert el.loc["2023-02", "tco2_indirect"] == pytest.approx(20 * 0.5306)  # national 2023
    gas = frame[frame["carrier"] == "natural_gas"].set_index("month")
    assert gas.loc["2023-01", "tco2_direct"] == pytest.approx(21.62, abs=5e-3)
    assert "tce" in result.output or "tce" in (result.stderr or "")


def test_empty_year_is_an_error(park_url: str) -> None:
    url = _store(park_url)
    result = CliRunner().invoke(cli, ["--database", url, "ledger", "monthly", "--year", "2030"])
    assert result.exit_code != 0
    assert "no energy recorded in 2030" in str(result.exception) + result.output
