"""The value curve of a partially funded project (projects.scope_value).

linear (default): the project's value and score scale with its share s.
concave: its benefit side (strategic score, and its value: q x flat value,
or q x its discounted benefits) scales with G(s), the piecewise-linear
interpolation of sqrt through the breakpoints below; its costs and demands
stay linear in s. G is concave (chords of a concave function), G(1) = 1, and
equals sqrt at every breakpoint:

- with scope_step h: every allowed share k h (k h >= min_scope), so G = sqrt
  at every share the project can take;
- without: SEGMENTS equal segments from min_scope to 1.

The model maximises a hypograph variable below every chord (engine/model/
curve.py); the checker and the reports evaluate G itself.
"""

from __future__ import annotations

import math

import numpy as np

SEGMENTS = 8
"""Segments of the curve of a continuous share (between min_scope and 1)."""


def breakpoints(min_scope: float, step: float) -> np.ndarray:
    """The shares where G = sqrt: the steps from min_scope, or SEGMENTS + 1 points."""
    if not math.isnan(step):
        least = step if math.isnan(min_scope) else min_scope
        count = round(1.0 / step)
        first = math.ceil(least / step - 1e-9)
        return np.arange(first, count + 1) * (1.0 / count)
    return np.linspace(min_scope, 1.0, SEGMENTS + 1)


def gain(share: float, min_scope: float, step: float) -> float:
    """G(share) (0 for a share of 0)."""
    if share <= 0:
        return 0.0
    points = breakpoints(min_scope, step)
    return float(np.interp(share, points, np.sqrt(points)))
