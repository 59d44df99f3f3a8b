"""The Dask cluster jobs run on: the scheduler named by SPMO_DASK_SCHEDULER,
else a `LocalCluster` of SPMO_JOB_WORKERS worker processes (one thread
each) started here: one per process, shared by the apps of that process (tests
make many), closed when the process ends (`close_local`, also called by
`spmo serve` once uvicorn has stopped). Worker processes are started
fresh (not forked from the server), so they inherit none of its signal
handlers, and each one is told to die with the server (Linux: the parent-death
a watchdog thread), so a kill -9 of the server leaves no worker behind. The
local workers also run at a lower CPU priority (SPMO_WORKER_NICE,
api/jobs/priority.py), so the server's event loop is scheduled first.
"""

from __future__ import annotations

from spmo.engine.errors import ClusterUnavailable


class EngineUnavailable(ClusterUnavailable):
    """The Dask scheduler cannot be reached (or the local cluster not started)."""


class Cluster:
    """A connected Dask client and, when we started it, our LocalCluster."""

    def __init__(self, scheduler: str | None, workers: int, connect_s: float,
                 nice: int = 0) -> None:
        from dask.distributed import Client

        from .plugin import LowPriority

        self.address = scheduler
        try:
            if scheduler:
                self.client = Client(scheduler, timeout=f"{connect_s}s",
                                     set_as_default=False)
            else:
                self.address = local_cluster(workers).scheduler_address
                self.client = Client(self.address, timeout=f"{connect_s}s",
                                     set_as_default=False)
        except (OSError, TimeoutError, ValueError, RuntimeError) as exc:
            self.close()
            where = f"the Dask scheduler at {scheduler} (SPMO_DASK_SCHEDULER)" if scheduler \
                else "a local Dask cluster"
            raise EngineUnavailable(f"{where} could not be reached within {connect_s:g} s: "
                                    f"{exc}") from exc
        if not scheduler:  # our own workers: below the server's priority, die with it
            self.client.register_plugin(LowPriority(nice))

    def close(self) -> None:
        client, self.client = getattr(self, "client", None), None
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - closing on the way out: best effort
                pass


LOCAL: dict[int, object] = {}
"""This process's local clusters, by worker count."""


def local_cluster(workers: int):
    """The process's LocalCluster of `workers` processes (started on first use)."""
    import atexit

    import dask
    from dask.distributed import LocalCluster

    cluster = LOCAL.get(workers)
    if cluster is not None and cluster.status.name == "running":
        return cluster
    if not LOCAL:
        atexit.register(close_local)
    # daemon False: a job's own batch (counterfactuals, samples) may start processes
    with dask.config.set({"distributed.worker.daemon": False}):
        LOCAL[workers] = LocalCluster(n_workers=workers, threads_per_worker=1,
                                      processes=True, dashboard_address=":0",
                                      host="127.0.0.1")
    return LOCAL[workers]


def close_local() -> None:
    """Close this process's local clusters (their worker processes end)."""
    while LOCAL:
        _, cluster = LOCAL.popitem()
        try:
            cluster.close()
        except Exception:  # noqa: BLE001 - closing on the way out: best effort
            pass


def reachable(scheduler: str, connect_s: float) -> str | None:
    """None if the scheduler answers within connect_s, else the reason."""
    try:
        Cluster(scheduler, 1, connect_s).close()
    except EngineUnavailable as exc:
        return str(exc)
    return None
