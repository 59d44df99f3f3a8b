"""Explanations as sentences a PMO analyst can paste into a board paper."""

from __future__ import annotations


def _name(portfolio, pid: str) -> str:
    name = portfolio.projects.at[pid, "name"] if pid in portfolio.projects.index else None
    return f"{pid} ({name})" if name else pid


def explain_sentences(portfolio, plan, only: list[str] | None = None) -> list[str]:
    """One paragraph per decision, status first."""
    if plan.objective is None:
        return _no_plan(plan)
    lines: list[str] = []
    if only is None:
        proof = "proven optimal" if plan.status == "optimal" else \
            f"the best found, within {plan.gap:.2%} of the optimum"
        k = plan.kpis
        lines.append(f"The plan funds {len(plan.selected)} of {len(portfolio.projects)} "
                     f"projects ({proof}): strategic score {k.strategic_score:.3f}, financial "
                     f"value {k.financial_value:,.1f}, total cost {k.total_cost:,.1f}.")

    def wanted(rows):
        return [r for r in rows if not only or r.project in only]

    lines += [_funded(portfolio, plan, s) for s in wanted(plan.selected)]
    lines += [f"{_name(portfolio, e.project)} is out ({e.code}): {e.reason}."
              for e in wanted(plan.excluded)]
    lines += [_running(portfolio, r) for r in wanted(plan.recommendations)]
    lines += [f"Note: {w}." for w in plan.warnings if only is None]
    return lines


def _no_plan(plan) -> list[str]:
    lines = [f"No plan: the portfolio is {plan.status.replace('_', ' ')}."]
    lines += [f"- {c.sentence} ({c.constraint})." for c in plan.conflicts]
    if plan.relaxation:
        lines.append("The smallest change that restores a plan:")
        lines += [f"- {r.sentence}." for r in plan.relaxation]
    return lines


def _funded(portfolio, plan, s) -> str:
    objectives = portfolio.table("objectives")
    goals = [str(objectives.at[a.objective, "name"] or a.objective)
             if a.objective in objectives.index else a.objective
             for a in plan.alignment if a.project == s.project]
    why = f"serves {', '.join(goals)}" if goals else "serves no objective"
    return (f"{_name(portfolio, s.project)} is funded from {s.start} to {s.finish} "
            f"for {s.cost:,.1f}: it {why}.")


def _running(portfolio, r) -> str:
    verb = {"continue": "should continue", "stall": f"should pause until {r.restart}",
            "kill": "should be stopped"}[r.action]
    return f"Running project {_name(portfolio, r.project)} {verb}: {r.reason}."
