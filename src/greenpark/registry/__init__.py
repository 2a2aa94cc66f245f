"""The park registry from and to files: CSV and Excel import with row-level checks, export.

``import_files`` reads CSV files (one kind each) and Excel workbooks (one sheet per kind),
checks every value against :data:`COLUMNS` and writes the good rows in one transaction;
``export_registry`` writes files that import back unchanged. ``docs/registry.md`` documents
the format; its column tables come from :func:`registry_columns_markdown`.
"""

from greenpark.registry._columns import COLUMNS, ROW_RULES, Column, RowRule
from greenpark.registry._docs import registry_columns_markdown
from greenpark.registry._import import (
    ImportReport,
    TableCounts,
    export_registry,
    import_files,
)
from greenpark.registry._parse import check_table, parse_cell

__all__ = [
    "COLUMNS",
    "ROW_RULES",
    "Column",
    "ImportReport",
    "RowRule",
    "TableCounts",
    "check_table",
    "export_registry",
    "import_files",
    "parse_cell",
    "registry_columns_markdown",
]
