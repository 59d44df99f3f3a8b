"""A done job's plan as files for people: GET /v1/jobs/{jid}/plan.xlsx (one
sheet per part of the plan) and GET /v1/jobs/{jid}/plan.html (a page with
charts), written by api/plan_files.py as `spmo solve --out` writes them."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Response
from spmo.engine.plan import Plan
from starlette.concurrency import run_in_threadpool

from ...plan_files import write_plan
from ..deps import OrgDep, StoreDep, not_found
from ..openapi import NOT_FOUND
from ..schemas import Detail

router = APIRouter(prefix="/v1/jobs", tags=["downloads"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML = "text/html; charset=utf-8"
NOT_DONE = {409: {"model": Detail, "description": "the job is not done"}}


def _file(schema_type: str) -> dict:
    return {200: {"content": {schema_type.split(";")[0]: {
        "schema": {"type": "string", "format": "binary"}}}, "description": "the plan"},
        **NOT_FOUND, **NOT_DONE}


def _written(plan_text: str, suffix: str, title: str) -> bytes:
    plan = Plan.model_validate_json(plan_text)
    with tempfile.TemporaryDirectory(prefix="spmo-plan-") as folder:
        path = Path(folder) / f"plan{suffix}"
        write_plan(plan, path, title)
        return path.read_bytes()


async def _download(jid: str, store: StoreDep, org: str | None, suffix: str,
                    media_type: str) -> Response:
    found = await run_in_threadpool(store.job_plan, jid, org)
    if found is None:
        raise not_found("job", jid)
    status, plan = found
    if status != "done":
        raise HTTPException(status_code=409, detail=f"job '{jid}' is {status}: no plan")
    data = await run_in_threadpool(_written, plan, suffix, f"spmo plan (job {jid})")
    return Response(data, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="plan-{jid}{suffix}"'})


@router.get("/{jid}/plan.xlsx", response_class=Response, responses=_file(XLSX))
async def plan_xlsx(jid: str, store: StoreDep, org: OrgDep) -> Response:
    """The plan as a workbook: a summary sheet, then one sheet per part."""
    return await _download(jid, store, org, ".xlsx", XLSX)


@router.get("/{jid}/plan.html", response_class=Response, responses=_file(HTML))
async def plan_html(jid: str, store: StoreDep, org: OrgDep) -> Response:
    """The plan as a page with charts of spend and utilisation, and the tables."""
    return await _download(jid, store, org, ".html", HTML)
