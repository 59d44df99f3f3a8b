"""Parsing of the public MKP benchmarks and their portfolio form.

The instances are the copies in tests/data/mkp (one file of each layout; see its
README); best_known.csv there is the whole table of the full set, which only
`make bench` reads (and checks, bench_optima.data_dir)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from spmo.engine.synthetic.mkp import MkpInstance, read_best_known, read_mkp_file, to_portfolio

from .conftest import MKP_DATA as DATA

COUNTS = {"orlib/mknap1.txt": 7, "orlib/mknap2.txt": 48, "orlib/mknapcb1.txt": 30,
          "gk/gk1.dat": 1}
"""The files in tests/data/mkp and their instance counts."""
FULL_COUNTS = {"orlib/mknap1.txt": 7, "orlib/mknap2.txt": 48}
FULL_COUNTS.update({f"orlib/mknapcb{k}.txt": 30 for k in range(1, 10)})
FULL_COUNTS.update({f"gk/gk{k}.dat": 1 for k in range(1, 12)})
"""Every file best_known.csv names (the full set) and its instance count."""


@pytest.fixture(scope="module")
def data() -> Path:
    """The benchmark folder; its absence is a failure, not a skip."""
    if not (DATA / "best_known.csv").is_file():
        pytest.fail(f"MKP benchmark data not found at {DATA} (tests/data/mkp)")
    return DATA


@pytest.fixture(scope="module")
def instances(data: Path) -> dict[str, list[MkpInstance]]:
    return {name: read_mkp_file(data / name) for name in COUNTS}


@pytest.fixture(scope="module")
def best(data: Path):
    return read_best_known(data / "best_known.csv")


def test_counts_per_file(instances):
    for name, count in COUNTS.items():
        insts = instances[name]
        assert len(insts) == count, name
        assert [i.index for i in insts] == list(range(count))
        assert all(i.file == name for i in insts)


def test_best_known_frame(best):
    columns = ["file", "index", "n", "m", "best_value", "proven_optimal", "source"]
    assert list(best.columns) == columns
    assert best["proven_optimal"].dtype == bool
    assert best["best_value"].dtype == float
    assert len(best) == sum(FULL_COUNTS.values()) == 336
    assert best.groupby("file").size().to_dict() == FULL_COUNTS
    assert set(COUNTS) < set(FULL_COUNTS)


def test_shapes_and_known_values_match_best_known(instances, best):
    by_key = {(i.file, i.index): i for insts in instances.values() for i in insts}
    carried = checked = 0
    for row in best.itertuples():
        if row.file not in COUNTS:
            continue  # not copied into tests/data/mkp: checked by make bench
        checked += 1
        inst = by_key[(row.file, row.index)]
        assert inst.profits.shape == (row.n,), (row.file, row.index)
        assert inst.weights.shape == (row.m, row.n), (row.file, row.index)
        assert inst.capacities.shape == (row.m,), (row.file, row.index)
        assert inst.profits.dtype == inst.weights.dtype == inst.capacities.dtype == np.float64
        if inst.known is not None:
            assert inst.known == pytest.approx(row.best_value), (row.file, row.index)
            carried += 1
    assert checked == len(by_key) == 7 + 48 + 30 + 1
    assert carried == 7 + 48 + 1  # mknapcb files state no optimum (0 in the header)


def test_names_and_details(instances):
    mknap1 = instances["orlib/mknap1.txt"]
    assert mknap1[0].name == "mknap1-0" and mknap1[1].known == pytest.approx(8706.1)
    assert mknap1[1].profits[0] == pytest.approx(600.1)
    mknap2 = instances["orlib/mknap2.txt"]
    assert [i.name for i in mknap2[:3]] == ["SENTO1", "SENTO2", "WEING1"]
    assert mknap2[-1].name == "HP2"
    assert instances["orlib/mknapcb1.txt"][10].name == "mknapcb1-10"
    assert instances["gk/gk1.dat"][0].name == "gk01"
    assert instances["orlib/mknapcb1.txt"][0].known is None
    pb4 = next(i for i in mknap2 if i.name == "PB4")  # rows broken irregularly across lines
    assert pb4.capacities.tolist() == [153.0, 154.0]
    assert pb4.weights[0, 0] == 25.0 and pb4.weights[1, :2].tolist() == [0.0, 0.0]


def test_brute_force_mknap1_0(instances):
    inst = instances["orlib/mknap1.txt"][0]
    x = np.array(list(itertools.product((0, 1), repeat=inst.n)), dtype=float)  # (64, 6)
    feasible = (x @ inst.weights.T <= inst.capacities).all(axis=1)
    assert (x[feasible] @ inst.profits).max() == 3800


def _two_constraint_optimum(inst: MkpInstance) -> float:
    """Exact optimum of an m=2 integer instance by dynamic programming over both capacities."""
    b0, b1 = (int(c) for c in inst.capacities)
    dp = np.zeros((b0 + 1, b1 + 1))
    for j in range(inst.n):
        w0, w1 = (int(w) for w in inst.weights[:, j])
        if w0 <= b0 and w1 <= b1:
            take = dp[: b0 + 1 - w0, : b1 + 1 - w1] + inst.profits[j]
            dp[w0:, w1:] = np.maximum(dp[w0:, w1:], take)
    return float(dp.max())


def test_two_constraint_optima_by_dp(instances):
    small = [i for i in instances["orlib/mknap2.txt"]
             if i.m == 2 and np.prod(i.capacities + 1) <= 400_000]
    assert {i.name for i in small} >= {"WEING1", "WEING8", "PB4"}
    for inst in small:
        assert np.array_equal(inst.weights, np.round(inst.weights))
        assert _two_constraint_optimum(inst) == inst.known, inst.name


def test_to_portfolio_tables(instances):
    sento1 = instances["orlib/mknap2.txt"][0]  # 30 rows, as many as the 30 x n mknapcb files
    assert (sento1.name, sento1.m) == ("SENTO1", 30)
    for inst in (instances["orlib/mknap1.txt"][1], instances["orlib/mknapcb1.txt"][0],
                 instances["gk/gk1.dat"][0], sento1):
        port = to_portfolio(inst)
        json.loads(json.dumps(port, allow_nan=False))
        assert [p["id"] for p in port["periods"]] == [f"t{i + 1}" for i in range(inst.m)]
        assert len(port["projects"]) == inst.n and len(port["budgets"]) == inst.m
        assert len(port["costs"]) == np.count_nonzero(inst.weights)
        assert all(p["duration"] == inst.m and p["earliest_start"] == p["latest_start"] == "t1"
                   for p in port["projects"])
        assert all(type(r["amount"]) is float and r["amount"] > 0 for r in port["costs"])
        assert [type(p["value"]) for p in port["projects"]] == [float] * inst.n
        assert [b["limit"] for b in port["budgets"]] == inst.capacities.tolist()
        assert port["settings"] == {"objective": "financial", "relative_gap": 0}


def test_to_portfolio_same_optimum(instances):
    """Enumerate mknap1-0 through its portfolio tables: spend per period within budgets."""
    port = to_portfolio(instances["orlib/mknap1.txt"][0])
    ids = [p["id"] for p in port["projects"]]
    period = {p["id"]: k for k, p in enumerate(port["periods"])}
    spend = np.zeros((len(period), len(ids)))
    for row in port["costs"]:
        spend[row["offset"], ids.index(row["project"])] += row["amount"]  # all start in t1
    budgets = sorted(port["budgets"], key=lambda b: period[b["period"]])
    limits = np.array([b["limit"] for b in budgets])
    values = np.array([p["value"] for p in port["projects"]])
    x = np.array(list(itertools.product((0, 1), repeat=len(ids))), dtype=float)
    assert (x[(x @ spend.T <= limits).all(axis=1)] @ values).max() == 3800


def test_bad_files_raise(tmp_path):
    short = tmp_path / "short.txt"
    short.write_text("1\n3 2 0\n1 2 3\n1 1 1\n1 1\n")  # one capacity missing
    with pytest.raises(ValueError, match="ends inside"):
        read_mkp_file(short)
    gk = tmp_path / "gk99.dat"
    gk.write_text("2 1 5\n3 4\n1 1\n2\n7\n")  # one number too many
    with pytest.raises(ValueError, match="expected"):
        read_mkp_file(gk)
