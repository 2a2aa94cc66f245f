"""Roles, permissions and the principal a request acts as.

The table :data:`ROLE_PERMISSIONS` is the one place that says which role may do what;
every route names the :class:`Permission` it needs (``greenpark.web.security``), and the
store filters enterprise data by :attr:`Principal.enterprise_ids`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from greenpark.errors import InputError
from greenpark.store._scope import MIN_GROUP_SIZE as MIN_GROUP_SIZE  # applied by the store


class Role(StrEnum):
    """What a user or token is (see ``docs/security.md``)."""

    ADMIN = "admin"  # committee administrator: everything, user management
    ANALYST = "analyst"  # committee analyst: reads and edits park data
    ENTERPRISE = "enterprise"  # enterprise energy manager: own enterprise(s) only
    EVALUATOR = "evaluator"  # evaluator / regulator: read-only, time-limited
    OPERATOR = "operator"  # station operator: ingest configuration and station keys


class Permission(StrEnum):
    """What a route needs."""

    PUBLIC = "public"  # anyone, logged in or not (login page, health, static files)
    READ = "read"  # park and enterprise data, filtered by the principal's scope
    EDIT = "edit"  # change park data (registry, corrections)
    UPLOAD = "upload"  # upload data of the enterprises in scope
    MANAGE_USERS = "manage_users"  # users, tokens
    READ_AUDIT = "read_audit"  # the audit log
    CONFIGURE_STATIONS = "configure_stations"  # ingest configuration, station keys


#: Which role may do what; PUBLIC is implied for everyone.
ROLE_PERMISSIONS: Final[dict[Role, frozenset[Permission]]] = {
    Role.ADMIN: frozenset(Permission),
    Role.ANALYST: frozenset({Permission.READ, Permission.EDIT, Permission.UPLOAD}),
    Role.ENTERPRISE: frozenset({Permission.READ, Permission.UPLOAD}),
    Role.EVALUATOR: frozenset({Permission.READ}),
    Role.OPERATOR: frozenset({Permission.CONFIGURE_STATIONS}),
}

#: Roles that always see the whole park (their enterprise list is ignored).
WHOLE_PARK_ROLES: Final[frozenset[Role]] = frozenset({Role.ADMIN, Role.ANALYST})


def role(name: str) -> Role:
    """The :class:`Role` called ``name``; a wrong name lists the valid ones."""
    try:
        return Role(name)
    except ValueError:
        raise InputError(
            f"unknown role {name!r}; must be one of {[r.value for r in Role]}"
        ) from None


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: a user (session) or an API token.

    ``enterprise_ids`` is ``None`` when the principal sees the whole park, otherwise the
    ids of the enterprises it may see (possibly empty).
    """

    user_id: int
    username: str
    role: Role
    enterprise_ids: frozenset[int] | None
    via: str = "session"  # "session" or "token"
    token_id: int | None = None
    session_id: int | None = None

    def can(self, permission: Permission) -> bool:
        """Whether the role grants ``permission``."""
        return permission is Permission.PUBLIC or permission in ROLE_PERMISSIONS[self.role]

    @property
    def whole_park(self) -> bool:
        """True when no enterprise filter applies."""
        return self.enterprise_ids is None

    def sees_enterprise(self, enterprise_id: int | None) -> bool:
        """Whether data owned by ``enterprise_id`` is visible (``None``: park-level data)."""
        if enterprise_id is None:
            return self.can(Permission.READ)
        return self.enterprise_ids is None or enterprise_id in self.enterprise_ids


def scope_for(
    role_: Role, enterprise_ids: frozenset[int], whole_park_flag: bool
) -> frozenset[int] | None:
    """The enterprise scope of a role: ``None`` (whole park) or the listed enterprises.

    Administrators and analysts always see the whole park; an evaluator sees the whole
    park unless enterprises are listed; an enterprise user sees only the listed ones; a
    station operator sees no enterprise data.
    """
    if role_ in WHOLE_PARK_ROLES:
        return None
    if role_ is Role.EVALUATOR and (whole_park_flag or not enterprise_ids):
        return None
    if role_ is Role.OPERATOR:
        return frozenset()
    return enterprise_ids


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)
