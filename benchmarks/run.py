"""spmo benchmarks: published MKP optima, spmo's overhead over raw solvers, scale.

    .venv/bin/python benchmarks/run.py [--quick] [--time-limit S] [--sections a,b,c,d,e,f]

Writes benchmarks/results/<YYYY-MM-DD>-<hostname>.md and .csv (-quick.md/.csv with
--quick, so a quick run never overwrites the day's full one; one CSV row per
instance x backend, overhead solver, or scale case; a `section` column tells
which), headed by the machine. Sections:
  a. optima   - mknap1, mknap2, Chu & Beasley mknapcb1-9 #0/10/20, GK gk1-11,
                per backend, through plan(), at --time-limit (default 20 s);
  b. overhead - mknapcb1 #0 on raw CP-SAT / raw highspy vs through spmo;
  c. scale    - generated 1,000x12, 10,000x20, 50,000x20 and 100,000x20
                portfolios, stage by stage, each in its own process (peak RSS
                per case), each within issue 18's time limit for the request;
                raw HiGHS and raw CP-SAT on spmo's model beside 10,000x20 and
                50,000x20;
  d. raw      - GK gk1-11 and mknapcb3/6/9 #0: raw CP-SAT, raw HiGHS and spmo
                (auto) at --time-limit, gaps side by side;
  e. targets  - issue 18's table, one row per target (bench_targets): exact
                explanations and the 11-level frontier of the example, a
                warm-started scenario against cold, generated 300x12 and
                1,000x12 beside raw HiGHS and raw CP-SAT on spmo's model.
  f. decide   - the Monte Carlo of a fixed 1,000-project plan (10,000 samples)
                and sensitivity on the example (bench_decide.py).
--quick: mknap1+mknap2 on highs only, mknapcb1/4/7 #0 at 5 s, overhead at 5 s,
scale 1,000x12 only, no section d, section e with 300x12 only at --mid-limit
(default 10 s), sensitivity without weights at 5 s: a few minutes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import socket
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_decide  # noqa: E402
import bench_optima  # noqa: E402
import bench_overhead  # noqa: E402
import bench_raw  # noqa: E402
import bench_scale  # noqa: E402
import bench_targets  # noqa: E402

console = Console(stderr=True)


def machine() -> dict:
    """CPU, cores, memory, Python and solver versions, spmo commit."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    try:
        commit = subprocess.run(["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(HERE.parent), "status", "--porcelain"],
                               capture_output=True, text=True, check=True).stdout.strip()
        commit += " (with uncommitted changes)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {"host": socket.gethostname(), "cpu": cpu,
            "cores": f"{os.cpu_count()} logical" + (f", {affinity} usable" if affinity else ""),
            "memory": memory, "os": platform.platform(),
            "python": platform.python_version(), "ortools": version("ortools"),
            "highspy": version("highspy"), "pulp": version("pulp"), "spmo": version("spmo"),
            "spmo commit": commit}


def md_table(rows: list[dict]) -> str:
    """A markdown table of rows (columns: the first row's keys, then any new ones)."""
    if not rows:
        return "_(none)_\n"
    cols: list[str] = []
    for row in rows:
        cols += [k for k in row if k not in cols]

    def cell(value) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.1f}"
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(cell(r.get(c)) for c in cols) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def write_csv(path: Path, rows: list[dict]) -> None:
    cols: list[str] = []
    for row in rows:
        cols += [k for k in row if k not in cols and k != "traceback"]
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})


def new_progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=False)


def section_optima(args, out: list[str], rows: list[dict]) -> None:
    jobs, notes = bench_optima.make_jobs(args.quick)
    results = []
    with new_progress() as progress:
        task = progress.add_task("a. published optima", total=len(jobs))
        for job in jobs:
            progress.update(task, description=f"a. {job.inst.name} [{job.backend}]")
            results.append(bench_optima.run_job(job, args.time_limit))
            progress.advance(task)
    rows += results
    out.append(f"## a. Published optima (time limit {args.time_limit:g} s per solve, "
               "relative gap 0, through `plan()`)\n")
    out.append("Found value vs `best_known.csv` (proven optimum where `known proven` is yes; "
               "otherwise the best known value). `status` optimal = proven by the solver. "
               "`gap to known %` = (known - found) / known.\n")
    out += [f"- {note}" for note in notes]
    out.append("\n### Summary\n")
    out.append(md_table(bench_optima.summary(results)))
    out.append("\n### Per instance\n")
    out.append(md_table(bench_optima.table_rows(results)))


