"""Sensitivity of the optimal plan: how far each project's value or score may
move, and how far each objective weight, before the selection changes.

Projects. Let OPT be the optimum and x* its plan. Shift project j's
objective coefficient by d at every one of its starts (its financial value
F_j(s), or its strategic score S_j, moves by the same amount at each start).
Since a plan holds at most one start of j (`window[j]`), every plan that
selects j gains exactly d and every other plan is unchanged, so the new
optimum is max(OPT_in + d, OPT_out), where OPT_in and OPT_out are the
optima with j forced in and forced out. Hence, exactly:

- a selected j stays in while its coefficient falls by less than
  OPT - OPT_out (its `objective_margin`); past it the plan without j is
  strictly better and the selection changes;
- an excluded j stays out until its coefficient rises by more than
  OPT - OPT_in (its cost_to_include); past it the best plan with j wins.

One forced re-solve per project (planning.counterfactual, batched through
solvers.batch, progress shown; without a time limit each is bounded by the
deterministic work cap of `auto` explanations, so the figures do not depend
on the machine's load; each starts from the greedy's repair of the base plan,
which under the same cap proves more of them), with the proof of each: both optima proven
give an exact margin, else the interval [z - B, U - F] the bounds prove.
The margin is then said in the project's own units by dividing by its
objective coefficient per unit: financial 1 per unit of F_j, so value_p *
success_probability gives value / success_probability per unit of `value`
(a project with `benefits` is said in units of financial value); strategic
1 per unit of S_j; blend beta / S_all per unit of score and (1 - beta) /
F_all per unit of financial value. The blend's normalisers S_all, F_all are
sums over every project, so they move with the project's own value: the
blend's figures hold them at today's values (said in `notes`), exact in
objective units, first-order in the project's units.

A forced-out project, one that fits no window, and (financial objective) an
unaligned one under require_alignment never enter however their value rises
(status `never`); an unaligned one enters under a strategic or blend
objective once its score rises above max(0, the margin with its alignment
row lifted); a project no plan can leave out (mandatory, forced in, or
required by one) never leaves.

Weights (strategic and blend objectives, two or more objectives):
- `stay_in`: N seeded samples of weights w'_o = w_o u_o / sum_k w_k u_k,
  u_o uniform in [1 - r, 1 + r] (r the radius, default 10 %), each re-solved
  (batched); a project's share is the share of samples whose optimum
  selects it.
- `weight_ranges`: for each objective o, w_o = t moves while the others keep
  their proportions (w_k (1 - t) / (1 - w_o)). Scores are >= 0, so S_p(t)
  and S_all(t) are linear in t, and every plan's objective times S_all(t)
  (> 0, which keeps the order of plans) is a line H_x(t). The optimum over
  plans is their upper envelope, convex and piecewise linear; x* is optimal
  on the interval around w_o where its line is on the envelope. Each end is
  found by the Eisner-Severance (Newton) search: solve at the far end t; if
  the optimum x' beats x* there, move t to where the lines of x* and x'
  cross and solve again; when x* is optimal at t, t is the end. Exact with
  proven solves, in finitely many solves. The search keeps t within
  [1e-6, 1 - 1e-6] (at 0 or 1 an objective's projects may lose their
  alignment, which changes the rows, not just the objective).

Both weight studies run on the base model with its objective rebuilt at
each weight vector, start every solve from the best plan known so far, answer
a sample without a solve where a known plan is proven optimal at its weights,
and start each range search from the known plans' envelope
(scenarios.sensitivity_weights, scenarios.weights, scenarios.weight_solves).
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

from pydantic import BaseModel, Field
from spmo.engine.derive import objective_term_weights
from spmo.engine.errors import InvalidPortfolio, Problem
from spmo.engine.plan import Plan
from spmo.engine.portfolio import Portfolio
from spmo.planning.counterfactual import drop_of, run_counterfactuals
from spmo.planning.first import first_x
from spmo.planning.instance import Instance
from spmo.planning.options import PlanOptions, solve_options

from .sensitivity_weights import StayShare, WeightRange, stay_in, study_of, weight_ranges

__all__ = ["ProjectMargin", "Sensitivity", "SensitivityOptions", "StayShare", "WeightRange",
           "sensitivity", "stay_in", "weight_ranges"]

MAX_SAMPLES = 2000


@dataclass(frozen=True)
class SensitivityOptions:
    """The weight samples (count, radius, seed), the solver and each solve's time."""

    samples: int = 30
    radius: float = 0.1
    seed: int = 1
    solver: str | None = None
    time_limit_s: float | None = None
    weights: bool = True


