"""The HTTP API's request and response models (what /openapi.json declares).

Plans, comparisons and frontiers are the engine's own models (`Plan`,
`Comparison`, `Frontier`). Request bodies are declared here but parsed by
spmo's own checks (api/http/body.py), so that a 422 names table, row and
column in the contract's terms with every problem at once; `SolveQuery` and
`StudyQuery` are parsed by FastAPI from the query string, keeping spmo's
messages.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator
from pydantic_core import PydanticCustomError
from spmo.engine.errors import UnknownSolver
from spmo.engine.jsonschema import portfolio_schema
from spmo.engine.plan import Plan
from spmo.scenarios.frontier import MAX_POINTS

from . import planner

EXPLAIN = ("auto", "exact", "estimate", "none")
UNKNOWN_SOLVER = "unknown_solver"
"""The pydantic error type of a named solver that is not installed: a 422 in
table `settings` (column `solver`), as on the CLI."""


def _problem(message: str) -> PydanticCustomError:
    return PydanticCustomError("spmo_invalid", "{message}", {"message": message})


class SolveQuery(BaseModel):
    """The options of a solving route, as on the CLI (docs/cli.md); without
    them the portfolio's `settings` apply."""

    solver: str | None = Field(None, description="auto, highs, cpsat, cbc, lagrange, pulp:NAME")
    time_limit: float | None = Field(None, description="seconds (> 0, finite)",
                                     json_schema_extra={"exclusiveMinimum": 0})
    gap: float | None = Field(None, description="relative gap to stop at, in [0, 1)",
                              json_schema_extra={"minimum": 0, "exclusiveMaximum": 1})
    explain: str = Field("auto", description="cost_to_include: exact up to 300 projects "
                         "(auto), exact, estimate or none", json_schema_extra={"enum": EXPLAIN})

    @field_validator("solver")
    @classmethod
    def _installed(cls, solver: str | None) -> str | None:
        try:
            planner.check_solver(solver)
        except UnknownSolver as exc:
            raise PydanticCustomError(UNKNOWN_SOLVER, "{detail}", {"detail": str(exc)}) from exc
        return solver

    @field_validator("time_limit")
    @classmethod
    def _seconds(cls, value: float | None) -> float | None:
        if value is not None and not 0 < value < math.inf:
            raise _problem("must be a positive, finite number of seconds")
        return value

    @field_validator("gap")
    @classmethod
    def _gap(cls, value: float | None) -> float | None:
        if value is not None and not 0 <= value < 1:
            raise _problem("must be in [0, 1)")
        return value

    @field_validator("explain")
    @classmethod
    def _explain(cls, value: str) -> str:
        if value not in EXPLAIN:
            raise _problem(f"must be one of {EXPLAIN}")
        return value


class StudyQuery(SolveQuery):
    """The options of compare and frontier: one solve per scenario or budget
    level, so `explain` defaults to none."""

    explain: str = Field("none", description=SolveQuery.model_fields["explain"].description,
                         json_schema_extra={"enum": EXPLAIN})


def _portfolio_json_schema(schema: dict) -> None:
    schema.clear()
    schema.update({k: v for k, v in portfolio_schema().items() if k != "$schema"})


class PortfolioDocument(RootModel[dict[str, Any]]):
    """A portfolio document, the JSON file format of docs/contract.md."""

    model_config = ConfigDict(json_schema_extra=_portfolio_json_schema)


class CompareIn(BaseModel):
    """A what-if comparison: a portfolio (or the id of a stored one) and its scenarios."""

    portfolio: PortfolioDocument | None = None
    portfolio_id: str | None = Field(None, description="a stored portfolio, instead of "
                                     "`portfolio`")
    scenarios: list[dict[str, Any]] = Field(min_length=1, description=(
        '`{"name": ..., "changes": [...]}` each (docs/scenarios.md)'))


