"""The routes' dependencies, as `Annotated` aliases. The settings, the store
and the job pool live on `app.state` (made by the lifespan, api/http/app.py);
tests swap them with `app.dependency_overrides[get_store] = ...`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request

from ..settings import Settings
from ..store import Store
from .pool import JobPool
from .schemas import SolveQuery, StudyQuery


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_jobs(request: Request) -> JobPool:
    return request.app.state.jobs


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
JobsDep = Annotated[JobPool, Depends(get_jobs)]
SolveQueryDep = Annotated[SolveQuery, Query()]
"""solver, time_limit, gap, explain (default auto) from the query string."""
StudyQueryDep = Annotated[StudyQuery, Query()]
"""The same for compare and frontier (explain default none)."""


def not_found(what: str, key: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"no {what} with id '{key}'")


def stored_document(pid: str, store: StoreDep) -> dict:
    """The stored document of portfolio `pid`, or 404."""
    document = store.portfolio_document(pid)
    if document is None:
        raise not_found("portfolio", pid)
    return document


StoredDocumentDep = Annotated[dict, Depends(stored_document)]
