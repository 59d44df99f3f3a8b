"""First reasons for excluded projects, read off the optimal plan.

For an excluded project p and each of its start options j, adding x_j = 1 to
the plan changes each row's activity by A_ij; a row is in the way when
act_i + A_ij leaves [lo_i - tol, hi_i + tol] even after buying all the extra
capacity still on offer in that row. The start with the fewest rows in the
way is reported: its rows are `binding` and their family gives the `code`;
no row in the way means the optimum is simply better without p (`dominated`).
Exact counterfactual costs come from re-solves (planning.explain).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .derive import Derived
from .model.linear import LinearModel
from .plan import ExcludedProject
from .portfolio import Portfolio
from .rows import REASON_CODE, REASON_ORDER, STRUCTURAL, Family, row_name


def _rows_in_the_way(model: LinearModel, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every model entry (i, j): would setting x_j = 1 break row i?"""
    act = model.activity(x)
    flex = np.zeros(model.n_rows)
    cont = ~model.integer[model.a_col] & (model.a_val < 0)
    np.add.at(flex, model.a_row[cont],
              -model.a_val[cont] * (model.ub[model.a_col[cont]] - x[model.a_col[cont]]))
    hi = model.row_hi + flex
    tol = 1e-6 * np.maximum(1.0, np.abs(np.where(np.isfinite(hi), hi, 0.0)))
    new = act[model.a_row] + model.a_val
    off = (new > hi[model.a_row] + tol[model.a_row]) | \
        (new < model.row_lo[model.a_row] - tol[model.a_row])
    off &= ~np.isin(model.row_family[model.a_row], list(STRUCTURAL))
    return model.a_row[off], model.a_col[off]


def _static_reasons(portfolio: Portfolio, derived: Derived) -> dict[str, ExcludedProject]:
    """Reasons that need no plan: forced out, no fit, unaligned (by project)."""
    p = portfolio.projects
    forced_out = (p["force"] == "out").to_numpy()
    no_fit = ~derived.windows["fits"].reindex(p.index).astype(bool).to_numpy()
    unaligned = portfolio.require_alignment & ~derived.aligned.reindex(p.index).astype(
        bool).to_numpy() & (p["status"] != "mandatory").to_numpy() & (p["force"] != "in").to_numpy()
    out = {}
    for pid in p.index[unaligned]:
        out[pid] = ExcludedProject(project=pid, code="unaligned",
                                   binding=[row_name(Family.ALIGNMENT, pid)],
                                   reason="serves no strategic objective (strategic score 0)")
    for pid in p.index[no_fit]:
        out[pid] = ExcludedProject(project=pid, code="no_fit",
                                   binding=[row_name(Family.WINDOW, pid)],
                                   reason="cannot be placed within the horizon or its window")
    for pid in p.index[forced_out]:
        out[pid] = ExcludedProject(project=pid, code="forced_out",
                                   binding=[row_name(Family.FORCE, pid)],
                                   reason="forced out by the planner")
    return out


def first_reasons(portfolio: Portfolio, derived: Derived, model: LinearModel,
                  x: np.ndarray, selected: set[str]) -> list[ExcludedProject]:
    """One ExcludedProject per project that is not selected."""
    out = []
    rows, cols = _rows_in_the_way(model, x)
    starts = model.starts
    var_project = starts["project"].to_numpy(dtype=object)
    count = np.bincount(cols, minlength=model.n_vars)[: len(starts)]
    keep = cols < len(starts)
    order = np.argsort(cols[keep], kind="stable")
    sorted_cols, sorted_rows = cols[keep][order], rows[keep][order]
    bounds = np.searchsorted(sorted_cols, np.arange(len(starts) + 1))
    static = _static_reasons(portfolio, derived)
    per_project = pd.DataFrame({"project": var_project, "count": count,
                                "var": np.arange(len(starts))})
    best = per_project.sort_values(["count", "var"]).drop_duplicates("project") \
        .set_index("project")["var"]
    for pid in portfolio.projects.index:
        if pid in selected:
            continue
        if pid in static:
            out.append(static[pid])
            continue
        j = best[pid]
        in_the_way = sorted_rows[bounds[j]:bounds[j + 1]]
        names = list(dict.fromkeys(model.row_name[in_the_way]))
        families = set(model.row_family[in_the_way])
        codes = [c for c in REASON_ORDER if any(REASON_CODE.get(f) == c for f in families)]
        if not codes:
            out.append(ExcludedProject(
                project=pid, code="dominated", binding=[],
                reason="fits beside the chosen plan, but the optimum is better without it"))
            continue
        out.append(ExcludedProject(
            project=pid, code=codes[0], binding=names,
            reason=f"adding it at its best start would break {', '.join(names[:4])}"
                   + (" and more" if len(names) > 4 else "")))
    return out
