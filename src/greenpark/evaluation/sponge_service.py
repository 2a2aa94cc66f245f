"""Sponge city from the store: a year's runoff volume capture ratio of the park's registered
catchments under its stored daily rainfall (issue 8 point 3; GB/T 51345-2018 style, see
``docs/evaluation-datacentre-sponge.md``), and the import of a daily rainfall series.

:func:`sponge_year` reads the catchments with the facilities in service in the year
(:func:`greenpark.store.sponge.catchments_for_year`) and the year's rainfall days, checks the
series is complete (one value per park-local day of the year) and hands both to the pure
:func:`greenpark.evaluation.sponge.catchments`. A year with missing days is refused unless
``allow_gaps``: then the ratio is computed on the days present, and the result says so.

:func:`check_rainfall` checks rows of a ``date,rain_mm`` file (pure, every bad value named by
file, row and column); :func:`import_rainfall` writes them all or nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from greenpark.errors import InputError, RowError, RowsError
from greenpark.evaluation.sponge import (
    MIN_RAIN_MM,
    WEIGHTINGS,
    CaptureResult,
    Catchment,
    CatchmentsResult,
    catchments,
)
from greenpark.store import Store
from greenpark.store.ledger import ParkRef, resolve_park
from greenpark.store.sponge import CatchmentRow, catchments_for_year, read_rainfall, write_rainfall

__all__ = [
    "ASSUMPTIONS",
    "MAX_RAIN_MM",
    "RAINFALL_COLUMNS",
    "CatchmentLine",
    "CheckedRainfall",
    "RainfallWritten",
    "SpongeYear",
    "catchment_lines",
    "check_rainfall",
    "completeness_text",
    "empty_text",
    "import_rainfall",
    "report_notes",
    "sponge_year",
    "weighting_text",
]

#: Columns of a rainfall file: the park-local date and the day's rain [mm].
RAINFALL_COLUMNS: Final[tuple[str, ...]] = ("date", "rain_mm")
#: A day's rain above this [mm] is refused as implausible (the largest daily rainfalls
#: measured in China are below 1 000 mm).
MAX_RAIN_MM: Final[float] = 2000.0
#: Missing days named in a message (the count is always given).
SHOWN_MISSING: Final[int] = 5

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# --- the year's capture ratio ------------------------------------------------------------------


@dataclass(frozen=True)
class SpongeYear:
    """A park's sponge-city year: each catchment's capture and the park's ratio.

    Attributes
    ----------
    park
        The park.
    year
        Calendar year (park-local days).
    weighting, min_rain_mm
        As :func:`greenpark.evaluation.sponge.catchments` [-], [mm].
    catchments
        The registered catchments with the facilities counted in the year (and those in
        service only later, not counted).
    result
        The pure computation over the days present, or None when there is no catchment or
        no rainfall day.
    days_in_year, days_present
        Days of the calendar year, and days with a stored rainfall value [-].
    missing_days
        The days of the year without a value, in order.
    rainfall_mm
        Rain of every day present [mm] (the counted days' rain is ``result``'s).
    sources
        Rainfall source -> days of the year from it.
    notes
        What a reader must know (gaps computed over, catchments without facilities...).
    """

    park: ParkRef
    year: int
    weighting: str
    min_rain_mm: float
    catchments: tuple[CatchmentRow, ...]
    result: CatchmentsResult | None
    days_in_year: int
    days_present: int
    missing_days: tuple[dt.date, ...]
    rainfall_mm: float
    sources: Mapping[str, int]
    notes: tuple[str, ...]

    @property
    def ratio(self) -> float | None:
        """The park's capture ratio [-] (None: nothing to compute, or no runoff)."""
        return None if self.result is None else self.result.ratio

    @property
    def percent(self) -> float | None:
        """The park's capture ratio [%]."""
        return None if self.ratio is None else 100.0 * self.ratio

    @property
    def completeness(self) -> float:
        """Days with rainfall / days of the year [-]."""
        return self.days_present / self.days_in_year

    @property
    def complete(self) -> bool:
        """Every day of the year has a rainfall value."""
        return not self.missing_days

    @property
    def counted_days(self) -> int:
        """Days above ``min_rain_mm`` (the days the ratio counts) [-]."""
        if self.result is None or not self.result.catchments:
            return 0
        return self.result.catchments[0].counted_days

    def capture(self, code: str) -> CaptureResult | None:
        """The result of the catchment with ``code`` (None when nothing was computed)."""
        if self.result is None:
            return None
        return next((r for r in self.result.catchments if r.catchment.name == code), None)


