"""Durations and start windows: where each project may start.

With n periods (0-based index) and duration d, a project fits when it starts
at s with s + d - 1 <= n - 1. Its window is [earliest, latest]:
- candidate / mandatory: earliest = earliest_start (default 0), latest =
  latest_start (default n - d), clipped to n - d;
- in_flight: earliest = 0, latest = latest_start (default 0: continue now),
  clipped to n - d; a start s > 0 is a stall that restarts in period s.
A project whose window is empty after clipping does not fit (`no_fit`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def project_durations(projects: pd.DataFrame, costs: pd.DataFrame,
                      demands: pd.DataFrame) -> pd.Series:
    """duration_p = given duration, else max(offset of its costs and demands) + 1 (min 1)."""
    offsets = pd.concat([costs[["project", "offset"]], demands[["project", "offset"]]])
    longest = offsets.groupby("project")["offset"].max().reindex(projects.index)
    implied = (longest.fillna(0) + 1).astype("int64")
    given = projects["duration"]
    return given.fillna(implied).astype("int64")


def start_windows(projects: pd.DataFrame, durations: pd.Series,
                  periods: tuple[str, ...]) -> pd.DataFrame:
    """Per project: earliest, latest (0-based, after clipping), fits, clipped."""
    n = len(periods)
    index_of = {p: i for i, p in enumerate(periods)}
    last_fit = n - durations.to_numpy()
    in_flight = (projects["status"] == "in_flight").to_numpy()
    earliest = projects["earliest_start"].map(index_of).to_numpy(dtype=float)
    latest = projects["latest_start"].map(index_of).to_numpy(dtype=float)
    earliest = np.where(np.isnan(earliest) | in_flight, 0, earliest)
    default_latest = np.where(in_flight, 0, last_fit)
    given_latest = ~np.isnan(latest)
    latest = np.where(given_latest, latest, default_latest)
    clipped = given_latest & (latest > last_fit) & (last_fit >= earliest)
    latest = np.minimum(latest, last_fit)
    fits = latest >= earliest
    return pd.DataFrame({"earliest": earliest.astype("int64"),
                         "latest": np.maximum(latest, -1).astype("int64"),
                         "fits": fits, "clipped": clipped,
                         "duration": durations.to_numpy()}, index=projects.index)
