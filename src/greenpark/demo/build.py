"""Write the demo park into a store: the I/O edge of :mod:`greenpark.demo`.

:func:`build_demo` is safe to re-run. A ``meta`` row (key ``"demo"``) records the seed,
year, number of days, generator version and whether the build completed. If the same demo
is already complete, nothing is written and the report says ``reused=True``. Otherwise the
previous demo park is deleted with explicit statements
(:func:`greenpark.store.maintenance.delete_park`) and rebuilt: the registry in one
transaction, then one transaction per station and per enterprise's meters, then the
synthetic daily rainfall (:mod:`greenpark.demo.sponge`, written by
:func:`greenpark.store.sponge.write_rainfall` as ``greenpark sponge rainfall import`` does);
the build is marked complete only at the very end, so an interrupted build is redone next
time.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from greenpark.demo.park import PARK_CODE, PARK_TIMEZONE, DemoRegistry, park_registry
from greenpark.demo.profiles import Profiles, load_profiles
from greenpark.demo.series import (
    Calendar,
    SeriesData,
    SeriesGroup,
    SeriesInfo,
    expected_series,
    generate_group,
    series_groups,
)
from greenpark.store import Store
from greenpark.store.maintenance import (
    database_size,
    delete_park,
    park_codes_to_ids,
    park_counts,
    read_meta,
    write_meta,
)
from greenpark.store.registry import upsert
from greenpark.store.timeseries import write_measurements, write_readings

#: Key of the demo's row in the ``meta`` table.
META_KEY = "demo"
#: Version of the generator; a stored demo of another version is rebuilt.
DEMO_VERSION = 4
#: ``source`` of the demo's station measurements.
MEASUREMENT_SOURCE = "demo"

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoReport:
    """What :func:`build_demo` built (or found already built).

    Attributes
    ----------
    seed, year, days
        The demo's configuration.
    enterprises, meters, virtual_meters, stations
        Registry counts (``meters`` includes the virtual ones) [-].
    measurement_rows, reading_rows
        Station and meter rows in the store [-].
    gaps, missing_rows
        Deliberate gaps and the rows they leave out, over all series [-].
    seconds
        Wall time of this call [s].
    reused
        ``True`` when a complete demo of the same configuration was found and kept.
    database_bytes
        Size of the database after the call [bytes], if the backend reports it.
    series
        Every series with its full length and planned gaps (the manifest tests check).
    """

    seed: int
    year: int
    days: int
    enterprises: int
    meters: int
    virtual_meters: int
    stations: int
    measurement_rows: int
    reading_rows: int
    gaps: int
    missing_rows: int
    seconds: float
    reused: bool
    database_bytes: int | None
    series: tuple[SeriesInfo, ...]

    def summary(self) -> str:
        """A few human-readable lines."""
        how = "reused (already complete)" if self.reused else f"built in {self.seconds:.1f} s"
        size = (
            f", database {self.database_bytes / 1e6:.0f} MB"
            if self.database_bytes is not None
            else ""
        )
        return "\n".join(
            [
                f"Demo park {PARK_CODE} (seed {self.seed}, year {self.year}, {self.days} days): "
                f"{how}{size}.",
                f"  {self.enterprises} enterprises, {self.meters} meters "
                f"({self.virtual_meters} virtual), {self.stations} stations.",
                f"  {self.reading_rows:,} meter readings, {self.measurement_rows:,} station "
                f"measurements; {self.gaps} deliberate gaps leave out {self.missing_rows:,} rows.",
            ]
        )


def _meta_value(seed: int, year: int, days: int, complete: bool, **extra: object) -> str:
    return json.dumps(
        {
            "seed": seed,
            "year": year,
            "days": days,
            "version": DEMO_VERSION,
            "complete": complete,
            **extra,
        },
        sort_keys=True,
    )


def _is_same_complete(meta: str | None, seed: int, year: int, days: int) -> bool:
    if meta is None:
        return False
    try:
        stored = json.loads(meta)
    except ValueError:
        return False
    return (
        isinstance(stored, dict)
        and stored.get("complete") is True
        and stored.get("seed") == seed
        and stored.get("year") == year
        and stored.get("days") == days
        and stored.get("version") == DEMO_VERSION
    )


def _readings_frame(data: list[SeriesData], ids: dict[str, int], cal: Calendar) -> pd.DataFrame:
    starts = cal.times(data[0].interval_s)
    ends = starts + pd.Timedelta(seconds=data[0].interval_s)
    frames = []
    for s in data:
        k = s.keep
        frames.append(
            pd.DataFrame(
                {
                    "meter_id": np.full(int(k.sum()), ids[s.code], dtype=np.int64),
                    "start": starts[k],
                    "end": ends[k],
                    "quantity": s.values[k],
                    "quality": s.marks[k].astype(object),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _measurements_frame(data: list[SeriesData], ids: dict[str, int], cal: Calendar) -> pd.DataFrame:
    times = cal.times(data[0].interval_s)
    frames = []
    for s in data:
        k = s.keep
        frames.append(
            pd.DataFrame(
                {
                    "station_id": np.full(int(k.sum()), ids[s.code], dtype=np.int64),
                    "parameter": s.parameter,
                    "time": times[k],
                    "value": s.values[k],
                    "flag": s.marks[k].astype(object),
                    "source": MEASUREMENT_SOURCE,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _report(
    *,
    seed: int,
    cal: Calendar,
    counts: dict[str, int],
    virtual: int,
    manifest: list[SeriesInfo],
    seconds: float,
    reused: bool,
    size: int | None,
) -> DemoReport:
    return DemoReport(
        seed=seed,
        year=cal.year,
        days=cal.days,
        enterprises=counts["enterprise"],
        meters=counts["meter"],
        virtual_meters=virtual,
        stations=counts["station"],
        measurement_rows=counts["measurement"],
        reading_rows=counts["meter_reading"],
        gaps=sum(s.gaps for s in manifest),
        missing_rows=sum(s.missing for s in manifest),
        seconds=seconds,
        reused=reused,
        database_bytes=size,
        series=tuple(manifest),
    )


def build_demo(
    store: Store,
    *,
    seed: int = 2023,
    year: int = 2025,
    rebuild: bool = False,
    progress: Progress | None = None,
    days: int | None = None,
) -> DemoReport:
    """Build the demo park (Gui'an FTZ-like, one year of data) in ``store``.

    Parameters
    ----------
    store
        A migrated store.
    seed
        Seed of every random choice; the same seed gives the same park and series.
    year
        The data year (park-local calendar year).
    rebuild
        Rebuild even if the same demo is already complete.
    progress
        Called as ``progress(stage, done, total)`` with stages ``"cleanup"``,
        ``"registry"``, ``"station data"``, ``"meter data"``, ``"rainfall"``, ``"ledger"`` and
        ``"day-ahead"`` (the station's schedule for the day after the data; builds of 14 days
        or more).
    days
        Build only the first ``days`` days of the year (quick tests); ``None`` = all.

    Returns
    -------
    DemoReport
        Counts, time, database size and the per-series manifest.
    """
    t0 = time.perf_counter()
    report_progress: Progress = progress or (lambda stage, done, total: None)
    cal = Calendar.for_year(year, days)
    registry = park_registry(seed, year)
    manifest = expected_series(seed, cal, registry)
    virtual = sum(1 for m in registry.meters if m.virtual)

    with store.read() as conn:
        meta = read_meta(conn, META_KEY)
        if not rebuild and _is_same_complete(meta, seed, year, cal.days):
            counts = park_counts(conn, PARK_CODE)
            if counts["park"]:
                return _report(
                    seed=seed,
                    cal=cal,
                    counts=counts,
                    virtual=virtual,
                    manifest=manifest,
                    seconds=time.perf_counter() - t0,
                    reused=True,
                    size=database_size(conn),
                )

    report_progress("cleanup", 0, 1)
    with store.write() as conn:
        write_meta(conn, META_KEY, _meta_value(seed, year, cal.days, complete=False))
        delete_park(conn, PARK_CODE)
    report_progress("cleanup", 1, 1)

    rows = registry.rows()
    with store.write() as conn:
        for i, (kind, kind_rows) in enumerate(rows.items(), start=1):
            upsert(conn, kind, kind_rows)
            report_progress("registry", i, len(rows))
        ids = park_codes_to_ids(conn, PARK_CODE)

    profiles = load_profiles()
    groups = series_groups(registry)
    _write_groups(store, seed, cal, registry, profiles, groups, ids, report_progress)
    _write_rainfall(store, seed, cal, report_progress)
    _write_ledger(store, seed, cal.year, registry, report_progress)
    if cal.days >= DAY_AHEAD_MIN_DAYS:
        _write_day_ahead(store, report_progress)

    with store.write() as conn:
        counts = park_counts(conn, PARK_CODE)
        seconds = time.perf_counter() - t0
        write_meta(
            conn,
            META_KEY,
            _meta_value(seed, year, cal.days, complete=True, seconds=round(seconds, 1)),
        )
    with store.read() as conn:
        size = database_size(conn)
    return _report(
        seed=seed,
        cal=cal,
        counts=counts,
        virtual=virtual,
        manifest=manifest,
        seconds=time.perf_counter() - t0,
        reused=False,
        size=size,
    )


def _write_rainfall(store: Store, seed: int, cal: Calendar, report_progress: Progress) -> None:
    """The synthetic daily rainfall of the demo's days, through the import's store function."""
    from greenpark.demo.sponge import RAINFALL_SOURCE, rainfall_series
    from greenpark.store.maintenance import park_id
    from greenpark.store.sponge import write_rainfall

    report_progress("rainfall", 0, 1)
    with store.write() as conn:
        pid = park_id(conn, PARK_CODE)
        assert pid is not None
        write_rainfall(conn, pid, rainfall_series(seed, cal.year, cal.days), RAINFALL_SOURCE)
    report_progress("rainfall", 1, 1)


def _write_ledger(
    store: Store, seed: int, year: int, registry: DemoRegistry, report_progress: Progress
) -> None:
    """The ledger's hand entries and budgets, through the ledger's own checks and audit."""
    from greenpark.demo.ledger import DEMO_ACTOR, budgets, hand_entries
    from greenpark.ledger.service import enter_figures, load_book, set_budget

    report_progress("ledger", 0, 2)
    with store.read() as conn:
        book = load_book(conn, year, PARK_CODE)[1]
    enter_figures(
        store, hand_entries(seed, registry, book), park_code=PARK_CODE, who=DEMO_ACTOR,
        source="demo",
    )  # fmt: skip
    report_progress("ledger", 1, 2)
    with store.read() as conn:
        book = load_book(conn, year, PARK_CODE)[1]
    for enterprise, quantity, budget in budgets(seed, registry, book):
        set_budget(
            store, year=year, quantity=quantity, budget=budget, enterprise=enterprise,
            who=DEMO_ACTOR, park_code=PARK_CODE,
        )  # fmt: skip
    report_progress("ledger", 2, 2)


#: Days of data the demo needs before it schedules the station's next day (the forecast
#: averages four weeks of same-type days and wants at least three).
DAY_AHEAD_MIN_DAYS = 14


def _write_day_ahead(store: Store, report_progress: Progress) -> None:
    """The station's schedule for the day after the demo's data (``dispatch_run``), so the
    Energy station page and the ledger's projected figures have a run to show."""
    from greenpark.config import Settings
    from greenpark.demo.ledger import DEMO_ACTOR
    from greenpark.dispatch.service import day_ahead

    report_progress("day-ahead", 0, 1)
    day_ahead(store, Settings(park_timezone=PARK_TIMEZONE), park_code=PARK_CODE, who=DEMO_ACTOR)
    report_progress("day-ahead", 1, 1)


def _write_groups(
    store: Store,
    seed: int,
    cal: Calendar,
    registry: DemoRegistry,
    profiles: Profiles,
    groups: list[SeriesGroup],
    ids: dict[str, dict[str, int]],
    report_progress: Progress,
) -> None:
    """Generate and write each group in its own transaction, reporting progress."""
    totals = {
        kind: sum(len(g.series) for g in groups if g.kind == kind) for kind in ("station", "meter")
    }
    stage = {"station": "station data", "meter": "meter data"}
    done = {"station": 0, "meter": 0}
    for kind in ("station", "meter"):
        report_progress(stage[kind], 0, totals[kind])
    for group in groups:
        data = generate_group(seed, cal, registry, group, profiles)
        with store.write() as conn:
            if group.kind == "station":
                write_measurements(conn, _measurements_frame(data, ids["station"], cal))
            else:
                write_readings(conn, _readings_frame(data, ids["meter"], cal), PARK_TIMEZONE)
        done[group.kind] += len(data)
        report_progress(stage[group.kind], done[group.kind], totals[group.kind])
