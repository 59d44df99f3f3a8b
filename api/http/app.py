"""The HTTP API (FastAPI), under /v1, for the planning portal. Thin: parse and
validate (the engine), call the planning code (through planner.py only), answer
in the contract's shapes.

- `POST /v1/solve`: a portfolio document in, the plan out (200 whatever the
  plan's status: `infeasible` and `no_solution` are answers, not errors);
  query `solver`, `time_limit`, `gap`, `explain` as on the CLI.
- `POST /v1/validate`: 200 `{"status": "valid", "warnings": [...]}`.
- `/v1/portfolios`: `POST` (201, validated first), `GET` (list), and
  `GET`/`PUT`/`DELETE /v1/portfolios/{id}` (the document exactly as sent).
- `POST /v1/portfolios/{id}/solve`: a job, `202 {"id": ..., "status":
  "queued"}`; `GET /v1/jobs/{id}`: its status (queued, running, done,
  failed) and, once done, the plan; `GET /v1/jobs/{id}/plan`: the plan alone.
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
plan) is `503 {"status": "error", "detail"}`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from ..keys import KeyCache
from ..settings import Settings, configure_batches
from ..store import Store
from .auth import authenticate
from .errors import install_handlers
from .openapi import AUTH, FAULT, openapi_document, operation_id
from .pool import JobPool
from .routes import ROUTERS


def create_app(settings: Settings | Store | None = None) -> FastAPI:
    """The app for `settings` (default: from the environment). A `Store` in
    place of the settings is served as it is (for callers of the old
    `create_app(store)`)."""
    store = settings if isinstance(settings, Store) else None
    if store is not None:
        settings = Settings(database_url=store.url)
    app = FastAPI(title="spmo", version="1", description=__doc__, lifespan=lifespan,
                  generate_unique_id_function=operation_id, responses={**FAULT, **AUTH},
                  dependencies=[Depends(authenticate)])
    app.state.settings, app.state.given_store = settings or Settings(), store
    app.state.key_cache = KeyCache()
    for router in ROUTERS:
        app.include_router(router)
    install_handlers(app)
    app.openapi = lambda: openapi_document(app)
    return app


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the store (jobs a stopped server left unfinished are marked
    failed), hand the batch settings down, run the job pool; stop it at the end."""
    settings: Settings = app.state.settings
    store = app.state.store = app.state.given_store or Store(settings.database_url)
    store.interrupt_unfinished()
    announce_auth(settings, store)
    configure_batches(settings)
    app.state.jobs = JobPool(settings.job_workers)
    try:
        yield
    finally:
        app.state.jobs.shutdown()
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