def section_overhead(args, out: list[str], rows: list[dict]) -> None:
    limit = args.overhead_limit
    with new_progress() as progress:
        task = progress.add_task("b. overhead (raw vs spmo)", total=bench_overhead.STEPS)
        result = bench_overhead.run(limit, progress=lambda: progress.advance(task))
    rows += result
    out.append(f"## b. spmo's overhead (mknapcb1 #0, 5x100; time limit {limit:g} s, gap 0)\n")
    out.append("raw = a plain model written for the solver; spmo = JSON text -> read -> "
               "validate -> plan() (derive, build, translate, solve, check, report). "
               "`spmo_non_solver_s` = spmo total - solver time (translation counted as "
               "spmo's). The solver's search time itself varies run to run, so when both "
               "prove optimality the ratio mostly shows that variation.\n")
    keys = ["backend", "raw_status", "raw_objective", "raw_build_s", "raw_solve_s",
            "raw_total_s", "spmo_status", "spmo_objective", "spmo_read_s", "spmo_validate_s",
            "spmo_translate_s", "spmo_solve_s", "spmo_plan_s", "spmo_total_s",
            "spmo_non_solver_s", "ratio_total"]
    out.append(md_table([{k: r[k] for k in keys} for r in result]))
    out.append("\nModels: " + "; ".join(f"{r['backend']}: raw {r['raw_model']}, spmo "
                                         f"{r['spmo_model']}" for r in result)
               + " (spmo adds a `window[P]` row per project).\n")


def section_scale(args, out: list[str], rows: list[dict]) -> None:
    cases = bench_scale.CASES_QUICK if args.quick else bench_scale.CASES_FULL
    results, raws = [], []
    with new_progress() as progress:
        steps = len(bench_scale.STAGES)
        task = progress.add_task("c. scale", total=steps * len(cases))
        for n, periods in cases:
            label = f"c. {n:,}x{periods}"
            progress.update(task, description=f"{label}: start")
            done = progress.tasks[task].completed

            def tick(stage: str, label=label) -> None:
                progress.update(task, description=f"{label}: {stage} done")
                progress.advance(task)

            limit = args.scale_limit or bench_scale.LIMITS.get(n, 60.0)
            case = bench_scale.run_case(n, periods, limit, on_stage=tick,
                                        timeout=args.scale_timeout)
            progress.update(task, completed=done + steps)
            results.append(bench_scale.flat_row(case))
            if n in bench_scale.RAW_CASES and not args.quick:
                for solver in ("highs", "cpsat"):
                    progress.update(task, description=f"{label}: raw {solver}")
                    raws.append(bench_scale.run_case(n, periods, limit, raw=solver,
                                                     timeout=args.scale_timeout))
    rows += results
    rows += [{"section": "scale_raw", **{k: v for k, v in r.items() if not isinstance(v, dict)}}
             for r in raws]
    limits = f"{args.scale_limit:g} s" if args.scale_limit else \
        "the issue's time limit per case (60 s up to 10,000 projects, 120 s at 50,000, " \
        "300 s at 100,000)"
    out.append(f"## c. Scale (generated portfolios, seed {bench_scale.SEED}, auto backend, "
               f"{limits} bounding each request, one process per case)\n")
    head = ["case", "status", "backend", "objective", "bound", "gap", "selected",
            "time_limit_s", "solve_limit_s", "request_s", "json_mb",
            "variables", "binaries", "rows", "nonzeros", "read_to_model_s",
            "first_checked_plan_s", "peak_mb", "ru_maxrss_mb"]
    out.append(md_table([{k: r.get(k) for k in head + ["error"] if k in r} for r in results]))
    out.append("\n`gap` is the plan's, relative: |bound - objective| / max(|objective|, 1e-9); "
               "`read_to_model_s` = read + validate + derive + build; "
               "`first_checked_plan_s` adds the greedy first plan and its independent "
               "check; `request_s` = read + validate + derive + build + first_plan + solve "
               "+ report, what a request's clock counts (bounded by `time_limit_s`, as in "
               "plan()); `solve_limit_s` = what the stages before the solve and the "
               "report's reserve (planning.options.report_reserve) left it.\n")
    if raws:
        out.append(raw_beside(results, raws))
    out.append("\nSeconds per stage (serialise = json.dumps; read = json.loads + "
               "from_document; first_check = the checker on the greedy plan; check = the "
               "independent checker; report = the Plan, which checks again and adds "
               "reasons, spend, utilisation):\n")
    stages = [{"case": r["case"], **{s: r.get(f"{s}_s") for s in bench_scale.STAGES},
               "total": r.get("total_s")} for r in results]
    out.append(md_table(stages))
    out.append("\nPeak RSS of the case's process (MiB, VmHWM) after each stage "
               "(`ru_maxrss_mb` above is getrusage's figure, which on Linux also carries "
               "the forking parent's RSS):\n")
    peaks = [{"case": r["case"], **{s: r.get(f"{s}_peak_mb") for s in bench_scale.STAGES}}
             for r in results]
    out.append(md_table(peaks))


