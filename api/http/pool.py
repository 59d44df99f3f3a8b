"""The job pool: solve jobs run in threads of the server process, one at a
time by default (a solve already uses every core; SPMO_JOB_WORKERS)."""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor

from spmo.engine.errors import InvalidPortfolio, UnknownSolver
from spmo.engine.validate import validate_document

from ..store import Store
from . import planner
from .errors import solver_problem
from .schemas import SolveQuery

log = logging.getLogger("spmo.http")


class JobPool:
    """Runs `run_job` for each submitted job in `workers` threads."""

    def __init__(self, workers: int = 1) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers),
                                        thread_name_prefix="spmo-job")

    def submit(self, store: Store, jid: str, document: dict, query: SolveQuery) -> Future:
        return self._pool.submit(run_job, store, jid, document, query)

    def shutdown(self) -> None:
        """Stop taking jobs; queued ones are dropped (the next start marks them failed)."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def run_job(store: Store, jid: str, document: dict, query: SolveQuery) -> None:
    """One job: running, then done with the plan or failed with the problems."""
    store.set_job(jid, "running")
    try:
        plan = planner.plan_json(validate_document(document), query)
    except InvalidPortfolio as exc:
        store.set_job(jid, "failed", problems=[p.as_dict() for p in exc.problems])
    except UnknownSolver as exc:
        store.set_job(jid, "failed", problems=[solver_problem(exc).as_dict()])
    except Exception as exc:  # a fault of spmo: recorded, never lost in a thread
        log.exception("job %s failed", jid)
        store.set_job(jid, "failed", problems=[{
            "table": "jobs", "row": None, "column": None,
            "message": f"internal error ({type(exc).__name__}: {exc})"}])
    else:
        store.set_job(jid, "done", plan=plan)
