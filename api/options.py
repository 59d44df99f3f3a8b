"""Checks of the options a user gives the CLI (and `spmo.solve`), before any
work: each bad value is a Problem in table `options` naming the option, so
that it is reported (exit 2) as every other invalid input is.

Imports nothing heavy: `spmo --help` and `import spmo` stay fast.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from spmo.engine.errors import Problem

EXPLAIN = ("auto", "exact", "estimate", "none")
SCHEMAS = ("portfolio", "plan")


def _problem(option: str, message: str) -> Problem:
    return Problem("options", None, option, message)


def solve_problems(time_limit: float | None = None, gap: float | None = None,
                   explain: str | None = None, *, names: dict[str, str] | None = None
                   ) -> list[Problem]:
    """The problems of a time limit (> 0, finite), a relative gap (in [0, 1),
    as over HTTP) and an explanation mode (EXPLAIN); `names` renames the
    options in the problems (the CLI's `--time-limit`, the library's
    `time_limit_s`)."""
    names = {"time_limit": "--time-limit", "gap": "--gap", "explain": "--explain",
             **(names or {})}
    out = []
    if time_limit is not None and not _number_in(time_limit, 0, math.inf, low_open=True):
        out.append(_problem(names["time_limit"], "must be a positive, finite number of "
                            f"seconds, got {time_limit!r}"))
    if gap is not None and not _number_in(gap, 0, 1):
        out.append(_problem(names["gap"], f"must be a number in [0, 1), got {gap!r}"))
    if explain is not None and explain not in EXPLAIN:
        out.append(_problem(names["explain"], f"must be one of {', '.join(EXPLAIN)}, "
                            f"got {explain!r}"))
    return out


def _number_in(value: object, low: float, high: float, low_open: bool = False) -> bool:
    """Whether `value` is a real number with low <= value < high (low < value
    when `low_open`)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return False
    return (low < value if low_open else low <= value) and value < high


def count_problem(option: str, value: int, low: int = 1) -> list[Problem]:
    """A whole-number option below its least value."""
    return [] if value >= low else [_problem(option, f"must be at least {low}, got {value}")]


def target_problems(paths: list[Path], suffixes: tuple[str, ...], force: bool,
                    option: str = "--out") -> list[Problem]:
    """The problems of files to be written, found before any work: a suffix
    not in `suffixes`, a folder that does not exist (or cannot be written),
    a path that is a folder, the same file twice, and an existing file
    without `force`."""
    out, seen = [], set()
    for path in paths:
        where = f"'{path}'"
        if path.suffix.lower() not in suffixes:
            out.append(_problem(option, f"{where}: the file can be written as "
                                + ", ".join(suffixes)))
            continue
        folder = path.parent
        key = path.resolve()
        if key in seen:
            out.append(_problem(option, f"{where} is named twice"))
        seen.add(key)
        if not folder.is_dir():
            out.append(_problem(option, f"{where}: the folder '{folder}' does not exist"))
        elif not os.access(folder, os.W_OK):
            out.append(_problem(option, f"{where}: the folder '{folder}' cannot be written"))
        elif path.is_dir():
            out.append(_problem(option, f"{where} is a folder"))
        elif path.exists() and not force:
            out.append(_problem(option, f"{where} exists: add --force to overwrite it"))
    return out


def server_problems(host: str, port: int, database_url: str) -> list[Problem]:
    """The problems of `spmo serve`'s arguments, found before the server
    starts: a port outside 1-65535, a host that does not resolve, a database
    URL that does not parse, names no installed driver or does not open (its
    password never shown)."""
    import socket

    out = []
    if not 1 <= port <= 65535:
        out.append(_problem("--port", f"must be from 1 to 65535, got {port}"))
    else:
        try:
            socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            out.append(_problem("--host", f"cannot listen on '{host}': {exc}"))
    return out + _database_problems(database_url)


def _database_problems(url: str) -> list[Problem]:
    import sqlalchemy as sa

    try:
        shown = sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:  # sqlalchemy raises ArgumentError, ValueError...
        return [_problem("--database", "not a database URL (for example "
                         "sqlite:///spmo.db or postgresql+psycopg://user@host/db)")]
    from .store import Store

    try:
        Store(url).engine.dispose()
    except Exception as exc:  # a missing driver, a refused connection...
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return [_problem("--database", f"cannot open {shown}: {first}")]
    return []
