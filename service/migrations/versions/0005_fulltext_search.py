"""full-text search: SQLite FTS5 table ``obligations_fts`` (+ triggers), PostgreSQL ``search_tsv`` + GIN

Both index ``obligations.search`` (text folded in Python: no diacritics, đ → d); see service/search.py.

Revision ID: 0005_search
Revises: 0004_outbox
Create Date: 2025-06-10
"""

from __future__ import annotations

from alembic import op

from service import search

revision = "0005_search"
down_revision = "0004_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    search.install(op.get_bind())


def downgrade() -> None:
    search.uninstall(op.get_bind())
