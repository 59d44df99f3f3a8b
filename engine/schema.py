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


def _c(name, kind, required=False, low=None, high=None, choices=(), doc=""):
    return Column(name, kind, required, low, high, tuple(choices), doc)


TABLES: dict[str, tuple[Column, ...]] = {
    "periods": (_c("id", "id", True, doc="period id; row order is time order"),),
    "objectives": (
        _c("id", "id", True, doc="objective id"),
        _c("name", "str", doc="name shown in reports"),
        _c("weight", "float", low=0, doc="weight >= 0; normalised to sum 1; blank all = equal"),
    ),
    "pairwise": (
        _c("a", "ref:objectives", True, doc="objective judged"),
        _c("b", "ref:objectives", True, doc="objective compared against"),
        _c("ratio", "float", True, low=1 / 9, high=9, doc="a is ratio times as important as b"),
    ),
    "projects": (
        _c("id", "id", True, doc="project id"),
        _c("name", "str", doc="name shown in reports"),
        _c("category", "str", doc="e.g. growth, compliance (budgets and balance use it)"),
        _c("business_unit", "str", doc="owning business unit (balance uses it)"),
        _c("status", "enum", choices=("candidate", "mandatory", "in_flight"),
           doc="candidate (default), mandatory, in_flight"),
        _c("force", "enum", choices=("in", "out"), doc="planner override: in, out or blank"),
        _c("duration", "int", low=1, doc="periods; default: longest cost/demand offset + 1"),
        _c("earliest_start", "ref:periods", doc="first allowed start period"),
        _c("latest_start", "ref:periods", doc="last allowed start period"),
        _c("value", "float", doc="financial value (NPV) if selected; blank with benefits"),
        _c("success_probability", "float", low=0, high=1, doc="0-1, default 1"),
        _c("risk", "float", low=0, high=1, doc="0-1 probability of failing to deliver"),
    ),
    "costs": (
        _c("project", "ref:projects", True),
        _c("offset", "int", True, low=0, doc="period offset from the project's start"),
        _c("amount", "float", True, low=0, doc="spend in that period"),
        _c("pool", "str", doc="funding pool (capex, opex...); default total"),
    ),
    "benefits": (
        _c("project", "ref:projects", True),
        _c("offset", "int", True, low=0, doc="period offset from the project's start"),
        _c("amount", "float", True, low=0, doc="benefit realised in that period"),
    ),
    "alignment": (
        _c("project", "ref:projects", True),
        _c("objective", "ref:objectives", True),
        _c("score", "float", True, low=0, doc="how strongly the project serves it (any scale)"),
    ),
    "demands": (
        _c("project", "ref:projects", True),
        _c("skill", "str", True),
        _c("offset", "int", True, low=0),
        _c("fte", "float", True, low=0, doc="effort in FTE in that period"),
    ),
    "capacity": (
        _c("skill", "str", True),
        _c("period", "ref:periods", True),
        _c("fte", "float", True, low=0, doc="available FTE"),
        _c("extra_fte", "float", low=0, doc="FTE that may be bought on top"),
        _c("extra_cost", "float", low=0, doc="cost per bought FTE"),
    ),
    "budgets": (
        _c("period", "ref:periods", doc="blank: whole horizon"),
        _c("pool", "str", doc="blank: all pools"),
        _c("category", "str", doc="blank: all categories"),
        _c("limit", "float", True, low=0, doc="spend limit"),
    ),
    "dependencies": (
        _c("project", "ref:projects", True),
        _c("kind", "enum", True, choices=("requires", "after", "excludes")),
        _c("other", "ref:projects", True),
        _c("lag", "int", doc="after: start index >= other's last index + 1 + lag "
           "(default 0; negative: the project may start before the other finishes)"),
    ),
    "groups": (_c("group", "str", True), _c("project", "ref:projects", True)),
    "group_limits": (
        _c("group", "ref:groups", True),
        _c("min", "int", low=0),
        _c("max", "int", low=0),
    ),
    "synergies": (
        _c("project_a", "ref:projects", True),
        _c("project_b", "ref:projects", True),
        _c("value", "float", doc="extra financial value when both are selected"),
        _c("score", "float", doc="extra strategic score when both are selected"),
    ),
    "balance": (
        _c("dimension", "enum", True, choices=("category", "business_unit")),
        _c("value", "str", True),
        _c("min_share", "float", low=0, high=1),
        _c("max_share", "float", low=0, high=1),
    ),
}

SINGLE_TABLES: dict[str, tuple[Column, ...]] = {
    "risk_appetite": (
        _c("max_exposure", "float", low=0, doc="max sum of risk x total cost"),
        _c("max_high_risk_share", "float", low=0, high=1,
           doc="max cost share of projects with risk >= threshold"),
        _c("high_risk_threshold", "float", low=0, high=1, doc="default 0.5"),
        _c("max_average_risk", "float", low=0, high=1, doc="max cost-weighted average risk"),
    ),
    "settings": (
        _c("objective", "enum", choices=("strategic", "financial", "blend")),
        _c("blend", "float", low=0, high=1, doc="strategic share of the blend, default 0.5"),
        _c("discount_rate", "float", low=0, high=1, doc="per period, default 0"),
        _c("time_limit_s", "float", low=0, doc="default 30"),
        _c("relative_gap", "float", low=0, high=1, doc="default 0: prove optimality"),
        _c("solver", "str", doc="auto (default), cpsat, highs, cbc"),
        _c("seed", "int", low=0),
        _c("require_alignment", "bool", doc="default true when objectives are given"),
        _c("workers", "int", low=1, doc="solver threads; default the machine's cores"),
    ),
}

ID_KEYS: dict[str, tuple[str, ...]] = {
    "periods": ("id",), "objectives": ("id",), "projects": ("id",),
    "pairwise": ("a", "b"), "alignment": ("project", "objective"),
    "groups": ("group", "project"), "group_limits": ("group",),
    "synergies": ("project_a", "project_b"), "balance": ("dimension", "value"),
    "capacity": ("skill", "period"), "budgets": ("period", "pool", "category"),
    "dependencies": ("project", "kind", "other"),
}
"""Columns whose combination must be unique within a table."""
