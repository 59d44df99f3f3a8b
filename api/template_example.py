"""The template's example rows: a tiny portfolio that validates and solves as
it stands (two periods, two projects, a row or two in every table but `actuals`,
which would make every copy a re-plan), so that
`spmo template t.xlsx && spmo solve t.xlsx` works before anything is typed.
Users overwrite or delete these rows; the reader warns while a project whose
name starts with `engine.xlsx.EXAMPLE_PREFIX` is still there."""

from __future__ import annotations

EXAMPLE: dict = {
    "periods": [{"id": "2027Q1"}, {"id": "2027Q2"}],
    "objectives": [{"id": "growth", "name": "Grow digital revenue", "weight": 2},
                   {"id": "cost", "name": "Reduce operating cost", "weight": 1}],
    "pairwise": [{"a": "growth", "b": "cost", "ratio": 2}],
    "projects": [
        {"id": "EX1", "name": "Example: online shop", "category": "growth",
         "business_unit": "Retail", "status": "candidate", "duration": 2,
         "earliest_start": "2027Q1", "latest_start": "2027Q1",
         "success_probability": 0.8, "risk": 0.3},
        {"id": "EX2", "name": "Example: ERP upgrade", "category": "efficiency",
         "business_unit": "Finance", "status": "mandatory", "value": 50,
         "success_probability": 0.9, "risk": 0.2},
    ],
    "costs": [{"project": "EX1", "offset": 0, "amount": 1200, "pool": "capex"},
              {"project": "EX2", "offset": 0, "amount": 400, "pool": "opex"}],
    "benefits": [{"project": "EX1", "offset": 1, "amount": 2500}],
    "alignment": [{"project": "EX1", "objective": "growth", "score": 4},
                  {"project": "EX2", "objective": "cost", "score": 3}],
    "demands": [{"project": "EX1", "skill": "dev", "offset": 0, "fte": 2}],
    "capacity": [{"skill": "dev", "period": "2027Q1", "fte": 1.5, "extra_fte": 1,
                  "extra_cost": 20},
                 {"skill": "dev", "period": "2027Q2", "fte": 1.5}],
    "budgets": [{"period": "2027Q1", "limit": 2000}],
    "dependencies": [{"project": "EX1", "kind": "requires", "other": "EX2"}],
    "groups": [{"group": "digital", "project": "EX1"}],
    "group_limits": [{"group": "digital", "min": 0, "max": 1}],
    "synergies": [{"project_a": "EX1", "project_b": "EX2", "value": 10, "score": 0.5}],
    "balance": [{"dimension": "category", "value": "growth", "min_share": 0.1,
                 "max_share": 0.9}],
    "funding_sources": [{"source": "grant", "amount": 800}, {"source": "core", "amount": 2000}],
    "eligibility": [{"source": "grant", "category": "growth", "max_share": 0.5},
                    {"source": "core", "category": "growth"}],
    "risk_appetite": {"max_exposure": 1000, "max_high_risk_share": 0.8,
                      "high_risk_threshold": 0.5, "max_average_risk": 0.4},
    "settings": {"objective": "blend", "blend": 0.6, "discount_rate": 0.01,
                 "time_limit_s": 30, "relative_gap": 0, "solver": "auto",
                 "require_alignment": True, "decimal_comma": False},
}
