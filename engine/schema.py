"""The contract's tables and columns as data: names, kinds, bounds, meaning.

Validation, the Excel template and the JSON Schema all read this one
description, so a column is declared once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column: `kind` is id, ref:<table>, str, float, int or enum."""

    name: str
    kind: str
    required: bool = False
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    doc: str = ""


TABLES: dict[str, tuple[Column, ...]] = {
    "periods": (Column("id", "id", True, doc=(
        "The planning period's name (2027Q1, 2027-01, FY27); the rows' order is time order, "
        "so list them from first to last")),),
    "objectives": (
        Column("id", "id", True, doc="A short code for the strategic objective, used by "
               "alignment and pairwise rows"),
        Column("name", "str", doc="The objective's name as reports show it"),
        Column("weight", "float", low=0, doc=(
            "How much the objective counts (any scale, >= 0; normalised to sum 1); leave every "
            "weight blank for equal weights")),
    ),
    "pairwise": (
        Column("a", "ref:objectives", True, doc="The objective being judged (an objective id)"),
        Column("b", "ref:objectives", True, doc="The objective it is compared against "
               "(an objective id)"),
        Column("ratio", "float", True, low=1 / 9, high=9, doc=(
            "How many times as important a is as b, from 1/9 to 9 (AHP); when rows are given "
            "they set the objectives' weights")),
    ),
    "projects": (
        Column("id", "id", True, doc="A short unique code for the project (no comma or "
               "square bracket)"),
        Column("name", "str", doc="The project's name as reports show it"),
        Column("category", "str", doc=(
            "The project's category (growth, compliance...): budgets and balance rows may "
            "name it")),
        Column("business_unit", "str", doc="The business unit that owns the project "
               "(balance rows may name it)"),
        Column("status", "enum", choices=("candidate", "mandatory", "in_flight"), doc=(
            "candidate (blank: may be chosen), mandatory (must be chosen) or in_flight "
            "(already running: continue, stall or stop)")),
        Column("force", "enum", choices=("in", "out"), doc=(
            "A planner's what-if: in forces the project into the plan, out keeps it out; "
            "blank lets the optimiser decide")),
        Column("duration", "int", low=1, doc=(
            "How many periods the project runs; blank: its longest cost or demand offset "
            "plus 1")),
        Column("earliest_start", "ref:periods", doc=(
            "The first period it may start in (a period id); blank: the first period")),
        Column("latest_start", "ref:periods", doc=(
            "The last period it may start in (a period id); blank: the last one where it "
            "still fits")),
        Column("value", "float", doc=(
            "Its financial value (e.g. NPV, may be negative) if chosen; leave blank when the "
            "benefits sheet gives its benefits")),
        Column("value_low", "float", doc="uncertain value: the lowest it may come to; "
               "samples are Triangular(value_low, value, value_high); blank: value"),
        Column("value_high", "float", doc="uncertain value: the highest it may come to; "
               "blank: value"),
        Column("success_probability", "float", low=0, high=1, doc=(
            "The chance the value is realised, 0 to 1 or a percent (default 1): the value is "
            "scaled by it")),
        Column("risk", "float", low=0, high=1, doc=(
            "The probability of failing to deliver, 0 to 1 or a percent (default 0); "
            "risk_appetite limits it")),
        Column("min_scope", "float", low=0, high=1, doc=(
            "partial funding: the least share (0 < min_scope <= 1) the project may be "
            "funded at; costs, demands, value and score scale with the share; blank = "
            "all or nothing")),
        Column("scope_step", "float", low=0, high=1, doc=(
            "partial funding in steps: the share is a multiple of this (1/scope_step "
            "whole, e.g. 0.25); blank = any share between min_scope and 1")),
        Column("scope_value", "enum", choices=("linear", "concave"), doc=(
            "partial funding: how value and score grow with the share: linear (default) or "
            "concave (sqrt of the share, piecewise linear; costs stay linear)")),
    ),
    "costs": (
        Column("project", "ref:projects", True, doc="The project that spends (a project id)"),
        Column("offset", "int", True, low=0, doc=(
            "The period of the spend counted from the project's start: 0 is its first "
            "period, 1 the next")),
        Column("amount", "float", True, low=0, doc="The money spent in that period "
               "(currency, >= 0)"),
        Column("pool", "str", doc="The funding pool it is paid from (capex, opex...); "
               "blank: the pool named total"),
    ),
    "benefits": (
        Column("project", "ref:projects", True, doc="The project that pays back "
               "(a project id)"),
        Column("offset", "int", True, low=0, doc=(
            "The period of the benefit counted from the project's start (may fall after it "
            "finishes)")),
        Column("amount", "float", True, low=0, doc=(
            "The benefit realised in that period (currency, discounted by discount_rate)")),
        Column("amount_low", "float", low=0, doc="uncertain benefit: the lowest it may "
               "come to (Triangular(amount_low, amount, amount_high)); blank: amount"),
        Column("amount_high", "float", low=0, doc="uncertain benefit: the highest; "
               "blank: amount"),
    ),
    "alignment": (
        Column("project", "ref:projects", True, doc="The project (a project id)"),
        Column("objective", "ref:objectives", True, doc="The objective it serves "
               "(an objective id)"),
        Column("score", "float", True, low=0, doc=(
            "How strongly the project serves the objective, >= 0 on any scale you keep to "
            "(e.g. 0 to 5)")),
    ),
    "demands": (
        Column("project", "ref:projects", True, doc="The project that needs people "
               "(a project id)"),
        Column("skill", "str", True, doc=(
            "The skill or team needed (as named in the capacity sheet, e.g. dev, qa)")),
        Column("offset", "int", True, low=0, doc=(
            "The period of the effort counted from the project's start: 0 is its first "
            "period")),
        Column("fte", "float", True, low=0, doc="The effort needed in that period, in "
               "full-time equivalents"),
    ),
    "capacity": (
        Column("skill", "str", True, doc="The skill or team (as the demands sheet names it)"),
        Column("period", "ref:periods", True, doc="The period (a period id)"),
        Column("fte", "float", True, low=0, doc="The full-time equivalents available in "
               "that period"),
        Column("extra_fte", "float", low=0, doc=(
            "FTE that may be bought on top (contractors, hiring); blank: none")),
        Column("extra_cost", "float", low=0, doc=(
            "The cost of each bought FTE in that period (counts as spend of the period)")),
    ),
    "budgets": (
        Column("period", "ref:periods", doc="The period the limit covers (a period id); "
               "blank: the whole horizon"),
        Column("pool", "str", doc="The funding pool it covers (as costs name it); blank: "
               "every pool"),
        Column("category", "str", doc="The project category it covers; blank: every "
               "category"),
        Column("limit", "float", True, low=0, doc=(
            "The most that may be spent over that period, pool and category (currency)")),
    ),
    "dependencies": (
        Column("project", "ref:projects", True, doc="The project that depends (a project id)"),
        Column("kind", "enum", True, choices=("requires", "after", "excludes"), doc=(
            "requires: chosen only with other; after: also starts after other finishes; "
            "excludes: never both")),
        Column("other", "ref:projects", True, doc="The project it depends on or excludes "
               "(a project id)"),
        Column("lag", "int", doc="after: start index >= other's last index + 1 + lag "
           "(default 0; negative: the project may start before the other finishes)"),
    ),
    "groups": (
        Column("group", "str", True, doc=(
            "The group's name (variants of one investment, a theme); group_limits bound it")),
        Column("project", "ref:projects", True, doc="A member of the group (a project id)"),
    ),
    "group_limits": (
        Column("group", "ref:groups", True, doc="The group (as the groups sheet names it)"),
        Column("min", "int", low=0, doc="The fewest members that must be chosen; blank: 0"),
        Column("max", "int", low=0, doc=(
            "The most members that may be chosen (1 for variants); blank: no limit")),
    ),
    "synergies": (
        Column("project_a", "ref:projects", True, doc="One project of the pair "
               "(a project id)"),
        Column("project_b", "ref:projects", True, doc="The other project (a project id)"),
        Column("value", "float", doc=(
            "Extra financial value when both are chosen (negative: they cannibalise)")),
        Column("score", "float", doc="Extra strategic score when both are chosen "
               "(may be negative)"),
    ),
    "balance": (
        Column("dimension", "enum", True, choices=("category", "business_unit"), doc=(
            "What the share is measured on: category or business_unit")),
        Column("value", "str", True, doc="The category or business unit whose share of "
               "spend is bounded"),
        Column("min_share", "float", low=0, high=1, doc=(
            "The least share of total spend it must get, 0 to 1 or a percent; blank: none")),
        Column("max_share", "float", low=0, high=1, doc=(
            "The largest share of total spend it may get, 0 to 1 or a percent; blank: none")),
    ),
    "funding_sources": (
        Column("source", "str", True, doc="funding source id (a grant, a fund, a business "
               "unit's money); several rows per source: one per period and/or one total"),
        Column("period", "ref:periods", doc="the period this amount is for; blank: a total "
               "over the whole horizon"),
        Column("amount", "float", True, low=0, doc="money the source can pay"),
    ),
    "eligibility": (
        Column("source", "str", True, doc="a source of the funding_sources table"),
        Column("project", "ref:projects", doc="the project it may pay (or give category)"),
        Column("category", "str", doc="every project of this category (a project row wins "
               "over its category's row)"),
        Column("max_share", "float", low=0, high=1, doc=(
            "the most of the project's spend of a period this source may pay; default 1")),
    ),
    "actuals": (
        Column("project", "ref:projects", True, doc=(
            "The running (in_flight) project these actuals are of (a project id)")),
        Column("spent", "float", low=0, doc="money spent on it before settings.now (sunk)"),
        Column("progress", "float", low=0, high=1, doc=(
            "share of its work done (0-1); 1 = finished; given: remaining cost = "
            "total x (1 - progress)")),
        Column("benefits_realised", "float", low=0, doc=(
            "The benefits the project has brought in so far (currency)")),
    ),
}

