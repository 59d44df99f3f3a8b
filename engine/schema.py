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
    "periods": (Column("id", "id", True, doc="period id; row order is time order"),),
    "objectives": (
        Column("id", "id", True, doc="objective id"),
        Column("name", "str", doc="name shown in reports"),
        Column("weight", "float", low=0, doc="weight >= 0; normalised to sum 1; blank all = equal"),
    ),
    "pairwise": (
        Column("a", "ref:objectives", True, doc="objective judged"),
        Column("b", "ref:objectives", True, doc="objective compared against"),
        Column("ratio", "float", True, low=1 / 9, high=9, doc="a is ratio times as important as b"),
    ),
    "projects": (
        Column("id", "id", True, doc="project id"),
        Column("name", "str", doc="name shown in reports"),
        Column("category", "str", doc="e.g. growth, compliance (budgets and balance use it)"),
        Column("business_unit", "str", doc="owning business unit (balance uses it)"),
        Column("status", "enum", choices=("candidate", "mandatory", "in_flight"),
               doc="candidate (default), mandatory, in_flight"),
        Column("force", "enum", choices=("in", "out"), doc="planner override: in, out or blank"),
        Column("duration", "int", low=1, doc="periods; default: longest cost/demand offset + 1"),
        Column("earliest_start", "ref:periods", doc="first allowed start period"),
        Column("latest_start", "ref:periods", doc="last allowed start period"),
        Column("value", "float", doc="financial value (NPV) if selected; blank with benefits"),
        Column("success_probability", "float", low=0, high=1, doc="0-1, default 1"),
        Column("risk", "float", low=0, high=1, doc="0-1 probability of failing to deliver"),
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
        Column("project", "ref:projects", True),
        Column("offset", "int", True, low=0, doc="period offset from the project's start"),
        Column("amount", "float", True, low=0, doc="spend in that period"),
        Column("pool", "str", doc="funding pool (capex, opex...); default total"),
    ),
    "benefits": (
        Column("project", "ref:projects", True),
        Column("offset", "int", True, low=0, doc="period offset from the project's start"),
        Column("amount", "float", True, low=0, doc="benefit realised in that period"),
    ),
    "alignment": (
        Column("project", "ref:projects", True),
        Column("objective", "ref:objectives", True),
        Column("score", "float", True, low=0, doc="how strongly the project serves it (any scale)"),
    ),
    "demands": (
        Column("project", "ref:projects", True),
        Column("skill", "str", True),
        Column("offset", "int", True, low=0),
        Column("fte", "float", True, low=0, doc="effort in FTE in that period"),
    ),
    "capacity": (
        Column("skill", "str", True),
        Column("period", "ref:periods", True),
        Column("fte", "float", True, low=0, doc="available FTE"),
        Column("extra_fte", "float", low=0, doc="FTE that may be bought on top"),
        Column("extra_cost", "float", low=0, doc="cost per bought FTE"),
    ),
    "budgets": (
        Column("period", "ref:periods", doc="blank: whole horizon"),
        Column("pool", "str", doc="blank: all pools"),
        Column("category", "str", doc="blank: all categories"),
        Column("limit", "float", True, low=0, doc="spend limit"),
    ),
    "dependencies": (
        Column("project", "ref:projects", True),
        Column("kind", "enum", True, choices=("requires", "after", "excludes")),
        Column("other", "ref:projects", True),
        Column("lag", "int", doc="after: start index >= other's last index + 1 + lag "
           "(default 0; negative: the project may start before the other finishes)"),
    ),
    "groups": (Column("group", "str", True), Column("project", "ref:projects", True)),
    "group_limits": (
        Column("group", "ref:groups", True),
        Column("min", "int", low=0),
        Column("max", "int", low=0),
    ),
    "synergies": (
        Column("project_a", "ref:projects", True),
        Column("project_b", "ref:projects", True),
        Column("value", "float", doc="extra financial value when both are selected"),
        Column("score", "float", doc="extra strategic score when both are selected"),
    ),
    "balance": (
        Column("dimension", "enum", True, choices=("category", "business_unit")),
        Column("value", "str", True),
        Column("min_share", "float", low=0, high=1),
        Column("max_share", "float", low=0, high=1),
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
        Column("project", "ref:projects", True, doc="a running (in_flight) project"),
        Column("spent", "float", low=0, doc="money spent on it before settings.now (sunk)"),
        Column("progress", "float", low=0, high=1, doc=(
            "share of its work done (0-1); 1 = finished; given: remaining cost = "
            "total x (1 - progress)")),
        Column("benefits_realised", "float", low=0, doc="benefits received so far"),
    ),
}

SINGLE_TABLES: dict[str, tuple[Column, ...]] = {
    "risk_appetite": (
        Column("max_exposure", "float", low=0, doc="max sum of risk x total cost"),
        Column("max_high_risk_share", "float", low=0, high=1,
               doc="max cost share of projects with risk >= threshold"),
        Column("high_risk_threshold", "float", low=0, high=1, doc="default 0.5"),
        Column("max_average_risk", "float", low=0, high=1, doc="max cost-weighted average risk"),
    ),
    "settings": (
        Column("objective", "enum", choices=("strategic", "financial", "blend")),
        Column("blend", "float", low=0, high=1, doc="strategic share of the blend, default 0.5"),
        Column("discount_rate", "float", low=0, high=1, doc="per period, default 0"),
        Column("time_limit_s", "float", low=0, doc="default 30"),
        Column("relative_gap", "float", low=0, high=1, doc="default 0: prove optimality"),
        Column("solver", "str", doc="auto (default), cpsat, highs, cbc"),
        Column("seed", "int", low=0),
        Column("require_alignment", "bool", doc="default true when objectives are given"),
        Column("workers", "int", low=1, doc="solver threads; default the machine's cores"),
        Column("now", "str", doc=("re-planning: the current period id; periods before it "
               "are past (actuals say what was spent and done)")),
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
