"""Interval readings in: registry meters, units, times, every bad row named."""

from __future__ import annotations

import pandas as pd
import pytest

from greenpark.ledger.readings import MeterInfo, check_interval_readings, unit_factor

METERS = {
    "EL-1": MeterInfo(1, "kWh", 900, False),
    "HEAT-1": MeterInfo(2, "GJ", 3600, False),
    "V-1": MeterInfo(3, "kWh", 900, True),
}
TZ = "Asia/Shanghai"


def test_good_rows_default_end_and_zone() -> None:
    frame = pd.DataFrame(
        {
            "meter": ["EL-1", "EL-1", "HEAT-1"],
            "start": ["2025-01-01 00:00", "2025-01-01T00:15+08:00", "2025-01-01 00:00"],
            "quantity": ["12.5", "13", "1.2"],
        }
    )
    checked = check_interval_readings(frame, METERS, source="r.csv", timezone=TZ)
    assert checked.errors == [] and checked.rows == 3
    g = checked.good
    assert g["meter_id"].tolist() == [1, 1, 2]
    assert g["start"].iloc[0] == pd.Timestamp("2025-01-01 00:00", tz=TZ)
    assert g["end"].iloc[0] - g["start"].iloc[0] == pd.Timedelta(minutes=15)  # meter interval
    assert g["end"].iloc[2] - g["start"].iloc[2] == pd.Timedelta(hours=1)
    assert g["quantity"].tolist() == [12.5, 13.0, 1.2]
    assert (g["quality"] == "ok").all()


def test_units_converted() -> None:
    frame = pd.DataFrame(
        {
            "meter": ["EL-1", "HEAT-1", "HEAT-1"],
            "start": ["2025-01-01 00:00"] * 3,
            "quantity": [1.5, 500, 1000],
            "unit": ["MWh", "MJ", "kWh"],
        }
    )
    g = check_interval_readings(frame, METERS, source="r.csv", timezone=TZ).good
    # 1.5 MWh = 1 500 kWh; 500 MJ = 0.5 GJ; 1 000 kWh of heat = 3.6 GJ
    assert g["quantity"].tolist() == pytest.approx([1500.0, 0.5, 3.6])
    assert unit_factor("t", "kWh") is None


def test_every_bad_row_named_and_good_rows_kept() -> None:
    frame = pd.DataFrame(
        {
            "meter": ["EL-1", "NOPE", "V-1", "EL-1", "EL-1", "EL-1", "EL-1", "HEAT-1"],
            "start": ["2025-01-01 00:00", "2025-01-01 00:00", "2025-01-01 00:00", "yesterday",
                      "2025-01-01 00:00", "2025-01-01 00:00", "2025-01-01 01:00",
                      "2025-01-01 00:00"],
            "end": [None, None, None, None, None, None, "2025-01-01 00:30", None],
            "quantity": [1, 1, 1, 1, "n/a", -3, 1, 2],
            "unit": ["kWh", "kWh", "kWh", "kWh", "kWh", "kWh", "kWh", "t"],
        }
    )  # fmt: skip
    checked = check_interval_readings(frame, METERS, source="r.csv", timezone=TZ)
    got = [(e.row, e.column) for e in checked.errors]
    assert got == [
        (3, "meter"), (4, "meter"), (5, "start"), (6, "quantity"), (7, "quantity"),
        (8, "end"), (9, "unit"),
    ]  # fmt: skip
    reasons = {e.row: e.reason for e in checked.errors}
    assert reasons[3] == "no meter 'NOPE' in the registry"
    assert "virtual" in reasons[4] and reasons[7] == "negative" and reasons[8] == "not after start"
    assert "'t' does not convert to the meter's 'GJ'" in reasons[9]
    assert checked.good["meter_id"].tolist() == [1]  # row 2 only
    assert str(checked.errors[0]).startswith("r.csv: row 3, column 'meter'")


def test_missing_columns() -> None:
    checked = check_interval_readings(
        pd.DataFrame({"meter": ["EL-1"]}), METERS, source="r.csv", timezone=TZ
    )
    assert [(e.row, e.column) for e in checked.errors] == [(1, "start,quantity")]
