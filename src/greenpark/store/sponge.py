"""The sponge city's tables: catchments with their facilities (registry data, imported by
``greenpark.registry``) and the park's daily rainfall (``rainfall_day``), read for
:mod:`greenpark.evaluation.sponge_service`.

A facility counts in a year when it is in service on or before 31 December of that year
(``in_service_from`` None or <= that day): a facility commissioned in the year is counted
for the whole year. Rainfall days are park-local calendar days [mm].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, select

from greenpark.store._keyed import replace_or_insert
from greenpark.store.schema import RainfallDay, Site, SpongeCatchment, SpongeFacility

__all__ = [
    "CatchmentRow",
    "FacilityRow",
    "RainfallRow",
    "catchments_for_year",
    "read_rainfall",
    "write_rainfall",
]


@dataclass(frozen=True)
class FacilityRow:
    """A registered facility: code, name, kind, capture volume [m³], first day in service."""

    code: str
    name: str
    kind: str
    capture_volume_m3: float
    in_service_from: dt.date | None


@dataclass(frozen=True)
class CatchmentRow:
    """A registered catchment with its facilities split by whether they count in the year.

    ``area_m2`` [m²], ``runoff_coefficient`` [-]; ``facilities`` are in service on or before
    31 December of the year, ``later`` only after it (not counted).
    """

    code: str
    name: str
    area_m2: float
    runoff_coefficient: float
    site: str | None
    note: str | None
    facilities: tuple[FacilityRow, ...]
    later: tuple[FacilityRow, ...]

    @property
    def capture_volume_m3(self) -> float:
        """Sum of the capture volumes of the facilities in service in the year [m³]."""
        return sum(f.capture_volume_m3 for f in self.facilities)


@dataclass(frozen=True)
class RainfallRow:
    """One stored day: park-local date, rain [mm], source."""

    day: dt.date
    rain_mm: float
    source: str


def catchments_for_year(conn: Connection, park_id: int, year: int) -> list[CatchmentRow]:
    """The park's catchments (by code) with the facilities in service in ``year``.

    Parameters
    ----------
    conn
        A connection.
    park_id
        The park's id.
    year
        Calendar year: a facility counts when ``in_service_from`` is None or on or before
        31 December of ``year``.

    Returns
    -------
    list of CatchmentRow
        Sorted by code; a catchment without facilities has empty tuples.
    """
    end = dt.date(year, 12, 31)
    rows = conn.execute(
        select(
            SpongeCatchment.id,
            SpongeCatchment.code,
            SpongeCatchment.name,
            SpongeCatchment.area_m2,
            SpongeCatchment.runoff_coefficient,
            Site.code.label("site"),
            SpongeCatchment.note,
        )
        .outerjoin(Site, Site.id == SpongeCatchment.site_id)
        .where(SpongeCatchment.park_id == park_id)
        .order_by(SpongeCatchment.code)
    ).all()
    if not rows:
        return []
    facilities: dict[int, list[FacilityRow]] = {}
    q = (
        select(
            SpongeFacility.catchment_id,
            SpongeFacility.code,
            SpongeFacility.name,
            SpongeFacility.kind,
            SpongeFacility.capture_volume_m3,
            SpongeFacility.in_service_from,
        )
        .where(SpongeFacility.catchment_id.in_([r.id for r in rows]))
        .order_by(SpongeFacility.code)
    )
    for cid, code, name, kind, volume, since in conn.execute(q):
        facilities.setdefault(cid, []).append(FacilityRow(code, name, kind, float(volume), since))
    out = []
    for r in rows:
        mine = facilities.get(r.id, [])
        out.append(
            CatchmentRow(
                code=r.code,
                name=r.name,
                area_m2=float(r.area_m2),
                runoff_coefficient=float(r.runoff_coefficient),
                site=r.site,
                note=r.note,
                facilities=tuple(
                    f for f in mine if f.in_service_from is None or f.in_service_from <= end
                ),
                later=tuple(
                    f for f in mine if f.in_service_from is not None and f.in_service_from > end
                ),
            )
        )
    return out


def read_rainfall(
    conn: Connection, park_id: int, first: dt.date, last: dt.date
) -> list[RainfallRow]:
    """The park's stored rainfall days from ``first`` to ``last`` (inclusive), by day."""
    q = (
        select(RainfallDay.day, RainfallDay.rain_mm, RainfallDay.source)
        .where(RainfallDay.park_id == park_id, RainfallDay.day >= first, RainfallDay.day <= last)
        .order_by(RainfallDay.day)
    )
    return [RainfallRow(d, float(x), s) for d, x, s in conn.execute(q)]


def write_rainfall(
    conn: Connection, park_id: int, days: Iterable[tuple[dt.date, float]], source: str
) -> tuple[int, int]:
    """Write checked rainfall days [mm] of the park; a day already stored is replaced
    (value and source).

    Returns
    -------
    (int, int)
        Days new and days replaced.
    """
    new = replaced = 0
    for day, rain in days:
        old = replace_or_insert(
            conn,
            RainfallDay,
            {"park_id": park_id, "day": day},
            {"rain_mm": float(rain), "source": source},
        )
        if old is None:
            new += 1
        else:
            replaced += 1
    return new, replaced
