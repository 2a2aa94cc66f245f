"""Pure parsing and checking of registry tables: cells in, typed rows and row errors out.

Nothing here touches a file or the store. :func:`check_table` checks one table against
its :data:`~greenpark.registry._columns.COLUMNS`; :func:`check_import` then checks what
needs every table of an import together (duplicate keys, references, station MNs), given
what the store already holds.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from greenpark.errors import RowError
from greenpark.registry._columns import COLUMNS, ROW_RULES, Column
from greenpark.registry.formula import parse_formula
from greenpark.standards.credit_code import validate_credit_code
from greenpark.store.registry import KINDS, Kind, Reference

#: Row number of the header; data rows follow it.
HEADER_ROW: Final[int] = 1


@dataclass
class RawTable:
    """One kind's cells as read from a CSV file or a workbook sheet.

    ``source`` names it in errors (``enterprise.csv``, ``registry.xlsx[enterprise]``);
    ``rows`` holds ``(row number, cells)`` with the header as row 1; blank rows are dropped.
    """

    source: str
    kind: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]


@dataclass
class ParsedRow:
    """One data row: its row number, typed values (only the header's columns) and status."""

    number: int
    values: dict[str, Any]
    ok: bool = True


@dataclass
class CheckedTable:
    """A table after :func:`check_table`: typed rows and the errors found so far."""

    source: str
    kind: str
    rows: list[ParsedRow]
    errors: list[RowError] = field(default_factory=list)

    def fail(self, row: ParsedRow | None, column: str, reason: str) -> None:
        """Record an error; a row with an error is not written."""
        self.errors.append(RowError(self.source, row.number if row else HEADER_ROW, column, reason))
        if row is not None:
            row.ok = False

    @property
    def good_rows(self) -> list[ParsedRow]:
        """The rows without errors."""
        return [r for r in self.rows if r.ok]


# ---------------------------------------------------------------------------------------
# cell parsers: a cell (str from CSV; str, int, float, bool, date/datetime from Excel) to a
# Python value, or ValueError with the reason. ``None`` never reaches them.

_INT = re.compile(r"[+-]?\d+(\.0*)?")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TRUE = frozenset({"true", "yes", "y", "1", "是", "t"})
_FALSE = frozenset({"false", "no", "n", "0", "否", "f"})


def _text(cell: Any) -> str:
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, bool):
        raise ValueError(f"expected text, got the logical value {cell}")
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        if cell.is_integer() and abs(cell) < 1e15:
            return str(int(cell))
        return repr(cell)
    if isinstance(cell, dt.datetime) and cell.time() == dt.time(0):
        return cell.date().isoformat()
    if isinstance(cell, dt.date | dt.datetime | dt.time):
        return cell.isoformat()
    return str(cell).strip()


def _integer(cell: Any) -> int:
    if isinstance(cell, bool):
        raise ValueError(f"expected a whole number, got the logical value {cell}")
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        if cell.is_integer():
            return int(cell)
        raise ValueError(f"expected a whole number, got {cell!r}")
    text = _text(cell)
    if not _INT.fullmatch(text):
        raise ValueError(f"expected a whole number, got {text!r}")
    return int(float(text)) if "." in text else int(text)


def _number(cell: Any) -> float:
    if isinstance(cell, bool):
        raise ValueError(f"expected a number, got the logical value {cell}")
    if isinstance(cell, int | float):
        value = float(cell)
    else:
        text = _text(cell)
        if not _NUMBER.fullmatch(text):
            raise ValueError(f"expected a number, got {text!r}")
        value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value!r}")
    return value


def _date(cell: Any) -> dt.date:
    if isinstance(cell, dt.datetime):
        if cell.time() != dt.time(0):
            raise ValueError(f"expected a date without a time of day, got {cell.isoformat()}")
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = _text(cell)
    if not _DATE.fullmatch(text):
        raise ValueError(f"expected a date yyyy-mm-dd, got {text!r}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date: {exc}") from None


