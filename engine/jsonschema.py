"""JSON Schemas of the contract: the portfolio (from engine.schema) and the
plan (from the pydantic models in engine.plan)."""

from __future__ import annotations

from .plan import Plan
from .schema import SINGLE_TABLES, TABLES, Column


def _column_schema(col: Column) -> dict:
    """One column as a JSON Schema property (blank = null is always allowed)."""
    if col.kind in ("float", "int"):
        spec: dict = {"type": ["number", "null"] if col.kind == "float" else
                      ["integer", "number", "null"]}
        if col.low is not None:
            spec["minimum"] = col.low
        if col.high is not None:
            spec["maximum"] = col.high
    elif col.kind == "enum":
        spec = {"enum": [*col.choices, None]}
    elif col.kind == "bool":
        spec = {"type": ["boolean", "string", "null"]}
    else:
        spec = {"type": ["string", "number", "null"]}
    if col.doc:
        spec["description"] = col.doc
    return spec


def portfolio_schema() -> dict:
    """The JSON Schema of a portfolio document."""
    props: dict = {"name": {"type": "string"}}
    for name, columns in TABLES.items():
        props[name] = {"type": "array", "items": {
            "type": "object",
            "properties": {c.name: _column_schema(c) for c in columns},
            "required": [c.name for c in columns if c.required]}}
    for name, columns in SINGLE_TABLES.items():
        props[name] = {"type": "object",
                       "properties": {c.name: _column_schema(c) for c in columns}}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "spmo portfolio", "type": "object", "properties": props,
            "required": ["periods", "projects"]}


def plan_schema() -> dict:
    """The JSON Schema of a plan."""
    return Plan.model_json_schema()
