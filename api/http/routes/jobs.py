"""Jobs (docs/http.md): POST /v1/jobs queues one of any kind (202), POST
/v1/portfolios/{pid}/solve queues a solve of a stored portfolio, GET /v1/jobs
lists the caller's (newest first), GET /v1/jobs/{jid} follows one (progress,
result), DELETE /v1/jobs/{jid} cancels it, GET /v1/jobs/{jid}/plan is a done
solve's plan. Another organisation's job is a 404."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from spmo.engine.plan import Plan
from starlette.concurrency import run_in_threadpool

from .. import submit as jobs_in
from ..body import read_json
from ..deps import SolveQueryDep, known_id, not_found
from ..openapi import INVALID, NOT_FOUND, json_body
from ..schemas import Detail, JobCancel, JobIn, JobOut, JobQueued, JobSummary
from ..submit import job_store, org_of

router = APIRouter(prefix="/v1", tags=["jobs"])
BUSY = {429: {"model": Detail, "description": "too many jobs or requests of yours"}}
"""(503, a Fault, when the server is full or its cluster is down, with every route's.)"""
FINISHED_409 = {409: {"model": Detail, "description": "the job has finished"}}


def options_of(query) -> dict:
    return {k: v for k, v in {"solver": query.solver, "time_limit": query.time_limit,
                              "gap": query.gap, "explain": query.explain}.items()
            if v is not None}


@router.post("/jobs", status_code=202, response_model=JobQueued,
             responses={**INVALID, **NOT_FOUND, **BUSY}, openapi_extra=json_body(JobIn))
async def create(request: Request) -> JSONResponse:
    """Queue a job of any kind (every problem of the request at once: 422)."""
    return JSONResponse(await jobs_in.submit(request, await read_json(request)), status_code=202)


@router.post("/portfolios/{pid}/solve", status_code=202, response_model=JobQueued,
             responses={**INVALID, **NOT_FOUND, **BUSY})
async def submit(pid: str, query: SolveQueryDep, request: Request) -> JSONResponse:
    """Queue a solve of a stored portfolio (a named solver is checked first)."""
    if not known_id(pid):
        raise not_found("portfolio", pid)
    body = {"kind": "solve", "portfolio_id": pid, "options": options_of(query)}
    return JSONResponse(await jobs_in.submit(request, body), status_code=202)


@router.get("/jobs", response_model=list[JobSummary])
def read_all(request: Request) -> list[dict]:
    """The caller's organisation's jobs, newest first (at most 100), without results."""
    return job_store(request).listing(org_of(request))


def _view(request: Request, jid: str) -> dict:
    job = job_store(request).view(jid, org_of(request)) if known_id(jid) else None
    if job is None:
        raise not_found("job", jid)
    return job


@router.get("/jobs/{jid}", response_model=JobOut, responses=NOT_FOUND)
def read(jid: str, request: Request) -> JSONResponse:
    """The job: its status, progress, and once done its result (and plan)."""
    return JSONResponse(_view(request, jid))


@router.delete("/jobs/{jid}", status_code=202, response_model=JobCancel,
               responses={**NOT_FOUND, **FINISHED_409})
async def cancel(jid: str, request: Request) -> JSONResponse:
    """Cancel: a queued job at once (`cancelled`), a running one at its next
    progress point (`cancelling`, then `cancelled`); 409 once it has finished."""
    await run_in_threadpool(_view, request, jid)
    status, changed = await run_in_threadpool(job_store(request).cancel, jid)
    if not changed:
        raise HTTPException(409, f"job '{jid}' has finished ({status})")
    return JSONResponse({"id": jid, "status": status}, status_code=202)


@router.get("/jobs/{jid}/plan", response_model=Plan, responses={
    **NOT_FOUND, 409: {"model": Detail, "description": "the job is not done"}})
def read_plan(jid: str, request: Request) -> Response:
    """The plan of a done solve job; 409 while it is queued or running, or if it
    failed or was cancelled (or is not a solve)."""
    found = job_store(request).result_text(jid, org_of(request)) if known_id(jid) else None
    if found is None:
        raise not_found("job", jid)
    kind, status, result = found
    if status != "done" or kind != "solve":
        raise HTTPException(status_code=409, detail=f"job '{jid}' is a {kind} job, "
                            f"{status}: no plan")
    return Response(result, media_type="application/json")
