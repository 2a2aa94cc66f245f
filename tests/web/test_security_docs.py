"""``docs/security.md`` shows the roles × permissions table of the code."""

from __future__ import annotations

from pathlib import Path

from greenpark.auth import ROLE_PERMISSIONS, Permission
from greenpark.web.security import permissions_table

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_security_doc_holds_the_current_permissions_table() -> None:
    text = (DOCS / "security.md").read_text(encoding="utf-8")
    assert permissions_table() in text, (
        "docs/security.md: paste greenpark.web.security.permissions_table() into it"
    )


def test_permissions_table_marks_exactly_the_granted_permissions() -> None:
    rows = permissions_table().splitlines()
    header = [c.strip(" `") for c in rows[0].strip("|").split("|")][1:]
    assert header == [r.value for r in ROLE_PERMISSIONS]
    body = {row.split("|")[1].strip(" `"): row.split("|")[2:-1] for row in rows[2:]}
    assert list(body) == [p.value for p in Permission]
    for role_index, role in enumerate(ROLE_PERMISSIONS):
        for permission in Permission:
            granted = body[permission.value][role_index].strip() == "✓"
            expected = permission is Permission.PUBLIC or permission in ROLE_PERMISSIONS[role]
            assert granted == expected, (role, permission)
