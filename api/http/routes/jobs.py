"""Solve jobs: POST /v1/portfolios/{pid}/solve queues one (202), GET
/v1/jobs/{jid} follows it, GET /v1/jobs/{jid}/plan is its plan once done."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response
from fastapi.responses import JSONResponse
from spmo.engine.plan import Plan

from ..deps import (
    JobsDep,
    OrgDep,
    PrincipalDep,
    SolveQueryDep,
    StoreDep,
    not_found,
    stored_document,
)
from ..openapi import INVALID, NOT_FOUND
from ..schemas import Detail, JobOut, JobQueued

router = APIRouter(prefix="/v1", tags=["jobs"])


@router.post("/portfolios/{pid}/solve", status_code=202, response_model=JobQueued,
             responses={**INVALID, **NOT_FOUND})
def submit(pid: str, query: SolveQueryDep, store: StoreDep, jobs: JobsDep,
           principal: PrincipalDep, org: OrgDep) -> JobQueued:
    """Queue a solve of a stored portfolio (a named solver is checked first);
    the document solved and the options are kept with the job (for adopt)."""
    document = stored_document(pid, store, org)
    jid = store.create_job(pid, document=document, options=query.model_dump(),
                           actor=principal)
    jobs.submit(store, jid, document, query)
    return JobQueued(id=jid, portfolio=pid)


@router.get("/jobs/{jid}", response_model=JobOut, responses=NOT_FOUND)
def read(jid: str, store: StoreDep, org: OrgDep) -> JSONResponse:
    """The job: queued, running, done (with the plan) or failed (with the problems)."""
    job = store.job(jid, org)
    if job is None:
        raise not_found("job", jid)
    return JSONResponse(job)


@router.get("/jobs/{jid}/plan", response_model=Plan, responses={
    **NOT_FOUND, 409: {"model": Detail, "description": "the job is not done"}})
def read_plan(jid: str, store: StoreDep, org: OrgDep) -> Response:
    """The plan of a done job; 409 while it is queued or running, or if it failed."""
    found = store.job_plan(jid, org)
    if found is None:
        raise not_found("job", jid)
    status, plan = found
    if status != "done":
        raise HTTPException(status_code=409, detail=f"job '{jid}' is {status}: no plan")
    return Response(plan, media_type="application/json")
