"""Decision studies: POST /v1/sensitivity, /v1/pareto and /v1/outcomes
(the Monte Carlo of the optimal plan held fixed); docs/scenarios.md. Each
answers when done (like /v1/frontier); invalid input of any kind is a 422."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from spmo.scenarios.outcomes import Outcomes
from spmo.scenarios.pareto import Pareto
from spmo.scenarios.sensitivity import Sensitivity
from starlette.concurrency import run_in_threadpool

from .. import planner
from ..body import read_document, study_input
from ..decide_schemas import OutcomesIn, ParetoIn, SensitivityIn
from ..deps import StoreDep, StudyQueryDep
from ..openapi import INVALID, json_body

router = APIRouter(prefix="/v1", tags=["decide"])


def _options(body: dict, model) -> dict:
    """The body's study fields over the model's defaults (checked by the study)."""
    fields = {k: v for k, v in model.model_fields.items()
              if k not in ("portfolio", "portfolio_id")}
    return {k: body.get(k, f.default) for k, f in fields.items()}


@router.post("/sensitivity", response_model=Sensitivity, responses=INVALID,
             openapi_extra=json_body(SensitivityIn))
async def sensitivity(request: Request, query: StudyQueryDep, store: StoreDep) -> Response:
    """How far each value, score and weight may move before the plan changes."""
    body = await read_document(request)
    document, _ = study_input(store, body, "options", required=False)
    text = await run_in_threadpool(planner.sensitivity_json, document,
                                   _options(body, SensitivityIn), query)
    return Response(text, media_type="application/json")


@router.post("/pareto", response_model=Pareto, responses=INVALID,
             openapi_extra=json_body(ParetoIn))
async def pareto(request: Request, query: StudyQueryDep, store: StoreDep) -> Response:
    """The Pareto frontier of two objectives."""
    body = await read_document(request)
    document, _ = study_input(store, body, "objectives", required=False)
    text = await run_in_threadpool(planner.pareto_json, document, _options(body, ParetoIn),
                                   query)
    return Response(text, media_type="application/json")


@router.post("/outcomes", response_model=Outcomes, responses=INVALID,
             openapi_extra=json_body(OutcomesIn))
async def outcomes(request: Request, query: StudyQueryDep, store: StoreDep) -> Response:
    """The optimal plan's realised financial value over sampled values."""
    body = await read_document(request)
    document, _ = study_input(store, body, "options", required=False)
    text = await run_in_threadpool(planner.outcomes_json, document,
                                   _options(body, OutcomesIn), query)
    return Response(text, media_type="application/json")
