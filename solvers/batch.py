"""Many independent solves: one small executor interface.

`run_batch(fn, items)` maps a picklable top-level function over items: in a
local process pool by default (fork where the platform has it: the workers
inherit the imported modules, so scripts need no `__main__` guard; the
HiGHS thread pool inherited from the parent is reset in each worker),
on a Dask distributed cluster when one is configured, or in the calling
process when there is one worker or one item. Results keep order;
`progress(done, total)` is called as results arrive.

The faces read SPMO_WORKERS and SPMO_DASK_SCHEDULER (spmo.api.settings) and
hand them down once through `configure`; nothing here reads the environment.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed

from spmo.engine.errors import ClusterUnavailable


class BatchUnavailable(ClusterUnavailable):
    """The configured cluster cannot be reached."""

_configured: dict = {"workers": None, "scheduler": None}


def configure(workers: int | None = None, scheduler: str | None = None) -> None:
    """This process's batch settings: `workers` per batch (None: the cores)
    and the Dask scheduler's address (None: local processes)."""
    _configured.update(workers=workers, scheduler=scheduler)


def default_workers(workers: int | None = None) -> int:
    """Workers for a batch: `workers`, else the configured count, else the cores."""
    return int(workers or _configured["workers"] or os.cpu_count() or 1)


def run_batch(fn: Callable, items: Iterable, workers: int | None = None,
              progress: Callable[[int, int], None] | None = None) -> list:
    """[fn(item) for item in items], in parallel where it pays."""
    items = list(items)
    workers = min(workers or default_workers(), len(items))
    scheduler = _configured["scheduler"]
    if scheduler and items:
        return _run_dask(fn, items, scheduler, progress)
    if workers <= 1:
        out = []
        for i, item in enumerate(items):
            out.append(fn(item))
            if progress:
                progress(i + 1, len(items))
        return out
    results: list = [None] * len(items)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_worker_start)
    try:
        futures = {pool.submit(fn, item): i for i, item in enumerate(items)}
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if progress:
                progress(done, len(items))
    finally:  # a progress callback that raises (a cancelled job) drops the items not started
        pool.shutdown(wait=True, cancel_futures=True)
    return results


def _worker_start() -> None:
    """A forked worker: drop HiGHS's inherited thread pool (its threads did not
    survive the fork; reusing it deadlocks), and die with the parent."""
    try:
        import highspy

        highspy.Highs.resetGlobalScheduler(True)
    except (ImportError, AttributeError):
        pass
    _die_with_parent()


def _die_with_parent() -> None:
    """Linux: a worker gets SIGTERM when its parent dies (no orphaned solves)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


DASK_CONNECT_S = 10.0
"""How long to wait for the configured Dask scheduler before giving up."""


def _run_dask(fn: Callable, items: list, scheduler: str, progress) -> list:
    """The same batch on a Dask distributed cluster (BatchUnavailable when the
    scheduler does not answer within DASK_CONNECT_S)."""
    from dask.distributed import Client
    from dask.distributed import as_completed as dask_completed

    try:
        client = Client(scheduler, timeout=f"{DASK_CONNECT_S}s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise BatchUnavailable(f"the Dask scheduler at {scheduler} (SPMO_DASK_SCHEDULER) "
                               f"did not answer within {DASK_CONNECT_S:g} s: {exc}") from exc
    with client:
        futures = client.map(fn, items, pure=False)
        for done, _ in enumerate(dask_completed(futures), start=1):
            if progress:
                progress(done, len(items))
        return client.gather(futures)
