"""The demo creates an administrator and one enterprise user, with passwords shown once."""

from __future__ import annotations

from greenpark.auth import authenticate
from greenpark.demo import build_demo
from greenpark.demo.users import DEMO_ADMIN, DEMO_ENTERPRISE_USER, ensure_demo_users
from greenpark.store import Store


def test_demo_accounts(sqlite_store: Store) -> None:
    build_demo(sqlite_store, days=2)
    first = {a.username: a for a in ensure_demo_users(sqlite_store)}
    assert set(first) == {DEMO_ADMIN, DEMO_ENTERPRISE_USER}
    assert all(a.password for a in first.values())
    with sqlite_store.write() as conn:
        admin = authenticate(conn, DEMO_ADMIN, first[DEMO_ADMIN].password).principal
        ent = authenticate(
            conn, DEMO_ENTERPRISE_USER, first[DEMO_ENTERPRISE_USER].password
        ).principal
    assert admin is not None and admin.whole_park
    assert ent is not None and ent.enterprise_ids is not None and len(ent.enterprise_ids) == 1
    assert "Data Centre" in first[DEMO_ENTERPRISE_USER].enterprise

    again = ensure_demo_users(sqlite_store)
    assert all(a.password is None for a in again)  # never shown twice

    build_demo(sqlite_store, days=2, rebuild=True)  # the enterprise is recreated
    relinked = {a.username: a for a in ensure_demo_users(sqlite_store)}
    assert relinked[DEMO_ADMIN].password is None
    new_password = relinked[DEMO_ENTERPRISE_USER].password
    assert new_password
    with sqlite_store.write() as conn:
        ent = authenticate(conn, DEMO_ENTERPRISE_USER, new_password).principal
    assert ent is not None and len(ent.enterprise_ids or ()) == 1
