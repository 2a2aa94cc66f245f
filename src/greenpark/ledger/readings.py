"""Meter readings in: check a table of interval or cumulative readings against the registry.

Two layouts (column names case-insensitive):

- **interval**: ``meter`` (code), ``start``, optional ``end`` (default: start + the meter's
  interval), ``quantity``, optional ``unit`` (converted to the meter's unit) and ``quality``;
- **cumulative**: ``meter``, ``time``, ``register``, optional ``unit``: turned into interval
  use by :func:`greenpark.ledger.registers.register_intervals` (rollover, replacement).

Times without a zone are read in the park's zone. Checks are vectorised (a year of 15-minute
data for 500 meters is 17.5 million rows); every bad row is reported with file, row (as a
spreadsheet shows it, header = row 1), column and reason, and nothing is written unless the
caller keeps the good rows on purpose (``--skip-invalid``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from greenpark.errors import RowError

__all__ = ["UNIT_FACTORS", "Checked", "MeterInfo", "check_interval_readings", "unit_factor"]

#: unit → (meter unit it converts to, factor) for the units meters and bills use.
UNIT_FACTORS: Final[dict[str, tuple[str, float]]] = {
    "Wh": ("kWh", 1e-3),
    "MWh": ("kWh", 1e3),
    "GWh": ("kWh", 1e6),
    "MJ": ("GJ", 1e-3),
    "TJ": ("GJ", 1e3),
    "m3": ("m³", 1.0),
    "10⁴m³": ("m³", 1e4),
    "万m³": ("m³", 1e4),
    "L": ("m³", 1e-3),
    "kg": ("t", 1e-3),
}


def unit_factor(unit: str, meter_unit: str) -> float | None:
    """Factor from ``unit`` to ``meter_unit`` (1 when equal), or None when not convertible.

    kWh of heat is converted to GJ at 3.6 MJ/kWh.
    """
    unit = unit.strip()
    if unit == meter_unit or unit == "":
        return 1.0
    target, factor = UNIT_FACTORS.get(unit, (None, 1.0))
    if target == meter_unit:
        return factor
    if meter_unit == "GJ" and unit in ("kWh", "MWh"):
        return 0.0036 * (1e3 if unit == "MWh" else 1.0)
    return None


_OFFSET = r"(?:Z|[+-]\d\d:?\d\d)$"


@dataclass(frozen=True)
class MeterInfo:
    """What the checks need of a registry meter."""

    id: int
    unit: str
    interval_s: int
    virtual: bool


@dataclass(frozen=True)
class Checked:
    """Good rows ready for ``write_readings`` and every refused row."""

    good: pd.DataFrame  # meter_id, start, end, quantity, quality
    errors: list[RowError]
    rows: int


def parse_times(values: pd.Series, timezone: str) -> pd.Series:
    """Times in ``timezone``: those with an offset (``Z``, ``+08:00``) converted, the others
    read as local times of ``timezone``; NaT for what is not a time.

    A column of uniform ISO 8601 text takes the fast path; mixed columns (some with an
    offset, or other layouts) are parsed value by value.
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert(timezone)
    if pd.api.types.is_datetime64_dtype(values.dtype):
        return values.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    try:
        fast = pd.to_datetime(values, format="ISO8601", errors="coerce")
    except (ValueError, TypeError):  # offsets differ between rows
        return _parse_mixed(values.astype("string").str.strip(), timezone)
    if isinstance(fast.dtype, pd.DatetimeTZDtype):
        out = fast.dt.tz_convert(timezone)
    else:
        out = fast.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    retry = (out.isna() & values.notna()).to_numpy()
    if retry.any():  # blanks, or not ISO 8601: try the other layouts pandas knows
        out = out.copy()
        out[retry] = _parse_mixed(values[retry].astype("string").str.strip(), timezone)
    return out


def _parse_mixed(text: pd.Series, timezone: str) -> pd.Series:
    aware = text.str.contains(_OFFSET, regex=True, na=False)
    out = pd.Series(pd.NaT, index=text.index, dtype=f"datetime64[ns, {timezone}]")
    if (~aware).any():
        naive = pd.to_datetime(text[~aware], errors="coerce", format="mixed")
        out[~aware] = naive.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    if aware.any():
        parsed = pd.to_datetime(text[aware], errors="coerce", format="mixed", utc=True)
        out[aware] = parsed.dt.tz_convert(timezone)
    return out


