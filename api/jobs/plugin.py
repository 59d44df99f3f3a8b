"""The Dask worker plugin of the local cluster (its own module: only the
server imports it, never a validation process)."""

from __future__ import annotations

from dask.distributed import WorkerPlugin

from .priority import die_with_parent, lower_priority


class LowPriority(WorkerPlugin):
    """A Dask worker plugin: every worker of the cluster, also one started
    later (a restarted worker), runs at nice +`nice` and dies with the server
    process that started it (priority.die_with_parent)."""

    name = "spmo-low-priority"

    def __init__(self, nice: int, die_with_parent: bool = True) -> None:
        self.nice, self.die_with_parent = nice, die_with_parent

    def setup(self, worker) -> None:  # noqa: ARG002 - Dask passes worker=
        lower_priority(self.nice)
        if self.die_with_parent:
            die_with_parent()
