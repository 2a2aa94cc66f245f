"""``greenpark demo --live``: the demo stations keep reporting, through the real TCP path.

A background thread runs the station simulator (:mod:`greenpark.ingest.simulate`) against
the HJ 212 server: every demo station sends hourly data (CN=2061, ``A=1``) continuing from
the newest stored hour, at ``speed`` simulated hours per real hour. The values are the
station's own stored values 364 days earlier (same weekday and hour), so the Environment
page moves with realistic numbers; where history is missing, typical values are drawn.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading

from sqlalchemy import func, select

from greenpark.ingest.simulate import SimStation, simulate
from greenpark.store.db import Store
from greenpark.store.ingest import stations_by_mn
from greenpark.store.schema import Measurement

log = logging.getLogger("greenpark.demo.live")

#: The year back whose values are replayed [days] (52 weeks: same weekday).
REPLAY_DAYS = 364


def live_stations(store: Store) -> tuple[list[SimStation], dt.datetime]:
    """The demo's stations as simulated data loggers, and the first hour to send."""
    with store.read() as conn:
        entries = sorted(stations_by_mn(conn, dt.datetime.now(dt.UTC)).values(), key=lambda e: e.id)
        newest = conn.execute(select(func.max(Measurement.time))).scalar_one_or_none()
        q = select(Measurement.station_id, Measurement.parameter).distinct()
        codes: dict[int, list[str]] = {}
        for sid, parameter in conn.execute(q):
            if "-" not in parameter and "/" not in parameter:  # the hourly series
                codes.setdefault(sid, []).append(parameter)
    stations = [SimStation.from_entry(e, tuple(sorted(codes.get(e.id, ())))) for e in entries]
    start = newest or dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    return stations, start + dt.timedelta(hours=1)


class History:
    """Stored hourly values, looked up ``REPLAY_DAYS`` back (read lazily, a day at a time)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        with store.read() as conn:
            self.ids = {e.mn: e.id for e in stations_by_mn(conn, dt.datetime.now(dt.UTC)).values()}
        self._day: dt.date | None = None
        self._values: dict[tuple[int, str, dt.datetime], float] = {}

    def __call__(self, mn: str, code: str, when: dt.datetime) -> float | None:
        """Value of ``code`` at station ``mn`` one replay period before ``when``."""
        back = when - dt.timedelta(days=REPLAY_DAYS)
        if back.date() != self._day:
            self._load(back.date())
        sid = self.ids.get(mn)
        return None if sid is None else self._values.get((sid, code, back))

    def _load(self, day: dt.date) -> None:
        lo = dt.datetime.combine(day, dt.time(), dt.UTC)
        with self.store.read() as conn:
            rows = conn.execute(
                select(
                    Measurement.station_id,
                    Measurement.parameter,
                    Measurement.time,
                    Measurement.value,
                ).where(Measurement.time >= lo, Measurement.time < lo + dt.timedelta(days=1))
            ).all()
        self._values = {(s, p, t): v for s, p, t, v in rows if v is not None}
        self._day = day


def start_live(store: Store, host: str, port: int, *, speed: float = 60.0) -> threading.Thread:
    """Start the live simulator in a daemon thread (it runs until the process ends).

    Parameters
    ----------
    speed : float
        Simulated hours per real hour [-]; each station sends ``speed`` packets an hour.
    """
    if speed <= 0:
        raise ValueError(f"speed must be positive, got {speed}")
    stations, start = live_stations(store)
    history = History(store)
    rate = len(stations) * speed / 3600.0

    def run() -> None:
        if not stations:
            log.warning("event=live_no_stations")
            return
        report = asyncio.run(
            simulate(
                stations,
                host,
                port,
                rate=rate,
                duration=float("inf"),
                cns=("2061",),
                start=start,
                step=dt.timedelta(hours=1),
                values=history,
            )
        )
        log.warning("event=live_stopped report=%s", report.as_dict())

    thread = threading.Thread(target=run, name="greenpark-live", daemon=True)
    thread.start()
    return thread
