"""The batch executor: local processes by default, a Dask cluster when one is
configured (a real LocalCluster here), the calling process for one worker."""

from __future__ import annotations

import distributed
import pytest
from spmo.solvers import batch


def _square(x: int) -> int:
    return x * x


@pytest.fixture
def restore_batch_settings():
    saved = dict(batch._configured)
    yield
    batch._configured.update(saved)


@pytest.mark.usefixtures("restore_batch_settings")
def test_local_pool_keeps_order_and_reports_progress():
    seen = []
    out = batch.run_batch(_square, range(7), workers=2,
                          progress=lambda done, total: seen.append((done, total)))
    assert out == [x * x for x in range(7)]
    assert seen[-1] == (7, 7) and len(seen) == 7


@pytest.mark.usefixtures("restore_batch_settings")
def test_dask_cluster_runs_the_batch():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        batch.configure(scheduler=cluster.scheduler_address)
        seen = []
        out = batch.run_batch(_square, range(9),
                              progress=lambda done, _total: seen.append(done))
    assert out == [x * x for x in range(9)]
    assert sorted(seen) == list(range(1, 10))


@pytest.mark.usefixtures("restore_batch_settings")
def test_unreachable_scheduler_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(batch, "DASK_CONNECT_S", 1.0)
    batch.configure(scheduler="tcp://127.0.0.1:9")  # discard port: nothing listens
    with pytest.raises(batch.BatchUnavailable, match="SPMO_DASK_SCHEDULER"):
        batch.run_batch(_square, [1, 2])
