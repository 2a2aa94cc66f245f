"""Problem files: TOML for the components and settings, CSV for the time series.

The format is documented in ``docs/dispatch.md`` (with DCPARK-1 under
``benchmarks/dcpark1/`` as a full example). In short::

    name = "station day-ahead"
    carbon_price = 100.0          # [currency/tCO2]
    # carbon_cap = 61000.0        # [tCO2] over the horizon
    rate = 0.06                   # discount rate for annuities [-/a]

    [time]
    series = "profiles.csv"       # relative to this file; a column of timestamps
    index = "time"
    start = "2025-08-06 00:00"    # first step (inclusive)
    end = "2025-08-07 00:00"      # last step (exclusive)

    [[bus]]
    name = "el"

    [[source]]
    name = "grid_import"
    bus = "el"
    capacity = 25.0
    price = "tou"                 # a number, or a column of the series file
    emission = 0.5703

    [[converter]]
    name = "chp"
    ref = "gas"
    capacity = 10.0
    inputs = { gas = 1.0 }
    outputs = { el = 0.40, wh = 0.42 }
    vom = 12.0

A value that may vary with time is a number or the name of a column of the series file.
Every error names the file, the table and the field.
"""

from __future__ import annotations

import csv
import math
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from greenpark.dispatch.model import (
    Bus,
    Commitment,
    Converter,
    Extend,
    Load,
    Problem,
    Series,
    Sink,
    Source,
    Storage,
)
from greenpark.errors import InputError

__all__ = ["load_series", "read_problem"]

#: A time as the series files write it: YYYY-MM-DD HH:MM[:SS] (space or T).
_STAMP = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?$")
_TABLES = ("bus", "source", "sink", "load", "converter", "storage")
_TOP = {"name", "currency", "carbon_price", "carbon_cap", "rate", "time", *_TABLES}
_FIELDS: dict[str, set[str]] = {
    "bus": {"name", "carrier"},
    "source": {"name", "bus", "capacity", "availability", "p_min", "price", "emission",
               "curtailable", "demand_charge", "extend"},
    "sink": {"name", "bus", "capacity", "price"},
    "load": {"name", "bus", "p"},
    "converter": {"name", "inputs", "outputs", "ref", "capacity", "p_max", "p_min", "vom",
                  "offsets", "commitment", "extend"},
    "storage": {"name", "bus", "power", "hours", "energy", "eta_charge", "eta_discharge",
                "standing_loss", "cyclic", "initial", "discharge_cost", "extend"},
}  # fmt: skip
_COMMITMENT = set(Commitment.__dataclass_fields__)
_EXTEND = set(Extend.__dataclass_fields__)


