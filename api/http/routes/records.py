"""The audit trail and decisions: GET /v1/portfolios/{pid}/history,
POST /v1/jobs/{jid}/adopt (201, the decision), GET /v1/decisions/{did},
GET /v1/portfolios/{pid}/decisions."""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException

from ...store_decisions import AlreadyAdopted
from ..deps import OrgDep, PrincipalDep, StoreDep, not_found
from ..openapi import INVALID, NOT_FOUND
from ..schemas import Detail
from ..schemas_records import AdoptIn, Decision, HistoryEntry

router = APIRouter(prefix="/v1", tags=["records"])
ADOPTABLE = ("optimal", "feasible")
CONFLICT = {409: {"model": Detail, "description": "the job has no plan to adopt, or it "
                                                "is adopted already"}}


@router.get("/portfolios/{pid}/history", response_model=list[HistoryEntry],
            responses=NOT_FOUND)
def history(pid: str, store: StoreDep, org: OrgDep) -> list[dict]:
    """Every create, replace, solve, adopt (and delete) of a portfolio, oldest
    first; a deleted portfolio keeps its history, one stored before the audit
    existed has none yet."""
    entries = [e for e in store.history(pid) if org is None or e["org"] == org]
    if not entries and store.portfolio_summary(pid, org) is None:
        raise not_found("portfolio", pid)
    return entries


@router.post("/jobs/{jid}/adopt", status_code=201, response_model=Decision,
             responses={**INVALID, **NOT_FOUND, **CONFLICT})
def adopt(jid: str, body: AdoptIn, store: StoreDep, principal: PrincipalDep,
          org: OrgDep) -> dict:
    """Adopt a done job's plan as the decision (its status optimal or feasible)."""
    job = store.job_inputs(jid, org)
    if job is None:
        raise not_found("job", jid)
    if job["status"] != "done":
        raise HTTPException(status_code=409, detail=f"job '{jid}' is {job['status']}: no plan")
    if job["plan"] is None:
        raise HTTPException(status_code=409, detail=(
            f"job '{jid}' is a {job['kind']} job: only a solve's plan can be adopted"))
    if job["document"] is None:
        raise HTTPException(status_code=409, detail=(
            f"job '{jid}' did not keep the document it solved: solve the portfolio again"))
    status = json.loads(job["plan"]).get("status")
    if status not in ADOPTABLE:
        raise HTTPException(status_code=409, detail=(
            f"job '{jid}' found no plan ({status}): nothing to adopt"))
    try:
        return store.adopt(job, body.approver, body.rationale, principal)
    except AlreadyAdopted as exc:
        raise HTTPException(status_code=409, detail=(
            f"job '{jid}' is already adopted: decision '{exc.decision_id}'")) from None


@router.get("/decisions/{did}", response_model=Decision, responses=NOT_FOUND)
def decision(did: str, store: StoreDep, org: OrgDep) -> dict:
    """A decision with the inputs, options, solver and version that produced its plan."""
    found = store.decision(did, org)
    if found is None:
        raise not_found("decision", did)
    return found


@router.get("/portfolios/{pid}/decisions", response_model=list[Decision])
def decisions(pid: str, store: StoreDep, org: OrgDep) -> list[dict]:
    """The decisions on a portfolio, oldest first (none: an empty list)."""
    return store.decisions_of(pid, org)