SINGLE_TABLES: dict[str, tuple[Column, ...]] = {
    "risk_appetite": (
        Column("max_exposure", "float", low=0, doc=(
            "The most investment you accept to lose: sum of risk x total cost of the chosen "
            "projects")),
        Column("max_high_risk_share", "float", low=0, high=1, doc=(
            "The largest cost share of chosen projects whose risk is at least the threshold "
            "(0 to 1)")),
        Column("high_risk_threshold", "float", low=0, high=1, doc=(
            "The risk from which a project counts as high risk (0 to 1, default 0.5)")),
        Column("max_average_risk", "float", low=0, high=1, doc=(
            "The highest cost-weighted average risk of the chosen projects (0 to 1)")),
    ),
    "settings": (
        Column("objective", "enum", choices=("strategic", "financial", "blend"), doc=(
            "What to maximise: strategic score, financial value or a blend (default strategic "
            "when objectives exist)")),
        Column("blend", "float", low=0, high=1, doc=(
            "With objective blend: the strategic share of the blend, 0 to 1 (default 0.5)")),
        Column("discount_rate", "float", low=0, high=1, doc=(
            "The discount rate per period for benefits and costs, 0 to 1 (default 0)")),
        Column("time_limit_s", "float", low=0, doc=(
            "Seconds the solver may take before it returns its best plan (default 30)")),
        Column("relative_gap", "float", low=0, high=1, doc=(
            "Stop when the plan is proven within this share of the best possible "
            "(default 0: prove optimality)")),
        Column("solver", "str", doc="The solver: auto (default), highs, cpsat, cbc, lagrange "
               "or pulp:NAME"),
        Column("seed", "int", low=0, doc="A whole number that fixes the solver's random "
               "choices (blank: the default)"),
        Column("require_alignment", "bool", doc=(
            "TRUE: a project that serves no objective cannot be chosen (default TRUE when "
            "objectives exist)")),
        Column("workers", "int", low=1, doc="How many solver threads to use (default: the "
               "machine's cores)"),
        Column("now", "str", doc=("re-planning: the current period id; periods before it "
               "are past (actuals say what was spent and done)")),
        Column("objective_risk", "enum", choices=("expected", "cvar", "chance"),
               doc="expected (default): the objective as given; cvar: the mean of the worst "
               "cvar_level share of risk_samples sampled outcomes; chance: the expected "
               "objective with at most a cvar_level share of samples below target"),
        Column("cvar_level", "float", low=0, high=1, doc="in (0, 1]: share of the worst "
               "samples (cvar) or of samples allowed below target (chance); default 0.1"),
        Column("risk_samples", "int", low=1, high=5000, doc="samples of the uncertain values the "
               "robust objective is solved over (seeded by seed); default 200"),
        Column("target", "float", doc="chance: the objective value each counted sample "
               "must reach"),
        Column("decimal_comma", "bool", doc=(
            "TRUE: numbers typed as text in this workbook use a decimal comma (1.200,50); "
            "default FALSE (1,200.50)")),
    ),
}

ID_KEYS: dict[str, tuple[str, ...]] = {
    "periods": ("id",), "objectives": ("id",), "projects": ("id",),
    "pairwise": ("a", "b"), "alignment": ("project", "objective"),
    "groups": ("group", "project"), "group_limits": ("group",),
    "synergies": ("project_a", "project_b"), "balance": ("dimension", "value"),
    "capacity": ("skill", "period"), "budgets": ("period", "pool", "category"),
    "dependencies": ("project", "kind", "other"),
    "funding_sources": ("source", "period"), "eligibility": ("source", "project", "category"),
    "actuals": ("project",),
}
"""Columns whose combination must be unique within a table."""
