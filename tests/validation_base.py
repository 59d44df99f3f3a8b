"""The valid base portfolio of the validation tests, and how they read problems."""

from __future__ import annotations

import copy

import pytest
from spmo.engine.errors import InvalidPortfolio
from spmo.engine.validate import validate

from .conftest import portfolio_of

QS = ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"]

BASE = {
    "name": "validation base",
    "periods": [{"id": q} for q in QS],
    "objectives": [{"id": "growth", "name": "Grow", "weight": 2},
                   {"id": "cost", "name": "Save", "weight": 1}],
    "projects": [
        {"id": "A", "category": "growth", "business_unit": "Retail", "value": 100,
         "duration": 2, "success_probability": 0.8, "risk": 0.2},
        {"id": "B", "category": "growth", "business_unit": "Retail", "value": 50},
        {"id": "C", "category": "run", "business_unit": "IT", "value": 30,
         "status": "mandatory"},
        {"id": "D", "category": "growth", "business_unit": "IT",
         "earliest_start": "Q2", "latest_start": "Q4"},
        {"id": "E", "category": "run", "business_unit": "IT", "value": 20,
         "status": "in_flight", "latest_start": "Q3"},
    ],
    "costs": [
        {"project": "A", "offset": 0, "amount": 10, "pool": "capex"},
        {"project": "A", "offset": 1, "amount": 10, "pool": "opex"},
        {"project": "B", "offset": 0, "amount": 5},
        {"project": "B", "offset": 1, "amount": 5},
        {"project": "C", "offset": 0, "amount": 3},
        {"project": "D", "offset": 0, "amount": 8},
        {"project": "E", "offset": 0, "amount": 2},
    ],
    "benefits": [{"project": "D", "offset": 2, "amount": 20},
                 {"project": "D", "offset": 3, "amount": 20}],
    "alignment": [
        {"project": "A", "objective": "growth", "score": 3},
        {"project": "B", "objective": "cost", "score": 1},
        {"project": "C", "objective": "cost", "score": 2},
        {"project": "D", "objective": "growth", "score": 2},
        {"project": "E", "objective": "cost", "score": 1},
    ],
    "demands": [
        {"project": "A", "skill": "dev", "offset": 0, "fte": 1},
        {"project": "A", "skill": "dev", "offset": 1, "fte": 1},
        {"project": "B", "skill": "ops", "offset": 0, "fte": 1},
    ],
    "capacity": [{"skill": s, "period": q, "fte": 2, "extra_fte": 1, "extra_cost": 4}
                 for s in ("dev", "ops") for q in QS],
    "budgets": [{"limit": 200},
                {"period": "Q1", "pool": "capex", "limit": 50},
                {"category": "growth", "limit": 150}],
    "dependencies": [{"project": "D", "kind": "after", "other": "A"},
                     {"project": "B", "kind": "excludes", "other": "E"}],
    "groups": [{"group": "G1", "project": "A"}, {"group": "G1", "project": "B"}],
    "group_limits": [{"group": "G1", "max": 1}],
    "synergies": [{"project_a": "A", "project_b": "D", "value": 10, "score": 0.1}],
    "balance": [{"dimension": "category", "value": "growth", "max_share": 0.9}],
    "risk_appetite": {"max_exposure": 100, "high_risk_threshold": 0.5},
    "settings": {"objective": "blend", "blend": 0.5, "solver": "highs", "time_limit_s": 10},
}
N_CAPACITY = len(BASE["capacity"])  # 12 rows: dev Q1..Q6, then ops Q1..Q6


def base() -> dict:
    """A fresh deep copy of the valid base document."""
    return copy.deepcopy(BASE)


def problems_of(doc_or_raw) -> list:
    """The problems validation reports (it must refuse the input)."""
    with pytest.raises(InvalidPortfolio) as info:
        if isinstance(doc_or_raw, dict):
            portfolio_of(doc_or_raw)
        else:
            validate(doc_or_raw)
    assert info.value.problems, "InvalidPortfolio must list its problems"
    return info.value.problems


def where(problems) -> set[tuple]:
    """Problems as (table, row, column)."""
    return {(p.table, p.row, p.column) for p in problems}
