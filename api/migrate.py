"""The store's schema, by Alembic (migrations in api/migrations/, shipped
inside the package): `upgrade(engine)` brings a database to the newest
revision; `Store()` calls it on opening, `spmo db upgrade` explicitly.

- a new database gets every revision from the baseline (0001);
- a database made before migrations (it has `portfolios`, no
  `alembic_version`) is stamped with the baseline first, then upgraded;
- stores opened together migrate one after the other (the next finds
  nothing to do): in one process by a lock (Alembic's context is a global),
  across processes on PostgreSQL by a transaction-scoped advisory lock, and
  on a SQLite file by an exclusive lock (fcntl.flock) on a file next to it,
  `<database>.migrate-lock` (kept: it is empty). So two `spmo serve` (or
  `spmo db upgrade`) started at once on a fresh file both start, one after
  the other's migration. (On a platform without fcntl, Windows, there is no
  such lock: start one process first.)

On PostgreSQL all of it runs in one transaction: a migration that fails
changes nothing. SQLite's driver commits each DDL statement at once, so
there a migration that fails half-way may have to be finished by hand.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
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

    with _ONE_AT_A_TIME, file_lock(engine), engine.begin() as db:
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


def lock_path(engine: sa.Engine) -> Path | None:
    """The lock file of a SQLite file database (None for any other, or in memory)."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:") \
            or engine.url.query.get("mode") == "memory":
        return None
    path = Path(database).absolute()
    return path.with_name(path.name + ".migrate-lock")


@contextlib.contextmanager
def file_lock(engine: sa.Engine) -> Iterator[None]:
    """Hold the exclusive lock of `lock_path` (waiting for it) while the block runs;
    nothing for other databases or without fcntl. The lock ends with the
    process too (a killed migration leaves no stale lock)."""
    path = lock_path(engine)
    try:
        import fcntl
    except ImportError:  # Windows
        fcntl = None
    if path is None or fcntl is None or not path.parent.is_dir():
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
