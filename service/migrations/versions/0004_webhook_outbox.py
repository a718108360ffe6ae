"""webhook outbox: deliveries are stored, retried for a day, sent in order per endpoint

- ``webhook_deliveries.msg_id``: the Standard Webhooks ``webhook-id`` (kept on redelivery);
- ``next_attempt_at`` / ``locked_until``: the delivery loop's schedule and a sender's claim;
- ``redelivery_of``: the delivery an admin asked to send again;
- ``webhooks.secret`` in the ``whsec_`` form (the same HMAC key: base64 of the old secret's bytes).

Revision ID: 0004_outbox
Revises: 0003_queue
Create Date: 2025-06-10
"""

from __future__ import annotations

import base64

import sqlalchemy as sa
from alembic import op

revision = "0004_outbox"
down_revision = "0003_queue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("msg_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("redelivery_of", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_webhook_deliveries_status"), ["status"], unique=False)
        batch_op.create_index("ix_webhook_deliveries_queue", ["webhook_id", "status", "id"], unique=False)
    op.execute("UPDATE webhook_deliveries SET msg_id = 'msg_legacy_' || id WHERE msg_id IS NULL")
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.alter_column("msg_id", existing_type=sa.String(length=64), nullable=False)
    conn = op.get_bind()
    hooks = sa.table("webhooks", sa.column("id", sa.Integer), sa.column("secret", sa.String))
    for hook_id, secret in conn.execute(sa.select(hooks.c.id, hooks.c.secret)).all():
        if not str(secret).startswith("whsec_"):
            new = "whsec_" + base64.b64encode(str(secret).encode("utf-8")).decode("ascii")
            conn.execute(sa.update(hooks).where(hooks.c.id == hook_id).values(secret=new))


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_deliveries_queue")
        batch_op.drop_index(batch_op.f("ix_webhook_deliveries_status"))
        batch_op.drop_column("redelivery_of")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("msg_id")
