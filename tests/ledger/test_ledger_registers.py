"""Cumulative registers → interval use: rollover, meter replacement, duplicates, errors."""

from __future__ import annotations

import pandas as pd
import pytest

from greenpark.errors import RowsError
from greenpark.ledger.registers import Replacement, register_intervals

T0 = pd.Timestamp("2024-03-01 00:00", tz="Asia/Shanghai")


def _frame(meter: str, values: list[float]) -> pd.DataFrame:
    times = [T0 + pd.Timedelta(minutes=15 * i) for i in range(len(values))]
    return pd.DataFrame({"meter": meter, "time": times, "register": values})


def test_differences() -> None:
    out = register_intervals(_frame("M1", [100.0, 102.5, 102.5, 110.0]))
    assert out["quantity"].tolist() == [2.5, 0.0, 7.5]
    assert (out["quality"] == "ok").all()
    assert out["start"].iloc[0] == T0 and out["end"].iloc[-1] == T0 + pd.Timedelta(minutes=45)


def test_rollover_of_an_eight_digit_register() -> None:
    # 99 999 990 → 99 999 998 → (passes 10⁸) 5 → 12: 8 + 7 + 7 kWh
    out = register_intervals(
        _frame("M1", [99_999_990.0, 99_999_998.0, 5.0, 12.0]), capacity={"M1": 100_000_000.0}
    )
    assert out["quantity"].tolist() == [8.0, 7.0, 7.0]
    assert out["quality"].tolist() == ["ok", "rollover", "ok"]


def test_meter_replacement() -> None:
    # old meter read 5 000 at 00:15, ended at 5 003; the new one started at 0 and reads 4 at
    # 00:30: use = (5 003 - 5 000) + (4 - 0) = 7
    frame = _frame("M1", [4_990.0, 5_000.0, 4.0, 9.0])
    swap = Replacement("M1", T0 + pd.Timedelta(minutes=20), old_final=5_003.0, new_initial=0.0)
    out = register_intervals(frame, replacements=[swap])
    assert out["quantity"].tolist() == [10.0, 7.0, 5.0]
    assert out["quality"].tolist() == ["ok", "replacement", "ok"]


def test_duplicate_upload_counts_once() -> None:
    frame = _frame("M1", [1.0, 2.0, 4.0])
    once = register_intervals(frame)
    twice = register_intervals(pd.concat([frame, frame], ignore_index=True))
    pd.testing.assert_frame_equal(once, twice)
    assert twice["quantity"].sum() == 3.0


def test_every_bad_row_named() -> None:
    frame = pd.concat(
        [
            _frame("M1", [10.0, 9.0, 12.0]),  # falls with no capacity or replacement
            _frame("M2", [1.0, -5.0]),  # negative
            _frame("M3", [1.0, 2.0]),
            _frame("M3", [1.0, 3.0]),  # same time as the M3 rows above, another value
        ],
        ignore_index=True,
    )
    with pytest.raises(RowsError) as info:
        register_intervals(frame, source="m.csv")
    errors = info.value.errors
    assert [(e.row, e.column) for e in errors] == [
        (3, "register"),
        (6, "register"),
        (10, "register"),
    ]
    assert "register fell from 10 (row 2) to 9" in errors[0].reason
    assert "missing or negative" in errors[1].reason
    assert "row 8 says 2" in errors[2].reason
    assert str(errors[0]).startswith("m.csv: row 3")


def test_rollover_too_large_is_refused() -> None:
    with pytest.raises(RowsError, match="too large for a rollover"):
        register_intervals(_frame("M1", [50.0, 10.0]), capacity={"M1": 100.0})
