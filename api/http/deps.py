"""The routes' dependencies, as `Annotated` aliases. The settings, the store
and the job runner live on `app.state` (made by the lifespan, api/http/app.py);
tests swap them with `app.dependency_overrides[get_store] = ...`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request

from ..keys import Principal
from ..settings import Settings
from ..store import Store
from .schemas import SolveQuery, StudyQuery


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_principal(request: Request) -> Principal | None:
    """The caller (api/http/auth.py set it; None when auth is off)."""
    return getattr(request.state, "principal", None)


def get_org(request: Request) -> str | None:
    """The caller's organisation: what they may see (None: everything)."""
    principal = get_principal(request)
    return None if principal is None else principal.org


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
PrincipalDep = Annotated[Principal | None, Depends(get_principal)]
OrgDep = Annotated[str | None, Depends(get_org)]
SolveQueryDep = Annotated[SolveQuery, Query()]
"""solver, time_limit, gap, explain (default auto) from the query string."""
StudyQueryDep = Annotated[StudyQuery, Query()]
"""The same for compare and frontier (explain default none)."""


def not_found(what: str, key: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"no {what} with id '{key}'")


def known_id(key: str) -> bool:
    """Could `key` be an id spmo made (32 hex digits)? Anything else (a NUL, a
    surrogate, 10 MB of text) is a 404 without asking the database."""
    return len(key) == 32 and all(c in "0123456789abcdef" for c in key)


def stored_document(pid: str, store: StoreDep, org: OrgDep) -> dict:
    """The stored document of portfolio `pid` (of the caller's organisation), or 404."""
    document = store.portfolio_document(pid, org) if known_id(pid) else None
    if document is None:
        raise not_found("portfolio", pid)
    return document


StoredDocumentDep = Annotated[dict, Depends(stored_document)]
