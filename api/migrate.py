"""The store's schema, by Alembic (migrations in api/migrations/, shipped
inside the package): `upgrade(engine)` brings a database to the newest
revision; `Store()` calls it on opening, `spmo db upgrade` explicitly.

- a new database gets every revision from the baseline (0001);
- a database made before migrations (it has `portfolios`, no
  `alembic_version`) is stamped with the baseline first, then upgraded;
- stores opened together migrate one after the other (the next finds
  nothing to do): in one process by a lock (Alembic's context is a global),
  across processes on PostgreSQL by a transaction-scoped advisory lock. On
  SQLite, start one process first (or run `spmo db upgrade`) before several.

On PostgreSQL all of it runs in one transaction: a migration that fails
changes nothing. SQLite's driver commits each DDL statement at once, so
there a migration that fails half-way may have to be finished by hand.
"""

from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"
LOCK = 7_243_001  # the advisory lock's number: any constant of spmo's own
_ONE_AT_A_TIME = threading.Lock()


def _config(connection: sa.Connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def current(engine: sa.Engine) -> str | None:
    """The database's revision (None: not under migrations)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as db:
        return MigrationContext.configure(db).get_current_revision()


def head() -> str:
    """The newest revision."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def upgrade(engine: sa.Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Upgrade to `revision`; (the revision before, after). A database with
    the baseline's tables and no revision is stamped with the baseline first."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    with _ONE_AT_A_TIME, engine.begin() as db:
        if db.dialect.name == "postgresql":
            db.execute(sa.text("SELECT pg_advisory_xact_lock(:n)"), {"n": LOCK})
        before = MigrationContext.configure(db).get_current_revision()
        config = _config(db)
        if before is None and sa.inspect(db).has_table("portfolios"):
            command.stamp(config, BASELINE)
            before = BASELINE
        if before != head():
            command.upgrade(config, revision)
        after = MigrationContext.configure(db).get_current_revision()
    return before, after
