"""API models (pydantic), kept apart from the tables: *Public* answers, *Update*/*Create* requests.

Obligation answers carry the ``plan-obligations/1`` obligation fields (its ``id``
such as "ob-0007" is called ``key`` here; ``id`` is the database id used in URLs),
plus ``document_id`` and the review state.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

Status = Literal["todo", "in_progress", "done", "not_applicable"]
Role = Literal["reader", "editor", "admin"]
Recurrence = Literal["yearly", "half-yearly", "quarterly", "monthly", "weekly", "daily"]


def _aware(value: datetime) -> datetime:
    """Stored times are UTC; SQLite gives them back without a zone, so say it (the schema says date-time)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


Timestamp = Annotated[datetime, AfterValidator(_aware)]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class _Input(BaseModel):
    """A request body: no NUL character anywhere (no database stores it in text)."""

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if _has_nul(data):
            raise ValueError("NUL characters (\\u0000) are not accepted")
        return data


class ErrorBody(BaseModel):
    error: str
    message: str
    message_vi: str


class Deadline(BaseModel):
    model_config = ConfigDict(extra="allow")

    text: str | None = None
    kind: str | None = None
    date: str | None = None
    recurrence: str | None = None
    month: int | None = None
    day: int | None = None
    quarter: int | None = None
    year: int | None = None
    rrule: str | None = None