class ProjectMargin(BaseModel):
    project: str
    selected: bool
    direction: str = Field(description="fall: how far it may fall and stay in; rise: how far "
                           "it must rise to come in")
    status: str = Field(description="exact, interval (not proven), never, not_computed")
    objective_margin: float | None = Field(None, description=(
        "OPT - OPT_out (selected) or OPT - OPT_in (excluded), in objective units; the "
        "selection changes just past it"))
    objective_margin_low: float | None = Field(None, description="proven lower end")
    value_unit: str | None = Field(None, description="value (the projects column) or "
                                   "financial value (a project with benefits)")
    value_now: float | None = None
    value_margin: float | None = None
    value_threshold: float | None = None
    score_now: float | None = None
    score_margin: float | None = None
    score_threshold: float | None = None
    note: str = ""


class Sensitivity(BaseModel):
    objective_kind: str
    base_objective: float | None
    proven: bool
    projects: list[ProjectMargin]
    samples: int
    radius: float
    seed: int
    stay_in: list[StayShare]
    weight_ranges: list[WeightRange]
    notes: list[str]
    seconds: float


def check_options(options: SensitivityOptions) -> None:
    """InvalidPortfolio (table `sensitivity`) for a bad sample count or radius."""
    problems = []
    if isinstance(options.samples, bool) or not isinstance(options.samples, int) or \
            not 0 <= options.samples <= MAX_SAMPLES:
        problems.append(Problem("sensitivity", None, "samples",
                                f"a whole number from 0 to {MAX_SAMPLES}"))
    if not isinstance(options.radius, int | float) or not 0 <= options.radius < 1:
        problems.append(Problem("sensitivity", None, "radius", "a number in [0, 1)"))
    if problems:
        raise InvalidPortfolio(problems)


def sensitivity(portfolio: Portfolio, options: SensitivityOptions | None = None,
                progress=None) -> Sensitivity:
    """Project margins and weight sensitivity of the optimal plan (module docstring).
    `progress(done, total, stage)` follows each batch."""
    from spmo.planning.pipeline import plan

    options = options or SensitivityOptions()
    check_options(options)
    started = time.perf_counter()
    base = plan(portfolio, solver=options.solver, time_limit_s=options.time_limit_s,
                explain="none")
    notes: list[str] = []
    if base.objective is None:
        return Sensitivity(objective_kind=portfolio.objective_kind, base_objective=None,
                           proven=False, projects=[], samples=0, radius=options.radius,
                           seed=options.seed, stay_in=[], weight_ranges=[],
                           notes=[f"no plan: {base.status}"],
                           seconds=round(time.perf_counter() - started, 3))
    margins = project_margins(portfolio, base, options, _stage(progress, "projects"))
    if portfolio.objective_kind == "blend":
        notes.append("blend: margins in value and score units hold the normalisers S_all "
                      "and F_all at today's values (exact in objective units)")
    shares, ranges = [], []
    if options.weights and _weighted(portfolio):
        study = study_of(portfolio, base)  # the ranges' solves certify most samples
        ranges = weight_ranges(portfolio, base, options, _stage(progress, "weight ranges"),
                               study)
        shares = stay_in(portfolio, base, options, _stage(progress, "weight samples"), study)
        notes.append(_weight_note(options, study))
    elif options.weights:
        notes.append("weights: the objective does not depend on them (financial, or fewer "
                     "than two weighted objectives)")
    return Sensitivity(
        objective_kind=portfolio.objective_kind, base_objective=base.objective,
        proven=base.status == "optimal", projects=margins,
        samples=options.samples if shares else 0, radius=options.radius, seed=options.seed,
        stay_in=shares, weight_ranges=ranges, notes=notes,
        seconds=round(time.perf_counter() - started, 3))


def _weight_note(options: SensitivityOptions, study) -> str:
    """How the weight studies were solved (scenarios.sensitivity_weights)."""
    if study.objective is None:
        return (f"weights: {study.sample_solves} of {options.samples} samples solved, each "
                "weight vector's portfolio built and planned")
    return (f"weights: {study.sample_solves} of {options.samples} samples solved, the other "
            f"{options.samples - study.sample_solves} answered by a known plan proven optimal "
            "at their weights; every solve starts from the best known plan")


def _stage(progress, name: str):
    if progress is None:
        return None
    return lambda done, total: progress(done, total, name)


def _weighted(portfolio: Portfolio) -> bool:
    """Whether the objective in force depends on the objective weights."""
    if portfolio.objective_kind == "financial" or not portfolio.objectives_given:
        return False
    return len(portfolio.table("objectives")) >= 2


# ---- projects -----------------------------------------------------------------------------