def _boolean(cell: Any) -> bool:
    if isinstance(cell, bool):
        return cell
    text = _text(cell).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"expected true or false, got {text!r}")


def _json(cell: Any) -> dict[str, Any]:
    if isinstance(cell, dict):
        return cell
    text = _text(cell)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at character {exc.pos + 1})") from None
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object {{...}}, got {type(value).__name__}")
    return value


def _timezone(cell: Any) -> str:
    text = _text(cell)
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown IANA time zone {text!r} (e.g. 'Asia/Shanghai')") from None
    return text


def _credit_code(cell: Any) -> str:
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        raise ValueError(
            f"credit code {cell!r} is a number in the sheet: format the column as text "
            "so no digit is lost"
        )
    return validate_credit_code(_text(cell))  # CreditCodeError is a ValueError


#: Column type -> parser.
PARSERS: Final[dict[str, Callable[[Any], Any]]] = {
    "text": _text,
    "code": _text,
    "choice": _text,
    "credit_code": _credit_code,
    "integer": _integer,
    "number": _number,
    "date": _date,
    "boolean": _boolean,
    "json": _json,
    "timezone": _timezone,
}


def is_blank(cell: Any) -> bool:
    """True for an empty cell: ``None`` or text of only white space."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def parse_cell(column: Column, cell: Any) -> Any:
    """Parse one non-blank cell for ``column``.

    Parameters
    ----------
    column
        The column's declaration.
    cell
        The cell as read (text from CSV; text, number, bool or date from Excel).

    Returns
    -------
    Any
        The typed value (choices in their canonical spelling).

    Raises
    ------
    ValueError
        With the reason, e.g. the list of allowed values or the bound that is broken.
    """
    value = PARSERS[column.type](cell)
    if column.allowed:
        if value not in column.allowed:
            match = [a for a in column.allowed if a.lower() == value.lower()]
            if not match:
                raise ValueError(
                    f"{value!r} is not allowed; must be one of: {', '.join(column.allowed)}"
                )
            value = match[0]
    if isinstance(value, str):
        if not value:
            raise ValueError("empty text")
        if column.max_length is not None and len(value) > column.max_length:
            raise ValueError(f"{len(value)} characters, at most {column.max_length} allowed")
    unit = f" [{column.unit}]" if column.unit and column.unit != "-" else ""
    if column.minimum is not None and value < column.minimum:
        raise ValueError(f"{value:g} is below the minimum {column.minimum:g}{unit}")
    if column.maximum is not None and value > column.maximum:
        raise ValueError(f"{value:g} is above the maximum {column.maximum:g}{unit}")
    return value


def normalise_header(cell: Any) -> str:
    """A header cell as a column name: stripped, lower case, spaces and dashes as ``_``."""
    if cell is None:
        return ""
    return re.sub(r"[\s\-]+", "_", str(cell).strip().lower())


def check_table(table: RawTable) -> CheckedTable:
    """Check one table's header and every cell; collect all errors, never stop early.

    Parameters
    ----------
    table
        The cells of one kind.

    Returns
    -------
    CheckedTable
        Every non-blank row with its typed values; a row with a bad value is marked not ok.
        A required column missing from the header is one error on row 1 and marks every row.
        An unknown column is an error on row 1; its values are ignored.
    """
    cols = COLUMNS[table.kind]
    by_name = {c.name: c for c in cols}
    out = CheckedTable(table.source, table.kind, [])
    positions: dict[str, int] = {}
    for pos, name in enumerate(table.header):
        if not name:
            continue
        if name in positions:
            out.fail(None, name, f"column {name!r} appears twice in the header")
        elif name not in by_name:
            out.fail(
                None,
                name,
                f"unknown column {name!r} in a {table.kind} table; "
                f"columns are: {', '.join(by_name)}",
            )
        else:
            positions[name] = pos
    missing = [c.name for c in cols if c.required and c.name not in positions]
    for name in missing:
        out.fail(None, name, f"required column {name!r} is missing from the header")
    rules = ROW_RULES.get(table.kind, ())
    for number, cells in table.rows:
        row = ParsedRow(number, {}, ok=not missing)
        out.rows.append(row)
        bad: set[str] = set()
        for name, pos in positions.items():
            col = by_name[name]
            cell = cells[pos] if pos < len(cells) else None
            if is_blank(cell):
                if col.required:
                    out.fail(row, name, f"a value is required in column {name!r}")
                    bad.add(name)
                row.values[name] = col.default
                continue
            try:
                row.values[name] = parse_cell(col, cell)
            except ValueError as exc:
                out.fail(row, name, str(exc))
                bad.add(name)
        for rule in rules:
            if not bad.intersection(rule.columns):
                for column, reason in rule.check(row.values):
                    out.fail(row, column, reason)
    return out


# ---------------------------------------------------------------------------------------
# checks across the tables of one import


def target_kind(ref: Reference) -> Kind:
    """The kind a reference points to."""
    return next(k for k in KINDS.values() if k.model is ref.target)


def key_of(kind_name: str, values: Mapping[str, Any]) -> tuple[Any, ...]:
    """The natural key of a parsed row."""
    return tuple(values.get(k) for k in KINDS[kind_name].key)


def wanted_references(tables: Iterable[CheckedTable]) -> dict[str, set[Any]]:
    """Per target kind, the keys the rows refer to (to look up in the store)."""
    wanted: dict[str, set[Any]] = {}
    for table in tables:
        for ref in KINDS[table.kind].references:
            target = target_kind(ref).name
            for row in table.rows:
                value = row.values.get(ref.column)
                if value is not None:
                    wanted.setdefault(target, set()).add(value)
        if table.kind == "meter":
            for row in table.rows:
                wanted.setdefault("meter", set()).update(_formula_codes(row))
    return wanted


def _formula_codes(row: ParsedRow) -> list[str]:
    """Meter codes a good row's formula names (syntax was checked by the row rule)."""
    text = row.values.get("formula")
    if text is None or not row.ok:
        return []
    return [t.code for t in parse_formula(text)]


