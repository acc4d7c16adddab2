"""Alembic's environment for the transcript store.

Two ways in:

* the store (``interviewer.migrations.upgrade_database``) passes the connection it holds
  the upgrade lock on in ``config.attributes["connection"]``; everything runs inside the
  caller's transaction, which the caller commits;
* the ``alembic`` command line (``-c interviewer/migrations/alembic.ini``) names no
  connection: the URL comes from ``-x url=...``, else the app's settings (``DATABASE_URL``,
  ``INTERVIEWER_DATABASE_URL`` or the default SQLite file), and an engine is made the way
  the store makes one.
"""

from __future__ import annotations

from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.types import TypeDecorator

from interviewer.store import Base, make_engine

config = context.config
target_metadata = Base.metadata


def database_url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from interviewer.settings import Settings

    return Settings().resolved_database_url


def render_item(kind: str, obj: Any, _autogen_context: Any) -> str | bool:
    """Write the store's column types as the plain types they are in the database."""
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl_instance!r}"
    return False


def configure(**options: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        render_item=render_item,
        compare_type=True,
        **options,
    )


def run(connection: Connection) -> None:
    # SQLite cannot alter most of a table in place: autogenerate batch operations for it.
    configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    configure(url=database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    engine = make_engine(database_url())
    try:
        with engine.connect() as own_connection:
            run(own_connection)
    finally:
        engine.dispose()


if config.config_file_name is not None and config.attributes.get("connection") is None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

if context.is_offline_mode():
    run_offline()
else:
    run_online()
