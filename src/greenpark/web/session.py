"""Logging in and out: the login page ``/login``, ``/logout``, ``/logout/everywhere`` and
their JSON twins ``/api/session`` (who am I), ``/api/logout`` and ``/api/logout/everywhere``.

Scripts do not log in: they send an API token (``Authorization: Bearer ...``). The login
form is CSRF-protected like every other form (``greenpark.web.security``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from greenpark.auth import (
    AuthError,
    Permission,
    Principal,
    Throttle,
    ThrottledError,
    authenticate,
    end_session,
    start_session,
)
from greenpark.auth.roles import ROLE_PERMISSIONS
from greenpark.errors import InputError
from greenpark.web.deps import SettingsDep, StoreDep
from greenpark.web.security import SESSION_COOKIE, Anyone, client_ip, cookie_secure, route
from greenpark.web.templating import templates

#: Longest user name the store holds [characters]; longer ones cannot exist.
MAX_USERNAME = 64
#: Longest password checked [characters]; hashing megabytes is refused cheaply.
MAX_PASSWORD = 1024
#: The one message of every failed login: it never says which part was wrong.
LOGIN_FAILED = "Wrong user name or password. 用户名或密码错误。"


class SessionPublic(BaseModel):
    """Who the caller is (``/api/session``); every field but ``authenticated`` is null
    when nobody is logged in."""

    authenticated: bool = Field(description="Whether the request carries a valid login.")
    username: str | None
    role: str | None = Field(description="admin, analyst, enterprise, evaluator or operator.")
    permissions: list[str] = Field(description="What the role may do (see docs/security.md).")
    whole_park: bool = Field(description="True when no enterprise filter applies.")
    enterprise_ids: list[int] = Field(
        description="Ids of the enterprises in scope when whole_park is false."
    )
    via: Literal["session", "token"] | None = Field(
        description="How the caller is authenticated: session cookie or API token."
    )


class LogoutPublic(BaseModel):
    """The result of a log-out."""

    ended: int = Field(description="Login sessions ended.")


def session_public(principal: Principal | None) -> SessionPublic:
    """The public model of the caller ``principal`` (None: nobody)."""
    if principal is None:
        return SessionPublic(
            authenticated=False,
            username=None,
            role=None,
            permissions=[],
            whole_park=False,
            enterprise_ids=[],
            via=None,
        )
    return SessionPublic(
        authenticated=True,
        username=principal.username,
        role=principal.role.value,
        permissions=sorted(p.value for p in ROLE_PERMISSIONS[principal.role]),
        whole_park=principal.whole_park,
        enterprise_ids=sorted(principal.enterprise_ids or ()),
        via="token" if principal.via == "token" else "session",
    )


def safe_next(target: str | None) -> str:
    """``target`` if it is a path of this site, else ``"/"`` (no open redirects).

    A local path starts with exactly one ``/``; ``//host``, ``/\\host``, absolute URLs
    and anything with control characters or backslashes go to ``/``.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def login_location(request: Request) -> str:
    """Where a page request that needs a login is sent: ``/login?next=<this page>``.

    Only a GET comes back to where it was; after a form post the user starts at ``/``.
    """
    root = request.scope.get("root_path", "").rstrip("/")
    if request.method != "GET":
        return f"{root}/login"
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"{root}/login?next={quote(here, safe='/')}"


def _set_session_cookie(response: Response, request: Request, token: str, hours: float) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(hours * 3600),
        path="/",
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request),
    )


def _delete_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=cookie_secure(request)
    )


def _login_form(
    request: Request,
    *,
    next_path: str,
    username: str = "",
    error: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "login.html",
        {"next": safe_next(next_path), "username": username, "error": error},
        status_code=status_code,
        headers=headers,
    )


def login_page(
    request: Request, next_path: Annotated[str, Query(alias="next")] = "/"
) -> HTMLResponse:
    """The login form; ``next`` is where a successful login goes (a local path)."""
    return _login_form(request, next_path=next_path)


