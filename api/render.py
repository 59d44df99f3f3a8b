"""Rich rendering of plans, re-plans and problems for people at a terminal.

Every string that comes from the user's input (names, ids, reasons naming
rows such as `capacity[qa,2027Q2]`, messages quoting a cell) is printed as
plain text, never read as Rich markup; long tables show their first
MAX_ROWS rows and say how many more there are.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from spmo.engine.errors import Problem

MAX_ROWS = 40
"""Rows a terminal table shows; the rest are counted below it."""
MORE_HINT = "write them all with --out plan.xlsx (or --json)"


def _table(title: str, columns: dict[str, str]) -> Table:
    """A table whose title is plain text; `columns`: name -> justify."""
    table = Table(title=Text(title), title_justify="left")
    for name, justify in columns.items():
        table.add_column(name, justify=justify)
    return table


def _rows(console: Console, table: Table, rows: list[tuple], hint: str = MORE_HINT) -> None:
    """Print the table with its first MAX_ROWS rows (cells as plain text)."""
    for row in rows[:MAX_ROWS]:
        table.add_row(*[Text("" if v is None else str(v)) for v in row])
    if len(rows) > MAX_ROWS:
        table.caption = Text(f"{len(rows) - MAX_ROWS} more: {hint}")
        table.caption_justify = "left"
    console.print(table)


def print_problems(console: Console, problems: list[Problem]) -> None:
    """Every problem as a table: table, row, column, message (all of them:
    the input is to be fixed in one go)."""
    table = _table(f"{len(problems)} problem(s): nothing was done",
                   dict.fromkeys(("table", "row", "column", "problem"), "left"))
    for p in problems:
        table.add_row(*[Text(v) for v in (p.table, "" if p.row is None else str(p.row),
                                          p.column or "", p.message)])
    console.print(table)


def warn(console: Console, message: str) -> None:
    """A warning, the message as plain text."""
    console.print(Text.assemble(("warning:", "yellow"), " ", str(message)))


def _money(v: float | None) -> str:
    return "" if v is None else f"{v:,.1f}"


def gap_text(gap: float | None) -> str:
    """The plan's relative gap (engine.plan.relative_gap) as a percentage; an
    objective near 0 below its bound gives a huge one, shown as such."""
    if gap is None:
        return ""
    return f"{gap:.2%}" if gap < 100 else "> 10000%"


def print_plan(console: Console, portfolio, plan) -> None:
    """A readable summary: status, KPIs, selected, excluded, advice, budgets;
    for a portfolio without a plan, the conflicts and the smallest relaxation."""
    if plan.objective is None:
        _no_plan(console, portfolio, plan)
        return
    bound = "no bound" if plan.bound is None else \
        f"bound {plan.bound:.6g}, relative gap {gap_text(plan.gap)}"
    console.print(f"[bold]{escape(portfolio.name or '')}[/]: [green]{plan.status}[/] "
                  f"objective {plan.objective:.6g} ({bound}) by {escape(plan.solver)} in "
                  f"{plan.solve_seconds:.2f} s")
    k = plan.kpis
    console.print(f"strategic score {k.strategic_score:.3f} | financial value "
                  f"{_money(k.financial_value)} | total cost {_money(k.total_cost)} | "
                  f"risk exposure {_money(k.risk_exposure)} | unaligned selected "
                  f"{k.unaligned_selected}")
    if plan.risk is not None:
        console.print(Text(f"{plan.risk.measure} objective: {plan.risk.sentence}"))
    names = portfolio.projects["name"]
    right = ("cost", "value", "score", "share")
    partial = any(r.share < 1 for r in plan.selected)  # a share column only when one is partial
    columns = ("project", "name", "start", "finish", "cost", "value", "score") + \
        (("share",) if partial else ())
    _rows(console, _table(f"selected ({len(plan.selected)})", {
        c: "right" if c in right else "left" for c in columns}),
        [(r.project, names.get(r.project) or "", r.start, r.finish, _money(r.cost),
          _money(r.value), f"{r.score:.3f}") + ((f"{r.share:.0%}",) if partial else ())
         for r in plan.selected])
    _rows(console, _table(f"excluded ({len(plan.excluded)})",
                          dict.fromkeys(("project", "code", "reason"), "left")),
          [(r.project, r.code, r.reason) for r in plan.excluded])
    if plan.recommendations:
        _rows(console, _table("running projects", dict.fromkeys(
            ("project", "action", "restart", "reason"), "left")),
            [(r.project, r.action, r.restart, r.reason) for r in plan.recommendations])
    if plan.sources:
        _rows(console, _table("funding sources", {"constraint": "left", "amount": "right",
                                                  "used": "right", "unused": "right"}),
              [(s.constraint, _money(s.amount), _money(s.used), _money(s.unused))
               for s in plan.sources])
    budgets = [s for s in plan.spend if s.limit is not None]
    if budgets:
        _rows(console, _table("budgets", {"constraint": "left", "spent": "right",
                                          "limit": "right", "used": "right"}),
              [(s.constraint, _money(s.amount), _money(s.limit),
                f"{s.amount / s.limit if s.limit else 0.0:.0%}") for s in budgets])
    for w in plan.warnings:
        warn(console, w)


def _no_plan(console: Console, portfolio, plan) -> None:
    """Status, then why: the clashing constraints and the least change that
    restores a plan (infeasible), or what to try (no plan in time)."""
    console.print(f"[bold]{escape(portfolio.name or '')}[/]: [bold red]{plan.status}[/]: "
                  f"no plan ({escape(plan.solver)}, {plan.solve_seconds:.2f} s)")
    if plan.conflicts:
        _rows(console, _table("these constraints cannot all hold",
                              dict.fromkeys(("constraint", "why"), "left")),
              [(c.constraint, c.sentence) for c in plan.conflicts])
    if plan.relaxation:
        _rows(console, _table("the smallest change that gives a plan", {
            "constraint": "left", "table": "left", "column": "left", "today": "right",
            "needed": "right", "change": "left"}),
            [(r.constraint, r.table, r.column, _number(r.limit), _number(r.needed), r.sentence)
             for r in plan.relaxation])
    if plan.status == "infeasible" and not (plan.conflicts or plan.relaxation):
        console.print("no conflict could be isolated within the time limit: "
                      "try a longer --time-limit")
    if plan.status == "no_solution":
        console.print("no plan was found within the time limit: try a longer --time-limit")
    for w in plan.warnings:
        warn(console, w)


def _number(v: float | None) -> str:
    return "" if v is None else f"{v:,.6g}"


def _names(items: list[str]) -> str:
    """At most MAX_ROWS names, comma-separated, and how many more."""
    more = len(items) - MAX_ROWS
    return ", ".join(items[:MAX_ROWS]) + (
        f" and {more} more (see --out compare.xlsx)" if more > 0 else "") or "-"


def print_comparison(console: Console, comparison) -> None:
    """Scenarios side by side, then what changed against the baseline."""
    table = _table("scenarios side by side (the first is the baseline)", {"": "left"})
    for s in comparison.scenarios:
        table.add_column(Text(s.name), justify="right")
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
        table.add_row(label, *[Text(cell(s)) for s in comparison.scenarios])
    console.print(table)
    for s in comparison.scenarios[1:]:
        name = Text(s.name, style="bold")
        if s.came_in or s.went_out or s.moved:
            moved = _names([f"{m.project} {m.baseline_start}->{m.start}" for m in s.moved])
            console.print(Text.assemble(name, f": in {_names(s.came_in)}; out "
                                        f"{_names(s.went_out)}; moved {moved}"))
        else:
            console.print(Text.assemble(name, ": the same plan as the baseline"))


def print_frontier(console: Console, frontier) -> None:
    """One row per budget level."""
    columns = ("budgets", "status", "objective", "bound", "gap", "selected", "total cost",
               "gain per +1 %")
    _rows(console, _table(f"budget frontier ({frontier.objective_kind} objective)",
                          {c: "left" if c == "status" else "right" for c in columns}),
          [(f"{p.factor:.0%}", _frontier_status(p),
            "" if p.objective is None else f"{p.objective:.6g}",
            "" if p.bound is None else f"{p.bound:.6g}",
            gap_text(p.gap), str(len(p.selected)), _money(p.total_cost),
            "" if p.marginal is None else f"{p.marginal:.4g}") for p in frontier.points],
          hint="write them all with --out frontier.xlsx (or .html, .json)")


def _frontier_status(point) -> str:
    """'optimal', 'feasible, not proven', '... (the 90 % plan)'."""
    status = point.status if point.proven or point.objective is None \
        else f"{point.status}, not proven"
    if point.plan_of is not None:
        status += f" (the {point.plan_of:.0%} plan)"
    return status


def print_montecarlo(console: Console, result) -> None:
    """The headline shares and quantiles, then each project's selection share."""
    console.print(f"{result.samples} samples (seed {result.seed}; value spread "
                  f"{result.value_spread:g}, cost spread {result.cost_spread:g})")
    console.print(f"the base plan keeps every limit in {result.base_plan_holds_share:.0%} "
                  f"of the samples; re-optimised, {result.solved_share:.0%} have a plan")
    q = result.objective
    if q is not None:
        console.print(f"objective: base {result.base_objective:.6g}; sampled optimum mean "
                      f"{q.mean:.6g}, P10 {q.p10:.6g}, median {q.p50:.6g}, P90 {q.p90:.6g} "
                      f"(5 % {q.p5:.6g}, 95 % {q.p95:.6g})")
    _rows(console, _table("how often each project is in the sampled optimum", {
        "project": "left", "in the base plan": "left", "selected in": "right"}),
        [(p.project, "yes" if p.base_selected else "", f"{p.selected_share:.0%}")
         for p in result.projects],
        hint="write them all with --out montecarlo.xlsx (or .html, .json)")


