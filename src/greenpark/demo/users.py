"""The demo's two accounts: an administrator and one enterprise user (a data centre)."""

from __future__ import annotations

from dataclasses import dataclass

from greenpark.auth import create_user, reset_password
from greenpark.demo.park import ROLE_DATA_CENTRE, park_registry
from greenpark.store import Store
from greenpark.store.auth import enterprise_ids_by_code, get_user, set_user_enterprises
from greenpark.store.auth import user_enterprise_ids as assigned

DEMO_ADMIN = "demo-admin"
DEMO_ENTERPRISE_USER = "demo-enterprise"
ACTOR = "greenpark demo"


@dataclass(frozen=True)
class DemoAccount:
    """A demo account; ``password`` is set only when it was (re)created now."""

    username: str
    role: str
    enterprise: str | None  # enterprise name
    password: str | None


def ensure_demo_users(store: Store, *, seed: int = 2023, year: int = 2025) -> list[DemoAccount]:
    """Create the demo administrator and enterprise user if missing, with new passwords.

    An existing account keeps its password (``password`` is None: it cannot be shown
    again); one whose enterprise disappeared in a rebuild is linked again and given a new
    password. The enterprise user sees the first national green data centre of the demo.
    """
    dc = next(e for e in park_registry(seed, year).enterprises if e.role == ROLE_DATA_CENTRE)
    out = []
    with store.write() as conn:
        if get_user(conn, username=DEMO_ADMIN) is None:
            pw = create_user(
                conn, DEMO_ADMIN, "admin", display_name="Demo administrator", actor=ACTOR
            )
        else:
            pw = None
        out.append(DemoAccount(DEMO_ADMIN, "admin", None, pw))
        user = get_user(conn, username=DEMO_ENTERPRISE_USER)
        if user is None:
            pw = create_user(
                conn,
                DEMO_ENTERPRISE_USER,
                "enterprise",
                enterprises=[dc.credit_code],
                display_name=f"Energy manager, {dc.name}",
                actor=ACTOR,
            )
        elif not assigned(conn, user["id"]):
            ids = enterprise_ids_by_code(conn, [dc.credit_code]).values()
            set_user_enterprises(conn, user["id"], ids)
            pw = reset_password(conn, DEMO_ENTERPRISE_USER, actor=ACTOR)
        else:
            pw = None
        out.append(DemoAccount(DEMO_ENTERPRISE_USER, "enterprise", dc.name, pw))
    return out