def _check_formula(index: _Index, table: CheckedTable, row: ParsedRow, in_store) -> bool:  # type: ignore[no-untyped-def]
    """Every code in a virtual meter's formula names a meter of the store or the import."""
    for code in _formula_codes(row):
        if code in in_store.get("meter", ()):
            continue
        rows = index.get("meter", {}).get(code, [])
        if any(r.ok for r in rows):
            continue
        state = "is in this import but its row is invalid" if rows else "is not in the store"
        table.fail(row, "formula", f"meter {code!r} named in the formula {state}")
        return False
    return True


def _describe(values: tuple[Any, ...]) -> str:
    return ", ".join(repr(v.isoformat() if isinstance(v, dt.date) else v) for v in values)


def _where(source: str, number: int, here: str) -> str:
    return f"row {number}" if source == here else f"{source} row {number}"


def _check_duplicates(tables: list[CheckedTable]) -> None:
    seen: dict[tuple[str, tuple[Any, ...]], tuple[str, int]] = {}
    for table in tables:
        key_cols = KINDS[table.kind].key
        for row in table.rows:
            key = key_of(table.kind, row.values)
            if any(v is None for v in key) or any(k not in row.values for k in key_cols):
                continue
            first = seen.setdefault((table.kind, key), (table.source, row.number))
            if first != (table.source, row.number):
                where = _where(first[0], first[1], table.source)
                table.fail(
                    row,
                    key_cols[-1] if len(key_cols) > 1 else key_cols[0],
                    f"duplicate {table.kind} ({', '.join(key_cols)}) = ({_describe(key)}): "
                    f"already in {where}",
                )


