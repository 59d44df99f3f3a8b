"""The HTTP error contract: invalid input of any kind is 422 `Invalid` with
every problem at once, an unknown id 404 `{"detail"}`, and a fault of spmo
itself 503 `Fault`, never a 500 or a traceback (the details go to the log)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from spmo.engine.errors import InvalidPortfolio, Problem, UnknownSolver
from starlette.exceptions import HTTPException

from .schemas import UNKNOWN_SOLVER

log = logging.getLogger("spmo.http")


def invalid(problems: list[Problem]) -> JSONResponse:
    return JSONResponse(status_code=422, content={
        "status": "invalid", "problems": [p.as_dict() for p in problems]})


def solver_problem(exc: UnknownSolver) -> Problem:
    return Problem("settings", None, "solver", str(exc))


def query_problems(exc: RequestValidationError) -> list[Problem]:
    """FastAPI's errors (the query string) as problems: column the parameter."""
    return [Problem("settings" if e["type"] == UNKNOWN_SOLVER else "request", None,
                    ".".join(str(p) for p in e["loc"][1:]) or None, e["msg"])
            for e in exc.errors()]


def fault_detail(exc: Exception) -> str:
    return f"internal error ({type(exc).__name__}); the server log has the details"


async def _invalid_portfolio(_request: Request, exc: InvalidPortfolio) -> JSONResponse:
    return invalid(exc.problems)


async def _unknown_solver(_request: Request, exc: UnknownSolver) -> JSONResponse:
    return invalid([solver_problem(exc)])


async def _invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
    return invalid(query_problems(exc))


async def _http_error(_request: Request, exc: HTTPException) -> JSONResponse:
    if exc.status_code >= 500:  # the cluster is down, the server is full: a Fault
        return JSONResponse(status_code=503, content={"status": "error", "detail": exc.detail},
                            headers=getattr(exc, "headers", None))
    return JSONResponse(status_code=exc.status_code, content={"detail": exc.detail},
                        headers=getattr(exc, "headers", None))


async def _fault(request: Request, exc: Exception) -> JSONResponse:
    log.exception("internal error on %s %s", request.method, request.url.path)
    return JSONResponse(status_code=503, content={"status": "error",
                                                  "detail": fault_detail(exc)})


def install_handlers(app: FastAPI) -> None:
    """The handlers of the contract above."""
    app.add_exception_handler(InvalidPortfolio, _invalid_portfolio)
    app.add_exception_handler(UnknownSolver, _unknown_solver)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _fault)
