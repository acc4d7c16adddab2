"""Schema migrations (Alembic), run by the store whenever it opens a database.

:func:`upgrade_database` brings any database to the newest revision in ``versions/``:

* a database already at the newest revision costs one query and no lock;
* otherwise the upgrade runs in one transaction on one connection of the store's engine,
  after taking a lock that makes a second process opening the same database wait and then
  find nothing left to do: ``pg_advisory_xact_lock`` on PostgreSQL, ``BEGIN IMMEDIATE``
  (the database's write lock, waited for up to the busy timeout) on SQLite;
* a database made by a version of the store from before migrations (its tables exist but
  there is no ``alembic_version``) is adopted: any revision-0001 table it lacks is
  created, it is stamped at 0001, and later revisions are applied to it as to any other.

For the ``alembic`` command line, ``alembic.ini`` in this directory points here; see
``docs/database.md``.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent
BASELINE = "0001"
"""The revision that describes the schema of the store before it used Alembic."""
LEGACY_MARKER_TABLE = "sessions"
"""Every pre-Alembic database has this table: it was there from the first version."""
ADVISORY_LOCK_KEY = 0x696E_7465_7276_6965  # "intervie": one key for every upgrade of this schema
"""The PostgreSQL advisory lock held while upgrading (transaction-scoped, so a crash releases it)."""

log = logging.getLogger(__name__)


def alembic_config(connection: Connection | None = None) -> Config:
    """A configuration pointing at this package's migrations, with no ini file needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision recorded in the database, None when it has none (new, or pre-Alembic)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_database(engine: Engine) -> None:
    """Create or upgrade the schema of ``engine``'s database to the newest revision."""
    head = head_revision()
    with engine.connect() as connection:
        at_head = current_revision(connection) == head
        connection.rollback()
        if at_head:
            return
        _lock_for_upgrade(connection)
        # Another process may have upgraded while this one waited for the lock: look again.
        revision = current_revision(connection)
        if revision != head:
            config = alembic_config(connection)
            if revision is None and inspect(connection).has_table(LEGACY_MARKER_TABLE):
                _adopt_legacy_database(connection, config)
            command.upgrade(config, "head")
        connection.commit()


def _lock_for_upgrade(connection: Connection) -> None:
    """Begin the upgrade's transaction holding a lock that serialises upgrades of one database."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    elif dialect == "sqlite":
        # pysqlite would start the transaction lazily, at the first INSERT, after the DDL;
        # starting it ourselves takes the write lock now, so the busy timeout queues a
        # second opener until this upgrade has committed.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _adopt_legacy_database(connection: Connection, config: Config) -> None:
    """Bring a database made by ``Base.metadata.create_all`` under Alembic, keeping its data."""
    baseline = ScriptDirectory.from_config(config).get_revision(BASELINE)
    assert baseline is not None
    existing = set(inspect(connection).get_table_names())
    baseline_tables = baseline.module.tables()
    missing = [table for name, table in baseline_tables.tables.items() if name not in existing]
    log.info(
        "adopting a database created before schema migrations: stamping it at %s%s",
        BASELINE,
        f" after creating {', '.join(t.name for t in missing)}" if missing else "",
    )
    baseline_tables.create_all(connection, tables=missing, checkfirst=False)
    command.stamp(config, BASELINE)
