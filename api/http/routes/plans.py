"""POST /v1/solve (a portfolio in, its plan out) and POST /v1/validate."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from spmo.engine.plan import Plan
from starlette.concurrency import run_in_threadpool

from .. import planner
from ..body import read_portfolio
from ..deps import SolveQueryDep
from ..openapi import INVALID, json_body
from ..schemas import PortfolioDocument, Validity

router = APIRouter(prefix="/v1", tags=["plans"])


@router.post("/solve", response_model=Plan, responses=INVALID,
             openapi_extra=json_body(PortfolioDocument))
async def solve(request: Request, query: SolveQueryDep) -> Response:
    """The plan of a portfolio: 200 whatever its status (`infeasible` with its
    conflicts and relaxation, `no_solution` when time ran out)."""
    _, portfolio = await read_portfolio(request)
    text = await run_in_threadpool(planner.plan_json, portfolio, query)
    return Response(text, media_type="application/json")


@router.post("/validate", response_model=Validity, responses=INVALID,
             openapi_extra=json_body(PortfolioDocument))
async def validate(request: Request) -> Validity:
    """`valid` with the warnings, or 422 with every problem."""
    _, portfolio = await read_portfolio(request)
    return Validity(warnings=list(portfolio.warnings))