def check_interval_readings(
    frame: pd.DataFrame,
    meters: Mapping[str, MeterInfo],
    *,
    source: str,
    timezone: str,
    first_row: int = 2,
) -> Checked:
    """Check interval readings; see the module docstring.

    Parameters
    ----------
    frame : DataFrame
        The table as read (text or typed cells), header already mapped to lower case.
    meters : mapping
        Meter code → :class:`MeterInfo` from the registry.
    source : str
        File name for the messages.
    timezone : str
        Zone of times written without one (the park's).
    first_row : int
        Spreadsheet row number of ``frame``'s first row (2 under a header; more for a chunk).
    """
    n = len(frame)
    rownum = np.arange(first_row, first_row + n)
    errors: list[RowError] = []
    missing = [c for c in ("meter", "start", "quantity") if c not in frame.columns]
    if missing:
        return Checked(_empty(), [RowError(source, 1, ",".join(missing), "missing column")], n)
    bad = np.zeros(n, dtype=bool)

    def refuse(mask: np.ndarray, column: str, reason: str | Callable[[int], str]) -> None:
        nonlocal bad
        mask = mask & ~bad
        for i in np.flatnonzero(mask):
            why = reason if isinstance(reason, str) else reason(int(i))
            errors.append(RowError(source, int(rownum[i]), column, why))
        bad |= mask

    # One lookup of each row's meter; its attributes then come from arrays (no per-row work).
    codes = list(meters)
    pos = frame["meter"].map({c: i for i, c in enumerate(codes)})
    if pos.isna().any():  # stray blanks around a code
        retry = pos.isna()
        pos[retry] = (
            frame["meter"][retry].astype(str).str.strip().map({c: i for i, c in enumerate(codes)})
        )
    unknown = pos.isna().to_numpy()
    at = pos.fillna(len(codes)).astype("int64").to_numpy()
    infos = [meters[c] for c in codes]
    ids = pd.Series(np.array([m.id for m in infos] + [0], dtype="int64")[at], index=frame.index)
    virtual = np.array([m.virtual for m in infos] + [False])[at]
    meter_unit = pd.Series(
        np.array([m.unit for m in infos] + [""], dtype=object)[at], index=frame.index
    )
    steps = np.array([m.interval_s for m in infos] + [0], dtype="int64")[at]
    refuse(unknown, "meter", lambda i: f"no meter {frame['meter'].iloc[i]!r} in the registry")
    refuse(virtual, "meter", "a virtual meter (formula) takes no readings")
    start = parse_times(frame["start"], timezone)
    refuse(start.isna().to_numpy(), "start", "not a time (ISO 8601, e.g. 2025-01-01 00:15)")
    qty = pd.to_numeric(frame["quantity"], errors="coerce")
    refuse(qty.isna().to_numpy(), "quantity", "not a number")
    refuse((qty < 0).fillna(False).to_numpy(), "quantity", "negative")
    if "unit" in frame.columns:
        units = frame["unit"].astype("string").fillna("").str.strip()
        pairs = pd.DataFrame({"unit": units, "meter_unit": meter_unit})
        table = {
            (u, mu): unit_factor(u, mu) for u, mu in pairs.drop_duplicates().itertuples(index=False)
        }
        conv = pd.Series(
            [table[k] for k in zip(pairs["unit"], pairs["meter_unit"], strict=True)],
            index=frame.index,
            dtype="float64",
        )
        wrong = conv.isna().to_numpy()
        refuse(
            wrong,
            "unit",
            lambda i: (
                f"unit {pairs['unit'].iloc[i]!r} does not convert to the meter's "
                f"{pairs['meter_unit'].iloc[i]!r}"
            ),
        )
        qty = qty * conv.fillna(1.0)
    end = start + pd.to_timedelta(steps, unit="s")
    if "end" in frame.columns:
        given = frame["end"].notna() & (frame["end"].astype("string").str.strip() != "")
        if given.any():
            end = end.where(~given, parse_times(frame["end"].where(given), timezone))
    refuse(end.isna().to_numpy(), "end", "not a time")
    refuse((end <= start).fillna(False).to_numpy(), "end", "not after start")
    keep = ~bad
    good = pd.DataFrame(
        {
            "meter_id": ids[keep],
            "start": start[keep],
            "end": end[keep],
            "quantity": qty[keep].astype(float),
            "quality": frame["quality"][keep].fillna("ok").astype(str)
            if "quality" in frame.columns
            else "ok",
        }
    )
    errors.sort(key=lambda e: (e.row, e.column))
    return Checked(good, errors, n)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["meter_id", "start", "end", "quantity", "quality"])
