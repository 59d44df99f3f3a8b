"""The build and report stages of a generated portfolio, each on its own:
seconds (wall and CPU of this process: on a shared machine the CPU seconds
are the comparable figure), resident memory before it, its peak and what it
added to the peak.

    .venv/bin/python benchmarks/bench_report_stage.py 100000     # N x 20, seed 7

The peak of each stage is its own: the process's high-water mark (VmHWM) is
reset before it (`/proc/self/clear_refs`, Linux), so "added" is the stage's
peak less the resident memory it started from. The plan reported is the
greedy plan (`solvers.large.greedy`), so no solve time is spent; the stages
are those of `planning.pipeline.report` (`report`) and of
`engine.reasons.first_reasons` (`first_reasons`, the excluded projects'
reasons, the report's largest part). docs/solver-figures.md ("Report and
build at 100,000 x 20") has the figures.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path


def _memory() -> dict[str, float]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            fields[line.split(":")[0]] = int(line.split()[1]) / 1024
    return fields


def _stage(name: str, run):
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # the high-water mark starts afresh
    before = _memory()["VmRSS"]
    t0, cpu0 = time.perf_counter(), time.process_time()
    out = run()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    peak = _memory()["VmHWM"]
    print(f"{name}: {seconds:.2f} s ({cpu:.2f} s CPU), resident before {before:.0f} MiB, "
          f"peak {peak:.0f} MiB (+{peak - before:.0f})", flush=True)
    return out


def main(n: int, periods: int = 20, seed: int = 7) -> None:
    from spmo.engine.derive import derive
    from spmo.engine.io import from_document
    from spmo.engine.model.build import build
    from spmo.engine.model.decode import assignment_of
    from spmo.engine.reasons import first_reasons
    from spmo.engine.synthetic.generate import generate_portfolio
    from spmo.engine.validate import validate
    from spmo.planning.instance import Instance
    from spmo.planning.pipeline import report
    from spmo.solvers.base import Result, Status
    from spmo.solvers.large.greedy import greedy_plan

    portfolio = validate(from_document(generate_portfolio(n, periods, seed)))
    derived = derive(portfolio)
    model = _stage("build", lambda: build(portfolio, derived))
    x = _stage("greedy", lambda: greedy_plan(model))
    if x is None:
        sys.exit("the greedy found no plan for this portfolio: nothing to report")
    selected = set(assignment_of(portfolio, model, x).starts)
    _stage("first_reasons", lambda: first_reasons(portfolio, derived, model, x, selected))
    result = Result(Status.FEASIBLE, x, float(model.c @ x), None, 1.0, "greedy", [])
    _stage("report", lambda: report(Instance(portfolio, derived, model), result, []))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
