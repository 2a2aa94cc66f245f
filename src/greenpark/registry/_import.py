"""Import registry files into the store and export the store back to files.

The pipeline: read every file (``_files``) → check each table (``_parse.check_table``) →
look up what the rows refer to in the store → check across tables
(``_parse.check_import``) → write the good rows kind by kind in one transaction
(``greenpark.store.registry.upsert``). All checking happens before the first write.
"""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils.exceptions import InvalidFileException

from greenpark.auth.service import audit
from greenpark.errors import InputError, RowError, RowsError
from greenpark.registry._files import (
    FILE_COLUMN,
    XLSX_SUFFIXES,
    kind_for_name,
    read_csv,
    read_xlsx,
    write_csv,
    write_xlsx,
)
from greenpark.registry._parse import (
    HEADER_ROW,
    CheckedTable,
    ParsedRow,
    RawTable,
    check_import,
    check_table,
    wanted_references,
)
from greenpark.store import Store
from greenpark.store.registry import KINDS, Reference, export, kind, lookup, upsert


@dataclass
class TableCounts:
    """Rows of one kind: written as new, written over an existing row, refused as bad."""

    inserted: int = 0
    updated: int = 0
    invalid: int = 0


@dataclass
class ImportReport:
    """What an import did: files read, rows written per kind, and every bad value.

    ``counts`` holds the kinds the files contained, in :data:`KINDS` order. ``errors`` is
    empty unless the import ran with ``skip_invalid``; then the rows they name were not
    written.
    """

    files: list[str]
    counts: dict[str, TableCounts] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def inserted(self) -> int:
        """Rows inserted over all kinds."""
        return sum(c.inserted for c in self.counts.values())

    @property
    def updated(self) -> int:
        """Rows updated over all kinds."""
        return sum(c.updated for c in self.counts.values())

    def summary(self) -> str:
        """Human-readable lines: files, per-kind counts, then each bad value."""
        lines = [f"Imported {len(self.files)} file(s): {', '.join(self.files)}"]
        for name, c in self.counts.items():
            line = f"  {name}: {c.inserted} inserted, {c.updated} updated"
            if c.invalid:
                line += f", {c.invalid} bad row(s) skipped"
            lines.append(line)
        if self.errors:
            lines.append(f"{len(self.errors)} bad value(s); their rows were not written:")
            lines += [f"  {e}" for e in self.errors]
        else:
            lines.append("No bad rows.")
        return "\n".join(lines)


#: What reading a file that is not what its name says raises.
_UNREADABLE = (OSError, UnicodeError, csv.Error, zipfile.BadZipFile, InvalidFileException)


def _labels(paths: list[Path]) -> list[str]:
    """File names for error messages; the full path where two files share a name."""
    names = [p.name for p in paths]
    return [str(p) if names.count(p.name) > 1 else p.name for p in paths]


def read_files(
    paths: list[Path], table: str | None = None
) -> tuple[list[RawTable], list[RowError], list[str]]:
    """Read registry files into raw tables; a file that cannot be read is an error, not a stop.

    Parameters
    ----------
    paths
        ``.csv`` files (one kind each, named by ``table`` or by the file stem) and ``.xlsx``
        workbooks (one sheet per kind).
    table
        The kind of every CSV file, overriding the file names.

    Returns
    -------
    tables, errors, sources
        The tables read, the files or sheets that could not be read, and every file or sheet
        label in reading order (to sort errors by).

    Raises
    ------
    InputError
        If ``table`` is not a kind (the message lists the valid ones).
    """
    forced = None
    if table is not None:
        forced = kind_for_name(table) or kind(table).name  # kind() raises, listing kinds
    tables: list[RawTable] = []
    errors: list[RowError] = []
    sources: list[str] = []
    for path, label in zip(paths, _labels(paths), strict=True):
        sources.append(label)
        suffix = path.suffix.lower()
        try:
            if suffix in XLSX_SUFFIXES:
                sheets, sheet_errors, sheet_order = read_xlsx(path, label)
                tables += sheets
                errors += sheet_errors
                sources += sheet_order
                continue
            elif suffix == ".csv":
                kind_name = forced or kind_for_name(path.stem)
                if kind_name is None:
                    errors.append(
                        RowError(
                            label,
                            HEADER_ROW,
                            FILE_COLUMN,
                            f"cannot tell the registry table from the file name {path.name!r}: "
                            f"name it after one of {', '.join(KINDS)} or give --table",
                        )
                    )
                    continue
                tables.append(read_csv(path, label, kind_name))
            else:
                errors.append(
                    RowError(
                        label,
                        HEADER_ROW,
                        FILE_COLUMN,
                        f"unsupported file type {suffix or '(none)'!r}: give .csv or .xlsx "
                        "(save .xls workbooks as .xlsx)",
                    )
                )
        except _UNREADABLE as exc:
            errors.append(RowError(label, HEADER_ROW, FILE_COLUMN, f"cannot read: {exc}"))
    return tables, errors, sources


