"""The Plan of the contract, as pydantic models (its JSON Schema comes free)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

PlanStatus = Literal["optimal", "feasible", "infeasible", "no_solution"]

GAP_FLOOR = 1e-9
"""The least |objective| the gap divides by (an objective of 0 with a bound above it
has a huge gap, not a division by zero)."""


def relative_gap(bound: float | None, objective: float | None) -> float | None:
    """The plan's gap, relative: |bound - objective| / max(|objective|, 1e-9); None
    without a bound or a plan. (It was max(1, |objective|), which made the gap of a
    normalised objective, a strategic score of 0.56 say, absolute.)"""
    if bound is None or objective is None:
        return None
    return abs(bound - objective) / max(abs(objective), GAP_FLOOR)


class SelectedProject(BaseModel):
    project: str
    start: str
    finish: str
    cost: float
    value: float = Field(description="financial value at the chosen start (at its share)")
    score: float = Field(description="strategic score (at its share)")
    share: float = Field(1.0, description=(
        "the share the project is funded at (partial funding, projects.min_scope); 1 for "
        "every other project; cost, value and score are at this share"))


class ExcludedProject(BaseModel):
    project: str
    reason: str
    code: Literal["forced_out", "unaligned", "no_fit", "infeasible_alone", "dependency",
                  "budget", "capacity", "risk", "balance", "group", "dominated"]
    binding: list[str] = []
    cost_to_include: float | None = Field(None, description=(
        "objective drop if forced in (negative: forcing in gains); see cost_status"))
    cost_status: Literal["exact", "interval", "at_least", "not_estimated",
                         "not_computed", "infeasible"] | None = Field(None, description=(
        "exact: proven; interval: between cost_low and cost_to_include; at_least: "
        "cost_to_include is a proven lower bound; infeasible: no plan contains it"))
    cost_low: float | None = Field(None, description="proven lower bound of the drop")
    forcing_conflict: list[str] = Field([], description=(
        "when no plan can contain the project: constraints that clash with forcing it in"))


class SpendRow(BaseModel):
    constraint: str | None
    period: str | None
    pool: str | None
    category: str | None
    amount: float
    limit: float | None


class FundingRow(BaseModel):
    """Money one source pays of one selected project's spend in one period."""

    project: str
    source: str
    period: str
    amount: float


class SourceRow(BaseModel):
    """One funding_sources row: its money, what the plan draws, what is left."""

    constraint: str = Field(description="its row name, source[source,period]")
    source: str
    period: str | None = Field(None, description="null: the whole horizon")
    amount: float
    used: float
    unused: float


class UtilisationRow(BaseModel):
    skill: str
    period: str
    demand: float
    capacity: float | None
    extra: float


class Kpis(BaseModel):
    strategic_score: float = 0.0
    financial_value: float = 0.0
    total_cost: float = 0.0
    risk_exposure: float = 0.0
    unaligned_selected: int = 0


class AlignmentRow(BaseModel):
    project: str
    objective: str
    score: float
    contribution: float = Field(description="weight x score")


class Recommendation(BaseModel):
    project: str
    action: Literal["continue", "stall", "kill"]
    restart: str | None = None
    reason: str
    value_delta: float


class ExplanationSummary(BaseModel):
    """How far the explanations got within the time limit."""

    mode: Literal["estimate", "exact"]
    figures: int = Field(description="cost_to_include and value_delta figures asked for")
    exact: int
    bounded: int = Field(description="figures given as an interval or a bound")
    not_computed: int
    stopped_by_time: bool


class Conflict(BaseModel):
    constraint: str
    sentence: str


class Relaxation(BaseModel):
    constraint: str
    limit: float | None = Field(None, description="the input's value today")
    needed: float | None = Field(None, description="the value to type instead")
    table: str | None = Field(None, description="the input table holding the value")
    column: str | None = Field(None, description="the column to change")
    key: dict[str, str | None] | None = Field(None, description=(
        "the row of `table` to change, by its key columns (null: a blank cell; "
        "the whole key null for risk_appetite); a row the table lacks is added"))
    value: str | None = Field(None, description=(
        "for a release, the text to type in `column` instead of a number "
        "(\"\": clear the cell)"))
    delete_row: bool = Field(False, description="for a release: delete the row")
    sentence: str


class RiskSummary(BaseModel):
    """What a robust plan (settings.objective_risk cvar or chance) gave up in
    expected value for what it gained in the tail, against the plan that
    maximises the expected objective, both evaluated over the same samples."""

    measure: Literal["cvar", "chance"]
    level: float = Field(description="settings.cvar_level")
    samples: int
    target: float | None = None
    expected: float = Field(description="this plan's expected objective")
    tail: float = Field(description="cvar: this plan's CVaR; chance: its share of samples "
                        "reaching the target")
    expected_plan_expected: float | None = Field(None, description=(
        "the expected-value plan's expected objective"))
    expected_plan_tail: float | None = None
    expected_plan_status: str | None = None
    gave_up: float | None = Field(None, description="expected objective given up")
    gained: float | None = Field(None, description="tail measure gained")
    sentence: str = ""


class Plan(BaseModel):
    """A solve's answer; every returned plan passed the independent check."""

    status: PlanStatus
    objective: float | None = None
    bound: float | None = None
    gap: float | None = Field(None, description="relative: |bound - objective| / "
                              "max(|objective|, 1e-9)")
    solver: str
    solve_seconds: float
    selected: list[SelectedProject] = []
    excluded: list[ExcludedProject] = []
    spend: list[SpendRow] = []
    utilisation: list[UtilisationRow] = []
    funding: list[FundingRow] = Field([], description=(
        "the funding split: what each source pays of each project per period"))
    sources: list[SourceRow] = Field([], description="each funding source's used and unused money")
    kpis: Kpis = Kpis()
    alignment: list[AlignmentRow] = []
    recommendations: list[Recommendation] = []
    conflicts: list[Conflict] = []
    relaxation: list[Relaxation] = []
    warnings: list[str] = []
    explanations: ExplanationSummary | None = None
    risk: RiskSummary | None = Field(None, description=(
        "with settings.objective_risk cvar or chance: the trade against the expected-value plan"))
    model_size: dict = Field(default_factory=dict,
                             description="variables, rows, nonzeros of the model solved")

    def frames(self) -> dict:
        """The plan's tables as pandas DataFrames, keyed by FRAMES (selected,
        excluded, spend, utilisation, alignment, recommendations, conflicts,
        relaxation): a row per item, a column per field (lists such as
        `binding` stay lists); an empty part gives an empty frame with its
        columns."""
        import pandas as pd

        out = {}
        for part in FRAMES:
            columns = list(type(self).model_fields[part].annotation.__args__[0].model_fields)
            out[part] = pd.DataFrame([row.model_dump() for row in getattr(self, part)],
                                     columns=columns)
        return out


FRAMES = ("selected", "excluded", "spend", "utilisation", "alignment", "recommendations",
          "conflicts", "relaxation", "funding", "sources")
"""The parts of a plan that `Plan.frames()` gives as tables."""
