"""Cumulative register readings → interval consumption, with rollover and meter replacement.

Meters often report their register (the cumulative counter), not the interval use. The use
of an interval is the difference of two successive readings, except where

- the register **rolled over** (it passed its maximum and restarted at 0): use =
  (capacity - previous) + current, when the meter's capacity is known;
- the meter was **replaced**: use = (old meter's final reading - previous) + (current - new
  meter's initial reading), from the replacement record.

Any other decrease is refused with the row that shows it; nothing is guessed. Readings
repeated with the same value (a file uploaded twice) count once; the same time with another
value is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from greenpark.errors import RowError, RowsError

__all__ = ["Replacement", "register_intervals"]


@dataclass(frozen=True)
class Replacement:
    """A meter exchange: the old meter's last reading and the new one's first, at ``time``.

    ``time`` lies between the last reading of the old meter and the first of the new.
    Readings are in the meter's unit.
    """

    meter: str
    time: pd.Timestamp
    old_final: float
    new_initial: float


def register_intervals(
    readings: pd.DataFrame,
    *,
    capacity: dict[str, float] | None = None,
    replacements: list[Replacement] | tuple[Replacement, ...] = (),
    source: str = "readings",
) -> pd.DataFrame:
    """Interval use from cumulative register readings.

    Parameters
    ----------
    readings : DataFrame
        Columns ``meter``, ``time`` (aware timestamps) and ``register`` (the counter, in the
        meter's unit: kWh, m³, GJ...).
    capacity : dict, optional
        Meter → register capacity (the value at which it restarts at 0, e.g. 1e8 for an
        8-digit counter) [meter unit]; needed to accept a rollover.
    replacements : sequence of Replacement
        Meter exchanges.
    source : str
        Name of the input in error messages (a file name).

    Returns
    -------
    DataFrame
        ``meter``, ``start``, ``end``, ``quantity`` [meter unit] and ``quality`` (``ok``,
        ``rollover`` or ``replacement``), one row per pair of successive readings.

    Raises
    ------
    RowsError
        Every bad row, each with its row number as a spreadsheet shows it (header = row 1,
        in ``readings`` order), column and reason: missing or negative register,
        conflicting duplicate, a decrease with no rollover capacity or replacement to
        explain it.
    """
    missing = [c for c in ("meter", "time", "register") if c not in readings.columns]
    if missing:
        raise RowsError([RowError(source, 1, ",".join(missing), "missing column(s)")])
    frame = readings.reset_index(drop=True).copy()
    frame["row"] = np.arange(2, len(frame) + 2)  # as a spreadsheet shows it: header is row 1
    errors: list[RowError] = []
    bad = frame["register"].isna() | (frame["register"] < 0)
    for row in frame.loc[bad, "row"]:
        errors.append(RowError(source, int(row), "register", "missing or negative"))
    frame = frame.loc[~bad]
    frame = frame.sort_values(["meter", "time", "row"], kind="stable")
    same = frame.duplicated(["meter", "time"], keep="first")
    dup = frame.loc[same]
    firsts = frame.drop_duplicates(["meter", "time"], keep="first").set_index(["meter", "time"])
    for meter, time, value, row in zip(
        dup["meter"], dup["time"], dup["register"], dup["row"], strict=True
    ):
        first = firsts.loc[(meter, time)]
        if first["register"] != value:
            said = f"row {int(first['row'])} says {first['register']:.15g}"
            msg = f"{meter} at {time}: {value:.15g}, but {said}"
            errors.append(RowError(source, int(row), "register", msg))
    frame = frame.loc[~same]
    caps = capacity or {}
    swaps: dict[str, list[Replacement]] = {}
    for r in replacements:
        swaps.setdefault(r.meter, []).append(r)
    out: list[dict[str, object]] = []
    for meter, group in frame.groupby("meter", sort=False):
        times = group["time"].tolist()
        values = group["register"].to_numpy(dtype=float)
        rows = group["row"].tolist()
        for i in range(1, len(values)):
            prev, cur, start, end = values[i - 1], values[i], times[i - 1], times[i]
            swap = next((r for r in swaps.get(meter, ()) if start < r.time <= end), None)
            if swap is not None:
                use = (swap.old_final - prev) + (cur - swap.new_initial)
                quality = "replacement"
                if use < 0:
                    msg = (
                        f"{meter}: replacement at {swap.time} gives {use:.15g} "
                        f"(old final {swap.old_final:.15g} < {prev:.15g} or new initial "
                        f"{swap.new_initial:.15g} > {cur:.15g})"
                    )
                    errors.append(RowError(source, rows[i], "register", msg))
                    continue
            elif cur >= prev:
                use, quality = cur - prev, "ok"
            elif meter in caps and (caps[meter] - prev) + cur < caps[meter] / 2:
                use, quality = (caps[meter] - prev) + cur, "rollover"
            else:
                why = (
                    "no register capacity known for a rollover"
                    if meter not in caps
                    else f"too large for a rollover at {caps[meter]:.15g}"
                )
                msg = (
                    f"{meter}: register fell from {prev:.15g} (row {rows[i - 1]}) to {cur:.15g}; "
                    f"{why} and no meter replacement recorded"
                )
                errors.append(RowError(source, rows[i], "register", msg))
                continue
            out.append(
                {"meter": meter, "start": start, "end": end, "quantity": use, "quality": quality}
            )
    if errors:
        raise RowsError(sorted(errors, key=lambda e: e.row))
    return pd.DataFrame(out, columns=["meter", "start", "end", "quantity", "quality"])
