"""Adopted plans (a part of `Store`): a decision is a done job's plan adopted
by an approver with a rationale. It copies everything that reproduces the
plan: the document as it was solved (its hash and text), the plan, the
options of the solve (solver, time limit, gap, explain), the solver that
answered and spmo's version; the adoption is in the portfolio's audit trail,
in the same transaction."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from .keys import Principal
from .store_audit import record
from .store_keys import iso
from .tables import decisions


def spmo_version() -> str:
    """The installed spmo's version (as `spmo --version` says it)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("spmo")
    except PackageNotFoundError:
        return "0+unknown"


def _decision(row) -> dict:
    return {"id": row["id"], "job_id": row["job_id"], "portfolio": row["portfolio_id"],
            "org": row["org"], "approver": row["approver"], "rationale": row["rationale"],
            "key_name": row["key_name"], "adopted": iso(row["at"]),
            "document_hash": row["document_hash"], "document": json.loads(row["document"]),
            "plan": json.loads(row["plan"]), "spmo_version": row["spmo_version"],
            "solver": row["solver"], "options": row["options"]}


class AlreadyAdopted(Exception):
    """A job whose plan is already a decision (one decision per job)."""

    def __init__(self, decision_id: str | None) -> None:
        super().__init__(f"already adopted as decision '{decision_id}'")
        self.decision_id = decision_id


class DecisionRecords:
    """The decisions table; `self.engine` is the store's engine."""

    engine: sa.Engine

    def adopt(self, job: dict, approver: str, rationale: str,
              actor: Principal | None = None) -> dict:
        """Record the decision to adopt `job`'s plan (`job` as Store.job_inputs
        gives it: done, with its document kept)."""
        did = uuid.uuid4().hex
        plan = json.loads(job["plan"])
        try:
            self._insert(did, job, plan, (approver, rationale), actor)
        except sa.exc.IntegrityError:
            raise AlreadyAdopted(self.decision_of_job(job["id"])) from None
        return self.decision(did)

    def _insert(self, did: str, job: dict, plan: dict, why: tuple[str, str],
                actor: Principal | None) -> None:
        approver, rationale = why
        with self.engine.begin() as db:
            db.execute(decisions.insert().values(
                id=did, job_id=job["id"], portfolio_id=job["portfolio_id"], org=job["org"],
                approver=approver, rationale=rationale,
                key_name=actor.key_name if actor else None, at=datetime.now(UTC),
                document_hash=job["document_hash"], document=job["document"],
                plan=job["plan"], spmo_version=spmo_version(), solver=plan.get("solver"),
                options=job["options"]))
            record(db, job["portfolio_id"], "adopt", actor,
                   (job["document_hash"], job["document_hash"]), job_id=job["id"],
                   org=job["org"], changes={"decision": did})

    def decision_of_job(self, jid: str) -> str | None:
        """The id of the decision that adopted job `jid`, if any."""
        with self.engine.connect() as db:
            return db.execute(sa.select(decisions.c.id).where(
                decisions.c.job_id == jid)).scalar_one_or_none()

    def decision(self, did: str, org: str | None = None) -> dict | None:
        where = decisions.c.id == did
        if org is not None:
            where = where & (decisions.c.org == org)
        with self.engine.connect() as db:
            row = db.execute(sa.select(decisions).where(where)).mappings().one_or_none()
        return None if row is None else _decision(row)

    def decisions_of(self, pid: str, org: str | None = None) -> list[dict]:
        """The decisions on portfolio `pid`, oldest first."""
        where = decisions.c.portfolio_id == pid
        if org is not None:
            where = where & (decisions.c.org == org)
        with self.engine.connect() as db:
            rows = db.execute(sa.select(decisions).where(where)
                              .order_by(decisions.c.at, decisions.c.id)).mappings().all()
        return [_decision(r) for r in rows]
