"""Durable jobs in the database (the `jobs` table of api/store.py): every
operation is one transaction, and every change of status is one conditional
UPDATE, so that two servers on one database never run a job twice and a job
is never both failed and done.

The life of a job:

- `submit`: status `queued`, with its kind, its request (JSON), and who asked
  (`org`, `key_name` of the caller's key, `caller`: the identity limits count by).
- `claim(owner, n, lease_s)`: up to n queued jobs, oldest first, become
  `running` with `owner` (a server instance's id) and `lease_until = now +
  lease_s`. Each is one `UPDATE ... WHERE id = :id AND status = 'queued'`: of
  two servers claiming one job, exactly one sees a changed row. On PostgreSQL
  the candidates are read `FOR UPDATE SKIP LOCKED` first, so the servers do not
  even queue behind each other's claims.
- `renew(owner, lease_s)`: the owner's heartbeat pushes its running jobs' leases on.
- `reap()`: running jobs whose lease expired (their server died or hung) become
  `failed` with a reason; a live server's job, whose lease it keeps renewing,
  is never touched.
- `finish(jid, owner, status, ...)`: `done` / `failed` / `cancelled` only
  `WHERE owner = :owner AND status = 'running'`: a server whose lease was
  reaped cannot write a result over the failure.
- `cancel(jid)`: a queued job is cancelled at once; a running one gets
  `cancel_requested`, which its owner passes to the worker (the job stops at
  its next progress point and is then `cancelled`).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from ..store import jobs, keep_document
from ..store_audit import record
from ..tables import DEFAULT_ORG, document_hash

ACTIVE = ("queued", "running")
FINISHED = ("done", "failed", "cancelled")
LEASE_EXPIRED = ("the server running this job stopped (its lease expired); "
                 "submit it again")


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC (SQLite keeps no zone: its times were written in UTC)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def reason(message: str) -> list[dict]:
    """A job's problem that is not a problem of the input."""
    return [{"table": "jobs", "row": None, "column": None, "message": message}]


