"""build_demo writes the planned rows, reuses a complete demo and never duplicates."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from demo_helpers import count_facts
from sqlalchemy import func, select

from greenpark.demo import (
    META_KEY,
    PARK_CODE,
    Calendar,
    build_demo,
    gap_plan,
    park_facts,
    park_registry,
)
from greenpark.store import Store
from greenpark.store.maintenance import (
    PARK_TABLES,
    delete_park,
    park_codes_to_ids,
    park_counts,
    park_series_counts,
    read_meta,
    write_meta,
)
from greenpark.store.registry import KINDS, export, upsert
from greenpark.store.schema import MeterMonth, MeterReading
from greenpark.store.timeseries import write_readings

SEED = 2023
YEAR = 2025
DAYS = 3


def expected_counts(seed: int, year: int, days: int | None) -> dict[tuple[str, str, str], int]:
    """Rows every series must have: full length minus its planned gaps (computed here from
    the registry and :func:`gap_plan`, independently of the build's manifest)."""
    registry = park_registry(seed, year)
    cal = Calendar.for_year(year, days)
    out: dict[tuple[str, str, str], int] = {}
    for m in registry.meters:
        if not m.virtual:
            n = cal.steps(900)
            out[("meter", m.code, "")] = gap_plan(seed, m.code, n, 900).rows
    for s in registry.stations:
        for p in s.parameters:
            n = cal.steps(3600)
            out[("station", s.code, p.code)] = gap_plan(seed, f"{s.code}/{p.code}", n, 3600).rows
    return out


def db_counts(store: Store) -> dict[tuple[str, str, str], int]:
    with store.read() as conn:
        return park_series_counts(conn, PARK_CODE)


def table_counts(store: Store) -> dict[str, int]:
    with store.read() as conn:
        return park_counts(conn, PARK_CODE)


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.calls.append((stage, done, total))


@pytest.fixture
def small(sqlite_store: Store):  # type: ignore[no-untyped-def]
    recorder = Recorder()
    report = build_demo(sqlite_store, seed=SEED, year=YEAR, days=DAYS, progress=recorder)
    return sqlite_store, report, recorder


def test_small_build_writes_every_planned_row(small) -> None:  # type: ignore[no-untyped-def]
    store, report, _ = small
    assert not report.reused
    expected = expected_counts(SEED, YEAR, DAYS)
    assert db_counts(store) == expected
    assert report.reading_rows == sum(v for k, v in expected.items() if k[0] == "meter")
    assert report.measurement_rows == sum(v for k, v in expected.items() if k[0] == "station")
    assert report.missing_rows == sum(s.missing for s in report.series)
    assert {(s.kind, s.code, s.parameter): s.rows for s in report.series} == expected
    assert (report.enterprises, report.meters, report.virtual_meters, report.stations) == (
        104,
        191,
        7,
        11,
    )
    assert report.database_bytes and report.database_bytes > 0
    assert "104 enterprises" in report.summary()


def test_small_build_registry_reproduces_the_facts(small) -> None:  # type: ignore[no-untyped-def]
    store, _, _ = small
    with store.read() as conn:
        rows = {kind: export(conn, kind) for kind in KINDS}
    counted = count_facts(rows, YEAR)
    facts = park_facts()
    for fact, value in counted.items():
        assert value == getattr(facts, fact), fact
    assert rows["park"][0]["code"] == PARK_CODE


def test_progress_and_meta(small) -> None:  # type: ignore[no-untyped-def]
    store, _, recorder = small
    stages = [c[0] for c in recorder.calls]
    for stage in ("cleanup", "registry", "station data", "meter data"):
        assert stage in stages
    last = {stage: (done, total) for stage, done, total in recorder.calls}
    assert last["meter data"] == (184, 184) and last["station data"] == (53, 53)
    with store.read() as conn:
        meta = json.loads(read_meta(conn, META_KEY) or "{}")
    assert meta["complete"] is True
    assert (meta["seed"], meta["year"], meta["days"]) == (SEED, YEAR, DAYS)
    assert meta["version"] >= 1


def test_virtual_meters_have_no_readings_and_months_are_kept(small) -> None:  # type: ignore[no-untyped-def]
    store, _, _ = small
    counts = db_counts(store)
    virtual = [m.code for m in park_registry(SEED, YEAR).meters if m.virtual]
    assert all(("meter", code, "") not in counts for code in virtual)
    with store.read() as conn:
        months = conn.execute(select(func.count()).select_from(MeterMonth)).scalar_one()
        total = conn.execute(select(func.sum(MeterReading.quantity))).scalar_one()
        month_total = conn.execute(select(func.sum(MeterMonth.quantity))).scalar_one()
    assert months == 184  # three days of January
    assert month_total == pytest.approx(total, rel=1e-9)


def test_rerun_reuses_and_rebuild_does_not_duplicate(small) -> None:  # type: ignore[no-untyped-def]
    store, first, _ = small
    before = table_counts(store)
    again = build_demo(store, seed=SEED, year=YEAR, days=DAYS)
    assert again.reused
    assert table_counts(store) == before
    assert (again.reading_rows, again.measurement_rows) == (
        first.reading_rows,
        first.measurement_rows,
    )
    rebuilt = build_demo(store, seed=SEED, year=YEAR, days=DAYS, rebuild=True)
    assert not rebuilt.reused
    assert table_counts(store) == before
    assert db_counts(store) == expected_counts(SEED, YEAR, DAYS)


def test_other_configuration_replaces_the_demo(small) -> None:  # type: ignore[no-untyped-def]
    store, _, _ = small
    report = build_demo(store, seed=SEED + 1, year=YEAR, days=2)
    assert not report.reused
    assert db_counts(store) == expected_counts(SEED + 1, YEAR, 2)
    with store.read() as conn:
        all_readings = conn.execute(select(func.count()).select_from(MeterReading)).scalar_one()
    assert all_readings == report.reading_rows  # nothing left from the first demo
    assert table_counts(store)["enterprise"] == 104


def test_interrupted_build_is_redone(small) -> None:  # type: ignore[no-untyped-def]
    store, _, _ = small
    with store.write() as conn:
        meta = json.loads(read_meta(conn, META_KEY) or "{}")
        write_meta(conn, META_KEY, json.dumps({**meta, "complete": False}))
    report = build_demo(store, seed=SEED, year=YEAR, days=DAYS)
    assert not report.reused
    assert db_counts(store) == expected_counts(SEED, YEAR, DAYS)


def test_delete_park_leaves_other_parks_alone(small) -> None:  # type: ignore[no-untyped-def]
    store, _, _ = small
    with store.write() as conn:
        upsert(conn, "park", [{"code": "OTHER", "name": "Another park"}])
        upsert(
            conn,
            "meter",
            [
                {
                    "code": "O-1",
                    "park": "OTHER",
                    "name": "m",
                    "carrier": "electricity",
                    "unit": "kWh",
                }
            ],
        )
    with store.read() as conn:
        other_id = park_codes_to_ids(conn, "OTHER")["meter"]["O-1"]
    start = pd.date_range("2025-01-01", periods=4, freq="15min", tz="Asia/Shanghai")
    frame = pd.DataFrame(
        {
            "meter_id": other_id,
            "start": start,
            "end": start + pd.Timedelta("15min"),
            "quantity": 1.0,
        }
    )
    with store.write() as conn:
        write_readings(conn, frame)
        deleted = delete_park(conn, PARK_CODE)
    assert set(deleted) == set(PARK_TABLES)
    assert deleted["enterprise"] == 104 and deleted["park"] == 1
    with store.read() as conn:
        assert park_counts(conn, PARK_CODE) == dict.fromkeys(PARK_TABLES, 0)
        other = park_counts(conn, "OTHER")
        assert park_series_counts(conn, "OTHER") == {("meter", "O-1", ""): 4}
    assert other["meter"] == 1 and other["meter_reading"] == 4 and other["park"] == 1


def test_small_build_on_each_backend(store: Store) -> None:
    report = build_demo(store, seed=SEED, year=YEAR, days=1)
    assert db_counts(store) == expected_counts(SEED, YEAR, 1)
    assert report.reading_rows > 0


@pytest.mark.slow
def test_full_year_build(sqlite_store: Store) -> None:
    """The real thing: 104 enterprises, 184 metered series of 35,040 intervals, 53 hourly
    station series; every series holds exactly its planned rows; a re-run reuses it."""
    report = build_demo(sqlite_store, seed=SEED, year=YEAR)
    expected = expected_counts(SEED, YEAR, None)
    counts = db_counts(sqlite_store)
    assert counts == expected
    full = {k: 35_040 if k[0] == "meter" else 8_760 for k in expected}
    missing = {k: full[k] - v for k, v in counts.items()}
    assert sum(missing.values()) == report.missing_rows > 0
    for key, n in missing.items():
        assert n / full[key] <= 0.02 + 1e-9, key
    assert sum(n == 0 for n in missing.values()) >= 10  # some series have no gap
    before = table_counts(sqlite_store)
    assert before["meter_reading"] == report.reading_rows
    assert before["measurement"] == report.measurement_rows
    again = build_demo(sqlite_store, seed=SEED, year=YEAR)
    assert again.reused and again.seconds < 10
    assert table_counts(sqlite_store) == before
    _check_overview_against_facts(sqlite_store)


def _check_overview_against_facts(store: Store) -> None:
    """The app's /api/overview on the full demo shows the published facts, and its energy
    totals equal sums of the raw readings of top-level consumption meters."""
    from fastapi.testclient import TestClient

    from greenpark.auth import create_token, create_user
    from greenpark.config import Settings
    from greenpark.store.schema import Meter
    from greenpark.web import create_app

    facts = park_facts()
    secret = "demo-test-secret-" + "0123456789abcdef" * 2
    client = TestClient(create_app(Settings(database_url=store.url, secret_key=secret), store))
    with store.write() as conn:
        create_user(conn, "overview-analyst", "analyst")
        token = create_token(conn, "overview-analyst", "full-year test", days=1)
    client.headers["Authorization"] = f"Bearer {token}"
    body = client.get("/api/overview").json()
    counts = body["enterprise_counts"]
    assert body["as_of_year"] == YEAR
    assert counts["total"] == facts.enterprises
    assert counts["above_designated_size"] == facts.above_designated_size
    assert counts["revenue_over_100m_yuan"] == facts.revenue_above_10000
    assert counts["high_tech"] == facts.high_tech
    assert counts["national_green_data_centre"] == facts.national_green_data_centres
    assert counts["national_green_factory"] == facts.national_green_factories
    assert counts["provincial_green_factory"] == facts.provincial_green_factories
    assert body["energy_months"] == [f"{YEAR}-{m:02d}" for m in range(1, 13)]
    page = client.get("/")
    assert page.status_code == 200
    assert f">{facts.high_tech}<" in page.text
    with store.read() as conn:
        top = select(Meter.id).where(
            Meter.parent_id.is_(None), Meter.formula.is_(None), Meter.direction == "consumption"
        )
        raw = conn.execute(
            select(Meter.carrier, func.sum(MeterReading.quantity))
            .join(Meter, Meter.id == MeterReading.meter_id)
            .where(MeterReading.meter_id.in_(top))
            .group_by(Meter.carrier)
        ).all()
    shown = {c["carrier"]: sum(v or 0.0 for v in c["totals"]) for c in body["energy_by_carrier"]}
    assert set(shown) == {carrier for carrier, _ in raw}
    for carrier, total in raw:
        assert shown[carrier] == pytest.approx(total, rel=1e-9), carrier
    stations = body["stations"]
    assert len(stations) == (
        facts.ambient_air_stations
        + facts.surface_water_stations
        + facts.noise_stations
        + 2 * facts.sewage_treatment_plants
    )
    assert all(s["latest"] for s in stations)


def test_demo_ledger(small) -> None:  # type: ignore[no-untyped-def]
    """The demo's ledger: the station's PV counted as on-site renewable, its gas in the park
    total, green certificates netted, diesel entered by the tonne, budgets with warnings."""
    from greenpark.ledger.service import load_book
    from greenpark.store.ledger import list_entries, resolve_park, targets

    store, _, recorder = small
    assert ("ledger", 2, 2) in recorder.calls
    with store.read() as conn:
        park = resolve_park(conn, PARK_CODE)
        entries = list_entries(conn, park.id)
        budgets = targets(conn, park.id, YEAR)
        book = load_book(conn, YEAR, PARK_CODE)[1]
    kinds = set(entries["kind"])
    assert {"gec", "green_power", "consumption", "closing_stock", "purchase", "output"} <= kinds
    assert set(entries["entered_by"]) == {"demo"}
    assert ("", "tce") in budgets and ("", "tco2") in budgets
    s = book.summary
    assert s["renewable_kwh"] > 0 and s["internal_kwh"] > s["renewable_kwh"]  # PV + engines
    assert s["tce"] < s["members_tce"]  # the station's deliveries counted once
    assert s["green_certificates_mwh"] > 0 and s["tco2_market"] != s["tco2"]
    assert set(book.rows["carrier"]) >= {"electricity", "natural_gas", "water", "diesel"}
    assert all(p.status in ("no_budget", "ok", "watch", "over") for p in book.projections.values())