def missing_text(days: Sequence[dt.date], total: int) -> str:
    """``"12 of 365 days missing (2025-03-01, 2025-03-02, ...)"`` for messages."""
    shown = ", ".join(d.isoformat() for d in days[:SHOWN_MISSING])
    more = ", ..." if len(days) > SHOWN_MISSING else ""
    return f"{len(days)} of {total} days missing ({shown}{more})"


def sponge_year(
    store: Store,
    year: int,
    *,
    park_code: str | None = None,
    weighting: str = "runoff",
    min_rain_mm: float = MIN_RAIN_MM,
    allow_gaps: bool = False,
) -> SpongeYear:
    """The park's annual runoff volume capture ratio in ``year`` from its registered
    catchments and stored daily rainfall (GB/T 51345-2018 style).

    Parameters
    ----------
    store
        The store.
    year
        Calendar year; its days are the park-local days 1 January to 31 December.
    park_code
        The park (default: the only one).
    weighting
        ``runoff`` (sum captured / sum runoff [-]) or ``area`` (area-weighted mean of the
        catchments' ratios [-]); see :func:`greenpark.evaluation.sponge.catchments`.
    min_rain_mm
        Days with at most this rain [mm] are left out (default 2 mm, the standard's
        statistics).
    allow_gaps
        Compute on the days present when some days of the year have no value (the result's
        ``missing_days`` and ``notes`` say so). Without it such a year is refused.

    Returns
    -------
    SpongeYear
        With ``result`` None (and a note) when the park has no catchment or the year no
        rainfall day: normal outcomes, not errors.

    Raises
    ------
    InputError
        No such park, an unknown weighting, a negative ``min_rain_mm``, or (without
        ``allow_gaps``) catchments to compute but days of the year without rainfall: the
        message gives their count and the first few.

    Notes
    -----
    A facility counts in the year when it is in service on or before 31 December
    (``in_service_from`` empty or <= that day): one commissioned during the year counts for
    the whole year. The pure computation's assumptions (storage empty each day, constant
    psi, days <= ``min_rain_mm`` left out) are in :mod:`greenpark.evaluation.sponge`.

    References
    ----------
    GB/T 51345-2018 海绵城市建设评价标准 (annual runoff volume control ratio, 年径流总量控制率).
    """
    if weighting not in WEIGHTINGS:
        raise InputError(f"weighting {weighting!r}: use one of {', '.join(WEIGHTINGS)}")
    if not (isinstance(min_rain_mm, int | float) and math.isfinite(min_rain_mm)):
        raise InputError(f"min_rain_mm {min_rain_mm!r} is not a finite number")
    if min_rain_mm < 0:
        raise InputError(f"min_rain_mm {min_rain_mm:g} is negative")
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    with store.read() as conn:
        park = resolve_park(conn, park_code)
        rows = tuple(catchments_for_year(conn, park.id, year))
        rain = read_rainfall(conn, park.id, first, last)
    total = 366 if calendar.isleap(year) else 365
    present = {r.day for r in rain}
    missing = tuple(
        d for d in (first + dt.timedelta(days=i) for i in range(total)) if d not in present
    )
    notes: list[str] = []
    result: CatchmentsResult | None = None
    if not rows:
        notes.append(
            f"no catchment registered for park {park.code}: import catchment and "
            "sponge_facility tables (greenpark registry import)"
        )
    elif not rain:
        notes.append(
            f"no rainfall recorded for {year}: import a daily series "
            "(greenpark sponge rainfall import)"
        )
        if not allow_gaps:
            raise InputError(
                f"no rainfall recorded for {year} in park {park.code}: import a daily series "
                "with greenpark sponge rainfall import"
            )
    else:
        if missing:
            text = missing_text(missing, total)
            if not allow_gaps:
                raise InputError(
                    f"rainfall of {year} is incomplete: {text}; import the missing days, or "
                    "give --allow-gaps (allow_gaps=True) to compute on the days present"
                )
            notes.append(f"computed on the {len(rain)} days present: {text}")
        items = [
            Catchment(c.code, c.area_m2, c.runoff_coefficient, c.capture_volume_m3) for c in rows
        ]
        result = catchments(
            [r.rain_mm for r in rain], items, weighting=weighting, min_rain_mm=min_rain_mm
        )
    for c in rows:
        if not c.facilities:
            notes.append(f"catchment {c.code} has no facility in service in {year}: volume 0 m³")
        for f in c.later:
            assert f.in_service_from is not None
            notes.append(
                f"facility {f.code} ({c.code}) is in service from "
                f"{f.in_service_from.isoformat()}: not counted in {year}"
            )
    return SpongeYear(
        park=park,
        year=year,
        weighting=weighting,
        min_rain_mm=float(min_rain_mm),
        catchments=rows,
        result=result,
        days_in_year=total,
        days_present=len(rain),
        missing_days=missing,
        rainfall_mm=math.fsum(r.rain_mm for r in rain),
        sources=dict(Counter(r.source for r in rain)),
        notes=tuple(notes),
    )


