"""Green data centres (issue 8 point 4): PUE and WUE by hand, the annual PUE weighted by
energy (not the mean of monthly PUEs), the check against the green-data-centre catalogue
(PUE <= 1.30, ``../shared/reference/standards.md`` 8.3) and the GB 40879 grades, and the
meters found by role in a tiny hand-built store."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import insert

from greenpark.errors import InputError
from greenpark.evaluation import load_scheme
from greenpark.evaluation.datacentre import (
    GB40879_GRADES_CSV,
    DataCentreMetrics,
    check,
    datacentre_months,
    find_datacentres,
    gb40879_grade,
    load_grades,
    monthly_metrics,
    pue,
    wue,
)
from greenpark.store import Store
from greenpark.store.schema import Enterprise, LedgerEntry, Meter, MeterMonth

DC = "91520900MA6DLDCDC1"
DC2 = "91520900MA6DLDCDC2"
MAKER = "91520900MA6DLMMMM3"


# --- pure metrics -----------------------------------------------------------------------------


def test_pue_by_hand() -> None:
    assert pue(1_300_000, 1_000_000) == pytest.approx(1.30)  # 1 300 MWh / 1 000 MWh
    assert pue(1_000.0, 1_000.0) == 1.0


@pytest.mark.parametrize(
    ("total", "it", "why"),
    [
        (1_300.0, 0.0, "needs an IT energy above 0"),
        (1_300.0, -5.0, "needs an IT energy above 0"),
        (900.0, 1_000.0, "below the IT energy"),
        (math.nan, 1_000.0, "not a finite number"),
        ("1300", 1_000.0, "is text"),
    ],
)
def test_pue_refuses(total: object, it: object, why: str) -> None:
    with pytest.raises(InputError, match=why):
        pue(total, it)  # type: ignore[arg-type]


def test_wue_by_hand() -> None:
    # 1 800 m³ = 1 800 000 L over 1 000 000 kWh of IT energy -> 1.8 L/kWh
    assert wue(1_800, 1_000_000) == pytest.approx(1.8)
    assert wue(1_800_000, 1_000_000, water_unit="L") == pytest.approx(1.8)
    with pytest.raises(InputError, match="IT energy above 0"):
        wue(10, 0)
    with pytest.raises(InputError, match="water unit"):
        wue(10, 100, water_unit="gal")
    with pytest.raises(InputError, match="negative"):
        wue(-1, 100)


def _frame(rows: list[tuple[str, str, float, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=["enterprise", "month", "total_kwh", "it_kwh", "water_m3", "renewable_kwh"],
    )


def test_annual_pue_is_energy_weighted_not_the_mean_of_months() -> None:
    m = monthly_metrics(
        _frame(
            [
                # January: 1 300 MWh / 1 000 MWh = 1.30; February: 600 / 400 = 1.50
                ("DC", "2025-01", 1_300_000.0, 1_000_000.0, 1_500.0, 130_000.0),
                ("DC", "2025-02", 600_000.0, 400_000.0, 900.0, 0.0),
            ]
        )
    )
    months = m.months.set_index("month")
    assert months.loc["2025-01", "pue"] == pytest.approx(1.30)
    assert months.loc["2025-02", "pue"] == pytest.approx(1.50)
    assert months.loc["2025-01", "wue_l_per_kwh"] == pytest.approx(1.5)
    assert months.loc["2025-02", "wue_l_per_kwh"] == pytest.approx(2.25)
    assert months.loc["2025-01", "renewable_share_pct"] == pytest.approx(10.0)
    year = m.years.iloc[0]
    # annual PUE = (1 300 + 600) / (1 000 + 400) = 1 900 / 1 400 = 1.357, not (1.30 + 1.50) / 2
    assert year["pue"] == pytest.approx(1_900 / 1_400)
    assert year["pue"] == pytest.approx(1.3571, abs=1e-4)
    assert year["pue_monthly_mean"] == pytest.approx(1.40)
    assert year["wue_l_per_kwh"] == pytest.approx(2_400 * 1000 / 1_400_000)  # 1.714 L/kWh
    assert year["renewable_share_pct"] == pytest.approx(100 * 130_000 / 1_900_000)
    assert year["total_kwh"] == 1_900_000.0 and year["it_kwh"] == 1_400_000.0
    assert year["months"] == 2 and not year["complete"]
    assert "2 of 12 months" in year["problem"] and "2025-03" in year["problem"]


def test_full_year_and_month_problems() -> None:
    rows = [("DC", f"2025-{k:02d}", 1_250.0, 1_000.0, 1.0, 0.0) for k in range(1, 13)]
    m = monthly_metrics(_frame(rows))
    assert m.years.iloc[0]["complete"] and m.years.iloc[0]["problem"] == ""
    assert m.years.iloc[0]["pue"] == pytest.approx(1.25)

    rows[2] = ("DC", "2025-03", 500.0, 0.0, 1.0, 0.0)  # IT idle: PUE undefined that month
    rows[3] = ("DC", "2025-04", 900.0, 1_000.0, 1.0, 0.0)  # total below IT: a metering error
    m = monthly_metrics(_frame(rows))
    months = m.months.set_index("month")
    assert math.isnan(months.loc["2025-03", "pue"])
    assert months.loc["2025-03", "problem"] == "IT energy is 0: PUE undefined"
    assert months.loc["2025-04", "pue"] == pytest.approx(0.9)
    assert "check the meters" in months.loc["2025-04", "problem"]
    year = m.years.iloc[0]
    # the idle month's facility energy still counts in the year: sum(total) / sum(IT)
    assert year["pue"] == pytest.approx((10 * 1_250 + 500 + 900) / 11_000)
    assert "1 month(s) with PUE < 1" in year["problem"]


def test_optional_columns_and_refusals() -> None:
    m = monthly_metrics(
        pd.DataFrame({"enterprise": ["A"], "month": ["2025-01"], "total_kwh": [13.0],
                      "it_kwh": [10.0]})
    )  # fmt: skip
    assert m.months.iloc[0]["pue"] == pytest.approx(1.3)
    assert math.isnan(m.months.iloc[0]["wue_l_per_kwh"])
    assert math.isnan(m.years.iloc[0]["renewable_share_pct"])
    with pytest.raises(InputError, match="it_kwh"):
        monthly_metrics(pd.DataFrame({"enterprise": ["A"], "month": ["2025-01"],
                                      "total_kwh": [1.0]}))  # fmt: skip
    with pytest.raises(InputError, match="not YYYY-MM"):
        monthly_metrics(_frame([("A", "2025-1", 13.0, 10.0, 0.0, 0.0)]))
    with pytest.raises(InputError, match="appears twice"):
        monthly_metrics(_frame([("A", "2025-01", 13.0, 10.0, 0, 0)] * 2))
    with pytest.raises(InputError, match="negative"):
        monthly_metrics(_frame([("A", "2025-01", 13.0, -10.0, 0.0, 0.0)]))


# --- GB 40879 grades and the catalogue --------------------------------------------------------


def test_grade_table_is_data_marked_uncertain() -> None:
    grades = load_grades()
    assert [(g.grade, g.pue_max) for g in grades] == [(1, 1.20), (2, 1.30), (3, 1.50)]
    assert {g.confidence for g in grades} == {"U"}
    assert all(g.standard == "GB 40879-2021" and g.source for g in grades)
    assert gb40879_grade(1.20) == 1
    assert gb40879_grade(1.21) == 2
    assert gb40879_grade(1.30) == 2  # the threshold belongs to its grade
    assert gb40879_grade(1.31) == 3
    assert gb40879_grade(1.50) == 3
    assert gb40879_grade(1.51) == 4  # worse than the limit value


def test_corrected_grade_table(tmp_path: Path) -> None:
    path = tmp_path / "grades.csv"
    path.write_text(GB40879_GRADES_CSV.replace(",1.50,", ",1.40,"), encoding="utf-8")
    grades = load_grades(path)
    assert gb40879_grade(1.45, grades) == 4
    bad = tmp_path / "bad.csv"
    bad.write_text(GB40879_GRADES_CSV.replace(",1.50,", ",1.25,"), encoding="utf-8")
    with pytest.raises(InputError, match="must rise"):
        load_grades(bad)


def _years(pue_value: float, enterprise: str = "DC") -> pd.DataFrame:
    rows = [
        (enterprise, f"2025-{k:02d}", 1_000_000.0 * pue_value, 1_000_000.0, 1_500.0, 400_000.0)
        for k in range(1, 13)
    ]
    return monthly_metrics(_frame(rows)).years


def test_check_passes_at_1_30_and_fails_at_1_31() -> None:
    (at,) = check(_years(1.30))
    assert at.pue == pytest.approx(1.30)
    assert at.pue_reached is True
    assert at.score.indicator("pue").passed is True
    assert at.grade == 2 and at.grade_pue_max == 1.30 and at.within_limit is True
    assert at.score.indicator("gb40879_grade").passed is True
    assert at.complete

    (over,) = check(_years(1.31))
    assert over.pue_reached is False
    assert over.score.indicator("pue").passed is False
    assert over.score.indicator("pue").gap == pytest.approx(0.01)
    assert over.grade == 3 and over.within_limit is True
    assert over.score.indicator("gb40879_grade").passed is False
    assert over.passed is False
    assert "pue" in over.score.mandatory_failed

    (bad,) = check(_years(1.55))
    assert bad.grade == 4 and bad.within_limit is False
    assert any("limit value" in n for n in bad.notes)


def test_check_renewable_margin_and_manual_criteria() -> None:
    manual = {
        "gbt44989_grade2": 1,
        "server_energy_saving": 1,
        "standard_racks": 3_200,
        "rack_utilisation": 65,
        "stable_operation_years": 3,
        "hub_node_location": 1,
    }
    # renewable share = 400 MWh / 1 250 MWh = 32 %; Guizhou-like weight 30 % -> margin +2
    (ok,) = check(_years(1.25), province_weight_pct=30.0, values={"DC": manual})
    assert ok.values["renewable_share_margin"] == pytest.approx(2.0)
    assert ok.score.mandatory_failed == () and ok.passed is True
    assert ok.score.index == pytest.approx(100.0)

    (short,) = check(_years(1.25), province_weight_pct={2025: 35.0}, values={"DC": manual})
    assert short.values["renewable_share_margin"] == pytest.approx(-3.0)
    assert short.score.mandatory_failed == ("renewable_share_margin",)

    (undecided,) = check(_years(1.25))
    assert undecided.values["renewable_share_margin"] is None
    assert undecided.passed is None
    assert "renewable_share_margin" in undecided.score.mandatory_undecided
    assert any("province_weight_pct" in n for n in undecided.notes)

    with pytest.raises(InputError, match="computed from the meters"):
        check(_years(1.25), values={"DC": {"pue": 1.1}})


def test_corrected_catalogue_changes_the_verdict(tmp_path: Path) -> None:
    text = (
        resources.files("greenpark.evaluation")
        .joinpath("catalogues", "green_data_centre.csv")
        .read_text("utf-8")
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    for r in rows:
        if r["id"] == "pue":
            r["leading"] = "1.25"  # e.g. a stricter provincial criterion
    path = tmp_path / "dc.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    scheme = load_scheme("green-data-centre", year=2025, path=path)
    (shipped,) = check(_years(1.28))
    (strict,) = check(_years(1.28), scheme)
    assert shipped.pue_reached is True
    assert strict.pue_reached is False


# --- the store --------------------------------------------------------------------------------

#: Monthly totals of the hand-built park, 2025 (kWh; water m³).
DC_MONTH = {"DC-EL": 1_250_000.0, "DC-EL-IT": 1_000_000.0, "DC-EL-CL": 180_000.0, "DC-WA": 1_600.0}


def _build(url: str) -> Store:
    """Park P: data centre DC with a main meter, IT and cooling sub-meters, a virtual IT +
    cooling meter and a water meter (the demo's layout); data centre DC2 whose meters the
    naming rule cannot see (override test); a manufacturer with an ordinary sub-meter."""
    store = Store(url)
    with store.write() as c:
        c.execute(
            insert(Enterprise),
            [
                {"id": 1, "park_id": 1, "credit_code": DC, "name": "Cloud DC",
                 "industry": "big_data"},
                {"id": 2, "park_id": 1, "credit_code": DC2, "name": "Second DC",
                 "industry": "big_data"},
                {"id": 3, "park_id": 1, "credit_code": MAKER, "name": "Maker",
                 "industry": "electronic_information"},
            ],
        )  # fmt: skip
        meters = [
            # id, code, name, carrier, unit, owner, parent, formula
            (1, "DC-EL", "Electricity main meter", "electricity", "kWh", 1, None, None),
            (2, "DC-EL-IT", "IT load", "electricity", "kWh", 1, 1, None),
            (3, "DC-EL-CL", "Cooling", "electricity", "kWh", 1, 1, None),
            (4, "DC-EL-ITC", "IT + cooling (virtual)", "electricity", "kWh", 1, None,
             "DC-EL-IT + DC-EL-CL"),
            (5, "DC-WA", "Water intake", "water", "m³", 1, None, None),
            (6, "D2-MAIN", "Incomer", "electricity", "kWh", 2, None, None),
            (7, "D2-SRV", "Server hall", "electricity", "kWh", 2, 6, None),
            (8, "M-EL", "Electricity main meter", "electricity", "kWh", 3, None, None),
            (9, "M-EL-LINE1", "Line 1", "electricity", "kWh", 3, 8, None),
        ]  # fmt: skip
        c.execute(
            insert(Meter),
            [
                {"id": i, "park_id": 1, "code": code, "name": name, "carrier": carrier,
                 "unit": unit, "enterprise_id": owner, "parent_id": parent, "formula": f,
                 "direction": "consumption", "interval_s": 900}
                for i, code, name, carrier, unit, owner, parent, f in meters
            ],
        )  # fmt: skip
        ids = {"DC-EL": 1, "DC-EL-IT": 2, "DC-EL-CL": 3, "DC-WA": 5}
        rows = []
        for m in range(1, 13):
            days = (dt.date(2025 + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)).day
            full = days * 96
            for code, q in DC_MONTH.items():
                # July: the main meter lost half a day of readings (but its total is given)
                n = full - 48 if (code == "DC-EL" and m == 7) else full
                rows.append({"meter_id": ids[code], "month": f"2025-{m:02d}", "quantity": q,
                             "readings": n})  # fmt: skip
            rows += [
                {"meter_id": 6, "month": f"2025-{m:02d}", "quantity": 140.0, "readings": full},
                {"meter_id": 7, "month": f"2025-{m:02d}", "quantity": 100.0, "readings": full},
                {"meter_id": 8, "month": f"2025-{m:02d}", "quantity": 500.0, "readings": full},
                {"meter_id": 9, "month": f"2025-{m:02d}", "quantity": 200.0, "readings": full},
            ]
        rows.append({"meter_id": 1, "month": "2024-12", "quantity": 9e9, "readings": 2976})
        c.execute(insert(MeterMonth), rows)
        c.execute(
            insert(LedgerEntry),
            [
                {"park_id": 1, "enterprise_id": 1, "month": "2025-06", "carrier": "electricity",
                 "kind": "green_power", "quantity": 300.0, "unit": "MWh",
                 "entered_at": dt.datetime(2025, 7, 1, tzinfo=dt.UTC)},
                {"park_id": 1, "enterprise_id": 1, "month": "2025-06", "carrier": "electricity",
                 "kind": "gec", "quantity": 50.0, "unit": "MWh",
                 "entered_at": dt.datetime(2025, 7, 1, tzinfo=dt.UTC)},
            ],
        )  # fmt: skip
    return store


def test_meters_found_by_role(park_url: str) -> None:
    store = _build(park_url)
    try:
        with store.read() as conn:
            (dc,) = find_datacentres(conn, "P")
            assert dc.enterprise == DC and dc.enterprise_name == "Cloud DC"
            assert (dc.total, dc.it, dc.cooling, dc.water, dc.renewable) == (
                ("DC-EL",), ("DC-EL-IT",), ("DC-EL-CL",), ("DC-WA",), ()
            )  # fmt: skip
            assert dc.rule == "codes"
            both = find_datacentres(conn, meters={DC2: {"total": "D2-MAIN", "it": ["D2-SRV"]}})
            assert [d.enterprise for d in both] == [DC, DC2]
            assert both[1].rule == "override" and both[1].it == ("D2-SRV",)
            with pytest.raises(InputError, match="virtual"):
                find_datacentres(conn, meters={DC: {"total": "DC-EL", "it": "DC-EL-ITC"}})
            with pytest.raises(InputError, match="no meter"):
                find_datacentres(conn, meters={DC: {"total": "DC-EL", "it": "NOPE"}})
            with pytest.raises(InputError, match="required"):
                find_datacentres(conn, meters={DC: {"total": "DC-EL"}})
            with pytest.raises(InputError, match="no park"):
                find_datacentres(conn, "Q")
    finally:
        store.dispose()


def test_datacentre_months_from_the_store(park_url: str) -> None:
    store = _build(park_url)
    try:
        with store.read() as conn:
            frame = datacentre_months(conn, 2025, "P", fill="none")
            scaled = datacentre_months(conn, 2025, "P")  # default: fill="scale"
            with pytest.raises(InputError, match="fill"):
                datacentre_months(conn, 2025, "P", fill="linear")
    finally:
        store.dispose()
    assert list(frame["enterprise"].unique()) == [DC]
    assert list(frame["month"]) == [f"2025-{m:02d}" for m in range(1, 13)]  # not 2024-12
    jan = frame.iloc[0]
    assert (jan["total_kwh"], jan["it_kwh"], jan["cooling_kwh"], jan["water_m3"]) == (
        1_250_000.0, 1_000_000.0, 180_000.0, 1_600.0
    )  # fmt: skip
    assert jan["renewable_kwh"] == 0.0
    june = frame.set_index("month").loc["2025-06"]
    assert june["renewable_kwh"] == 350_000.0  # 300 MWh green power + 50 MWh certificates
    july = frame.set_index("month").loc["2025-07"]
    share = (31 * 96 - 48) / (31 * 96)  # the main meter lost 48 of 2 976 readings
    assert july["total_completeness"] == pytest.approx(share)
    assert july["it_completeness"] == 1.0
    assert july["completeness"] == pytest.approx(share)
    assert jan["completeness"] == 1.0 and jan["fill"] == "none"
    assert jan["meters"].startswith("total DC-EL; it DC-EL-IT; cooling DC-EL-CL; water DC-WA")

    m = monthly_metrics(frame)
    assert isinstance(m, DataCentreMetrics)
    year = m.years.iloc[0]
    assert year["pue"] == pytest.approx(1.25)  # 15 000 MWh / 12 000 MWh
    assert year["clf"] == pytest.approx(0.18)
    assert year["wue_l_per_kwh"] == pytest.approx(1.6)  # 19 200 m³ x 1000 / 12 000 000 kWh
    assert year["renewable_share_pct"] == pytest.approx(100 * 350_000 / 15_000_000)
    assert year["complete"] and year["enterprise_name"] == "Cloud DC"
    assert year["completeness"] == pytest.approx(share)
    # the stored July total misses half a day of the main meter but none of the IT meter
    july_m = m.months.set_index("month").loc["2025-07"]
    assert july_m["pue"] == pytest.approx(1.25)
    assert "unequal gaps: total meter 98.4 %" in july_m["problem"]
    assert "1 month(s) with unequal gaps" in year["problem"]
    (result,) = check(m)
    assert result.pue_reached is True and result.grade == 2

    # fill="scale" pro-rates each meter's total to its share of expected readings
    s = monthly_metrics(scaled)
    july_s = s.months.set_index("month").loc["2025-07"]
    assert july_s["total_kwh"] == pytest.approx(1_250_000.0 / share)
    assert july_s["pue"] == pytest.approx(1.25 / share)
    assert july_s["problem"] == ""
    assert s.years.iloc[0]["pue"] == pytest.approx((11 * 1.25 + 1.25 / share) / 12)
