"""cost_to_include: how much the objective drops if an excluded project is forced in.

Exact: re-solve the model forced as a planner would force it
(engine.model.transforms.forced) and report OPT - OPT_p, with the selected
projects the forced plan drops (displaced). The drop is negative when forcing
in gains: a project kept out by its own force or alignment row, whose rows the
force lifts. Every counterfactual is independent, so the batch runs through
solvers.batch; each re-solve is bounded by deterministic work and by what is
left of the request's deadline.

What a re-solve proves: with the base plan's objective z (z = OPT when
proven, else z <= OPT <= U, U the base bound) and the forced re-solve's plan
F <= OPT_p <= B (its bound), the drop OPT - OPT_p lies in [z - B, U - F]:
exact when both are proven (z = U, F = B).

Estimates (large portfolios): with the LP relaxation's optimum LP* and
reduced costs r (maximising), every plan with p at any start j obeys
c.x <= LP* + max_j min(0, r_j) (complementary slackness), so the drop is at
least z - LP* + min_j max(0, -r_j): a lower bound, reported as "at least"
only when positive, else "not estimated". The other end comes from a quick
repair (`repairs`): the base plan with p forced in, keeping the base plan's
starts that still fit, then the others that fit, in the greedy's order
(solvers.large.greedy; 0.04 s a project on a 1,000 x 12 portfolio):
a plan with p of objective F_p, so OPT_p >= F_p and the drop is at most
U - F_p; where forcing p in only restricts the model (p is not forced out
or unaligned, whose own rows forcing lifts), OPT_p <= OPT <= U and the drop
is at least z - U. Together: a proven interval for every project the repair
places (for a forced-out or unaligned one, its upper end), in deterministic
work (one greedy pass each), with the projects it displaces.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np
from spmo.engine.model.decode import selected_projects
from spmo.engine.model.linear import LinearModel
from spmo.engine.model.transforms import forced
from spmo.engine.rows import Family
from spmo.solvers.base import SolveOptions, Status
from spmo.solvers.batch import default_workers, run_batch
from spmo.solvers.highs import lp_duals
from spmo.solvers.large.greedy import greedy_plan, value_density
from spmo.solvers.large.lagrange import lagrangian
from spmo.solvers.registry import LARGE_NONZEROS
from spmo.solvers.strategy import solve

from .dual_bounds import forced_in_bounds


@dataclass(frozen=True)
class Counterfactual:
    """One forced re-solve: its status (or `skipped` when the deadline had
    passed), the best forced plan's objective and selection, its bound."""

    project: str
    mode: str
    status: str
    objective: float | None = None
    bound: float | None = None
    selected: tuple[str, ...] = ()


@dataclass(frozen=True)
class Task:
    """What a worker needs for one counterfactual (picklable)."""

    model: LinearModel
    project: str
    mode: str
    solver: str
    options: SolveOptions
    base_x: np.ndarray | None
    deadline_at: float | None


def solve_forced(task: Task) -> Counterfactual:
    """One counterfactual (top-level so a process pool can run it)."""
    options = task.options
    if task.deadline_at is not None:
        left = task.deadline_at - time.time()
        if left <= 0.05:
            return Counterfactual(task.project, task.mode, "skipped")
        options = dataclasses.replace(options, time_limit_s=min(options.time_limit_s, left))
    changed = forced(task.model, task.project, task.mode)
    first = greedy_plan(changed, prefer=task.base_x)
    result = solve(changed, task.solver, options, first=first)
    if result.status == Status.INFEASIBLE or result.x is None:
        return Counterfactual(task.project, task.mode, result.status.value, bound=result.bound)
    return Counterfactual(task.project, task.mode, result.status.value,
                          float(task.model.c @ result.x), result.bound,
                          tuple(selected_projects(task.model, result.x)))


def run_counterfactuals(model: LinearModel, tasks: list[tuple[str, str]], solver: str,
                        options: SolveOptions, base_x: np.ndarray | None,
                        deadline_at: float | None, progress=None
                        ) -> dict[tuple[str, str], Counterfactual]:
    """Every (project, mode) counterfactual, one worker thread each, in parallel."""
    single = dataclasses.replace(options, workers=1, hint=None)
    results = run_batch(solve_forced, [Task(model, p, m, solver, single, base_x, deadline_at)
                                       for p, m in tasks], progress=progress)
    return {(r.project, r.mode): r for r in results}


