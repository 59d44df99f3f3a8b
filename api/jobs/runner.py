"""A server's job runner: one thread that, every `poll_s` seconds,

1. renews the leases of the jobs this server runs (every lease/3 seconds);
2. fails running jobs whose lease expired (a server that died: store.reap);
3. ends this server's finished jobs (done, failed, cancelled), only if it
   still owns them (a job is never both failed and done);
4. passes cancels on: the job's cancel flag is set on the scheduler (the
   worker's watcher stops its solve within about a second, its progress
   points stop the rest: api/jobs/worker.py) and its future cancelled, the
   job `cancelled`;
5. copies the workers' progress (the scheduler's metadata) into the jobs table;
6. claims queued jobs up to `capacity` (atomically: store.claim) and submits
   each to the Dask cluster (api/jobs/worker.run).

Stopping (`stop`) cancels this server's running tasks and puts their jobs
back in the queue, where another server (or this one after a restart) takes
them.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable

from .store import JobStore, reason
from .worker import cancel_key, progress_key, run

log = logging.getLogger("spmo.jobs")


def instance_id() -> str:
    """This server instance: host, process and a random part."""
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class Runner:
    """Runs the database's queued jobs on a Dask client, `capacity` at a time."""

    def __init__(self, store: JobStore, client, documents: Callable[[str, str | None], dict | None],
                 options: dict) -> None:
        self.store, self.client, self.documents = store, client, documents
        self.capacity = int(options.get("capacity", 1))
        self.lease_s = float(options.get("lease_s", 30.0))
        self.poll_s = float(options.get("poll_s", 0.25))
        self.batch_workers = options.get("batch_workers")
        self.owner = instance_id()
        self.running: dict[str, object] = {}
        self.claimed: list[str] = []  # every job this runner claimed (for tests, logs)
        self.seen: dict[str, list[int]] = {}
        self._renewed = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="spmo-jobs", daemon=True)

    def start(self) -> Runner:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the loop; this server's running jobs go back to the queue."""
        self._stop.set()
        self._thread.join(timeout)
        for jid, future in list(self.running.items()):
            self._signal_cancel(jid, future)
        self.running.clear()
        self.store.release(self.owner)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # a database or cluster blip: logged, tried again
                log.exception("job runner tick failed")
            self._stop.wait(self.poll_s)

    def tick(self) -> None:
        """One round of the six steps above."""
        if time.monotonic() - self._renewed > self.lease_s / 3:
            self.store.renew(self.owner, self.lease_s)
            self._renewed = time.monotonic()
        self.store.reap()
        self._collect()
        self._cancel(self.store.cancel_requested(self.owner) & set(self.running))
        self._progress()
        for row in self.store.claim(self.owner, self.capacity - len(self.running),
                                    self.lease_s):
            self._submit(row)

    def _submit(self, row: dict) -> None:
        request, jid = row["request"], row["id"]
        self.claimed.append(jid)
        document = request.get("portfolio")
        if document is None:  # the version submitted (kept by its hash), else the stored one
            document = self.documents(row["portfolio_id"], row.get("document_hash"))
        if document is None:
            self.store.finish(jid, self.owner, "failed", problems=reason(
                f"portfolio '{row['portfolio_id']}' was deleted before the job started"))
            return
        try:
            self.running[jid] = self.client.submit(
                run, jid, row["kind"], document, request, self.batch_workers,
                key=f"spmo-job-{jid}", pure=False)
        except Exception as exc:  # the cluster went away
            log.exception("job %s could not be submitted", jid)
            self.store.finish(jid, self.owner, "failed", problems=reason(
                f"the Dask cluster did not take the job: {exc}"))

    def _collect(self) -> None:
        for jid, future in list(self.running.items()):
            if not future.done():
                continue
            self._copy_progress(jid)  # its last progress point
            del self.running[jid]
            self.seen.pop(jid, None)
            status, payload = _outcome(future)
            if status == "done":
                ok = self.store.finish(jid, self.owner, "done", result=payload)
            else:
                ok = self.store.finish(jid, self.owner, status, problems=payload)
            if not ok:
                log.warning("job %s ended (%s) after this server lost it", jid, status)
            self._forget(jid)

    def _cancel(self, jids: set[str]) -> None:
        for jid in jids:
            self._signal_cancel(jid, self.running.pop(jid))
            self.store.finish(jid, self.owner, "cancelled")
            self._forget(jid)

    def _signal_cancel(self, jid: str, future) -> None:
        try:
            self.client.set_metadata(cancel_key(jid), True)
            future.cancel()
        except Exception:  # best effort: the job is cancelled in the database anyway
            log.exception("cancelling job %s on the cluster", jid)

    def _progress(self) -> None:
        for jid in list(self.running):
            self._copy_progress(jid)

    def _copy_progress(self, jid: str) -> None:
        value = self.client.get_metadata(progress_key(jid), default=None)
        if value is not None and value != self.seen.get(jid):
            self.seen[jid] = value
            self.store.progress(jid, self.owner, *value)

    def _forget(self, jid: str) -> None:
        """Clear the job's entries in the scheduler's metadata."""
        try:
            self.client.set_metadata(progress_key(jid), None)
        except Exception:  # noqa: BLE001 - the cluster is gone: nothing to clear
            pass


def _outcome(future) -> tuple[str, object]:
    """(status, result or problems) of a finished Dask future."""
    if future.status == "cancelled":
        return "failed", reason("the Dask cluster dropped the job")
    try:
        return future.result(timeout=5)
    except Exception as exc:  # the worker died (KilledWorker) or the task raised
        return "failed", reason(f"the job's worker failed: {type(exc).__name__}: {exc}")
