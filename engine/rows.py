"""The constraint vocabulary: every family, its row names and what they mean.

A row is named `family[key,...]` (`budget[2027Q2,capex]`, `capacity[qa,2027Q3]`,
`after[P07,P02]`): the model, the checker, the reasons, the explanations and
every report name a constraint the same way, through `row_name` and `parse`
here and nowhere else. Ids may not contain `,`, `[` or `]` (validation refuses
them), so `parse(row_name(f, *keys))` gives back `(f, keys)`.

Adding a constraint family: a member of `Family`, its place in the sets below,
a function in `engine/model/`, and its test in `engine/check.py`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum


class Family(StrEnum):
    """The constraint families of the model (and of the checker's violations)."""

    WINDOW = "window"
    MANDATORY = "mandatory"
    FORCE = "force"
    ALIGNMENT = "alignment"
    BUDGET = "budget"
    CAPACITY = "capacity"
    REQUIRES = "requires"
    EXCLUDES = "excludes"
    AFTER = "after"
    GROUP = "group"
    SYNERGY = "synergy"
    BALANCE = "balance"
    RISK = "risk"
    SCOPE = "scope"
    FUNDING = "funding"
    ELIGIBILITY = "eligibility"
    SOURCE = "source"
    ROBUST = "robust"
    """`robust[cvar,k]` (the CVaR's shortfall in sample k), `robust[chance,k]` (sample
    k reaches the target or is counted as missing it), `robust[chance]` (at most a
    cvar_level share of samples miss): settings.objective_risk."""
    EPSILON = "epsilon"
    """`epsilon[kind]`: a floor on a second objective (the Pareto frontier's
    epsilon-constraint, engine.model.transforms.with_floor); never in a portfolio's model."""


STRUCTURAL = frozenset({Family.WINDOW, Family.SYNERGY})
# robust rows are limits on the plan's outcome (chance) or the CVaR's bookkeeping
"""Rows that are the model's own bookkeeping, not limits a person sets: never
part of a conflict, a relaxation or a reason."""
LOGIC = frozenset({Family.MANDATORY, Family.FORCE, Family.REQUIRES, Family.AFTER,
                   Family.EXCLUDES, Family.ALIGNMENT})
"""Selection rules: relaxed by releasing them, not by a number."""
PER_PROJECT = frozenset({Family.WINDOW, Family.MANDATORY, Family.FORCE, Family.ALIGNMENT,
                         Family.SCOPE})
"""Families with one row name per project (`family[project]`)."""
REASON_CODE = {Family.BUDGET: "budget", Family.CAPACITY: "capacity",
               Family.REQUIRES: "dependency", Family.AFTER: "dependency",
               Family.EXCLUDES: "dependency", Family.GROUP: "group",
               Family.BALANCE: "balance", Family.RISK: "risk",
               Family.FUNDING: "budget", Family.ELIGIBILITY: "budget",
               Family.SOURCE: "budget"}
"""The excluded-project code a binding row of each limiting family gives."""
REASON_ORDER = ("dependency", "group", "budget", "capacity", "risk", "balance")
"""Which code wins when several families bind (the first in this order)."""

NAME_PATTERN = re.compile(r"^([a-z_]+)\[([^\[\]]*)\]$")


@dataclass(frozen=True)
class RowName:
    """A parsed row name: its family and keys ('*' for a blank key)."""

    family: Family
    keys: tuple[str, ...]

    @property
    def key(self) -> str:
        """The keys as written between the brackets."""
        return ",".join(self.keys)

    def __str__(self) -> str:
        return f"{self.family}[{self.key}]"


def row_name(family: Family | str, *parts) -> str:
    """`family[a,b,...]` with '*' for blank parts and trailing '*' parts dropped
    (`budget[2027Q2,capex]`, `budget[*,*,growth]`, `budget[*]`)."""
    keys = ["*" if p is None or (isinstance(p, float) and math.isnan(p)) else str(p)
            for p in parts]
    while len(keys) > 1 and keys[-1] == "*":
        keys.pop()
    return f"{Family(family)}[{','.join(keys)}]"


def parse(name: str) -> RowName:
    """The family and keys of a row name (ValueError when it is not one)."""
    found = NAME_PATTERN.match(name)
    if found is None:
        raise ValueError(f"not a row name: {name!r}")
    return RowName(Family(found.group(1)), tuple(found.group(2).split(",")))


def family_of(name: str) -> Family:
    """The family of a row name."""
    return parse(name).family
