"""Limits every request meets before a route reads it (an ASGI middleware):

- **media type**: a POST, PUT or PATCH carries `application/json` (and
  `POST /v1/portfolios` also `multipart/form-data`, for workbooks); any other
  Content-Type, or a body without one, is `415`. So a web page cannot post a
  "simple" (text/plain or form) request that skips the browser's CORS check.
- **body size**: a Content-Length above SPMO_MAX_BODY_MB is `413` at once,
  before a byte is read; a body sent without one (chunked) is counted as it
  streams, and the request is refused with `413` as soon as it passes the limit
  (the server never holds more than the limit).
- **rate**: a token bucket per caller (its API key, or its address without
  one): SPMO_RATE_PER_S tokens a second, SPMO_RATE_BURST at most; a request
  finding the bucket empty is `429` with `Retry-After` (whole seconds).
  `/healthz` is never limited.

`caller(scope)` is the identity these limits (and the per-caller job cap)
count by: `key:` and a hash of the key, else `host:` and the client's address.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..settings import Settings
from .errors import fault_detail

log = logging.getLogger("spmo.http")

JSON = "application/json"
MULTIPART = "multipart/form-data"
BODY_METHODS = ("POST", "PUT", "PATCH")
EXEMPT = ("/healthz",)
MAX_BUCKETS = 10_000


def caller(scope) -> str:
    """The caller's identity: its key (hashed) or its address."""
    headers = dict(scope.get("headers") or [])
    key = headers.get(b"x-api-key")
    bearer = headers.get(b"authorization", b"")
    if key is None and bearer[:7].lower() == b"bearer ":
        key = bearer[7:].strip()
    if key:
        return "key:" + hashlib.sha256(key).hexdigest()[:32]
    client = scope.get("client")
    return f"host:{client[0] if client else 'unknown'}"


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes "
                              "(SPMO_MAX_BODY_MB)")


class Limits:
    """The ASGI middleware of the module docstring."""

    def __init__(self, app, settings: Settings) -> None:
        self.app = app
        self.max_bytes = int(settings.max_body_mb * 1024 * 1024)
        self.rate, self.burst = settings.rate_per_s, settings.rate_burst
        self.buckets: dict[str, tuple[float, float]] = {}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        refused = self._refusal(scope)
        if refused is not None:
            await refused(scope, receive, send)
            return
        await self._guarded(scope, self._counting(receive), send)

    async def _guarded(self, scope, receive, send) -> None:
        """Run the app; a fault that escaped every handler is a 503 on a
        well-formed response (the connection stays usable), never a dropped one."""
        started = False

        async def sending(message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            log.exception("internal error on %s %s", scope["method"], scope["path"])
            if started:
                raise
            await JSONResponse({"status": "error", "detail": fault_detail(exc)},
                               status_code=503)(scope, receive, send)

    def _refusal(self, scope) -> JSONResponse | None:
        headers = dict(scope.get("headers") or [])
        wait = self._take(caller(scope))
        if wait:
            return JSONResponse({"detail": "too many requests: slow down (SPMO_RATE_PER_S)"},
                                status_code=429, headers={"Retry-After": str(wait)})
        media = _media_problem(scope, headers)
        if media:
            return JSONResponse({"detail": media}, status_code=415)
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            return JSONResponse({"detail": BodyTooLarge(self.max_bytes).detail},
                                status_code=413, headers={"Connection": "close"})
        return None

    def _take(self, who: str) -> int:
        """0 if `who` may go on (a token taken), else the seconds to wait."""
        if self.rate <= 0:
            return 0
        now = time.monotonic()
        if len(self.buckets) > MAX_BUCKETS:  # forget the idle: their buckets are full
            self.buckets = {k: v for k, v in self.buckets.items()
                            if now - v[1] < self.burst / self.rate}
        tokens, then = self.buckets.get(who, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.rate)
        if tokens < 1:
            self.buckets[who] = (tokens, now)
            return max(1, math.ceil((1 - tokens) / self.rate))
        self.buckets[who] = (tokens - 1, now)
        return 0

    def _counting(self, receive):
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise BodyTooLarge(self.max_bytes)
            return message

        return counted


def _media_problem(scope, headers: dict) -> str | None:
    """Why the request's Content-Type is refused, or None."""
    if scope["method"] not in BODY_METHODS:
        return None
    kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower().decode("latin-1")
    has_body = headers.get(b"content-length", b"0") not in (b"0", b"") \
        or b"transfer-encoding" in headers
    allowed = [JSON] + ([MULTIPART] if scope["path"].rstrip("/") == "/v1/portfolios"
                        and scope["method"] == "POST" else [])
    if kind in allowed or (not kind and not has_body):
        return None
    return (f"Content-Type must be {' or '.join(allowed)}, not "
            f"{kind or 'missing'}")