def _check_station_mn(tables: list[CheckedTable], store_mn: Mapping[str, str]) -> None:
    stations = [(t, r) for t in tables if t.kind == "station" for r in t.rows]
    first: dict[str, tuple[CheckedTable, ParsedRow]] = {}
    final = dict(store_mn)  # code -> mn after the import
    store_codes: dict[str, list[str]] = {}
    for c, m in store_mn.items():
        store_codes.setdefault(m, []).append(c)
    for _, row in stations:
        if row.ok and row.values.get("mn") is not None:
            final[row.values["code"]] = row.values["mn"]
    for table, row in stations:
        mn, code = row.values.get("mn"), row.values.get("code")
        if mn is None or code is None:
            continue
        clash = sorted(c for c in store_codes.get(mn, ()) if c != code and final[c] == mn)
        if clash:
            reason = f"mn {mn!r} is already used by station {clash[0]!r} in the store"
            table.fail(row, "mn", reason)
            continue
        other_t, other = first.setdefault(mn, (table, row))
        other_code = other.values.get("code")
        if other_code != code:
            where = _where(other_t.source, other.number, table.source)
            reason = f"mn {mn!r} is already used by station {other_code!r} in {where}"
            table.fail(row, "mn", reason)


_Index = dict[str, dict[Any, list[ParsedRow]]]


def check_import(
    tables: list[CheckedTable],
    in_store: Mapping[str, set[Any]],
    store_mn: Mapping[str, str],
) -> None:
    """Check what spans tables: duplicate keys, references and station MNs (in place).

    Parameters
    ----------
    tables
        Every checked table of one import, in the order read.
    in_store
        Per kind, the keys of the referenced objects the store holds (at least those of
        :func:`wanted_references`).
    store_mn
        Station code -> MN of the stations in the store.

    Notes
    -----
    A reference resolves to an object in the store or to a good row of the import (a row of
    an earlier kind, or of the same kind for ``parent``); a row whose target row is bad is bad
    too, so with ``skip_invalid`` no written row points at a row that was not written. Kinds
    are checked in :data:`~greenpark.store.registry.KINDS` order so that is final when read.
    """
    _check_duplicates(tables)
    _check_station_mn(tables, store_mn)
    index: _Index = {}  # kind -> key -> rows with that (single-column) key
    for t in tables:
        for r in t.rows:
            index.setdefault(t.kind, {}).setdefault(key_of(t.kind, r.values)[0], []).append(r)
    for kind_name, spec in KINDS.items():
        mine = [t for t in tables if t.kind == kind_name]
        if not mine:
            continue
        outer = [r for r in spec.references if r.target is not spec.model]
        self_refs = [r for r in spec.references if r.target is spec.model]
        for table in mine:
            for row in table.rows:
                for ref in (*outer, *self_refs):
                    _check_reference(index, table, row, ref, in_store)
        changed = bool(self_refs) or kind_name == "meter"
        while changed:  # a chain of parents fails from the bad end up
            changed = False
            for table in mine:
                for row in table.rows:
                    if row.ok:
                        for ref in self_refs:
                            if not _check_reference(index, table, row, ref, in_store):
                                changed = True
                        if (
                            row.ok
                            and kind_name == "meter"
                            and not _check_formula(index, table, row, in_store)
                        ):
                            changed = True


def _check_reference(
    index: _Index,
    table: CheckedTable,
    row: ParsedRow,
    ref: Reference,
    in_store: Mapping[str, set[Any]],
) -> bool:
    """Check one reference of one row; False (and an error) when it does not resolve."""
    value = row.values.get(ref.column)
    if value is None:
        return True
    target = target_kind(ref)
    if value in in_store.get(target.name, ()):
        return True
    rows = index.get(target.name, {}).get(value, [])
    if any(r.ok for r in rows):
        return True
    noun = f"{target.name} with {ref.target_key} {value!r}"
    if rows:
        reason = f"{noun} is in this import but its row is invalid"
    else:
        reason = f"no {noun} in the store or in this import"
    table.fail(row, ref.column, reason)
    return False
