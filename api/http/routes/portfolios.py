"""Stored portfolios: /v1/portfolios and /v1/portfolios/{pid}; a document
comes back exactly as it was sent."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from ..body import read_portfolio
from ..deps import StoredDocumentDep, StoreDep, not_found
from ..openapi import INVALID, NOT_FOUND, json_body
from ..schemas import PortfolioDocument, PortfolioSaved, PortfolioSummary

router = APIRouter(prefix="/v1/portfolios", tags=["portfolios"])


@router.post("", status_code=201, response_model=PortfolioSaved, responses=INVALID,
             openapi_extra=json_body(PortfolioDocument))
async def create(request: Request, store: StoreDep) -> dict:
    """Store a valid portfolio (nothing is stored from an invalid one)."""
    document, portfolio = await read_portfolio(request)
    summary = store.create_portfolio(document, portfolio.name, portfolio.projects)
    return {**summary, "warnings": list(portfolio.warnings)}


@router.get("", response_model=list[PortfolioSummary])
def read_all(store: StoreDep) -> list[dict]:
    """Every stored portfolio, oldest first."""
    return store.list_portfolios()


@router.get("/{pid}", response_model=PortfolioDocument, responses=NOT_FOUND)
def read(document: StoredDocumentDep) -> JSONResponse:
    """The document exactly as it was sent."""
    return JSONResponse(document)


@router.put("/{pid}", response_model=PortfolioSaved, responses={**INVALID, **NOT_FOUND},
            openapi_extra=json_body(PortfolioDocument))
async def replace(pid: str, request: Request, store: StoreDep) -> dict:
    """Replace a stored portfolio by a valid one (an invalid one changes nothing)."""
    if store.portfolio_summary(pid) is None:
        raise not_found("portfolio", pid)
    document, portfolio = await read_portfolio(request)
    summary = store.replace_portfolio(pid, document, portfolio.name, portfolio.projects)
    if summary is None:  # deleted meanwhile
        raise not_found("portfolio", pid)
    return {**summary, "warnings": list(portfolio.warnings)}


@router.delete("/{pid}", status_code=204, response_class=Response, responses=NOT_FOUND)
def delete(pid: str, store: StoreDep) -> Response:
    """Delete a stored portfolio."""
    if not store.delete_portfolio(pid):
        raise not_found("portfolio", pid)
    return Response(status_code=204)
