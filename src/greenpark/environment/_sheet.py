"""Cells of one spreadsheet to typed columns, with one :class:`~greenpark.errors.RowError`
per bad cell. Pure: a :class:`Sheet` (cells as read) in, arrays and errors out.

Row numbers are spreadsheet numbers: the header is row 1, so the first data row is row 2.
A bad cell marks its row bad; the other rows are still computed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from greenpark.errors import InputError, RowError

#: Cell texts read as a missing value (not an error) in a numeric column.
MISSING_TEXTS: Final[frozenset[str]] = frozenset({"", "-", "—", "-;", "na", "n/a", "nan"})

_NUMBER: Final[re.Pattern[str]] = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True)
class Sheet:
    """The cells of one CSV file or workbook sheet, as read.

    Attributes
    ----------
    source : str
        Name used in error messages (``air.csv``, ``air.xlsx[Sheet1]``).
    header : list of str
        Header cells (row 1), normalised by the reader (stripped, lower case).
    rows : list of (int, list)
        ``(row number, cells)`` of the non-blank data rows; the header is row 1.
    """

    source: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]


def normalise_name(name: Any) -> str:
    """A header or ``--rename`` name as a column name.

    Stripped, lower case; runs of spaces, dashes and dots become ``_`` (``"PM2.5"`` ->
    ``"pm2_5"``, ``"NH3-N"`` -> ``"nh3_n"``).
    """
    if name is None:
        return ""
    return re.sub(r"[\s\-.]+", "_", str(name).strip().lower())


def parse_renames(pairs: Iterable[str]) -> dict[str, str]:
    """Parse ``old=new`` pairs into a mapping of normalised names.

    Raises
    ------
    InputError
        For a pair without ``=``, an empty name, or the same old name twice.
    """
    renames: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        old, new = normalise_name(old), normalise_name(new)
        if not sep or not old or not new:
            raise InputError(f"rename {pair!r} must look like old=new (e.g. PM2.5=pm2_5)")
        if old in renames:
            raise InputError(f"column {old!r} is renamed twice")
        renames[old] = new
    return renames


def rename_header(header: Sequence[str], renames: Mapping[str, str]) -> list[str]:
    """Apply ``renames`` to a header, all at once (so ``a=b`` with ``b=c`` swaps safely).

    Blank header cells become ``column_<n>`` (1-based position).

    Raises
    ------
    InputError
        If a renamed column is not in the header, or two columns end up with one name.
    """
    names = [normalise_name(h) or f"column_{i}" for i, h in enumerate(header, start=1)]
    unknown = [old for old in renames if old not in names]
    if unknown:
        raise InputError(
            f"cannot rename {', '.join(map(repr, unknown))}: no such column; the header has "
            f"{', '.join(names)}"
        )
    renamed = [renames.get(n, n) for n in names]
    seen: dict[str, str] = {}
    for original, name in zip(names, renamed, strict=True):
        if name in seen:
            kept = seen[name] if seen[name] not in renames else original
            raise InputError(
                f"column {name!r} appears twice (from {seen[name]!r} and {original!r}); "
                f"rename the other one too, e.g. --rename {kept}={kept}_2"
            )
        seen[name] = original
    return renamed


@dataclass
class Cells:
    """A sheet's cells under canonical names, and the bad cells found while typing them.

    Build it with :func:`cells`; then call :meth:`require`, :meth:`numbers`,
    :meth:`times` and :meth:`texts` for the columns a computation needs.
    """

    source: str
    frame: pd.DataFrame
    original: dict[str, str]
    errors: list[RowError] = field(default_factory=list)
    bad: set[int] = field(default_factory=set)
    parsed: dict[str, pd.Series] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        """Column names after renaming, in file order."""
        return list(self.frame.columns)

    @property
    def good(self) -> np.ndarray:
        """Boolean mask of the rows without a bad cell so far."""
        return ~self.frame.index.isin(list(self.bad))

    def fail(self, row: int, column: str, reason: str) -> None:
        """Record a bad cell; its row is not computed."""
        self.errors.append(RowError(self.source, row, self.original.get(column, column), reason))
        self.bad.add(row)

    def require(self, names: Iterable[str]) -> None:
        """Raise :class:`InputError` (whole file refused) if a column is missing."""
        missing = [n for n in names if n not in self.frame.columns]
        if missing:
            raise InputError(
                f"{self.source}: missing required column(s) {', '.join(missing)}; the header "
                f"has {', '.join(self.columns)} (map yours with --rename old=new)"
            )

    def _parse(self, name: str, parse: Any, required: bool, empty: Any) -> list[Any]:
        out = []
        for row, cell in self.frame[name].items():
            if _is_blank(cell):
                if required:
                    self.fail(int(row), name, "empty cell in a required column")
                out.append(empty)
                continue
            try:
                out.append(parse(cell))
            except (ValueError, TypeError, OverflowError) as exc:
                self.fail(int(row), name, str(exc))
                out.append(empty)
        return out

    def numbers(self, name: str, *, what: str = "value") -> pd.Series:
        """Non-negative numbers of column ``name`` [float]; blank or ``-`` cells are NaN."""

        def parse(cell: Any) -> float:
            value = _number(cell)
            if value < 0:
                raise ValueError(f"negative {what} {value:g}")
            return value

        values = self._parse(name, parse, required=False, empty=math.nan)
        series = pd.Series(values, index=self.frame.index, dtype=float, name=name)
        self.parsed[name] = series
        return series

    def times(self, name: str, zone: str, *, required: bool = True) -> pd.Series:
        """Aware UTC timestamps of column ``name``; cells without an offset are in ``zone``."""
        tz = timezone(zone)
        values = self._parse(name, lambda c: _timestamp(c, tz), required=required, empty=pd.NaT)
        series = pd.Series(
            pd.DatetimeIndex(values, tz="UTC") if values else pd.DatetimeIndex([], tz="UTC"),
            index=self.frame.index,
            name=name,
        )
        self.parsed[name] = series.dt.tz_convert(tz).map(
            lambda t: t.isoformat() if not pd.isna(t) else None
        )
        return series

    def texts(self, name: str, *, required: bool = True) -> pd.Series:
        """Stripped text of column ``name`` (numbers from Excel as written, ``12`` not ``12.0``)."""
        values = self._parse(name, _text, required=required, empty=None)
        series = pd.Series(values, index=self.frame.index, dtype=object, name=name)
        self.parsed[name] = series
        return series

    def passthrough(self, mask: np.ndarray) -> pd.DataFrame:
        """The input columns of the rows in ``mask``: typed where parsed, cells otherwise."""
        out = self.frame.loc[mask].copy()
        for name, series in self.parsed.items():
            out[name] = series.loc[mask]
        return out.reset_index(drop=True)


def cells(sheet: Sheet, renames: Mapping[str, str] | None = None) -> Cells:
    """The cells of ``sheet`` as a frame indexed by row number, columns renamed.

    Raises
    ------
    InputError
        If the sheet has no header, or a rename fails (see :func:`rename_header`).
    """
    if not sheet.header:
        raise InputError(f"{sheet.source}: no header row (row 1 must name the columns)")
    names = rename_header(sheet.header, renames or {})
    width = len(names)
    records = [(list(c) + [None] * width)[:width] for _, c in sheet.rows]
    frame = pd.DataFrame(
        records,
        columns=names,
        index=pd.Index([n for n, _ in sheet.rows], dtype=int, name="row"),
        dtype=object,
    )
    original = {
        new: normalise_name(old) or new for old, new in zip(sheet.header, names, strict=True)
    }
    return Cells(sheet.source, frame, original)


def timezone(zone: str) -> zoneinfo.ZoneInfo:
    """The IANA zone ``zone``; :class:`InputError` if unknown."""
    try:
        return zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise InputError(
            f"timezone {zone!r} is not an IANA zone name such as 'Asia/Shanghai'"
        ) from None


def _is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _number(cell: Any) -> float:
    if isinstance(cell, bool):
        raise ValueError(f"expected a number, got the logical value {cell}")
    if isinstance(cell, int | float):
        value = float(cell)
    elif isinstance(cell, str):
        text = cell.strip()
        if text.lower() in MISSING_TEXTS:
            return math.nan
        if not _NUMBER.fullmatch(text):
            raise ValueError(f"expected a number, got {text!r}")
        value = float(text)
    else:
        raise ValueError(f"expected a number, got {cell!r}")
    if math.isinf(value):
        raise ValueError(f"expected a finite number, got {value}")
    return value


def _text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _timestamp(cell: Any, tz: zoneinfo.ZoneInfo) -> pd.Timestamp:
    if isinstance(cell, dt.datetime | dt.date):
        stamp = pd.Timestamp(cell)
    elif isinstance(cell, str):
        try:
            stamp = pd.Timestamp(cell.strip())
        except ValueError:
            raise ValueError(
                f"expected a date and time such as 2024-06-01T13:00+08:00, got {cell.strip()!r}"
            ) from None
    else:
        raise ValueError(f"expected a date and time, got {cell!r}")
    if pd.isna(stamp):
        raise ValueError(f"expected a date and time, got {cell!r}")
    if stamp.tzinfo is None:
        try:
            stamp = stamp.tz_localize(tz, ambiguous="raise", nonexistent="raise")
        except ValueError as exc:  # pandas' Ambiguous/NonExistentTimeError are ValueErrors
            raise ValueError(f"{stamp} is ambiguous or does not exist in {tz.key}: {exc}") from None
    return stamp.tz_convert("UTC")
