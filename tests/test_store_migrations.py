"""The store's schema under Alembic: a new database gets every revision, a
database made before migrations (tables, no alembic_version) is stamped at
the baseline and upgraded with its rows intact, the revisions build exactly
the tables the code declares, and `spmo db upgrade` does it from the CLI;
on SQLite and on PostgreSQL (JSONB there)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from spmo.api.cli import app as cli_app
from spmo.api.migrate import current, head, upgrade
from spmo.api.store import Store
from spmo.api.tables import document_hash, metadata
from typer.testing import CliRunner

from .conftest import postgres_schema
from .test_http import TINY


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    """The URL of an empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    with postgres_schema("m") as url:
        yield url


OLD = sa.MetaData()
"""The schema before migrations, as `metadata.create_all` made it (main, 2026-12-01)."""
sa.Table("portfolios", OLD,
         sa.Column("id", sa.String(32), primary_key=True),
         sa.Column("name", sa.String(400), nullable=True),
         sa.Column("document", sa.Text, nullable=False),
         sa.Column("projects", sa.Integer, nullable=False),
         sa.Column("created", sa.DateTime(timezone=True), nullable=False),
         sa.Column("updated", sa.DateTime(timezone=True), nullable=False))
sa.Table("jobs", OLD,
         sa.Column("id", sa.String(32), primary_key=True),
         sa.Column("portfolio_id", sa.String(32), nullable=False, index=True),
         sa.Column("status", sa.String(16), nullable=False),
         sa.Column("plan", sa.Text, nullable=True),
         sa.Column("problems", sa.Text, nullable=True),
         sa.Column("submitted", sa.DateTime(timezone=True), nullable=False),
         sa.Column("finished", sa.DateTime(timezone=True), nullable=True))


def _old_database(url: str) -> dict:
    """A pre-migration database with a portfolio (keys in a non-sorted order,
    and one with a NaN, as the old server stored it) and a done job."""
    engine = sa.create_engine(url)
    OLD.create_all(engine)
    now = datetime.now(UTC)
    sent = {"zeta": 1, **TINY}
    with engine.begin() as db:
        db.execute(OLD.tables["portfolios"].insert(), [
            {"id": "p1", "name": "t", "document": json.dumps(sent), "projects": 3,
             "created": now, "updated": now},
            {"id": "p2", "name": None, "document": '{"projects": [{"id": "A", "value": NaN}]}',
             "projects": 1, "created": now, "updated": now}])
        db.execute(OLD.tables["jobs"].insert().values(
            id="j1", portfolio_id="p1", status="done", plan='{"status": "optimal"}',
            submitted=now, finished=now))
    engine.dispose()
    return sent


def test_a_database_from_before_migrations_is_stamped_then_upgraded(empty_url):
    sent = _old_database(empty_url)
    store = Store(empty_url)
    assert current(store.engine) == head() == "0003"
    assert store.portfolio_version("p1") == (sent, document_hash(sent))
    assert list(store.portfolio_document("p1")) == list(sent)  # the order as sent
    assert [p["org"] for p in store.list_portfolios()] == ["default", "default"]
    assert store.list_portfolios("default")[0]["id"] == "p1"
    from spmo.api.jobs.store import JobStore

    jobs = JobStore(store.engine)  # an old job is a done solve, its plan its result
    assert jobs.view("j1")["status"] == "done" and jobs.view("j1", "default")
    assert jobs.view("j1")["kind"] == "solve"
    assert jobs.result_text("j1") == ("solve", "done", '{"status": "optimal"}')
    assert store.portfolio_version("p2")[1]  # its text and hash are kept; no JSON copy
    with store.engine.connect() as db:
        content = dict(db.execute(sa.text("SELECT id, content FROM portfolios")).all())
    assert content["p2"] is None
    assert (json.loads(content["p1"]) if isinstance(content["p1"], str) else content["p1"]
            ) == sent
    summary, _ = store.create_key("k", "read")  # the new tables are there
    assert store.history("p1") == []  # the audit starts at the upgrade
    from fastapi.testclient import TestClient
    from spmo.api.http import create_app
    from spmo.api.settings import Settings

    with TestClient(create_app(Settings(database_url=empty_url, auth="off"))) as client:
        assert client.get("/v1/portfolios/p1/history").json() == []
        assert client.get("/v1/portfolios/p1").json() == sent
    assert upgrade(store.engine) == ("0003", "0003")  # again: nothing to do


def test_the_revisions_build_the_tables_the_code_declares(empty_url):
    store = Store(empty_url)
    with store.engine.connect() as db:
        differences = compare_metadata(MigrationContext.configure(db), metadata)
        types = {c["name"]: c["type"] for c in sa.inspect(db).get_columns("portfolios")}
    assert differences == []
    if store.engine.dialect.name == "postgresql":
        assert type(types["content"]).__name__ == "JSONB"


def test_spmo_db_upgrade_migrates_an_old_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _old_database(url)
    out = CliRunner().invoke(cli_app, ["db", "upgrade", "--database", url])
    assert out.exit_code == 0, out.output
    assert "revision 0003" in out.stdout
    assert current(sa.create_engine(url)) == "0003"
    bad = CliRunner().invoke(cli_app, ["db", "upgrade", "--database", "nosuch://x"])
    assert bad.exit_code in (1, 2) and "Traceback" not in bad.output


def test_stores_opened_together_migrate_once(empty_url):
    """Four stores opening one new database at once (threads of one process;
    on PostgreSQL the advisory lock serves processes the same way)."""
    import threading

    errors: list[str] = []

    def open_store() -> None:
        try:
            Store(empty_url).engine.dispose()
        except Exception as exc:  # recorded: the assertion below names it
            errors.append(repr(exc))

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert current(sa.create_engine(empty_url)) == head()
