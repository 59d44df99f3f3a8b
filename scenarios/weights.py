"""The objective at other weights, on one model: the fast path of the weight studies.

Only the objective depends on the objective weights while every weight stays
positive (the alignment rows, the windows and every other row are the same), so
the weight studies of scenarios.sensitivity re-solve one model with another
objective vector instead of validating and building a portfolio per weight.

The objective at weights w (engine.model.objective), with S_p(w) =
sum_o w_o score_po, is

    c(w) = w_S(w) s(w) + w_F f

s(w) the strategic column (S_p(w) at each start of p, the pair's score at a
synergy column), f the financial column (F_p(s) at each start, the pair's
value, -extra_cost at a bought-FTE column); (w_S, w_F) = (1, 0) strategic,
(beta / S_all(w), (1 - beta) / F_all) blend (engine.derive.objective_term_weights;
S_all(w) = sum_p max(0, S_p(w)), F_all does not depend on w). It is used only
when c at today's weights reproduces the model's own objective to 1e-12
(`WeightedObjective.of` returns None otherwise: partial funding, a robust
objective; the studies then build each weight's portfolio).

Scaled objective. Every plan x has H_x(w) = N(w) c(w).x with N = 1 (strategic)
or S_all(w) (blend, > 0): the same order of plans at w, and, scores being
>= 0, H_x(w) = beta s(w).x + (1 - beta) S_all(w) f.x / F_all is affine in w.
So OPT_H(w) = max_x H_x(w) is convex, every known plan's H_x(w) is a proven
lower bound on it, and a proven upper bound U at weights v bounds it at w:
H_y(w) - H_y(v) = d.y with d = N c (w) - N c (v) linear in y, so
OPT_H(w) <= U + max d.y over one start per project and the other columns'
bounds (`box_rise`). A known plan
reaching that bound is optimal at w without a solve (the certificate of
scenarios.sensitivity's weight samples: exact, tight when w is close to v,
e.g. samples of radius 0).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
from spmo.engine.derive import blend_normalisers, derive
from spmo.engine.model.linear import LinearModel
from spmo.engine.portfolio import Portfolio

MATCH_TOL = 1e-12
"""Relative agreement of c at today's weights with the model's objective."""


@dataclass(frozen=True)
class WeightedObjective:
    """c(w) and H_x(w) of one model (module docstring). Picklable."""

    portfolio: Portfolio
    model: LinearModel
    projects: np.ndarray
    """per start column, its project"""
    start_index: np.ndarray
    """per start column, its project's row in `align`"""
    align: np.ndarray
    """score_po: projects x objectives (the alignment rows summed)"""
    objectives: tuple
    pair_score: np.ndarray
    financial: np.ndarray
    kind: str
    beta: float
    f_all: float

    @classmethod
    def of(cls, portfolio: Portfolio, model: LinearModel,
           weights: pd.Series) -> WeightedObjective | None:
        """The fast path for this model, or None when c(w) does not reproduce its objective."""
        if portfolio.objective_kind not in ("strategic", "blend") or \
                portfolio.settings.objective_risk != "expected" or \
                (model.shares is not None and not model.shares.empty):
            return None
        fin = np.zeros(model.n_vars)
        starts, pairs, extra = model.starts, model.pairs, model.extra
        n = len(starts)
        fin[:n] = starts["value"].to_numpy(dtype=float)
        score = np.zeros(model.n_vars)
        if len(pairs):
            var = pairs["var"].to_numpy(dtype=np.int64)
            fin[var] = pairs["value"].to_numpy(dtype=float)
            score[var] = pairs["score"].to_numpy(dtype=float)
        if len(extra):
            fin[extra["var"].to_numpy(dtype=np.int64)] = -extra["extra_cost"].to_numpy(dtype=float)
        _, f_all = blend_normalisers(portfolio, derive(portfolio))
        ids = pd.Index(portfolio.projects.index)
        align = portfolio.table("alignment")
        known = align["objective"].isin(weights.index).to_numpy()
        matrix = np.zeros((len(ids), len(weights)))
        np.add.at(matrix, (ids.get_indexer(align["project"])[known],
                           pd.Index(weights.index).get_indexer(align["objective"])[known]),
                  align["score"].to_numpy(dtype=float)[known])
        found = cls(portfolio, model, starts["project"].to_numpy(dtype=object),
                    ids.get_indexer(starts["project"]), matrix, tuple(weights.index), score,
                    fin, portfolio.objective_kind, float(portfolio.settings.blend), f_all)
        c = found.c(weights)
        scale = max(1e-300, float(np.abs(model.c).max(initial=0.0)))
        if c is None or np.abs(c - model.c).max(initial=0.0) > MATCH_TOL * scale:
            return None
        return found

    def scores(self, weights: pd.Series) -> np.ndarray:
        """S_p(w) = sum_o w_o score_po of every project (engine.derive.strategic_scores)."""
        return self.align @ weights.reindex(list(self.objectives)).to_numpy(dtype=float)

    def strategic(self, weights: pd.Series) -> np.ndarray:
        """s(w): S_p(w) at every start column of p, the pair's score at a synergy column."""
        out = self.pair_score.copy()
        out[: len(self.projects)] = self.scores(weights)[self.start_index]
        return out

    def norm(self, weights: pd.Series) -> float:
        """N(w): 1 (strategic), S_all(w) (blend)."""
        return 1.0 if self.kind == "strategic" else \
            float(np.maximum(self.scores(weights), 0.0).sum())

    def terms(self, weights: pd.Series) -> tuple[float, float]:
        """(w_S N(w), w_F N(w)): the scaled objective's term weights."""
        if self.kind == "strategic":
            return 1.0, 0.0
        s_all = self.norm(weights)
        return self.beta, ((1 - self.beta) * s_all / self.f_all if self.f_all > 0 else 0.0)

    def scaled(self, weights: pd.Series) -> np.ndarray:
        """N(w) c(w): H_x(w) = scaled(w) . x."""
        ws, wf = self.terms(weights)
        return ws * self.strategic(weights) + wf * self.financial

    def c(self, weights: pd.Series) -> np.ndarray | None:
        """c(w), the model's objective at weights w (None when N(w) is 0)."""
        n = self.norm(weights)
        return None if n <= 0 else self.scaled(weights) / n

    def model_at(self, weights: pd.Series) -> LinearModel:
        return dataclasses.replace(self.model, c=self.c(weights))

    def box_rise(self, weights: pd.Series, solved: pd.Series) -> float:
        """An upper bound on (scaled(w) - scaled(v)) . y over every plan y: how much
        more any plan can score (in H) at `weights` than at `solved`. A plan holds
        at most one start of a project (its window row), so a project adds at most
        its largest positive change over its starts; every other column its
        largest over lb <= y <= ub."""
        d = self.scaled(weights) - self.scaled(solved)
        n = len(self.projects)
        lb, ub = np.nan_to_num(self.model.lb[n:]), np.nan_to_num(self.model.ub[n:])
        per_project = np.zeros(len(self.align))
        np.maximum.at(per_project, self.start_index, np.maximum(d[:n], 0.0))
        return float(per_project.sum()) + float(np.maximum(d[n:] * lb, d[n:] * ub).sum())


def weights_at(weights: pd.Series, objective: str, t: float) -> pd.Series:
    """w with objective o's weight at t and the others keeping their proportions."""
    scale = (1 - t) / (1 - weights[objective])
    out = weights * scale
    out[objective] = t
    return out


def line_of(objective: WeightedObjective, weights: pd.Series, o: str,
            x: np.ndarray) -> tuple[float, float]:
    """(intercept, slope) of H_x(t) as objective o's weight moves to t (affine in t)."""
    at0 = objective.scaled(weights_at(weights, o, 0.0)) @ x
    at1 = objective.scaled(weights_at(weights, o, 1.0)) @ x
    return float(at0), float(at1 - at0)
