"""JSON held to what every part of spmo (and PostgreSQL) can store and read
back: no `NaN` or `Infinity` literals (nor numbers that overflow to them), no
integer outside int64, no nesting deeper than MAX_DEPTH, no string (or key)
with a NUL or a lone UTF-16 surrogate. Each is an InvalidPortfolio naming
where it is (a 422)."""

from __future__ import annotations

import json
import math

from spmo.engine.errors import InvalidPortfolio, Problem

MAX_DEPTH = 64
INT64 = 2 ** 63
MAX_PROBLEMS = 50


class _Refused(ValueError):
    pass


def _no_constant(name: str):
    raise _Refused(f"{name} is not a number JSON allows")


def _int64(text: str) -> int:
    value = int(text)
    if not -INT64 <= value < INT64:
        raise _Refused(f"the integer {text[:30]}... is outside the 64-bit range")
    return value


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text[:30]} is too large")
    return value


def _string_problem(text: str) -> str | None:
    if "\x00" in text:
        return "a string with a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "a string with a lone UTF-16 surrogate"
    return None


def _walk(value) -> list[Problem]:
    """The problems of a parsed JSON value (depth, strings), iteratively."""
    out, stack = [], [(value, 0, "")]
    while stack and len(out) < MAX_PROBLEMS:
        item, depth, where = stack.pop()
        if depth > MAX_DEPTH:
            out.append(Problem("request", None, where or None,
                               f"nested deeper than {MAX_DEPTH} levels"))
            continue
        if isinstance(item, str):
            problem = _string_problem(item)
            if problem:
                out.append(Problem("request", None, where or None, problem))
        elif isinstance(item, dict):
            for key, child in item.items():
                problem = _string_problem(key)
                if problem:
                    out.append(Problem("request", None, where or None, f"a key: {problem}"))
                label = key.encode("utf-8", "replace").decode("utf-8")[:40]
                stack.append((child, depth + 1, f"{where}/{label}"))
        elif isinstance(item, list):
            stack.extend((child, depth + 1, f"{where}/{i}") for i, child in enumerate(item))
    return out


def parse_json(body: bytes):
    """The body as JSON held to the rules above, or InvalidPortfolio."""
    try:
        value = json.loads(body or b"null", parse_constant=_no_constant, parse_int=_int64,
                           parse_float=_finite)
    except RecursionError as exc:
        raise InvalidPortfolio([Problem("request", None, None, (
            f"the body is nested deeper than {MAX_DEPTH} levels"))]) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidPortfolio([Problem("request", None, None,
                                        f"the body is not JSON: {exc}")]) from exc
    problems = _walk(value)
    if problems:
        raise InvalidPortfolio(problems)
    return value
