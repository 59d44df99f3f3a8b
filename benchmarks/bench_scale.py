"""Section c: generated portfolios at scale, one subprocess per case.

Each case runs in its own Python process, so its peak RSS is its own (VmHWM from
/proc/self/status, which starts afresh at exec; ru_maxrss, also recorded, keeps the
forking parent's RSS on Linux), and reports every stage as a JSON line while it goes:
generate -> serialise (json.dumps) -> read (json.loads + from_document) -> validate
-> derive -> build -> first_plan (greedy) -> first_check -> solve (plan()'s
warm start and the auto backend: 60 s less the greedy's time) -> check
(assignment + independent checker) -> report (the Plan: check again, reasons,
spend, utilisation...).
Beside spmo, the raw solvers (raw_solvers.py: HiGHS and CP-SAT handed spmo's own
model, every core) get the same time limit for their solve alone, in a process of
their own each (`--raw`), and their plans go through the same checker.
Run directly as `python bench_scale.py --child N P SEED TIME_LIMIT` or
`python bench_scale.py --raw highs|cpsat N P SEED TIME_LIMIT`.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

CASES_FULL = ((1_000, 12), (10_000, 20), (50_000, 20), (100_000, 20))
CASES_QUICK = ((1_000, 12),)
RAW_CASES = (10_000, 50_000)
"""The cases where section c runs the raw solvers beside spmo (1,000 x 12 is section
e's; at 100,000 x 20 the raw solvers' 2 x 300 s are left to `--raw` by hand: raw
HiGHS finds no plan at 10,000 x 20 within 60 s)."""
LIMITS = {1_000: 60.0, 10_000: 60.0, 50_000: 120.0, 100_000: 300.0}
"""Each case's time limit, as issue 18 sets it (--scale-limit overrides)."""
REQUEST_STAGES = ("read", "validate", "derive", "build", "first_plan", "solve", "report")
"""What a request's clock counts (`request_s`): from the JSON text to the checked
Plan; the time limit bounds it, as in plan(). The extra checks of the bench
(first_check, check) are not part of a request (report checks the plan again)."""
SEED = 7
STAGES = ("generate", "serialise", "read", "validate", "derive", "build", "first_plan",
          "first_check", "solve", "check", "report")


