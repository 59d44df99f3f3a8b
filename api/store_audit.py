"""The audit trail (a part of `Store`): who did what to a portfolio, when,
and what changed. `record` writes a row inside the caller's transaction, so
a change and its record are stored together or not at all.

What changed is a summary, `changes(before, after)`:
`{"tables": {table: {"added": n, "removed": n, "changed": n, "ids": {...}}},
"fields": [...]}`. A table is a top-level list of records; its rows are
matched by `id` when every row has a distinct one (the ids added, removed
and changed are listed, at most `MAX_IDS` of each), else by position. Any
other top-level key that differs (`settings`, `name`, ...) is in `fields`.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from .keys import Principal
from .store_keys import iso
from .tables import DEFAULT_ORG, audit

ACTIONS = ("create", "replace", "delete", "solve", "adopt")
MAX_IDS = 20


def _rows_by_key(rows: list) -> tuple[dict, bool]:
    """The rows by id (True) when each is a record with a distinct scalar id,
    else by position (False)."""
    ids = [r.get("id") if isinstance(r, dict) else None for r in rows]
    if ids and all(isinstance(i, (str, int)) and not isinstance(i, bool) for i in ids) \
            and len(set(ids)) == len(ids):
        return dict(zip(ids, rows, strict=True)), True
    return dict(enumerate(rows)), False


def table_changes(before: list, after: list) -> dict | None:
    """Rows added, removed and changed between two versions of one table."""
    old, by_id_old = _rows_by_key(before)
    new, by_id_new = _rows_by_key(after)
    if by_id_old != by_id_new and before and after:  # one side lost its ids: by position
        old, new = dict(enumerate(before)), dict(enumerate(after))
    added = [k for k in new if k not in old]
    removed = [k for k in old if k not in new]
    changed = [k for k in new if k in old and new[k] != old[k]]
    if not (added or removed or changed):
        return None
    out = {"added": len(added), "removed": len(removed), "changed": len(changed)}
    if (by_id_old or not before) and (by_id_new or not after):
        out["ids"] = {"added": added[:MAX_IDS], "removed": removed[:MAX_IDS],
                      "changed": changed[:MAX_IDS]}
    return out


def changes(before: dict | None, after: dict | None) -> dict:
    """The summary of what changed from `before` to `after` (None: no document)."""
    before, after = before or {}, after or {}
    tables, fields = {}, []
    for name in list(before) + [k for k in after if k not in before]:
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if isinstance(old or [], list) and isinstance(new or [], list):
            tables[name] = table_changes(old or [], new or [])
        else:
            fields.append(name)
    return {"tables": tables, "fields": fields}


def record(db: sa.Connection, pid: str, action: str, actor: Principal | None,
           hashes: tuple[str | None, str | None], **extra) -> None:
    """One audit row in the open transaction `db`. `hashes` are the
    document's before and after; `extra` may give `changes`, `job_id`, `org`."""
    assert action in ACTIONS
    db.execute(audit.insert().values(
        portfolio_id=pid, action=action, job_id=extra.get("job_id"),
        key_id=actor.key_id if actor else None, key_name=actor.key_name if actor else None,
        org=extra.get("org") or (actor.org if actor else DEFAULT_ORG),
        at=datetime.now(UTC), hash_before=hashes[0], hash_after=hashes[1],
        changes=extra.get("changes")))


class AuditRecords:
    """Reading the audit trail; `self.engine` is the store's engine."""

    engine: sa.Engine

    def history(self, pid: str) -> list[dict]:
        """Every audit row of portfolio `pid`, oldest first."""
        with self.engine.connect() as db:
            rows = db.execute(sa.select(audit).where(audit.c.portfolio_id == pid)
                              .order_by(audit.c.id)).mappings().all()
        return [{"action": r["action"], "at": iso(r["at"]), "key_id": r["key_id"],
                 "key_name": r["key_name"], "org": r["org"], "job_id": r["job_id"],
                 "hash_before": r["hash_before"], "hash_after": r["hash_after"],
                 "changes": r["changes"]} for r in rows]
