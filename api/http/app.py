"""The HTTP API (FastAPI), under /v1, for the planning portal. Thin: parse and
validate (the engine, in a process pool), queue the planning work as jobs
(api/jobs/: run on a Dask cluster), answer in the contract's shapes.

- `POST /v1/solve`: a portfolio document in, the plan out (200 whatever the
  plan's status: `infeasible` and `no_solution` are answers, not errors);
  query `solver`, `time_limit`, `gap`, `explain` as on the CLI.
- `POST /v1/validate`: 200 `{"status": "valid", "warnings": [...]}`.
- `/v1/portfolios`: `POST` (201, validated first), `GET` (list), and
  `GET`/`PUT`/`DELETE /v1/portfolios/{id}` (the document exactly as sent).
- `POST /v1/jobs` (any kind: solve, compare, frontier, montecarlo) and
  `POST /v1/portfolios/{id}/solve`: a job, `202 {"id", "kind", "status":
  "queued", "portfolio"}`; `GET /v1/jobs` (newest first), `GET /v1/jobs/{id}`:
  its status (queued, running, done, failed, cancelled), progress and, once
  done, its result (and plan); `DELETE /v1/jobs/{id}` cancels it;
  `GET /v1/jobs/{id}/plan`: a solve's plan alone. Jobs live in the database
  and run on a Dask cluster, never in the server process.
- `POST /v1/compare`: `{"portfolio": {...} or "portfolio_id": "...",
  "scenarios": [...]}` in, the base and each scenario side by side out
  (`explain` defaults to `none` here).
- `POST /v1/frontier`: `{"portfolio": {...} or "portfolio_id": "...",
  "factors": [...]}` (factors optional, default 0.5 to 1.5) in, the budget
  frontier out.
- `GET /healthz`.
- `GET /`: the planners' page (docs/page.md), its files under `/static/`.

Every route but `/healthz` (and the page, the OpenAPI document, /docs)
needs an API key with a role: read (GET), plan (create, replace, solve,
studies, cancel a job), admin (keys, delete a portfolio); api/http/auth.py.
A caller sees only its organisation's portfolios and jobs. Keys:
`/v1/keys`; audit: `GET /v1/portfolios/{id}/history`; decisions:
`POST /v1/jobs/{id}/adopt`, `GET /v1/decisions/{id}`. A portfolio's GET and
PUT answer its `ETag`; a PUT with a stale `If-Match` is 412.

Invalid input of any kind (a portfolio's problems, JSON that does not parse,
a bad query parameter, an unknown solver) is `422 {"status": "invalid",
"problems": [{"table", "row", "column", "message"}, ...]}` with every problem
at once; an unknown id is `404 {"detail"}`. No request gets a 500 or a
traceback: a fault of spmo itself (e.g. the independent checker refusing a
plan) is `503 {"status": "error", "detail"}`. Limits (api/http/limits.py,
api/http/submit.py): 413 for a body over SPMO_MAX_BODY_MB, 415 for a body that
is not JSON, 429 (Retry-After) over the rate or the caller's job cap, 503
(Retry-After) over the server's job cap.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool

from ..jobs.cluster import Cluster, EngineUnavailable
from ..jobs.runner import Runner
from ..jobs.store import JobStore
from ..keys import KeyCache
from ..settings import Settings, configure_batches
from ..store import Store
from .auth import authenticate
from .docs_page import install_docs
from .errors import install_handlers
from .limits import Limits
from .openapi import AUTH, FAULT, openapi_document, operation_id
from .routes import ROUTERS
from .validation import warm_up

log = logging.getLogger("spmo.http")


def create_app(settings: Settings | Store | None = None) -> FastAPI:
    """The app for `settings` (default: from the environment). A `Store` in
    place of the settings is served as it is (for callers of the old
    `create_app(store)`)."""
    store = settings if isinstance(settings, Store) else None
    if store is not None:
        settings = Settings(database_url=store.url)
    settings = settings or Settings()
    app = FastAPI(title="spmo", version="1", description=__doc__, lifespan=lifespan,
                  generate_unique_id_function=operation_id, responses={**FAULT, **AUTH},
                  dependencies=[Depends(authenticate)], docs_url=None)
    app.state.settings, app.state.given_store = settings, store
    app.state.key_cache = KeyCache()
    for router in ROUTERS:
        app.include_router(router)
    install_docs(app)
    install_handlers(app)
    app.add_middleware(Limits, settings=settings)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_headers=["*"],
                           allow_methods=["GET", "POST", "PUT", "DELETE"],
                           expose_headers=["Retry-After", "ETag", "Location"])
    app.openapi = lambda: openapi_document(app)
    return app


def start_jobs(app: FastAPI, store: Store) -> None:
    """Connect to the Dask cluster (or start the local one) and run this
    server's job runner; an unreachable cluster leaves the reason in
    app.state.engine_error (the job routes answer 503 with it)."""
    settings: Settings = app.state.settings
    app.state.job_store = JobStore(store.engine)
    app.state.cluster = app.state.runner = app.state.engine_error = None
    try:
        app.state.cluster = Cluster(settings.dask_scheduler, settings.job_workers,
                                    settings.dask_connect_s, settings.worker_nice)
    except EngineUnavailable as exc:
        log.error("%s", exc)
        app.state.engine_error = str(exc)
        return
    app.state.runner = Runner(app.state.job_store, app.state.cluster.client,
                              store.job_document, {
                                  "capacity": settings.job_workers,
                                  "lease_s": settings.lease_s, "poll_s": settings.job_poll_s,
                                  "batch_workers": settings.workers}).start()


def stop_jobs(app: FastAPI) -> None:
    """Stop the runner (its running jobs go back to the queue), close the cluster."""
    if app.state.runner is not None:
        app.state.runner.stop()
    if app.state.cluster is not None:
        app.state.cluster.close()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the store, hand the batch settings down, start the jobs' cluster and
    runner; at the end stop them (no worker process outlives the server)."""
    settings: Settings = app.state.settings
    store = app.state.store = app.state.given_store or Store(settings.database_url)
    announce_auth(settings, store)
    configure_batches(settings)
    warm_up(settings.validate_workers, settings.worker_nice)
    await run_in_threadpool(start_jobs, app, store)
    try:
        yield
    finally:
        await run_in_threadpool(stop_jobs, app)
        if store is not app.state.given_store:
            store.engine.dispose()


def announce_auth(settings: Settings, store: Store) -> None:
    """Say at start, loudly, when auth is off; and how to make the first key
    when there is none."""
    log = logging.getLogger("uvicorn.error")
    if settings.auth == "off":
        log.warning("AUTH IS OFF (SPMO_AUTH=off): every route is open to anyone who can "
                    "reach this server")
    elif not store.has_keys():
        url = store.engine.url.render_as_string(hide_password=True)
        log.warning("no API key exists yet; every route but /healthz needs one. Create the "
                    "first admin key with\n    spmo keys create --role admin --name admin "
                    "--database '%s'", url)
