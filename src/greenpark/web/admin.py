"""Administration pages: users and their API tokens (``/admin/users``), the audit log
(``/admin/audit``), and the forms that disable or enable a user and revoke a token; each
with its JSON twin under ``/api/admin``.

Every change goes through ``greenpark.auth`` (which writes the audit entry) with the
administrator as actor and the client's address.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from greenpark.auth import Permission, Principal, revoke_token, set_disabled
from greenpark.errors import InputError, NotFoundError
from greenpark.store import auth as auth_db
from greenpark.web.deps import SettingsDep, StoreDep
from greenpark.web.security import client_ip, require, route
from greenpark.web.templating import templates

#: Most audit events one request returns.
MAX_AUDIT_LIMIT = 1000

#: The principal of a user-management route.
UserManager = Annotated[Principal, Depends(require(Permission.MANAGE_USERS))]
#: The principal of an audit-log route.
AuditReader = Annotated[Principal, Depends(require(Permission.READ_AUDIT))]


class TokenPublic(BaseModel):
    """An API token as administrators see it: never the token or its hash."""

    id: int
    username: str = Field(description="The user the token acts for.")
    name: str = Field(description="What the token is for, given when it was created.")
    prefix: str = Field(description="First characters of the token, to recognise it.")
    role: str = Field(description="The role the token acts with.")
    whole_park: bool = Field(description="True when no enterprise filter applies.")
    created_at: dt.datetime = Field(description="ISO 8601 in the park's zone.")
    expires_at: dt.datetime = Field(description="ISO 8601 in the park's zone.")
    revoked_at: dt.datetime | None = Field(description="Null while the token is live.")
    last_used_at: dt.datetime | None = Field(description="To the minute; null if never used.")


class UserPublic(BaseModel):
    """A user as administrators see it: never the password hash."""

    username: str
    display_name: str | None
    role: str = Field(description="admin, analyst, enterprise, evaluator or operator.")
    enterprises: list[str] = Field(description="Credit codes of the user's enterprises.")
    disabled: bool
    valid_until: dt.datetime | None = Field(description="End of a time-limited account.")
    created_at: dt.datetime
    password_changed_at: dt.datetime
    tokens: list[TokenPublic] = Field(description="The user's API tokens, newest first.")


class UsersPublic(BaseModel):
    """Every user, by user name, with their API tokens."""

    timezone: str = Field(description="Zone of every time below.")
    users: list[UserPublic]


class AuditEventPublic(BaseModel):
    """One audit event: who did what, when, to what, from where."""

    id: int
    time: dt.datetime = Field(description="ISO 8601 in the park's zone.")
    actor: str | None = Field(description="User name (for a failed login: the name tried).")
    action: str = Field(description="e.g. login, login.failed, user.disable, token.revoke.")
    target: str | None
    detail: dict[str, Any] | None
    ip: str | None = Field(description="Client address.")


class AuditPublic(BaseModel):
    """Audit events, newest first, with the filters applied."""

    timezone: str = Field(description="Zone of every time below.")
    action: str | None
    actor: str | None
    limit: int = Field(description=f"Most events returned (1 to {MAX_AUDIT_LIMIT}).")
    events: list[AuditEventPublic]


def _local(value: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    return None if value is None else value.astimezone(zone)


def _token_public(row: dict[str, Any], zone: ZoneInfo) -> TokenPublic:
    return TokenPublic(
        id=row["id"],
        username=row["username"],
        name=row["name"],
        prefix=row["prefix"],
        role=row["role"],
        whole_park=row["whole_park"],
        created_at=row["created_at"].astimezone(zone),
        expires_at=row["expires_at"].astimezone(zone),
        revoked_at=_local(row["revoked_at"], zone),
        last_used_at=_local(row["last_used_at"], zone),
    )


def read_users(store: StoreDep, settings: SettingsDep) -> UsersPublic:
    """Every user with its enterprises and tokens, as the public model."""
    zone = ZoneInfo(settings.park_timezone)
    with store.read() as conn:
        users = auth_db.list_users(conn)
        tokens = auth_db.list_tokens(conn)
    by_user: dict[int, list[TokenPublic]] = {}
    for row in tokens:
        by_user.setdefault(row["user_id"], []).append(_token_public(row, zone))
    return UsersPublic(
        timezone=settings.park_timezone,
        users=[
            UserPublic(
                username=u["username"],
                display_name=u["display_name"],
                role=u["role"],
                enterprises=u["enterprises"],
                disabled=u["disabled"],
                valid_until=_local(u["valid_until"], zone),
                created_at=u["created_at"].astimezone(zone),
                password_changed_at=u["password_changed_at"].astimezone(zone),
                tokens=by_user.get(u["id"], []),
            )
            for u in users
        ],
    )


def read_audit(
    store: StoreDep,
    settings: SettingsDep,
    action: str | None = None,
    actor: str | None = None,
    limit: int = 100,
) -> AuditPublic:
    """Audit events, newest first, optionally of one action and/or actor."""
    if not 1 <= limit <= MAX_AUDIT_LIMIT:
        raise InputError(f"limit must be between 1 and {MAX_AUDIT_LIMIT}, not {limit}")
    zone = ZoneInfo(settings.park_timezone)
    action, actor = (action or "").strip() or None, (actor or "").strip() or None
    with store.read() as conn:
        rows = auth_db.list_audit(conn, limit=limit, action=action, actor=actor)
    return AuditPublic(
        timezone=settings.park_timezone,
        action=action,
        actor=actor,
        limit=limit,
        events=[
            AuditEventPublic(
                id=r["id"],
                time=r["time"].astimezone(zone),
                actor=r["actor"],
                action=r["action"],
                target=r["target"],
                detail=r["detail"],
                ip=r["ip"],
            )
            for r in rows
        ],
    )


def _one_user(store: StoreDep, settings: SettingsDep, username: str) -> UserPublic:
    for user in read_users(store, settings).users:
        if user.username == username:
            return user
    raise NotFoundError(f"no user {username!r}")


def _one_token(store: StoreDep, settings: SettingsDep, token_id: int) -> TokenPublic:
    with store.read() as conn:
        rows = auth_db.list_tokens(conn)
    for row in rows:
        if row["id"] == token_id:
            return _token_public(row, ZoneInfo(settings.park_timezone))
    raise NotFoundError(f"no token {token_id}")


def change_disabled(
    request: Request, store: StoreDep, admin: Principal, username: str, disabled: bool
) -> None:
    """Disable or enable ``username`` as ``admin`` (audited); nobody disables themselves,
    so the last administrator cannot lock everybody out by mistake."""
    if disabled and username == admin.username:
        raise InputError("you cannot disable your own account")
    with store.write() as conn:
        set_disabled(conn, username, disabled, actor=admin.username, ip=client_ip(request))


def change_revoked(request: Request, store: StoreDep, admin: Principal, token_id: int) -> None:
    """Revoke API token ``token_id`` as ``admin`` (audited)."""
    with store.write() as conn:
        revoke_token(conn, token_id, actor=admin.username, ip=client_ip(request))


# --- pages ----------------------------------------------------------------------------


def _back_to_users(request: Request) -> RedirectResponse:
    root = request.scope.get("root_path", "").rstrip("/")
    return RedirectResponse(root + str(request.app.url_path_for("admin_users_page")), 303)


def admin_users_page(request: Request, store: StoreDep, settings: SettingsDep) -> HTMLResponse:
    """Users, their enterprises and API tokens, with disable/enable and revoke buttons;
    its data is ``/api/admin/users``."""
    return templates.TemplateResponse(
        request, "admin_users.html", {"data": read_users(store, settings)}
    )


def admin_audit_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    action: str | None = None,
    actor: str | None = None,
    limit: int = 100,
) -> HTMLResponse:
    """The audit log, newest first, with filters; its data is ``/api/admin/audit``."""
    data = read_audit(store, settings, action, actor, limit)
    return templates.TemplateResponse(request, "admin_audit.html", {"data": data})


def disable_user_form(
    request: Request, store: StoreDep, admin: UserManager, username: str
) -> RedirectResponse:
    """Disable ``username`` (ends its sessions, revokes its tokens), back to the list."""
    change_disabled(request, store, admin, username, True)
    return _back_to_users(request)


def enable_user_form(
    request: Request, store: StoreDep, admin: UserManager, username: str
) -> RedirectResponse:
    """Enable ``username`` again, back to the list."""
    change_disabled(request, store, admin, username, False)
    return _back_to_users(request)


def revoke_token_form(
    request: Request, store: StoreDep, admin: UserManager, token_id: int
) -> RedirectResponse:
    """Revoke API token ``token_id``, back to the list."""
    change_revoked(request, store, admin, token_id)
    return _back_to_users(request)


# --- JSON twins -----------------------------------------------------------------------


def api_admin_users(store: StoreDep, settings: SettingsDep) -> UsersPublic:
    """Every user (role, enterprises' credit codes, disabled, valid until, created) with
    their API tokens (name, prefix, role, expiry, revocation, last use; never hashes)."""
    return read_users(store, settings)


def api_admin_audit(
    store: StoreDep,
    settings: SettingsDep,
    action: Annotated[str | None, Query(description="Only this action, e.g. login.failed.")] = None,
    actor: Annotated[str | None, Query(description="Only this actor (user name).")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_AUDIT_LIMIT, description="Most events.")] = 100,
) -> AuditPublic:
    """The audit log, newest first: logins, failed and throttled logins, log-outs, user and
    token changes, uploads and edits."""
    return read_audit(store, settings, action, actor, limit)


def api_disable_user(
    request: Request, store: StoreDep, settings: SettingsDep, admin: UserManager, username: str
) -> UserPublic:
    """Disable a user: its sessions end and its tokens are revoked."""
    change_disabled(request, store, admin, username, True)
    return _one_user(store, settings, username)


def api_enable_user(
    request: Request, store: StoreDep, settings: SettingsDep, admin: UserManager, username: str
) -> UserPublic:
    """Enable a user again (its revoked tokens stay revoked)."""
    change_disabled(request, store, admin, username, False)
    return _one_user(store, settings, username)


def api_revoke_token(
    request: Request, store: StoreDep, settings: SettingsDep, admin: UserManager, token_id: int
) -> TokenPublic:
    """Revoke an API token now."""
    change_revoked(request, store, admin, token_id)
    return _one_token(store, settings, token_id)


def add_routes(app: FastAPI) -> None:
    """Register the administration pages, their forms and JSON twins on ``app``."""
    page = {"response_class": HTMLResponse, "include_in_schema": False}
    form = {**page, "methods": ("POST",)}
    users, audit = Permission.MANAGE_USERS, Permission.READ_AUDIT
    route(app, "/admin/users", admin_users_page, users, **page)
    route(app, "/admin/users/{username}/disable", disable_user_form, users, **form)
    route(app, "/admin/users/{username}/enable", enable_user_form, users, **form)
    route(app, "/admin/tokens/{token_id}/revoke", revoke_token_form, users, **form)
    route(app, "/admin/audit", admin_audit_page, audit, **page)
    api = {"tags": ["admin"]}
    route(app, "/api/admin/users", api_admin_users, users, response_model=UsersPublic, **api)
    route(
        app,
        "/api/admin/users/{username}/disable",
        api_disable_user,
        users,
        methods=("POST",),
        response_model=UserPublic,
        **api,
    )
    route(
        app,
        "/api/admin/users/{username}/enable",
        api_enable_user,
        users,
        methods=("POST",),
        response_model=UserPublic,
        **api,
    )
    route(
        app,
        "/api/admin/tokens/{token_id}/revoke",
        api_revoke_token,
        users,
        methods=("POST",),
        response_model=TokenPublic,
        **api,
    )
    route(app, "/api/admin/audit", api_admin_audit, audit, response_model=AuditPublic, **api)
