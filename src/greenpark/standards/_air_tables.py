"""Load the air-quality tables in ``standards/tables/`` once (stdlib ``csv``, cached).

Private: :mod:`greenpark.standards.air` is the public face. The tables are

* ``aqi_breakpoints.csv`` — HJ 633-2012 / HJ 633-2026 table 1, one row per breakpoint;
* ``aqi_categories.csv`` — HJ 633 table 2, the six AQI levels;
* ``gb3095_limits.csv`` — GB 3095-2012 tables 1-2 and GB 3095-2026 table 1 (phases 1, 2).
"""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources
from typing import Final

import numpy as np

#: Columns every air table must carry (besides its own value columns).
PROVENANCE_COLUMNS: Final[tuple[str, ...]] = ("unit", "source", "valid_from", "valid_to")


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of ``tables/<name>`` as dicts of stripped strings (a fresh list each call)."""
    return [dict(row) for row in _rows(name)]


@functools.cache
def _rows(name: str) -> tuple[dict[str, str], ...]:
    text = (resources.files("greenpark.standards") / "tables" / name).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in PROVENANCE_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ValueError(f"{name}: missing column(s) {missing}")
    return tuple({k: (v or "").strip() for k, v in row.items()} for row in reader)


@functools.cache
def breakpoints() -> dict[tuple[str, str, str], tuple[np.ndarray, np.ndarray]]:
    """``(standard, pollutant, period) -> (concentrations, iaqi levels)`` as float arrays.

    Concentrations are strictly increasing (checked); arrays are read-only.
    """
    grouped: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    for row in _rows("aqi_breakpoints.csv"):
        key = (row["standard"], row["pollutant"], row["period"])
        grouped.setdefault(key, []).append((float(row["concentration"]), float(row["iaqi"])))
    out: dict[tuple[str, str, str], tuple[np.ndarray, np.ndarray]] = {}
    for key, pairs in grouped.items():
        conc = np.array([p[0] for p in pairs])
        level = np.array([p[1] for p in pairs])
        if np.any(np.diff(conc) <= 0) or np.any(np.diff(level) <= 0) or conc[0] != 0:
            raise ValueError(f"aqi_breakpoints.csv: {key} is not increasing from 0")
        conc.flags.writeable = False
        level.flags.writeable = False
        out[key] = (conc, level)
    return out


@functools.cache
def categories() -> tuple[dict[str, str], ...]:
    """The six AQI levels of ``aqi_categories.csv``, ordered by level."""
    rows = sorted(_rows("aqi_categories.csv"), key=lambda r: int(r["level"]))
    if [int(r["level"]) for r in rows] != [1, 2, 3, 4, 5, 6]:
        raise ValueError("aqi_categories.csv: levels must be 1..6")
    return rows
