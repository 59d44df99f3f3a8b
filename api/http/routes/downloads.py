"""A done job's plan as files for people: GET /v1/jobs/{jid}/plan.xlsx (one
sheet per part of the plan) and GET /v1/jobs/{jid}/plan.html (a page with
charts), written by api/plan_files.py as `spmo solve --out` writes them."""

from __future__ import annotations

import json
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


def _written(job: dict, suffix: str, title: str) -> bytes:
    """The file of the job's plan, with names, categories and costs read from
    the portfolio the job solved (kept by its hash; the plan alone without it)."""
    plan = Plan.model_validate_json(job["plan"])
    portfolio = None
    if job.get("document") is not None:
        from spmo.engine.validate import validate_document

        portfolio = validate_document(json.loads(job["document"]))
    with tempfile.TemporaryDirectory(prefix="spmo-plan-") as folder:
        path = Path(folder) / f"plan{suffix}"
        write_plan(plan, path, title, portfolio)
        return path.read_bytes()


async def _download(jid: str, store: StoreDep, org: str | None, suffix: str,
                    media_type: str) -> Response:
    job = await run_in_threadpool(store.job_inputs, jid, org)
    if job is None:
        raise not_found("job", jid)
    if job["status"] != "done":
        raise HTTPException(status_code=409,
                            detail=f"job '{jid}' is {job['status']}: no plan")
    if job["plan"] is None:
        raise HTTPException(status_code=409,
                            detail=f"job '{jid}' is a {job['kind']} job: it has no plan")
    if job.get("document") is None and suffix == ".html":
        raise HTTPException(status_code=409, detail=(
            f"job '{jid}' ran before spmo kept the portfolio each job solved: its report "
            "cannot name the projects; solve the portfolio again"))
    data = await run_in_threadpool(_written, job, suffix, f"spmo plan (job {jid})")
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
