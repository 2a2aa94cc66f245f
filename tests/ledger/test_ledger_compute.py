"""Monthly ledger: quantities → kgce/tce and tCO2 with the factor of each month's year."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from greenpark.errors import InputError
from greenpark.ledger import LedgerOptions, monthly_ledger

STEEL = Path(__file__).parents[1] / "data" / "ledger" / "uci_steel_15min_2018_kwh.csv"


def _steel_monthly_kwh() -> dict[str, float]:
    """Hand calculation with the csv module: kWh per month.

    ``date`` marks the end of a 15-min interval, but the file writes each midnight with the
    date of the day that ends (``01/01/2018 00:00`` follows ``01/01/2018 23:45``; the last row
    ``31/12/2018 00:00`` is the same quirk, SOURCES.md §3a), so every row belongs to the month
    written in it. The profile is relabelled as 2022 data, the latest year with a Guizhou
    provincial factor (0.4989 tCO2/MWh).
    """
    totals: dict[str, float] = {}
    with STEEL.open(newline="") as f:
        for row in csv.DictReader(f):
            month = row["date"].split("/")[1]
            key = f"2022-{month}"
            totals[key] = totals.get(key, 0.0) + float(row["Usage_kWh"])
    return totals


def test_real_steel_profile_with_guizhou_factor() -> None:
    kwh = _steel_monthly_kwh()
    assert len(kwh) == 12
    frame = pd.DataFrame(
        {"month": list(kwh), "carrier": "electricity", "quantity": list(kwh.values())}
    )
    out = monthly_ledger(frame, LedgerOptions(calibre="province", area="guizhou"))
    for _, row in out.iterrows():
        q = kwh[row["month"]]
        assert row["tce"] == pytest.approx(q * 0.1229 / 1000)  # GB/T 2589 当量值
        assert row["tco2_indirect"] == pytest.approx(q / 1000 * 0.4989)  # Guizhou 2022
        assert row["tco2_direct"] == 0
        assert row["factor_year"] == 2022 and row["factor_note"] == ""
    # the year: 959 636.71 kWh in the dataset → 117.939 tce and 478.763 tCO2 by hand
    assert sum(kwh.values()) == pytest.approx(959_636.71)
    assert out["tce"].sum() == pytest.approx(117.939, abs=5e-4)
    assert out["tco2_indirect"].sum() == pytest.approx(478.763, abs=5e-4)


def test_carriers_and_scopes() -> None:
    # standards.md §9.6: 1 000 m³ gasfield gas = 1 214.3 kgce, 10 000 Nm³ → 21.62 tCO2;
    # 1 t diesel = 1 457.1 kgce and 3.096 tCO2; 100 GJ heat = 3 412 kgce and 11 tCO2
    frame = pd.DataFrame(
        {
            "enterprise": ["A", "A", "B", "B"],
            "month": ["2023-05"] * 4,
            "carrier": ["natural_gas", "diesel", "heat", "cooling"],
            "quantity": [10_000.0, 1.0, 100.0, 50.0],
        }
    )
    out = monthly_ledger(frame).set_index("carrier")
    assert out.loc["natural_gas", "kgce"] == pytest.approx(12_143.0)
    assert out.loc["natural_gas", "tco2_direct"] == pytest.approx(21.62, abs=5e-3)
    assert out.loc["diesel", "kgce"] == pytest.approx(1457.1)
    assert out.loc["diesel", "tco2_direct"] == pytest.approx(3.096, abs=5e-4)
    assert out.loc["heat", "kgce"] == pytest.approx(3412.0)
    assert out.loc["heat", "tco2_indirect"] == pytest.approx(11.0)
    assert out.loc["cooling", "kgce"] == 0 and out.loc["cooling", "tco2_indirect"] == 0
    assert list(out["enterprise"]) == ["A", "A", "B", "B"]


def test_unpublished_year_uses_the_nearest_earlier_and_says_so() -> None:
    frame = pd.DataFrame({"month": ["2025-01"], "carrier": ["electricity"], "quantity": [1000.0]})
    row = monthly_ledger(frame).iloc[0]
    assert row["factor_year"] == 2022
    assert "2025 not published" in row["factor_note"]
    grid = monthly_ledger(frame, LedgerOptions(calibre="region", area="south")).iloc[0]
    assert (grid["factor_year"], grid["tco2_indirect"]) == (2023, pytest.approx(0.4042))


def test_oilfield_gas_and_given_coefficient() -> None:
    frame = pd.DataFrame(
        {
            "month": ["2023-01"] * 2,
            "carrier": ["natural_gas", "electricity"],
            "quantity": [1000.0, 1000.0],
        }
    )
    out = monthly_ledger(
        frame,
        LedgerOptions(
            natural_gas="natural_gas_oilfield", coefficients={"electricity": 0.305}, basis="equal"
        ),
    )
    assert out["kgce"].tolist() == pytest.approx([1330.0, 305.0])
    # 等价值 exists for electricity only; gas stays 当量值, and each row says which
    assert out["basis"].tolist() == ["equivalent", "equal"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"month": "2023-13", "carrier": "electricity", "quantity": 1.0}, "row 1: month"),
        ({"month": "2023-01", "carrier": "uranium", "quantity": 1.0}, "row 1: carrier 'uranium'"),
        ({"month": "2023-01", "carrier": "electricity", "quantity": -1.0}, "row 1: quantity"),
        ({"month": "2019-01", "carrier": "electricity", "quantity": 1.0}, "first published"),
    ],
)
def test_bad_rows_named(row: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        monthly_ledger(pd.DataFrame([row]))
    with pytest.raises(InputError, match="missing column"):
        monthly_ledger(pd.DataFrame({"month": ["2023-01"]}))
