"""Every setting spmo reads from the environment, in one typed object.

`Settings()` reads the `SPMO_*` variables (an empty one counts as unset);
the faces build it once at start (`spmo serve`, `create_app(settings)`, the
CLI's entry point) and hand it down: nothing else in spmo reads the
environment. docs/http.md has the table.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from spmo.engine.errors import Problem

DEFAULT_DATABASE_URL = "sqlite:///spmo.db"


class Settings(BaseSettings):
    """spmo's settings: SPMO_DATABASE_URL, SPMO_JOB_WORKERS, SPMO_WORKERS,
    SPMO_DASK_SCHEDULER, SPMO_AUTH; keyword arguments override the environment."""

    model_config = SettingsConfigDict(env_prefix="SPMO_", env_ignore_empty=True,
                                      extra="ignore", frozen=True)

    database_url: str = Field(DEFAULT_DATABASE_URL, description=(
        "the HTTP API's store: any SQLAlchemy URL (SQLite file in the working folder "
        "by default; postgresql+psycopg://... for PostgreSQL)"))
    job_workers: int = Field(1, ge=1, description=(
        "solve jobs the HTTP API runs at once (a solve already uses every core)"))
    workers: int | None = Field(None, ge=1, description=(
        "processes of one batch (counterfactual explanations, frontier, Monte Carlo); "
        "default the machine's cores"))
    dask_scheduler: str | None = Field(None, description=(
        "address of a Dask distributed scheduler to run batches on, instead of local "
        "processes"))
    auth: Literal["on", "off"] = Field("on", description=(
        "`on`: every HTTP route but /healthz and the page needs an API key "
        "(`spmo keys create`); `off` (explicit only): every route is open to anyone"))


def environment_problems(exc: ValidationError) -> list[Problem]:
    """A settings ValidationError as problems naming the variables."""
    return [Problem("environment", None, "SPMO_" + "_".join(map(str, e["loc"])).upper(),
                    e["msg"]) for e in exc.errors()]


def configure_batches(settings: Settings) -> None:
    """Hand the batch settings down (one process-wide setting of solvers.batch)."""
    from spmo.planning.pipeline import configure_batches as configure

    configure(workers=settings.workers, scheduler=settings.dask_scheduler)
