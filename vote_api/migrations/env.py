"""Alembic's environment: run the revisions on the connection ``vote_api.schema`` hands over."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import vote_api.tables  # noqa: F401 (registers every table on the metadata)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
