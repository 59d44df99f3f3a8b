"""The independent checker's rules of partial funding and funding sources,
re-derived from the input alone (no model, no solver):

- scope[p]: a selected project's share is 1 unless it has min_scope or
  scope_step; then min_scope <= share <= 1 (a step without min_scope: one
  step), on the multiples of scope_step when given;
- funding[p,t]: a project some source may pay (an eligibility row names it
  or its category) has every period's spend paid by its sources:
  sum_s f[p,s,t] = spend[p,t] (spend at its share); a project not selected, or
  a period without spend, is paid nothing;
- eligibility[p,s]: only an eligible source pays p, never a negative
  amount, at most max_share * spend[p,t] (a project row wins over its
  category's row);
- source[s,period]: what s pays in the period (a blank period: the whole
  horizon; a period of no row of s: nothing may be paid there) <= amount.
"""

from __future__ import annotations

import math

import pandas as pd

from .portfolio import Portfolio
from .rows import Family, row_name
from .scope_curve import gain
from .violations import Violation, tol

FUNDING_COLUMNS = ["project", "source", "period", "amount"]
SOURCE_COLUMNS = ["constraint", "source", "period", "amount", "used", "unused"]


def check_scope(portfolio: Portfolio, shares: pd.Series, out: list[Violation]) -> None:
    """scope[p] rows of the selected projects (shares indexed by project)."""
    projects = portfolio.projects
    for pid, share in shares.items():
        step = projects.at[pid, "scope_step"]
        least = projects.at[pid, "min_scope"]
        least = step if math.isnan(least) else least
        name = row_name(Family.SCOPE, pid)
        if math.isnan(least):
            if abs(share - 1.0) > tol(1.0):
                out.append(Violation(name, f"share {share:g}: the project is all or nothing"))
            continue
        if share < least - tol(1.0) or share > 1.0 + tol(1.0):
            out.append(Violation(name, f"share {share:g} outside [{least:g}, 1]"))
        elif not math.isnan(step) and abs(share / step - round(share / step)) > tol(1.0):
            out.append(Violation(name, f"share {share:g} is not a multiple of {step:g}"))


def value_gain(projects: pd.DataFrame, pid: str, share: float) -> float:
    """What a project's value and score are multiplied by at its share: the
    share, or G(share) for scope_value concave (engine/scope_curve.py)."""
    if projects.at[pid, "scope_value"] != "concave":
        return share
    return gain(share, projects.at[pid, "min_scope"], projects.at[pid, "scope_step"])


def eligibility(portfolio: Portfolio) -> dict[tuple[str, str], float]:
    """(project, source) -> max_share: a project's own row, else its category's."""
    out: dict[tuple[str, str], float] = {}
    elig = portfolio.table("eligibility")
    category = portfolio.projects["category"]
    for source, cat, share in elig[elig["category"].notna()][
            ["source", "category", "max_share"]].itertuples(index=False):
        for pid in category.index[(category == cat).to_numpy()]:
            out.setdefault((pid, source), float(share))
    for source, pid, share in elig[elig["project"].notna()][
            ["source", "project", "max_share"]].itertuples(index=False):
        out[(pid, source)] = float(share)
    return out


def check_funding(portfolio: Portfolio, lines: pd.DataFrame, funding: pd.DataFrame,
                  out: list[Violation]) -> pd.DataFrame:
    """funding, eligibility and source rows of a plan; returns each source row's
    use (constraint, source, period, amount, used, unused). `lines`: the
    selection's cost lines at their shares (project, period index, amount)."""
    periods = portfolio.periods
    spend = lines.assign(period=[periods[t] for t in lines["period"]]).groupby(
        ["project", "period"])["amount"].sum()
    allowed = eligibility(portfolio)
    paid = funding.groupby(["project", "period"])["amount"].sum() if len(funding) else \
        pd.Series(dtype=float)
    payable = {p for p, _ in allowed}
    for key in sorted(set(spend.index) | set(paid.index)):
        if key[0] not in payable:
            continue
        need, got = float(spend.get(key, 0.0)), float(paid.get(key, 0.0))
        if abs(need - got) > tol(need):
            out.append(Violation(row_name(Family.FUNDING, *key),
                                 f"sources pay {got:g} of a spend of {need:g}"))
    per_source = funding.groupby(["project", "source", "period"], as_index=False, sort=True)[
        "amount"].sum() if len(funding) else funding
    for pid, source, period, amount in per_source[FUNDING_COLUMNS].itertuples(index=False):
        name = row_name(Family.ELIGIBILITY, pid, source)
        cap = allowed.get((pid, source))
        if cap is None:
            out.append(Violation(name, f"{source} may not pay {pid}"))
            continue
        limit = cap * float(spend.get((pid, period), 0.0))
        if amount < -tol(0.0) or amount > limit + tol(limit):
            out.append(Violation(name, f"pays {amount:g} in {period}, at most {limit:g}"))
    return _source_use(portfolio, funding, out)


def _source_use(portfolio: Portfolio, funding: pd.DataFrame,
                out: list[Violation]) -> pd.DataFrame:
    """source rows: paid within each row's period (or horizon) <= amount; money
    paid in a period the source has no money for breaks its first row."""
    sources = portfolio.table("funding_sources")
    rows = []
    for source, period, amount in sources[["source", "period", "amount"]].itertuples(index=False):
        mine = funding[funding["source"] == source]
        if period is not None:
            mine = mine[mine["period"] == period]
        used = float(mine["amount"].sum())
        name = row_name(Family.SOURCE, source, period)
        rows.append({"constraint": name, "source": source, "period": period,
                     "amount": float(amount), "used": used, "unused": float(amount) - used})
        if used > amount + tol(amount):
            out.append(Violation(name, f"pays {used:g}, has {amount:g}"))
    whole = set(sources["source"][sources["period"].isna()])
    dated = set(zip(sources["source"], sources["period"], strict=True))
    for source, period in funding[["source", "period"]].drop_duplicates().itertuples(index=False):
        if source not in whole and (source, period) not in dated:
            out.append(Violation(row_name(Family.SOURCE, source, period),
                                 f"{source} has no money in {period}"))
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS)
