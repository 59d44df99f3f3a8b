"""The store's tables beside portfolios and jobs (api/store.py): API keys,
the audit trail, adopted decisions and the document versions they name.

All share one `metadata` (store.py defines portfolios and jobs on it too),
which is the schema the Alembic migrations (api/migrations/) build: a test
compares the two. Times are UTC; hashes are `document_hash` (api/keys.py
has the keys' own hashing).

- keys(id, name, org, role, hash, created, revoked): `hash` is the key's
  scrypt hash, never the key; `id` is the key's public prefix;
- audit(id, portfolio_id, action, job_id, key_id, key_name, org, at,
  hash_before, hash_after, changes): one row per create, replace, delete,
  solve and adopt, written in the transaction of the change;
- documents(hash, text, created): a portfolio document as it was solved,
  by its hash (a job names it, a decision copies it);
- decisions(id, job_id, portfolio_id, org, approver, rationale, key_name, at,
  document_hash, document, plan, spmo_version, solver, options): one per
  job at most (a unique index on job_id).
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

metadata = sa.MetaData()
JSONB = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True),
                                                "postgresql")
"""JSON: JSONB on PostgreSQL (keys reordered there: exact text is kept beside it)."""
DEFAULT_ORG = "default"


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


keys = sa.Table(
    "keys", metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("org", sa.String(64), nullable=False),
    sa.Column("role", sa.String(8), nullable=False),
    sa.Column("hash", sa.String(200), nullable=False),
    sa.Column("created", _when(), nullable=False),
    sa.Column("revoked", _when(), nullable=True),
)
audit = sa.Table(
    "audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("portfolio_id", sa.String(32), nullable=False, index=True),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("job_id", sa.String(32), nullable=True),
    sa.Column("key_id", sa.String(16), nullable=True),
    sa.Column("key_name", sa.String(200), nullable=True),
    sa.Column("org", sa.String(64), nullable=False),
    sa.Column("at", _when(), nullable=False),
    sa.Column("hash_before", sa.String(64), nullable=True),
    sa.Column("hash_after", sa.String(64), nullable=True),
    sa.Column("changes", JSONB, nullable=True),
)
documents = sa.Table(
    "documents", metadata,
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created", _when(), nullable=False),
)
decisions = sa.Table(
    "decisions", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("job_id", sa.String(32), nullable=False, index=True, unique=True),
    sa.Column("portfolio_id", sa.String(32), nullable=True, index=True),
    sa.Column("org", sa.String(64), nullable=False),
    sa.Column("approver", sa.String(200), nullable=False),
    sa.Column("rationale", sa.Text, nullable=False),
    sa.Column("key_name", sa.String(200), nullable=True),
    sa.Column("at", _when(), nullable=False),
    sa.Column("document_hash", sa.String(64), nullable=False),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("plan", sa.Text, nullable=False),
    sa.Column("spmo_version", sa.String(40), nullable=False),
    sa.Column("solver", sa.String(40), nullable=True),
    sa.Column("options", JSONB, nullable=True),
)


def document_text(document: dict) -> str:
    """The text a document is stored as: json.dumps keeps the keys' order as
    sent, so a read returns what was written."""
    return json.dumps(document, ensure_ascii=False)


def document_hash(document: dict) -> str:
    """sha256 of the document's canonical JSON (keys sorted, no spaces,
    UTF-8): equal documents hash equal whatever their key order or spacing.
    It is the portfolio's ETag and names a version in the audit."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