# --- presentation (pure, shared by the Evaluation page and the self-evaluation report) ---------

#: The computation's assumptions in one sentence, for reports.
ASSUMPTIONS: Final[str] = (
    "Each day's runoff psi A X / 1000 is captured up to the facilities' volume (storage empty "
    "at the start of each day, no carry-over), psi constant, days at or below the minimum rain "
    "left out; design depth = volume / (psi A); GB/T 51345-2018 style, see "
    "docs/evaluation-datacentre-sponge.md."
)


@dataclass(frozen=True)
class CatchmentLine:
    """One catchment of a :class:`SpongeYear` as a report shows it.

    Attributes
    ----------
    code, name, site
        The registered catchment.
    area_m2
        Area [m²].
    runoff_coefficient
        Composite runoff coefficient psi [-].
    capture_volume_m3
        Capture volume of the facilities in service in the year [m³].
    design_depth_mm
        The daily rain the facilities hold, V / (psi A) x 1000 [mm].
    facilities
        Codes of the facilities counted.
    runoff_m3, captured_m3
        Runoff of the counted days and the part captured [m³] (None: nothing computed).
    ratio
        Capture ratio [-] (None: nothing computed, or no runoff).
    """

    code: str
    name: str
    site: str | None
    area_m2: float
    runoff_coefficient: float
    capture_volume_m3: float
    design_depth_mm: float
    facilities: tuple[str, ...]
    runoff_m3: float | None
    captured_m3: float | None
    ratio: float | None

    @property
    def percent(self) -> float | None:
        """The capture ratio [%]."""
        return None if self.ratio is None else 100.0 * self.ratio


def catchment_lines(sy: SpongeYear) -> tuple[CatchmentLine, ...]:
    """Each catchment of ``sy`` with its design depth and, when computed, its capture (pure).

    Parameters
    ----------
    sy
        What :func:`sponge_year` returned.

    Returns
    -------
    tuple of CatchmentLine
        In the order of ``sy.catchments`` (by code).
    """
    out = []
    for c in sy.catchments:
        r = sy.capture(c.code)
        out.append(
            CatchmentLine(
                code=c.code,
                name=c.name,
                site=c.site,
                area_m2=c.area_m2,
                runoff_coefficient=c.runoff_coefficient,
                capture_volume_m3=c.capture_volume_m3,
                design_depth_mm=c.capture_volume_m3 / (c.runoff_coefficient * c.area_m2) * 1e3,
                facilities=tuple(f.code for f in c.facilities),
                runoff_m3=None if r is None else r.runoff_m3,
                captured_m3=None if r is None else r.captured_m3,
                ratio=None if r is None else r.ratio,
            )
        )
    return tuple(out)