class ReplanIn(BaseModel):
    """A re-plan: the portfolio with `actuals` and `settings.now` (or the id of a
    stored one) and the plan being followed."""

    portfolio: PortfolioDocument | None = None
    portfolio_id: str | None = Field(None, description="a stored portfolio, instead of "
                                     "`portfolio`")
    plan: dict[str, Any] = Field(description="the plan being followed (a plan object, "
                                 "as POST /v1/solve answers)")


class FrontierIn(BaseModel):
    """A budget frontier: a portfolio (or the id of a stored one) and the budget factors."""

    portfolio: PortfolioDocument | None = None
    portfolio_id: str | None = Field(None, description="a stored portfolio, instead of "
                                     "`portfolio`")
    factors: list[Annotated[float, Field(ge=0)]] | None = Field(
        None, min_length=1, max_length=MAX_POINTS, description=(
        "budget factors (>= 0); default 0.5 to 1.5 in steps of 0.1"))


class Problem(BaseModel):
    """One thing wrong with the input: where it is and what is wrong."""

    table: str
    row: int | None
    column: str | None
    message: str


class Invalid(BaseModel):
    """Invalid input of any kind: every problem at once."""

    status: Literal["invalid"] = "invalid"
    problems: list[Problem]


class Fault(BaseModel):
    """A fault of spmo itself; the server's log has the details."""

    status: Literal["error"] = "error"
    detail: str


class Detail(BaseModel):
    """An unknown id (404), or a job without a plan yet (409)."""

    detail: str


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Validity(BaseModel):
    status: Literal["valid"] = "valid"
    warnings: list[str]


class PortfolioSummary(BaseModel):
    """A stored portfolio; times are ISO 8601 in UTC."""

    id: str
    name: str | None
    org: str = Field(description="the organisation of the key that created it")
    projects: int
    created: str
    updated: str


class PortfolioSaved(PortfolioSummary):
    """A portfolio just stored, with its validation warnings."""

    warnings: list[str]


JOB_STATUS = Literal["queued", "running", "done", "failed", "cancelled"]


class JobOptions(BaseModel):
    """A job's options, as on the CLI (without them the portfolio's settings apply)."""

    solver: str | None = None
    time_limit: float | None = Field(None, description="seconds (> 0, at most "
                                     "SPMO_MAX_TIME_LIMIT_S)")
    gap: float | None = None
    explain: Literal["auto", "exact", "estimate", "none"] | None = None


class JobIn(BaseModel):
    """A job of any kind: a portfolio (or the id of a stored one), options, and
    each kind's own fields (compare `scenarios`; frontier `factors`; montecarlo
    `samples`, `seed`, `value_spread`, `cost_spread`)."""

    kind: Literal["solve", "compare", "frontier", "montecarlo"]
    portfolio: PortfolioDocument | None = None
    portfolio_id: str | None = None
    options: JobOptions | None = None
    scenarios: list[dict[str, Any]] | None = None
    factors: list[float] | None = None
    samples: int | None = None
    seed: int | None = None
    value_spread: float | None = None
    cost_spread: float | None = None


class JobQueued(BaseModel):
    id: str
    kind: str = "solve"
    portfolio: str | None
    status: Literal["queued"] = "queued"


class Progress(BaseModel):
    done: int
    total: int


class JobSummary(BaseModel):
    """A job without its result; times are ISO 8601 in UTC."""

    id: str
    kind: str
    portfolio: str | None
    status: JOB_STATUS
    progress: Progress | None
    cancel_requested: bool
    submitted: str
    started: str | None
    finished: str | None
    problems: list[Problem]


class JobOut(JobSummary):
    """A job: queued -> running -> done (`result`; `plan` for a solve), failed
    (`problems`) or cancelled."""

    plan: Plan | None
    result: dict[str, Any] | None


class JobCancel(BaseModel):
    id: str
    status: Literal["cancelled", "cancelling"]
