"""POST /v1/solve (a portfolio in, its plan out) and POST /v1/validate. The
solve is a job waited on (api/http/submit.py): it runs on the Dask cluster,
counts against the job caps, and is cancelled if the client goes away."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from spmo.engine.plan import Plan

from ..body import read_portfolio
from ..deps import SolveQueryDep
from ..openapi import INVALID, json_body
from ..schemas import PortfolioDocument, Validity
from ..submit import run_sync
from .jobs import BUSY, options_of

router = APIRouter(prefix="/v1", tags=["plans"])


@router.post("/solve", response_model=Plan, responses={**INVALID, **BUSY},
             openapi_extra=json_body(PortfolioDocument))
async def solve(request: Request, query: SolveQueryDep) -> Response:
    """The plan of a portfolio: 200 whatever its status (`infeasible` with its
    conflicts and relaxation, `no_solution` when time ran out)."""
    document, _ = await read_portfolio(request, query.time_limit)
    return await run_sync(request, {"kind": "solve", "portfolio": document,
                                    "options": options_of(query)}, validated=True)


@router.post("/validate", response_model=Validity, responses=INVALID,
             openapi_extra=json_body(PortfolioDocument))
async def validate(request: Request) -> Validity:
    """`valid` with the warnings, or 422 with every problem."""
    _, portfolio = await read_portfolio(request, want_document=False)
    return Validity(warnings=list(portfolio.warnings))
