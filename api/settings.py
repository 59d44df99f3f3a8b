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
    """spmo's settings: SPMO_ and the field's name in capitals (SPMO_DATABASE_URL,
    SPMO_JOB_WORKERS, ...); keyword arguments override the environment."""

    model_config = SettingsConfigDict(env_prefix="SPMO_", env_ignore_empty=True,
                                      extra="ignore", frozen=True)

    database_url: str = Field(DEFAULT_DATABASE_URL, description=(
        "the HTTP API's store: any SQLAlchemy URL (SQLite file in the working folder "
        "by default; postgresql+psycopg://... for PostgreSQL)"))
    job_workers: int = Field(2, ge=1, le=64, description=(
        "jobs one server runs at once, and the worker processes (one thread each) of the "
        "local Dask cluster `spmo serve` starts"))
    workers: int | None = Field(None, ge=1, le=256, description=(
        "processes of one batch (counterfactual explanations, frontier, Monte Carlo); "
        "default the machine's cores"))
    dask_scheduler: str | None = Field(None, description=(
        "address of a Dask distributed scheduler to run jobs and batches on, instead of "
        "the local cluster and local processes"))
    dask_connect_s: float = Field(10.0, gt=0, le=300, description=(
        "how long to wait for the Dask scheduler at start"))
    lease_s: float = Field(30.0, gt=0, le=3600, description=(
        "a running job's lease: its server renews it every third of this; a job whose "
        "lease expired (its server died) is failed by any server"))
    job_poll_s: float = Field(0.25, gt=0, le=60, description=(
        "how often a server looks for queued jobs, cancels and progress"))
    max_body_mb: float = Field(20.0, gt=0, description=(
        "largest request body (MB); a larger one is refused with 413 before it is read"))
    max_time_limit_s: float = Field(600.0, gt=0, description=(
        "largest time limit a request (or a portfolio's settings.time_limit_s) may ask; "
        "more is a 422"))
    max_jobs: int = Field(100, ge=1, description=(
        "queued and running jobs of everyone at once; more is a 503 with Retry-After"))
    max_jobs_per_caller: int = Field(10, ge=1, description=(
        "queued and running jobs of one key (one client address without auth); more is "
        "a 429 with Retry-After"))
    rate_per_s: float = Field(20.0, ge=0, description=(
        "requests per second one key (one client address without auth) may make, on "
        "average (a token bucket; 0: no limit); more is a 429 with Retry-After"))
    rate_burst: int = Field(40, ge=1, description="the token bucket's size: a burst allowed")
    cors_origins: str = Field("", description=(
        "comma-separated origins a browser may call the API from (the portal), e.g. "
        "https://portal.example.com; empty: none"))
    shutdown_grace_s: float = Field(20.0, gt=0, le=3600, description=(
        "after SIGTERM, how long open requests may finish before the server stops"))
    validate_workers: int = Field(2, ge=1, le=64, description=(
        "processes that validate request bodies (off the server process, so a large "
        "validation never stalls other requests)"))
    worker_nice: int = Field(10, ge=0, le=19, description=(
        "how much lower the CPU priority of the validation processes and the local Dask "
        "workers is than the server's (a nice value added; 0: the same), so the server's "
        "event loop answers first on a busy machine"))
    max_scenarios: int = Field(20, ge=1, le=1000, description="scenarios of one compare")
    max_samples: int = Field(1000, ge=1, le=10000, description=(
        "samples of one Monte Carlo job"))
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