def _peak_mb() -> float:
    """This process's peak RSS in MiB: VmHWM, which starts afresh at exec; ru_maxrss
    (KiB on Linux) is the fallback, but it keeps the forking parent's RSS."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _emit(**fields) -> None:
    print(json.dumps(fields, default=str), flush=True)


def child(n: int, periods: int, seed: int, time_limit: float) -> None:
    """One case, stage by stage; a JSON line per stage, then a summary line."""
    case = _Case({"projects": n, "periods": periods, "seed": seed,
                  "time_limit_s": time_limit})
    t_start = time.perf_counter()
    portfolio, derived, model = case.build(n, periods, seed)
    first = case.first_plan(portfolio, derived, model)
    case.solve(portfolio, derived, model, first)
    out = case.out
    out["total_s"] = round(time.perf_counter() - t_start, 3)
    out["peak_mb"] = round(_peak_mb(), 1)
    out["ru_maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    _emit(stage="done", result=out)


class _Case:
    """One case's figures (`out`), gathered stage by stage."""

    def __init__(self, out: dict) -> None:
        self.out = out

    @contextmanager
    def stage(self, name: str):
        t0 = time.perf_counter()
        yield
        seconds = time.perf_counter() - t0
        self.out[f"{name}_s"] = round(seconds, 4)
        self.out[f"{name}_peak_mb"] = round(_peak_mb(), 1)
        _emit(stage=name, seconds=seconds, peak_mb=_peak_mb())

    def build(self, n: int, periods: int, seed: int):
        """generate -> serialise -> read -> validate -> derive -> build."""
        from spmo.engine.derive import derive
        from spmo.engine.io import from_document
        from spmo.engine.model.build import build
        from spmo.engine.synthetic.generate import generate_portfolio
        from spmo.engine.validate import validate

        out = self.out
        with self.stage("generate"):
            doc = generate_portfolio(n, periods, seed)
        out["rows"] = {k: len(v) for k, v in doc.items() if isinstance(v, list)}
        with self.stage("serialise"):
            text = json.dumps(doc)
        out["json_mb"] = round(len(text.encode()) / 1e6, 2)
        del doc  # what a server would hold: the request text, then the tables
        with self.stage("read"):
            raw = from_document(json.loads(text))
        del text
        with self.stage("validate"):
            portfolio = validate(raw)
        del raw
        with self.stage("derive"):
            derived = derive(portfolio)
        with self.stage("build"):
            model = build(portfolio, derived)
        out["model"] = model.size()
        _emit(stage="info", data={k: out[k] for k in ("rows", "json_mb", "model")})
        return portfolio, derived, model

    def first_plan(self, portfolio, derived, model):
        """The greedy plan and its check; None when the greedy finds none."""
        from spmo.engine.check import check
        from spmo.engine.model.decode import assignment_of
        from spmo.solvers.large.greedy import greedy_plan

        out = self.out
        with self.stage("first_plan"):
            first = greedy_plan(model)
        if first is not None:
            with self.stage("first_check"):
                out["first_check_ok"] = check(portfolio, derived,
                                              assignment_of(portfolio, model, first)).ok
            out["first_checked_plan_s"] = round(sum(out[f"{s}_s"] for s in (
                "read", "validate", "derive", "build", "first_plan", "first_check")), 3)
            out["read_to_model_s"] = round(sum(out[f"{s}_s"] for s in (
                "read", "validate", "derive", "build")), 3)
        return first

    def solve(self, portfolio, derived, model, first) -> None:
        """As plan() does: a warm start on larger models, then the auto backend; then
        the check and the Plan."""
        from spmo.engine.check import check
        from spmo.engine.model.decode import assignment_of
        from spmo.planning.instance import Instance
        from spmo.planning.options import PlanOptions, report_reserve, solve_options
        from spmo.planning.pipeline import report as plan_report
        from spmo.solvers.registry import pick
        from spmo.solvers.strategy import first_plan, last_resort

        out = self.out
        backend = pick("auto", model)
        spent = sum(out.get(f"{s}_s", 0.0) for s in REQUEST_STAGES)
        seconds = out["time_limit_s"] - spent - report_reserve(len(model.a_val),
                                                               out["time_limit_s"])
        out["solve_limit_s"] = round(seconds, 3)
        with self.stage("solve"):
            start, options = first_plan(model, backend, solve_options(
                portfolio, PlanOptions(), seconds), greedy=first)
            result = last_resort(backend.solve(model, options), model, start)
        out["backend"] = result.solver
        out["solver_status"] = result.status.value
        out["solver_notes"] = " ".join(result.notes)
        if result.x is None:
            out.update(status=result.status.value)
            return
        with self.stage("check"):
            report = check(portfolio, derived, assignment_of(portfolio, model, result.x))
        out["check_ok"] = report.ok
        warnings = list(portfolio.warnings) + result.notes
        with self.stage("report"):
            plan = plan_report(Instance(portfolio, derived, model), result, warnings)
        out.update(status=plan.status, objective=plan.objective, bound=plan.bound,
                   gap=plan.gap, selected=len(plan.selected), excluded=len(plan.excluded),
                   request_s=round(sum(out[f"{s}_s"] for s in REQUEST_STAGES), 3))


RAW_MEMORY_BYTES = 16 * 2**30
"""A raw solver's address-space limit (of the machine's 24 GiB): past it the run
fails and is reported as such, not the machine."""


