"""Decision studies: the Monte Carlo of a fixed plan and sensitivity on the example.

- montecarlo: a generated 1,000-project portfolio (engine.synthetic, seed 1,
  12 periods) with value ranges [0.6 v, 1.5 v] on every valued project and
  [0.5 a, 1.3 a] on every benefits row; the plan holds every project at its
  earliest start; 10,000 samples of its realised value
  (scenarios.outcomes.plan_outcomes), best of three: wall and CPU seconds.
- sensitivity: `spmo sensitivity examples/northwind.json` with its defaults
  (scenarios.sensitivity: a forced re-solve per project under the work cap of
  `auto` explanations, 30 weight samples of radius 0.1, the weight ranges;
  --quick: project margins only, each re-solve at 5 s): wall seconds in all and
  per stage, CPU seconds (with the batch workers'), the load, how many margins
  are proven, how many samples needed a solve, how many range ends are proven
  and their solves.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ranged_portfolio(projects: int = 1000):
    from spmo.engine.synthetic.generate import generate_portfolio
    from spmo.engine.validate import validate_document

    doc = generate_portfolio(projects, 12, 1, skills=10)
    for p in doc["projects"]:
        if p.get("value") is not None:
            low, high = sorted((0.6 * p["value"], 1.5 * p["value"]))
            p["value_low"], p["value_high"] = low, high
    for row in doc["benefits"]:
        row["amount_low"], row["amount_high"] = 0.5 * row["amount"], 1.3 * row["amount"]
    return validate_document(doc)


def montecarlo(samples: int = 10_000) -> dict:
    from spmo.engine.derive import derive
    from spmo.engine.plan import Kpis, Plan, SelectedProject
    from spmo.scenarios.outcomes import plan_outcomes

    portfolio = ranged_portfolio()
    windows = derive(portfolio).windows
    selected = [SelectedProject(project=p, start=portfolio.periods[int(w["earliest"])],
                                finish="", cost=0, value=0, score=0)
                for p, w in windows.iterrows() if w["fits"]]
    plan = Plan(status="feasible", objective=0.0, solver="none", solve_seconds=0,
                selected=selected, kpis=Kpis())
    best_wall, best_cpu = float("inf"), float("inf")
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        out = plan_outcomes(portfolio, plan, samples, seed=1, target=0.0)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return {"section": "decide", "case": f"montecarlo fixed plan {len(selected)} projects",
            "samples": samples, "wall_s": round(best_wall, 3), "cpu_s": round(best_cpu, 3),
            "p10": round(out.p10, 1), "p50": round(out.p50, 1), "p90": round(out.p90, 1)}


def sensitivity(time_limit: float | None = None, samples: int = 30,
                weights: bool = True) -> dict:
    """`spmo sensitivity examples/northwind.json` as a user runs it (the defaults:
    30 weight samples of radius 0.1, each re-solve under the deterministic work
    cap of `auto` explanations): wall seconds in all and per stage (a stage ends at
    its last progress call; `projects` includes the base solve), and the load."""
    from spmo.engine.io import read_portfolio
    from spmo.engine.validate import validate
    from spmo.scenarios.sensitivity import SensitivityOptions
    from spmo.scenarios.sensitivity import sensitivity as run

    portfolio = validate(read_portfolio(ROOT / "examples" / "northwind.json"))
    ends: dict[str, float] = {}

    def progress(_done, _total, stage):
        ends[stage] = time.perf_counter()

    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), _cpu()
    result = run(portfolio, SensitivityOptions(samples=samples, time_limit_s=time_limit,
                                               weights=weights), progress)
    wall, cpu = time.perf_counter() - started, _cpu() - cpu
    stages, last = {}, started
    for stage, end in ends.items():
        stages[stage], last = round(end - last, 1), end
    statuses = [m.status for m in result.projects]
    solved = next((n for n in result.notes if n.startswith("weights: ")), "")
    return {"section": "decide", "case": "sensitivity examples/northwind.json",
            "samples": samples if weights else 0,
            "time_limit_s": "work cap" if time_limit is None else time_limit,
            "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
            "stages_s": "; ".join(f"{k} {v}" for k, v in stages.items()),
            "load_1min": round(load, 1),
            "exact": statuses.count("exact"), "interval": statuses.count("interval"),
            "never": statuses.count("never"),
            "samples_solved": solved.split(" samples solved")[0].removeprefix("weights: "),
            "ranges_proven": sum(r.exact for r in result.weight_ranges),
            "range_solves": sum(r.solves for r in result.weight_ranges)}


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the batch's workers)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), \
        resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
