"""The validated portfolio: typed, id-indexed tables plus settings.

A `Portfolio` is what every later step reads: derive, build, check, report.
It is only ever made by `engine.validate.validate`, and never mutated:
scenarios derive a new document and validate it again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .schema import TABLES

TABLE_NAMES = tuple(name for name in TABLES if name not in ("periods", "projects"))
"""The tables a Portfolio keeps in `tables` (the contract's, in its order); periods
and projects are fields of their own."""


class RiskAppetite(BaseModel):
    """The organisation's risk appetite; every limit optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    max_exposure: float | None = Field(None, ge=0)
    max_high_risk_share: float | None = Field(None, ge=0, le=1)
    high_risk_threshold: float = Field(0.5, ge=0, le=1)
    max_average_risk: float | None = Field(None, ge=0, le=1)


class Settings(BaseModel):
    """Solve settings; blank means the contract's default."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    objective: Literal["strategic", "financial", "blend"] | None = None
    blend: float = Field(0.5, ge=0, le=1)
    discount_rate: float = Field(0.0, ge=0, le=1)
    time_limit_s: float = Field(30.0, gt=0)
    relative_gap: float = Field(0.0, ge=0, le=1)
    solver: str = "auto"
    seed: int | None = Field(None, ge=0)
    require_alignment: bool | None = None
    workers: int | None = Field(None, ge=1)
    now: str | None = None

    @field_validator("now", mode="before")
    @classmethod
    def _period_text(cls, value: object) -> object:
        """A period id typed as a number (2027) is the id "2027"."""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    objective_risk: Literal["expected", "cvar", "chance"] = "expected"
    cvar_level: float = Field(0.1, gt=0, le=1)
    risk_samples: int = Field(200, ge=1, le=5000)
    target: float | None = None
    decimal_comma: bool | None = None
    """Workbooks only: numbers typed as text use a decimal comma (engine.textnum)."""


@dataclass(frozen=True)
class Portfolio:
    """Validated tables. `projects` and `objectives` are indexed by id (str);
    the other tables keep the user's row numbers as their index."""

    name: str
    periods: tuple[str, ...]
    projects: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    risk_appetite: RiskAppetite = field(default_factory=RiskAppetite)
    settings: Settings = field(default_factory=Settings)
    warnings: tuple[str, ...] = ()
    objectives_given: bool = False

    def table(self, name: str) -> pd.DataFrame:
        """A secondary table (possibly empty, always with its columns)."""
        return self.tables[name]

    @property
    def objective_kind(self) -> str:
        """The objective in force: settings, else strategic when objectives exist."""
        if self.settings.objective:
            return self.settings.objective
        return "strategic" if self.objectives_given else "financial"

    @property
    def require_alignment(self) -> bool:
        """Alignment is required by default whenever objectives are given."""
        if not self.objectives_given:
            return False
        return True if self.settings.require_alignment is None else self.settings.require_alignment

    def to_document(self) -> dict:
        """The portfolio back in the contract's JSON form (blank cells left out)."""
        doc: dict = {"name": self.name, "periods": [{"id": p} for p in self.periods]}
        doc["projects"] = _records(self.projects.reset_index())
        for name in TABLE_NAMES:
            frame = self.tables[name]
            if name == "objectives":
                frame = frame.reset_index()
            if len(frame) or (name == "objectives" and self.objectives_given):
                doc[name] = _records(frame)
        doc["risk_appetite"] = self.risk_appetite.model_dump(exclude_none=True)
        doc["settings"] = self.settings.model_dump(exclude_none=True)
        return doc


def _plain(value: object) -> object:
    """A JSON-ready scalar: numpy types unwrapped, whole floats of int columns kept."""
    if hasattr(value, "item"):
        value = value.item()
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts without blank cells."""
    out = []
    for rec in frame.to_dict("records"):
        out.append({k: _plain(v) for k, v in rec.items()
                    if v is not None and not (isinstance(v, float) and math.isnan(v))})
    return out
