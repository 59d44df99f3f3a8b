"""The bundled example's extension copies (the main example stays as it is):

- northwind-funding.json: northwind.json with partial funding (min_scope and
  scope_step on four large projects) and three funding sources with
  eligibility by category and by project;
- northwind-replan.json: northwind.json at settings.now = 2028Q1 with actuals
  for projects the plan started in 2027 (run `spmo replan` against the plan of
  northwind.json).

Run: .venv/bin/python examples/make_extensions.py
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
PARTIAL = {"P25": (0.5, 0.25), "P19": (0.5, 0.25), "P30": (0.5, 0.25), "P27": (0.75, 0.25)}
SOURCES = [{"source": "digital_fund", "period": f"{y}Q{q}", "amount": 250.0}
           for y in (2027, 2028, 2029) for q in (1, 2, 3, 4)] + [
    {"source": "eu_grant", "amount": 900.0},
    {"source": "compliance_reserve", "amount": 1500.0}]
ELIGIBILITY = [
    {"source": "digital_fund", "category": "efficiency"},
    {"source": "eu_grant", "category": "compliance", "max_share": 0.5},
    {"source": "compliance_reserve", "category": "compliance"},
    {"source": "eu_grant", "project": "P25", "max_share": 0.4},
    {"source": "digital_fund", "project": "P25"}]
ACTUALS = [  # (project, spent, progress, benefits_realised)
    ("P08", 150.0, 0.7, 0.0), ("P32", 260.0, 0.5, 0.0), ("P50", 240.0, 1.0, 35.0),
    ("P75", 180.0, 1.0, 60.0), ("P12", 120.0, 0.3, None), ("P34", 1450.0, 0.8, None),
    ("P16", 90.0, 0.4, None)]


def main() -> None:
    base = json.loads((HERE / "northwind.json").read_text(encoding="utf-8"))
    funding = json.loads(json.dumps(base))
    funding["name"] += " (partial funding, funding sources)"
    for project in funding["projects"]:
        if project["id"] in PARTIAL:
            project["min_scope"], project["scope_step"] = PARTIAL[project["id"]]
    funding["funding_sources"] = SOURCES
    funding["eligibility"] = ELIGIBILITY
    (HERE / "northwind-funding.json").write_text(json.dumps(funding, indent=1) + "\n",
                                                 encoding="utf-8")
    replan = json.loads(json.dumps(base))
    replan["name"] += " (re-plan at 2028Q1)"
    replan["settings"]["now"] = "2028Q1"
    replan["actuals"] = [{"project": p, "spent": s, "progress": g}
                         | ({} if b is None else {"benefits_realised": b})
                         for p, s, g, b in ACTUALS]
    (HERE / "northwind-replan.json").write_text(json.dumps(replan, indent=1) + "\n",
                                                encoding="utf-8")


if __name__ == "__main__":
    main()
