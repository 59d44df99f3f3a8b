"""Deterministic constraint names, `family[key,...]`: the model, the checker and
every report name a row the same way."""

from __future__ import annotations

import math


def row_name(family: str, *parts) -> str:
    """`family[a,b,...]` with '*' for blank parts and trailing '*' parts dropped
    (`budget[2027Q2,capex]`, `budget[*,*,growth]`, `budget[*]`)."""
    keys = ["*" if p is None or (isinstance(p, float) and math.isnan(p)) else str(p)
            for p in parts]
    while len(keys) > 1 and keys[-1] == "*":
        keys.pop()
    return f"{family}[{','.join(keys)}]"
