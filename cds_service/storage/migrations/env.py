"""Alembic environment: migrations run on the connection the caller hands over
(``pvp-cds db upgrade``, or the embedded database's first start), never from a config file."""

from __future__ import annotations

from alembic import context

from cds_service.storage.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=context.config.attributes["version_table"],
    # SQLite cannot ALTER most things in place; batch mode copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
