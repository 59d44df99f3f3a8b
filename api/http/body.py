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
from spmo.engine.errors import InvalidPortfolio, Problem
from starlette.concurrency import run_in_threadpool

from ..store import Store
from .strict_json import parse_json
from .validation import validated_body


async def read_json(request: Request):
    """The body as JSON (parsed in a worker thread)."""
    return await run_in_threadpool(parse_json, await request.body())


def unstorable(document: object) -> str | None:
    """What makes a parsed document unfit to store as JSON (a NUL character
    or a lone UTF-16 surrogate in a string, which neither PostgreSQL nor
    UTF-8 holds), else None. Walked without recursion."""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and ("\x00" in item or _has_surrogate(item)):
            return f"the string {item[:40]!r} holds a NUL character or a lone surrogate"
    return None


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


async def read_document(request: Request) -> dict:
    """The body as a JSON object, or InvalidPortfolio naming what is wrong with it."""
    document = await read_json(request)
    if not isinstance(document, dict):
        raise InvalidPortfolio([Problem(
            "request", None, None, "the body must be a portfolio: a JSON object of tables")])
    reason = unstorable(document)
    if reason:
        raise InvalidPortfolio([Problem("request", None, None, reason)])
    return document


async def read_portfolio(request: Request, time_limit: float | None = None,
                         want_document: bool = True):
    """(the document as sent, or None unless wanted; its `validation.Checked`
    summary: name, projects, warnings), or InvalidPortfolio with every problem
    (a solver no backend has is one naming settings.solver). Parsed and
    validated in another process."""
    return await validated_body(await request.body(), request.app.state.settings,
                                time_limit, want_document)


def study_input(store: Store, body: dict, key: str, required: bool = True,
                org: str | None = None) -> tuple[dict, list | None]:
    """(base document, body[key]) of a compare (key `scenarios`) or frontier
    (`factors`, optional) body; InvalidPortfolio with every problem. A
    `portfolio_id` is looked up in organisation `org` (None: any)."""
    problems = []
    items = body.get(key)
    if (required or items is not None) and (not isinstance(items, list) or not items):
        problems.append(Problem("request", None, key, f"a non-empty list of {key}"))
    document = body.get("portfolio")
    if "portfolio_id" in body:
        document = store.portfolio_document(str(body["portfolio_id"]), org)
        if document is None:
            problems.append(Problem("request", None, "portfolio_id",
                                    f"no portfolio with id '{body['portfolio_id']}'"))
    elif not isinstance(document, dict):
        problems.append(Problem("request", None, "portfolio",
                                "a portfolio document, or portfolio_id of a stored one"))
    if problems:
        raise InvalidPortfolio(problems)
    return document, items
