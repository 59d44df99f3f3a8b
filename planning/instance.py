"""An `Instance`: a validated portfolio with its derived quantities and its
model, built once per plan and handed to every analysis of that plan."""

from __future__ import annotations

from dataclasses import dataclass

from spmo.engine.derive import Derived, derive
from spmo.engine.model.build import build
from spmo.engine.model.linear import LinearModel
from spmo.engine.portfolio import Portfolio


@dataclass(frozen=True)
class Instance:
    portfolio: Portfolio
    derived: Derived
    model: LinearModel

    @classmethod
    def of(cls, portfolio: Portfolio) -> Instance:
        derived = derive(portfolio)
        return cls(portfolio, derived, build(portfolio, derived))
