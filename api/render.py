"""Rich rendering of plans and problems for people at a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from spmo.engine.errors import Problem


def print_problems(console: Console, problems: list[Problem]) -> None:
    """Every problem as a table: table, row, column, message."""
    table = Table(title=f"{len(problems)} problem(s): nothing was solved", title_justify="left")
    for col in ("table", "row", "column", "problem"):
        table.add_column(col)
    for p in problems:
        table.add_row(p.table, "" if p.row is None else str(p.row), p.column or "", p.message)
    console.print(table)


def _money(v: float | None) -> str:
    return "" if v is None else f"{v:,.1f}"


def gap_text(gap: float | None) -> str:
    """The plan's relative gap (engine.plan.relative_gap) as a percentage; an
    objective near 0 below its bound gives a huge one, shown as such."""
    if gap is None:
        return ""
    return f"{gap:.2%}" if gap < 100 else "> 10000%"


def print_plan(console: Console, portfolio, plan) -> None:
    """A readable summary: status, KPIs, selected, excluded, advice, budgets."""
    if plan.objective is None:
        console.print(f"[bold red]{plan.status}[/]: no plan ({plan.solver}, "
                      f"{plan.solve_seconds:.2f} s)")
        return
    bound = "no bound" if plan.bound is None else \
        f"bound {plan.bound:.6g}, relative gap {gap_text(plan.gap)}"
    console.print(f"[bold]{portfolio.name}[/]: [green]{plan.status}[/] objective "
                  f"{plan.objective:.6g} ({bound}) by {plan.solver} in "
                  f"{plan.solve_seconds:.2f} s")
    k = plan.kpis
    console.print(f"strategic score {k.strategic_score:.3f} | financial value "
                  f"{_money(k.financial_value)} | total cost {_money(k.total_cost)} | "
                  f"risk exposure {_money(k.risk_exposure)} | unaligned selected "
                  f"{k.unaligned_selected}")
    names = portfolio.projects["name"]
    sel = Table(title=f"selected ({len(plan.selected)})", title_justify="left")
    for col in ("project", "name", "start", "finish", "cost", "value", "score"):
        sel.add_column(col, justify="right" if col in ("cost", "value", "score") else "left")
    for r in plan.selected:
        sel.add_row(r.project, str(names.get(r.project) or ""), r.start, r.finish,
                    _money(r.cost), _money(r.value), f"{r.score:.3f}")
    console.print(sel)
    exc = Table(title=f"excluded ({len(plan.excluded)})", title_justify="left")
    for col in ("project", "code", "reason"):
        exc.add_column(col)
    for r in plan.excluded:
        exc.add_row(r.project, r.code, r.reason)
    console.print(exc)
    if plan.recommendations:
        rec = Table(title="running projects", title_justify="left")
        for col in ("project", "action", "restart", "reason"):
            rec.add_column(col)
        for r in plan.recommendations:
            rec.add_row(r.project, r.action, r.restart or "", r.reason)
        console.print(rec)
    budgets = [s for s in plan.spend if s.limit is not None]
    if budgets:
        bud = Table(title="budgets", title_justify="left")
        for col in ("constraint", "spent", "limit", "used"):
            bud.add_column(col, justify="left" if col == "constraint" else "right")
        for s in budgets:
            used = s.amount / s.limit if s.limit else 0.0
            bud.add_row(s.constraint, _money(s.amount), _money(s.limit), f"{used:.0%}")
        console.print(bud)
    for w in plan.warnings:
        console.print(f"[yellow]warning:[/] {w}")


def print_comparison(console: Console, comparison) -> None:
    """Scenarios side by side, then what changed against the baseline."""
    table = Table(title="scenarios side by side (the first is the baseline)",
                  title_justify="left")
    table.add_column("")
    for s in comparison.scenarios:
        table.add_column(s.name, justify="right")
    rows = {
        "status": lambda s: s.status,
        "objective": lambda s: "" if s.objective is None else f"{s.objective:.6g}",
        "gap": lambda s: gap_text(s.gap),
        "selected": lambda s: str(s.selected),
        "strategic score": lambda s: f"{s.kpis.strategic_score:.4g}",
        "financial value": lambda s: _money(s.kpis.financial_value),
        "total cost": lambda s: _money(s.kpis.total_cost),
        "risk exposure": lambda s: _money(s.kpis.risk_exposure),
        "came in": lambda s: str(len(s.came_in)),
        "went out": lambda s: str(len(s.went_out)),
        "moved start": lambda s: str(len(s.moved)),
    }
    for label, cell in rows.items():
        table.add_row(label, *[cell(s) for s in comparison.scenarios])
    console.print(table)
    for s in comparison.scenarios[1:]:
        if s.came_in or s.went_out or s.moved:
            moved = ", ".join(f"{m.project} {m.baseline_start}->{m.start}" for m in s.moved)
            console.print(f"[bold]{s.name}[/]: in {', '.join(s.came_in) or '-'}; "
                          f"out {', '.join(s.went_out) or '-'}; moved {moved or '-'}")
        else:
            console.print(f"[bold]{s.name}[/]: the same plan as the baseline")


def print_frontier(console: Console, frontier) -> None:
    """One row per budget level."""
    table = Table(title=f"budget frontier ({frontier.objective_kind} objective)",
                  title_justify="left")
    for col in ("budgets", "status", "objective", "bound", "gap", "selected", "total cost",
                "gain per +1 %"):
        table.add_column(col, justify="left" if col == "status" else "right")
    for p in frontier.points:
        status = p.status if p.proven or p.objective is None else f"{p.status}, not proven"
        if p.plan_of is not None:
            status += f" (the {p.plan_of:.0%} plan)"
        table.add_row(f"{p.factor:.0%}", status,
                      "" if p.objective is None else f"{p.objective:.6g}",
                      "" if p.bound is None else f"{p.bound:.6g}",
                      gap_text(p.gap), str(len(p.selected)),
                      _money(p.total_cost), "" if p.marginal is None else f"{p.marginal:.4g}")
    console.print(table)


def print_montecarlo(console: Console, result) -> None:
    """The headline shares and quantiles, then each project's selection share."""
    console.print(f"{result.samples} samples (seed {result.seed}; value spread "
                  f"{result.value_spread:g}, cost spread {result.cost_spread:g})")
    console.print(f"the base plan keeps every limit in {result.base_plan_holds_share:.0%} "
                  f"of the samples; re-optimised, {result.solved_share:.0%} have a plan")
    q = result.objective
    if q is not None:
        console.print(f"objective: base {result.base_objective:.6g}; sampled optimum mean "
                      f"{q.mean:.6g}, 5 % {q.p5:.6g}, median {q.p50:.6g}, 95 % {q.p95:.6g}")
    table = Table(title="how often each project is in the sampled optimum",
                  title_justify="left")
    for col in ("project", "in the base plan", "selected in"):
        table.add_column(col, justify="right" if col == "selected in" else "left")
    for p in result.projects:
        table.add_row(p.project, "yes" if p.base_selected else "", f"{p.selected_share:.0%}")
    console.print(table)