def load_series(
    path: Path, index: str, start: str | None, end: str | None
) -> tuple[NDArray[np.datetime64], dict[str, NDArray[np.float64]]]:
    """The time series of a problem: the CSV at ``path``, its ``index`` column of timestamps
    (ISO 8601, e.g. ``2025-08-06 00:15:00``, local time) cut to [start, end).

    Read with the csv module and numpy (no pandas: a day-ahead run stays fast); rows after
    ``end`` are not read.

    Returns
    -------
    (ndarray of datetime64, dict of column to ndarray)
        Cells that are empty or not numbers are NaN (refused later, by the component that
        uses the column).

    Raises
    ------
    InputError
        Unreadable file, no such column, timestamps that do not parse or do not increase,
        nothing in the window.
    """
    lo = None if start is None else np.datetime64(str(start).replace(" ", "T"), "s")
    hi = None if end is None else np.datetime64(str(end).replace(" ", "T"), "s")
    stamps: list[str] = []
    rows: list[list[str]] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            header = [h.strip() for h in next(reader, [])]
            if index not in header:
                raise InputError(f"{path.name}: no column {index!r}; columns: {header}")
            k = header.index(index)
            # ISO stamps of one width compare as text: parse only the rows kept
            width = sep = None
            lo_s = hi_s = previous = ""
            for line, row in enumerate(reader, start=2):
                if not row:
                    continue
                stamp = row[k].strip()
                if width is None:
                    width, sep = len(stamp), stamp[10:11]
                    if not _STAMP.match(stamp):
                        raise InputError(
                            f"{path.name}, row {line}, column {index!r}: {stamp!r}: write times "
                            "as YYYY-MM-DD HH:MM[:SS]"
                        )
                    lo_s = "" if lo is None else str(lo).replace("T", sep)[:width]
                    hi_s = "" if hi is None else str(hi).replace("T", sep)[:width]
                if len(stamp) != width or not _STAMP.match(stamp) or stamp[10:11] != sep:
                    raise InputError(f"{path.name}, row {line}, column {index!r}: {stamp!r} is "
                                     "not written like the first time")  # fmt: skip
                if stamp <= previous:
                    raise InputError(f"{path.name}, row {line}, column {index!r}: times must "
                                     "increase")  # fmt: skip
                previous = stamp
                if hi_s and stamp >= hi_s:
                    break
                if lo_s and stamp < lo_s:
                    continue
                stamps.append(stamp)
                rows.append(row)
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name}: not UTF-8 text: {exc}") from None
    if not rows:
        raise InputError(f"{path.name}: no rows between {start} and {end}")
    try:
        times = np.array([t.replace(" ", "T") for t in stamps], dtype="datetime64[s]")
    except ValueError as exc:
        raise InputError(f"{path.name}, column {index!r}: {exc}") from None
    columns: dict[str, NDArray[np.float64]] = {}
    for j, name in enumerate(header):
        if j == k:
            continue
        values = np.full(len(rows), np.nan)
        for i, row in enumerate(rows):
            cell = row[j].strip() if j < len(row) else ""
            try:
                values[i] = float(cell) if cell else np.nan
            except ValueError:
                values[i] = np.nan
        columns[name] = values
    return times, columns


def _weights(index: NDArray[np.datetime64], step_hours: float | None) -> NDArray[np.float64]:
    if step_hours is not None:
        return np.full(len(index), float(step_hours))
    if len(index) < 2:
        raise InputError("one time step: give [time] step_hours")
    d = np.diff(index).astype("timedelta64[s]").astype(float) / 3600.0
    return np.append(d, d[-1])


class _Reader:
    def __init__(
        self, file: str, times: NDArray[np.datetime64], series: dict[str, NDArray[np.float64]]
    ) -> None:
        self.file = file
        self.times = times
        self.series = series

    def where(self, table: str, i: int, name: str | None, fld: str) -> str:
        who = f"[[{table}]] #{i + 1}" + (f" {name!r}" if name else "")
        return f"{self.file}, {who}, field {fld!r}"

    def value(self, table: str, i: int, name: str | None, fld: str, v: Any) -> Series:
        if isinstance(v, bool):
            raise InputError(f"{self.where(table, i, name, fld)}: a number or a column, not {v}")
        if isinstance(v, int | float):
            return float(v)
        if isinstance(v, str):
            if v not in self.series:
                raise InputError(
                    f"{self.where(table, i, name, fld)}: no column {v!r} in the series; "
                    f"columns: {list(self.series)}"
                )
            a = self.series[v]
            if not np.all(np.isfinite(a)):
                bad = self.times[~np.isfinite(a)][0]
                raise InputError(f"{self.where(table, i, name, fld)}: column {v!r} is empty or "
                                 f"not a number at {bad}")  # fmt: skip
            return a
        raise InputError(f"{self.where(table, i, name, fld)}: a number or a column name")

    def number(self, table: str, i: int, name: str | None, fld: str, v: Any) -> float:
        if isinstance(v, str) and v.lower() in ("inf", "infinity"):
            return math.inf
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise InputError(f"{self.where(table, i, name, fld)}: a number, not {v!r}")
        return float(v)

    def sub(self, table: str, i: int, name: str | None, fld: str, v: Any,
            allowed: set[str]) -> dict[str, Any]:  # fmt: skip
        if not isinstance(v, Mapping):
            raise InputError(f"{self.where(table, i, name, fld)}: a table {{...}}")
        unknown = set(v) - allowed
        if unknown:
            raise InputError(
                f"{self.where(table, i, name, fld)}: unknown field(s) {sorted(unknown)}; "
                f"known: {sorted(allowed)}"
            )
        return dict(v)


