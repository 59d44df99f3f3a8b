"""The store's schema, by Alembic (migrations in api/migrations/, shipped
inside the package): `upgrade(engine)` brings a database to the newest
revision; `Store()` calls it on opening, `spmo db upgrade` explicitly.

- a new database gets every revision from the baseline (0001);
- a database made before migrations (it has `portfolios`, no
  `alembic_version`) is stamped with the baseline first, then upgraded;
- on PostgreSQL a transaction-scoped advisory lock makes servers that start
  together migrate one after the other (the second finds nothing to do).

All of it runs in one transaction: a migration that fails changes nothing
(SQLite and PostgreSQL both have transactional DDL).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"
LOCK = 7_243_001  # the advisory lock's number: any constant of spmo's own


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

    with engine.begin() as db:
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
