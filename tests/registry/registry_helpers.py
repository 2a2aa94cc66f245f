"""Fixture files and helpers shared by the registry tests (imported as ``registry_helpers``:
pytest puts this folder on ``sys.path``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from greenpark.store import Store
from greenpark.store.registry import KINDS, export

REGISTRY_DATA = Path(__file__).resolve().parents[1] / "data" / "registry"
#: One good CSV per kind.
GOOD_FILES = sorted(REGISTRY_DATA.glob("*.csv"))
#: Files with known bad rows, pinned in test_registry_import.py.
BAD_FILES = sorted((REGISTRY_DATA / "bad").glob("*.csv"))


def snapshot(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every kind as exported: what a round trip must keep."""
    with store.read() as conn:
        return {name: export(conn, name) for name in KINDS}


def row_counts(store: Store) -> dict[str, int]:
    """Rows in each registry table."""
    with store.read() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(k.model.__table__)).scalar_one()
            for name, k in KINDS.items()
        }
