"""Fixtures of the scoping tests: the park of ``scoping_park.py`` on SQLite and PostgreSQL,
and one API client per user."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from scoping_park import SECRET, ScopingPark, build_scoping_park

from greenpark.config import Settings
from greenpark.store import Store
from greenpark.web import create_app

#: A cheap argon2id for the test users' passwords (the tests log in with API tokens).
_CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def park(store: Store, monkeypatch: pytest.MonkeyPatch) -> ScopingPark:
    """The scoping park on each backend of the ``store`` fixture (SQLite, PostgreSQL)."""
    monkeypatch.setattr("greenpark.auth.service.hash_password", _CHEAP_HASHER.hash)
    return build_scoping_park(store)


@pytest.fixture
def clients(park: ScopingPark) -> dict[str, TestClient]:
    """One API client per user of the park (bearer token), sharing one app."""
    app = create_app(Settings(database_url=park.store.url, secret_key=SECRET), store=park.store)
    return {
        user: TestClient(app, headers={"Authorization": f"Bearer {token}"})
        for user, token in park.tokens.items()
    }