def raw_child(solver: str, n: int, periods: int, seed: int, time_limit: float) -> None:
    """One raw solver (raw_solvers.RAW) on the case's model, built as spmo builds
    it (not timed), given the whole time limit; its plan goes through spmo's
    independent checker. One JSON line, as `child`'s summary."""
    from raw_solvers import RAW
    from spmo.engine.check import check
    from spmo.engine.model.decode import assignment_of
    from spmo.engine.plan import relative_gap

    resource.setrlimit(resource.RLIMIT_AS, (RAW_MEMORY_BYTES, RAW_MEMORY_BYTES))
    case = _Case({"projects": n, "periods": periods, "seed": seed, "solver": solver,
                  "time_limit_s": time_limit})
    portfolio, derived, model = case.build(n, periods, seed)
    run = RAW[solver](model, time_limit)
    out = case.out
    out.update(objective=run.objective, bound=run.bound, solve_s=round(run.seconds, 3),
               gap=relative_gap(run.bound, run.objective), peak_mb=round(_peak_mb(), 1))
    if run.x is not None:
        out["check_ok"] = check(portfolio, derived,
                                assignment_of(portfolio, model, run.x)).ok
    _emit(stage="done", result=out)


def run_case(n: int, periods: int, time_limit: float, on_stage=None,
             timeout: float = 1800.0, raw: str | None = None) -> dict:
    """Run one case in a subprocess (spmo's request, or the raw solver `raw` on
    spmo's model); on_stage(name) follows its progress. A case that is still
    running after `timeout` seconds is killed and reported with the stages it
    finished."""
    mode = ["--child"] if raw is None else ["--raw", raw]
    cmd = [sys.executable, str(Path(__file__).resolve()), *mode, str(n), str(periods),
           str(SEED), str(time_limit)]
    started = time.perf_counter()
    partial: dict = {"projects": n, "periods": periods}
    result = None
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if event.get("stage") == "done":
                    result = event["result"]
                elif event.get("stage") == "info":
                    partial.update(event["data"])
                else:
                    partial[f"{event['stage']}_s"] = round(event["seconds"], 4)
                    partial[f"{event['stage']}_peak_mb"] = round(event["peak_mb"], 1)
                    if on_stage:
                        on_stage(event["stage"])
            code = proc.wait()
        finally:
            timer.cancel()
        err.seek(0)
        tail = err.read().strip().splitlines()[-3:]
    if result is None:
        elapsed = time.perf_counter() - started
        why = f"killed after {timeout:g} s" if elapsed >= timeout else f"exit {code}"
        partial.update(status="error", error=f"{why}: {' | '.join(tail)}",
                       total_s=round(elapsed, 1))
        return partial
    return result


def flat_row(case: dict) -> dict:
    """A CSV/markdown row of one case."""
    model = case.get("model", {})
    row = {"section": "scale", "case": f"{case['projects']:,}x{case['periods']}",
           "status": case.get("status"), "backend": case.get("backend", ""),
           "gap": case.get("gap"), "objective": case.get("objective"),
           "bound": case.get("bound"),
           "time_limit_s": case.get("time_limit_s"), "solve_limit_s": case.get("solve_limit_s"),
           "request_s": case.get("request_s"),
           "read_to_model_s": case.get("read_to_model_s"),
           "first_checked_plan_s": case.get("first_checked_plan_s"),
           "selected": case.get("selected"), "json_mb": case.get("json_mb"),
           "variables": model.get("variables"), "binaries": model.get("binaries"),
           "rows": model.get("rows"), "nonzeros": model.get("nonzeros")}
    for name in STAGES:
        row[f"{name}_s"] = case.get(f"{name}_s")
    row["total_s"] = case.get("total_s")
    row["peak_mb"] = case.get("peak_mb")
    row["ru_maxrss_mb"] = case.get("ru_maxrss_mb")
    for name in STAGES:
        row[f"{name}_peak_mb"] = case.get(f"{name}_peak_mb")
    row["solver_notes"] = case.get("solver_notes")
    if case.get("error"):
        row["error"] = case["error"]
    return row


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
    elif len(sys.argv) == 7 and sys.argv[1] == "--raw":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        raw_child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]),
                  float(sys.argv[6]))
    else:
        raise SystemExit("usage: bench_scale.py --child PROJECTS PERIODS SEED TIME_LIMIT\n"
                         "       bench_scale.py --raw highs|cpsat PROJECTS PERIODS SEED "
                         "TIME_LIMIT")
