"""office task list: real due days, stable task identity, done time

- ``ob_dues.derived``, ``obligations.derived_due``: days derived by the off-by-default
  convention (KEHOACH_DERIVE_PERIOD_END), kept apart from the days the text gives;
- ``obligations.uid``, ``obligations.withdrawn_at``: a task keeps its id and calendar UID
  across reprocessing; one that disappears is withdrawn, not deleted;
- ``obligations.done_at``: when a task was marked done (status reports);
- ``corrections.obligation_id``: corrections follow the task, not its wording.

Revision ID: 0002_office
Revises: 0001
Create Date: 2025-06-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_office"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ob_dues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("derived", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("obligations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("derived_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("uid", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("done_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_obligations_uid"), ["uid"], unique=False)
    with op.batch_alter_table("corrections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("obligation_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_corrections_obligation_id"), ["obligation_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_corrections_obligation_id", "obligations", ["obligation_id"], ["id"], ondelete="SET NULL"
        )
    op.execute("UPDATE obligations SET uid = 'obligation-' || id WHERE uid IS NULL")
    op.execute(
        "UPDATE corrections SET obligation_id = (SELECT o.id FROM obligations o "
        "WHERE o.document_id = corrections.document_id AND o.text_hash = corrections.text_hash "
        "ORDER BY o.id LIMIT 1) WHERE obligation_id IS NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("corrections", schema=None) as batch_op:
        batch_op.drop_constraint("fk_corrections_obligation_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_corrections_obligation_id"))
        batch_op.drop_column("obligation_id")
    with op.batch_alter_table("obligations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_obligations_uid"))
        batch_op.drop_column("done_at")
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("uid")
        batch_op.drop_column("derived_due")
    with op.batch_alter_table("ob_dues", schema=None) as batch_op:
        batch_op.drop_column("derived")
