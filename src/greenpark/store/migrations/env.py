"""Alembic environment: runs on the connection handed over by ``Store.migrate``."""

from __future__ import annotations

from alembic import context

from greenpark.store.schema import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - alembic CLI use
    from greenpark.config import Settings
    from greenpark.store.db import make_engine

    connection = make_engine(Settings().database_url).connect()

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
