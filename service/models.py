"""The tables (SQLAlchemy 2). Machine output and reviewers' corrections live in separate rows.

``obligations.machine`` is the pipeline's contract obligation, never edited;
``corrections`` holds each reviewer edit with who and when; ``obligations.effective``
and the ``ob_actors`` / ``ob_dues`` index rows are derived from both, for querying.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = {
        "sqlite_autoincrement": True
    }  # ids never reused: links and calendars keep pointing right

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(512))
    format: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="processing")  # processing | ready
    doc_type: Mapped[str | None] = mapped_column(String(64))
    number: Mapped[str | None] = mapped_column(String(128))
    number_key: Mapped[str | None] = mapped_column(String(128), index=True)
    symbol: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(String(512))
    issued_date: Mapped[date | None] = mapped_column(Date)
    period_start: Mapped[int | None] = mapped_column(Integer)
    period_end: Mapped[int | None] = mapped_column(Integer)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # contract "document", minus text
    sections: Mapped[list[Any]] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text, default="")
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    obligation_count: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # another file of the same plan (store.same_plan): the newer document takes over the older one's
    # tasks (ids and calendar UIDs kept); the older one is kept, marked superseded, without tasks.
    # No ON DELETE action: store.hand_back relinks the plan's files before one is deleted.
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    supersede_rule: Mapped[str | None] = mapped_column(String(16))  # number | replaces

    references: Mapped[list[Reference]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Reference.position",
    )


class Reference(Base):
    """A document cited in "Căn cứ / Thực hiện"; ``number_key`` links it to an uploaded plan."""

    __tablename__ = "doc_references"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str | None] = mapped_column(String(64))
    number: Mapped[str | None] = mapped_column(String(128))
    number_key: Mapped[str | None] = mapped_column(String(128), index=True)
    date: Mapped[str | None] = mapped_column(String(10))
    issuer: Mapped[str | None] = mapped_column(String(512))
    text: Mapped[str | None] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="references")


class Obligation(Base):
    __tablename__ = "obligations"
    __table_args__ = (
        Index("ix_obligations_document_seq", "document_id", "seq"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))  # the contract id, "ob-0007"
    seq: Mapped[int] = mapped_column(Integer)
    section: Mapped[str | None] = mapped_column(String(64))
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    text_hash: Mapped[str] = mapped_column(String(64))
    machine: Mapped[dict[str, Any]] = mapped_column(JSON)  # the pipeline's output, never edited
    effective: Mapped[dict[str, Any]] = mapped_column(JSON)  # machine output with corrections applied
    status: Mapped[str] = mapped_column(String(20), default="todo", index=True)
    recurrence: Mapped[str | None] = mapped_column(String(16), index=True)
    due: Mapped[date | None] = mapped_column(Date, index=True)  # first due date, for sorting
    search: Mapped[str] = mapped_column(Text, default="")  # folded text for diacritics-free search
    corrected: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # first derived due day (KEHOACH_DERIVE_PERIOD_END): only for a cadence without a day
    derived_due: Mapped[date | None] = mapped_column(Date)
    # calendar UID part, kept while the source clause stays the same (reprocessing, re-upload)
    uid: Mapped[str | None] = mapped_column(String(64), index=True)
    # set when a reprocessed plan no longer has this clause; the row and its history are kept
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # when marked done


class ObligationActor(Base):
    __tablename__ = "ob_actors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # actor | co_actor
    name: Mapped[str] = mapped_column(String(512))
    key: Mapped[str] = mapped_column(String(512), index=True)


class ObligationDue(Base):
    __tablename__ = "ob_dues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id", ondelete="CASCADE"), index=True)
    due: Mapped[date] = mapped_column(Date, index=True)
    derived: Mapped[bool] = mapped_column(Boolean, default=False)  # an office convention, not the text


class Correction(Base):
    """One reviewer edit; attached by (document, obligation text) so reprocessing keeps it."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    ob_key: Mapped[str] = mapped_column(String(32))
    # the task it corrects (kept across reprocessing); null on rows written before 0002
    obligation_id: Mapped[int | None] = mapped_column(
        ForeignKey("obligations.id", ondelete="SET NULL"), index=True
    )
    text_hash: Mapped[str] = mapped_column(String(64))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16), default="process")  # process | reprocess
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued | running | done | failed
    filename: Mapped[str] = mapped_column(String(512))
    sha256: Mapped[str] = mapped_column(String(64))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    error_message_vi: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # times claimed by a worker
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))  # reader | editor | admin
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Webhook(Base):
    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    secret: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebhookDelivery(Base):
    """The outbox: one row per event per endpoint, sent in id order per endpoint (service.feeds.outbox)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_queue", "webhook_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), index=True)
    # the Standard Webhooks message id: the same on every attempt and on a redelivery
    msg_id: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # pending | delivered | failed (given up after KEHOACH_WEBHOOK_GIVE_UP_S, or refused)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # null: now
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # a sender holds it
    redelivery_of: Mapped[int | None] = mapped_column(Integer)  # the delivery this one repeats
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    response_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class BodyRow(Base):
    """A body added by an admin (``POST /bodies``), beside those of ``data/bodies.csv``."""

    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(512), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_by: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
