"""Stored portfolios and the jobs table (SQLAlchemy Core).

Any SQLAlchemy URL (the settings' `database_url`: a SQLite file by default,
e.g. `postgresql+psycopg://user:pass@host/spmo`). Two tables:

- portfolios(id, name, document, projects, created, updated): the portfolio
  document exactly as the client sent it (JSON text), so a read returns what
  was written, never a re-serialised copy that lost data;
- jobs: durable jobs of any kind (api/jobs/store.py has their operations and
  the meaning of each column): status queued -> running -> done (result) or
  failed (problems say why) or cancelled, with the owning server's lease.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

metadata = sa.MetaData()
portfolios = sa.Table(
    "portfolios", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(400), nullable=True),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("projects", sa.Integer, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
)
jobs = sa.Table(
    "jobs", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("portfolio_id", sa.String(32), nullable=True, index=True),
    sa.Column("request", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("org", sa.String(64), nullable=True),
    sa.Column("key_name", sa.String(200), nullable=True),
    sa.Column("caller", sa.String(80), nullable=True, index=True),
    sa.Column("owner", sa.String(64), nullable=True),
    sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("heartbeat", sa.DateTime(timezone=True), nullable=True),
    sa.Column("progress_done", sa.Integer, nullable=True),
    sa.Column("progress_total", sa.Integer, nullable=True),
    sa.Column("cancel_requested", sa.Boolean, nullable=False, default=False),
    sa.Column("result", sa.Text, nullable=True),
    sa.Column("problems", sa.Text, nullable=True),
    sa.Column("submitted", sa.DateTime(timezone=True), nullable=False),
    sa.Column("started", sa.DateTime(timezone=True), nullable=True),
    sa.Column("finished", sa.DateTime(timezone=True), nullable=True),
)
JOB_STATES = ("queued", "running", "done", "failed", "cancelled")


def _now() -> datetime:
    return datetime.now(UTC)


def _new_id() -> str:
    return uuid.uuid4().hex


class Store:
    """Portfolios (and the jobs table, api/jobs/store.py) in one database; every
    method is one transaction."""

    def __init__(self, url: str) -> None:
        self.url = url
        options = {"connect_args": {"check_same_thread": False}} \
            if self.url.startswith("sqlite") else {"pool_pre_ping": True}
        if self.url in ("sqlite://", "sqlite:///:memory:"):  # one database, not one per thread
            options["poolclass"] = sa.pool.StaticPool
        self.engine = sa.create_engine(self.url, **options)
        metadata.create_all(self.engine)

    # portfolios
    def create_portfolio(self, document: dict, name: str | None, projects: int) -> dict:
        now, pid = _now(), _new_id()
        with self.engine.begin() as db:
            db.execute(portfolios.insert().values(
                id=pid, name=name, document=json.dumps(document), projects=projects,
                created=now, updated=now))
        return self.portfolio_summary(pid)

    def replace_portfolio(self, pid: str, document: dict, name: str | None,
                          projects: int) -> dict | None:
        with self.engine.begin() as db:
            done = db.execute(portfolios.update().where(portfolios.c.id == pid).values(
                document=json.dumps(document), name=name, projects=projects,
                updated=_now()))
        return self.portfolio_summary(pid) if done.rowcount else None

    def delete_portfolio(self, pid: str) -> bool:
        with self.engine.begin() as db:
            done = db.execute(portfolios.delete().where(portfolios.c.id == pid))
        return bool(done.rowcount)

    def portfolio_document(self, pid: str) -> dict | None:
        with self.engine.connect() as db:
            text = db.execute(sa.select(portfolios.c.document).where(
                portfolios.c.id == pid)).scalar_one_or_none()
        return None if text is None else json.loads(text)

    def portfolio_summary(self, pid: str) -> dict | None:
        with self.engine.connect() as db:
            row = db.execute(sa.select(*_summary_columns()).where(
                portfolios.c.id == pid)).mappings().one_or_none()
        return None if row is None else _summary(row)

    def list_portfolios(self) -> list[dict]:
        with self.engine.connect() as db:
            rows = db.execute(sa.select(*_summary_columns()).order_by(
                portfolios.c.created, portfolios.c.id)).mappings().all()
        return [_summary(r) for r in rows]


def _summary_columns():
    c = portfolios.c
    return c.id, c.name, c.projects, c.created, c.updated


def _summary(row) -> dict:
    return {"id": row["id"], "name": row["name"], "projects": row["projects"],
            "created": _iso(row["created"]), "updated": _iso(row["updated"])}


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite keeps no zone: these were written in UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()