def _signed(v: float | None) -> str:
    return "" if v is None else f"{v:+,.4g}"


def print_replan(console: Console, result) -> None:
    """Drift table, decisions table, the re-plan's status and selection."""
    console.print(f"[bold]re-plan at {escape(result.now)}[/]")
    _rows(console, _table("drift against the plan", {
        "project": "left", "state": "left", "spend planned": "right", "spent": "right",
        "drift": "right", "benefits planned": "right", "realised": "right",
        "progress": "right", "planned finish": "left", "forecast": "left", "slip": "right"}),
        [(d.project, d.state, _money(d.planned_spend), _money(d.spent),
          _signed(d.spend_drift), _money(d.planned_benefits), _money(d.benefits_realised),
          "" if d.progress is None else f"{d.progress:.0%} of {d.planned_progress:.0%}",
          d.planned_finish, d.forecast_finish, "" if d.slip is None else f"{d.slip:+d}")
         for d in result.drift], hint="print them all with --json")
    if result.finished:
        console.print("finished (fixed): " + escape(", ".join(result.finished)))
    if result.dropped:
        console.print("window passed (dropped): " + escape(", ".join(result.dropped)))
    _rows(console, _table("running projects", {
        "project": "left", "action": "left", "restart": "left", "sunk": "right",
        "remaining cost": "right", "value delta": "right", "reason": "left"}),
        [(d.project, d.action, d.restart, _money(d.sunk), _money(d.remaining_cost),
          _signed(d.value_delta), d.reason) for d in result.decisions],
        hint="print them all with --json")
    plan = result.plan
    if plan.objective is None:
        console.print(f"re-plan: [red]{plan.status}[/]")
        return
    console.print(f"re-plan: [green]{plan.status}[/] objective {plan.objective:.6g} "
                  f"(relative gap {gap_text(plan.gap)}); selected: "
                  + escape(", ".join(f"{s.project}@{s.start}" for s in plan.selected)))
