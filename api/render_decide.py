"""Rich rendering of the decision studies (sensitivity, Pareto frontier,
Monte Carlo of a fixed plan) for people at a terminal; ids and notes are
printed as plain text, never read as markup."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

MAX_ROWS = 40


def table(console: Console, title: str, columns: dict[str, str], rows: list[tuple],
          hint: str = "see them all with --json") -> None:
    """A table (plain-text title and cells) with its first MAX_ROWS rows."""
    out = Table(title=Text(title), title_justify="left")
    for name, justify in columns.items():
        out.add_column(name, justify=justify)
    for row in rows[:MAX_ROWS]:
        out.add_row(*[Text("" if v is None else str(v)) for v in row])
    if len(rows) > MAX_ROWS:
        out.caption = Text(f"{len(rows) - MAX_ROWS} more: {hint}")
        out.caption_justify = "left"
    console.print(out)


def _g(value: float | None, digits: int = 4) -> str:
    return "" if value is None else f"{value:.{digits}g}"


def _margin(m) -> str:
    if m.status == "never":
        return "never"
    if m.objective_margin is None:
        return "not computed"
    text = _g(m.objective_margin)
    if m.status == "interval":
        text = f"{_g(m.objective_margin_low)} .. {text} (not proven)"
    return text


def _moved(now: float | None, margin: float | None, threshold: float | None,
           unit: str | None) -> str:
    """'306.7 -> -1105', or 'by 1404 (financial value)' without a column value."""
    if margin is None:
        return ""
    if threshold is None:
        return f"by {_g(margin)} ({unit})"
    return f"{_g(now)} -> {_g(threshold)}"


def print_sensitivity(console: Console, result) -> None:
    """Headline, the projects' margins, the weight samples and ranges."""
    console.print(Text(f"{result.objective_kind} objective {_g(result.base_objective, 6)} "
                       f"({'proven' if result.proven else 'not proven'}); "
                       f"{result.seconds:.1f} s"))
    for note in result.notes:
        console.print(Text(f"note: {note}"))
    rows = [(m.project, "in" if m.selected else "out", m.direction, _margin(m),
             _moved(m.value_now, m.value_margin, m.value_threshold, m.value_unit),
             "" if m.score_margin is None else f"{_g(m.score_now)} -> {_g(m.score_threshold)}",
             m.note) for m in result.projects]
    table(console, "how far each project's value or score may move before the selection "
          "changes", {"project": "left", "plan": "left", "moves": "left",
                      "objective margin": "right", "value (now -> threshold)": "right",
                      "score (now -> threshold)": "right", "note": "left"}, rows)
    if result.stay_in:
        table(console, f"share of {result.samples} weight samples (each weight x "
              f"[{1 - result.radius:g}, {1 + result.radius:g}], seed {result.seed}) "
              "in which each project is selected",
              {"project": "left", "in the plan": "left", "selected in": "right"},
              [(s.project, "yes" if s.base_selected else "", f"{s.share:.0%}")
               for s in result.stay_in])
    if result.weight_ranges:
        table(console, "weights over which the plan stays optimal (one weight moves, the "
              "others keep their proportions)",
              {"objective": "left", "weight": "right", "from": "right", "to": "right",
               "proven": "left", "solves": "right"},
              [(r.objective, f"{r.weight:.4f}", _g(r.low), _g(r.high),
                "yes" if r.exact else "no", str(r.solves)) for r in result.weight_ranges])


def print_pareto(console: Console, result) -> None:
    """One row per non-dominated plan, then what changes between neighbours."""
    console.print(Text(f"Pareto frontier of {result.first} and {result.second} "
                       f"({result.method}; {len(result.points)} plans, {result.solves} solves, "
                       f"{result.seconds:.1f} s)"))
    table(console, "non-dominated plans", {
        result.first: "right", result.second: "right", "proven": "left", "gap": "right",
        "selected": "right"},
        [(_g(p.first, 6), _g(p.second, 6), "yes" if p.proven else "no",
          "" if p.gap is None else f"{p.gap:.2%}", str(len(p.selected)))
         for p in result.points])
    table(console, "from each plan to the next", {
        f"{result.first} given up": "right", f"{result.second} gained": "right",
        "rate": "right", "came in": "left", "went out": "left"},
        [(_g(-s.first_change), _g(s.second_change), _g(s.rate), ", ".join(s.came_in),
          ", ".join(s.went_out)) for s in result.steps])


def print_outcomes(console: Console, result) -> None:
    """The fixed plan's realised value: expectation, spread, quantiles, target."""
    if result.mean is None:
        console.print(Text(f"no plan to evaluate: {result.plan_status}"))
        return
    console.print(Text(
        f"{result.plan_status} plan of {len(result.selected)} projects, {result.samples} "
        f"samples (seed {result.seed}, {result.sample_seconds:.3f} s)\n"
        f"expected financial value (value x success_probability): "
        f"{result.expected_value:,.1f}\n"
        f"realised: mean {result.mean:,.1f}, std {result.std:,.1f}; min {result.minimum:,.1f}"
        f", P10 {result.p10:,.1f}, P50 {result.p50:,.1f}, P90 {result.p90:,.1f}, "
        f"max {result.maximum:,.1f}"))
    if result.target is not None:
        console.print(Text(f"probability of reaching {result.target:,.1f}: "
                           f"{result.p_target:.1%}"))