def _blocked(portfolio: Portfolio, instance: Instance, project: str) -> str | None:
    """Why an excluded project can never come in by its value or score, or None."""
    row = portfolio.projects.loc[project]
    if row["force"] == "out":
        return "forced out: it never comes in"
    if not bool(instance.derived.windows["fits"][project]):
        return "fits no start window: it never comes in"
    if portfolio.require_alignment and not bool(instance.derived.aligned[project]) and \
            portfolio.objective_kind == "financial":
        return "serves no objective (require_alignment): no value brings it in"
    return None


def _pinned(portfolio: Portfolio, project: str) -> bool:
    row = portfolio.projects.loc[project]
    return row["status"] == "mandatory" or row["force"] == "in"


def project_margins(portfolio: Portfolio, base: Plan, options: SensitivityOptions,
                    progress=None) -> list[ProjectMargin]:
    """Every project's margin from one forced re-solve each (module docstring)."""
    instance = Instance.of(portfolio)
    chosen = {s.project for s in base.selected}
    out: dict[str, ProjectMargin] = {}
    tasks = []
    for p in portfolio.projects.index:
        selected = p in chosen
        direction = "fall" if selected else "rise"
        blocked = None if selected else _blocked(portfolio, instance, p)
        if selected and _pinned(portfolio, p):
            blocked = "mandatory or forced in: it never leaves"
        if blocked:
            out[p] = ProjectMargin(project=p, selected=selected, direction=direction,
                                   status="never", note=blocked)
        else:
            tasks.append((p, "out" if selected else "in"))
    solve = _resolve_options(portfolio, options)
    base_x, _ = first_x(instance, {s.project: s.start for s in base.selected})
    found = run_counterfactuals(instance.model, tasks, options.solver or
                                portfolio.settings.solver, solve, base_x, None, progress)
    for p, mode in tasks:
        out[p] = _margin(portfolio, instance, base, found[(p, mode)], mode == "out")
    return [out[p] for p in portfolio.projects.index]


def _resolve_options(portfolio: Portfolio, options: SensitivityOptions):
    """One re-solve's limits: the time limit asked for; without one, as `auto`
    explanations: the deterministic work cap (the same figures on a busy machine
    as on an idle one), the time cap as a net."""
    caps = PlanOptions().caps
    if options.time_limit_s is not None:
        return dataclasses.replace(solve_options(portfolio, PlanOptions(),
                                                 options.time_limit_s), workers=1)
    return dataclasses.replace(solve_options(portfolio, PlanOptions(), caps.counterfactual_s),
                               workers=1, work_limit=caps.counterfactual_work)


def _margin(portfolio: Portfolio, instance: Instance, base: Plan, found,
            selected: bool) -> ProjectMargin:
    """One project's margin from its counterfactual, in its own units."""
    p = found.project
    direction = "fall" if selected else "rise"
    drop = drop_of(found, base.objective, base.bound)
    if drop.infeasible:
        note = "no plan leaves it out: it never leaves" if selected else \
            "no plan contains it: it never comes in"
        return ProjectMargin(project=p, selected=selected, direction=direction,
                             status="never", note=note)
    if drop.value is None:
        return ProjectMargin(project=p, selected=selected, direction=direction,
                             status="not_computed", note="no forced plan found in time")
    margin, low, note = drop.value, drop.low, ""
    if low is not None and base.status == "optimal" and bool(instance.derived.aligned[p]):
        low = max(low, 0.0)  # a forced model is a restriction of a proven optimum's: OPT_p <= OPT
    if not selected and not bool(instance.derived.aligned[p]) and margin < 0:
        margin, low = 0.0, 0.0
        note = "comes in as soon as it serves an objective (score above 0)"
    return _in_units(portfolio, instance, ProjectMargin(
        project=p, selected=selected, direction=direction,
        status="exact" if drop.exact else "interval", objective_margin=margin,
        objective_margin_low=low, note=note))


def _in_units(portfolio: Portfolio, instance: Instance, m: ProjectMargin) -> ProjectMargin:
    """The objective margin said per unit of value and of score (module docstring)."""
    ws, wf = objective_term_weights(portfolio, instance.derived)
    sign = -1.0 if m.selected else 1.0
    margin = m.objective_margin
    if ws > 0:
        m.score_now = float(instance.derived.scores[m.project])
        m.score_margin = margin / ws
        m.score_threshold = m.score_now + sign * m.score_margin
    if wf > 0:
        row = portfolio.projects.loc[m.project]
        q = float(row["success_probability"])
        flat = not bool(instance.derived.start_dependent[m.project])
        if flat and q > 0:
            m.value_unit, m.value_now = "value", _number(row["value"], 0.0)
            m.value_margin = margin / (wf * q)
            m.value_threshold = m.value_now + sign * m.value_margin
        else:
            m.value_unit = "financial value"
            m.value_margin = margin / wf
    return m


def _number(value, default: float) -> float:
    return default if value is None or (isinstance(value, float) and math.isnan(value)) \
        else float(value)


