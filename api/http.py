"""The HTTP API (FastAPI), under /v1, for the planning portal. Thin: parse,
call the engine, answer in the contract's shapes.

- `POST /v1/solve`: a portfolio document in, the plan out (200 whatever the
  plan's status: `infeasible` and `no_solution` are answers, not errors);
  query `solver`, `time_limit`, `gap`, `explain` as on the CLI.
- `POST /v1/validate`: 200 `{"status": "valid", "warnings": [...]}`.
- `/v1/portfolios`: `POST` (201, validated first), `GET` (list), and
  `GET`/`PUT`/`DELETE /v1/portfolios/{id}` (the document exactly as sent).
- `POST /v1/portfolios/{id}/solve`: a job, `202 {"id": ..., "status":
  "queued"}`; `GET /v1/jobs/{id}`: its status (queued, running, done,
  failed) and, once done, the plan.
- `POST /v1/compare`: `{"portfolio": {...} or "portfolio_id": "...",
  "scenarios": [...]}` in, the base and each scenario side by side out
  (scenarios.compare; `explain` defaults to `none` here).
- `POST /v1/frontier`: `{"portfolio": {...} or "portfolio_id": "...",
  "factors": [...]}` (factors optional, default 0.5 to 1.5) in, the budget
  frontier out (scenarios.frontier).
- `GET /healthz`.

Invalid input of any kind (a portfolio's problems, JSON that does not parse,
a bad query parameter, an unknown solver) is `422 {"status": "invalid",
"problems": [{"table", "row", "column", "message"}, ...]}` with every problem
at once; an unknown id is `404 {"detail"}`. No request gets a 500 or a
traceback: a fault of spmo itself (e.g. the independent checker refusing a
plan) is `503 {"status": "error", "detail"}`.
"""

from __future__ import annotations

import json
import logging
import math
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from spmo.engine.errors import InvalidPortfolio, Problem
from spmo.engine.validate import validate_document
from spmo.solvers.registry import UnknownSolver
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from .store import Store

log = logging.getLogger("spmo.http")
EXPLAIN = ("auto", "exact", "estimate", "none")


class _Invalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def _invalid(problems: list[Problem]) -> JSONResponse:
    return JSONResponse(status_code=422, content={
        "status": "invalid", "problems": [p.as_dict() for p in problems]})


def _not_found(what: str, key: str) -> JSONResponse:
    return JSONResponse(status_code=404, content={"detail": f"no {what} with id '{key}'"})


async def _document(request: Request) -> dict:
    """The body as a JSON object, or _Invalid naming what is wrong with it."""
    body = await request.body()
    try:
        doc = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise _Invalid([Problem("request", None, None, f"the body is not JSON: {exc}")]) \
            from exc
    if not isinstance(doc, dict):
        raise _Invalid([Problem("request", None, None,
                                "the body must be a portfolio: a JSON object of tables")])
    return doc


def _portfolio(doc: dict):
    """The validated portfolio of a document, or _Invalid with every problem."""
    try:
        return validate_document(doc)
    except InvalidPortfolio as exc:
        raise _Invalid(exc.problems) from exc


def _solve_options(solver: str | None, time_limit: float | None, gap: float | None,
                   explain: str) -> dict:
    problems = []
    if time_limit is not None and not 0 < time_limit < math.inf:
        problems.append(Problem("request", None, "time_limit",
                                "must be a positive, finite number of seconds"))
    if gap is not None and not 0 <= gap < 1:
        problems.append(Problem("request", None, "gap", "must be in [0, 1)"))
    if explain not in EXPLAIN:
        problems.append(Problem("request", None, "explain", f"must be one of {EXPLAIN}"))
    if solver and solver.lower() != "auto":  # named: known now, before any job is queued
        from spmo.solvers.registry import pick

        try:
            pick(solver, None)
        except UnknownSolver as exc:
            problems.append(Problem("settings", None, "solver", str(exc)))
    if problems:
        raise _Invalid(problems)
    return {"solver": solver, "time_limit_s": time_limit, "relative_gap": gap,
            "explain": explain}


