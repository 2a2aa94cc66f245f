"""The park's ledger on the small park of ``_park.py``, checked against hand calculations.

One month of 2023 by hand (GB/T 2589-2008 Appendix A: electricity 0.1229 kgce/kWh, gas-field
natural gas 1.2143 kgce/m³; MEE/NBS Guizhou 2022 factor 0.4989 tCO2/MWh used for 2023, the
2023 provincial factor not being published; residual mix 2023 0.6096 tCO2/MWh):

- members use 110 000 kWh (A 100 000 + station 10 000) and 21 000 m³ of gas;
- the station delivers 50 000 kWh (engines 30 000 + PV 20 000) to A: internal supply
  min(50 000, 100 000) = 50 000 kWh; grid electricity 110 000 - 50 000 = 60 000 kWh;
- park energy = (60 000 + 20 000 PV) x 0.1229 / 1000 + 21 000 x 1.2143 / 1000
  = 9.832 + 25.5003 = 35.3323 tce (members' sum 39.0193: the engines' 3.687 tce is counted
  once, in the gas);
- indirect CO2 = 60 000 x 0.4989 / 1000 = 29.934 t; direct = 21 000 m³ x EF(gas).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

import ledger_park as _park
from greenpark.cli import cli
from greenpark.errors import InputError, RowsError
from greenpark.ledger.service import (
    change_factor,
    enter_figures,
    issue_report,
    load_book,
    set_budget,
)
from greenpark.standards.energy import fuel_emission_factor
from greenpark.store import Store
from greenpark.store.schema import AuditEvent, LedgerEntry

GAS_EF = fuel_emission_factor("natural_gas").value  # [tCO2/m³]


@pytest.fixture
def park(park_url: str) -> Store:
    return _park.build(park_url)


def _book(store: Store, year: int = 2023):
    with store.read() as conn:
        return load_book(conn, year)[1]


def test_park_counted_once(park: Store) -> None:
    book = _book(park)
    jan = book.park_months.set_index("month").loc["2023-01"]
    assert jan["grid_kwh"] == pytest.approx(60_000)
    assert jan["renewable_kwh"] == pytest.approx(20_000)
    assert jan["tce"] == pytest.approx(35.3323)
    assert jan["tco2_indirect"] == pytest.approx(29.934)
    assert jan["tco2_direct"] == pytest.approx(21_000 * GAS_EF)
    s = book.summary
    assert s["tce"] == pytest.approx(12 * 35.3323)
    assert s["members_tce"] == pytest.approx(12 * 39.0193)
    # green electricity: PV 20 000 of 110 000 kWh used
    assert s["green_electricity_share"] == pytest.approx(20_000 / 110_000)
    # clean = (renewable + gas) / total
    assert s["clean_share"] == pytest.approx((20_000 * 0.1229 + 21_000 * 1.2143) / 35_332.3)
    # value added 1 000 x 10⁴ yuan (only A reports it)
    assert s["tce_per_va"] == pytest.approx(12 * 35.3323 / 1000)
    # 2022: A used 90 000 kWh a month, so 10 000 kWh less grid electricity
    assert s["tce_previous"] == pytest.approx(12 * (35.3323 - 1.229))
    assert s["tce_yoy"] == pytest.approx(35.3323 / (35.3323 - 1.229) - 1)
    assert not book.factors.empty and set(book.factors["scope"]) >= {"direct", "indirect"}


def test_enterprise_rows_and_intensity(park: Store) -> None:
    e = _book(park).enterprises.set_index("enterprise")
    a = e.loc[_park.A]
    # 100 000 kWh x 0.1229 + 1 000 m³ x 1.2143 kgce a month (2022: 90 000 kWh)
    assert a["tce"] == pytest.approx(12 * (12.29 + 1.2143))
    assert a["tce_per_va"] == pytest.approx(a["tce"] / 1000)
    assert a["tce_yoy"] == pytest.approx((12.29 + 1.2143) / (11.061 + 1.2143) - 1)
    assert e.loc[_park.S, "value_added"] != e.loc[_park.S, "value_added"]  # NaN: not reported


def test_green_certificates_market_based(park: Store) -> None:
    enter_figures(
        park,
        [{"enterprise": _park.A, "month": "2023-01", "kind": "gec", "quantity": "10",
          "unit": "GEC"}],
        park_code=None,
        who="alice",
    )  # fmt: skip
    book = _book(park)
    jan = book.park_months.set_index("month").loc["2023-01"]
    # (60 000 - 10 000 certified) kWh x 0.6096 (residual mix 2023) / 1000
    assert jan["tco2_indirect_market"] == pytest.approx(50_000 * 0.6096 / 1000)
    assert book.summary["green_electricity_share"] == pytest.approx(
        (12 * 20_000 + 10_000) / (12 * 110_000)
    )
    a = book.enterprises.set_index("enterprise").loc[_park.A]
    assert a["green_kwh"] == pytest.approx(10_000)


def test_a_duplicate_entry_replaces_and_is_audited(park: Store) -> None:
    row = {"enterprise": _park.A, "month": "2023-03", "carrier": "diesel", "kind": "consumption",
           "quantity": "2000", "unit": "kg"}  # fmt: skip
    first = enter_figures(park, [row], park_code=None, who="alice")
    again = enter_figures(park, [row], park_code=None, who="bob")
    assert (first.new, again.new, again.replaced) == (1, 0, 1)
    with park.read() as conn:
        stored = conn.execute(select(LedgerEntry.quantity, LedgerEntry.entered_by)).all()
        events = conn.execute(
            select(AuditEvent.actor, AuditEvent.detail).where(AuditEvent.action == "ledger.entry")
        ).all()
    assert stored == [(2.0, "bob")]  # 2 000 kg = 2 t, once
    assert [e.actor for e in events] == ["alice", "bob"]
    assert events[1].detail["replaced"][0]["entered_by"] == "alice"
    a = _book(park).rows
    diesel = a[(a["carrier"] == "diesel")]
    assert diesel["tce"].sum() == pytest.approx(2 * 1.4571)  # 2 t x 1 457.1 kgce/t


def test_bad_entries_name_every_field_and_write_nothing(park: Store) -> None:
    rows = [
        {"enterprise": _park.A, "month": "2023-13", "carrier": "diesel", "kind": "consumption",
         "quantity": "1", "unit": "t"},
        {"enterprise": "NOPE", "month": "2023-01", "carrier": "coal", "kind": "spend",
         "quantity": "-1", "unit": "t"},
        {"enterprise": _park.A, "month": "2023-01", "carrier": "diesel", "kind": "purchase",
         "quantity": "1", "unit": "m³"},
    ]  # fmt: skip
    with pytest.raises(RowsError) as err:
        enter_figures(park, rows, park_code=None, who="alice", source="fuel.csv")
    found = {(e.row, e.column) for e in err.value.errors}
    assert found == {(2, "month"), (3, "enterprise"), (3, "kind"), (3, "quantity"), (4, "unit")}
    assert all(e.file == "fuel.csv" for e in err.value.errors)
    with park.read() as conn:
        assert conn.execute(select(LedgerEntry.id)).all() == []


def test_factor_change_recomputes_its_months_and_names_reports(park: Store, tmp_path: Path) -> None:
    issue_report(park, year=2023, month=None, fmt="csv", output=tmp_path / "r.csv", who="alice")
    issue_report(park, year=2022, month=None, fmt="csv", output=tmp_path / "q.csv", who="alice")
    change = change_factor(
        park, kind="electricity", key="province/guizhou", year=2023, value=0.5,
        source="test notice", who="carol",
    )  # fmt: skip
    # only 2023 months change: 2022 keeps its own published factor
    assert [m["month"] for m in change.months] == [f"2023-{m:02d}" for m in range(1, 13)]
    jan = change.months[0]
    assert jan["tco2_after"] - jan["tco2_before"] == pytest.approx(60_000 * (0.5 - 0.4989) / 1000)
    assert [r["year"] for r in change.reports] == [2023]
    jan_book = _book(park).park_months.set_index("month").loc["2023-01"]
    assert jan_book["tco2_indirect"] == pytest.approx(30.0)  # 60 000 kWh x 0.5 / 1000
    with park.read() as conn:
        event = conn.execute(select(AuditEvent).where(AuditEvent.action == "ledger.factor")).one()
    assert event.actor == "carol"
    assert event.detail["old_shipped"]["value"] == 0.4989
    assert event.detail["new"]["value"] == 0.5
    assert event.detail["reports"] == [change.reports[0]["id"]]
    # a second change supersedes the first and keeps it as the old value
    again = change_factor(
        park, kind="electricity", key="province/guizhou", year=2023, value=0.51,
        source="corrected", who="carol",
    )  # fmt: skip
    assert again.old is not None and again.old["value"] == 0.5


@pytest.mark.parametrize(
    ("kind", "key", "year", "value", "message"),
    [
        ("electricity", "province/guizhou", None, 0.5, "needs its data --year"),
        ("electricity", "guizhou", 2023, 0.5, "calibre/area"),
        ("electricity", "province/guizhou", 2023, 500.0, "give tCO2/MWh"),
        ("fuel", "unobtainium", None, 2.0, "unobtainium"),
        ("wind", "x", None, 1.0, "kind 'wind' unknown"),
        ("fuel", "diesel", None, -1.0, "> 0"),
    ],
)
def test_bad_factor_is_refused(
    park: Store, kind: str, key: str, year: int | None, value: float, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        change_factor(park, kind=kind, key=key, year=year, value=value, source="s", who="x")


def test_budget_projection_and_warning(park: Store) -> None:
    set_budget(park, year=2023, quantity="tce", budget=400.0, enterprise=None, who="alice")
    old = set_budget(park, year=2023, quantity="tce", budget=500.0, enterprise=None, who="bob")
    assert old == 400.0
    set_budget(park, year=2023, quantity="tco2", budget=100.0, enterprise=_park.A, who="bob")
    p = _book(park).projections
    assert p[("", "tce")].status == "ok"  # 424.0 of 500
    assert p[(_park.A, "tco2")].status == "over"
    with pytest.raises(InputError, match="no enterprise"):
        set_budget(park, year=2023, quantity="tce", budget=1.0, enterprise="X", who="bob")


def test_cli_summary_report_and_entries(park: Store, park_url: str, tmp_path: Path) -> None:
    run = CliRunner()
    fuel = tmp_path / "fuel.csv"
    fuel.write_text(
        "enterprise,month,carrier,kind,quantity,unit,note\n"
        f"{_park.A},2023-02,diesel,purchase,3,t,tanker\n"
        f"{_park.A},2023-02,diesel,consumption,1500,kg,\n"
        f"{_park.A},2023-02,diesel,closing_stock,1.5,t,\n",
        encoding="utf-8",
    )
    r = run.invoke(cli, ["--database", park_url, "ledger", "entries", "import", str(fuel)])
    assert r.exit_code == 0, r.output
    assert "3 figure(s) entered: 3 new" in r.output
    r = run.invoke(cli, ["--database", park_url, "ledger", "summary", "--year", "2023"])
    assert r.exit_code == 0, r.output
    assert f"{12 * 35.3323 + 1.5 * 1.4571:,.1f} tce" in r.output
    out = tmp_path / "rep.xlsx"
    r = run.invoke(
        cli, ["--database", park_url, "ledger", "report", "--year", "2023", "-o", str(out)]
    )
    assert r.exit_code == 0, r.output
    import openpyxl

    wb = openpyxl.load_workbook(out)
    assert "2023-02" in wb.sheetnames and "carbon" in wb.sheetnames


def test_measured_heating_value_overrides_for_one_enterprise(park: Store) -> None:
    # GB/T 2589-2008 clause 4.1: a measured low heating value replaces the reference
    # coefficient: 36 000 kJ/m³ / 29 307 kJ/kgce = 1.22838 kgce/m³ (reference 1.2143).
    change = change_factor(
        park, kind="heating_value", key=f"{_park.A}/natural_gas", year=None, value=36_000,
        source="lab report 2023-001", who="alice",
    )  # fmt: skip
    assert len(change.months) == 24  # both years of data: every month of A's gas changes
    book = _book(park)
    jan = book.park_months.set_index("month").loc["2023-01"]
    assert jan["tce"] == pytest.approx(35.3323 - 1.2143 + 36_000 / 29_307)  # into the park total
    rows = book.rows
    gas = rows[rows["carrier"] == "natural_gas"].set_index("enterprise")
    a = gas.loc[_park.A].iloc[0]
    assert a["coefficient"] == pytest.approx(36_000 / 29_307)
    assert a["tce"] == pytest.approx(1_000 * 36_000 / 29_307 / 1000)
    assert a["coefficient_source"] == "lab report 2023-001"
    assert gas.loc[_park.S].iloc[0]["coefficient"] == pytest.approx(1.2143)  # the station's
    with pytest.raises(InputError, match="no enterprise"):
        change_factor(
            park, kind="heating_value", key="X/natural_gas", year=None, value=1.0,
            source="s", who="x",
        )  # fmt: skip
    with pytest.raises(InputError, match="of a fuel"):
        change_factor(
            park, kind="heating_value", key=f"{_park.A}/cooling", year=None, value=1.0,
            source="s", who="x",
        )  # fmt: skip


def test_a_water_producer_still_takes_the_station_s_electricity(park: Store) -> None:
    """Internal supply of a carrier goes to the members that produce none *of it*: a sewage
    plant W delivering reclaimed water (a production meter of water) and using 60 000 kWh
    takes the station's electricity like any member. January 2023 with A cut to 30 000 kWh:
    members 30 000 + 10 000 (station) + 60 000 = 100 000 kWh; the station's 50 000 kWh go to
    A and W (90 000 kWh): grid 100 000 - 50 000 = 50 000 kWh (counting only A, 70 000)."""
    from sqlalchemy import insert, update

    from greenpark.store.schema import Enterprise, Meter, MeterMonth

    w = "91520900MA6DLWWWW3"
    with park.write() as c:
        c.execute(insert(Enterprise).values(id=3, park_id=1, credit_code=w, name="W",
                                            industry="other"))  # fmt: skip
        c.execute(
            insert(Meter),
            [
                {"id": 30, "park_id": 1, "code": "W-EL", "name": "W-EL", "carrier": "electricity",
                 "unit": "kWh", "enterprise_id": 3, "direction": "consumption"},
                {"id": 31, "park_id": 1, "code": "W-RW", "name": "W-RW", "carrier": "water",
                 "unit": "m³", "enterprise_id": 3, "direction": "production"},
            ],
        )  # fmt: skip
        c.execute(
            insert(MeterMonth),
            [{"meter_id": 30, "month": "2023-01", "quantity": 60_000.0, "readings": 1},
             {"meter_id": 31, "month": "2023-01", "quantity": 100.0, "readings": 1}],
        )  # fmt: skip
        c.execute(
            update(MeterMonth)
            .where(MeterMonth.meter_id == 1, MeterMonth.month == "2023-01")
            .values(quantity=30_000.0)
        )
    jan = _book(park).park_months.set_index("month").loc["2023-01"]
    assert jan["internal_kwh"] == pytest.approx(50_000)
    assert jan["grid_kwh"] == pytest.approx(50_000)
