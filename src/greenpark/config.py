"""Settings, declared once; each can be set by an environment variable ``GREENPARK_<NAME>``.

``docs/settings.md`` lists them and ``tests/test_docs.py`` checks that it stays complete.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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


def normalise_database_url(url: str) -> str:
    """Return ``url`` with the psycopg 3 driver named for plain ``postgresql://`` URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url