@dataclass(frozen=True)
class Drop:
    """What the counterfactual proves about OPT - OPT_p."""

    low: float | None
    high: float | None
    exact: bool
    infeasible: bool = False

    @property
    def value(self) -> float | None:
        """The figure to report: exact, else the drop of the best forced plan found."""
        return self.high


def drop_of(c: Counterfactual, objective: float, bound: float | None) -> Drop:
    """The interval [z - B, U - F] of the module docstring."""
    if c.status == Status.INFEASIBLE.value:
        return Drop(None, None, False, infeasible=True)
    upper_base = objective if bound is None else max(bound, objective)
    high = None if c.objective is None else upper_base - c.objective
    low = None if c.bound is None else objective - max(c.bound, c.objective or -np.inf)
    exact = high is not None and low is not None and abs(high - low) <= \
        1e-9 * max(1.0, abs(objective))
    return Drop(low, high, exact)


def lifted(model: LinearModel, projects: list[str]) -> LinearModel:
    """The model with the force and alignment rows of `projects` lifted (as
    forcing each in would lift its own): a relaxation of every one of their
    forced models, so what no plan of it contains, no forced plan does."""
    lo, hi = model.row_lo.copy(), model.row_hi.copy()
    rows = np.isin(model.row_project, list(projects)) & \
        np.isin(model.row_family, [Family.FORCE, Family.ALIGNMENT])
    lo[rows], hi[rows] = -np.inf, np.inf
    return dataclasses.replace(model, row_lo=lo, row_hi=hi)


def lp_estimates(model: LinearModel, projects: list[str], objective: float, seconds: float,
                 reduced: np.ndarray | None = None, lp_bound: float | None = None,
                 lifted_projects: tuple[str, ...] = ()) -> dict[str, float]:
    """A lower bound on each project's drop (module docstring): LP duals from
    HiGHS within `seconds`, else (or for a model `auto` gives the Lagrangian
    backend) Lagrangian prices. `reduced`, `lp_bound`: prices already found.
    `lifted_projects` (forced out or unaligned: forcing them in lifts their
    own rows) get z - U_p from the LP's row prices (planning.dual_bounds)
    when HiGHS gives them."""
    if not projects and not lifted_projects:
        return {}
    drop, bound = (None, None) if reduced is None else (-reduced, lp_bound)
    out = {}
    if drop is None and len(model.a_val) <= LARGE_NONZEROS:
        duals = lp_duals(model, seconds)
        if duals is not None:
            drop, bound = duals[0], duals[1]
            bounds = forced_in_bounds(model, list(lifted_projects), -duals[0], -duals[2])
            out = {p: objective - u for p, u in bounds.items()}
    if not projects:
        return out
    if drop is None:
        relaxed = lagrangian(model, seconds, greedy=False)
        drop, bound = -relaxed.reduced, relaxed.bound
    if bound is None or len(drop) != model.n_vars:
        return {}
    starts = model.starts
    least = starts.assign(drop=np.maximum(0.0, drop[: len(starts)])) \
        .groupby("project")["drop"].min()
    return out | {p: float(least[p]) - (bound - objective) for p in projects
                  if p in least.index}


@dataclass(frozen=True)
class Repair:
    """The quick repair of the base plan with `project` forced in: its objective
    and selection, or None when the greedy found no plan that keeps every row."""

    project: str
    objective: float | None
    selected: tuple[str, ...] = ()


def _repair_chunk(item) -> list[Repair]:
    """Repairs of a chunk of projects (top-level, for a process pool); stops
    at `deadline_at` (the request's deadline: a safety net, the work is bounded)."""
    model, base_x, density, projects, deadline_at = item
    out = []
    for project in projects:
        if deadline_at is not None and time.time() >= deadline_at:
            break
        x = greedy_plan(forced(model, project, "in"), prefer=base_x, score=density)
        out.append(Repair(project, None) if x is None else Repair(
            project, float(model.c @ x), tuple(selected_projects(model, x))))
    return out


def repairs(model: LinearModel, projects: list[str], base_x: np.ndarray,
            deadline_at: float | None, workers: int | None = None) -> dict[str, Repair]:
    """Each project's quick repair (module docstring), in one chunk per worker
    (solvers.batch), the model's column view computed once before the split."""
    if not projects:
        return {}
    model.by_column  # noqa: B018 (computed once here, carried by every forced copy)
    density = value_density(model)
    width = max(1, min(default_workers(workers), len(projects)))
    chunks = [projects[i::width] for i in range(width)]
    done = run_batch(_repair_chunk, [(model, base_x, density, chunk, deadline_at)
                                     for chunk in chunks], width)
    return {r.project: r for chunk in done for r in chunk}
