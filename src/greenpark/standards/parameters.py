"""Readable names and units of monitoring parameters, read from the parameter table.

The table is ``greenpark/standards/tables/parameters.csv`` (columns ``code``, ``name``,
``unit``, ``source``): one row per HJ 212 parameter code the dashboard names.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources
from typing import Final

#: Columns of the parameter table, in order.
COLUMNS: Final[tuple[str, ...]] = ("code", "name", "unit", "source")


@dataclass(frozen=True)
class Parameter:
    """A monitoring parameter: HJ 212 code, readable name, internal unit and its source.

    ``unit`` is ``"-"`` for a dimensionless parameter (pH).
    """

    code: str
    name: str
    unit: str
    source: str


def _table_text() -> str:
    path = resources.files("greenpark.standards") / "tables" / "parameters.csv"
    return path.read_text(encoding="utf-8")


@functools.cache
def parameter_table() -> dict[str, Parameter]:
    """The parameter table keyed by code, in file order.

    Returns
    -------
    dict of str to Parameter
        One entry per row of ``standards/tables/parameters.csv``.

    Raises
    ------
    ValueError
        If the header is not :data:`COLUMNS` or a code appears twice.
    """
    reader = csv.DictReader(io.StringIO(_table_text()))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ValueError(f"parameters.csv: header {reader.fieldnames} must be {list(COLUMNS)}")
    table: dict[str, Parameter] = {}
    for row in reader:
        code = row["code"].strip()
        if code in table:
            raise ValueError(f"parameters.csv: code {code!r} appears twice")
        table[code] = Parameter(code, row["name"].strip(), row["unit"].strip(), row["source"])
    return table
