"""Readers for the public multidimensional knapsack (MKP) benchmarks.

An MKP instance -- maximise ``profits @ x`` subject to ``weights @ x <=
capacities`` with ``x`` binary -- is the core of portfolio selection.  This
module reads the three file layouts kept under ``shared/benchmarks/mkp`` (see
its README; the tests read copies of a few of the files, in ``tests/data/mkp``),
the ``best_known.csv`` table, and turns an instance into a
contract-shaped portfolio whose optimum equals the MKP optimum:

- OR-Library ``mknap1.txt`` / ``mknapcb*.txt``: ``K``, then per problem
  ``n m opt``, n profits, m rows of n weights, m capacities;
- OR-Library ``mknap2.txt`` (SAC-94): free text, then per problem a
  ``problem NAME.DAT`` line and ``+++`` lines, then ``m n``, n profits,
  m capacities, m rows of n weights and the known optimum;
- Glover & Kochenberger ``gk*.dat``: ``n m best``, n profits, m rows of n
  weights, m capacities.

Line breaks carry no meaning in any of them (mknap2's PB4 splits its rows
across lines irregularly), so every reader works on the flat token stream
and checks the token count exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["MkpInstance", "read_best_known", "read_mkp_file", "to_portfolio"]

_PROBLEM = re.compile(r"^\s*problem\s+(\S+)\s*$", re.IGNORECASE | re.MULTILINE)
_SEPARATOR = re.compile(r"^\s*\++\s*$", re.MULTILINE)


@dataclass(frozen=True)
class MkpInstance:
    """One 0-1 multidimensional knapsack instance.

    ``file`` is the path relative to the benchmark folder as written in
    ``best_known.csv`` (``orlib/mknap1.txt``, ``gk/gk1.dat``), ``index`` is
    0-based within the file, ``known`` the optimum or best-known value the
    file itself states (``None`` where the file gives none or 0).
    """

    file: str
    index: int
    name: str
    profits: np.ndarray  # (n,)
    weights: np.ndarray  # (m, n)
    capacities: np.ndarray  # (m,)
    known: float | None

    def __post_init__(self) -> None:
        """Numbers as float arrays, weights shaped (m, n), a known value of 0 as None;
        any non-finite number is refused."""
        p = np.asarray(self.profits, dtype=float)
        c = np.asarray(self.capacities, dtype=float)
        w = np.asarray(self.weights, dtype=float).reshape(c.shape[0], p.shape[0])
        if not (np.isfinite(p).all() and np.isfinite(w).all() and np.isfinite(c).all()):
            raise ValueError(f"{self.file} {self.name}: non-finite number")
        for field, value in (("profits", p), ("weights", w), ("capacities", c),
                             ("known", float(self.known) if self.known else None)):
            object.__setattr__(self, field, value)

    @property
    def n(self) -> int:
        """Number of items (projects)."""
        return int(self.profits.shape[0])

    @property
    def m(self) -> int:
        """Number of constraints (periods / resources)."""
        return int(self.capacities.shape[0])


def _floats(text: str, where: str) -> list[float]:
    """All whitespace-separated tokens of ``text`` as floats."""
    try:
        return [float(tok) for tok in text.split()]
    except ValueError as exc:
        raise ValueError(f"{where}: non-numeric token ({exc})") from None


def _read_orlib(tokens: list[float], file: str, stem: str) -> list[MkpInstance]:
    """mknap1 / mknapcb layout: ``K`` then K blocks ``n m opt, p, W, b``."""
    count, pos, out = int(tokens[0]), 1, []
    for k in range(count):
        if pos + 3 > len(tokens):
            raise ValueError(f"{file}: file ends inside problem {k}")
        n, m, opt = int(tokens[pos]), int(tokens[pos + 1]), tokens[pos + 2]
        pos += 3
        end = pos + n + m * n + m
        if end > len(tokens):
            raise ValueError(f"{file}: file ends inside problem {k}")
        p, w, b = tokens[pos:pos + n], tokens[pos + n:end - m], tokens[end - m:end]
        out.append(MkpInstance(file, k, f"{stem}-{k}", p, w, b, opt))
        pos = end
    if pos != len(tokens):
        raise ValueError(f"{file}: {len(tokens) - pos} unread numbers after {count} problems")
    return out


def _read_gk(tokens: list[float], file: str, stem: str) -> list[MkpInstance]:
    """GK layout: ``n m best``, n profits, m rows of n weights, m capacities."""
    n, m, best = int(tokens[0]), int(tokens[1]), tokens[2]
    if len(tokens) != 3 + n + m * n + m:
        raise ValueError(f"{file}: {len(tokens)} numbers, expected {3 + n + m * n + m}")
    digits = re.sub(r"\D", "", stem)
    name = f"gk{int(digits):02d}" if digits else stem
    return [MkpInstance(file, 0, name, tokens[3:3 + n], tokens[3 + n:-m], tokens[-m:], best)]


def _read_sac94(text: str, file: str) -> list[MkpInstance]:
    """mknap2 layout: ``problem NAME.DAT`` blocks of ``m n, p, b, W, opt``."""
    heads = list(_PROBLEM.finditer(text))
    out = []
    for k, head in enumerate(heads):
        stop = heads[k + 1].start() if k + 1 < len(heads) else len(text)
        name = re.sub(r"\.dat$", "", head.group(1), flags=re.IGNORECASE)
        tokens = _floats(_SEPARATOR.sub(" ", text[head.end():stop]), f"{file} {name}")
        if len(tokens) < 2:
            raise ValueError(f"{file} {name}: no data")
        m, n = int(tokens[0]), int(tokens[1])
        if len(tokens) != 2 + n + m + m * n + 1:
            raise ValueError(f"{file} {name}: {len(tokens)} numbers, expected {3 + n + m + m * n}")
        p, b = tokens[2:2 + n], tokens[2 + n:2 + n + m]
        out.append(MkpInstance(file, k, name, p, tokens[2 + n + m:-1], b, tokens[-1]))
    return out


def read_mkp_file(path: str | Path) -> list[MkpInstance]:
    """Read every instance of a benchmark file, detecting its layout.

    A file with ``problem NAME`` lines is SAC-94 (mknap2); otherwise a file
    whose first line holds one number is OR-Library (mknap1, mknapcb*) and
    one whose first line holds ``n m best`` is GK.  Raises ``ValueError``
    when the numbers do not add up to the announced sizes.
    """
    path = Path(path)
    file = f"{path.parent.name}/{path.name}"
    text = path.read_text()
    if _PROBLEM.search(text):
        return _read_sac94(text, file)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ValueError(f"{file}: empty file")
    tokens = _floats(text, file)
    first = len(lines[0].split())
    if first == 1:
        return _read_orlib(tokens, file, path.stem)
    if first == 3:
        return _read_gk(tokens, file, path.stem)
    raise ValueError(f"{file}: unknown MKP layout (first line has {first} numbers)")


def read_best_known(path: str | Path) -> pd.DataFrame:
    """``best_known.csv`` as a frame: file, index, n, m, best_value, proven_optimal, source."""
    frame = pd.read_csv(path, dtype={"file": str, "source": str})
    frame["index"] = frame["index"].astype(int)
    frame["n"] = frame["n"].astype(int)
    frame["m"] = frame["m"].astype(int)
    frame["best_value"] = frame["best_value"].astype(float)
    frame["proven_optimal"] = frame["proven_optimal"].astype(str).str.strip().str.lower() == "true"
    return frame


def to_portfolio(inst: MkpInstance) -> dict:
    """The instance as a contract-shaped portfolio with the same optimum.

    Constraint ``i`` becomes period ``t{i+1}`` with budget ``capacities[i]``;
    item ``j`` becomes project ``j{j+1}`` fixed to start in ``t1`` with
    duration m, value ``profits[j]`` and spend ``weights[i, j]`` at offset i
    (zero amounts are left out).  The objective is financial with a zero gap.
    """
    m, n = inst.m, inst.n
    periods = [{"id": f"t{i + 1}"} for i in range(m)]
    projects = [
        {"id": f"j{j + 1}", "duration": m, "earliest_start": "t1", "latest_start": "t1",
         "value": float(inst.profits[j])}
        for j in range(n)
    ]
    costs = [
        {"project": f"j{j + 1}", "offset": i, "amount": float(inst.weights[i, j])}
        for j in range(n) for i in range(m) if inst.weights[i, j] != 0
    ]
    budgets = [{"period": f"t{i + 1}", "limit": float(inst.capacities[i])} for i in range(m)]
    return {
        "name": inst.name,
        "periods": periods,
        "projects": projects,
        "costs": costs,
        "budgets": budgets,
        "settings": {"objective": "financial", "relative_gap": 0},
    }
