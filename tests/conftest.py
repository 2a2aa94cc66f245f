"""Shared fixtures: a fresh store on SQLite, and on PostgreSQL when
``GREENPARK_TEST_DATABASE_URL`` is set (skipped visibly otherwise)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from greenpark.store import Store
from greenpark.store.schema import Park

DATA = Path(__file__).parent / "data"
PG_URL = os.environ.get("GREENPARK_TEST_DATABASE_URL")
PG_SKIP = "GREENPARK_TEST_DATABASE_URL is not set: PostgreSQL tests skipped"


def _fresh_postgres(url: str) -> Store:
    store = Store(url)
    with store.write() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    store.migrate()
    return store


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """A migrated, empty SQLite store in a temporary folder."""
    store = Store(f"sqlite:///{tmp_path / 'test.db'}")
    store.migrate()
    yield store
    store.dispose()


@pytest.fixture
def park_url(tmp_path: Path) -> str:
    """URL of a migrated SQLite file holding one park (id 1, code ``P``), for CLI and
    subprocess tests that open the store themselves."""
    url = f"sqlite:///{tmp_path / 'park.db'}"
    store = Store(url)
    store.migrate()
    with store.write() as conn:
        conn.execute(insert(Park).values(id=1, code="P", name="Park"))
    store.dispose()
    return url


@pytest.fixture
def pg_store() -> Iterator[Store]:
    """A migrated, empty PostgreSQL store (the public schema is dropped and recreated)."""
    if not PG_URL:
        pytest.skip(PG_SKIP)
    store = _fresh_postgres(PG_URL)
    yield store
    store.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'test.db'}")
        s.migrate()
    else:
        if not PG_URL:
            pytest.skip(PG_SKIP)
        s = _fresh_postgres(PG_URL)
    yield s
    s.dispose()