def login_submit(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    """Check the form; on success start a session, set its cookie and go to ``next``.

    A failure (wrong name or password, unknown, disabled or expired user) re-renders the
    form with one message and status 401; too many failures give 429 with
    ``Retry-After``. Failures are committed (for throttling and the audit log) before
    the answer is made.
    """
    ip = client_ip(request)
    username = username.strip()
    if not 0 < len(username) <= MAX_USERNAME or len(password) > MAX_PASSWORD:
        return _login_form(
            request,
            next_path=next_path,
            username=username[:MAX_USERNAME],
            error=LOGIN_FAILED,
            status_code=401,
        )
    throttle = Throttle(
        max_failures=settings.login_max_failures,
        window=dt.timedelta(minutes=settings.login_window_minutes),
    )
    token = ""
    with store.write() as conn:
        outcome = authenticate(conn, username, password, ip=ip, throttle=throttle)
        if outcome.principal is not None:
            token = start_session(conn, outcome.principal, hours=settings.session_hours, ip=ip)
    try:
        outcome.raise_for_failure()
    except ThrottledError as exc:
        return _login_form(
            request,
            next_path=next_path,
            username=username,
            error=f"Too many failed logins: try again in {exc.retry_after // 60 + 1} min. "
            "登录失败次数过多，请稍后再试。",
            status_code=429,
            headers={"Retry-After": str(exc.retry_after)},
        )
    except AuthError:
        return _login_form(
            request, next_path=next_path, username=username, error=LOGIN_FAILED, status_code=401
        )
    response = RedirectResponse(safe_next(next_path), status_code=303)
    _set_session_cookie(response, request, token, settings.session_hours)
    return response


def _end(
    request: Request, store: StoreDep, principal: Principal | None, *, everywhere: bool
) -> int:
    if principal is None:
        return 0
    if principal.via == "token" and not everywhere:
        raise InputError(
            "an API token is not a session: revoke it instead (log-out everywhere ends the "
            "sessions of its user)"
        )
    with store.write() as conn:
        return end_session(conn, principal, everywhere=everywhere, ip=client_ip(request))


def logout(request: Request, store: StoreDep, principal: Anyone) -> RedirectResponse:
    """End this session, delete its cookie and go to the login page (nobody: just go)."""
    _end(request, store, principal, everywhere=False)
    response = RedirectResponse(_path(request, "/login"), status_code=303)
    _delete_session_cookie(response, request)
    return response


def logout_everywhere(request: Request, store: StoreDep, principal: Anyone) -> RedirectResponse:
    """End every session of the user (all browsers), then go to the login page."""
    _end(request, store, principal, everywhere=True)
    response = RedirectResponse(_path(request, "/login"), status_code=303)
    _delete_session_cookie(response, request)
    return response


def api_session(principal: Anyone) -> SessionPublic:
    """Who the caller is: user name, role, permissions and enterprise scope, and whether
    by session cookie or API token. Nobody logged in is an answer, not an error."""
    return session_public(principal)


def api_logout(
    request: Request, response: Response, store: StoreDep, principal: Anyone
) -> LogoutPublic:
    """End the caller's session and delete its cookie (an API token is revoked, not
    logged out: 400)."""
    ended = _end(request, store, principal, everywhere=False)
    _delete_session_cookie(response, request)
    return LogoutPublic(ended=ended)


def api_logout_everywhere(
    request: Request, response: Response, store: StoreDep, principal: Anyone
) -> LogoutPublic:
    """End every session of the caller's user; with an API token, its user's sessions."""
    ended = _end(request, store, principal, everywhere=True)
    if principal is not None and principal.via == "session":
        _delete_session_cookie(response, request)
    return LogoutPublic(ended=ended)


def _path(request: Request, path: str) -> str:
    return request.scope.get("root_path", "").rstrip("/") + path


def add_routes(app: FastAPI) -> None:
    """Register the login and log-out routes and their JSON twins on ``app``.

    All are ``PUBLIC``: anybody may see the login form and log in, and logging out
    without a session does nothing. The form posts are CSRF-checked.
    """
    page = {"response_class": HTMLResponse, "include_in_schema": False}
    public = Permission.PUBLIC
    route(app, "/login", login_page, public, **page)
    route(app, "/login", login_submit, public, methods=("POST",), **page)
    route(app, "/logout", logout, public, methods=("POST",), **page)
    route(app, "/logout/everywhere", logout_everywhere, public, methods=("POST",), **page)
    api = {"tags": ["session"]}
    route(app, "/api/session", api_session, public, response_model=SessionPublic, **api)
    for path, endpoint in (
        ("/api/logout", api_logout),
        ("/api/logout/everywhere", api_logout_everywhere),
    ):
        route(app, path, endpoint, public, methods=("POST",), response_model=LogoutPublic, **api)
