"""``greenpark.evaluation.sponge_service``: the year's capture ratio from the registry and the
stored daily rainfall, worked out by hand; missing days refused; rainfall rows checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from greenpark.demo.park import PARK_CODE, park_registry
from greenpark.demo.sponge import rainfall_series
from greenpark.errors import InputError, RowsError
from greenpark.evaluation.sponge_service import (
    check_rainfall,
    import_rainfall,
    sponge_year,
)
from greenpark.store import Store
from greenpark.store.maintenance import delete_park, park_counts, park_id
from greenpark.store.registry import upsert
from greenpark.store.sponge import read_rainfall, write_rainfall

YEAR = 2023  # not a leap year: 365 days


def _days(wet: dict[str, float]) -> list[tuple[dt.date, float]]:
    """Every day of YEAR, 0 mm except ``wet`` (ISO date -> mm)."""
    first = dt.date(YEAR, 1, 1)
    days = [first + dt.timedelta(days=i) for i in range(365)]
    return [(d, wet.get(d.isoformat(), 0.0)) for d in days]


#: Rain of the hand-built year [mm]: 5, 30 and 10 mm are counted, 1.5 mm is left out (<= 2).
WET = {"2023-03-01": 5.0, "2023-06-01": 30.0, "2023-07-01": 10.0, "2023-08-01": 1.5}


def add_sponge_park(conn: Any, rain: list[tuple[dt.date, float]], source: str = "hand") -> None:
    """Park P's two catchments and its rainfall ``rain`` (written in ``conn``).

    ROOF: 10 000 m², psi 0.8, facilities 80 + 40 = 120 m³ in service in 2023 (one of them
    from 31 Dec 2023, still counted) and a 1 000 m³ tank from 1 Jan 2024 (not counted).
    GREEN: 10 000 m², psi 0.2, no facility.
    """
    upsert(conn, "catchment", [
        {"code": "ROOF", "park": "P", "name": "Roofs", "area_m2": 10_000.0,
         "runoff_coefficient": 0.8},
        {"code": "GREEN", "park": "P", "name": "Green", "area_m2": 10_000.0,
         "runoff_coefficient": 0.2},
    ])  # fmt: skip
    upsert(conn, "sponge_facility", [
        {"code": "F1", "catchment": "ROOF", "name": "Green roof", "kind": "green_roof",
         "capture_volume_m3": 80.0, "in_service_from": dt.date(2020, 1, 1)},
        {"code": "F2", "catchment": "ROOF", "name": "Rain garden", "kind": "bioretention",
         "capture_volume_m3": 40.0, "in_service_from": dt.date(2023, 12, 31)},
        {"code": "F3", "catchment": "ROOF", "name": "Tank", "kind": "storage_tank",
         "capture_volume_m3": 1_000.0, "in_service_from": dt.date(2024, 1, 1)},
    ])  # fmt: skip
    write_rainfall(conn, park_id(conn, "P") or 0, rain, source)


@pytest.fixture
def park(park_url: str) -> Iterator[Store]:
    """Park P with the catchments of :func:`add_sponge_park` and the hand-built year."""
    store = Store(park_url)
    with store.write() as conn:
        add_sponge_park(conn, _days(WET))
    yield store
    store.dispose()


def test_hand_built_year(park: Store) -> None:
    # ROOF, V = 120 m³: runoff 0.8 x 10 000 x X / 1000 = 40, 240, 80 m³ on the 5, 30 and
    # 10 mm days; captured min(runoff, 120) = 40, 120, 80 -> 240 / 360 = 66.67 %.
    # GREEN, V = 0: runoff 10, 60, 20 = 90 m³, captured 0 -> 0 %.
    # Park, runoff weighting: 240 / (360 + 90) = 53.33 %; area weighting: (66.67 + 0) / 2.
    sy = sponge_year(park, YEAR)
    assert sy.complete and sy.days_present == sy.days_in_year == 365
    assert sy.completeness == 1.0
    assert sy.rainfall_mm == pytest.approx(46.5)
    assert sy.counted_days == 3
    roof, green = sy.capture("ROOF"), sy.capture("GREEN")
    assert roof is not None and green is not None
    assert roof.runoff_m3 == pytest.approx(360.0) and roof.captured_m3 == pytest.approx(240.0)
    assert roof.ratio == pytest.approx(2 / 3)
    assert roof.design_depth_mm == pytest.approx(15.0)  # 120 / (0.8 x 10 000) x 1000
    assert green.ratio == 0.0 and green.runoff_m3 == pytest.approx(90.0)
    assert sy.ratio == pytest.approx(240 / 450)
    assert sy.percent == pytest.approx(53.333, abs=1e-3)
    area = sponge_year(park, YEAR, weighting="area")
    assert area.ratio == pytest.approx(1 / 3)
    assert dict(sy.sources) == {"hand": 365}
    (roof_row,) = [c for c in sy.catchments if c.code == "ROOF"]
    assert [f.code for f in roof_row.facilities] == ["F1", "F2"]
    assert [f.code for f in roof_row.later] == ["F3"]
    assert any("F3" in n and "not counted" in n for n in sy.notes)
    assert any("GREEN has no facility" in n for n in sy.notes)


def test_the_tank_counts_the_year_it_enters_service(park: Store) -> None:
    # 2024: V = 1 120 m³ holds every day; no rainfall stored for 2024, though
    with pytest.raises(InputError, match="no rainfall recorded for 2024"):
        sponge_year(park, 2024)
    sy = sponge_year(park, 2024, allow_gaps=True)
    assert sy.result is None and sy.days_present == 0 and len(sy.missing_days) == 366
    (roof,) = [c for c in sy.catchments if c.code == "ROOF"]
    assert roof.capture_volume_m3 == 1_120.0 and not roof.later


def test_min_rain_counts_every_wet_day_at_zero(park: Store) -> None:
    # with min_rain_mm 0 the 1.5 mm day counts on ROOF: runoff 12 m³, captured 12 m³
    sy = sponge_year(park, YEAR, min_rain_mm=0)
    roof = sy.capture("ROOF")
    assert roof is not None and roof.ratio == pytest.approx(252 / 372)
    with pytest.raises(InputError, match="negative"):
        sponge_year(park, YEAR, min_rain_mm=-1)
    with pytest.raises(InputError, match="runoff, area"):
        sponge_year(park, YEAR, weighting="volume")


def test_missing_days_are_refused_unless_allowed(park: Store) -> None:
    with park.write() as conn:
        from sqlalchemy import delete

        from greenpark.store.schema import RainfallDay

        conn.execute(
            delete(RainfallDay).where(
                RainfallDay.day.in_([dt.date(2023, 2, 1), dt.date(2023, 2, 2), dt.date(2023, 6, 1)])
            )
        )
    with pytest.raises(InputError) as err:
        sponge_year(park, YEAR)
    msg = str(err.value)
    assert "3 of 365 days missing" in msg and "2023-02-01, 2023-02-02, 2023-06-01" in msg
    assert "--allow-gaps" in msg
    sy = sponge_year(park, YEAR, allow_gaps=True)
    assert not sy.complete and sy.days_present == 362
    assert sy.missing_days == (dt.date(2023, 2, 1), dt.date(2023, 2, 2), dt.date(2023, 6, 1))
    assert any("computed on the 362 days present" in n for n in sy.notes)
    # without the 30 mm day: ROOF captures 40 + 80 of 40 + 80 m³
    roof = sy.capture("ROOF")
    assert roof is not None and roof.ratio == 1.0


def test_no_catchment_is_a_note_not_an_error(park_url: str) -> None:
    store = Store(park_url)
    sy = sponge_year(store, YEAR)
    assert sy.result is None and sy.ratio is None and not sy.catchments
    assert "no catchment registered" in sy.notes[0]
    store.dispose()


def test_check_rainfall_names_every_bad_value() -> None:
    rows = [
        {"date": "2025-01-01", "rain_mm": "3.5"},
        {"date": "2025-02-30", "rain_mm": "1"},
        {"date": "01/03/2025", "rain_mm": "-2"},
        {"date": "", "rain_mm": "abc"},
        {"date": "2025-01-01", "rain_mm": "0"},
        {"date": "2025-01-05", "rain_mm": "nan"},
        {"date": "2025-01-06", "rain_mm": "2500"},
        {"date": "2025-01-07", "rain_mm": ""},
    ]
    checked = check_rainfall(rows, source="rain.csv")
    where = [(e.file, e.row, e.column) for e in checked.errors]
    assert where == [
        ("rain.csv", 3, "date"),
        ("rain.csv", 4, "date"),
        ("rain.csv", 4, "rain_mm"),
        ("rain.csv", 5, "date"),
        ("rain.csv", 5, "rain_mm"),
        ("rain.csv", 6, "date"),
        ("rain.csv", 7, "rain_mm"),
        ("rain.csv", 8, "rain_mm"),
        ("rain.csv", 9, "rain_mm"),
    ]
    reasons = [e.reason for e in checked.errors]
    assert "not a calendar date" in reasons[0] and "yyyy-mm-dd" in reasons[1]
    assert "negative" in reasons[2] and "already in row 2" in reasons[5]
    assert "implausible" in reasons[7] and "required" in reasons[8]
    assert checked.days == ((dt.date(2025, 1, 1), 3.5),)  # the good row is kept, not dropped


def test_check_rainfall_header() -> None:
    errors = check_rainfall([{"day": "2025-01-01", "rain_mm": "1"}], source="r.csv").errors
    assert [(e.row, e.column) for e in errors] == [(1, "day"), (1, "date")]


def test_import_is_all_or_nothing_and_replaces_days(park_url: str) -> None:
    store = Store(park_url)
    bad = [{"date": "2025-01-01", "rain_mm": "1"}, {"date": "2025-01-02", "rain_mm": "-1"}]
    with pytest.raises(RowsError) as err:
        import_rainfall(store, bad, source="gauge", file="r.csv")
    assert [(e.file, e.row, e.column) for e in err.value.errors] == [("r.csv", 3, "rain_mm")]
    with store.read() as conn:
        assert read_rainfall(conn, 1, dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == []
    good = [{"date": "2025-01-01", "rain_mm": "1"}, {"date": "2025-01-02", "rain_mm": "0"}]
    first = import_rainfall(store, good, source="gauge", file="r.csv")
    assert (first.new, first.replaced, first.park) == (2, 0, "P")
    again = import_rainfall(
        store, [{"date": "2025-01-02", "rain_mm": "4.2"}, {"date": "2025-01-03", "rain_mm": "0"}],
        source="bureau", file="r2.csv",
    )  # fmt: skip
    assert (again.new, again.replaced) == (1, 1)
    with store.read() as conn:
        rows = read_rainfall(conn, 1, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert [(r.day.day, r.rain_mm, r.source) for r in rows] == [
        (1, 1.0, "gauge"),
        (2, 4.2, "bureau"),
        (3, 0.0, "bureau"),
    ]
    with store.write() as conn:
        assert park_counts(conn, "P")["rainfall_day"] == 3
        assert delete_park(conn, "P")["rainfall_day"] == 3
    store.dispose()


def test_demo_ratio_is_plausible(tmp_path: Path) -> None:
    """The demo's catchments under its synthetic year: a park ratio near Guiyang's 80 %
    target, each catchment between 60 and 95 %."""
    store = Store(f"sqlite:///{tmp_path / 'demo.db'}")
    store.migrate()
    rows = park_registry(2023, 2025).rows()
    with store.write() as conn:
        for kind in ("park", "enterprise", "site", "catchment", "sponge_facility"):
            upsert(conn, kind, rows[kind])
        write_rainfall(conn, park_id(conn, PARK_CODE) or 0, rainfall_series(2023, 2025), "demo")
    sy = sponge_year(store, 2025)
    assert sy.complete and 1_000 < sy.rainfall_mm < 1_300
    assert sy.ratio is not None and 0.70 <= sy.ratio <= 0.85
    result = sy.result
    assert result is not None and len(result.catchments) == 4
    for c in result.catchments:
        assert c.ratio is not None and 0.6 <= c.ratio <= 0.95, c.catchment.name
    assert any("GA-SF-AD-2" in n for n in sy.notes)  # the planned tank is not counted
    store.dispose()


def test_demo_series_follows_the_climatology() -> None:
    series = rainfall_series(2023, 2025)
    assert len(series) == 365 and series[0][0] == dt.date(2025, 1, 1)
    by_month = [sum(x for d, x in series if d.month == m) for m in range(1, 13)]
    assert sum(by_month) == pytest.approx(1130, abs=5)
    assert max(by_month) == by_month[5]  # June is the wettest month
    assert min(by_month[4:8]) > 3 * max(by_month[0], by_month[1], by_month[11])
    assert rainfall_series(2023, 2025) == series  # seeded
    assert rainfall_series(2024, 2025) != series
    assert rainfall_series(2023, 2025, days=3) == series[:3]
