"""GET /healthz."""

from __future__ import annotations

from fastapi import APIRouter

from ..schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The server answers (on the event loop itself: it needs no worker thread,
    so it answers while every thread and every Dask worker is busy)."""
    return Health()
