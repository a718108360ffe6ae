"""documents: another file of the same plan supersedes the stored one

- ``documents.supersedes_id`` / ``superseded_by_id`` / ``superseded_at``: a re-uploaded file of a
  plan (same number, issuer and year, or ``replaces=`` at upload) takes over the stored document's
  tasks; the older document is kept, marked superseded;
- ``documents.supersede_rule``: how the two were found to be one plan (``number`` | ``replaces``).

On SQLite the columns are added with ``ALTER TABLE … ADD COLUMN … REFERENCES``: a batch rebuild of
``documents`` would drop the table that every other table references (with ``foreign_keys=ON`` its
implicit delete would cascade) and lose its AUTOINCREMENT. The keys have no ON DELETE action (SQLite
does not reflect one given in a column's REFERENCES): ``store.hand_back`` relinks a plan's files
before one of them is deleted.

Revision ID: 0007_supersede
Revises: 0006_bodies
Create Date: 2025-06-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_supersede"
down_revision = "0006_bodies"
branch_labels = None
depends_on = None

FKS = (("supersedes_id", "fk_documents_supersedes_id"), ("superseded_by_id", "fk_documents_superseded_by_id"))


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for column, _ in FKS:
            op.execute(f"ALTER TABLE documents ADD COLUMN {column} INTEGER REFERENCES documents (id)")
        op.add_column("documents", sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True))
        op.add_column("documents", sa.Column("supersede_rule", sa.String(length=16), nullable=True))
    else:
        with op.batch_alter_table("documents", schema=None) as batch_op:
            for column, _ in FKS:
                batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column("supersede_rule", sa.String(length=16), nullable=True))
            for column, name in FKS:
                batch_op.create_foreign_key(name, "documents", [column], ["id"])
    op.create_index(op.f("ix_documents_superseded_by_id"), "documents", ["superseded_by_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_documents_superseded_by_id"), table_name="documents")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        if op.get_bind().dialect.name != "sqlite":
            for _, name in FKS:
                batch_op.drop_constraint(name, type_="foreignkey")
        for column in ("supersede_rule", "superseded_at", "superseded_by_id", "supersedes_id"):
            batch_op.drop_column(column)