def empty_text(sy: SpongeYear) -> str | None:
    """The one line a report shows instead of the section when there is nothing to compute:
    no catchment registered, or no rainfall day in the year (pure; None otherwise)."""
    if not sy.catchments:
        return (
            f"Sponge city {sy.year}: no catchment registered for park {sy.park.code}; import "
            "the catchment and sponge_facility tables (greenpark registry import)."
        )
    if not sy.days_present:
        return (
            f"Sponge city {sy.year}: no rainfall recorded for {sy.year} in park "
            f"{sy.park.code}; import a daily series (greenpark sponge rainfall import)."
        )
    return None


def weighting_text(weighting: str) -> str:
    """``runoff (sum captured / sum runoff)`` or ``area (area-weighted mean ...)``."""
    if weighting == "runoff":
        return "runoff (sum captured / sum runoff)"
    return f"{weighting} (area-weighted mean of the catchments' ratios)"


def completeness_text(sy: SpongeYear) -> str:
    """``"362 of 365 days (99.2 %)"``, then the missing days and that the ratio is computed
    on the days present when some are missing (pure)."""
    text = f"{sy.days_present} of {sy.days_in_year} days ({100 * sy.completeness:.1f} %)"
    if sy.missing_days:
        text += (
            f": {missing_text(sy.missing_days, sy.days_in_year)}; the ratio is computed on "
            "the days present"
        )
    return text


def report_notes(sy: SpongeYear) -> tuple[str, ...]:
    """What a report lists under the section (pure): the notes of ``sy`` (gaps computed
    over, facilities not counted...), each rainfall source with its days (a synthetic series
    is flagged as not measured), and :data:`ASSUMPTIONS`."""
    sources = []
    for source, days in sy.sources.items():
        text = f"rainfall source: {source or '(none)'} ({days} days)"
        if "synthetic" in source.lower():
            text += "; synthetic, not measured rainfall"
        sources.append(text)
    return (*sy.notes, *sources, f"assumptions: {ASSUMPTIONS}")


# --- rainfall import -------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedRainfall:
    """Rows of a rainfall file after :func:`check_rainfall`: the good days and every error."""

    days: tuple[tuple[dt.date, float], ...]
    errors: tuple[RowError, ...]


@dataclass(frozen=True)
class RainfallWritten:
    """What :func:`import_rainfall` wrote: days new and replaced, the first and last day."""

    park: str
    source: str
    new: int
    replaced: int
    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        return self.new + self.replaced


def _date(cell: Any) -> dt.date:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = str(cell).strip()
    if not _DATE.fullmatch(text):
        raise ValueError(f"{text!r} is not a date: write yyyy-mm-dd")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None


def _rain(cell: Any) -> float:
    if isinstance(cell, bool):
        raise ValueError(f"{cell!r} is not a number")
    try:
        x = float(str(cell).strip()) if isinstance(cell, str) else float(cell)
    except (TypeError, ValueError):
        raise ValueError(f"{str(cell).strip()!r} is not a number [mm]") from None
    if not math.isfinite(x):
        raise ValueError(f"{cell!r} is not a finite number [mm]")
    if x < 0:
        raise ValueError(f"{x:g} mm is negative")
    if x > MAX_RAIN_MM:
        raise ValueError(f"{x:g} mm in one day is implausible (more than {MAX_RAIN_MM:g} mm)")
    return x


