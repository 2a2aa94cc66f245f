"""Import meter readings from files into the store (``greenpark readings import``).

Reads CSV (in chunks of a million rows) or the first sheet of a workbook, turns cumulative
register files into interval use (:func:`~greenpark.ledger.registers.register_intervals`),
checks every row against the park's meters
(:func:`~greenpark.ledger.readings.check_interval_readings`) and writes with
``store.timeseries.write_readings`` (upserts: nothing doubles) inside one transaction per
file: all or nothing, or, with ``skip_invalid``, the good rows written and the bad ones kept
in ``<file>.rejected.csv`` with their reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from greenpark.errors import InputError, RowError, RowsError
from greenpark.ledger.readings import MeterInfo, check_interval_readings, parse_times
from greenpark.ledger.registers import Replacement, register_intervals
from greenpark.store.db import Store
from greenpark.store.ledger import park_meters
from greenpark.store.timeseries import write_readings

__all__ = ["ImportReport", "import_readings", "parse_capacity", "read_replacements"]

#: Rows of a CSV read and checked at a time.
CHUNK_ROWS = 1_000_000


@dataclass
class ImportReport:
    """What one file's import did."""

    rows: int = 0
    written: int = 0
    errors: list[RowError] = field(default_factory=list)
    rejected_file: Path | None = None

    @property
    def refused_rows(self) -> int:
        """Rows with at least one refused value."""
        return len({e.row for e in self.errors})


def parse_capacity(items: Sequence[str]) -> dict[str, float]:
    """``METER=VALUE`` items → register capacities [meter unit]."""
    caps: dict[str, float] = {}
    for item in items:
        code, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            caps[code.strip()] = float(value)
        except ValueError:
            raise InputError(
                f"--capacity {item!r}: give METER=VALUE, e.g. EL-1=100000000"
            ) from None
    return caps


def read_replacements(path: Path, timezone: str) -> list[Replacement]:
    """Meter exchanges from a CSV with columns meter, time, old_final, new_initial."""
    table = pd.read_csv(path, dtype=str)
    out = []
    for i, r in enumerate(table.to_dict("records"), start=2):
        try:
            when = pd.Timestamp(r["time"])
            when = when.tz_localize(timezone) if when.tzinfo is None else when
            out.append(
                Replacement(
                    str(r["meter"]).strip(), when, float(r["old_final"]), float(r["new_initial"])
                )
            )
        except (KeyError, ValueError) as exc:
            raise InputError(f"{path.name}: row {i}: {exc}") from None
    return out


def read_table(path: Path, chunk: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    """Chunks of a CSV (or the first sheet of a workbook), headers in lower case."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            head = pd.read_csv(path, nrows=0, encoding="utf-8-sig")
            if "register" in [str(c).strip().lower() for c in head.columns]:
                chunk = 1 << 40  # cumulative: a meter's readings must stay together
            for part in pd.read_csv(
                path, dtype=str, chunksize=chunk, encoding="utf-8-sig", skipinitialspace=True
            ):
                part.columns = [str(c).strip().lower() for c in part.columns]
                yield part
        except (UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise InputError(f"{path.name}: cannot read the CSV file: {exc}") from None
    elif suffix in (".xlsx", ".xlsm"):
        from greenpark.environment.files import read_sheet

        sheet = read_sheet(path)
        frame = pd.DataFrame([cells for _, cells in sheet.rows], columns=sheet.header)
        frame.columns = [str(c).strip().lower() for c in frame.columns]
        yield frame
    else:
        raise InputError(f"{path.name}: unknown file type {suffix!r}; give .csv or .xlsx")


def import_readings(
    store: Store,
    path: Path,
    *,
    park_code: str | None,
    timezone: str,
    skip_invalid: bool = False,
    capacity: dict[str, float] | None = None,
    replacements: Sequence[Replacement] = (),
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportReport:
    """Import one file of readings; see the module docstring.

    Raises
    ------
    RowsError
        Bad rows and not ``skip_invalid`` (nothing written), or a fall in a cumulative
        register that no rollover or replacement explains.
    InputError
        No such park, several parks and none named, or an unreadable file.
    """
    with store.read() as conn:
        meters = {code: MeterInfo(*info[:4]) for code, info in park_meters(conn, park_code).items()}
    report = ImportReport()
    rejected: list[pd.DataFrame] = []
    with store.write() as conn:
        for part in read_table(path):
            first_row = report.rows + 2
            report.rows += len(part)
            if "register" in part.columns:
                part = _cumulative(part, path.name, capacity or {}, replacements, timezone)
            checked = check_interval_readings(
                part, meters, source=path.name, timezone=timezone, first_row=first_row
            )
            report.errors += checked.errors
            if checked.errors and skip_invalid:
                rejected.append(_rejected(part, checked.errors, first_row))
            if not report.errors or skip_invalid:
                report.written += write_readings(conn, checked.good, timezone).rows
            if progress is not None:
                progress(path.name, report.rows, report.rows)
        if report.errors and not skip_invalid:
            raise RowsError(report.errors)  # leaves the transaction: nothing written
    if rejected:
        report.rejected_file = path.with_name(path.name + ".rejected.csv")
        pd.concat(rejected).to_csv(report.rejected_file, index=False, encoding="utf-8-sig")
    return report


def _rejected(part: pd.DataFrame, errors: list[RowError], first_row: int) -> pd.DataFrame:
    """The refused rows of a chunk, with their row numbers and reasons."""
    reasons: dict[int, list[str]] = {}
    for e in errors:
        reasons.setdefault(e.row, []).append(f"{e.column}: {e.reason}")
    numbers = range(first_row, first_row + len(part))
    out = part[[r in reasons for r in numbers]].copy()
    out.insert(0, "row", [r for r in numbers if r in reasons])
    out["reason"] = ["; ".join(reasons[r]) for r in out["row"]]
    return out


def _cumulative(
    part: pd.DataFrame,
    source: str,
    caps: dict[str, float],
    swaps: Sequence[Replacement],
    timezone: str,
) -> pd.DataFrame:
    """Cumulative register rows → interval rows (meter, start, end, quantity, unit)."""
    missing = [c for c in ("meter", "time", "register") if c not in part.columns]
    if missing:
        raise InputError(f"{source}: missing column(s) {missing} of a cumulative file")
    frame = pd.DataFrame(
        {
            "meter": part["meter"].astype(str).str.strip(),
            "time": parse_times(part["time"], timezone),
            "register": pd.to_numeric(part["register"], errors="coerce"),
        }
    )
    intervals = register_intervals(frame, capacity=caps, replacements=swaps, source=source)
    out = intervals
    if "unit" in part.columns:
        units = dict(zip(part["meter"].astype(str).str.strip(), part["unit"], strict=False))
        out["unit"] = out["meter"].map(units)
    return out[[c for c in ("meter", "start", "end", "quantity", "unit", "quality") if c in out]]
