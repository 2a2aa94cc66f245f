"""The reclaimed-water reuse rate (中水回用率, MIIT item 8) from the sewage plants' reclaimed
water meters and outlet flow (``values.reclaimed_water_reuse``); a manual entry where no
plant meters it."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import insert
from test_values import W, build_park

from greenpark.evaluation import load_scheme
from greenpark.evaluation.service import evaluate
from greenpark.evaluation.values import (
    ManualEntry,
    ParkData,
    SewagePlant,
    reclaimed_water_reuse,
    scheme_values,
)
from greenpark.store import Store
from greenpark.store.schema import Meter, MeterMonth

PLANT = SewagePlant(W, "W sewage plant", "WW-OUT", "GB 18918-2002 1A")
HOURS_2023 = 8760


def test_reuse_is_reclaimed_over_discharged_plus_reclaimed() -> None:
    # outlet 90 m³/h all year: 90 x 8 760 = 788 400 m³ discharged; 197 100 m³ reclaimed:
    # 197 100 / (788 400 + 197 100) = 20.0 %
    flows = {"WW-OUT": pd.Series([90.0] * 24)}
    v = reclaimed_water_reuse([PLANT], flows, {W: (197_100.0, 12)}, 2023)
    assert v.value == pytest.approx(20.0)
    assert v.inputs["discharge_m3"]["value"] == pytest.approx(90 * HOURS_2023)
    assert v.completeness == pytest.approx(24 / HOURS_2023)  # 24 valid hours of the year
    # six months of reclaimed water metered: completeness halves, and the note says so
    half = reclaimed_water_reuse([PLANT], flows, {W: (197_100.0, 6)}, 2023)
    assert half.completeness == pytest.approx(24 / HOURS_2023 / 2)
    assert "6 of 12 months" in half.note


def test_without_a_reclaimed_water_meter_it_is_entered_by_hand() -> None:
    v = reclaimed_water_reuse([PLANT], {"WW-OUT": pd.Series([90.0])}, {}, 2023)
    assert v.is_manual and v.unit == "%"
    entry = ManualEntry("reclaimed_water_reuse", 35.0, "%", "plant annual report 2023", "ana",
                        None)  # fmt: skip
    data = ParkData(
        year=2023,
        plants=(PLANT,),
        outlet_flows={"WW-OUT": pd.Series([90.0])},
        entries={"miit-green-park": {"reclaimed_water_reuse": entry}},
    )
    values = scheme_values(load_scheme("miit-green-park", year=2023), data)
    assert values["reclaimed_water_reuse"].value == 35.0  # the entry fills it


def test_a_plant_counts_with_both_figures_on_one_period() -> None:
    v = reclaimed_water_reuse([PLANT], {}, {W: (1000.0, 12)}, 2023)
    assert v.value is None and "no plant has both" in v.note
    assert "no valid outlet flow in 2023: left out" in v.inputs["plants"][W]
    # a second plant with flow but reclaimed water metered in 6 months: scaled to a year,
    # 98 550 x 12 / 6 = 197 100 m³ against 90 x 8 760 = 788 400 m³ -> 20 %; the first is out
    other = SewagePlant("OTHER", "other plant", "OUT-2", "GB 18918-2002 1A")
    v = reclaimed_water_reuse(
        [PLANT, other], {"OUT-2": pd.Series([90.0] * 24)},
        {W: (1000.0, 12), "OTHER": (98_550.0, 6)}, 2023,
    )  # fmt: skip
    assert v.value == pytest.approx(20.0)
    assert "1 of 2 plants left out" in v.note and "scaled to a year" in v.note


def test_evaluate_reads_the_plant_s_reclaimed_water_meter(park_url: str) -> None:
    store: Store = build_park(park_url)
    # W's outlet (test_values.py): 90 m³/h for 24 h and 110 for 24 h valid in May 2023,
    # mean 100 m³/h -> 876 000 m³ a year; its reclaimed water 5 000 m³ a month -> 60 000:
    # 60 000 / 936 000 = 6.4103 %
    _reclaimed_meter(store, 5_000.0)
    v = evaluate(store, "miit-green-park", 2023).current.values["reclaimed_water_reuse"]
    assert v.value == pytest.approx(100 * 60_000 / (876_000 + 60_000))
    assert v.inputs["reclaimed_m3"]["value"] == pytest.approx(60_000)


def _reclaimed_meter(store: Store, per_month: float) -> None:
    with store.write() as c:
        c.execute(
            insert(Meter).values(
                id=21, park_id=1, code="W-RW2", name="reclaimed", carrier="water", unit="m³",
                enterprise_id=3, direction="production", interval_s=900,
            )
        )  # fmt: skip
        c.execute(
            insert(MeterMonth),
            [{"meter_id": 21, "month": f"2023-{m:02d}", "quantity": per_month, "readings": 1}
             for m in range(1, 13)],
        )  # fmt: skip


def test_water_productivity_counts_fresh_water_only(park_url: str) -> None:
    store: Store = build_park(park_url)
    before = evaluate(store, "miit-green-park", 2023).current.values["water_productivity"]
    # A uses 1 000 m³ a month (test_values.py); W delivers 500 m³ of it as reclaimed water:
    # fresh water 12 x 500 = 6 000 m³ instead of 12 000: the productivity doubles
    _reclaimed_meter(store, 500.0)
    after = evaluate(store, "miit-green-park", 2023).current.values["water_productivity"]
    assert after.inputs["water_m3"]["value"] == pytest.approx(6_000)
    assert after.inputs["members_water_m3"]["value"] == pytest.approx(12_000)
    assert after.value == pytest.approx(2 * before.value)
    assert "6,000 m³ of reclaimed water" in after.note


def test_water_all_reclaimed_leaves_no_fresh_water(park_url: str) -> None:
    store: Store = build_park(park_url)
    _reclaimed_meter(store, 5_000.0)  # more than A's 1 000 m³ a month
    v = evaluate(store, "miit-green-park", 2023).current.values["water_productivity"]
    assert v.value is None and "all reclaimed water" in v.note
