"""A plan as a page for people (`spmo solve --out plan.html`): the headline
(status, the objective also as a share of the bound, KPIs as tiles), the
roadmap, value against risk, contribution by objective, excluded projects
by reason, spend and utilisation (`report_charts`), then the tables with
names beside ids and numbers formatted. plotly.js is inlined once: the page
works offline."""

from __future__ import annotations

import html

from . import report_charts as charts
from .report_format import (
    figure_div,
    kpi_grid,
    money,
    number,
    page,
    percent,
    share_of_bound,
    table,
)

CHART_IDS = ("roadmap", "bubbles", "contribution", "excluded-codes", "spend", "utilisation")
"""The id of each chart's <div>, in page order (a chart with nothing to show is left out)."""


def plan_page(portfolio, plan, title: str) -> str:
    """The whole page (see the module docstring)."""
    facts = charts.project_facts(portfolio)
    parts = [_headline(portfolio, plan)]
    if plan.objective is not None:
        figures = (charts.roadmap(portfolio, plan), charts.bubbles(portfolio, plan),
                   charts.contribution(portfolio, plan) if plan.alignment else None,
                   charts.excluded_codes(plan) if plan.excluded else None,
                   charts.spend(plan), charts.utilisation(plan))
        parts += [figure_div(f, i) for f, i in zip(figures, CHART_IDS, strict=True)
                  if f is not None]
    parts += _tables(portfolio, plan, facts)
    return page(title, "".join(parts))


def _headline(portfolio, plan) -> str:
    """Status and objective in a sentence, then the KPIs as tiles."""
    if plan.objective is None:
        sentence = (f"<p><b>{html.escape(plan.status)}</b>: no plan "
                    f"({html.escape(plan.solver)}, {plan.solve_seconds:.2f} s).</p>")
        return sentence
    gap = "" if plan.gap is None else f", relative gap {percent(plan.gap, 2)}"
    sentence = (f"<p><b>{html.escape(plan.status)}</b> plan: {portfolio.objective_kind} "
                f"objective {number(plan.objective, 6)} "
                f"({share_of_bound(plan.objective, plan.bound)}{gap}), found by "
                f"{html.escape(plan.solver)} in {plan.solve_seconds:.2f} s.</p>")
    k = plan.kpis
    total = len(plan.selected) + len(plan.excluded)
    tiles = kpi_grid([
        ("objective, share of the bound",
         percent(plan.objective / plan.bound) if plan.bound else "no bound"),
        ("projects selected", f"{len(plan.selected):,} of {total:,}"),
        ("strategic score", f"{k.strategic_score:.3f}"),
        ("financial value", money(k.financial_value)),
        ("total cost", money(k.total_cost)),
        ("risk exposure", money(k.risk_exposure)),
        ("selected without alignment", f"{k.unaligned_selected:,}")])
    warnings = "".join(f'<p class="note">warning: {html.escape(w)}</p>' for w in plan.warnings)
    return sentence + tiles + warnings


def _tables(portfolio, plan, facts) -> list[str]:
    """Selected, excluded, running projects, budgets, contribution, and for a
    portfolio without a plan the conflicts and the relaxation."""
    def name(p):
        return facts.at[p, "name"] if p in facts.index else ""

    out = []
    if plan.selected:
        out.append(f"<h2>selected ({len(plan.selected):,})</h2>" + table(
            ["project", "name", "category", "start", "finish", "cost", "value", "score"],
            [(s.project, name(s.project), facts.at[s.project, "category"], s.start, s.finish,
              money(s.cost), money(s.value), f"{s.score:.3f}") for s in plan.selected],
            {"cost", "value", "score"}))
    if plan.excluded:
        out.append(f"<h2>excluded ({len(plan.excluded):,})</h2>" + table(
            ["project", "name", "code", "reason", "cost to include"],
            [(e.project, name(e.project), e.code, e.reason,
              "" if e.cost_to_include is None else number(e.cost_to_include))
             for e in plan.excluded], {"cost to include"}))
    if plan.recommendations:
        out.append("<h2>running projects</h2>" + table(
            ["project", "name", "action", "restart", "reason", "value change"],
            [(r.project, name(r.project), r.action, r.restart, r.reason, money(r.value_delta))
             for r in plan.recommendations], {"value change"}))
    budgets = [s for s in plan.spend if s.limit is not None]
    if budgets:
        out.append("<h2>budgets</h2>" + table(
            ["constraint", "spent", "limit", "used"],
            [(s.constraint, money(s.amount), money(s.limit),
              percent(s.amount / s.limit, 0) if s.limit else "") for s in budgets],
            {"spent", "limit", "used"}))
    if plan.alignment:
        rows = charts.contribution_rows(portfolio, plan)
        whole = sum(v for _, _, v in rows) or 1.0
        out.append("<h2>contribution by objective</h2>" + table(
            ["objective", "name", "contribution", "share"],
            [(o, n, f"{v:.4f}", percent(v / whole)) for o, n, v in rows],
            {"contribution", "share"}))
    if plan.conflicts:
        out.append("<h2>these constraints cannot all hold</h2>" + table(
            ["constraint", "why"], [(c.constraint, c.sentence) for c in plan.conflicts]))
    if plan.relaxation:
        out.append("<h2>the smallest change that gives a plan</h2>" + table(
            ["constraint", "table", "column", "today", "needed", "change"],
            [(r.constraint, r.table, r.column, number(r.limit, 6), number(r.needed, 6),
              r.sentence) for r in plan.relaxation], {"today", "needed"}))
    return out + _funding_tables(plan)


def _funding_tables(plan) -> list[str]:
    """The funding split and each source's used and unused money (funding sources)."""
    frames = plan.frames()
    return [f"<h2>{title}</h2>" + frames[part].to_html(index=False, na_rep="")
            for part, title in (("funding", "funding split"), ("sources", "funding sources"))
            if len(frames[part])]
