"""Registry files: read CSV and Excel workbooks into :class:`RawTable`, write them back.

The I/O edge of the registry import: cells in, cells out, no checks beyond telling which
kind a file or sheet holds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from greenpark.errors import RowError
from greenpark.registry._columns import COLUMNS
from greenpark.registry._parse import HEADER_ROW, RawTable, is_blank, normalise_header
from greenpark.store.registry import KINDS

#: Encodings tried in turn for CSV files (GB 18030 is a superset of GBK).
CSV_ENCODINGS: Final[tuple[str, ...]] = ("utf-8-sig", "gb18030")
#: Text written by CSV export: UTF-8 with a byte-order mark, so Excel shows Chinese text.
CSV_EXPORT_ENCODING: Final[str] = "utf-8-sig"
XLSX_SUFFIXES: Final[tuple[str, ...]] = (".xlsx", ".xlsm")
FILE_COLUMN: Final[str] = "(file)"
SHEET_COLUMN: Final[str] = "(sheet)"


def kind_for_name(name: str) -> str | None:
    """The kind a file stem or sheet name names (case-insensitive, plural accepted)."""
    norm = normalise_header(name)
    for kind_name in KINDS:
        plural = kind_name[:-1] + "ies" if kind_name.endswith("y") else kind_name + "s"
        if norm in (kind_name, kind_name + "s", plural):
            return kind_name
    return None


def _rows(records: Sequence[Sequence[Any]]) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Header and numbered non-blank data rows of a list of records."""
    if not records:
        return [], []
    header = [normalise_header(c) for c in records[0]]
    rows = [
        (number, list(cells))
        for number, cells in enumerate(records[1:], start=HEADER_ROW + 1)
        if not all(is_blank(c) for c in cells)
    ]
    return header, rows


def _decode(data: bytes) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeError(f"not UTF-8 nor GBK/GB 18030 text (tried {', '.join(CSV_ENCODINGS)})")


def read_csv(path: Path, source: str, kind_name: str) -> RawTable:
    """Read one CSV file of ``kind_name``: every cell as text, UTF-8 (BOM or not) or GBK.

    Raises
    ------
    UnicodeError, OSError, csv.Error
        When the file cannot be read as text.
    """
    text = _decode(path.read_bytes())
    records = list(csv.reader(io.StringIO(text, newline="")))
    header, rows = _rows(records)
    return RawTable(source, kind_name, header, rows)


def read_xlsx(path: Path, source: str) -> tuple[list[RawTable], list[RowError], list[str]]:
    """Read every non-empty sheet of a workbook; a sheet must be named after a kind.

    Returns
    -------
    tables, errors, labels
        The sheets that name a kind, one error per non-empty sheet with an unknown name, and
        every sheet's label (``source[sheet]``) in workbook order.
    """
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    tables: list[RawTable] = []
    errors: list[RowError] = []
    labels: list[str] = []
    try:
        for ws in wb.worksheets:
            ws.reset_dimensions()  # some writers store a wrong sheet size
            records = [list(r) for r in ws.iter_rows(values_only=True)]
            label = f"{source}[{ws.title}]"
            labels.append(label)
            kind_name = kind_for_name(ws.title)
            if kind_name is None:
                if any(not is_blank(c) for r in records for c in r):
                    errors.append(
                        RowError(
                            label,
                            HEADER_ROW,
                            SHEET_COLUMN,
                            f"unknown sheet {ws.title!r}: sheets must be named after a "
                            f"registry table: {', '.join(KINDS)}",
                        )
                    )
                continue
            header, rows = _rows(records)
            tables.append(RawTable(label, kind_name, header, rows))
    finally:
        wb.close()
    return tables, errors, labels


# ---------------------------------------------------------------------------------------
# writing


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if value == "":
        return None
    return value


def write_csv(path: Path, kind_name: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Write one kind as CSV: header row, then one line per row (UTF-8 with BOM)."""
    names = [c.name for c in COLUMNS[kind_name]]
    with path.open("w", encoding=CSV_EXPORT_ENCODING, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(names)
        for row in rows:
            writer.writerow([_csv_text(row.get(n)) for n in names])


def write_xlsx(path: Path, tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
    """Write one workbook, one sheet per kind (named after it), in the order given.

    Text columns are formatted as text (``@``) so codes typed later stay text; dates are
    date cells; JSON is written as text.
    """
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for kind_name, rows in tables.items():
        ws = wb.create_sheet(kind_name)
        cols = COLUMNS[kind_name]
        ws.append([c.name for c in cols])
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append([_xlsx_value(row.get(c.name)) for c in cols])
        for i, col in enumerate(cols, start=1):
            letter = get_column_letter(i)
            if col.type in ("text", "code", "credit_code", "choice", "json"):
                for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = "@"
            elif col.type == "date":
                for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = "yyyy-mm-dd"
            width = max([len(col.name), *(len(_csv_text(r.get(col.name))) for r in rows)])
            ws.column_dimensions[letter].width = min(max(width + 2, 8), 60)
        ws.freeze_panes = "A2"
    wb.save(path)
