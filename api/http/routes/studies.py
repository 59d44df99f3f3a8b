"""What-if studies: POST /v1/compare (scenarios side by side) and POST
/v1/frontier (the best objective as every budget scales); docs/scenarios.md.
Each is a job waited on (api/http/submit.py); POST /v1/jobs runs the same
without holding the connection."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from spmo.engine.errors import InvalidPortfolio, Problem
from spmo.scenarios.compare import Comparison
from spmo.scenarios.frontier import Frontier

from ..body import read_json
from ..deps import StudyQueryDep
from ..openapi import INVALID, json_body
from ..schemas import CompareIn, FrontierIn
from ..submit import run_sync
from .jobs import BUSY, options_of

router = APIRouter(prefix="/v1", tags=["studies"])


async def study(request: Request, kind: str, query) -> Response:
    body = await read_json(request)
    if not isinstance(body, dict):
        raise InvalidPortfolio([Problem("request", None, None, "a JSON object")])
    return await run_sync(request, {**body, "kind": kind, "options": options_of(query)})


@router.post("/compare", response_model=Comparison, responses={**INVALID, **BUSY},
             openapi_extra=json_body(CompareIn))
async def compare(request: Request, query: StudyQueryDep) -> Response:
    """The base and each scenario solved, side by side (the base first)."""
    return await study(request, "compare", query)


@router.post("/frontier", response_model=Frontier, responses={**INVALID, **BUSY},
             openapi_extra=json_body(FrontierIn))
async def frontier(request: Request, query: StudyQueryDep) -> Response:
    """The budget frontier: one solve per budget factor."""
    return await study(request, "frontier", query)
