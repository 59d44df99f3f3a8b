"""API keys, for admins: POST /v1/keys (the key is in the answer once),
GET /v1/keys, DELETE /v1/keys/{kid} (revoke). An admin key manages its own
organisation's keys (`spmo keys` on the server manages any)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from ...tables import DEFAULT_ORG
from ..deps import OrgDep, StoreDep, not_found
from ..openapi import INVALID, NOT_FOUND
from ..schemas_records import KeyCreated, KeyIn, KeyOut

router = APIRouter(prefix="/v1/keys", tags=["keys"])


@router.post("", status_code=201, response_model=KeyCreated, responses=INVALID)
def create(body: KeyIn, store: StoreDep, org: OrgDep) -> dict:
    """A new key: the answer's `key` is shown this once, only its hash is kept."""
    wanted = body.org or org or DEFAULT_ORG
    if org is not None and wanted != org:
        raise HTTPException(status_code=403, detail=(
            f"an admin key of organisation '{org}' creates keys of '{org}' only"))
    summary, key = store.create_key(body.name, body.role, wanted)
    return {**summary, "key": key}


@router.get("", response_model=list[KeyOut])
def read_all(store: StoreDep, org: OrgDep) -> list[dict]:
    """The organisation's keys, revoked ones included, oldest first."""
    return store.list_keys(org)


@router.delete("/{kid}", response_model=KeyOut, responses=NOT_FOUND)
def revoke(kid: str, store: StoreDep, org: OrgDep) -> dict:
    """Revoke a key: from now on it is 401 (revoking again changes nothing)."""
    revoked = store.revoke_key(kid, org)
    if revoked is None:
        raise not_found("key", kid)
    return revoked
