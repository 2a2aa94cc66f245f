"""``greenpark demo --live``: demo stations keep reporting through the real HJ 212 TCP path."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time

import pandas as pd
import pytest
from sqlalchemy import insert, select

from greenpark.demo.live import REPLAY_DAYS, History, live_stations, start_live
from greenpark.ingest import IngestConfig, IngestServer
from greenpark.store import Store
from greenpark.store.schema import Measurement, Park, Station
from greenpark.store.timeseries import write_measurements

UTC = dt.UTC
LAST = dt.datetime(2025, 12, 31, 15, tzinfo=UTC)  # newest stored hour


def _park(store: Store) -> None:
    """Two stations with a year of hourly history (values that encode their own time)."""
    with store.write() as c:
        c.execute(insert(Park).values(id=1, code="P", name="Park"))
        c.execute(
            insert(Station),
            [
                {"id": 1, "park_id": 1, "code": "AIR", "name": "air", "kind": "ambient_air",
                 "mn": "LIVEAIR01", "pw": "654321", "noise_zone_class": None},
                {"id": 2, "park_id": 1, "code": "NOISE", "name": "noise", "kind": "noise",
                 "mn": "LIVENOISE1", "pw": None, "noise_zone_class": "3"},
            ],
        )  # fmt: skip
        times = pd.date_range(LAST - dt.timedelta(days=REPLAY_DAYS + 2), LAST, freq="h")
        hours = (times - times[0]) / pd.Timedelta(hours=1)
        frames = [
            pd.DataFrame({"station_id": 1, "parameter": "a34004", "time": times,
                          "value": 10 + hours % 50, "source": "demo"}),
            pd.DataFrame({"station_id": 2, "parameter": "LAeq", "time": times,
                          "value": 40 + hours % 20, "source": "demo"}),
        ]  # fmt: skip
        write_measurements(c, pd.concat(frames, ignore_index=True))


def test_live_stations_continue_after_the_newest_hour(sqlite_store: Store) -> None:
    _park(sqlite_store)
    stations, start = live_stations(sqlite_store)
    assert start == LAST + dt.timedelta(hours=1)
    by_mn = {s.mn: s for s in stations}
    assert by_mn["LIVEAIR01"].pw == "654321"
    assert by_mn["LIVEAIR01"].codes == ("a34004",)  # the station's own hourly series
    assert by_mn["LIVENOISE1"].codes == ("LAeq",)


def test_history_replays_364_days_back(sqlite_store: Store) -> None:
    _park(sqlite_store)
    history = History(sqlite_store)
    when = LAST + dt.timedelta(hours=5)
    back = when - dt.timedelta(days=REPLAY_DAYS)
    with sqlite_store.read() as c:
        stored = c.execute(
            select(Measurement.value).where(
                Measurement.station_id == 1, Measurement.parameter == "a34004",
                Measurement.time == back,
            )
        ).scalar_one()  # fmt: skip
    assert history("LIVEAIR01", "a34004", when) == stored
    assert history("UNKNOWN", "a34004", when) is None


def test_live_sends_hourly_packets_through_the_server(sqlite_store: Store) -> None:
    """The live thread's packets arrive over TCP, are acknowledged after commit and land
    as hourly rows (CN=2061 Avg → the bare code) with the replayed values."""
    _park(sqlite_store)
    ready = threading.Event()
    holder: dict[str, object] = {}

    def serve() -> None:
        async def main() -> None:
            server = IngestServer(sqlite_store, IngestConfig(port=0))
            await server.start()
            holder["server"] = server
            ready.set()
            while not holder.get("stop"):
                await asyncio.sleep(0.05)
            await server.close()

        asyncio.run(main())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(10)
    server = holder["server"]
    assert isinstance(server, IngestServer)
    start_live(sqlite_store, "127.0.0.1", server.port, speed=3600 * 10)  # 10 packets/s each
    deadline = time.monotonic() + 20
    rows: list = []
    while time.monotonic() < deadline:
        with sqlite_store.read() as c:
            rows = c.execute(
                select(Measurement.station_id, Measurement.parameter, Measurement.time,
                       Measurement.value).where(Measurement.source == "hj212:2061")
            ).all()  # fmt: skip
        if len({r.station_id for r in rows}) == 2 and len(rows) >= 6:
            break
        time.sleep(0.2)
    holder["stop"] = True
    thread.join(10)
    assert {r.station_id for r in rows} == {1, 2}
    assert {r.parameter for r in rows} == {"a34004", "LAeq"}
    history = History(sqlite_store)
    mn = {1: "LIVEAIR01", 2: "LIVENOISE1"}
    for r in rows:
        assert r.time > LAST
        assert r.value == pytest.approx(history(mn[r.station_id], r.parameter, r.time), abs=1e-3)
    assert server.stats.acks > 0
    assert server.stats.refused == {}
