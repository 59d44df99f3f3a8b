"""POST /v1/replan: drift between a plan and the actuals, and the re-plan from
settings.now (scenarios.replan; docs/contract.md, re-planning mid-cycle)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from spmo.engine.errors import InvalidPortfolio, Problem
from spmo.scenarios.replan import Replan
from starlette.concurrency import run_in_threadpool

from .. import planner
from ..body import read_document, study_input
from ..deps import StoreDep, StudyQueryDep
from ..openapi import INVALID, json_body
from ..schemas import ReplanIn

router = APIRouter(prefix="/v1", tags=["studies"])


@router.post("/replan", response_model=Replan, responses=INVALID,
             openapi_extra=json_body(ReplanIn))
async def replan(request: Request, query: StudyQueryDep, store: StoreDep) -> Response:
    """The drift of every project against `plan`, a decision on each running one
    and the re-plan of the rest of the horizon from the portfolio's settings.now."""
    body = await read_document(request)
    if not isinstance(body.get("plan"), dict):
        raise InvalidPortfolio([Problem("request", None, "plan",
                                        "the plan being followed (a plan object)")])
    rest = {k: v for k, v in body.items() if k != "plan"}  # the portfolio or its id
    document, _ = study_input(store, rest, "plan", required=False)
    text = await run_in_threadpool(planner.replan_json, document, body["plan"], query)
    return Response(text, media_type="application/json")
