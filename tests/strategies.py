"""Hypothesis strategies: small random portfolios that use every table of the contract.

`portfolio_docs(Shape(...))` draws a JSON-shaped portfolio document (3-8 projects,
2-5 periods by default) with objectives (weights, blank weights or AHP
pairwise judgements, or none), costs in one or two pools, benefits for some
projects (their `value` blank), alignment with unaligned projects, demands and
capacity with extra_fte / extra_cost, budgets by period / pool / category /
horizon (unique scopes), acyclic requires / after dependencies and excludes,
groups with limits, synergies, balance, risk appetite and settings
(strategic / financial / blend, discount rate), statuses candidate /
mandatory / in_flight, force in / out and start windows.

The draws are built to be valid input (durations cover offsets, mandatory and
forced-in projects fit, `requires` / `after` point from a later project to an
earlier one so they cannot close a circle, unique keys everywhere); tests
still validate and `assume` validity. Amounts are whole numbers, FTE halves,
probabilities and shares tenths or twentieths, so every backend (CP-SAT
scales rows to integers) solves the same model exactly.

Choices go through one seeded `random.Random` drawn from Hypothesis (runs are
reproducible; a failure shrinks through the sizes and the seed) rather than
through many small strategies, whose bias towards their bounds would make most
draws degenerate (every project blank, unaligned or out of its window).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

SKILLS = ("dev", "ops")
POOLS = ("capex", "opex")
CATEGORIES = ("growth", "run", "comply")
UNITS = ("north", "south")
RATIOS = (1 / 5, 1 / 3, 1 / 2, 1.0, 2.0, 3.0, 5.0)


class _Dice:
    """Uniform choices from one Hypothesis-drawn random generator."""

    def __init__(self, draw):
        # a seeded random.Random: uniform choices (the shrinkable kind draws with
        # Hypothesis' bias towards bounds, which skews every probability here)
        self.rng = draw(st.randoms(use_true_random=True))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, options):
        return self.rng.choice(list(options))

    def int(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def halves(self, lo: float, hi: float) -> float:
        return self.rng.randint(int(lo * 2), int(hi * 2)) / 2

    def tenths(self, lo: float, hi: float) -> float:
        return self.rng.randint(round(lo * 10), round(hi * 10)) / 10

    def twentieths(self, lo: float, hi: float) -> float:
        return self.rng.randint(round(lo * 20), round(hi * 20)) / 20

    def subset(self, options, lo: int = 0, hi: int | None = None) -> list:
        options = list(options)
        k = self.int(lo, len(options) if hi is None else min(hi, len(options)))
        return self.rng.sample(options, k)

    def maybe(self, value_of, p_blank: float):
        """value_of() or None (blank) with probability p_blank."""
        return None if self.chance(p_blank) else value_of()


def _clean(rec: dict) -> dict:
    """A record without blank cells (as a user's JSON would leave them out)."""
    return {k: v for k, v in rec.items() if v is not None}


@dataclass(frozen=True)
class Shape:
    """The size of what portfolio_docs draws; `fixed_starts` pins every start
    (earliest == latest); `max_window` caps the number of allowed starts of a project."""

    min_projects: int = 3
    max_projects: int = 8
    min_periods: int = 2
    max_periods: int = 5
    fixed_starts: bool = False
    max_window: int | None = None
    max_mandatory: int = 1


@dataclass
class _Draw:
    """What each project's draw reads, and the per-project rows drawn so far."""

    dice: _Dice
    periods: list[str]
    objectives: list[str]
    shape: Shape
    two_pools: bool
    use_demands: bool
    mandatory_left: int
    projects: list[dict] = field(default_factory=list)
    costs: list[dict] = field(default_factory=list)
    benefits: list[dict] = field(default_factory=list)
    demands: list[dict] = field(default_factory=list)
    alignment: list[dict] = field(default_factory=list)


@st.composite
def portfolio_docs(draw, shape: Shape | None = None):
    """A portfolio document of the given Shape (see the module docstring)."""
    shape = shape or Shape()
    n_t = draw(st.integers(shape.min_periods, shape.max_periods))
    n_p = draw(st.integers(shape.min_projects, shape.max_projects))
    dice = _Dice(draw)
    periods = [f"T{i + 1}" for i in range(n_t)]
    pids = [f"P{i + 1}" for i in range(n_p)]
    doc: dict = {"name": "drawn", "periods": [{"id": t} for t in periods]}
    objectives = _objectives(dice, doc)
    rows = _Draw(dice, periods, objectives, shape, two_pools=dice.chance(0.5),
                 use_demands=dice.chance(0.6), mandatory_left=shape.max_mandatory)
    for p in pids:
        rows.projects.append(_clean(_project(rows, p)))
    doc["projects"] = rows.projects
    doc["costs"] = rows.costs
    for name in ("benefits", "alignment", "demands"):
        if getattr(rows, name):
            doc[name] = getattr(rows, name)
    if rows.demands and dice.chance(0.8):
        doc["capacity"] = _capacity(dice, periods, sorted({r["skill"] for r in rows.demands}))
    total = sum(c["amount"] for c in rows.costs) or 1
    _budgets(dice, doc, periods, total, POOLS if rows.two_pools else ("total",))
    _logic(dice, doc, pids)
    _shares(dice, doc, total)
    doc["settings"] = _clean({
        "objective": dice.pick([None, "financial", "blend", "strategic"]),
        "blend": dice.maybe(lambda: dice.pick([0.0, 0.25, 0.5, 0.75, 1.0]), 0.3),
        "discount_rate": dice.maybe(lambda: dice.pick([0.0, 0.05, 0.1]), 0.3),
        "require_alignment": dice.pick([None, None, True, False]),
        "time_limit_s": 20, "workers": 1})
    return doc


def _project(rows: _Draw, p: str) -> dict:
    """One project's record; its costs, benefits, demands and alignment go to `rows`."""
    dice = rows.dice
    d = dice.int(1, min(3, len(rows.periods)))
    status = dice.pick(["candidate"] * 9 + ["mandatory", "in_flight", "in_flight"])
    if status == "mandatory":
        status = "mandatory" if rows.mandatory_left > 0 else "candidate"
        rows.mandatory_left -= 1
    force = None if status == "mandatory" else dice.pick([None] * 20 + ["in", "out"])
    must_fit = status == "mandatory" or force == "in"
    rec: dict = {"id": p, "name": f"project {p}", "force": force,
                 "status": status if status != "candidate" or dice.chance(0.5) else None,
                 "category": dice.maybe(lambda: dice.pick(CATEGORIES), 0.1),
                 "business_unit": dice.maybe(lambda: dice.pick(UNITS), 0.1)}
    if dice.chance(0.25):
        rec["duration"] = d
    rec.update(_window(dice, rows.periods, status, d, must_fit, rows.shape))
    _money(rows, p, d, rec)
    rec["success_probability"] = dice.maybe(lambda: dice.tenths(0.5, 1.0), 0.4)
    rec["risk"] = dice.maybe(lambda: dice.tenths(0.0, 0.9), 0.3)
    _people_and_strategy(rows, p, d)
    return rec


def _money(rows: _Draw, p: str, d: int, rec: dict) -> None:
    """Costs in one or two pools; benefits, or else a value (maybe blank)."""
    dice = rows.dice
    for _ in range(dice.int(1, 3)):
        rows.costs.append(_clean({"project": p, "offset": dice.int(0, d - 1),
                                  "amount": dice.int(0, 30),
                                  "pool": dice.pick(POOLS) if rows.two_pools
                                  else dice.pick([None, "total"])}))
    if dice.chance(0.3):
        for _ in range(dice.int(1, 3)):
            rows.benefits.append({"project": p, "offset": dice.int(0, d + 1),
                                  "amount": dice.int(-5, 60)})
    else:
        rec["value"] = dice.maybe(lambda: dice.int(-10, 60), 0.15)


def _people_and_strategy(rows: _Draw, p: str, d: int) -> None:
    """Demands; alignment (a few projects serve nothing: unaligned)."""
    dice = rows.dice
    if rows.use_demands:
        for skill in dice.subset(SKILLS):
            for offset in dice.subset(range(d), lo=1):
                rows.demands.append({"project": p, "skill": skill, "offset": offset,
                                     "fte": dice.halves(0.5, 3)})
    if rows.objectives and dice.chance(0.85):
        for o in dice.subset(rows.objectives, lo=1):
            rows.alignment.append({"project": p, "objective": o,
                                   "score": dice.int(0, 5) if dice.chance(0.2)
                                   else dice.int(1, 5)})


def _objectives(dice: _Dice, doc: dict) -> list[str]:
    """objectives (and pairwise): weights, all-blank weights, pairwise or none."""
    mode = dice.pick(["weights", "weights", "blank", "pairwise", "none"])
    if mode == "none":
        return []
    objectives = [f"O{i + 1}" for i in range(dice.int(1, 3))]
    rows = []
    for o in objectives:
        weight = dice.maybe(lambda: dice.pick([0, 1, 1, 2, 3, 4]), 0.15) \
            if mode == "weights" else None
        rows.append(_clean({"id": o, "name": f"objective {o}", "weight": weight}))
    if mode == "weights" and not any(r.get("weight") for r in rows):
        rows[0]["weight"] = 1
    doc["objectives"] = rows
    if mode == "pairwise" and len(objectives) > 1:
        pairs = [(a, b) for i, a in enumerate(objectives) for b in objectives[i + 1:]]
        doc["pairwise"] = [{"a": a, "b": b, "ratio": dice.pick(RATIOS)}
                           for a, b in dice.subset(pairs, lo=1)]
    return objectives


def _window(dice: _Dice, periods: list[str], status: str, d: int, must_fit: bool,
            shape: Shape) -> dict:
    """earliest_start / latest_start: fixed, capped to max_window starts, or free
    (a candidate may sit out of the horizon: no_fit)."""
    fixed_starts, max_window = shape.fixed_starts, shape.max_window
    n_t = len(periods)
    last_fit = n_t - d
    if status == "in_flight":  # starts in the first period; latest_start allows a stall
        if fixed_starts or not dice.chance(0.4):
            return {}
        top = n_t - 1 if max_window is None else min(n_t, max_window) - 1
        return {"latest_start": periods[dice.int(0, top)]}
    out_of_horizon = not must_fit and dice.chance(0.1)
    top = n_t - 1 if out_of_horizon else last_fit
    if fixed_starts:
        s = periods[dice.int(0, top)]
        return {"earliest_start": s, "latest_start": s}
    e = dice.maybe(lambda: dice.int(0, top), 0.5)
    lo = e or 0
    hi = max(lo, last_fit) if not out_of_horizon else n_t - 1
    out = {} if e is None else {"earliest_start": periods[e]}
    if max_window is not None:
        out["earliest_start"] = periods[lo]
        out["latest_start"] = periods[min(hi, lo + max_window - 1)]
    elif dice.chance(0.5):
        out["latest_start"] = periods[dice.int(lo, max(lo, n_t - 1))]  # may be clipped
    return out


def _capacity(dice: _Dice, periods: list[str], skills: list[str]) -> list[dict]:
    """A row per skill and period (some missing: unconstrained there), some with
    FTE to buy."""
    rows = []
    for skill in skills:
        for k, t in enumerate(periods):
            if k and dice.chance(0.15):
                continue
            rows.append(_clean({
                "skill": skill, "period": t, "fte": dice.halves(0, 4),
                "extra_fte": dice.maybe(lambda: dice.halves(0.5, 3), 0.4),
                "extra_cost": dice.maybe(lambda: dice.int(0, 5), 0.25)}))
    return rows


def _budgets(dice: _Dice, doc: dict, periods: list[str], total: float,
             pools: tuple[str, ...]) -> None:
    """Spend limits over unique scopes (period, pool, category), each part blank or not."""
    n_t = len(periods)
    scopes = [(t, None, None) for t in periods] + [(None, None, None)]
    scopes += [(None, pool, None) for pool in pools] + [(None, None, c) for c in CATEGORIES]
    scopes += [(periods[0], pools[0], None), (None, pools[-1], CATEGORIES[0])]
    budgets = []
    for period, pool, category in dice.subset(scopes, hi=4):
        base = total / (n_t / 1.5 if period else 1) / (2 if pool or category else 1)
        budgets.append(_clean({"period": period, "pool": pool, "category": category,
                               "limit": round(dice.pick([0.5, 0.75, 1.0, 1.5]) * base)}))
    if budgets:
        doc["budgets"] = budgets


def _logic(dice: _Dice, doc: dict, pids: list[str]) -> None:
    """dependencies (acyclic requires / after), groups with limits, synergies."""
    n_p = len(pids)
    deps: dict[tuple[str, str, str], dict] = {}
    for _ in range(dice.int(0, 2)):
        i, j = dice.rng.sample(range(n_p), 2)
        kind = dice.pick(["requires", "after", "excludes"])
        if kind != "excludes" and i < j:
            i, j = j, i  # requires / after point to an earlier project: no circles
        lag = dice.pick([None, 0, 1]) if kind == "after" else None
        deps[(pids[i], kind, pids[j])] = _clean({"project": pids[i], "kind": kind,
                                                 "other": pids[j], "lag": lag})
    if deps:
        doc["dependencies"] = list(deps.values())
    groups, limits = [], []
    for g in range(dice.pick([0, 0, 1, 2])):
        members = dice.subset(pids, lo=2, hi=3)
        groups += [{"group": f"G{g + 1}", "project": p} for p in members]
        if dice.chance(0.75):
            lo, hi = dice.pick([None, 0, 1]), dice.pick([None, 1, 2])
            limits.append(_clean({"group": f"G{g + 1}", "min": lo, "max": hi}))
    if groups:
        doc["groups"] = groups
    if limits:
        doc["group_limits"] = limits
    pairs = [(a, b) for i, a in enumerate(pids) for b in pids[i + 1:]]
    synergies = [_clean({"project_a": a, "project_b": b,
                         "value": dice.maybe(lambda: dice.int(-5, 10), 0.3),
                         "score": dice.maybe(lambda: dice.int(-1, 3), 0.3)})
                 for a, b in dice.subset(pairs, hi=2)]
    if synergies:
        doc["synergies"] = synergies


def _shares(dice: _Dice, doc: dict, total: float) -> None:
    """balance shares and the risk appetite."""
    keys = [("category", c) for c in CATEGORIES] + [("business_unit", u) for u in UNITS]
    balance = [_clean({"dimension": dim, "value": value,
                       "min_share": dice.maybe(lambda: dice.twentieths(0, 0.4), 0.5),
                       "max_share": dice.maybe(lambda: dice.twentieths(0.4, 1.0), 0.5)})
               for dim, value in dice.subset(keys, hi=2 if dice.chance(0.6) else 0)]
    if balance:
        doc["balance"] = balance
    risk = _clean({
        "max_exposure": dice.maybe(lambda: dice.int(0, max(1, int(total // 2))), 0.7),
        "max_high_risk_share": dice.maybe(lambda: dice.tenths(0.2, 1.0), 0.7),
        "high_risk_threshold": dice.maybe(lambda: dice.tenths(0.3, 0.7), 0.5),
        "max_average_risk": dice.maybe(lambda: dice.tenths(0.2, 0.8), 0.7)})
    if risk:
        doc["risk_appetite"] = risk