def check_rainfall(
    rows: Sequence[Mapping[str, Any]], *, source: str = "rainfall", first_row: int = 2
) -> CheckedRainfall:
    """Check the rows of a daily rainfall file (columns ``date``, ``rain_mm``).

    Pure: every bad value is named by ``source``, row number (``first_row`` is the row of
    ``rows[0]``; 2 under a CSV header) and column; nothing stops at the first error.

    Parameters
    ----------
    rows
        Dicts keyed by lower-case column name (``date``: ``yyyy-mm-dd``, park-local; ``rain_mm``:
        the day's rain [mm], >= 0). A key outside :data:`RAINFALL_COLUMNS` is an error.
    source
        The file's name, for the errors.
    first_row
        Row number of ``rows[0]``.

    Returns
    -------
    CheckedRainfall
        The good (day, rain [mm]) pairs and the errors. A day twice in the file is an error
        on its second row (which value is meant is not clear).
    """
    errors: list[RowError] = []
    days: list[tuple[dt.date, float]] = []
    header = first_row - 1
    keys = list(rows[0]) if rows else []
    for k in keys:
        if k not in RAINFALL_COLUMNS:
            errors.append(
                RowError(source, header, k, f"unknown column {k!r}: columns are date, rain_mm")
            )
    for col in RAINFALL_COLUMNS:
        if rows and col not in keys:
            errors.append(RowError(source, header, col, f"required column {col!r} is missing"))
    if errors:
        return CheckedRainfall((), tuple(errors))
    seen: dict[dt.date, int] = {}
    for n, row in enumerate(rows, start=first_row):
        values: dict[str, Any] = {}
        for col, parse in (("date", _date), ("rain_mm", _rain)):
            cell = row.get(col)
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                errors.append(RowError(source, n, col, f"a value is required in column {col!r}"))
                continue
            try:
                values[col] = parse(cell)
            except ValueError as exc:
                errors.append(RowError(source, n, col, str(exc)))
        day = values.get("date")
        if day is not None:
            if day in seen:
                errors.append(
                    RowError(source, n, "date", f"{day.isoformat()} is already in row {seen[day]}")
                )
                continue
            seen[day] = n
        if len(values) == 2:
            days.append((values["date"], values["rain_mm"]))
    return CheckedRainfall(tuple(days), tuple(errors))


def import_rainfall(
    store: Store,
    rows: Sequence[Mapping[str, Any]],
    *,
    source: str,
    park_code: str | None = None,
    file: str = "rainfall",
    first_row: int = 2,
    who: str | None = None,
) -> RainfallWritten:
    """Check and store a daily rainfall series, all or nothing, audited
    (``sponge.rainfall``). A day already stored is replaced (value and source).

    Parameters
    ----------
    store
        The store.
    rows
        As :func:`check_rainfall`.
    source
        Where the values come from (gauge, bureau, file), stored with each day.
    park_code
        The park (default: the only one).
    file, first_row
        Names the rows in the errors.
    who
        Who imports, for the audit log.

    Raises
    ------
    RowsError
        Every bad value, by file, row and column; nothing is written.
    InputError
        No row, or no such park.
    """
    from greenpark.auth.service import audit

    if not rows:
        raise InputError(f"{file}: no rows under the header")
    checked = check_rainfall(rows, source=file, first_row=first_row)
    if checked.errors:
        raise RowsError(sorted(checked.errors, key=lambda e: e.row))
    with store.write() as conn:
        park = resolve_park(conn, park_code)
        new, replaced = write_rainfall(conn, park.id, checked.days, source)
        first = min(d for d, _ in checked.days)
        last = max(d for d, _ in checked.days)
        audit(
            conn,
            "sponge.rainfall",
            actor=who,
            target=file,
            detail={
                "park": park.code,
                "source": source,
                "new": new,
                "replaced": replaced,
                "first": first.isoformat(),
                "last": last.isoformat(),
            },
        )
    return RainfallWritten(park.code, source, new, replaced, first, last)