class DeadlineIn(_Input):
    """A reviewer's deadline. Give at least a text, a date or a recurrence."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    kind: Literal["by", "on", "within", "during"] | None = None
    date: str | None = None
    recurrence: Recurrence | None = None
    month: int | None = Field(None, ge=1, le=12)
    day: int | None = Field(None, ge=1, le=31)
    quarter: int | None = Field(None, ge=1, le=4)
    year: int | None = Field(None, ge=1900, le=2200)
    rrule: str | None = None

    @field_validator("date")
    @classmethod
    def _iso_date(cls, v: str | None) -> str | None:
        if v is None:
            return v
        try:
            return date.fromisoformat(v).isoformat()
        except ValueError:
            raise ValueError("date must be YYYY-MM-DD") from None

    @field_validator("rrule")
    @classmethod
    def _rrule(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        v = v.strip().removeprefix("RRULE:")
        from dateutil.rrule import rrulestr

        try:
            rrulestr(v, dtstart=datetime(2000, 1, 1))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"not a valid RFC 5545 RRULE ({exc})") from None
        return v


class Quota(BaseModel):
    model_config = ConfigDict(extra="allow")

    text: str | None = None
    min: float | None = None
    max: float | None = None
    unit: str | None = None


class QuotaIn(_Input):
    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    min: float | None = Field(None, ge=0)
    max: float | None = Field(None, ge=0)
    unit: str | None = None


class Criterion(BaseModel):
    model_config = ConfigDict(extra="allow")

    text: str | None = None
    metric: str | None = None
    op: str | None = None
    value: Any = None


class ObligationPublic(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: int
    key: str
    document_id: int
    document_number: str | None = None
    document_title: str | None = None
    section: str | None = None
    text: str = ""
    span: list[int] = Field(default_factory=list)
    actors: list[str] = Field(default_factory=list)
    actor_source: str | None = None
    co_actors: list[str] = Field(default_factory=list)
    action: str | None = None
    modality: str | None = None
    deadline: Deadline | None = None
    quota: Quota | None = None
    criteria: list[Criterion] = Field(default_factory=list)
    report_to: str | None = None
    confidence: float | None = None
    status: Status = "todo"
    corrected: bool = False
    next_due: date | None = Field(
        None, description="next due date from today; the last one when all have passed"
    )
    due_state: Literal["overdue", "due_soon", "upcoming"] | None = None
    cadence: Recurrence | None = Field(
        None, description="the recurrence of a deadline that names no day ('hằng quý'): no due date"
    )
    due_derived: bool = Field(
        False, description="next_due is the period's last day by KEHOACH_DERIVE_PERIOD_END, not the text"
    )
    uid: str | None = Field(None, description="calendar UID part; kept across reprocessing")
    withdrawn: bool = Field(False, description="the clause is gone from the reprocessed plan")
    done_at: datetime | None = Field(None, description="when the task was marked done")
    note: str | None = Field(None, description="the latest reviewer's note")
    addressed_to_group: str | None = Field(
        None,
        description="in a body's list (actor / co_actor filter): the group this task is addressed to "
        "that the body belongs to ('Các sở, ban, ngành'), when the task does not name the body itself",
    )
    status_class: (
        Literal["done_on_time", "done_late", "in_progress_on_time", "overdue", "not_due", "no_deadline"] | None
    ) = Field(None, description="the report class (QĐ 42/2014/QĐ-TTg); null when not applicable")


class CorrectionPublic(BaseModel):
    id: int
    fields: dict[str, Any]
    author: str
    note: str | None = None
    created_at: Timestamp


class ObligationDetail(ObligationPublic):
    machine: dict[str, Any]
    corrections: list[CorrectionPublic] = Field(default_factory=list)


class ObligationPage(BaseModel):
    items: list[ObligationPublic]
    total: int = Field(description="matching tasks; with q, counted up to 1,000 (see total_exact)")
    total_exact: bool = Field(True, description="false: a search found more than `total` tasks")
    limit: int
    offset: int


class ObligationUpdate(_Input):
    """A reviewer's correction: only the fields sent are changed (send null to clear deadline or quota)."""

    model_config = ConfigDict(extra="forbid")

    actors: list[str] | None = None
    co_actors: list[str] | None = None
    deadline: DeadlineIn | None = None
    quota: QuotaIn | None = None
    action: str | None = None
    status: Status | None = None
    note: str | None = Field(None, max_length=2000)
    reviewer: str | None = Field(None, max_length=128, description="who corrects, when no token names them")

    @field_validator("actors", "co_actors")
    @classmethod
    def _names(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return v
        return [n.strip() for n in v if n and n.strip()]


class JobError(BaseModel):
    code: str
    message: str
    message_vi: str | None = None


class JobPublic(BaseModel):
    id: str
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    document_id: int | None
    filename: str
    error: JobError | None = None
    attempts: int = Field(0, description="times a worker started this job (bounded by KEHOACH_JOB_MAX_ATTEMPTS)")
    created_at: Timestamp
    started_at: Timestamp | None = None
    finished_at: Timestamp | None = None


class Period(BaseModel):
    start: int | None = None
    end: int | None = None


class DocumentPublic(BaseModel):
    id: int
    sha256: str
    filename: str
    format: str
    size: int
    status: str
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    title: str | None = None
    issuer: str | None = None
    issued_date: date | None = None
    period: Period | None = None
    obligation_count: int = 0
    created_at: Timestamp
    processed_at: Timestamp | None = None
    supersedes: int | None = Field(
        None, description="the older file of the same plan whose tasks this document took over"
    )
    superseded_by: int | None = Field(
        None, description="the newer file of the same plan that took over this document's tasks"
    )
    superseded_at: Timestamp | None = None
    supersede_rule: Literal["number", "replaces"] | None = Field(
        None, description="how it was found to be the same plan: its number, issuer and year, or replaces= at upload"
    )


class DocumentLink(BaseModel):
    document_id: int
    number: str | None = None
    title: str | None = None
    filename: str


class DocumentLinks(BaseModel):
    cites: list[DocumentLink] = Field(default_factory=list)
    cited_by: list[DocumentLink] = Field(default_factory=list)
    supersedes: Annotated[
        DocumentLink | None, Field(description="the older file of the same plan this one replaced")
    ] = None
    superseded_by: Annotated[
        DocumentLink | None, Field(description="the newer file of the same plan that replaced this one")
    ] = None


class ReferencePublic(BaseModel):
    kind: str | None = None
    number: str | None = None
    date: str | None = None
    issuer: str | None = None
    text: str | None = None
    document_id: int | None = Field(None, description="the uploaded plan with this number, if any")


class DocumentDetail(DocumentPublic):
    meta: dict[str, Any] = Field(
        default_factory=dict, description="the contract's document part, without text"
    )
    sections: list[dict[str, Any]] = Field(default_factory=list)
    references: list[ReferencePublic] = Field(default_factory=list)
    links: DocumentLinks = Field(default_factory=DocumentLinks)
    warnings: list[str] = Field(default_factory=list)
    text: str | None = None


class DocumentPage(BaseModel):
    items: list[DocumentPublic]
    total: int
    limit: int
    offset: int


class UploadResult(BaseModel):
    document: DocumentPublic | None
    job: JobPublic | None
    duplicate: bool = False


class ActorPublic(BaseModel):
    key: str
    name: str
    names: list[str]
    obligations: int
    co_obligations: int
    documents: int


class TokenCreate(_Input):
    name: str = Field(min_length=1, max_length=128)
    role: Role = "reader"


class TokenPublic(BaseModel):
    id: int
    name: str
    role: Role
    prefix: str
    created_at: Timestamp
    last_used_at: Timestamp | None = None
    revoked_at: Timestamp | None = None


class TokenCreated(TokenPublic):
    token: str = Field(description="shown once; store it now")


class WebhookCreate(_Input):
    url: str = Field(pattern=r"^https?://", max_length=2048)
    secret: str | None = Field(
        None,
        min_length=8,
        max_length=90,
        description="a Standard Webhooks 'whsec_…' secret, or any string (stored as whsec_ + its base64); "
        "generated when omitted",
    )


class WebhookPublic(BaseModel):
    id: int
    url: str
    active: bool
    created_at: Timestamp


class WebhookCreated(WebhookPublic):
    secret: str


class DeliveryPublic(BaseModel):
    id: int
    webhook_id: int
    msg_id: str = Field(description="the webhook-id header; the same on a redelivery")
    event: str
    status: str = Field(description="pending | delivered | failed (given up, or refused)")
    attempts: int
    response_code: int | None
    last_error: str | None
    created_at: Timestamp
    next_attempt_at: Timestamp | None = Field(None, description="when a pending delivery is tried next")
    delivered_at: Timestamp | None
    redelivery_of: int | None = None


class BodyCreate(BaseModel):
    name: str = Field(min_length=2, max_length=512, description="the body's full name, 'Sở Nội vụ'")
    kind: str = Field(description="a kind of service/data/groups.yaml: so, ban, nganh, phong, xa, phuong …")
    aliases: list[str] = Field(default_factory=list, max_length=20, description="short forms: 'SNV', 'Sở NV'")


class BodyPublic(BaseModel):
    name: str
    kind: str
    kind_label: str
    aliases: list[str]
    source: Literal["data", "admin"] = Field(description="data: service/data/bodies.csv; admin: added by an admin")
    groups: list[str] = Field(description="the group words that include it ('sở', 'cơ quan', 'đơn vị' …)")
