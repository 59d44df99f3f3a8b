"""Stored portfolios: /v1/portfolios and /v1/portfolios/{pid}; a document
comes back exactly as it was sent. A caller sees its organisation's
portfolios only (another's is 404). GET and PUT answer the version's `ETag`
(the document's hash); a PUT with an `If-Match` that is not the stored
version is 412 and changes nothing. Every change is in the audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from ...store import PreconditionFailed
from ...tables import document_hash
from ..body import read_portfolio
from ..deps import OrgDep, PrincipalDep, StoreDep, not_found
from ..openapi import INVALID, NOT_FOUND, json_body
from ..schemas import Detail, PortfolioDocument, PortfolioSaved, PortfolioSummary
from ..upload import is_multipart, read_upload

router = APIRouter(prefix="/v1/portfolios", tags=["portfolios"])
STALE = {412: {"model": Detail, "description": "If-Match names a version that is not "
                                              "the stored one"}}
WORKBOOK_FORM = {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": "the portfolio as an .xlsx workbook"}}}}}


def etag(digest: str | None) -> dict:
    return {} if digest is None else {"ETag": f'"{digest}"'}


def parse_if_match(value: str | None) -> list[str] | None:
    """The hashes an If-Match header names (weak or strong); None for none or `*`."""
    if value is None or value.strip() == "*":
        return None
    return [tag.strip().removeprefix("W/").strip('"') for tag in value.split(",")]


def _create_body() -> dict:
    body = json_body(PortfolioDocument)
    body["requestBody"]["content"].update(WORKBOOK_FORM)
    return body


@router.post("", status_code=201, response_model=PortfolioSaved, responses=INVALID,
             openapi_extra=_create_body())
async def create(request: Request, store: StoreDep, principal: PrincipalDep) -> dict:
    """Store a valid portfolio, sent as JSON or as a workbook (multipart field
    `file`); nothing is stored from an invalid one."""
    document, portfolio = await (read_upload(request) if is_multipart(request)
                                 else read_portfolio(request))
    summary = store.create_portfolio(document, portfolio.name, portfolio.projects,
                                     actor=principal)
    return {**summary, "warnings": list(portfolio.warnings)}


@router.get("", response_model=list[PortfolioSummary])
def read_all(store: StoreDep, org: OrgDep) -> list[dict]:
    """Every stored portfolio of the caller's organisation, oldest first."""
    return store.list_portfolios(org)


@router.get("/{pid}", response_model=PortfolioDocument, responses=NOT_FOUND)
def read(pid: str, store: StoreDep, org: OrgDep) -> JSONResponse:
    """The document exactly as it was sent; its `ETag` header is its hash."""
    stored = store.portfolio_version(pid, org)
    if stored is None:
        raise not_found("portfolio", pid)
    return JSONResponse(stored[0], headers=etag(stored[1]))


@router.put("/{pid}", response_model=PortfolioSaved,
            responses={**INVALID, **NOT_FOUND, **STALE},
            openapi_extra=json_body(PortfolioDocument))
async def replace(pid: str, request: Request, store: StoreDep, principal: PrincipalDep,
                  org: OrgDep,
                  if_match: Annotated[str | None, Header(description=(
                      "the ETag of the version this replaces: 412 if it is no longer "
                      "the stored one"))] = None,
                  ) -> JSONResponse:
    """Replace a stored portfolio by a valid one (an invalid one changes
    nothing); with `If-Match: "<ETag>"` only if that is still the stored version."""
    if store.portfolio_summary(pid, org) is None:
        raise not_found("portfolio", pid)
    document, portfolio = await read_portfolio(request)
    try:
        summary = store.replace_portfolio(pid, document, portfolio.name,
                                          portfolio.projects, actor=principal, org=org,
                                          if_match=parse_if_match(if_match))
    except PreconditionFailed as exc:
        raise HTTPException(status_code=412, detail=(
            f"portfolio '{pid}' changed since that version; GET it for its ETag"),
            headers=etag(exc.current)) from None
    if summary is None:  # deleted meanwhile
        raise not_found("portfolio", pid)
    saved = PortfolioSaved(**summary, warnings=list(portfolio.warnings)).model_dump()
    return JSONResponse(saved, headers=etag(document_hash(document)))


@router.delete("/{pid}", status_code=204, response_class=Response, responses=NOT_FOUND)
def delete(pid: str, store: StoreDep, principal: PrincipalDep, org: OrgDep) -> Response:
    """Delete a stored portfolio (admin)."""
    if not store.delete_portfolio(pid, actor=principal, org=org):
        raise not_found("portfolio", pid)
    return Response(status_code=204)
