"""What-if studies: POST /v1/compare (scenarios side by side) and POST
/v1/frontier (the best objective as every budget scales); docs/scenarios.md."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from spmo.scenarios.compare import Comparison
from spmo.scenarios.frontier import Frontier
from starlette.concurrency import run_in_threadpool

from .. import planner
from ..body import read_document, study_input
from ..deps import OrgDep, StoreDep, StudyQueryDep
from ..openapi import INVALID, json_body
from ..schemas import CompareIn, FrontierIn

router = APIRouter(prefix="/v1", tags=["studies"])


@router.post("/compare", response_model=Comparison, responses=INVALID,
             openapi_extra=json_body(CompareIn))
async def compare(request: Request, query: StudyQueryDep, store: StoreDep,
                  org: OrgDep) -> Response:
    """The base and each scenario solved, side by side (the base first)."""
    document, scenarios = study_input(store, await read_document(request), "scenarios",
                                      org=org)
    text = await run_in_threadpool(planner.compare_json, document, scenarios, query)
    return Response(text, media_type="application/json")


@router.post("/frontier", response_model=Frontier, responses=INVALID,
             openapi_extra=json_body(FrontierIn))
async def frontier(request: Request, query: StudyQueryDep, store: StoreDep,
                   org: OrgDep) -> Response:
    """The budget frontier: one solve per budget factor."""
    document, factors = study_input(store, await read_document(request), "factors",
                                    required=False, org=org)
    text = await run_in_threadpool(planner.frontier_json, document, factors, query)
    return Response(text, media_type="application/json")
