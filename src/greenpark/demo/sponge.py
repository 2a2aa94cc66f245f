"""The demo park's sponge city: catchments with their facilities (registry rows) and a seeded
synthetic daily rainfall series for the demo year.

There is no real Guiyang daily rainfall in the shared data (its ``SOURCES.md``: no weather
file or precipitation record). :func:`rainfall_series` draws one from an approximate monthly
climatology (``data/guiyang_rainfall_climatology.csv``: rain [mm] and wet days per month,
marked **U**): in each month ``wet_days`` days chosen at random get gamma-distributed depths
(shape :data:`GAMMA_SHAPE`: many light days, a few heavy ones) scaled so the month's total
equals the climatology. It is a **synthetic demo series, not measured**.

The catchments and facility volumes are the demo's choices, sized so the park's capture
ratio lands near Guiyang's sponge-city target of about 80 % (70-85 % over seeds).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

import numpy as np

from greenpark.demo.gaps import series_rng

#: The monthly climatology the synthetic series follows.
CLIMATOLOGY_FILE: Final = Path(__file__).with_name("data") / "guiyang_rainfall_climatology.csv"
#: Shape of the gamma distribution of a wet day's rain [-] (< 1: mostly light days).
GAMMA_SHAPE: Final = 0.5
#: ``source`` of the demo's rainfall days.
RAINFALL_SOURCE: Final = "demo: synthetic series from an approximate Guiyang climatology (U)"


@dataclass(frozen=True)
class MonthClimate:
    """One month of the climatology: rain [mm], days with >= 0.1 mm [-]."""

    month: int
    rain_mm: float
    wet_days: int


@cache
def climatology(path: Path = CLIMATOLOGY_FILE) -> tuple[MonthClimate, ...]:
    """The monthly climatology, January first (12 rows)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = [
            MonthClimate(int(r["month"]), float(r["rain_mm"]), int(r["wet_days"]))
            for r in csv.DictReader(f)
        ]
    if [r.month for r in rows] != list(range(1, 13)):
        raise ValueError(f"{path.name}: expected the months 1 to 12 in order")
    return tuple(rows)


def rainfall_series(seed: int, year: int, days: int | None = None) -> list[tuple[dt.date, float]]:
    """The demo's daily rainfall [mm] of ``year`` (synthetic, seeded).

    Parameters
    ----------
    seed
        The demo seed; the same seed gives the same series.
    year
        Calendar year.
    days
        Only the first ``days`` days of the year (quick builds); None = the whole year.
        The series is drawn for the whole year first, so a short build holds its start.

    Returns
    -------
    list of (date, rain [mm])
        One entry per day, rounded to 0.1 mm (the gauge resolution); dry days are 0.
    """
    rng = series_rng(seed, "rainfall", str(year))
    out: list[tuple[dt.date, float]] = []
    for m in climatology():
        n = calendar.monthrange(year, m.month)[1]
        wet = np.sort(rng.choice(n, size=min(m.wet_days, n), replace=False))
        depth = rng.gamma(GAMMA_SHAPE, 1.0, size=wet.size)
        depth = depth / depth.sum() * m.rain_mm
        month = np.zeros(n)
        month[wet] = np.maximum(np.round(depth, 1), 0.1)  # a wet day has at least 0.1 mm
        out += [(dt.date(year, m.month, d + 1), float(month[d])) for d in range(n)]
    return out if days is None else out[:days]


def catchments(data_centre_site: str | None = None) -> tuple[dict[str, Any], ...]:
    """Registry rows of the demo's catchments (``park`` filled by the caller).

    Areas [m²] and composite runoff coefficients [-] are the demo's choices for a campus of
    data centres, roads, green space and an administration centre.
    """
    # fmt: off
    return (
        {"code": "GA-SC-DC", "name": "Data-centre cluster roofs and yards",
         "site": data_centre_site, "area_m2": 120_000.0, "runoff_coefficient": 0.85,
         "note": "roofs drain to green roofs and rainwater tanks (cooling-tower make-up)"},
        {"code": "GA-SC-ROAD", "name": "Roads and car parks", "site": None,
         "area_m2": 180_000.0, "runoff_coefficient": 0.65,
         "note": "permeable paving on car parks, swales and rain gardens along roads"},
        {"code": "GA-SC-GREEN", "name": "Central green space", "site": None,
         "area_m2": 90_000.0, "runoff_coefficient": 0.15,
         "note": "lawn and woodland around a retention pond"},
        {"code": "GA-SC-ADMIN", "name": "Administration and service centre", "site": None,
         "area_m2": 25_000.0, "runoff_coefficient": 0.75, "note": None},
    )
    # fmt: on


def facilities(year: int) -> tuple[dict[str, Any], ...]:
    """Registry rows of the demo's sponge facilities: capture volumes [m³] giving a park
    ratio near 80 % under the synthetic series; one facility goes into service after
    ``year`` (registered, not counted in ``year``)."""

    def since(y: int, m: int = 1) -> dt.date:
        return dt.date(y, m, 1)

    # fmt: off
    return (
        {"code": "GA-SF-DC-1", "catchment": "GA-SC-DC", "name": "Green roofs, data halls",
         "kind": "green_roof", "capture_volume_m3": 750.0, "in_service_from": since(year - 4)},
        {"code": "GA-SF-DC-2", "catchment": "GA-SC-DC", "name": "Rainwater tanks",
         "kind": "storage_tank", "capture_volume_m3": 1_200.0,
         "in_service_from": since(year - 3, 6), "note": "reused as cooling-tower make-up"},
        {"code": "GA-SF-RD-1", "catchment": "GA-SC-ROAD", "name": "Permeable paving, car parks",
         "kind": "permeable_pavement", "capture_volume_m3": 900.0,
         "in_service_from": since(year - 5)},
        {"code": "GA-SF-RD-2", "catchment": "GA-SC-ROAD", "name": "Roadside rain gardens",
         "kind": "bioretention", "capture_volume_m3": 650.0, "in_service_from": since(year - 2)},
        {"code": "GA-SF-RD-3", "catchment": "GA-SC-ROAD", "name": "Grassed swales",
         "kind": "swale", "capture_volume_m3": 300.0, "in_service_from": since(year - 1, 4)},
        {"code": "GA-SF-GR-1", "catchment": "GA-SC-GREEN", "name": "Retention pond",
         "kind": "retention_pond", "capture_volume_m3": 400.0, "in_service_from": None},
        {"code": "GA-SF-AD-1", "catchment": "GA-SC-ADMIN", "name": "Green roof and rain garden",
         "kind": "bioretention", "capture_volume_m3": 240.0, "in_service_from": since(year - 2)},
        {"code": "GA-SF-AD-2", "catchment": "GA-SC-ADMIN", "name": "Storage tank (planned)",
         "kind": "storage_tank", "capture_volume_m3": 150.0,
         "in_service_from": since(year + 1, 3), "note": "under construction"},
    )
    # fmt: on
