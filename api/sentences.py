"""Explanations as sentences a PMO analyst can paste into a board paper."""

from __future__ import annotations


def _name(portfolio, pid: str) -> str:
    name = portfolio.projects.at[pid, "name"] if pid in portfolio.projects.index else None
    return f"{pid} ({name})" if name else pid


def explain_sentences(portfolio, plan, only: list[str] | None = None) -> list[str]:
    """One paragraph per decision, status first."""
    lines: list[str] = []
    if plan.objective is None:
        lines.append(f"No plan: the portfolio is {plan.status.replace('_', ' ')}.")
        lines += [f"- {c.sentence} ({c.constraint})." for c in plan.conflicts]
        if plan.relaxation:
            lines.append("The smallest change that restores a plan:")
            lines += [f"- {r.sentence}." for r in plan.relaxation]
        return lines
    proof = "proven optimal" if plan.status == "optimal" else \
        f"the best found, within {plan.gap:.2%} of the optimum"
    if only is None:
        k = plan.kpis
        lines.append(f"The plan funds {len(plan.selected)} of {len(portfolio.projects)} "
                     f"projects ({proof}): strategic score {k.strategic_score:.3f}, financial "
                     f"value {k.financial_value:,.1f}, total cost {k.total_cost:,.1f}.")
    serves: dict[str, list[str]] = {}
    for a in plan.alignment:
        serves.setdefault(a.project, []).append(a.objective)
    objectives = portfolio.table("objectives")
    for s in plan.selected:
        if only and s.project not in only:
            continue
        goals = [str(objectives.at[o, "name"] or o) if o in objectives.index else o
                 for o in serves.get(s.project, [])]
        why = f"serves {', '.join(goals)}" if goals else "serves no objective"
        lines.append(f"{_name(portfolio, s.project)} is funded from {s.start} to {s.finish} "
                     f"for {s.cost:,.1f}: it {why}.")
    for e in plan.excluded:
        if only and e.project not in only:
            continue
        lines.append(f"{_name(portfolio, e.project)} is out ({e.code}): {e.reason}.")
    for r in plan.recommendations:
        if only and r.project not in only:
            continue
        verb = {"continue": "should continue", "stall": f"should pause until {r.restart}",
                "kill": "should be stopped"}[r.action]
        lines.append(f"Running project {_name(portfolio, r.project)} {verb}: {r.reason}.")
    lines += [f"Note: {w}." for w in plan.warnings if only is None]
    return lines