def read_problem(path: Path, **overrides: Any) -> Problem:
    """Read a problem file (TOML) and its series (CSV).

    ``overrides`` replace top-level settings (``carbon_price``, ``carbon_cap``, ``rate``,
    ``name``) and ``start``/``end`` of ``[time]``.

    Raises
    ------
    InputError
        Naming the file, the table (and its position and name) and the field at fault.
    """
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path.name}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}") from None
    unknown = set(doc) - _TOP
    if unknown:
        raise InputError(f"{path.name}: unknown key(s) {sorted(unknown)}; known: {sorted(_TOP)}")
    t = doc.get("time")
    if not isinstance(t, Mapping) or "series" not in t:
        raise InputError(f"{path.name}: a [time] table with series = 'file.csv' is needed")
    start = overrides.pop("start", t.get("start"))
    end = overrides.pop("end", t.get("end"))
    times, series = load_series(
        path.parent / str(t["series"]), str(t.get("index", "time")), start, end
    )
    weights = _weights(times, t.get("step_hours"))
    doc.update(overrides)
    r = _Reader(path.name, times, series)

    def items(table: str) -> list[dict[str, Any]]:
        rows = doc.get(table, [])
        if not isinstance(rows, list):
            raise InputError(f"{path.name}: {table!r} must be an array of tables [[{table}]]")
        out = []
        for i, row in enumerate(rows):
            name = row.get("name")
            if not isinstance(name, str) or not name:
                raise InputError(f"{r.where(table, i, None, 'name')}: a name is needed")
            extra = set(row) - _FIELDS[table]
            if extra:
                raise InputError(
                    f"{r.where(table, i, name, sorted(extra)[0])}: unknown field; known: "
                    f"{sorted(_FIELDS[table])}"
                )
            out.append(row)
        return out

    def extend(table: str, i: int, name: str, row: dict[str, Any]) -> Extend | None:
        if "extend" not in row:
            return None
        e = r.sub(table, i, name, "extend", row["extend"], _EXTEND)
        return Extend(**{k: (r.number(table, i, name, f"extend.{k}", v) if k != "rate" or v is
                             not None else None) for k, v in e.items()})  # fmt: skip

    def num(table: str, i: int, row: dict[str, Any], fld: str, default: float) -> float:
        return r.number(table, i, row["name"], fld, row.get(fld, default))

    def val(table: str, i: int, row: dict[str, Any], fld: str, default: float) -> Series:
        return r.value(table, i, row["name"], fld, row.get(fld, default))

    def flag(table: str, i: int, row: dict[str, Any], fld: str, default: bool) -> bool:
        v = row.get(fld, default)
        if not isinstance(v, bool):
            raise InputError(f"{r.where(table, i, row['name'], fld)}: true or false")
        return v

    def text(table: str, i: int, row: dict[str, Any], fld: str) -> str:
        v = row.get(fld)
        if not isinstance(v, str) or not v:
            raise InputError(f"{r.where(table, i, row['name'], fld)}: a bus name is needed")
        return v

    buses = [Bus(b["name"], str(b.get("carrier", ""))) for b in items("bus")]
    sources = [
        Source(
            name=s["name"], bus=text("source", i, s, "bus"),
            capacity=num("source", i, s, "capacity", math.inf),
            availability=val("source", i, s, "availability", 1.0),
            p_min=val("source", i, s, "p_min", 0.0), price=val("source", i, s, "price", 0.0),
            emission=num("source", i, s, "emission", 0.0),
            curtailable=flag("source", i, s, "curtailable", True),
            demand_charge=num("source", i, s, "demand_charge", 0.0),
            extend=extend("source", i, s["name"], s),
        )
        for i, s in enumerate(items("source"))
    ]  # fmt: skip
    sinks = [
        Sink(k["name"], text("sink", i, k, "bus"), num("sink", i, k, "capacity", math.inf),
             val("sink", i, k, "price", 0.0))
        for i, k in enumerate(items("sink"))
    ]  # fmt: skip
    loads = []
    for i, ld in enumerate(items("load")):
        if "p" not in ld:
            raise InputError(f"{r.where('load', i, ld['name'], 'p')}: the load is needed")
        loads.append(Load(ld["name"], text("load", i, ld, "bus"), val("load", i, ld, "p", 0.0)))
    converters = []
    for i, c in enumerate(items("converter")):
        name = c["name"]
        sides = {}
        for side in ("inputs", "outputs"):
            ports = c.get(side, {})
            if not isinstance(ports, Mapping):
                raise InputError(f"{r.where('converter', i, name, side)}: a table {{bus = ratio}}")
            sides[side] = {bus: r.value("converter", i, name, f"{side}.{bus}", v)
                           for bus, v in ports.items()}  # fmt: skip
        commitment = None
        if "commitment" in c:
            u = r.sub("converter", i, name, "commitment", c["commitment"], _COMMITMENT)
            commitment = Commitment(**{
                k: (int(v) if k == "initial_status" else
                    r.number("converter", i, name, f"commitment.{k}", v))
                for k, v in u.items()
            })  # fmt: skip
        offsets = c.get("offsets", {})
        if not isinstance(offsets, Mapping):
            raise InputError(f"{r.where('converter', i, name, 'offsets')}: a table")
        converters.append(
            Converter(
                name=name, inputs=sides["inputs"], outputs=sides["outputs"],
                ref=text("converter", i, c, "ref"),
                capacity=num("converter", i, c, "capacity", math.inf),
                p_max=val("converter", i, c, "p_max", 1.0),
                p_min=val("converter", i, c, "p_min", 0.0),
                vom=num("converter", i, c, "vom", 0.0),
                offsets={b: r.number("converter", i, name, f"offsets.{b}", v)
                         for b, v in offsets.items()},
                commitment=commitment, extend=extend("converter", i, name, c),
            )
        )  # fmt: skip
    storages = []
    for i, st in enumerate(items("storage")):
        hours = st.get("hours")
        energy = st.get("energy")
        storages.append(
            Storage(
                name=st["name"], bus=text("storage", i, st, "bus"),
                power=num("storage", i, st, "power", 0.0),
                hours=None if hours is None else r.number("storage", i, st["name"], "hours", hours),
                energy=None if energy is None else r.number("storage", i, st["name"], "energy",
                                                             energy),
                eta_charge=num("storage", i, st, "eta_charge", 1.0),
                eta_discharge=num("storage", i, st, "eta_discharge", 1.0),
                standing_loss=num("storage", i, st, "standing_loss", 0.0),
                cyclic=flag("storage", i, st, "cyclic", True),
                initial=num("storage", i, st, "initial", 0.0),
                discharge_cost=num("storage", i, st, "discharge_cost", 0.0),
                extend=extend("storage", i, st["name"], st),
            )
        )  # fmt: skip
    cap = doc.get("carbon_cap")
    problem = Problem(
        name=str(doc.get("name", path.stem)),
        snapshots=times,
        weights=weights,
        buses=buses,
        sources=sources,
        sinks=sinks,
        loads=loads,
        converters=converters,
        storages=storages,
        carbon_price=r.number("top", 0, None, "carbon_price", doc.get("carbon_price", 0.0)),
        carbon_cap=None if cap is None else r.number("top", 0, None, "carbon_cap", cap),
        rate=r.number("top", 0, None, "rate", doc.get("rate", 0.06)),
        currency=str(doc.get("currency", "CNY")),
    )
    problem.check()
    return problem
