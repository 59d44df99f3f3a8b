"""Decision studies: POST /v1/sensitivity, /v1/pareto and /v1/outcomes
(the Monte Carlo of the optimal plan held fixed); docs/scenarios.md. Each is
a job waited on (api/http/submit.py; POST /v1/jobs runs the same kinds
without holding the connection); invalid input of any kind is a 422."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from spmo.scenarios.outcomes import Outcomes
from spmo.scenarios.pareto import Pareto
from spmo.scenarios.sensitivity import Sensitivity

from ..decide_schemas import OutcomesIn, ParetoIn, SensitivityIn
from ..deps import StudyQueryDep
from ..openapi import INVALID, json_body
from .jobs import BUSY
from .studies import study

router = APIRouter(prefix="/v1", tags=["decide"])


@router.post("/sensitivity", response_model=Sensitivity, responses={**INVALID, **BUSY},
             openapi_extra=json_body(SensitivityIn))
async def sensitivity(request: Request, query: StudyQueryDep) -> Response:
    """How far each value, score and weight may move before the plan changes."""
    return await study(request, "sensitivity", query)


@router.post("/pareto", response_model=Pareto, responses={**INVALID, **BUSY},
             openapi_extra=json_body(ParetoIn))
async def pareto(request: Request, query: StudyQueryDep) -> Response:
    """The Pareto frontier of two objectives."""
    return await study(request, "pareto", query)


@router.post("/outcomes", response_model=Outcomes, responses={**INVALID, **BUSY},
             openapi_extra=json_body(OutcomesIn))
async def outcomes(request: Request, query: StudyQueryDep) -> Response:
    """The optimal plan's realised financial value over sampled values."""
    return await study(request, "outcomes", query)
