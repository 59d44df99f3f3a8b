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


def print_plan(console: Console, portfolio, plan) -> None:
    """A readable summary: status, KPIs, selected, excluded, advice, budgets."""
    if plan.objective is None:
        console.print(f"[bold red]{plan.status}[/]: no plan ({plan.solver}, "
                      f"{plan.solve_seconds:.2f} s)")
        return
    console.print(f"[bold]{portfolio.name}[/]: [green]{plan.status}[/] objective "
                  f"{plan.objective:.6g} (bound {plan.bound:.6g}, gap {plan.gap:.2%}) "
                  f"by {plan.solver} in {plan.solve_seconds:.2f} s")
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