def import_files(
    store: Store,
    paths: list[Path],
    *,
    table: str | None = None,
    skip_invalid: bool = False,
    actor: str | None = None,
    ip: str | None = None,
) -> ImportReport:
    """Check registry files and write them into the store in one transaction.

    The write is recorded in the audit log (action ``registry.import``, with the counts).

    Parameters
    ----------
    store
        The store to write to.
    paths
        CSV files (one kind each) and Excel workbooks (one sheet per kind). Kinds are written
        in :data:`~greenpark.store.registry.KINDS` order whatever the file order, so a file
        may refer to objects of another file of the same import.
    table
        The kind of every CSV file (default: from the file name, e.g. ``enterprises.csv``).
    skip_invalid
        Write the good rows and report the bad ones instead of refusing the whole import.
    actor, ip
        Who imports, and from where, for the audit log.

    Returns
    -------
    ImportReport
        Rows inserted and updated per kind; with ``skip_invalid``, the bad values too.

    Raises
    ------
    RowsError
        Without ``skip_invalid``, if any value of any file is bad; it lists every bad value
        with file, row and column, and nothing is written.
    InputError
        If ``table`` is not a registry kind.
    """
    raw, errors, sources = read_files(paths, table)
    checked = [check_table(t) for t in raw]
    with store.write() as conn:
        in_store = {
            target: set(lookup(conn, _key_reference(target), values))
            for target, values in wanted_references(checked).items()
        }
        has_station = any(t.kind == "station" for t in checked)
        store_mn = {r["code"]: r["mn"] for r in export(conn, "station")} if has_station else {}
        check_import(checked, in_store, store_mn)
        order = {source: i for i, source in enumerate(sources)}
        errors += [e for t in checked for e in t.errors]
        errors.sort(key=lambda e: (order.get(e.file, -1), e.row))
        if errors and not skip_invalid:
            raise RowsError(errors)
        report = ImportReport(files=_labels(paths), errors=errors)
        for kind_name in KINDS:
            mine = [t for t in checked if t.kind == kind_name]
            if not mine:
                continue
            good = [(t, r) for t in mine for r in t.good_rows]
            counts = report.counts[kind_name] = TableCounts(
                invalid=sum(len(t.rows) for t in mine) - len(good)
            )
            try:
                result = upsert(conn, kind_name, [r.values for _, r in good])
            except InputError as exc:  # a reference the checks let through: a bug, say where
                raise RowsError([_locate(exc, good)]) from exc
            counts.inserted, counts.updated = result.inserted, result.updated
        audit(
            conn,
            "registry.import",
            actor=actor,
            target=", ".join(report.files),
            detail={k: vars(c) for k, c in report.counts.items()} | {"bad_values": len(errors)},
            ip=ip,
        )
    return report


def _key_reference(kind_name: str) -> Reference:
    """A reference to ``kind_name`` by its (single-column) natural key, for lookups."""
    spec = KINDS[kind_name]
    return Reference(spec.key[0], spec.model, spec.key[0], "id")


def _locate(exc: InputError, good: list[tuple[CheckedTable, ParsedRow]]) -> RowError:
    """Turn an upsert error ``row n: column 'c': ...`` back into a file row."""
    match = re.match(r"row (\d+): column '(\w+)':? (.*)", str(exc))
    if match and good:
        table, row = good[min(int(match[1]) - 1, len(good) - 1)]
        return RowError(table.source, row.number, match[2], match[3])
    source = good[0][0].source if good else "?"
    return RowError(source, HEADER_ROW, FILE_COLUMN, str(exc))


def export_registry(store: Store, path: Path) -> list[Path]:
    """Export every registry kind, as files that import back unchanged.

    Parameters
    ----------
    store
        The store to read.
    path
        A path ending in ``.xlsx``: one workbook, one sheet per kind named after it, in
        :data:`~greenpark.store.registry.KINDS` order. Any other path is a folder (created
        if needed) that receives one ``<kind>.csv`` per kind, UTF-8 with a byte-order mark
        so Excel shows Chinese text.

    Returns
    -------
    list of Path
        The files written. Every kind is written, an empty one as its header row.
    """
    with store.read() as conn:
        tables = {name: export(conn, name) for name in KINDS}
    if path.suffix.lower() == ".xlsx":
        path.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(path, tables)
        return [path]
    path.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in tables.items():
        out = path / f"{name}.csv"
        write_csv(out, name, rows)
        written.append(out)
    return written
