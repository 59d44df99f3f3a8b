"""Monte Carlo: how robust the optimal portfolio is to uncertain values and costs.

Each sample s draws, per project p, independent mean-one lognormal factors

    v_ps = exp(sigma_v z - sigma_v^2 / 2),   k_ps = exp(sigma_c z' - sigma_c^2 / 2),

(z, z' standard normal; seeded), multiplies the project's `value` and its
`benefits` by v_ps and every one of its `costs` rows by k_ps (an overrun or
saving of the whole project), and then

1. re-checks the base plan (the optimum of the portfolio as given) against
   the sampled portfolio with the independent checker: does it still keep
   every budget and risk limit when costs come in as sampled?
2. re-optimises the sampled portfolio (one single-threaded solve per batch
   worker: solvers.batch, local processes or Dask).

The result gives the share of samples in which the base plan still holds,
the distribution of the re-optimised objective (each sample's, the mean
and the 5/10/50/90/95 % quantiles), and per project the share of samples
whose optimum selects it (a project selected in the base plan and in
nearly every sample is a robust choice; one that comes and goes is a close
call).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field
from spmo.engine.check import Assignment, check
from spmo.engine.derive import derive
from spmo.engine.errors import InvalidPortfolio, Problem
from spmo.engine.portfolio import Portfolio
from spmo.engine.validate import validate_document
from spmo.solvers.batch import run_batch

MAX_SAMPLES = 10_000


@dataclass(frozen=True)
class Sampling:
    """How many samples, from which seed, with which lognormal sigmas."""

    samples: int = 100
    seed: int = 1
    value_spread: float = 0.2
    cost_spread: float = 0.1


class ProjectShare(BaseModel):
    project: str
    base_selected: bool
    selected_share: float


class Quantiles(BaseModel):
    mean: float
    p5: float
    p10: float = Field(description="10 % of the sampled optima are below it")
    p50: float
    p90: float
    p95: float


class MonteCarlo(BaseModel):
    samples: int
    seed: int
    value_spread: float
    cost_spread: float
    base_objective: float | None
    base_plan_holds_share: float
    objective: Quantiles | None
    solved_share: float
    projects: list[ProjectShare]
    sample_objectives: list[float | None] = Field([], description=(
        "each sample's re-optimised objective, in sample order (null: no plan)"))


def sample_documents(portfolio: Portfolio, sampling: Sampling) -> list[dict]:
    """The sampled copies of the portfolio's document (see the module docstring)."""
    _check_sampling(sampling)
    document = portfolio.to_document()
    ids = [str(p.get("id")) for p in document["projects"]]
    rng = np.random.default_rng(sampling.seed)
    out = []
    for _ in range(sampling.samples):
        value = _factors(rng, ids, sampling.value_spread)
        cost = _factors(rng, ids, sampling.cost_spread)
        out.append(_scaled(document, value, cost))
    return out


def _check_sampling(sampling: Sampling) -> None:
    """Raises InvalidPortfolio unless the sample count and spreads are in range."""
    problems = []
    samples = sampling.samples
    if isinstance(samples, bool) or not isinstance(samples, int) or \
            not 1 <= samples <= MAX_SAMPLES:
        problems.append(Problem("montecarlo", None, "samples",
                                f"a whole number from 1 to {MAX_SAMPLES}"))
    for name in ("value_spread", "cost_spread"):
        spread = getattr(sampling, name)
        if not isinstance(spread, int | float) or not 0 <= spread <= 2:
            problems.append(Problem("montecarlo", None, name, "a number from 0 to 2"))
    if problems:
        raise InvalidPortfolio(problems)


def _factors(rng: np.random.Generator, ids: list[str], spread: float) -> dict[str, float]:
    """A mean-one lognormal factor per project."""
    return dict(zip(ids, np.exp(spread * rng.standard_normal(len(ids)) - spread ** 2 / 2),
                    strict=True))


def _scaled(document: dict, value: dict[str, float], cost: dict[str, float]) -> dict:
    """A copy of the document with values and benefits times `value`, costs times
    `cost` (per project), solved single-threaded."""
    doc = copy.deepcopy(document)
    for p in doc.get("projects") or []:
        for key in ("value", "value_low", "value_high"):  # a range moves with its value
            if isinstance(p.get(key), int | float):
                p[key] = p[key] * value[str(p.get("id"))]
    for table, factor in (("benefits", value), ("costs", cost)):
        for row in doc.get(table) or []:
            for key in ("amount", "amount_low", "amount_high"):
                if isinstance(row.get(key), int | float) and str(row.get("project")) in factor:
                    row[key] = row[key] * factor[str(row.get("project"))]
    doc["settings"] = {**(doc.get("settings") or {}), "workers": 1}
    return doc


def _sample(item):
    """(does the base plan hold, sampled optimum's objective, its selection)."""
    document, base, options = item
    from spmo.planning.pipeline import plan

    portfolio = validate_document(document)
    holds = None if base is None else check(portfolio, derive(portfolio), base).ok
    result = plan(portfolio, **options)
    return holds, result.objective, [s.project for s in result.selected]


def montecarlo(portfolio: Portfolio, sampling: Sampling | None = None,
               workers: int | None = None, progress=None, **options) -> MonteCarlo:
    """Sample, re-check and re-optimise (see the module docstring); `options`
    go to planning.pipeline.plan (explain: none)."""
    from spmo.planning.pipeline import plan

    sampling = sampling or Sampling()
    documents = sample_documents(portfolio, sampling)
    samples = sampling.samples
    options = {**options, "explain": "none"}
    base = plan(portfolio, **options)
    assignment = None if base.objective is None else Assignment.of_plan(portfolio, base)
    results = run_batch(_sample, [(d, assignment, options) for d in documents], workers,
                        progress)
    objectives = np.array([o for _, o, _ in results if o is not None])
    counts = pd.Series([p for _, _, chosen in results for p in chosen]).value_counts()
    chosen = {s.project for s in base.selected}
    projects = [ProjectShare(project=str(p), base_selected=str(p) in chosen,
                             selected_share=float(counts.get(str(p), 0)) / samples)
                for p in portfolio.projects.index]
    projects.sort(key=lambda s: (-s.selected_share, s.project))
    quantiles = None if len(objectives) == 0 else Quantiles(
        mean=float(objectives.mean()),
        **{f"p{q}": float(np.quantile(objectives, q / 100)) for q in (5, 10, 50, 90, 95)})
    holds = [h for h, _, _ in results if h is not None]
    return MonteCarlo(samples=samples, seed=sampling.seed, value_spread=sampling.value_spread,
                      cost_spread=sampling.cost_spread, base_objective=base.objective,
                      base_plan_holds_share=float(np.mean(holds)) if holds else 0.0,
                      objective=quantiles, solved_share=len(objectives) / samples,
                      projects=projects,
                      sample_objectives=[None if o is None else float(o) for _, o, _ in results])
