"""The weight half of scenarios.sensitivity: `stay_in` (each project's share of
the weight samples whose optimum selects it) and `weight_ranges` (for each
objective, the weights over which the plan stays optimal); the math is in
scenarios.sensitivity's docstring.

Where the objective at other weights can be rebuilt on the base model
(scenarios.weights), both run on that one model with the known plans
(scenarios.weight_solves): the range searches run first, from the known
plans' upper envelope, and their solves join the known plans; a sample a
known plan is certified optimal for (inside the region the range ends span,
most of them on the example) is not solved, and every solve starts from the
best known plan. Otherwise (partial
funding, a robust objective) each weight vector's portfolio is validated,
built and planned (`plan`), as the slow path below does.
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pandas as pd
from pydantic import BaseModel
from spmo.engine.derive import objective_weights
from spmo.engine.plan import Plan
from spmo.engine.portfolio import Portfolio
from spmo.engine.validate import validate_document
from spmo.planning.first import first_x
from spmo.planning.instance import Instance
from spmo.planning.options import PlanOptions, solve_options
from spmo.solvers.batch import run_batch

from .weight_solves import EndJob, Pool, range_end, stay_in_selections
from .weights import WeightedObjective, weights_at

EDGE = 1e-6
"""How close to 0 and 1 a weight range's search goes."""
MAX_STEPS = 30
TOL = 1e-9


class StayShare(BaseModel):
    project: str
    base_selected: bool
    share: float


class WeightRange(BaseModel):
    objective: str
    weight: float
    low: float | None
    high: float | None
    exact: bool
    solves: int


@dataclasses.dataclass
class WeightStudy:
    """What the weight studies share: the fast path (or None), the known
    plans, and how many samples were solved."""

    objective: WeightedObjective | None
    pool: Pool | None
    sample_solves: int = 0


def study_of(portfolio: Portfolio, base: Plan) -> WeightStudy:
    """The fast path when the base model's objective can be rebuilt at other
    weights and the base plan read back as the model's assignment."""
    instance = Instance.of(portfolio)
    weights, _ = objective_weights(portfolio)
    objective = WeightedObjective.of(portfolio, instance.model, weights)
    x = None
    if objective is not None:
        x, _ = first_x(instance, {s.project: s.start for s in base.selected})
    if x is None:
        return WeightStudy(None, None)
    solved = [] if base.status != "optimal" or base.bound is None else \
        [(weights, objective.norm(weights) * max(base.bound, base.objective))]
    return WeightStudy(objective, Pool([x], solved))


def samples_of(portfolio: Portfolio, options) -> list[pd.Series]:
    """The seeded weight samples w'_o = w_o u_o / sum_k w_k u_k."""
    weights, _ = objective_weights(portfolio)
    rng = np.random.default_rng(options.seed)
    out = []
    for _ in range(options.samples):
        w = weights * rng.uniform(1 - options.radius, 1 + options.radius, len(weights))
        out.append(w / w.sum())
    return out


def sample_options(portfolio: Portfolio, options):
    """One weight solve's limits: the time limit asked for, else the portfolio's; one thread."""
    limit = options.time_limit_s if options.time_limit_s is not None \
        else portfolio.settings.time_limit_s
    return dataclasses.replace(solve_options(portfolio, PlanOptions(), limit), workers=1)


def stay_in(portfolio: Portfolio, base: Plan, options, progress=None,
            study: WeightStudy | None = None) -> list[StayShare]:
    """Each project's share of the weight samples whose optimum selects it."""
    study = study or study_of(portfolio, base)
    samples = samples_of(portfolio, options)
    if study.objective is not None:
        chosen_lists, study.sample_solves = stay_in_selections(
            study.objective, samples, study.pool, options.solver,
            sample_options(portfolio, options), progress)
    else:
        items = [(_document_with(portfolio, w), options.solver, options.time_limit_s)
                 for w in samples]
        chosen_lists = [r[2] for r in run_batch(_solve_document, items, progress=progress)]
        study.sample_solves = len(items)
    counts = pd.Series([p for chosen in chosen_lists for p in chosen],
                       dtype=object).value_counts()
    chosen = {s.project for s in base.selected}
    shares = [StayShare(project=str(p), base_selected=p in chosen,
                        share=float(counts.get(p, 0)) / max(1, len(chosen_lists)))
              for p in portfolio.projects.index]
    return sorted(shares, key=lambda s: (not s.base_selected, -s.share, s.project))


