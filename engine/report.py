"""The plan's per-project tables: selected rows, alignment trace, in-flight advice."""

from __future__ import annotations

from .check import Assignment, schedule
from .derive import Derived, objective_term_weights
from .plan import AlignmentRow, Recommendation, SelectedProject
from .portfolio import Portfolio


def selected_rows(portfolio: Portfolio, derived: Derived, a: Assignment) -> list[SelectedProject]:
    """project, start, finish, cost, value at its start, score, all at the
    project's share (partial funding; value and score as the checker computes
    them, engine.check.schedule); in start order."""
    periods = portfolio.periods
    sched = schedule(portfolio, derived, a)
    duration = derived.windows["duration"].reindex(sched.index).to_numpy()
    at = dict(zip(sched.index, range(len(sched)), strict=True))
    cost, value, score = (sched[c].to_numpy(dtype=float) for c in ("cost", "value", "score"))
    rows = []
    for pid, s in sorted(a.starts.items(), key=lambda kv: (kv[1], kv[0])):
        i = at[pid]
        rows.append(SelectedProject(
            project=pid, start=periods[s], finish=periods[s + int(duration[i]) - 1],
            cost=float(cost[i]), value=float(value[i]), score=float(score[i]),
            share=a.share(pid)))
    return rows


def alignment_trace(portfolio: Portfolio, derived: Derived, a: Assignment) -> list[AlignmentRow]:
    """Every selected project traced to each objective it serves: weight x score > 0."""
    align = portfolio.table("alignment")
    align = align[align["project"].isin(list(a.starts))]
    weight = align["objective"].map(derived.weights).fillna(0.0)
    contribution = weight * align["score"]
    keep = contribution > 0
    return [AlignmentRow(project=p, objective=o, score=float(s), contribution=float(c))
            for p, o, s, c in zip(align["project"][keep], align["objective"][keep],
                                  align["score"][keep], contribution[keep], strict=True)]


def own_terms(derived: Derived, weights: tuple[float, float], pid: str, start: int) -> float:
    """The project's own objective terms at a start: w_S S_p + w_F F_p(s)."""
    return weights[0] * float(derived.scores[pid]) + weights[1] * derived.value_at(pid, start)


def recommendations(portfolio: Portfolio, derived: Derived, a: Assignment) -> list[Recommendation]:
    """continue / stall / kill for every in_flight project. value_delta is the
    project's own objective terms under the action minus under the alternative
    (continue vs kill; stall vs continue now; kill vs continue now)."""
    p = portfolio.projects
    out = []
    weights = objective_term_weights(portfolio, derived)
    for pid in p.index[(p["status"] == "in_flight").to_numpy()]:
        fits = bool(derived.windows.at[pid, "fits"])
        now = own_terms(derived, weights, pid, 0) if fits else 0.0
        if pid in a.starts and a.starts[pid] == 0:
            out.append(Recommendation(project=pid, action="continue", value_delta=now,
                                      reason="continuing it now is part of the optimal plan"))
        elif pid in a.starts:
            s = a.starts[pid]
            out.append(Recommendation(
                project=pid, action="stall", restart=portfolio.periods[s],
                value_delta=own_terms(derived, weights, pid, s) - now,
                reason=f"pausing it until {portfolio.periods[s]} frees budget or people "
                       "for better-valued work now"))
        else:
            out.append(Recommendation(project=pid, action="kill", value_delta=-now,
                                      reason=_kill_reason(portfolio, derived, pid, fits)))
    return out


def _kill_reason(portfolio: Portfolio, derived: Derived, pid: str, fits: bool) -> str:
    """Why a running project is best stopped, in words."""
    if portfolio.projects.at[pid, "force"] == "out":
        return "forced out by the planner"
    if not fits:
        return "its remaining work no longer fits the horizon"
    if portfolio.require_alignment and not derived.aligned[pid]:
        return "it no longer serves any strategic objective"
    return "its remaining cost is better spent on the selected projects"
