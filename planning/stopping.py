"""A job's stop signal for the faces (which never import spmo.solvers): inside
`stop_when(event)` every solve of the calling thread ends once `event` is set
(solvers.base: CP-SAT's stop_search, HiGHS's interrupt callback), answering
as at its time limit. A batch's solves in other processes do not see it; the
job's progress points stop those."""

from __future__ import annotations

from spmo.solvers.base import STOP_POLL_S, stop_when

__all__ = ["STOP_POLL_S", "stop_when"]
