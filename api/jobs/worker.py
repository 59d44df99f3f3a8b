"""The task a Dask worker runs for one job: `run(jid, kind, document,
request, batch_workers)` -> `("done", result JSON)`, `("failed", problems)` or
`("cancelled", None)`. Nothing here touches the database: the worker reports
progress in the scheduler's metadata (`["spmo-progress", id]`, read by the
owning server's runner) and learns of a cancel from it (`["spmo-cancel", id]`,
set by that runner), checked at every progress point and, while the job
runs, every CANCEL_POLL_S seconds by a watcher thread that sets the job's stop
signal (planning.stopping.stop_when): a solve running at the moment of the
cancel ends within about a second (CP-SAT, HiGHS; CBC runs on to its time
limit), and the worker is free for the next job.

Batches inside a job (counterfactual explanations, frontier levels, Monte
Carlo samples) run in local processes of the worker (`batch_workers`; one
when the worker is a daemonic process, which may not have children), never
back on the cluster: a task waiting for tasks could starve a one-thread worker.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import threading
from collections.abc import Iterator

from spmo.engine.errors import InvalidPortfolio, UnknownSolver

from .kinds import KINDS

log = logging.getLogger("spmo.jobs")
CANCEL_POLL_S = 0.5
"""How often a running job's watcher asks the scheduler whether it was cancelled."""


class JobCancelled(Exception):
    """The job's cancel event was set; raised at a progress point."""


def progress_key(jid: str) -> list[str]:
    return ["spmo-progress", jid]


def cancel_key(jid: str) -> list[str]:
    return ["spmo-cancel", jid]


def reporter(jid: str):
    """progress(done, total) for a job running in a Dask worker (JobCancelled
    once its cancel was asked); outside a worker (tests), a no-op."""
    try:
        from dask.distributed import get_client

        client = get_client()
    except (ImportError, ValueError):
        return lambda _done, _total: None

    def progress(done: int, total: int) -> None:
        if client.get_metadata(cancel_key(jid), default=False):
            raise JobCancelled(jid)
        client.set_metadata(progress_key(jid), [int(done), int(total)])

    return progress


@contextlib.contextmanager
def cancel_watch(jid: str) -> Iterator[threading.Event]:
    """While the block runs (the job), a thread reads the job's cancel flag every
    CANCEL_POLL_S seconds and, once it is there, sets the solves' stop signal.
    Outside a Dask worker (tests), a signal nobody sets."""
    from spmo.planning.stopping import stop_when

    signal, finished = threading.Event(), threading.Event()
    try:
        from dask.distributed import get_client

        client = get_client()
    except (ImportError, ValueError):
        client = None

    def watch() -> None:
        while not finished.wait(CANCEL_POLL_S):
            try:
                if client.get_metadata(cancel_key(jid), default=False):
                    signal.set()
                    return
            except Exception:  # noqa: BLE001 - the scheduler is away: try again
                log.debug("job %s: cancel flag unreadable", jid, exc_info=True)

    watcher = threading.Thread(target=watch, name=f"spmo-cancel-{jid}", daemon=True)
    if client is not None:
        watcher.start()
    try:
        with stop_when(signal):
            yield signal
    finally:
        finished.set()
        if client is not None:
            watcher.join()


def configure(batch_workers: int | None) -> None:
    from spmo.planning.pipeline import configure_batches

    daemon = multiprocessing.current_process().daemon
    configure_batches(workers=1 if daemon else batch_workers, scheduler=None)


def run(jid: str, kind: str, document: dict, request: dict,
        batch_workers: int | None = None) -> tuple[str, object]:
    """One job, never raising: its outcome as (status, result or problems)."""
    configure(batch_workers)
    try:
        with cancel_watch(jid) as stopped:
            result = KINDS[kind](document, request, reporter(jid))
        return ("cancelled", None) if stopped.is_set() else ("done", result)
    except JobCancelled:
        return "cancelled", None
    except InvalidPortfolio as exc:
        return "failed", [p.as_dict() for p in exc.problems]
    except UnknownSolver as exc:
        return "failed", [{"table": "settings", "row": None, "column": "solver",
                           "message": str(exc)}]
    except Exception as exc:  # a fault of spmo: recorded with the job, never lost
        log.exception("job %s failed", jid)
        return "failed", [{"table": "jobs", "row": None, "column": None,
                           "message": f"internal error ({type(exc).__name__}: {exc})"}]
