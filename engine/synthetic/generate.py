"""Synthetic portfolios for trials and benchmarks, in the contract's JSON shape.

Everything is drawn with numpy arrays from one seeded generator, so a seed gives
the same portfolio every time, and 50,000 projects x 20 periods take seconds.
The constraints are calibrated so that the mandatory and in-flight projects,
started at their earliest start, always satisfy every budget, capacity, balance
and risk-appetite row: a generated portfolio is always feasible.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

CATEGORIES = ("growth", "efficiency", "compliance", "maintenance")
CATEGORY_MIX = (0.38, 0.30, 0.10, 0.22)
UNITS = ("Retail", "Corporate", "Operations", "Wealth", "Technology", "Risk")
OBJECTIVES = (
    ("revenue", "Grow digital revenue"),
    ("cost", "Reduce operating cost"),
    ("compliance", "Regulatory compliance"),
    ("customer", "Customer experience"),
    ("sustainability", "Sustainability"),
)
CATEGORY_OBJECTIVE = (0, 1, 2, 1)  # primary objective index of each category
SKILLS = ("pm", "data-eng", "cloud", "security", "ux", "architecture", "qa",
          "devops", "data-science", "erp", "network", "frontend")
VERBS = ("Modernise", "Migrate", "Automate", "Consolidate", "Launch", "Upgrade",
         "Replace", "Digitise", "Streamline", "Implement", "Redesign", "Extend")
AREAS = ("CRM", "ERP", "payments", "data", "mobile", "billing", "HR", "supply chain",
         "cloud", "security", "analytics", "customer portal", "onboarding", "pricing")
NOUNS = ("platform", "system", "programme", "process", "app", "infrastructure",
         "pipeline", "hub", "service", "integration")
POOLS = ("capex", "opex")
BENEFIT_RAMP = np.array([0.4, 0.7, 1.0, 1.0, 1.0, 1.0, 1.0])


def generate_portfolio(  # noqa: PLR0913 (a public entry point: five keyword-only options)
        projects: int, periods: int, seed: int, *, skills: int = 30, objectives: int = 5,
        business_units: int = 3, name: str | None = None, tightness: float = 0.4) -> dict:
    """A realistic synthetic portfolio in the contract's JSON shape, deterministic for a seed."""
    _check_arguments(projects, periods, skills, objectives, business_units, tightness)
    rng = np.random.default_rng(seed)
    n, t = projects, periods
    p = _draw_projects(n, t, business_units, rng)
    cost = _draw_costs(p, rng)
    value, benefit = _draw_values(p, cost, rng)
    demand = _draw_demands(p, cost.total, skills, rng)
    firm = p.status != "candidate"
    capacity = _capacity(demand, p, firm, skills, tightness, rng)
    budgets, whole = _budgets(cost, p, firm, tightness, rng)
    deps = _dependencies(p, rng)
    variants, themes = _groups(p, deps, rng)
    pid = _project_ids(n)
    periods_ = _period_ids(t)
    skill_ids = _skill_ids(skills)
    return {
        "name": name or f"synthetic-{projects}x{periods}-s{seed}",
        "periods": [{"id": x} for x in periods_],
        "objectives": _objectives(objectives, rng),
        "projects": _project_rows(p, pid, periods_, value, variants, rng),
        "costs": _rows(project=pid[cost.project], offset=cost.offset,
                       amount=cost.amount, pool=np.array(POOLS, dtype=object)[cost.pool]),
        "benefits": _rows(project=pid[benefit.project], offset=benefit.offset,
                          amount=benefit.amount),
        "alignment": _alignment(p, objectives, pid, rng),
        "demands": _rows(project=pid[demand.project], offset=demand.offset,
                         skill=np.array(skill_ids, dtype=object)[demand.skill],
                         fte=demand.fte),
        "capacity": _capacity_rows(capacity, skill_ids, periods_, rng),
        "budgets": _budget_rows(budgets, whole, periods_),
        "dependencies": _dependency_rows(deps, pid),
        "groups": _group_rows(variants, themes, pid),
        "group_limits": _group_limit_rows(variants, themes),
        "synergies": _synergies(p, cost, pid, rng),
        "balance": _balance(p, cost, firm, business_units),
        "risk_appetite": _risk_appetite(p, cost, firm, whole),
        "settings": {"objective": "blend", "blend": 0.6, "discount_rate": 0.02,
                     "time_limit_s": 30},
    }


