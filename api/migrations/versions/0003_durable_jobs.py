"""Durable jobs of any kind: each job's kind and request, who asked, the
owning server's lease and heartbeat, its progress, a cancel request, when it
started and its result (the plan of a solve, the JSON of a study). A job row
from before is a solve: its `plan` becomes its `result`, its request `{}`;
`portfolio_id` may now be empty (a job on a document sent inline).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("kind", sa.String(32), nullable=False,
                                   server_default="solve"))
        batch.add_column(sa.Column("request", sa.Text, nullable=False, server_default="{}"))
        batch.add_column(sa.Column("key_name", sa.String(200), nullable=True))
        batch.add_column(sa.Column("caller", sa.String(80), nullable=True))
        batch.add_column(sa.Column("owner", sa.String(64), nullable=True))
        batch.add_column(sa.Column("lease_until", _when(), nullable=True))
        batch.add_column(sa.Column("heartbeat", _when(), nullable=True))
        batch.add_column(sa.Column("progress_done", sa.Integer, nullable=True))
        batch.add_column(sa.Column("progress_total", sa.Integer, nullable=True))
        batch.add_column(sa.Column("cancel_requested", sa.Boolean, nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("result", sa.Text, nullable=True))
        batch.add_column(sa.Column("started", _when(), nullable=True))
        batch.alter_column("portfolio_id", existing_type=sa.String(32), nullable=True)
    op.execute("UPDATE jobs SET result = plan")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("plan")
        batch.alter_column("kind", server_default=None)
        batch.alter_column("request", server_default=None)
        batch.alter_column("cancel_requested", server_default=None)
        batch.create_index("ix_jobs_status", ["status"])
        batch.create_index("ix_jobs_caller", ["caller"])


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("plan", sa.Text, nullable=True))
    op.execute("UPDATE jobs SET plan = result WHERE kind = 'solve'")
    op.execute("DELETE FROM jobs WHERE kind <> 'solve' OR portfolio_id IS NULL")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index("ix_jobs_caller")
        batch.drop_index("ix_jobs_status")
        for column in ("started", "result", "cancel_requested", "progress_total",
                       "progress_done", "heartbeat", "lease_until", "owner", "caller",
                       "key_name", "request", "kind"):
            batch.drop_column(column)
        batch.alter_column("portfolio_id", existing_type=sa.String(32), nullable=False)
