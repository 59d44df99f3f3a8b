"""The store's API keys (a part of `Store`): create (the key is returned once,
only its hash is kept), read by id, list and revoke, per organisation."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from .keys import ROLES, hash_key, new_key
from .tables import DEFAULT_ORG, keys


def key_summary(row) -> dict:
    """A key as lists show it (never its hash)."""
    return {"id": row["id"], "name": row["name"], "org": row["org"], "role": row["role"],
            "created": iso(row["created"]), "revoked": iso(row["revoked"])}


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC (SQLite keeps no zone: its times were written in UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


class KeyRecords:
    """The keys table; `self.engine` is the store's engine."""

    engine: sa.Engine

    def create_key(self, name: str, role: str, org: str = DEFAULT_ORG) -> tuple[dict, str]:
        """(the key's summary, the key itself: shown once, never stored)."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        key_id, key = new_key()
        with self.engine.begin() as db:
            db.execute(keys.insert().values(id=key_id, name=name, org=org, role=role,
                                            hash=hash_key(key), created=datetime.now(UTC)))
        return self.key(key_id), key

    def key(self, key_id: str) -> dict | None:
        """A key's summary and its stored hash (`hash`), or None."""
        with self.engine.connect() as db:
            row = db.execute(sa.select(keys).where(keys.c.id == key_id)).mappings().one_or_none()
        return None if row is None else {**key_summary(row), "hash": row["hash"]}

    def list_keys(self, org: str | None = None) -> list[dict]:
        """Every key (of `org` when given), oldest first."""
        query = sa.select(keys).order_by(keys.c.created, keys.c.id)
        if org is not None:
            query = query.where(keys.c.org == org)
        with self.engine.connect() as db:
            return [key_summary(r) for r in db.execute(query).mappings()]

    def revoke_key(self, key_id: str, org: str | None = None) -> dict | None:
        """Revoke a key (of `org` when given); its summary, None if there is none.
        Revoking twice keeps the first time."""
        where = keys.c.id == key_id
        if org is not None:
            where = where & (keys.c.org == org)
        with self.engine.begin() as db:
            db.execute(keys.update().where(where & keys.c.revoked.is_(None))
                       .values(revoked=datetime.now(UTC)))
            row = db.execute(sa.select(keys).where(where)).mappings().one_or_none()
        return None if row is None else key_summary(row)

    def has_keys(self) -> bool:
        """Whether any key that is not revoked exists."""
        with self.engine.connect() as db:
            return db.execute(sa.select(keys.c.id).where(keys.c.revoked.is_(None))
                              .limit(1)).first() is not None
