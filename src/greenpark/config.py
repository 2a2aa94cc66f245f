"""Settings, declared once; each can be set by an environment variable ``GREENPARK_<NAME>``.

``docs/settings.md`` lists them and ``tests/test_docs.py`` checks that it stays complete.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from greenpark.errors import InputError

if TYPE_CHECKING:
    from greenpark.ingest.server import IngestConfig

DEFAULT_DATABASE_URL = "sqlite:///greenpark.db"


class Settings(BaseSettings):
    """greenpark settings: defaults, then ``GREENPARK_*`` environment variables, then CLI flags."""

    model_config = SettingsConfigDict(env_prefix="GREENPARK_", extra="ignore")

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL of the store: an SQLite file (default, embedded) or "
        "postgresql+psycopg://user@host/db.",
    )
    host: str = Field("127.0.0.1", description="Address the web server binds to.")
    port: int = Field(8000, description="TCP port of the web server.")
    park_timezone: str = Field(
        "Asia/Shanghai",
        description="IANA time zone used at the edges: natural days, months, day/night.",
    )
    sql_echo: bool = Field(False, description="Log every SQL statement (debugging).")
    secret_key: str = Field(
        "",
        description="Secret that signs CSRF tokens (at least 32 characters). Set it in the "
        "environment, never in a file of the repository; or use secret_key_file.",
    )
    secret_key_file: str = Field(
        "",
        description="File holding the secret key; must not be readable by group or others.",
    )
    session_hours: float = Field(12.0, description="Lifetime of a login session [h].")
    login_max_failures: int = Field(
        5, description="Failed logins per user name or client address before throttling."
    )
    login_window_minutes: float = Field(
        15.0, description="Window in which failed logins are counted, and the lock time [min]."
    )
    https: bool = Field(
        False, description="Served over HTTPS (behind a proxy): session cookies get Secure."
    )

    ingest_enabled: bool = Field(
        True, description="Start the HJ 212 server with `greenpark serve` and `greenpark demo`."
    )
    ingest_host: str = Field(
        "127.0.0.1",
        description="Address the HJ 212 server binds to (0.0.0.0 to take stations from "
        "the network).",
    )
    ingest_port: int = Field(9212, description="TCP port of the HJ 212 server.")
    ingest_auto_register: bool = Field(
        False,
        description="Register an unknown MN as a new station (ST 21/22/23/32) instead of "
        "quarantining its packets.",
    )
    ingest_idle_timeout_s: float = Field(
        600.0, description="Close an HJ 212 connection silent for this long [s]."
    )
    ingest_max_segment: int = Field(
        9999, description="Longest HJ 212 data segment accepted [bytes] (the standard: 1024)."
    )
    ingest_error_budget: int = Field(
        50, description="Refused frames an HJ 212 connection may send before it is closed."
    )
    ingest_max_connections: int = Field(
        5000, description="Most HJ 212 connections open at once; more are closed at once."
    )
    ingest_key_overlap_hours: float = Field(
        168.0,
        description="How long an SM4 key stays valid after CN=1014 replaced it [h] "
        "(until the station uses the new key).",
    )

    dispatch_gas_price: float = Field(
        3.5,
        description="Natural gas price for the station optimiser [CNY/m³] (an assumption: "
        "DCPARK-1's; set the station's contract price).",
    )
    dispatch_carbon_price: float = Field(
        100.0,
        description="Carbon price the station optimiser adds to grid and gas [CNY/tCO2] "
        "(an assumption: DCPARK-1's; 0 to optimise cost alone).",
    )
    dispatch_grid_import_mw: float = Field(
        25.0, description="The station's grid connection limit for the optimiser [MW]."
    )

    def ingest_config(self) -> IngestConfig:
        """The HJ 212 server's configuration from these settings."""
        from greenpark.ingest.server import IngestConfig

        return IngestConfig(
            host=self.ingest_host,
            port=self.ingest_port,
            auto_register=self.ingest_auto_register,
            idle_timeout=self.ingest_idle_timeout_s,
            max_segment=self.ingest_max_segment,
            error_budget=self.ingest_error_budget,
            max_connections=self.ingest_max_connections,
            key_overlap=dt.timedelta(hours=self.ingest_key_overlap_hours),
        )

    def load_secret_key(self) -> str:
        """The secret key from ``secret_key`` or ``secret_key_file``.

        Raises
        ------
        InputError
            If neither is set, the key is shorter than 32 characters or a known placeholder,
            or the file is missing or readable by group or others.
        """
        key = self.secret_key
        if not key and self.secret_key_file:
            path = Path(self.secret_key_file).expanduser()
            if not path.is_file():
                raise InputError(f"secret key file {path} does not exist")
            if path.stat().st_mode & 0o077:
                raise InputError(
                    f"secret key file {path} is readable by group or others: chmod 600 it"
                )
            key = path.read_text(encoding="utf-8").strip()
        if not key:
            raise InputError(
                "no secret key: set GREENPARK_SECRET_KEY or GREENPARK_SECRET_KEY_FILE "
                "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        if len(key) < 32 or key.lower() in PLACEHOLDER_SECRETS:
            raise InputError("the secret key is a placeholder or shorter than 32 characters")
        return key


#: Secrets that are never accepted (copied from examples).
PLACEHOLDER_SECRETS = frozenset(
    {"changeme", "change-me", "secret", "changethis", "please-change-me" * 2}
)


def write_secret_key_file(path: Path) -> str:
    """Create ``path`` (mode 600) with a new random secret key unless it exists; return the key.

    Used by ``greenpark demo`` so the demo starts with a real secret and no configuration.
    """
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(secrets.token_urlsafe(48) + "\n")
    return Settings(secret_key_file=str(path)).load_secret_key()


def normalise_database_url(url: str) -> str:
    """Return ``url`` with the psycopg 3 driver named for plain ``postgresql://`` URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url
