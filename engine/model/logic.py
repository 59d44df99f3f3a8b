"""Selection logic: one start per project, mandatory, force, alignment,
dependencies, group limits and synergy links."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..rows import Family, row_name
from .variables import Context

INF = np.inf


def add_start_choice(ctx: Context) -> None:
    """window[p]: sum_s x[p,s] <= 1 (a project starts at most once, inside its window)."""
    projects = ctx.var_count.index.to_numpy(dtype=object)
    k = np.arange(len(projects))
    r, c, v = ctx.selected(k, projects, np.ones(len(projects)))
    ctx.builder.add_rows(Family.WINDOW, [row_name(Family.WINDOW, p) for p in projects],
                         -INF, 1.0, (r, c, v), projects=projects)


def _must(ctx: Context) -> tuple[pd.Index, pd.Index, pd.Index]:
    """(mandatory, forced in, forced out) project ids."""
    p = ctx.portfolio.projects
    mandatory = p.index[(p["status"] == "mandatory").to_numpy()]
    forced_in = p.index[(p["force"] == "in").to_numpy()]
    return mandatory, forced_in, p.index[(p["force"] == "out").to_numpy()]


def add_mandatory_and_force(ctx: Context) -> None:
    """mandatory[p]: y_p >= 1; force[p]: y_p >= 1 (in) or y_p <= 0 (out)."""
    mandatory, forced_in, forced_out = _must(ctx)
    for family, ids, lo, hi in ((Family.MANDATORY, mandatory, 1.0, INF),
                                (Family.FORCE, forced_in, 1.0, INF),
                                (Family.FORCE, forced_out, -INF, 0.0)):
        ids = ids.to_numpy(dtype=object)
        r, c, v = ctx.selected(np.arange(len(ids)), ids, np.ones(len(ids)))
        ctx.builder.add_rows(family, [row_name(family, p) for p in ids], lo, hi, (r, c, v),
                             projects=ids)


def add_alignment_rule(ctx: Context) -> None:
    """alignment[p]: y_p <= 0 for an unaligned candidate or in_flight project
    under require_alignment (mandatory and forced-in projects stay selectable)."""
    if not ctx.portfolio.require_alignment:
        return
    p = ctx.portfolio.projects
    unaligned = ~ctx.derived.aligned & (p["status"] != "mandatory") & (p["force"] != "in")
    ids = p.index[unaligned.to_numpy()].to_numpy(dtype=object)
    r, c, v = ctx.selected(np.arange(len(ids)), ids, np.ones(len(ids)))
    ctx.builder.add_rows(Family.ALIGNMENT, [row_name(Family.ALIGNMENT, q) for q in ids],
                         -INF, 0.0, (r, c, v), projects=ids)


def add_dependencies(ctx: Context) -> None:
    """requires[a,b]: y_a <= y_b; excludes[a,b]: y_a + y_b <= 1;
    after[a,b]: for every t, sum_{s<=t} x[a,s] <= sum_{s'<=t-d_b-lag} x[b,s'],
    i.e. a starts no earlier than b's finish + 1 + lag."""
    deps = ctx.portfolio.table("dependencies")
    if deps.empty:
        return
    for kind, hi, sign in (("requires", 0.0, -1.0), ("excludes", 1.0, 1.0)):
        d = deps[deps["kind"] == kind]
        k = np.arange(len(d))
        ra, ca, va = ctx.selected(k, d["project"].to_numpy(object), np.ones(len(d)))
        rb, cb, vb = ctx.selected(k, d["other"].to_numpy(object), np.full(len(d), sign))
        names = [row_name(kind, a, b) for a, b in zip(d["project"], d["other"], strict=True)]
        ctx.builder.add_rows(Family(kind), names, -INF, hi,
                             (np.r_[ra, rb], np.r_[ca, cb], np.r_[va, vb]))
    _add_after(ctx, deps[deps["kind"] == "after"])


def _own_starts(ctx: Context, project: str) -> tuple[np.ndarray, np.ndarray]:
    """(start periods, variable indices) of a project: a contiguous block of x."""
    if project not in ctx.var_count.index:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    first = int(ctx.first_var[project])
    var = np.arange(first, first + int(ctx.var_count[project]))
    return ctx.starts["start"].to_numpy()[var], var  # x variables come first, in row order


def _add_after(ctx: Context, after: pd.DataFrame) -> None:
    """The cumulative precedence rows of `after` dependencies."""
    if after.empty:
        return
    duration = ctx.derived.windows["duration"]
    names, rows, cols, vals = [], [], [], []
    for a, b, lag in zip(after["project"], after["other"], after["lag"], strict=True):
        start_a, var_a = _own_starts(ctx, a)
        start_b, var_b = _own_starts(ctx, b)
        shift = int(duration[b]) + int(lag)
        for t in start_a:
            k = len(names)
            names.append(row_name(Family.AFTER, a, b))
            ma, mb = var_a[start_a <= t], var_b[start_b <= t - shift]
            rows.append(np.full(len(ma) + len(mb), k))
            cols += [ma, mb]
            vals += [np.ones(len(ma)), -np.ones(len(mb))]
    if names:
        ctx.builder.add_rows(Family.AFTER, names, -INF, 0.0, (np.concatenate(rows),
                             np.concatenate(cols), np.concatenate(vals)))


def add_group_limits(ctx: Context) -> None:
    """group[g,min]: sum_{p in g} y_p >= min; group[g,max]: sum_{p in g} y_p <= max."""
    limits = ctx.portfolio.table("group_limits")
    groups = ctx.portfolio.table("groups")
    for bound in ("min", "max"):
        lim = limits[limits[bound].notna()]
        if lim.empty:
            continue
        members = groups.merge(lim[["group", bound]].reset_index(drop=True)
                               .rename_axis("k").reset_index(), on="group")
        r, c, v = ctx.selected(members["k"].to_numpy(), members["project"].to_numpy(object),
                               np.ones(len(members)))
        value = lim[bound].to_numpy(dtype=float)
        lo, hi = (value, INF) if bound == "min" else (-INF, value)
        ctx.builder.add_rows(Family.GROUP, [row_name(Family.GROUP, g, bound) for g in lim["group"]],
                             lo, hi, (r, c, v))


def add_synergy_links(ctx: Context) -> None:
    """synergy[a,b]: z <= y_a, z <= y_b, z >= y_a + y_b - 1 (z = y_a AND y_b)."""
    pairs = ctx.pairs
    if pairs.empty:
        return
    n = len(pairs)
    k = np.arange(n)
    z = pairs["var"].to_numpy()
    a = pairs["project_a"].to_numpy(object)
    b = pairs["project_b"].to_numpy(object)
    names = [row_name(Family.SYNERGY, x, y) for x, y in zip(a, b, strict=True)]
    for proj in (a, b):
        r, c, v = ctx.selected(k, proj, -np.ones(n))
        ctx.builder.add_rows(Family.SYNERGY, names, -INF, 0.0,
                             (np.r_[k, r], np.r_[z, c], np.r_[np.ones(n), v]))
    ra, ca, va = ctx.selected(k, a, np.ones(n))
    rb, cb, vb = ctx.selected(k, b, np.ones(n))
    ctx.builder.add_rows(Family.SYNERGY, names, -INF, 1.0,
                         (np.r_[ra, rb, k], np.r_[ca, cb, z], np.r_[va, vb, -np.ones(n)]))
