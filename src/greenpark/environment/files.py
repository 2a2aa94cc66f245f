"""The file edge of the assessments: read a CSV file or the first sheet of a workbook into
a :class:`~greenpark.environment._sheet.Sheet`, write a result table as CSV or Excel.

CSV is read by the registry reader (UTF-8 with or without BOM, or GBK/GB 18030) and written
as UTF-8 with a BOM so Excel shows Chinese text.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from typing import Final

import pandas as pd

from greenpark.environment._sheet import Sheet
from greenpark.errors import InputError
from greenpark.registry._files import CSV_EXPORT_ENCODING, XLSX_SUFFIXES, _rows, read_csv

#: File suffixes the assessments read and write.
TABLE_SUFFIXES: Final[tuple[str, ...]] = (".csv", *XLSX_SUFFIXES)


def check_suffix(path: Path) -> str:
    """The lower-case suffix of ``path``; :class:`InputError` unless CSV or Excel."""
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise InputError(
            f"{path.name}: unknown file type {suffix or '(none)'!r}; must be one of: "
            f"{', '.join(TABLE_SUFFIXES)}"
        )
    return suffix


def read_sheet(path: Path) -> Sheet:
    """Read a CSV file, or the first worksheet of an ``.xlsx`` workbook.

    Raises
    ------
    InputError
        For another file type, or a file that cannot be read as CSV text or a workbook.
    """
    suffix = check_suffix(path)
    try:
        if suffix == ".csv":
            raw = read_csv(path, path.name, "assess")
            return Sheet(raw.source, raw.header, raw.rows)
        return _read_first_sheet(path)
    except (OSError, UnicodeError, csv.Error, zipfile.BadZipFile, KeyError) as exc:
        raise InputError(f"{path.name}: cannot read the file: {exc}") from None


def _read_first_sheet(path: Path) -> Sheet:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except InvalidFileException as exc:
        raise InputError(f"{path.name}: not an Excel workbook: {exc}") from None
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # some writers store a wrong sheet size
        records = [list(r) for r in ws.iter_rows(values_only=True)]
        header, rows = _rows(records)
        return Sheet(f"{path.name}[{ws.title}]", header, rows)
    finally:
        wb.close()


def write_table(table: pd.DataFrame, path: Path, *, sheet: str = "assessment") -> None:
    """Write ``table`` as CSV (UTF-8 with BOM) or as an ``.xlsx`` sheet named ``sheet``.

    Missing values are empty cells. Raises :class:`InputError` for another file type.
    """
    suffix = check_suffix(path)
    if suffix == ".csv":
        table.to_csv(path, index=False, encoding=CSV_EXPORT_ENCODING, float_format="%.15g")
    else:
        table.to_excel(path, index=False, sheet_name=sheet, engine="openpyxl")
