"""Request bodies, parsed by spmo's own checks (every problem at once, named
by table, row and column) rather than by FastAPI: the routes declare them in
OpenAPI (schemas.PortfolioDocument, CompareIn, FrontierIn, JobIn) and read them
here, off the event loop (a worker thread), so a large body never stalls
/healthz.

JSON is held to strict_json's rules (no NaN, int64, depth, no NUL or lone
surrogates): each is a 422 naming where it is.
"""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from .strict_json import parse_json
from .validation import validated_body


async def read_json(request: Request):
    """The body as JSON (parsed in a worker thread)."""
    return await run_in_threadpool(parse_json, await request.body())


async def read_portfolio(request: Request, time_limit: float | None = None,
                         want_document: bool = True):
    """(the document as sent, or None unless wanted; its `validation.Checked`
    summary: name, projects, warnings), or InvalidPortfolio with every problem
    (a solver no backend has is one naming settings.solver). Parsed and
    validated in another process."""
    return await validated_body(await request.body(), request.app.state.settings,
                                time_limit, want_document)

