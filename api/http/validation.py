"""Validation off the server process: a portfolio document is validated
(engine.validate, the server's limits, the solver check) in a small pool of
spawned processes, so a large validation never holds the server's GIL and
/healthz and every other request keep answering. Only a summary comes back
(name, project count, warnings) or the problems.

One pool per process (`SPMO_VALIDATE_WORKERS` processes, started on first
use, shut down at exit and by `spmo serve` when it stops); its processes are
spawned fresh (no inherited signal handlers), die with the server and run at
nice +SPMO_WORKER_NICE (api/jobs/priority.py): the event loop comes first.
"""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from spmo.engine.errors import InvalidPortfolio, Problem, UnknownSolver
from spmo.engine.portfolio import Portfolio
from spmo.engine.validate import validate_document

from ..jobs.priority import start_pool_process
from ..store import portfolios
from . import planner
from .strict_json import parse_json

POOLS: dict[tuple[int, int], ProcessPoolExecutor] = {}
NAME_LENGTH = portfolios.c.name.type.length


@dataclass(frozen=True)
class Checked:
    """What the routes need of a valid portfolio."""

    name: str | None
    projects: int
    warnings: list[str]


def limit_problems(portfolio: Portfolio, max_time_limit: float,
                   time_limit: float | None = None) -> list[Problem]:
    """What a valid portfolio asks beyond this server's limits: a time limit above
    SPMO_MAX_TIME_LIMIT_S (the request's, else its settings.time_limit_s), more
    than 256 workers, a name longer than the store keeps."""
    out = []
    if time_limit is None and portfolio.settings.time_limit_s > max_time_limit:
        out.append(Problem("settings", None, "time_limit_s", (
            f"at most {max_time_limit:g} seconds on this server (SPMO_MAX_TIME_LIMIT_S)")))
    if (portfolio.settings.workers or 1) > 256:
        out.append(Problem("settings", None, "workers", "at most 256"))
    if portfolio.name is not None and len(portfolio.name) > NAME_LENGTH:
        out.append(Problem("name", None, "name", f"at most {NAME_LENGTH} characters"))
    return out


def checked(document: dict, max_time_limit: float, time_limit: float | None = None) -> Portfolio:
    """The validated portfolio within the limits, or InvalidPortfolio."""
    portfolio = validate_document(document)
    problems = limit_problems(portfolio, max_time_limit, time_limit)
    if problems:
        raise InvalidPortfolio(problems)
    planner.check_solver(portfolio.settings.solver)
    return portfolio


def check_document(document: dict, max_time_limit: float,
                   time_limit: float | None) -> tuple[str, object]:
    """("ok", Checked) or ("invalid", [problem dicts]); runs in a pool process."""
    try:
        portfolio = checked(document, max_time_limit, time_limit)
    except InvalidPortfolio as exc:
        return "invalid", [p.as_dict() for p in exc.problems]
    except UnknownSolver as exc:
        return "invalid", [Problem("settings", None, "solver", str(exc)).as_dict()]
    return "ok", Checked(portfolio.name, len(portfolio.projects), list(portfolio.warnings))


def check_body(body: bytes, max_time_limit: float, time_limit: float | None,
               want_document: bool) -> tuple[str, object]:
    """The same from the raw body: parsed (body.parse_json's rules) here too, so
    the server process spends no time on either; ("ok", (document or None,
    Checked)) or ("invalid", [problem dicts])."""
    try:
        document = parse_json(body)
    except InvalidPortfolio as exc:
        return "invalid", [p.as_dict() for p in exc.problems]
    if not isinstance(document, dict):
        return "invalid", [Problem("request", None, None, (
            "the body must be a portfolio: a JSON object of tables")).as_dict()]
    status, value = check_document(document, max_time_limit, time_limit)
    return (status, (document if want_document else None, value)) if status == "ok" \
        else (status, value)


def pool(workers: int, nice: int = 0) -> ProcessPoolExecutor:
    """The pool of `workers` processes at nice +`nice` (api/jobs/priority.py)."""
    if (workers, nice) not in POOLS:
        if not POOLS:
            atexit.register(shutdown)
        POOLS[workers, nice] = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=start_pool_process, initargs=(nice,))
    return POOLS[workers, nice]


def warm_up(workers: int, nice: int = 0) -> None:
    """Start the pool's processes now (each imports the engine on its first
    document) rather than on the first request."""
    executor = pool(workers, nice)
    for _ in range(workers):
        executor.submit(check_document, {}, 1.0, None)


def shutdown() -> None:
    while POOLS:
        POOLS.popitem()[1].shutdown(wait=False, cancel_futures=True)


async def validated_body(body: bytes, settings, time_limit: float | None = None,
                         want_document: bool = True) -> tuple[dict | None, Checked]:
    """(the document, or None unless wanted; its summary) from a raw body, or
    InvalidPortfolio with every problem."""
    future = pool(settings.validate_workers, settings.worker_nice).submit(
        check_body, body, settings.max_time_limit_s, time_limit, want_document)
    status, value = await asyncio.wrap_future(future)
    if status == "invalid":
        raise InvalidPortfolio([Problem(**p) for p in value])
    return value


async def validated(document: dict, settings, time_limit: float | None = None) -> Checked:
    """The document's summary, or InvalidPortfolio with every problem."""
    future = pool(settings.validate_workers, settings.worker_nice).submit(
        check_document, document, settings.max_time_limit_s, time_limit)
    status, value = await asyncio.wrap_future(future)
    if status == "invalid":
        raise InvalidPortfolio([Problem(**p) for p in value])
    return value
