"""Fixtures of the registry import/export tests."""

from __future__ import annotations

import pytest
from registry_helpers import GOOD_FILES

from greenpark.registry import import_files
from greenpark.store import Store


@pytest.fixture
def filled_store(store: Store) -> Store:
    """``store`` with every good fixture file of ``tests/data/registry`` imported."""
    import_files(store, GOOD_FILES)
    return store