def raw_beside(results: list[dict], raws: list[dict]) -> str:
    """Section c's raw solvers beside spmo: each gap against its own bound and
    against the best bound any of them proved on the case."""
    from spmo.engine.plan import relative_gap

    table = []
    for r in results:
        n = int(r["case"].split("x")[0].replace(",", ""))
        same = [c for c in raws if c["projects"] == n]
        if not same:
            continue
        bounds = [b for b in [r.get("bound")] + [c.get("bound") for c in same] if b is not None]
        best = min(bounds, default=None)
        entry = {"case": r["case"], "time_limit_s": r.get("time_limit_s"),
                 "best_bound": best, "spmo_objective": r.get("objective"),
                 "spmo_gap": r.get("gap"),
                 "spmo_gap_to_best_bound": relative_gap(best, r.get("objective"))}
        for c in same:
            name = c.get("solver")
            entry |= {f"{name}_objective": c.get("objective"), f"{name}_gap": c.get("gap"),
                      f"{name}_gap_to_best_bound": relative_gap(best, c.get("objective")),
                      f"{name}_solve_s": c.get("solve_s"), f"{name}_check_ok":
                      c.get("check_ok"), f"{name}_peak_mb": c.get("peak_mb"),
                      f"{name}_error": c.get("error")}
        table.append(entry)
    return ("\nBeside the raw solvers (benchmarks/raw_solvers.py: HiGHS and CP-SAT on "
            "spmo's own model, every core, the whole time limit for their solve alone; "
            "their plans through spmo's checker; `*_gap_to_best_bound` against the "
            "lowest bound any of the three proved):\n\n" + md_table(table) + "\n")


def section_raw(args, out: list[str], rows: list[dict]) -> None:
    if args.quick:
        return
    pairs = bench_raw.instances()
    results = []
    with new_progress() as progress:
        task = progress.add_task("d. spmo vs raw solvers", total=len(pairs))
        for set_name, inst in pairs:
            results.append(bench_raw.run_instance(set_name, inst, args.time_limit))
            progress.advance(task)
    rows += results
    out.append(f"## d. spmo against raw solvers (time limit {args.time_limit:g} s each)\n")
    out.append(bench_raw.__doc__.split("\n\n", 1)[1].strip() + "\n")
    out.append(md_table(results))
    kept = sum(bool(r["spmo_gap_not_worse"]) for r in results)
    out.append(f"\nspmo's gap no worse than the better raw solver's on {kept} of "
               f"{len(results)} instances.\n")


def section_decide(args, out: list[str], rows: list[dict]) -> None:
    results = [bench_decide.montecarlo()]
    results.append(bench_decide.sensitivity(5.0, 0, False) if args.quick
                   else bench_decide.sensitivity())
    rows += results
    out.append("## f. Decision studies\n")
    out.append(bench_decide.__doc__.split("\n\n", 1)[1].strip() + "\n")
    out.append(md_table(results))


