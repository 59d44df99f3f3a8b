"""POST /v1/replan: drift between a plan and the actuals, and the re-plan from
settings.now (scenarios.replan; docs/contract.md, re-planning mid-cycle): a
job waited on, as POST /v1/jobs with kind `replan` runs it."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from spmo.scenarios.replan import Replan

from ..deps import StudyQueryDep
from ..openapi import INVALID, json_body
from ..schemas import ReplanIn
from .jobs import BUSY
from .studies import study

router = APIRouter(prefix="/v1", tags=["studies"])


@router.post("/replan", response_model=Replan, responses={**INVALID, **BUSY},
             openapi_extra=json_body(ReplanIn))
async def replan(request: Request, query: StudyQueryDep) -> Response:
    """The drift of every project against `plan`, a decision on each running one
    and the re-plan of the rest of the horizon from the portfolio's settings.now."""
    return await study(request, "replan", query)
