"""Worker processes yield the CPU to the server: the validation pool's
processes and the local Dask cluster's workers run at a lower CPU priority
(a higher nice value, SPMO_WORKER_NICE, default 10), so on a busy machine the
server's event loop (which answers /healthz, authenticates and reads) is
scheduled before them. On Linux's CFS scheduler a thread of nice 10 weighs
110 against 1024 at nice 0: when both want the core, the server gets about
90 % of it. Solver threads and batch processes a worker starts inherit its
nice value.

On Linux a nice value belongs to a thread, so `lower_priority` sets it on
every thread the process has (`/proc/self/task`); threads started later
inherit it from the thread that starts them. Elsewhere os.nice is the
process's. A nice value can only be raised without privileges (never lowered
back): 0 leaves the process as it is.
"""

from __future__ import annotations

import os
from pathlib import Path


def lower_priority(nice: int) -> int:
    """Raise this process's (every thread's) nice value by `nice`; the new value."""
    if nice <= 0:
        return os.getpriority(os.PRIO_PROCESS, 0)
    target = min(19, os.getpriority(os.PRIO_PROCESS, 0) + nice)
    tasks = Path("/proc/self/task")
    if not tasks.is_dir():
        return os.nice(nice)
    for task in tasks.iterdir():
        try:
            os.setpriority(os.PRIO_PROCESS, int(task.name), target)
        except (ProcessLookupError, PermissionError):  # a thread that just ended
            pass
    return os.getpriority(os.PRIO_PROCESS, 0)


def die_with_parent() -> bool:
    """Exit this process as soon as the process that started it is gone (a
    watchdog thread that sees the parent's id change; unlike Linux's
    parent-death signal it does not depend on which thread of the parent
    started this one). True when the watchdog was started."""
    import threading
    import time

    parent = os.getppid()
    if parent == 1:
        return False

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="spmo-die-with-parent", daemon=True).start()
    return True


def start_pool_process(nice: int) -> None:
    """A validation pool process's initializer: lower priority, die with the server."""
    lower_priority(nice)
    die_with_parent()
