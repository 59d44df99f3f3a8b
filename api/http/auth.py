"""Who may call what: one dependency of the whole app (`authenticate`), so a
route added later is covered without a word of its own.

The key comes in `X-API-Key: KEY` or `Authorization: Bearer KEY`. The role a
request needs follows from its method and route (`required_role`):

| request | role |
|---|---|
| `/healthz`, `/`, `/static/*`, `/openapi.json`, `/docs`, `/redoc` | none (open) |
| `/v1/keys*` (any method) | admin |
| `DELETE /v1/jobs/{id}` (cancel) | plan |
| any other `DELETE` (a portfolio) | admin |
| `GET`, `HEAD` | read |
| `POST`, `PUT`, `PATCH` | plan |

No key, a key of the wrong form, an unknown or revoked one: 401 with
`WWW-Authenticate`; a key whose role is too low: 403. The caller is then at
`request.state.principal` (api/keys.py `Principal`: key_id, key_name, org,
role). With the setting `auth` = `off` every route is open and the
principal is None.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import HTTPException, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from ..keys import Principal, key_id_of
from .deps import SettingsDep, StoreDep

OPEN_PATHS = ("/", "/healthz", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc")
OPEN_PREFIXES = ("/static/",)
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="spmo", charset="UTF-8"'}
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False,
                              description="an API key (`spmo keys create`)")
bearer = HTTPBearer(auto_error=False, description="the same key as a bearer token")


def route_path(request: Request) -> str:
    """The matched route's template (`/v1/portfolios/{pid}`), else the path."""
    route = request.scope.get("route")
    return getattr(route, "path", None) or request.url.path


def required_role(method: str, path: str) -> str | None:
    """The least role a request needs (the table above); None: open."""
    if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
        return None
    if path == "/v1/keys" or path.startswith("/v1/keys/"):
        return "admin"
    if method == "DELETE":
        return "plan" if path.startswith("/v1/jobs/") else "admin"
    return "read" if method in ("GET", "HEAD") else "plan"


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers=CHALLENGE)


async def authenticate(request: Request, store: StoreDep, settings: SettingsDep,
                       header: Annotated[str | None, Security(api_key_header)] = None,
                       token: Annotated[HTTPAuthorizationCredentials | None,
                                        Security(bearer)] = None) -> None:
    """Set request.state.principal, or refuse the request (401, 403). An open
    route is answered on the event loop; a key is looked up and checked in a
    worker thread (a database read, the first time a scrypt)."""
    request.state.principal = None
    role = required_role(request.method, route_path(request))
    if settings.auth == "off" or role is None:
        return
    key = header or (token.credentials if token else None)
    if not key:
        raise _unauthorised("an API key is needed: X-API-Key: KEY or "
                            "Authorization: Bearer KEY")
    principal = await run_in_threadpool(_principal, request, store, key)
    if not principal.may(role):
        raise HTTPException(status_code=403, detail=(
            f"the key '{principal.key_name}' has role {principal.role}; "
            f"{request.method} {route_path(request)} needs {role}"))
    request.state.principal = principal


def _principal(request: Request, store: StoreDep, key: str) -> Principal:
    """The principal of `key`, or 401."""
    key_id = key_id_of(key)
    row = store.key(key_id) if key_id else None
    if row is None or row["revoked"] is not None \
            or not request.app.state.key_cache.verified(key.strip(), row["hash"]):
        raise _unauthorised("the API key is unknown or revoked")
    return Principal(key_id=row["id"], key_name=row["name"], org=row["org"],
                     role=row["role"])
