"""The task a Dask worker runs for one job: `run(jid, kind, document,
request, batch_workers)` -> `("done", result JSON)`, `("failed", problems)` or
`("cancelled", None)`. Nothing here touches the database: the worker reports
progress in the scheduler's metadata (`["spmo-progress", id]`, read by the
owning server's runner) and learns of a cancel from it (`["spmo-cancel", id]`,
set by that runner), checked at every progress point.

Batches inside a job (counterfactual explanations, frontier levels, Monte
Carlo samples) run in local processes of the worker (`batch_workers`; one
when the worker is a daemonic process, which may not have children), never
back on the cluster: a task waiting for tasks could starve a one-thread worker.
"""

from __future__ import annotations

import logging
import multiprocessing

from spmo.engine.errors import InvalidPortfolio, UnknownSolver

from .kinds import KINDS

log = logging.getLogger("spmo.jobs")


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


def configure(batch_workers: int | None) -> None:
    from spmo.planning.pipeline import configure_batches

    daemon = multiprocessing.current_process().daemon
    configure_batches(workers=1 if daemon else batch_workers, scheduler=None)


def run(jid: str, kind: str, document: dict, request: dict,
        batch_workers: int | None = None) -> tuple[str, object]:
    """One job, never raising: its outcome as (status, result or problems)."""
    configure(batch_workers)
    try:
        return "done", KINDS[kind](document, request, reporter(jid))
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