def _options_query(default_explain: str):
    """A FastAPI dependency: the query options of a solving route (solver,
    time_limit, gap, explain with this default), checked by _solve_options."""
    def options(solver: str | None = None, time_limit: Annotated[float | None, Query()] = None,
                gap: Annotated[float | None, Query()] = None,
                explain: str = default_explain) -> dict:
        return _solve_options(solver, time_limit, gap, explain)
    return options


def _engine_json(compute, *args, **kwargs) -> str:
    """compute(...)'s pydantic result as JSON text; invalid input (a scenario's
    problems, an unknown solver) as _Invalid."""
    try:
        return compute(*args, **kwargs).model_dump_json()
    except InvalidPortfolio as exc:
        raise _Invalid(exc.problems) from exc
    except UnknownSolver as exc:
        raise _Invalid([Problem("settings", None, "solver", str(exc))]) from exc


def _plan_json(portfolio, options: dict) -> str:
    """The plan as JSON text (planning.pipeline.plan)."""
    from spmo.planning.pipeline import plan

    return _engine_json(plan, portfolio, **options)


def _comparison_input(store: Store, body: dict, list_key: str = "scenarios",
                      required: bool = True) -> tuple[dict, list | None]:
    """(base document, body[list_key]) of a compare or frontier request, or _Invalid."""
    problems = []
    scenarios = body.get(list_key)
    if (required or scenarios is not None) and (not isinstance(scenarios, list) or not scenarios):
        problems.append(Problem("request", None, list_key, f"a non-empty list of {list_key}"))
    document = body.get("portfolio")
    if "portfolio_id" in body:
        document = store.portfolio_document(str(body["portfolio_id"]))
        if document is None:
            problems.append(Problem("request", None, "portfolio_id",
                                    f"no portfolio with id '{body['portfolio_id']}'"))
    elif not isinstance(document, dict):
        problems.append(Problem("request", None, "portfolio",
                                "a portfolio document, or portfolio_id of a stored one"))
    if problems:
        raise _Invalid(problems)
    return document, scenarios


def _comparison_json(document: dict, scenarios: list, options: dict) -> str:
    from spmo.scenarios.compare import compare, scenarios_of

    return _engine_json(lambda: compare(validate_document(document), scenarios_of(scenarios),
                                        **options))


def _frontier_json(document: dict, factors: list | None, options: dict) -> str:
    from spmo.scenarios.frontier import DEFAULT_FACTORS, frontier

    return _engine_json(lambda: frontier(validate_document(document),
                                         DEFAULT_FACTORS if factors is None else factors,
                                         **options))