def _check_arguments(projects, periods, skills, objectives, units, tightness) -> None:
    """Reject sizes the generator cannot honour."""
    if min(projects, periods, skills, objectives, units) < 1:
        raise ValueError("projects, periods, skills, objectives and business_units must be >= 1")
    if not 0 < tightness:
        raise ValueError("tightness must be positive")


def _period_ids(t: int) -> list[str]:
    """Quarter ids from 2027Q1 onwards."""
    return [f"{2027 + i // 4}Q{i % 4 + 1}" for i in range(t)]


def _project_ids(n: int) -> np.ndarray:
    """Project ids P1.. zero padded to the width of n, as an object array."""
    width = len(str(n))
    return np.array([f"P{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _skill_ids(s: int) -> list[str]:
    """Realistic skill ids first, then skill-13, skill-14..."""
    return [SKILLS[i] if i < len(SKILLS) else f"skill-{i + 1:02d}" for i in range(s)]


def _unit_names(b: int) -> list[str]:
    """Business unit names, generic beyond the realistic list."""
    return [UNITS[i] if i < len(UNITS) else f"BU-{i + 1:02d}" for i in range(b)]


def _objective_names(m: int) -> list[tuple[str, str]]:
    """(id, name) of m objectives, generic beyond the realistic list."""
    return [OBJECTIVES[i] if i < len(OBJECTIVES) else
            (f"objective-{i + 1:02d}", f"Strategic objective {i + 1}") for i in range(m)]


def _objectives(m: int, rng) -> list[dict]:
    """Objective rows with realistic names and positive weights."""
    weights = np.round(rng.uniform(0.5, 3.0, m), 2).tolist()
    return [{"id": oid, "name": label, "weight": w}
            for (oid, label), w in zip(_objective_names(m), weights, strict=True)]


def _window(d: np.ndarray, t: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Random start windows [earliest, latest] that fit the horizon."""
    last = t - d
    early = np.floor(rng.random(d.size) * (last + 1)).astype(int)
    late = early + np.floor(rng.random(d.size) * (last - early + 1)).astype(int)
    return early, late


def _draw_projects(n: int, t: int, units: int, rng) -> SimpleNamespace:
    """Status, category, unit, duration, windows and risk of every project (-1: blank)."""
    u = rng.random(n)
    status = np.where(u < 0.05, "mandatory", np.where(u < 0.10, "in_flight", "candidate"))
    mand, infl = status == "mandatory", status == "in_flight"
    category = rng.choice(4, n, p=CATEGORY_MIX)
    category[mand] = np.where(rng.random(mand.sum()) < 0.8, 2, 3)
    d = np.minimum(np.clip(np.round(rng.normal(4.5, 1.6, n)), 2, 8).astype(int), t)
    early, late = _window(d, t, rng)
    windowed = (rng.random(n) < np.where(mand, 0.5, 0.4)) & ~infl
    early, late = np.where(windowed, early, -1), np.where(windowed, late, -1)
    stall = np.minimum(rng.integers(1, 4, n), t - d)
    late = np.where(infl & (rng.random(n) < 0.5) & (stall > 0), stall, late)
    risk = rng.uniform(0.0, 0.8, n) * np.where(mand, 0.5, np.where(infl, 0.75, 1.0))
    return SimpleNamespace(
        n=n, t=t, units=units, status=status, category=category, unit=rng.integers(0, units, n),
        duration=d, early=early, late=late, start=np.maximum(early, 0),
        success=np.round(rng.uniform(0.6, 1.0, n), 2), risk=np.round(risk, 2))


def _expand(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(project index, offset) of every offset 0..d-1 of every project."""
    project = np.repeat(np.arange(d.size), d)
    first = np.repeat(np.cumsum(d) - d, d)
    return project, np.arange(project.size) - first


def _draw_costs(p, rng) -> SimpleNamespace:
    """Capex in the build offsets, opex in every offset, amounts in thousands."""
    total = np.clip(rng.lognormal(np.log(300.0), 0.8, p.n), 30.0, 8000.0)
    capex_share = rng.uniform(0.3, 0.8, p.n)
    build = np.maximum(1, np.ceil(0.7 * p.duration)).astype(int)
    project, offset = _expand(p.duration)
    wobble = rng.uniform(0.7, 1.3, project.size)
    opex = (1 - capex_share[project]) * total[project] * wobble / p.duration[project]
    capex = capex_share[project] * total[project] * wobble / build[project]
    has_capex = offset < build[project]
    amount = np.concatenate([capex[has_capex], opex])
    order = np.lexsort((np.r_[np.zeros(has_capex.sum()), np.ones(project.size)],
                        np.r_[offset[has_capex], offset], np.r_[project[has_capex], project]))
    costs = SimpleNamespace(
        project=np.r_[project[has_capex], project][order],
        offset=np.r_[offset[has_capex], offset][order],
        pool=np.r_[np.zeros(has_capex.sum(), int), np.ones(project.size, int)][order],
        amount=np.maximum(np.round(amount[order], 1), 0.1))
    costs.total = np.bincount(costs.project, costs.amount, p.n)
    return costs


def _draw_values(p, cost, rng) -> tuple[np.ndarray, SimpleNamespace]:
    """NPV for ~80% of projects (negative for most compliance), benefit rows for the rest."""
    compliance = p.category == 2
    factor = np.where(compliance, rng.uniform(0.2, 1.0, p.n), rng.uniform(0.5, 3.0, p.n))
    negative = compliance & (rng.random(p.n) < 0.6)
    factor = np.where(negative, -rng.uniform(0.05, 0.5, p.n), factor)
    has_value = rng.random(p.n) >= 0.2
    value = np.where(has_value, np.round(factor * cost.total, 1), np.nan)
    gain = np.where(compliance, rng.uniform(0.1, 0.8, p.n), rng.uniform(1.0, 3.5, p.n))
    owners = np.flatnonzero(~has_value)
    k = BENEFIT_RAMP.size
    project = np.repeat(owners, k)
    step = np.tile(np.arange(k), owners.size)
    share = BENEFIT_RAMP[step] / BENEFIT_RAMP.sum() * rng.uniform(0.8, 1.2, project.size)
    amount = np.maximum(np.round(gain[project] * cost.total[project] * share, 1), 0.1)
    return value, SimpleNamespace(project=project, offset=p.duration[project] + step,
                                  amount=amount)


def _pick_ranked(weights: np.ndarray, n: int, rng) -> np.ndarray:
    """Per row, a random order of the columns, likelier columns first (exponential races)."""
    keys = rng.exponential(1.0, (n, weights.size)) / weights
    return np.argsort(keys, axis=1)


def _draw_demands(p, total: np.ndarray, s: int, rng) -> SimpleNamespace:
    """1-3 skills per project over every offset, FTE 0.5-4 in steps of 0.5, ~spend rate / 30."""
    ranked = _pick_ranked(1.0 / np.arange(1, s + 1) ** 0.6, p.n, rng)
    k = np.minimum(rng.integers(1, 4, p.n), s)
    pair_project = np.repeat(np.arange(p.n), k)
    pair_skill = ranked[pair_project, np.arange(pair_project.size) - np.repeat(np.cumsum(k) - k, k)]
    rate = total[pair_project] / p.duration[pair_project] / k[pair_project]
    base = rate / 30.0 * rng.uniform(0.6, 1.4, pair_project.size)
    pair, offset = _expand(p.duration[pair_project])
    fte = np.clip(np.round(base[pair] * rng.uniform(0.75, 1.25, pair.size) * 2) / 2, 0.5, 4.0)
    return SimpleNamespace(project=pair_project[pair], skill=pair_skill[pair],
                           offset=offset, fte=fte)


def _by_period(entries: tuple, keys: int, p, mask) -> np.ndarray:
    """Sum amount per (key, period) with each masked project started at its earliest
    start; `entries` = (project, offset, amount, key) arrays, key < keys."""
    project, offset, amount, key = entries
    keep = mask[project]
    cell = key[keep] * p.t + p.start[project[keep]] + offset[keep]
    return np.bincount(cell, amount[keep], keys * p.t).reshape(keys, p.t)


def _capacity(demand, p, firm, s, tightness, rng) -> np.ndarray:
    """FTE per (skill, period): tightness x average demand, >= 1.2x the firm demand."""
    everyone = np.ones(p.n, bool)
    entries = (demand.project, demand.offset, demand.fte, demand.skill)
    average = _by_period(entries, s, p, everyone).sum(axis=1, keepdims=True) / p.t
    fte = np.round(tightness * average * rng.uniform(0.85, 1.15, (s, p.t)) * 2) / 2
    floor = np.ceil(1.2 * _by_period(entries, s, p, firm) * 2) / 2
    return np.maximum(np.maximum(fte, floor), 1.0)


def _budgets(cost, p, firm, tightness, rng) -> tuple[np.ndarray, float]:
    """Per-period pool limits and a whole-horizon limit, >= 1.3x the firm spend."""
    everyone = np.ones(p.n, bool)
    entries = (cost.project, cost.offset, cost.amount, cost.pool)
    spend_all = _by_period(entries, len(POOLS), p, everyone)
    spend_firm = _by_period(entries, len(POOLS), p, firm)
    level = tightness * spend_all.sum(axis=1, keepdims=True) / p.t
    limit = np.maximum(level * rng.uniform(0.9, 1.1, (len(POOLS), p.t)), 1.3 * spend_firm)
    whole = max(0.95 * tightness * spend_all.sum(), 1.3 * spend_firm.sum())
    return np.ceil(limit * 10) / 10, float(np.ceil(whole * 10) / 10)


def _dependencies(p, rng) -> dict[str, np.ndarray]:
    """requires/after on an earlier project, and excludes between candidates."""
    cand = np.flatnonzero(p.status == "candidate")
    pool = cand[cand > 0]
    src = np.sort(rng.choice(pool, min(pool.size, round(0.04 * p.n)), replace=False))
    dst = np.floor(rng.random(src.size) * src).astype(int)
    lag = rng.integers(0, 2, src.size)
    free = (p.early[src] < 0) & (p.late[src] < 0)
    fits = p.duration[src] + p.duration[dst] + lag <= p.t
    after = free & fits & (rng.random(src.size) < 0.5)
    pairs = rng.choice(cand, (round(0.01 * p.n), 2)) if cand.size > 1 else np.zeros((0, 2), int)
    pairs = np.unique(np.sort(pairs, axis=1), axis=0)
    linked = set(zip(np.maximum(src, dst).tolist(), np.minimum(src, dst).tolist(), strict=True))
    keep = np.array([a != b and (b, a) not in linked for a, b in pairs.tolist()], bool)
    return {"src": src, "dst": dst, "lag": lag, "after": after,
            "ex_a": pairs[keep, 1], "ex_b": pairs[keep, 0]}


def _groups(p, deps, rng) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Variant groups of 2-3 candidates (max 1) and two theme groups (max 3)."""
    busy = np.zeros(p.n, bool)
    for key in ("src", "dst", "ex_a", "ex_b"):
        busy[deps[key]] = True
    free = rng.permutation(np.flatnonzero((p.status == "candidate") & ~busy))
    sizes = rng.integers(2, 4, max(1, round(0.02 * p.n)))
    sizes = sizes[np.cumsum(sizes) <= free.size // 2]
    cut = np.cumsum(sizes)
    variants = np.split(free[: cut[-1]], cut[:-1]) if sizes.size else []
    rest = free[cut[-1]:] if sizes.size else free
    themes = [rest[i * 9: i * 9 + int(rng.integers(4, 10))] for i in range(2)]
    return variants, [g for g in themes if g.size]


def _project_rows(p, pid, periods, value, variants, rng) -> list[dict]:
    """Project records, blank fields omitted; variant names say which option they are."""
    verbs, areas, nouns = (rng.integers(0, len(x), p.n) for x in (VERBS, AREAS, NOUNS))
    names = [f"{VERBS[a]} {AREAS[b]} {NOUNS[c]}"
             for a, b, c in zip(verbs.tolist(), areas.tolist(), nouns.tolist(), strict=True)]
    for group in variants:
        for k, i in enumerate(group.tolist()):
            names[i] += f" (option {'ABC'[k]})"
    units = _unit_names(p.units)
    rows = []
    for i, (cat, unit, st, d, e, la, v, sp, r) in enumerate(zip(
            p.category.tolist(), p.unit.tolist(), p.status.tolist(), p.duration.tolist(),
            p.early.tolist(), p.late.tolist(), value.tolist(), p.success.tolist(),
            p.risk.tolist(), strict=True)):
        row = {"id": pid[i], "name": names[i], "category": CATEGORIES[cat],
               "business_unit": units[unit], "status": st, "duration": d}
        if e >= 0:
            row["earliest_start"] = periods[e]
        if la >= 0:
            row["latest_start"] = periods[la]
        if v == v:
            row["value"] = v
        row["success_probability"], row["risk"] = sp, r
        rows.append(row)
    return rows


def _rows(**columns) -> list[dict]:
    """Records from equally long columns (numpy arrays or lists)."""
    keys = list(columns)
    values = [c.tolist() if isinstance(c, np.ndarray) else c for c in columns.values()]
    return [dict(zip(keys, row, strict=True)) for row in zip(*values, strict=True)]


def _alignment(p, m: int, pid, rng) -> list[dict]:
    """1-3 objectives per project, the category's first; ~8% of candidates unaligned."""
    keys = rng.random((p.n, m))
    primary = np.minimum(np.array(CATEGORY_OBJECTIVE)[p.category], m - 1)
    lead = (rng.random(p.n) < 0.7) | (p.status == "mandatory")
    keys[lead, primary[lead]] = -1.0
    order = np.argsort(keys, axis=1)
    k = np.minimum(rng.integers(1, 4, p.n), m)
    k[(p.status == "candidate") & (rng.random(p.n) < 0.08)] = 0
    project = np.repeat(np.arange(p.n), k)
    rank = np.arange(project.size) - np.repeat(np.cumsum(k) - k, k)
    score = np.where(rank == 0, rng.integers(3, 6, project.size), rng.integers(1, 5, project.size))
    ids = np.array([oid for oid, _ in _objective_names(m)], dtype=object)
    return _rows(project=pid[project], objective=ids[order[project, rank]],
                 score=score.astype(float))


def _capacity_rows(fte, skills, periods, rng) -> list[dict]:
    """One row per (skill, period); about a third may buy 1-3 extra FTE."""
    extra = rng.random(fte.shape) < 1 / 3
    more = rng.integers(1, 4, fte.shape).astype(float)
    price = np.round(rng.uniform(30.0, 60.0, fte.shape), 1)
    rows = []
    for s, skill in enumerate(skills):
        for t, period in enumerate(periods):
            row = {"skill": skill, "period": period, "fte": float(fte[s, t])}
            if extra[s, t]:
                row["extra_fte"], row["extra_cost"] = float(more[s, t]), float(price[s, t])
            rows.append(row)
    return rows


def _budget_rows(limits, whole, periods) -> list[dict]:
    """A capex and an opex row per period, then the whole-horizon row."""
    rows = [{"period": period, "pool": pool, "limit": float(limits[k, t])}
            for t, period in enumerate(periods) for k, pool in enumerate(POOLS)]
    return rows + [{"limit": whole}]


def _dependency_rows(deps, pid) -> list[dict]:
    """requires/after rows (lag only on after), then excludes rows."""
    rows = []
    for a, b, lag, after in zip(deps["src"].tolist(), deps["dst"].tolist(),
                                deps["lag"].tolist(), deps["after"].tolist(), strict=True):
        row = {"project": pid[a], "kind": "after" if after else "requires", "other": pid[b]}
        if after:
            row["lag"] = lag
        rows.append(row)
    return rows + [{"project": pid[a], "kind": "excludes", "other": pid[b]}
                   for a, b in zip(deps["ex_a"].tolist(), deps["ex_b"].tolist(), strict=True)]


def _variant_ids(count: int) -> list[str]:
    """Variant group ids G001, G002..."""
    width = max(3, len(str(count)))
    return [f"G{i:0{width}d}" for i in range(1, count + 1)]


def _group_rows(variants, themes, pid) -> list[dict]:
    """Membership rows of every variant and theme group."""
    names = _variant_ids(len(variants)) + [f"THEME-{i + 1}" for i in range(len(themes))]
    return [{"group": g, "project": pid[i]}
            for g, members in zip(names, variants + themes, strict=True) for i in members.tolist()]


def _group_limit_rows(variants, themes) -> list[dict]:
    """Variant groups take at most one member, themes between 0 and 3."""
    rows = [{"group": g, "max": 1} for g in _variant_ids(len(variants))]
    return rows + [{"group": f"THEME-{i + 1}", "min": 0, "max": 3} for i in range(len(themes))]


def _synergies(p, cost, pid, rng) -> list[dict]:
    """Pairs with extra value (a quarter negative: cannibalisation) and score."""
    if p.n < 2:
        return []
    pairs = np.sort(rng.integers(0, p.n, (max(1, round(0.03 * p.n)), 2)), axis=1)
    pairs = np.unique(pairs[pairs[:, 0] != pairs[:, 1]], axis=0)
    a, b = pairs[:, 0], pairs[:, 1]
    scale = (cost.total[a] + cost.total[b]) / 2
    plus = rng.random(a.size) < 0.75
    value = np.where(plus, rng.uniform(0.05, 0.25, a.size), -rng.uniform(0.05, 0.2, a.size))
    return _rows(project_a=pid[a], project_b=pid[b], value=np.round(value * scale, 1),
                 score=np.round(rng.uniform(0.0, 1.0, a.size), 2))


def _shares(x, cost, firm, p) -> list[float]:
    """x's share of spend for the mandatory set alone and with the in-flight set."""
    out = []
    for mask in (p.status == "mandatory", firm):
        total = cost.total[mask].sum()
        out.append(float(cost.total[mask & x].sum() / total) if total > 0 else 0.0)
    return out


def _loosen(default: float, seen: list[float]) -> float:
    """default, or a limit 0.05 above the largest share seen, at most 1."""
    return float(min(1.0, max(default, np.ceil((max(seen) + 0.05) * 100) / 100)))


def _balance(p, cost, firm, units: int) -> list[dict]:
    """Generous max shares that the mandatory and in-flight sets always satisfy."""
    rules = [("category", "growth", p.category == 0, 0.7),
             ("category", "maintenance", p.category == 3, 0.4)]
    if units > 1:
        rules.append(("business_unit", _unit_names(units)[0], p.unit == 0, 0.6))
    return [{"dimension": dim, "value": val,
             "max_share": _loosen(cap, _shares(mask, cost, firm, p))}
            for dim, val, mask, cap in rules]


def _risk_appetite(p, cost, firm, whole: float) -> dict:
    """Risk limits near the brief's defaults, loosened until the firm sets satisfy them."""
    exposure, high, average = [], [], []
    for mask in (p.status == "mandatory", firm):
        c = cost.total[mask]
        exposure.append(float((c * p.risk[mask]).sum()))
        total = c.sum() if c.sum() > 0 else 1.0
        high.append(float(c[p.risk[mask] >= 0.5].sum() / total))
        average.append(float((c * p.risk[mask]).sum() / total))
    return {"max_exposure": float(np.ceil(max(0.25 * whole, 1.3 * max(exposure)) * 10) / 10),
            "max_high_risk_share": _loosen(0.4, high), "high_risk_threshold": 0.5,
            "max_average_risk": _loosen(0.45, average)}
