"""Keys, the audit trail, decisions and the documents they name; an
organisation on portfolios and jobs ("default" for the rows before); each
portfolio's document also as JSON (JSONB on PostgreSQL) with its hash, and
each job's document hash and options.

The hash is the sha256 of the document's canonical JSON (keys sorted, no
spaces, UTF-8), as api/tables.py computes it; a stored document that is not
strict JSON (a NaN kept before NaN was refused) keeps its text and hash but
no JSON copy.

Revision ID: 0002
Revises: 0001
"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSONB = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True),
                                                "postgresql")


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _org() -> sa.Column:
    return sa.Column("org", sa.String(64), nullable=False, server_default="default")


def upgrade() -> None:
    op.add_column("portfolios", _org())
    op.add_column("portfolios", sa.Column("content", JSONB, nullable=True))
    op.add_column("portfolios", sa.Column("hash", sa.String(64), nullable=True))
    op.create_index("ix_portfolios_org", "portfolios", ["org"])
    op.add_column("jobs", _org())
    op.add_column("jobs", sa.Column("document_hash", sa.String(64), nullable=True))
    op.add_column("jobs", sa.Column("options", JSONB, nullable=True))
    op.create_index("ix_jobs_org", "jobs", ["org"])
    _new_tables()
    _fill_portfolios()


def _new_tables() -> None:
    op.create_table(
        "keys",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("org", sa.String(64), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("hash", sa.String(200), nullable=False),
        sa.Column("created", _when(), nullable=False),
        sa.Column("revoked", _when(), nullable=True),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("portfolio_id", sa.String(32), nullable=False),
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
    op.create_index("ix_audit_portfolio_id", "audit", ["portfolio_id"])
    op.create_table(
        "documents",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created", _when(), nullable=False),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("job_id", sa.String(32), nullable=False),
        sa.Column("portfolio_id", sa.String(32), nullable=True),
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
    op.create_index("ix_decisions_job_id", "decisions", ["job_id"], unique=True)
    op.create_index("ix_decisions_portfolio_id", "decisions", ["portfolio_id"])


def _refuse(constant: str):
    raise ValueError(constant)


def _fill_portfolios() -> None:
    """content and hash of every stored portfolio, from its text."""
    table = sa.table("portfolios", sa.column("id", sa.String), sa.column("document", sa.Text),
                     sa.column("content", JSONB), sa.column("hash", sa.String))
    db = op.get_bind()
    for pid, text in db.execute(sa.select(table.c.id, table.c.document)).all():
        document = json.loads(text)
        canonical = json.dumps(document, sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False)
        try:
            json.loads(text, parse_constant=_refuse)
            content = document
        except ValueError:
            content = None
        db.execute(table.update().where(table.c.id == pid).values(
            content=content, hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest()))


def downgrade() -> None:
    for name in ("decisions", "documents", "audit", "keys"):
        op.drop_table(name)
    op.drop_index("ix_jobs_org", "jobs")
    op.drop_index("ix_portfolios_org", "portfolios")
    with op.batch_alter_table("jobs") as batch:
        for column in ("options", "document_hash", "org"):
            batch.drop_column(column)
    with op.batch_alter_table("portfolios") as batch:
        for column in ("hash", "content", "org"):
            batch.drop_column(column)
