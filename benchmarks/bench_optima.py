"""Section a: published MKP optima solved through spmo's plan(), per backend.

Each instance of shared/benchmarks/mkp is turned into a portfolio by
spmo.engine.synthetic.mkp.to_portfolio (one period per knapsack row, every project fixed to
start in the first period), validated, and solved by plan() with each backend at
a time limit and a zero relative gap. The found value is compared with the value
in best_known.csv (a proven optimum or, for 30.250/30.500 and GK, the best known).
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spmo.engine.io import from_document
from spmo.engine.synthetic.mkp import MkpInstance, read_best_known, read_mkp_file, to_portfolio
from spmo.engine.validate import validate
from spmo.planning.pipeline import plan
from spmo.solvers.registry import backends

DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "mkp"
"""The full set; tests/data/mkp holds the few files the tests read."""
SMALL_SETS = ("mknap1", "mknap2")  # where cbc runs too


@dataclass(frozen=True)
class Job:
    """One instance and one backend to run."""

    set: str
    inst: MkpInstance
    backend: str
    known: float | None
    known_proven: bool


@cache
def data_dir() -> Path:
    """The benchmark folder, checked complete; a clear error when it is absent or not."""
    if not (DATA / "best_known.csv").is_file():
        raise SystemExit(f"MKP benchmark data not found at {DATA} (expected shared/ beside the "
                         "repository)")
    problems = check_data(DATA)
    if problems:
        raise SystemExit(f"MKP benchmark data at {DATA} is incomplete:\n" + "\n".join(problems))
    return DATA


def check_data(data: Path) -> list[str]:
    """What is wrong with the full set: every instance best_known.csv lists must be
    in its file (no more, no fewer), with the listed shape and, where the file states
    a value, the listed value. (The tests check this only for their own copies.)"""
    best = read_best_known(data / "best_known.csv")
    out = []
    for file, rows in best.groupby("file"):
        if not (data / file).is_file():
            out.append(f"{file}: missing")
            continue
        insts = read_mkp_file(data / file)
        if sorted(rows["index"]) != list(range(len(insts))):
            out.append(f"{file}: {len(insts)} instances, best_known.csv lists {len(rows)}")
        for row in rows.itertuples():
            inst = insts[row.index] if row.index < len(insts) else None
            if inst is not None and inst.weights.shape != (row.m, row.n):
                out.append(f"{file} #{row.index}: shape {inst.weights.shape}, "
                           f"listed {(row.m, row.n)}")
            elif inst is not None and inst.known is not None and \
                    abs(inst.known - row.best_value) > 1e-6 * max(1.0, abs(row.best_value)):
                out.append(f"{file} #{row.index}: states {inst.known:g}, "
                           f"listed {row.best_value:g}")
    return out


def available_backends() -> dict[str, bool]:
    """Which of highs, cpsat, cbc spmo can run here."""
    found = backends()
    return {name: name in found and found[name].available() for name in ("highs", "cpsat", "cbc")}


def select_instances(quick: bool) -> list[tuple[str, MkpInstance]]:
    """(set name, instance) pairs of the run: all of mknap1/2, CB 0/10/20, GK (full)."""
    data = data_dir()
    out: list[tuple[str, MkpInstance]] = []
    for name in ("mknap1", "mknap2"):
        out += [(name, inst) for inst in read_mkp_file(data / "orlib" / f"{name}.txt")]
    if quick:
        for k in (1, 4, 7):  # 5x100, 10x100, 30x100, instance 0 of each
            out.append(("mknapcb", read_mkp_file(data / "orlib" / f"mknapcb{k}.txt")[0]))
        return out
    for k in range(1, 10):
        insts = read_mkp_file(data / "orlib" / f"mknapcb{k}.txt")
        out += [("mknapcb", insts[i]) for i in (0, 10, 20)]
    for k in range(1, 12):
        out += [("gk", inst) for inst in read_mkp_file(data / "gk" / f"gk{k}.dat")]
    return out


def make_jobs(quick: bool) -> tuple[list[Job], list[str]]:
    """The jobs of the run and notes on what was left out."""
    data = data_dir()
    best = read_best_known(data / "best_known.csv")
    known = {(r.file, r.index): (r.best_value, bool(r.proven_optimal)) for r in best.itertuples()}
    have = available_backends()
    notes = []
    if not have["cbc"]:
        notes.append("cbc: not run (spmo has no cbc backend installed here: "
                     "spmo.solvers.registry.backends() lists no 'cbc').")
    jobs = []
    for set_name, inst in select_instances(quick):
        value, proven = known.get((inst.file, inst.index), (inst.known, False))
        if quick and set_name in SMALL_SETS:
            names = ["highs"]
        else:
            names = ["highs", "cpsat"] + (["cbc"] if set_name in SMALL_SETS else [])
        for name in names:
            if have.get(name):
                jobs.append(Job(set_name, inst, name, value, proven))
    if quick:
        notes.append("--quick: mknap1/mknap2 on highs only; Chu & Beasley mknapcb1/4/7 #0 "
                     "on highs and cpsat; no GK.")
    return jobs, notes


def run_job(job: Job, time_limit: float) -> dict:
    """Solve one job through plan(); a row for the results table."""
    inst = job.inst
    row = {"section": "optima", "set": job.set, "instance": inst.name,
           "size": f"{inst.m}x{inst.n}", "backend": job.backend, "time_limit_s": time_limit,
           "known": job.known, "known_proven": job.known_proven}
    started = time.perf_counter()
    try:
        portfolio = validate(from_document(to_portfolio(inst)))
        prepared = time.perf_counter()
        result = plan(portfolio, solver=job.backend, time_limit_s=time_limit, relative_gap=0.0)
    except Exception as exc:  # noqa: BLE001 - a benchmark row records any failure
        row.update(status="error", error=f"{type(exc).__name__}: {exc}",
                   seconds_total=round(time.perf_counter() - started, 3))
        row["traceback"] = traceback.format_exc(limit=3)
        return row
    found = result.objective
    gap_known = None
    if found is not None and job.known:
        gap_known = (job.known - found) / abs(job.known)
    row.update(status=result.status, found=found, bound=result.bound, gap=result.gap,
               proven=result.status == "optimal", gap_to_known=gap_known,
               matches_known=None if found is None or job.known is None
               else abs(found - job.known) <= 1e-6,
               seconds_solve=result.solve_seconds,
               seconds_prepare=round(prepared - started, 3),
               seconds_total=round(time.perf_counter() - started, 3))
    return row


def summary(rows: list[dict]) -> list[dict]:
    """Per set and backend: instances, proven, matching the known value, mean seconds."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["set"], row["backend"]), []).append(row)
    out = []
    for (set_name, backend), items in groups.items():
        solved = [r for r in items if r.get("found") is not None]
        out.append({
            "set": set_name, "backend": backend, "instances": len(items),
            "proven_optimal": sum(bool(r.get("proven")) for r in items),
            "equal_to_known": sum(bool(r.get("matches_known")) for r in items),
            "errors": sum(r["status"] == "error" for r in items),
            "worst_gap_to_known_%": round(100 * max((r["gap_to_known"] for r in solved
                                                     if r["gap_to_known"] is not None),
                                                    default=0.0), 4),
            "mean_solve_s": round(sum(r.get("seconds_solve") or 0 for r in items)
                                  / max(1, len(items)), 3),
            "total_s": round(sum(r.get("seconds_total") or 0 for r in items), 1),
        })
    return out


def table_rows(rows: list[dict]) -> list[dict]:
    """The per-instance rows, trimmed for the markdown table."""
    def fmt(v, digits=4):
        return "" if v is None else round(v, digits)

    return [{"set": r["set"], "instance": r["instance"], "m x n": r["size"],
             "backend": r["backend"], "found": fmt(r.get("found")), "known": r["known"],
             "known proven": "yes" if r["known_proven"] else "no",
             "status": r["status"], "solver gap": fmt(r.get("gap"), 6),
             "gap to known %": "" if r.get("gap_to_known") is None
             else round(100 * r["gap_to_known"], 4),
             "solve s": fmt(r.get("seconds_solve"), 2), "total s": fmt(r.get("seconds_total"), 2),
             "error": r.get("error", "")} for r in rows]
