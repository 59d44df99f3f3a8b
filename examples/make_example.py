"""Regenerate the bundled example `northwind` as JSON, Excel and CSV.

Northwind Group: 80 candidate projects over 12 quarters (2027-2029), 5
strategic objectives, 3 business units, capex and opex pools, 8 skills,
mandatory and in-flight projects, dependencies, variant groups, synergies
and a risk appetite. Start windows are the planners' target quarter plus
one quarter of slack. Run: `.venv/bin/python examples/make_example.py`.
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

from spmo.engine.io import write_csv_folder, write_json, write_workbook
from spmo.engine.synthetic.generate import generate_portfolio

HERE = Path(__file__).resolve().parent
SEED = int(sys.argv[1]) if len(sys.argv) > 1 else 33


def northwind(seed: int = SEED) -> dict:
    """The example document: generated, then given planners' start windows."""
    doc = generate_portfolio(80, 12, seed, skills=8, tightness=0.5,
                             name="Northwind Group portfolio 2027-2029")
    ids = [p["id"] for p in doc["periods"]]
    rnd = random.Random(seed)
    for p in doc["projects"]:
        if p.get("status", "candidate") != "candidate":
            continue
        last = len(ids) - p["duration"]
        first = ids.index(p["earliest_start"]) if "earliest_start" in p else rnd.randint(0, last)
        p["earliest_start"], p["latest_start"] = ids[first], ids[min(last, first + 1)]
    doc["settings"]["time_limit_s"] = 60
    return doc


if __name__ == "__main__":
    doc = northwind()
    write_json(doc, HERE / "northwind.json")
    write_workbook(doc, HERE / "northwind.xlsx")
    shutil.rmtree(HERE / "northwind_csv", ignore_errors=True)
    write_csv_folder(doc, HERE / "northwind_csv")
    print("wrote northwind.json, northwind.xlsx, northwind_csv/")