def create_app(store: Store | None = None, job_workers: int | None = None) -> FastAPI:
    """The app over `store` (default: Store() on SPMO_DATABASE_URL or spmo.db);
    jobs run in a pool of `job_workers` threads (SPMO_JOB_WORKERS, default 1:
    a solve already uses every core)."""
    store = store or Store()
    store.interrupt_unfinished()
    workers = job_workers or int(os.environ.get("SPMO_JOB_WORKERS", "1"))
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="spmo-job")
    app = FastAPI(title="spmo", version="1", description=__doc__)
    app.state.store, app.state.pool = store, pool
    app.router.add_event_handler("shutdown", lambda: pool.shutdown(wait=False,
                                                                   cancel_futures=True))

    @app.exception_handler(_Invalid)
    async def invalid_input(request: Request, exc: _Invalid):
        return _invalid(exc.problems)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        return _invalid([Problem("request", None, ".".join(str(p) for p in e["loc"][1:])
                                 or None, e["msg"]) for e in exc.errors()])

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        status = 503 if exc.status_code >= 500 else exc.status_code
        return JSONResponse(status_code=status, content={"detail": exc.detail})

    @app.exception_handler(Exception)
    async def fault(request: Request, exc: Exception):
        log.exception("internal error on %s %s", request.method, request.url.path)
        return JSONResponse(status_code=503, content={
            "status": "error", "detail": f"internal error ({type(exc).__name__}); "
                                         "the server log has the details"})

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.post("/v1/validate")
    async def validate_route(request: Request):
        portfolio = _portfolio(await _document(request))
        return {"status": "valid", "warnings": list(portfolio.warnings)}

    @app.post("/v1/solve")
    async def solve_route(request: Request,
                          options: Annotated[dict, Depends(_options_query("auto"))]):
        portfolio = _portfolio(await _document(request))
        text = await run_in_threadpool(_plan_json, portfolio, options)
        return Response(text, media_type="application/json")

    @app.post("/v1/compare")
    async def compare_route(request: Request,
                            options: Annotated[dict, Depends(_options_query("none"))]):
        body = await _document(request)
        document, scenarios = _comparison_input(store, body)
        text = await run_in_threadpool(_comparison_json, document, scenarios, options)
        return Response(text, media_type="application/json")

    @app.post("/v1/frontier")
    async def frontier_route(request: Request,
                             options: Annotated[dict, Depends(_options_query("none"))]):
        body = await _document(request)
        document, factors = _comparison_input(store, body, "factors", required=False)
        text = await run_in_threadpool(_frontier_json, document, factors, options)
        return Response(text, media_type="application/json")

    @app.post("/v1/portfolios", status_code=201)
    async def create_portfolio(request: Request):
        doc = await _document(request)
        portfolio = _portfolio(doc)
        summary = store.create_portfolio(doc, portfolio.name, len(portfolio.projects))
        return {**summary, "warnings": list(portfolio.warnings)}

    @app.get("/v1/portfolios")
    def list_portfolios():
        return store.list_portfolios()

    @app.get("/v1/portfolios/{pid}")
    def read_portfolio(pid: str):
        doc = store.portfolio_document(pid)
        return _not_found("portfolio", pid) if doc is None else doc

    @app.put("/v1/portfolios/{pid}")
    async def replace_portfolio(pid: str, request: Request):
        if store.portfolio_summary(pid) is None:
            return _not_found("portfolio", pid)
        doc = await _document(request)
        portfolio = _portfolio(doc)
        summary = store.replace_portfolio(pid, doc, portfolio.name, len(portfolio.projects))
        if summary is None:  # deleted meanwhile
            return _not_found("portfolio", pid)
        return {**summary, "warnings": list(portfolio.warnings)}

    @app.delete("/v1/portfolios/{pid}", status_code=204)
    def delete_portfolio(pid: str):
        if not store.delete_portfolio(pid):
            return _not_found("portfolio", pid)
        return Response(status_code=204)

    @app.post("/v1/portfolios/{pid}/solve", status_code=202)
    def submit_job(pid: str, options: Annotated[dict, Depends(_options_query("auto"))]):
        doc = store.portfolio_document(pid)
        if doc is None:
            return _not_found("portfolio", pid)
        jid = store.create_job(pid)
        pool.submit(_run_job, store, jid, doc, options)
        return {"id": jid, "portfolio": pid, "status": "queued"}

    @app.get("/v1/jobs/{jid}")
    def read_job(jid: str):
        job = store.job(jid)
        return _not_found("job", jid) if job is None else job

    return app


def _run_job(store: Store, jid: str, doc: dict, options: dict) -> None:
    """One job: running, then done with the plan or failed with the problems."""
    store.set_job(jid, "running")
    try:
        store.set_job(jid, "done", plan=_plan_json(_portfolio(doc), options))
    except _Invalid as exc:
        store.set_job(jid, "failed", problems=[p.as_dict() for p in exc.problems])
    except Exception as exc:  # a fault of spmo: recorded, never lost in a thread
        log.exception("job %s failed", jid)
        store.set_job(jid, "failed", problems=[{
            "table": "jobs", "row": None, "column": None,
            "message": f"internal error ({type(exc).__name__}: {exc})"}])
