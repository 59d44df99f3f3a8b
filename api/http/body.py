"""Request bodies, parsed by spmo's own checks (every problem at once, named
by table, row and column) rather than by FastAPI: the routes declare them in
OpenAPI (schemas.PortfolioDocument, CompareIn, FrontierIn) and read them here.
"""

from __future__ import annotations

import json

from fastapi import Request
from spmo.engine.errors import InvalidPortfolio, Problem
from spmo.engine.portfolio import Portfolio
from spmo.engine.validate import validate_document
from starlette.concurrency import run_in_threadpool

from ..store import Store
from . import planner


def _not_json(constant: str):
    raise ValueError(f"{constant} is not a JSON number (write null or a number)")


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
    """The body as a JSON object, or InvalidPortfolio naming what is wrong with
    it (strict JSON: NaN and Infinity are refused, as a NUL or a lone surrogate
    in a string is: a stored document must read back as it was sent)."""
    body = await request.body()
    try:
        document = json.loads(body or b"null", parse_constant=_not_json)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidPortfolio([Problem("request", None, None,
                                        f"the body is not JSON: {exc}")]) from exc
    if not isinstance(document, dict):
        raise InvalidPortfolio([Problem(
            "request", None, None, "the body must be a portfolio: a JSON object of tables")])
    reason = unstorable(document)
    if reason:
        raise InvalidPortfolio([Problem("request", None, None, reason)])
    return document


async def read_portfolio(request: Request) -> tuple[dict, Portfolio]:
    """(the document as sent, the validated portfolio), or InvalidPortfolio with
    every problem; UnknownSolver (422 naming settings.solver) unless its solver is
    auto or an installed backend."""
    document = await read_document(request)
    portfolio = await run_in_threadpool(validate_document, document)
    planner.check_solver(portfolio.settings.solver)
    return document, portfolio


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
