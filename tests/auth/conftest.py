"""A store with a park of three enterprises, for the users, sessions and tokens tests."""

from __future__ import annotations

import pytest

from greenpark.standards import credit_code_check_character
from greenpark.store import Store
from greenpark.store.registry import upsert


def credit_code(n: int) -> str:
    """A valid GB 32100-2015 credit code for test enterprise ``n``."""
    first17 = f"91520900MA6H1{n:04d}"
    return first17 + credit_code_check_character(first17)


@pytest.fixture
def codes() -> dict[str, str]:
    """Credit codes of the enterprises ``A``, ``B`` and ``C`` of :func:`auth_store`."""
    return {"A": credit_code(1), "B": credit_code(2), "C": credit_code(3)}


@pytest.fixture
def auth_store(store: Store, codes: dict[str, str]) -> Store:
    """The ``store`` fixture (SQLite, PostgreSQL) with park ``P`` and enterprises A, B, C."""
    with store.write() as conn:
        upsert(conn, "park", [{"code": "P", "name": "Test park", "timezone": "Asia/Shanghai"}])
        upsert(
            conn,
            "enterprise",
            [
                {"credit_code": code, "park": "P", "name": name, "industry": "big_data"}
                for name, code in codes.items()
            ],
        )
    return store
