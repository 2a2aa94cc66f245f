"""The column table agrees with the store's kinds and schema, and the docs with the table."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Text

from greenpark.registry import COLUMNS, ROW_RULES, registry_columns_markdown
from greenpark.registry._columns import STATION_KIND_REQUIRES, TYPES
from greenpark.registry._parse import PARSERS
from greenpark.store import schema
from greenpark.store.registry import KINDS
from greenpark.units import CARRIERS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "registry.md"


def test_every_kind_is_declared_in_import_order() -> None:
    assert list(COLUMNS) == list(KINDS)


@pytest.mark.parametrize("kind_name", list(KINDS))
def test_columns_are_the_kind_row_columns(kind_name: str) -> None:
    assert tuple(c.name for c in COLUMNS[kind_name]) == KINDS[kind_name].row_columns


@pytest.mark.parametrize("kind_name", list(KINDS))
def test_required_matches_the_schema(kind_name: str) -> None:
    """A NOT NULL column without a default must be required; a required reference too."""
    spec = KINDS[kind_name]
    table = spec.model.__table__
    refs = {r.column: r for r in spec.references}
    for col in COLUMNS[kind_name]:
        if col.name in refs:
            ref = refs[col.name]
            db_col = table.c[ref.id_column]
            assert col.required == (ref.required or col.name in spec.key), col.name
        else:
            db_col = table.c[col.name]
        no_default = db_col.default is None and col.default is None
        if not db_col.nullable and no_default and col.name != "unit":  # unit: from carrier
            assert col.required, f"{kind_name}.{col.name} is NOT NULL without a default"
        if col.required:
            assert not db_col.nullable, f"{kind_name}.{col.name} is required but nullable"


@pytest.mark.parametrize("kind_name", list(KINDS))
def test_types_and_lengths(kind_name: str) -> None:
    table = KINDS[kind_name].model.__table__
    for col in COLUMNS[kind_name]:
        assert col.type in TYPES and col.type in PARSERS
        if col.type in ("text", "code", "credit_code", "choice") and not col.max_length:
            # only unbounded TEXT columns may lack a length
            assert isinstance(table.c[col.name].type, Text), f"{kind_name}.{col.name}"
        assert bool(col.allowed) == (col.type == "choice"), col.name


@pytest.mark.parametrize(
    ("kind_name", "column", "allowed"),
    [
        ("enterprise", "industry", schema.INDUSTRIES),
        ("certification", "kind", schema.CERTIFICATION_KINDS),
        ("site", "kind", schema.SITE_KINDS),
        ("meter", "carrier", CARRIERS),
        ("station", "kind", schema.STATION_KINDS),
        ("station", "noise_zone_class", schema.NOISE_ZONE_CLASSES),
        ("station", "water_body", schema.WATER_BODIES),
        ("station", "water_target_class", schema.WATER_CLASSES),
        ("asset", "kind", schema.ASSET_KINDS),
        ("vehicle", "energy", schema.VEHICLE_ENERGIES),
    ],
)
def test_allowed_values_are_the_schema_tuples(
    kind_name: str, column: str, allowed: tuple[str, ...]
) -> None:
    col = next(c for c in COLUMNS[kind_name] if c.name == column)
    assert col.allowed == allowed


def test_station_kind_requirements_name_station_kinds() -> None:
    assert set(STATION_KIND_REQUIRES) <= set(schema.STATION_KINDS)


def test_row_rules_name_real_columns() -> None:
    for kind_name, rules in ROW_RULES.items():
        names = {c.name for c in COLUMNS[kind_name]}
        for rule in rules:
            assert set(rule.columns) <= names
            assert rule.help


def test_docs_contain_the_generated_column_tables() -> None:
    """docs/registry.md holds registry_columns_markdown() verbatim: regenerate on change."""
    assert registry_columns_markdown() in DOCS.read_text(encoding="utf-8")


def test_markdown_lists_every_column() -> None:
    text = registry_columns_markdown()
    for kind_name, cols in COLUMNS.items():
        assert f"### {kind_name}\n" in text
        for col in cols:
            assert f"| `{col.name}` |" in text