def section_targets(args, out: list[str], rows: list[dict]) -> None:
    with new_progress() as progress:
        task = progress.add_task("e. issue 18 targets", total=None)
        results = bench_targets.run(args.quick, args.mid_limit,
                                    progress=lambda: progress.advance(task))
    rows += results
    out.append(f"## e. Targets of issue 18 (mid-size limit {args.mid_limit:g} s)\n")
    out.append(bench_targets.__doc__.split("\n\n", 1)[1].strip() + "\n")
    out.append(f"Load average at the start: {os.getloadavg()[0]:.1f} "
               f"({os.cpu_count()} cores): timings on a shared machine.\n")
    out.append(md_table([{k: v for k, v in r.items() if k != "section"} for r in results]))


SECTIONS = {"a": section_optima, "b": section_overhead, "c": section_scale,
            "d": section_raw, "e": section_targets,
            "f": section_decide}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few minutes' subset")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="seconds per solve in section a (default 20; --quick 5)")
    parser.add_argument("--overhead-limit", type=float, default=None,
                        help="seconds per solve in section b (default 60; --quick 5)")
    parser.add_argument("--scale-limit", type=float, default=None,
                        help="seconds bounding each request of section c (default: the "
                             "issue's, 60 s to 10,000 projects, 120 s at 50,000, 300 s "
                             "at 100,000)")
    parser.add_argument("--scale-timeout", type=float, default=1800.0,
                        help="kill a scale case after this many seconds (default 1800)")
    parser.add_argument("--sections", default="a,b,c,d,e,f",
                        help="which of a,b,c,d,e,f (default all)")
    parser.add_argument("--mid-limit", type=float, default=None,
                        help="seconds per mid-size solve in section e (default 60; --quick 10)")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="results folder")
    parser.add_argument("--tag", default="",
                        help="suffix of the result file names (default: 'quick' with --quick)")
    args = parser.parse_args(argv)
    if args.time_limit is None:
        args.time_limit = 5.0 if args.quick else 20.0
    if args.mid_limit is None:
        args.mid_limit = 10.0 if args.quick else 60.0
    if args.overhead_limit is None:
        args.overhead_limit = 5.0 if args.quick else 60.0
    chosen = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {unknown}; choose from a, b, c, d, e")
    bench_optima.data_dir()  # fail early and clearly without the data

    info = machine()
    stamp = dt.date.today().isoformat()
    tag = args.tag or ("quick" if args.quick else "")
    stem = f"{stamp}-{info['host']}" + (f"-{tag}" if tag else "")
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    out = [f"# spmo benchmarks, {stamp} on {info['host']}\n",
           f"Mode: {'--quick' if args.quick else 'full'}; sections {', '.join(chosen)}; "
           f"command: `{' '.join([Path(sys.executable).name, 'benchmarks/run.py', *sys.argv[1:]])}`"
           "\n", "## Machine\n", md_table([{"item": k, "value": v} for k, v in info.items()])]
    rows: list[dict] = []
    for key in chosen:
        t0 = time.perf_counter()
        SECTIONS[key](args, out, rows)
        out.append(f"\n_Section {key}: {time.perf_counter() - t0:.0f} s wall._\n")
        _write(args.out, stem, out, rows, info)  # partial results survive a later crash
    out.append(f"\nTotal wall time: {time.perf_counter() - started:.0f} s.\n")
    md, csv_path = _write(args.out, stem, out, rows, info)
    console.print(f"wrote {md} and {csv_path}")
    return 0


def _write(folder: Path, stem: str, out: list[str], rows: list[dict], info: dict):
    md, csv_path = folder / f"{stem}.md", folder / f"{stem}.csv"
    md.write_text("\n".join(out))
    header = {"section": "machine", **{k.replace(" ", "_"): v for k, v in info.items()}}
    write_csv(csv_path, [header] + rows)
    return md, csv_path


if __name__ == "__main__":
    raise SystemExit(main())