def weight_ranges(portfolio: Portfolio, base: Plan, options, progress=None,
                  study: WeightStudy | None = None) -> list[WeightRange]:
    """For each objective, the weights over which the plan stays optimal."""
    study = study or study_of(portfolio, base)
    weights, _ = objective_weights(portfolio)
    moving = [o for o in weights.index if 0 < weights[o] < 1]
    if study.objective is not None:
        known = list(study.pool.known)
        items = [EndJob(study.objective, weights, o, known[0], far, known, options.solver,
                        sample_options(portfolio, options))
                 for o in moving for far in (EDGE, 1 - EDGE)]
        found = run_batch(range_end, items, progress=progress)
        for end in found:
            for at, solved in end.solves:
                study.pool.add(at, solved)
        ends = [(end.t, end.proven, len(end.solves)) for end in found]
    else:
        plan_of = ([s.project for s in base.selected], base.kpis.financial_value)
        items = [(portfolio, o, weights, plan_of, far, options.solver, options.time_limit_s)
                 for o in moving for far in (EDGE, 1 - EDGE)]
        ends = run_batch(_range_end, items, progress=progress)
    out = []
    for k, o in enumerate(moving):
        (low, p_low, n_low), (high, p_high, n_high) = ends[2 * k], ends[2 * k + 1]
        out.append(WeightRange(objective=str(o), weight=float(weights[o]),
                               low=0.0 if low <= EDGE else low,
                               high=1.0 if high >= 1 - EDGE else high,
                               exact=p_low and p_high and base.status == "optimal",
                               solves=n_low + n_high))
    return out


# ---- the slow path: one portfolio per weight vector ----------------------------------------

def _document_with(portfolio: Portfolio, weights: pd.Series) -> dict:
    """The portfolio's document with explicit objective weights (pairwise
    judgements dropped), solved single-threaded."""
    doc = copy.deepcopy(portfolio.to_document())
    doc.pop("pairwise", None)
    for o in doc["objectives"]:
        o["weight"] = float(weights[o["id"]])
    doc["settings"] = {**doc.get("settings", {}), "workers": 1}
    return doc


def _solve_document(item) -> tuple[str, float | None, list[str], float]:
    """(status, objective, selection, financial value) of a document's plan."""
    from spmo.planning.pipeline import plan

    document, solver, seconds = item
    result = plan(validate_document(document), solver=solver, time_limit_s=seconds,
                  explain="none")
    return (result.status, result.objective, [s.project for s in result.selected],
            result.kpis.financial_value)


@dataclasses.dataclass(frozen=True)
class _Lines:
    """What makes H_x(t) of a plan x when objective o's weight is t."""

    a: pd.Series
    """per project, the slope of S_p(t) = b_p + t (a_p - b_p)"""
    b: pd.Series
    beta: float
    f_all: float
    kind: str
    synergy: pd.DataFrame

    def line(self, selected: list[str], financial: float) -> tuple[float, float]:
        """(intercept, slope) of H_x(t) (module docstring)."""
        chosen = set(selected)
        both = self.synergy["project_a"].isin(chosen) & self.synergy["project_b"].isin(chosen)
        syn = float(self.synergy.loc[both, "score"].sum())
        s0 = float(self.b.reindex(selected).sum()) + syn
        s1 = float((self.a - self.b).reindex(selected).sum())
        if self.kind == "strategic":
            return s0, s1
        all0, all1 = float(self.b.sum()), float((self.a - self.b).sum())
        share = (1 - self.beta) * financial / self.f_all if self.f_all > 0 else 0.0
        return self.beta * s0 + share * all0, self.beta * s1 + share * all1


def _lines(portfolio: Portfolio, objective: str, weights: pd.Series) -> _Lines:
    from spmo.engine.derive import blend_normalisers, derive

    align = portfolio.table("alignment")
    ids = portfolio.projects.index
    own = align[align["objective"] == objective].groupby("project")["score"].sum()
    rest_w = align["objective"].map(weights).fillna(0.0) * (align["objective"] != objective)
    rest = (align["score"] * rest_w).groupby(align["project"]).sum() / (1 - weights[objective])
    _, f_all = blend_normalisers(portfolio, derive(portfolio))
    return _Lines(own.reindex(ids).fillna(0.0), rest.reindex(ids).fillna(0.0),
                  portfolio.settings.blend, f_all, portfolio.objective_kind,
                  portfolio.table("synergies"))


def _range_end(item) -> tuple[float, bool, int]:
    """One end of objective o's range: (t, proven, solves) by the search of the
    module docstring, from the far end towards the weight today."""
    portfolio, objective, weights, base, far, solver, seconds = item
    lines = _lines(portfolio, objective, weights)
    a_star, b_star = lines.line(base[0], base[1])
    t, proven, solves = far, True, 0
    for _ in range(MAX_STEPS):
        status, _, chosen, financial = _solve_document(
            (_document_with(portfolio, weights_at(weights, objective, t)), solver, seconds))
        solves += 1
        if status not in ("optimal", "feasible"):
            return t, False, solves
        proven &= status == "optimal"
        a, b = lines.line(chosen, financial)
        if a + b * t <= a_star + b_star * t + TOL * max(1.0, abs(a_star + b_star * t)):
            return t, proven, solves
        if abs(b - b_star) <= TOL:
            return t, False, solves
        t = (a_star - a) / (b - b_star)
    return t, False, solves