class JobStore:
    """The jobs of one database (an SQLAlchemy engine)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"

    def submit(self, kind: str, request: dict, portfolio_id: str | None = None,
               who: dict | None = None, document: dict | None = None) -> str:
        """A new queued job; `who`: org, key_name, caller and the `principal`
        (api/keys.Principal or None). With the `document` it works on, the
        document is kept by its hash (so a solve's plan can be adopted and
        reproduced), and a solve of a stored portfolio is in that portfolio's
        audit trail, in the same transaction."""
        jid = uuid.uuid4().hex
        who = who or {}
        digest = None if document is None else document_hash(document)
        with self.engine.begin() as db:
            db.execute(jobs.insert().values(
                id=jid, kind=kind, portfolio_id=portfolio_id, request=json.dumps(request),
                status="queued", cancel_requested=False, submitted=now(),
                org=who.get("org") or DEFAULT_ORG, key_name=who.get("key_name"),
                caller=who.get("caller"), document_hash=digest,
                options=request.get("options")))
            if document is not None:
                keep_document(db, digest, document)
                if kind == "solve" and portfolio_id is not None:
                    record(db, portfolio_id, "solve", who.get("principal"), (digest, digest),
                           job_id=jid)
        return jid

    def active(self, caller: str | None = None) -> int:
        """Queued and running jobs (of `caller`, else of everyone)."""
        query = sa.select(sa.func.count()).select_from(jobs).where(jobs.c.status.in_(ACTIVE))
        if caller is not None:
            query = query.where(jobs.c.caller == caller)
        with self.engine.connect() as db:
            return int(db.execute(query).scalar_one())

    def claim(self, owner: str, n: int, lease_s: float) -> list[dict]:
        """Up to n queued jobs, oldest first, now running under `owner`."""
        if n <= 0:
            return []
        query = sa.select(jobs.c.id).where(jobs.c.status == "queued").order_by(
            jobs.c.submitted, jobs.c.id).limit(n)
        if self.postgres:
            query = query.with_for_update(skip_locked=True)
        claimed = []
        with self.engine.begin() as db:
            for jid in db.execute(query).scalars().all():
                moment = now()
                done = db.execute(jobs.update().where(
                    (jobs.c.id == jid) & (jobs.c.status == "queued")).values(
                    status="running", owner=owner, started=moment, heartbeat=moment,
                    lease_until=moment + timedelta(seconds=lease_s)))
                if done.rowcount == 1:
                    claimed.append(jid)
        return [self.row(jid) for jid in claimed]

    def renew(self, owner: str, lease_s: float) -> int:
        moment = now()
        with self.engine.begin() as db:
            return db.execute(jobs.update().where(
                (jobs.c.owner == owner) & (jobs.c.status == "running")).values(
                heartbeat=moment, lease_until=moment + timedelta(seconds=lease_s))).rowcount

    def reap(self) -> int:
        """Running jobs whose lease expired: failed, with the reason."""
        moment = now()
        with self.engine.begin() as db:
            return db.execute(jobs.update().where(
                (jobs.c.status == "running") & (jobs.c.lease_until < moment)).values(
                status="failed", finished=moment,
                problems=json.dumps(reason(LEASE_EXPIRED)))).rowcount

    def release(self, owner: str) -> int:
        """A server stopping on purpose: its running jobs go back to the queue
        (another server, or this one after a restart, runs them from the start)."""
        with self.engine.begin() as db:
            return db.execute(jobs.update().where(
                (jobs.c.owner == owner) & (jobs.c.status == "running")).values(
                status="queued", owner=None, lease_until=None, started=None,
                progress_done=None, progress_total=None)).rowcount

    def finish(self, jid: str, owner: str, status: str, result: str | None = None,
               problems: list[dict] | None = None) -> bool:
        """The end of a job this owner runs; False if it no longer owns it."""
        assert status in FINISHED
        with self.engine.begin() as db:
            return db.execute(jobs.update().where(
                (jobs.c.id == jid) & (jobs.c.owner == owner)
                & (jobs.c.status == "running")).values(
                status=status, result=result, finished=now(),
                problems=None if problems is None else json.dumps(problems))).rowcount == 1

    def progress(self, jid: str, owner: str, done: int, total: int) -> None:
        with self.engine.begin() as db:
            db.execute(jobs.update().where((jobs.c.id == jid) & (jobs.c.owner == owner)
                                           & (jobs.c.status == "running")).values(
                progress_done=int(done), progress_total=int(total)))

    def cancel_requested(self, owner: str) -> set[str]:
        """The ids of this owner's running jobs whose cancel was asked."""
        with self.engine.connect() as db:
            return set(db.execute(sa.select(jobs.c.id).where(
                (jobs.c.owner == owner) & (jobs.c.status == "running")
                & jobs.c.cancel_requested)).scalars().all())

    def cancel(self, jid: str) -> tuple[str | None, bool]:
        """(status, changed): (`cancelled`, True) for a queued job, (`cancelling`,
        True) for a running one, (its status, False) for a finished one (nothing
        changes), (None, False) for no such job."""
        with self.engine.begin() as db:
            if db.execute(jobs.update().where((jobs.c.id == jid) & (jobs.c.status == "queued"))
                          .values(status="cancelled", finished=now())).rowcount:
                return "cancelled", True
            if db.execute(jobs.update().where((jobs.c.id == jid) & (jobs.c.status == "running"))
                          .values(cancel_requested=True)).rowcount:
                return "cancelling", True
            return db.execute(sa.select(jobs.c.status).where(
                jobs.c.id == jid)).scalar_one_or_none(), False

    def status(self, jid: str) -> str | None:
        with self.engine.connect() as db:
            return db.execute(sa.select(jobs.c.status).where(
                jobs.c.id == jid)).scalar_one_or_none()

    def row(self, jid: str) -> dict | None:
        """The raw row (request parsed)."""
        with self.engine.connect() as db:
            row = db.execute(sa.select(jobs).where(jobs.c.id == jid)).mappings().one_or_none()
        if row is None:
            return None
        return {**row, "request": json.loads(row["request"])}

    def view(self, jid: str, org: str | None = None) -> dict | None:
        """The job as GET /v1/jobs/{id} shows it (None: no such job in `org`)."""
        row = self.row(jid)
        if row is None or (org is not None and row["org"] != org):
            return None
        return job_view(row)

    def listing(self, org: str | None = None, limit: int = 100) -> list[dict]:
        """The newest jobs first (of `org`), without their results."""
        query = sa.select(*[c for c in jobs.c if c.name not in ("result", "request")]) \
            .order_by(jobs.c.submitted.desc(), jobs.c.id).limit(limit)
        if org is not None:
            query = query.where(jobs.c.org == org)
        with self.engine.connect() as db:
            rows = db.execute(query).mappings().all()
        return [{k: v for k, v in job_view({**r, "result": None}).items()
                 if k not in ("plan", "result")} for r in rows]

    def result_text(self, jid: str, org: str | None = None) -> tuple[str, str, str | None] | None:
        """(kind, status, the result's JSON text as stored, None until done)."""
        with self.engine.connect() as db:
            row = db.execute(sa.select(jobs.c.kind, jobs.c.status, jobs.c.result, jobs.c.org)
                             .where(jobs.c.id == jid)).one_or_none()
        if row is None or (org is not None and row.org != org):
            return None
        return row.kind, row.status, row.result


def job_view(row) -> dict:
    result = None if row["result"] is None else json.loads(row["result"])
    progress = None if row["progress_total"] is None else {
        "done": row["progress_done"] or 0, "total": row["progress_total"]}
    return {"id": row["id"], "kind": row["kind"], "portfolio": row["portfolio_id"],
            "status": row["status"], "progress": progress,
            "cancel_requested": bool(row["cancel_requested"]),
            "submitted": iso(row["submitted"]), "started": iso(row["started"]),
            "finished": iso(row["finished"]),
            "plan": result if row["kind"] == "solve" else None, "result": result,
            "problems": [] if row["problems"] is None else json.loads(row["problems"])}
