"""Jobs from HTTP requests: `submit` checks a job request (every problem at
once, 422), the caps (429 for one caller, 503 for the server, both with
Retry-After), the portfolio (inline: validated in a worker thread; stored: it
exists, and it is within the limits), then queues the job in the database;
`wait` follows a job until it ends (the synchronous routes), cancelling it if
the client goes away. The caller's organisation and key name come from
`request.state.principal` when auth set one."""

from __future__ import annotations

import asyncio

from fastapi import HTTPException, Request, Response
from fastapi.responses import JSONResponse
from spmo.engine.errors import InvalidPortfolio, Problem
from starlette.concurrency import run_in_threadpool

from ..jobs.requests import request_problems
from ..jobs.store import FINISHED, JobStore
from .limits import caller
from .validation import validated as checked

RETRY_S = 5
WAIT_POLL_S = 0.1


def principal_of(request: Request):
    return getattr(request.state, "principal", None)


def org_of(request: Request) -> str | None:
    return getattr(principal_of(request), "org", None)


def job_store(request: Request) -> JobStore:
    """The jobs of this app's database; 503 (with the reason) when the Dask
    cluster could not be reached at start."""
    state = request.app.state
    if getattr(state, "runner", None) is None:
        raise HTTPException(503, getattr(state, "engine_error", None)
                            or "the job engine is not running")
    return state.job_store


def _limits(request: Request) -> dict:
    s = request.app.state.settings
    return {"max_time_limit": s.max_time_limit_s, "max_scenarios": s.max_scenarios,
            "max_samples": s.max_samples}


def _check_caps(request: Request, store: JobStore, who: str) -> None:
    settings = request.app.state.settings
    if store.active(who) >= settings.max_jobs_per_caller:
        raise HTTPException(429, f"{settings.max_jobs_per_caller} jobs of yours are queued "
                            "or running (SPMO_MAX_JOBS_PER_CALLER): wait for one to end",
                            headers={"Retry-After": str(RETRY_S)})
    if store.active() >= settings.max_jobs:
        raise HTTPException(503, f"the server has {settings.max_jobs} jobs queued or "
                            "running (SPMO_MAX_JOBS): try again later",
                            headers={"Retry-After": str(RETRY_S)})


def _stored_within_limits(request: Request, pid: str, options: dict) -> dict:
    """The stored portfolio's document: 404 unless it exists in the caller's
    organisation; 422 if it asks more time than the server allows (it was
    validated when it was stored)."""
    store, settings = request.app.state.store, request.app.state.settings
    document = store.portfolio_document(pid, org_of(request))
    if document is None:
        raise HTTPException(404, f"no portfolio with id '{pid}'")
    own = (document.get("settings") or {}).get("time_limit_s")
    if options.get("time_limit") is None and isinstance(own, int | float) \
            and own > settings.max_time_limit_s:
        raise InvalidPortfolio([Problem("settings", None, "time_limit_s", (
            f"at most {settings.max_time_limit_s:g} seconds on this server "
            "(SPMO_MAX_TIME_LIMIT_S); give a smaller time_limit"))])
    return document


def _prepare(request: Request, body) -> tuple[JobStore, str, dict | None]:
    """The caps and the portfolio's document (stored: read in a worker thread)."""
    store = job_store(request)
    who = caller(request.scope)
    _check_caps(request, store, who)
    document = body.get("portfolio")
    if body.get("portfolio_id") is not None:
        document = _stored_within_limits(request, body["portfolio_id"],
                                         body.get("options") or {})
    return store, who, document


def _queue(request: Request, body: dict) -> dict:
    store, who, document = _prepare(request, body)
    principal = principal_of(request)
    pid = body.get("portfolio_id")
    request_json = {k: v for k, v in body.items() if k not in ("kind", "portfolio_id")}
    jid = store.submit(body["kind"], request_json, pid, {
        "org": getattr(principal, "org", None), "principal": principal,
        "key_name": getattr(principal, "key_name", None), "caller": who},
        document=document if isinstance(document, dict) else None)
    return {"id": jid, "kind": body["kind"], "status": "queued", "portfolio": pid}


async def submit(request: Request, body, validated: bool = False) -> dict:
    """Queue a job; `validated`: the inline portfolio was checked already."""
    job_store(request)  # 503 at once when the cluster is down
    problems = request_problems(body, _limits(request))
    if problems:
        raise InvalidPortfolio(problems)
    if body.get("portfolio") is not None and not validated:
        await checked(body["portfolio"], request.app.state.settings,
                      (body.get("options") or {}).get("time_limit"))
    return await run_in_threadpool(_queue, request, body)


async def wait(request: Request, jid: str) -> dict:
    """The job's row once it ended; if the client disconnects first, the job
    is cancelled (a queued one at once, a running one at its next progress point)
    and asyncio.CancelledError is raised."""
    store: JobStore = request.app.state.job_store
    while True:
        status = await run_in_threadpool(store.status, jid)
        if status is None or status in FINISHED:
            return await run_in_threadpool(store.view, jid)
        if await request.is_disconnected():
            await run_in_threadpool(store.cancel, jid)
            raise asyncio.CancelledError(f"client left: job {jid} cancelled")
        await asyncio.sleep(WAIT_POLL_S)


def answer(job: dict | None) -> Response:
    """A synchronous route's answer from its ended job: the result (200), the
    input's problems (422), or a fault (503)."""
    if job is not None and job["status"] == "done":
        return JSONResponse(job["result"])
    problems = [] if job is None else job["problems"]
    if problems and any(p["table"] != "jobs" for p in problems):
        return JSONResponse({"status": "invalid", "problems": problems}, status_code=422)
    detail = "; ".join(p["message"] for p in problems) or "the job ended without a result"
    return JSONResponse({"status": "error", "detail": detail}, status_code=503)


async def run_sync(request: Request, body: dict, validated: bool = False) -> Response:
    """A synchronous route: the request as a job, waited on."""
    job = await submit(request, body, validated)
    return answer(await wait(request, job["id"]))
