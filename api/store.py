"""Stored portfolios and the jobs table (SQLAlchemy Core).

Any SQLAlchemy URL (the settings' `database_url`: a SQLite file by default,
e.g. `postgresql+psycopg://user:pass@host/spmo`). Opening a store brings its
schema to the newest Alembic revision (api/migrate.py). Two tables here, the
others in api/tables.py:

- portfolios(id, name, org, document, content, hash, projects, created,
  updated): `document` is the portfolio document as the client sent it (JSON
  text, keys in the order sent), so a read returns what was written, never a
  re-serialised copy that lost data; `content` is the same as JSON (JSONB on
  PostgreSQL, which reorders keys: it is for queries, never read back);
  `hash` is `document_hash`, the ETag; `org` the creating key's organisation;
- jobs: durable jobs of any kind (api/jobs/store.py has their operations and
  the meaning of each column): status queued -> running -> done (result) or
  failed (problems say why) or cancelled, with the owning server's lease;
  `document_hash` names the document a job worked on (kept in `documents`)
  and `options` the options it was given, so a solve's plan can be adopted.

Every create, replace, delete and solve writes an audit row in the same
transaction (api/store_audit.py). A method given an `org` sees only that
organisation's rows (None: every row, as when auth is off).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from .keys import Principal
from .store_audit import AuditRecords, changes, record
from .store_decisions import DecisionRecords
from .store_keys import KeyRecords, iso
from .tables import DEFAULT_ORG, JSONB, document_hash, document_text, documents, metadata

portfolios = sa.Table(
    "portfolios", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(400), nullable=True),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("projects", sa.Integer, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
    sa.Column("org", sa.String(64), nullable=False, server_default=DEFAULT_ORG, index=True),
    sa.Column("content", JSONB, nullable=True),
    sa.Column("hash", sa.String(64), nullable=True),
)
jobs = sa.Table(
    "jobs", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("portfolio_id", sa.String(32), nullable=True, index=True),
    sa.Column("request", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
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
    sa.Column("org", sa.String(64), nullable=False, server_default=DEFAULT_ORG, index=True),
    sa.Column("document_hash", sa.String(64), nullable=True),
    sa.Column("options", JSONB, nullable=True),
)
JOB_STATES = ("queued", "running", "done", "failed", "cancelled")


class PreconditionFailed(Exception):
    """A replace whose If-Match names a version that is no longer the stored one."""

    def __init__(self, current: str | None) -> None:
        super().__init__("the portfolio changed since that version")
        self.current = current


def _now() -> datetime:
    return datetime.now(UTC)


def _new_id() -> str:
    return uuid.uuid4().hex


def _in_org(table: sa.Table, org: str | None):
    return sa.true() if org is None else table.c.org == org


def _actor_org(actor: Principal | None) -> str:
    return actor.org if actor is not None else DEFAULT_ORG


class Store(KeyRecords, AuditRecords, DecisionRecords):
    """Portfolios and jobs, keys, audit and decisions in one database; every
    method is one transaction."""

    def __init__(self, url: str) -> None:
        from .migrate import upgrade

        self.url = url
        options = {"connect_args": {"check_same_thread": False}} \
            if self.url.startswith("sqlite") else {"pool_pre_ping": True}
        if self.url in ("sqlite://", "sqlite:///:memory:"):  # one database, not one per thread
            options["poolclass"] = sa.pool.StaticPool
        self.engine = sa.create_engine(self.url, **options)
        upgrade(self.engine)

    # portfolios
    def create_portfolio(self, document: dict, name: str | None, projects: int,
                         actor: Principal | None = None) -> dict:
        now, pid, digest = _now(), _new_id(), document_hash(document)
        with self.engine.begin() as db:
            db.execute(portfolios.insert().values(
                id=pid, name=name, document=document_text(document), content=document,
                hash=digest, org=_actor_org(actor), projects=projects, created=now,
                updated=now))
            record(db, pid, "create", actor, (None, digest), changes=changes(None, document))
        return self.portfolio_summary(pid)

    def replace_portfolio(self, pid: str, document: dict, name: str | None, projects: int,
                          actor: Principal | None = None, **where) -> dict | None:
        """Replace portfolio `pid` (of `where["org"]` when given); None if there is
        none. PreconditionFailed when `where["if_match"]` (hashes) is given and
        does not name the stored version, or the stored version changed meanwhile."""
        org, expected, digest = where.get("org"), where.get("if_match"), document_hash(document)
        with self.engine.begin() as db:
            row = db.execute(sa.select(portfolios.c.document, portfolios.c.hash).where(
                (portfolios.c.id == pid) & _in_org(portfolios, org))).one_or_none()
            if row is None:
                return None
            if expected is not None and row.hash not in expected:
                raise PreconditionFailed(row.hash)
            done = db.execute(portfolios.update().where(
                (portfolios.c.id == pid) & (portfolios.c.hash == row.hash)).values(
                document=document_text(document), content=document, hash=digest, name=name,
                projects=projects, updated=_now()))
            if not done.rowcount:  # replaced by another request since the read
                raise PreconditionFailed(None)
            record(db, pid, "replace", actor, (row.hash, digest), org=org,
                   changes=changes(json.loads(row.document), document))
        return self.portfolio_summary(pid)

    def delete_portfolio(self, pid: str, actor: Principal | None = None,
                         org: str | None = None) -> bool:
        with self.engine.begin() as db:
            row = db.execute(sa.select(portfolios.c.hash, portfolios.c.org).where(
                (portfolios.c.id == pid) & _in_org(portfolios, org))).one_or_none()
            if row is None:
                return False
            db.execute(portfolios.delete().where(portfolios.c.id == pid))
            record(db, pid, "delete", actor, (row.hash, None), org=row.org)
        return True

    def portfolio_document(self, pid: str, org: str | None = None) -> dict | None:
        stored = self.portfolio_version(pid, org)
        return None if stored is None else stored[0]

    def portfolio_version(self, pid: str, org: str | None = None) -> tuple[dict, str] | None:
        """(the document as sent, its hash: the ETag) of portfolio `pid`, or None."""
        with self.engine.connect() as db:
            row = db.execute(sa.select(portfolios.c.document, portfolios.c.hash).where(
                (portfolios.c.id == pid) & _in_org(portfolios, org))).one_or_none()
        return None if row is None else (json.loads(row.document), row.hash)

    def job_document(self, pid: str, digest: str | None) -> dict | None:
        """The document a job was submitted with: kept under its hash `digest`,
        else (a job from before documents were kept) portfolio `pid` as stored."""
        if digest is not None:
            with self.engine.connect() as db:
                text = db.execute(sa.select(documents.c.text).where(
                    documents.c.hash == digest)).scalar_one_or_none()
            if text is not None:
                return json.loads(text)
        return self.portfolio_document(pid)

    def portfolio_summary(self, pid: str, org: str | None = None) -> dict | None:
        with self.engine.connect() as db:
            row = db.execute(sa.select(*_summary_columns()).where(
                (portfolios.c.id == pid) & _in_org(portfolios, org))).mappings().one_or_none()
        return None if row is None else _summary(row)

    def list_portfolios(self, org: str | None = None) -> list[dict]:
        with self.engine.connect() as db:
            rows = db.execute(sa.select(*_summary_columns()).where(_in_org(portfolios, org))
                              .order_by(portfolios.c.created, portfolios.c.id)).mappings().all()
        return [_summary(r) for r in rows]

    def job_inputs(self, jid: str, org: str | None = None) -> dict | None:
        """What a job worked on and found: its row (kind, status, result,
        portfolio, org, document_hash, options), `plan` (the result's text of a
        solve job, else None) and the document's text (None if not kept)."""
        with self.engine.connect() as db:
            row = db.execute(sa.select(jobs, documents.c.text.label("document")).select_from(
                jobs.outerjoin(documents, documents.c.hash == jobs.c.document_hash)).where(
                (jobs.c.id == jid) & _in_org(jobs, org))).mappings().one_or_none()
        if row is None:
            return None
        return {**row, "plan": row["result"] if row["kind"] == "solve" else None}


def keep_document(db: sa.Connection, digest: str, document: dict) -> None:
    """The document under its hash in `documents` (once; a concurrent insert of
    the same hash is the same row)."""
    if db.execute(sa.select(documents.c.hash).where(documents.c.hash == digest)).first():
        return
    try:
        with db.begin_nested():
            db.execute(documents.insert().values(hash=digest, text=document_text(document),
                                                 created=_now()))
    except sa.exc.IntegrityError:
        pass


def _summary_columns():
    c = portfolios.c
    return c.id, c.name, c.org, c.projects, c.created, c.updated


def _summary(row) -> dict:
    return {"id": row["id"], "name": row["name"], "org": row["org"],
            "projects": row["projects"], "created": iso(row["created"]),
            "updated": iso(row["updated"])}
