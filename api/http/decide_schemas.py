"""Request bodies of the decision studies (POST /v1/sensitivity, /v1/pareto,
/v1/outcomes). Their fields are checked by the studies themselves, so a bad
value is a 422 naming it like every other problem."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .schemas import PortfolioDocument


class StudyBody(BaseModel):
    portfolio: PortfolioDocument | None = None
    portfolio_id: str | None = Field(None, description="a stored portfolio, instead of "
                                     "`portfolio`")


class SensitivityIn(StudyBody):
    """Project margins and weight sensitivity of the optimal plan."""

    samples: int = Field(30, description="weight samples (0: none); one solve each")
    radius: float = Field(0.1, description="each weight times a factor in [1 - r, 1 + r]")
    seed: int = 1
    weights: bool = Field(True, description="also the weight samples and ranges")


class ParetoIn(StudyBody):
    """The non-dominated plans of two objectives."""

    objectives: list[str] = Field(["strategic", "financial"], description=(
        "two of strategic, financial: the first and the second objective"))
    steps: int = Field(10, description="epsilon floors between the ends")
    exact: bool = Field(False, description="every non-dominated plan")


class OutcomesIn(StudyBody):
    """The optimal plan held fixed: its realised value over sampled values."""

    samples: int = 10_000
    seed: int = 1
    target: float | None = None


DECIDE_BODIES = (SensitivityIn, ParetoIn, OutcomesIn)
