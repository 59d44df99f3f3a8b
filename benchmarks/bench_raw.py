"""Section d: spmo against the raw solvers on the larger published instances.

The issue's target: at the same time limit, spmo's gap is no worse than the
better of raw CP-SAT and raw HiGHS on each instance. Per instance (every GK
file, and Chu & Beasley #0 of the 5x500, 10x500 and 30x500 files) this runs a
plain CP-SAT model and a plain HighsLp (bench_overhead's raw models) and spmo's
plan() with its default backend (`auto`, HiGHS here), all at one time limit.
The gap of each is |bound - found| / max(|found|, 1e-9) from its own bound (the
plan's relative gap); `spmo - best
raw` compares found values, positive when spmo found more.
"""

from __future__ import annotations

import os

from bench_optima import Job, data_dir, run_job
from bench_overhead import raw_cpsat, raw_highs
from spmo.engine.plan import relative_gap
from spmo.engine.synthetic.mkp import read_mkp_file

CB_FILES = (3, 6, 9)
"""mknapcb files of 500 items (5, 10 and 30 rows); instance 0 of each."""


def instances() -> list[tuple[str, object]]:
    """(set, instance) pairs of the section."""
    data = data_dir()
    out = [("mknapcb", read_mkp_file(data / "orlib" / f"mknapcb{k}.txt")[0]) for k in CB_FILES]
    for k in range(1, 12):
        out += [("gk", inst) for inst in read_mkp_file(data / "gk" / f"gk{k}.dat")]
    return out


def _gap(found, bound) -> float | None:
    """The plan's relative gap (spmo.engine.plan.relative_gap), for raw solvers too."""
    return relative_gap(bound, found)


def run_instance(set_name: str, inst, time_limit: float) -> dict:
    """One row: raw CP-SAT, raw HiGHS and spmo (auto) on one instance."""
    workers = len(os.sched_getaffinity(0))
    cp = raw_cpsat(inst, time_limit, workers)
    hs = raw_highs(inst, time_limit)
    spmo = run_job(Job(set_name, inst, "auto", inst.known, False), time_limit)
    best_raw = max((r["objective"] for r in (cp, hs) if r["objective"] is not None),
                   default=None)
    gaps = [g for g in (_gap(cp["objective"], cp["bound"]),
                        _gap(hs["objective"], hs["bound"])) if g is not None]
    spmo_gap = _gap(spmo.get("found"), spmo.get("bound"))
    return {"section": "raw", "set": set_name, "instance": inst.name,
            "size": f"{inst.m}x{inst.n}", "time_limit_s": time_limit,
            "raw_cpsat_found": cp["objective"], "raw_cpsat_gap": _gap(cp["objective"], cp["bound"]),
            "raw_highs_found": hs["objective"], "raw_highs_gap": _gap(hs["objective"], hs["bound"]),
            "spmo_found": spmo.get("found"), "spmo_gap": spmo_gap,
            "spmo_minus_best_raw": None if best_raw is None or spmo.get("found") is None
            else spmo["found"] - best_raw,
            "spmo_gap_not_worse": None if spmo_gap is None or not gaps
            else spmo_gap <= min(gaps) + 1e-9,
            "spmo_seconds_total": spmo.get("seconds_total"), "spmo_error": spmo.get("error")}
