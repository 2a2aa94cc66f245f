"""The SQL behind the "Environment" page: environmental stations and measurement windows.

Every function takes ``scope`` (keyword, no default): ``None`` for the whole park,
otherwise the ids of the enterprises the caller may see
(:attr:`greenpark.auth.Principal.enterprise_ids`). Park-level stations (ambient air,
surface water, noise; no enterprise) are visible to every reader; an enterprise's outlet
only within the scope. The condition is part of each SQL statement
(``greenpark.store._scope``), and everything is limited to the park the app shows (the
store's first).

The store only reads; judging the values against the standards is the job of
:mod:`greenpark.environment.view`. Measurement windows are returned as pandas frames with
aware UTC times, so only the rows of the windows the page needs are read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, ColumnElement, Connection, Float, func, select, type_coerce

from greenpark.store._scope import Scope, owned_or_park_level, shown_park_id
from greenpark.store.overview import LATEST_STATION_VALUES, EnterpriseRef
from greenpark.store.schema import Enterprise, Measurement, Station

#: Station kinds the environment page judges, in display order.
ENVIRONMENT_KINDS: Final[tuple[str, ...]] = (
    "ambient_air",
    "surface_water",
    "wastewater_outlet",
    "noise",
)

#: Columns of the frames :func:`read_measurements` returns.
MEASUREMENT_FRAME_COLUMNS: Final[tuple[str, ...]] = (
    "station_id",
    "parameter",
    "time",
    "value",
    "flag",
)


@dataclass(frozen=True)
class EnvironmentStation:
    """A station the environment page judges; ``enterprise`` is ``None`` when park-level."""

    id: int
    code: str
    name: str
    kind: str
    enterprise: EnterpriseRef | None
    noise_zone_class: str | None
    water_body: str | None
    water_target_class: str | None
    discharge_standard: str | None


def environment_stations(conn: Connection, *, scope: Scope) -> tuple[EnvironmentStation, ...]:
    """The shown park's stations of :data:`ENVIRONMENT_KINDS` that ``scope`` may see.

    Parameters
    ----------
    conn
        A connection to the store (``Store.read()``).
    scope
        ``None`` for the whole park, else the ids of the enterprises the caller may see.

    Returns
    -------
    tuple of EnvironmentStation
        Ordered by kind (as in :data:`ENVIRONMENT_KINDS`), then code; empty without a park.
    """
    park_id = shown_park_id(conn)
    if park_id is None:
        return ()
    rows = conn.execute(
        select(
            Station.id,
            Station.code,
            Station.name,
            Station.kind,
            Enterprise.credit_code,
            Enterprise.name.label("enterprise_name"),
            Station.noise_zone_class,
            Station.water_body,
            Station.water_target_class,
            Station.discharge_standard,
        )
        .outerjoin(Enterprise, Enterprise.id == Station.enterprise_id)
        .where(
            Station.park_id == park_id,
            Station.kind.in_(ENVIRONMENT_KINDS),
            owned_or_park_level(Station.enterprise_id, scope),
        )
        .order_by(Station.code)
    ).all()
    order = {kind: i for i, kind in enumerate(ENVIRONMENT_KINDS)}
    stations = [
        EnvironmentStation(
            id=r.id,
            code=r.code,
            name=r.name,
            kind=r.kind,
            enterprise=(
                None if r.credit_code is None else EnterpriseRef(r.credit_code, r.enterprise_name)
            ),
            noise_zone_class=r.noise_zone_class,
            water_body=r.water_body,
            water_target_class=r.water_target_class,
            discharge_standard=r.discharge_standard,
        )
        for r in rows
    ]
    return tuple(sorted(stations, key=lambda s: (order[s.kind], s.code)))


def _visible_ids(conn: Connection, station_ids: Iterable[int], scope: Scope) -> list[int]:
    """The ids among ``station_ids`` of the shown park that ``scope`` may see."""
    wanted = sorted(set(station_ids))
    park_id = shown_park_id(conn)
    if not wanted or park_id is None:
        return []
    return list(
        conn.execute(
            select(Station.id).where(
                Station.id.in_(wanted),
                Station.park_id == park_id,
                owned_or_park_level(Station.enterprise_id, scope),
            )
        ).scalars()
    )


def newest_time(
    conn: Connection, station_ids: Iterable[int], *, scope: Scope
) -> dt.datetime | None:
    """The newest measurement time of the given stations that ``scope`` may see.

    Found through the primary key (one seek per station and parameter, see
    :func:`greenpark.store.overview.latest_values_sql`), so it costs the same however many
    rows the store holds.

    Returns
    -------
    datetime or None
        Aware UTC; ``None`` when none of the stations has a value.
    """
    newest: dt.datetime | None = None
    for station_id in _visible_ids(conn, station_ids, scope):
        for row in conn.execute(LATEST_STATION_VALUES, {"station_id": station_id}):
            if newest is None or row.time > newest:
                newest = row.time
    return newest


def read_measurements(
    conn: Connection,
    station_ids: Iterable[int],
    parameters: Iterable[str],
    start: dt.datetime,
    end: dt.datetime,
    *,
    scope: Scope,
) -> pd.DataFrame:
    """Every stored value of ``parameters`` at the given stations with ``start <= time < end``.

    Parameters
    ----------
    conn
        A connection to the store (``Store.read()``).
    station_ids
        Station ids; those outside the shown park or the scope are left out (in SQL).
    parameters
        HJ 212 parameter codes.
    start, end
        The window (aware datetimes; naive ones are refused by the column type).
    scope
        ``None`` for the whole park, else the ids of the enterprises the caller may see.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`MEASUREMENT_FRAME_COLUMNS`: ``time`` aware UTC, ``value`` float in
        the parameter's internal unit (NaN when stored NULL), ``flag`` the HJ 212 data flag;
        ordered by station, parameter and time. The rows are read by primary-key range
        (station, parameter, time).
    """
    return station_measurements(conn, _visible_ids(conn, station_ids, scope), parameters,
                                start, end)  # fmt: skip


def station_measurements(
    conn: Connection,
    station_ids: Iterable[int],
    parameters: Iterable[str],
    start: dt.datetime,
    end: dt.datetime,
) -> pd.DataFrame:
    """The values of ``parameters`` at ``station_ids`` with ``start <= time < end``, in the
    frame of :func:`read_measurements`, for stations the caller already chose (no park or
    scope filter: the evaluation reads the stations of the park it evaluates)."""
    ids = sorted(set(station_ids))
    codes = sorted(set(parameters))
    if not ids or not codes:
        return _empty_frame()
    rows = conn.execute(
        select(
            Measurement.station_id,
            Measurement.parameter,
            _epoch_seconds(conn),
            Measurement.value,
            Measurement.flag,
        )
        .where(
            Measurement.station_id.in_(ids),
            Measurement.parameter.in_(codes),
            Measurement.time >= start,
            Measurement.time < end,
        )
        .order_by(Measurement.station_id, Measurement.parameter, Measurement.time)
    ).all()
    if not rows:
        return _empty_frame()
    # Column-wise construction: building a frame from 10⁵ Row objects is several times slower.
    station_id, parameter, epoch, value, flag = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "station_id": np.asarray(station_id, dtype=np.int64),
            "parameter": np.asarray(parameter, dtype=object),
            "time": pd.to_datetime(np.asarray(epoch, dtype=np.float64).round(), unit="s", utc=True),
            "value": np.asarray([np.nan if v is None else v for v in value], dtype=np.float64),
            "flag": np.asarray(flag, dtype=object),
        }
    )


def _epoch_seconds(conn: Connection) -> ColumnElement[float]:
    """``measurement.time`` as epoch seconds, computed by the database (no per-row
    datetime objects): the stored integer on SQLite, ``extract(epoch ...)`` elsewhere."""
    if conn.dialect.name == "sqlite":
        return type_coerce(Measurement.time, BigInteger()).label("epoch")  # type: ignore[return-value]
    return type_coerce(func.extract("epoch", Measurement.time), Float()).label("epoch")


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "station_id": pd.Series(dtype="int64"),
            "parameter": pd.Series(dtype="object"),
            "time": pd.Series(dtype="datetime64[ns, UTC]"),
            "value": pd.Series(dtype="float64"),
            "flag": pd.Series(dtype="object"),
        }
    )
