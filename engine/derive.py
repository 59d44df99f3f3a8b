"""The contract's derived quantities, computed once per portfolio.

- weights w_o: given weights normalised to sum 1 (all blank: equal), or
  Saaty's principal eigenvector of the `pairwise` matrix (Harker's method for
  missing judgements), with the consistency ratio CR = (lambda_max - n) /
  (n - 1) / RI_n;
- strategic score S_p = sum_o w_o * score_po; aligned <=> S_p > 0;
- total cost C_p = sum of its cost rows;
- financial value F_p(s) = value_p * q_p, or with benefits
  q_p * sum_k b_pk / (1+r)^(s+k) - sum_k c_pk / (1+r)^(s+k);
- the start options: one row per (project, allowed start s).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .portfolio import Portfolio
from .windows import project_durations, start_windows

RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41,
                9: 1.45, 10: 1.49, 11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59}


@dataclass(frozen=True)
class Derived:
    """Everything the model, the checker and the reports compute from the input."""

    weights: pd.Series
    consistency_ratio: float | None
    scores: pd.Series
    aligned: pd.Series
    total_cost: pd.Series
    windows: pd.DataFrame
    starts: pd.DataFrame
    """Columns project, start (0-based), value (F_p at that start); one row per option."""
    base_value: pd.Series
    """F_p(0) per project; F_p(s) = base * (1+r)^-s when `start_dependent`."""
    start_dependent: pd.Series
    discount_rate: float

    def value_at(self, project: str, start: int) -> float:
        """F_p(s) for one project and start, without recomputing the tables."""
        factor = (1.0 + self.discount_rate) ** -start if self.start_dependent[project] else 1.0
        return float(self.base_value[project] * factor)


def ahp_weights(ids: list[str], pairwise: pd.DataFrame) -> tuple[np.ndarray, float]:
    """Principal eigenvector weights and consistency ratio of the judgements."""
    n = len(ids)
    pos = {o: i for i, o in enumerate(ids)}
    matrix = np.zeros((n, n))
    for a, b, ratio in zip(pairwise["a"], pairwise["b"], pairwise["ratio"], strict=True):
        matrix[pos[a], pos[b]] = ratio
        matrix[pos[b], pos[a]] = 1.0 / ratio
    missing = (matrix == 0).sum(axis=1) - 1
    np.fill_diagonal(matrix, 1.0 + missing)
    values, vectors = np.linalg.eig(matrix)
    k = int(np.argmax(values.real))
    vec = np.abs(vectors[:, k].real)
    weights = vec / vec.sum()
    lam = float(values[k].real)
    ri = RANDOM_INDEX.get(n, 1.59)
    ratio = 0.0 if n <= 2 or ri == 0 else max(0.0, (lam - n) / (n - 1) / ri)
    return weights, ratio


def objective_weights(portfolio: Portfolio) -> tuple[pd.Series, float | None]:
    """w_o normalised to sum 1, and the AHP consistency ratio when pairwise is given."""
    objectives = portfolio.table("objectives")
    ids = list(objectives.index)
    if not ids:
        return pd.Series(dtype="float64"), None
    pairwise = portfolio.table("pairwise")
    if len(pairwise):
        weights, ratio = ahp_weights(ids, pairwise)
        return pd.Series(weights, index=ids), ratio
    raw = objectives["weight"]
    raw = pd.Series(1.0, index=ids) if raw.isna().all() else raw.fillna(0.0)
    return raw / raw.sum(), None


def strategic_scores(portfolio: Portfolio, weights: pd.Series) -> pd.Series:
    """S_p = sum_o w_o * score_po for every project (0 without alignment)."""
    align = portfolio.table("alignment")
    contrib = align["score"] * align["objective"].map(weights).fillna(0.0).to_numpy()
    by_project = contrib.groupby(align["project"]).sum()
    return by_project.reindex(portfolio.projects.index).fillna(0.0)


def _discounted(table: pd.DataFrame, rate: float, index: pd.Index) -> pd.Series:
    """sum_k amount_k / (1+r)^k per project."""
    if table.empty:
        return pd.Series(0.0, index=index)
    factors = (1.0 + rate) ** -table["offset"].to_numpy(dtype=float)
    return (table["amount"] * factors).groupby(table["project"]).sum().reindex(index).fillna(0.0)


def financial_base(portfolio: Portfolio) -> tuple[pd.Series, pd.Series]:
    """(F at start 0, start-dependent?) per project: F_p(s) = F_p(0) / (1+r)^s when dependent."""
    projects = portfolio.projects
    rate = portfolio.settings.discount_rate
    benefits = portfolio.table("benefits")
    dependent = pd.Series(projects.index.isin(set(benefits["project"])), index=projects.index)
    q = projects["success_probability"]
    flat = projects["value"].fillna(0.0) * q
    b = _discounted(benefits, rate, projects.index)
    c = _discounted(portfolio.table("costs"), rate, projects.index)
    base = flat.where(~dependent, q * b - c)
    return base, dependent


def derive(portfolio: Portfolio) -> Derived:
    """All derived quantities of a portfolio."""
    projects = portfolio.projects
    weights, ratio = objective_weights(portfolio)
    scores = strategic_scores(portfolio, weights)
    costs = portfolio.table("costs")
    total = costs["amount"].groupby(costs["project"]).sum().reindex(projects.index).fillna(0.0)
    durations = project_durations(projects, costs, portfolio.table("demands"))
    windows = start_windows(projects, durations, portfolio.periods)
    fit = windows[windows["fits"]]
    counts = (fit["latest"] - fit["earliest"] + 1).to_numpy()
    project = np.repeat(fit.index.to_numpy(), counts)
    first = np.repeat(fit["earliest"].to_numpy(), counts)
    offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    start = first + offset
    base, dependent = financial_base(portfolio)
    rate = portfolio.settings.discount_rate
    factor = np.where(dependent.reindex(project).to_numpy(), (1.0 + rate) ** -start, 1.0)
    value = base.reindex(project).to_numpy() * factor
    starts = pd.DataFrame({"project": project.astype(object), "start": start.astype("int64"),
                           "value": value})
    return Derived(weights, ratio, scores, scores > 1e-12, total, windows, starts, base,
                   dependent, rate)


def blend_normalisers(portfolio: Portfolio, derived: Derived) -> tuple[float, float]:
    """(S_all, F_all): the positive scores, and positive best-allowed-start values
    (start 0 for a project that fits nowhere), summed over every project row."""
    s_all = float(derived.scores.clip(lower=0).sum())
    base, _ = financial_base(portfolio)
    best = derived.starts.groupby("project")["value"].max().reindex(base.index).fillna(base)
    return s_all, float(best.clip(lower=0).sum())


def least_consistent(portfolio: Portfolio, weights: pd.Series, count: int = 3) -> list[str]:
    """The pairwise judgements furthest from the weights they produced:
    largest |log(ratio_ab * w_b / w_a)|, as "a:b = ratio (weights imply x)"."""
    pairwise = portfolio.table("pairwise")
    if pairwise.empty:
        return []
    implied = weights.reindex(pairwise["a"]).to_numpy() / weights.reindex(
        pairwise["b"]).to_numpy()
    error = np.abs(np.log(pairwise["ratio"].to_numpy() / implied))
    order = np.argsort(-error)[:count]
    return [f"{pairwise['a'].iloc[i]}:{pairwise['b'].iloc[i]} = {pairwise['ratio'].iloc[i]:g} "
            f"(the weights imply {implied[i]:.3g})" for i in order]


def objective_term_weights(portfolio: Portfolio, derived: Derived) -> tuple[float, float]:
    """(w_S, w_F) of the objective in force: strategic (1, 0), financial (0, 1),
    blend (beta / S_all, (1 - beta) / F_all), a term with a zero normaliser left out."""
    kind = portfolio.objective_kind
    if kind == "strategic":
        return 1.0, 0.0
    if kind == "financial":
        return 0.0, 1.0
    beta = portfolio.settings.blend
    s_all, f_all = blend_normalisers(portfolio, derived)
    return (beta / s_all if s_all > 0 else 0.0), ((1 - beta) / f_all if f_all > 0 else 0.0)
