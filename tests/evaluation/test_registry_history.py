"""The registry's history in the years side by side: buses by their service dates
(``vehicle.in_service_from``/``in_service_to``) and the head count of each year
(``enterprise_year.employees``), with the present state only where no history is recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import update
from test_values import build_park

from greenpark.errors import RowsError
from greenpark.evaluation.service import evaluate
from greenpark.evaluation.values import (
    EnterpriseRecord,
    VehicleRecord,
    industrial_va_per_capita,
    new_energy_bus_share,
)
from greenpark.registry import import_files
from greenpark.store import Store
from greenpark.store.schema import EnterpriseYear

D = dt.date


def _bus(code: str, energy: str, now: bool, start: D | None = None, end: D | None = None):
    return VehicleRecord(code, "bus", energy, now, start, end)


FLEET = (
    _bus("E1", "battery_electric", True, D(2019, 3, 1)),
    _bus("E2", "battery_electric", True, D(2024, 7, 1)),  # from mid-2024
    _bus("D1", "diesel", False, D(2015, 1, 1), D(2023, 6, 30)),  # retired mid-2023
    _bus("D2", "diesel", False, D(2016, 1, 1), D(2022, 12, 31)),  # retired end of 2022
    _bus("G1", "natural_gas", True),  # no dates: counted by its present state
)


@pytest.mark.parametrize(
    ("year", "share", "buses"),
    [
        (2022, 100 * 2 / 4, 4),  # E1, D1, D2, G1: E1 and G1 count as new-energy
        (2023, 100 * 2 / 3, 3),  # D2 left on 31 Dec 2022; D1 served until June
        (2024, 100 * 3 / 3, 3),  # E2 from July
        (None, 100 * 3 / 3, 3),  # the fleet now
    ],
)
def test_buses_count_in_the_years_they_served(year: int | None, share: float, buses: int) -> None:
    v = new_energy_bus_share(FLEET, year)
    assert v.value == pytest.approx(share)
    assert v.inputs["buses"]["value"] == buses
    if year is not None:
        assert "1 of" in v.note and "no service dates" in v.note  # G1


def test_a_bus_out_of_service_without_a_date_is_not_guessed() -> None:
    fleet = (
        _bus("E1", "battery_electric", True),
        _bus("X", "diesel", False, D(2018, 1, 1)),  # left service, date not recorded
    )
    assert fleet[1].in_service_in(2023) is None
    v = new_energy_bus_share(fleet, 2023)
    assert v.value == pytest.approx(100.0)
    assert v.completeness == pytest.approx(0.5)
    assert "not counted (X)" in v.note
    # a bus that entered service after the year does not count, whatever it is now
    assert _bus("N", "battery_electric", True, D(2026, 1, 5)).in_service_in(2025) is False


def test_the_head_count_of_the_year_is_used_where_reported() -> None:
    ents = [
        EnterpriseRecord("A", "A", "other", 200, 3000.0, None, employees_of_year=True),
        EnterpriseRecord("B", "B", "other", 100, 1000.0, None),  # current head count only
    ]
    v = industrial_va_per_capita(ents, 2023)
    assert v.value == pytest.approx(4000.0 / 300)
    assert "1 of 2 enterprises report no head count for 2023" in v.note
    assert "enterprise_year.employees 2023" in v.inputs["employees"]["source"]


def test_the_registry_carries_the_history_into_the_evaluation(
    park_url: str, tmp_path: Path
) -> None:
    store: Store = build_park(park_url)  # enterprise A: 200 employees now, VA 2023 1 000
    with store.write() as c:  # (the hand park's credit codes are not GB 32100-valid)
        c.execute(
            update(EnterpriseYear)
            .where(EnterpriseYear.enterprise_id == 1, EnterpriseYear.year == 2023)
            .values(employees=250)
        )
    (tmp_path / "vehicle.csv").write_text(
        "code,park,kind,energy,in_service,in_service_from,in_service_to\n"
        "B5,P,bus,diesel,false,2015-01-01,2023-03-31\n"
        "B9,P,bus,battery_electric,true,2024-02-01,\n",
        encoding="utf-8",
    )
    import_files(store, [tmp_path / "vehicle.csv"])
    cur = evaluate(store, "miit-green-park", 2023).current
    # buses of test_values.py: B1-B3 battery, B4 gas, B5 diesel (now dated, served until
    # March 2023), B6 out of service; B9 enters in 2024: 4 of 5 in 2023
    assert cur.values["new_energy_bus_share"].value == pytest.approx(80.0)
    per_capita = cur.values["industrial_va_per_capita"]
    assert "enterprise_year.employees 2023" in per_capita.inputs["employees"]["source"]
    # A's 250 of 2023 replace its 200 of today; the other members report none for 2023
    assert per_capita.inputs["employees"]["value"] == 250 + 20 + 0


def test_service_dates_in_the_wrong_order_are_refused(park_url: str, tmp_path: Path) -> None:
    store = Store(park_url)
    (tmp_path / "vehicle.csv").write_text(
        "code,park,energy,in_service_from,in_service_to\nB1,P,diesel,2023-05-01,2023-04-30\n",
        encoding="utf-8",
    )
    with pytest.raises(RowsError) as err:
        import_files(store, [tmp_path / "vehicle.csv"])
    (e,) = err.value.errors
    assert (e.row, e.column) == (2, "in_service_to")
    assert "before in_service_from" in e.reason
