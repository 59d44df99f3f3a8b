"""The baseline: the schema before migrations (portfolios and jobs, as
`metadata.create_all` made them). A database made then has these tables and
no alembic_version: api/migrate.py stamps it with this revision first.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portfolios",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(400), nullable=True),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("projects", sa.Integer, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("portfolio_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("plan", sa.Text, nullable=True),
        sa.Column("problems", sa.Text, nullable=True),
        sa.Column("submitted", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_jobs_portfolio_id", "jobs", ["portfolio_id"])


def downgrade() -> None:
    op.drop_table("jobs")
    op.drop_table("portfolios")
