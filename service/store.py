"""Reading and writing task lists in the database: pure-ish functions over a Session.

The pipeline's output is stored as is (``Obligation.machine``); reviewers' edits
are :class:`~service.models.Correction` rows, re-attached by obligation text
when a plan is processed again. Everything the API filters on is derived here.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, literal, or_, select, update
from sqlalchemy.orm import Session, defer

from ingest.normalize import fold
from service import bodies, dues, search
from service.actors import actor_key, text_key
from service.models import (
    Correction,
    Document,
    Obligation,
    ObligationActor,
    ObligationDue,
    Reference,
    utcnow,
)

STATUSES = ("todo", "in_progress", "done", "not_applicable")
CORRECTABLE = ("actors", "co_actors", "deadline", "quota", "action", "status")
OPEN_STATUSES = ("todo", "in_progress")


def number_key(number: str | None) -> str | None:
    """A document number for matching: folded, spaces dropped.

    >>> number_key("166 / KH-UBND")
    '166/kh-ubnd'
    """
    if not number or not number.strip():
        return None
    return "".join(fold(number).split())


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _date(value: Any) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------- writing task lists


def fill_metadata(doc: Document, meta: dict[str, Any], sections: list[Any]) -> None:
    """Copy the contract's ``document`` part onto the row (text kept apart from the rest)."""
    period = meta.get("period") if isinstance(meta.get("period"), dict) else None
    doc.text = meta.get("text") or ""
    doc.meta = {k: v for k, v in meta.items() if k != "text"}
    doc.warnings = [str(w) for w in meta.get("warnings") or []]  # pages without text, OCR limits …
    doc.sections = sections or []
    doc.doc_type = meta.get("doc_type")
    doc.number = meta.get("number")
    doc.number_key = number_key(meta.get("number"))
    doc.symbol = meta.get("symbol")
    doc.title = meta.get("title")
    doc.issuer = meta.get("issuer")
    doc.issued_date = _date(meta.get("issued_date"))
    doc.period_start = (period or {}).get("start")
    doc.period_end = (period or {}).get("end")
    doc.references = [
        Reference(
            position=i,
            kind=r.get("kind"),
            number=r.get("number"),
            number_key=number_key(r.get("number")),
            date=r.get("date"),
            issuer=r.get("issuer"),
            text=r.get("text"),
        )
        for i, r in enumerate(meta.get("references") or [])
        if isinstance(r, dict)
    ]


SAME_SECTION_MIN = 0.8  # text similarity that keeps a task's identity within its section
OTHER_SECTION_MIN = 0.9  # … when its section changed (a heading re-read, an item moved)


def _words(text: str) -> set[str]:
    return set(text_key(text).split())


def similarity(a: str, b: str) -> float:
    """How alike two clauses are, 0–1: difflib's ratio, or the share of the longer one that the
    shorter one covers when one contains the other (a clause that grew by a trailing sentence).

    >>> similarity("Báo cáo kết quả trước ngày 30/12.", "Báo cáo kết quả trước ngày 30/12")
    0.96...
    """
    from difflib import SequenceMatcher

    if a == b:
        return 1.0
    short, long_ = sorted((a, b), key=len)
    if short and short in long_:
        return max(0.8, len(short) / len(long_)) if len(short) >= 0.6 * len(long_) else len(short) / len(long_)
    m = SequenceMatcher(None, a, b, autojunk=False)
    if m.real_quick_ratio() < SAME_SECTION_MIN or m.quick_ratio() < SAME_SECTION_MIN:
        return 0.0
    return m.ratio()


def match_tasks(
    old: list[tuple[int, str | None, str]], new: list[tuple[str | None, str]]
) -> dict[int, int]:
    """Which stored task each new clause continues: ``{new index: old id}``.

    Matched by text (same text first, then similar text, preferring the same section),
    never by position; each stored task is taken at most once.

    >>> match_tasks([(7, "I.1", "Phòng Nội vụ báo cáo."), (8, "I.2", "Phòng Tài chính lập dự toán.")],
    ...             [("I.2", "Phòng Tài chính lập dự toán kinh phí."), ("I.1", "Phòng Nội vụ báo cáo."),
    ...              ("I.3", "Mới.")])
    {1: 7, 0: 8}
    """
    out: dict[int, int] = {}
    taken: set[int] = set()
    by_hash: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    for oid, section, text in old:
        by_hash[text_hash(text)].append((oid, section))
    for i, (section, text) in enumerate(new):  # identical clauses: same section first
        candidates = [c for c in by_hash.get(text_hash(text), []) if c[0] not in taken]
        if candidates:
            oid = next((c[0] for c in candidates if c[1] == section), candidates[0][0])
            out[i] = oid
            taken.add(oid)
    rest_old = [(oid, sec, text, _words(text)) for oid, sec, text in old if oid not in taken]
    pairs: list[tuple[float, int, int]] = []
    for i, (section, text) in enumerate(new):
        if i in out:
            continue
        words = _words(text)
        for oid, old_section, old_text, old_words in rest_old:
            union = words | old_words
            if not union or len(words & old_words) / len(union) < 0.4:
                continue
            score = similarity(old_text, text)
            same = old_section == section
            if score >= (SAME_SECTION_MIN if same else OTHER_SECTION_MIN):
                pairs.append((score + (0.05 if same else 0.0), i, oid))
    for _, i, oid in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if i not in out and oid not in taken:
            out[i] = oid
            taken.add(oid)
    return out


def _tasks_of(session: Session, doc: Document) -> list[Obligation]:
    if doc.id is None:
        return []
    return list(session.scalars(select(Obligation).where(Obligation.document_id == doc.id).order_by(Obligation.id)))


def store_tasklist(
    session: Session, doc: Document, tasklist: dict[str, Any], today: date, *, take_over: bool = False
) -> list[int]:
    """Store the task list: a task keeps its id and calendar UID while its clause stays the same or
    nearly so (:func:`match_tasks`); a new clause is a new task; a task whose clause is gone is
    marked withdrawn (kept, with its corrections). Corrections follow their task.

    ``take_over`` (a new upload's first processing): when the document is another file of a stored
    plan (:func:`same_plan`), it continues that document's tasks the same way — matched tasks move
    to it with their ids, UIDs, corrections and status, the rest are withdrawn and move too — and
    the older document is marked superseded by this one. A superseded document gets no tasks.

    Returns the ids of the document's current (not withdrawn) tasks, in the plan's order.
    """
    fill_metadata(doc, tasklist.get("document") or {}, tasklist.get("sections") or [])
    # measures (context items that are not tasks) travel with the document's metadata for the page
    doc.meta = {**(doc.meta or {}), "measures": [m for m in tasklist.get("measures") or [] if isinstance(m, dict)]}
    if doc.superseded_by_id is not None:  # its tasks live on in the newer file of the plan
        doc.obligation_count, doc.status, doc.processed_at = 0, "ready", utcnow()
        return []
    machine_obs = [o for o in tasklist.get("obligations") or [] if isinstance(o, dict)]
    existing = _tasks_of(session, doc)
    older = same_plan(session, doc) if take_over else None
    if older is not None:
        inherited = _tasks_of(session, older)
        for o in inherited:
            corrections_of(session, o)  # rows from before 0002 are bound to their task before it moves
        existing += inherited
    by_id = {o.id: o for o in existing}
    matched = match_tasks(
        [(o.id, o.section, (o.machine or {}).get("text") or "") for o in existing],
        [(ob.get("section"), ob.get("text") or "") for ob in machine_obs],
    )
    now = utcnow()
    rows: list[Obligation] = []
    for seq, ob in enumerate(machine_obs):
        key = str(ob.get("id") or f"ob-{seq + 1:04d}")
        span = ob.get("span") or [0, 0]
        row = by_id.get(matched[seq]) if seq in matched else None
        if row is None:
            row = Obligation(document_id=doc.id, effective=dict(ob))
            session.add(row)
        row.document_id = doc.id
        row.key, row.seq, row.section = key, seq, ob.get("section")
        row.span_start, row.span_end = int(span[0]), int(span[1])
        row.text_hash, row.machine, row.withdrawn_at = text_hash(ob.get("text") or ""), ob, None
        rows.append(row)
    kept = {r.id for r in rows if r.id is not None}
    for old in existing:
        if old.id not in kept:
            if old.withdrawn_at is None:
                old.withdrawn_at = now
            old.seq = len(machine_obs) + old.seq  # after the current tasks, in their old order
            old.document_id = doc.id  # an older file's withdrawn tasks stay with the plan
    if older is not None:
        supersede(session, older, doc, "replaces" if doc.supersedes_id is not None else "number", now)
    session.flush()
    years = dues.plan_years({"start": doc.period_start, "end": doc.period_end}, doc.issued_date, today)
    for row in rows:
        if row.uid is None:
            row.uid = f"obligation-{row.id}"
        apply_effective(row, corrections_of(session, row))
        index_rows(session, row, years)
    doc.obligation_count = len(rows)
    doc.status = "ready"
    doc.processed_at = utcnow()
    return [r.id for r in rows]


# ---------------------------------------------------------------- another file of the same plan


def current_document(session: Session, doc: Document) -> Document:
    """The newest file of ``doc``'s plan: ``doc`` itself unless it was superseded."""
    seen = {doc.id}
    while doc.superseded_by_id is not None and doc.superseded_by_id not in seen:
        newer = session.get(Document, doc.superseded_by_id)
        if newer is None:
            break
        seen.add(newer.id)
        doc = newer
    return doc


def current_ids(session: Session, ids: list[int]) -> list[int]:
    """``ids`` plus the newest file of each one's plan (a calendar of a superseded document follows
    its tasks to the newer file)."""
    out = list(dict.fromkeys(ids))
    for doc in session.scalars(select(Document).where(Document.id.in_(out), Document.superseded_by_id.is_not(None))):
        head = current_document(session, doc).id
        if head not in out:
            out.append(head)
    return out


def same_plan(session: Session, doc: Document) -> Document | None:
    """The stored document that ``doc`` (a new upload, its metadata filled) is another file of.

    - Asked for at upload (``replaces=<id>``, kept in ``doc.supersedes_id``): that document, or the
      newest file of its plan when it was superseded already.
    - Otherwise only a numbered document is matched: the newest current (not superseded, processed)
      document with the same number (số ký hiệu, spacing and case aside), the same issuer (spelling
      aside, "UBND" = "Ủy ban nhân dân") and an issue date in the same year — numbers restart every
      year and every issuer numbers its own. Unnumbered or undated documents, or ones whose issuer
      was not read, are never merged by guess.
    """
    if doc.supersedes_id is not None:
        asked = session.get(Document, doc.supersedes_id)
        head = current_document(session, asked) if asked is not None else None
        return head if head is not None and head.id != doc.id else None
    issuer = actor_key(doc.issuer or "")
    if not (doc.number_key and doc.issued_date and issuer):
        return None
    candidates = session.scalars(
        select(Document)
        .where(
            Document.number_key == doc.number_key,
            Document.id != doc.id,
            Document.superseded_by_id.is_(None),
            Document.status == "ready",
        )
        .order_by(Document.id.desc())
        .with_for_update()  # PostgreSQL: two new files of one plan stored at once take turns
    ).all()
    for old in candidates:
        if old.issued_date and old.issued_date.year == doc.issued_date.year and actor_key(old.issuer or "") == issuer:
            return old
    return None


def supersede(session: Session, older: Document, newer: Document, rule: str, when: datetime) -> None:
    """Mark ``older`` superseded by ``newer`` (its tasks have moved there); its corrections follow."""
    session.execute(
        update(Correction)
        .where(Correction.document_id == older.id)
        .values(document_id=newer.id)
    )
    older.superseded_by_id, older.superseded_at, older.obligation_count = newer.id, when, 0
    newer.supersedes_id, newer.supersede_rule = older.id, rule


def hand_back(session: Session, doc: Document) -> Document | None:
    """Before ``doc`` is deleted, keep its plan's files linked and its tasks alive.

    Files that name ``doc`` as the one they supersede (or asked to, still processing) now name the
    file ``doc`` superseded, if any. A superseded file: the file before it is now superseded by the
    one after it. The newest file of a plan gives its tasks (and their corrections) back to the file
    it superseded, which is current again; that one is returned, to be reprocessed so that its tasks
    match its own text again.
    """
    older = session.scalar(select(Document).where(Document.superseded_by_id == doc.id))
    for d in session.scalars(select(Document).where(Document.supersedes_id == doc.id)):
        d.supersedes_id = older.id if older is not None else None
    if older is None:
        session.flush()
        return None
    if doc.superseded_by_id is not None:
        older.superseded_by_id = doc.superseded_by_id
        session.flush()
        return None
    for table in (Obligation, Correction):
        session.execute(
            update(table)
            .where(table.document_id == doc.id)
            .values(document_id=older.id)
        )
    older.superseded_by_id = older.superseded_at = None
    older.obligation_count = doc.obligation_count
    session.flush()
    return older


def apply_effective(row: Obligation, corrections: list[Correction]) -> None:
    """Set ``effective``, ``status`` and ``corrected`` from the machine output and the corrections."""
    effective = dict(row.machine)
    status, done_at = "todo", None
    for c in corrections:
        for name, value in c.fields.items():
            if name == "status":
                if value == "done" and status != "done":
                    done_at = c.created_at
                status = value
            elif name in CORRECTABLE:
                effective[name] = value
    row.effective = effective
    row.status = status
    row.done_at = done_at if status == "done" else None
    row.corrected = bool(corrections)
    row.updated_at = utcnow()


def index_rows(session: Session, row: Obligation, years: tuple[int, int]) -> None:
    """(Re)build the actor and due-date index rows and the search text of one obligation."""
    if row.id is not None:
        session.execute(delete(ObligationActor).where(ObligationActor.obligation_id == row.id))
        session.execute(delete(ObligationDue).where(ObligationDue.obligation_id == row.id))
    eff = row.effective
    names = [("actor", n) for n in eff.get("actors") or []] + [
        ("co_actor", n) for n in eff.get("co_actors") or []
    ]
    session.add_all(
        [
            ObligationActor(obligation_id=row.id, role=role, name=str(n)[:512], key=actor_key(str(n))[:512])
            for role, n in names
            if str(n).strip()
        ]
    )
    deadline = eff.get("deadline") if isinstance(eff.get("deadline"), dict) else None
    first, last = dues.recurrence_years(*years) if dues.rrule_of(deadline) else years
    dates = sorted(set(dues.due_dates(deadline, first, last)))
    derived = [] if dates else sorted(set(dues.derived_due_dates(deadline, first, last)))
    session.add_all([ObligationDue(obligation_id=row.id, due=d, derived=False) for d in dates])
    session.add_all([ObligationDue(obligation_id=row.id, due=d, derived=True) for d in derived])
    row.due = dates[0] if dates else None
    row.derived_due = derived[0] if derived else None
    rec = (deadline or {}).get("recurrence")
    row.recurrence = rec if isinstance(rec, str) else None
    parts = [
        eff.get("text"),
        eff.get("action"),
        *(n for _, n in names),
        (deadline or {}).get("text"),
        ((eff.get("quota") or {}) if isinstance(eff.get("quota"), dict) else {}).get("text"),
    ]
    row.search = " " + text_key(" ".join(str(p) for p in parts if p)) + " "


def correct(
    session: Session,
    row: Obligation,
    doc: Document,
    fields: dict[str, Any],
    author: str,
    note: str | None,
    today: date,
) -> Correction:
    """Store a reviewer's correction beside the machine output and refresh the derived rows."""
    correction = Correction(
        document_id=row.document_id,
        obligation_id=row.id,
        ob_key=row.key,
        text_hash=row.text_hash,
        fields=fields,
        author=author,
        note=note,
    )
    session.add(correction)
    session.flush()
    history = corrections_of(session, row)
    apply_effective(row, history)
    years = dues.plan_years({"start": doc.period_start, "end": doc.period_end}, doc.issued_date, today)
    index_rows(session, row, years)
    return correction


def corrections_of(session: Session, row: Obligation) -> list[Correction]:
    """The task's corrections, oldest first (rows from before 0002 are found by the clause's text)."""
    if row.id is None:
        return []
    legacy = and_(
        Correction.obligation_id.is_(None),
        Correction.document_id == row.document_id,
        Correction.text_hash == row.text_hash,
    )
    found = list(
        session.scalars(
            select(Correction)
            .where(or_(Correction.obligation_id == row.id, legacy))
            .order_by(Correction.created_at, Correction.id)
        )
    )
    for c in found:
        c.obligation_id = row.id
    return found


# ---------------------------------------------------------------- querying obligations


@dataclass
class ObligationFilter:
    actor: list[str] = field(default_factory=list)
    co_actor: list[str] = field(default_factory=list)
    document: list[int] = field(default_factory=list)
    due_from: date | None = None
    due_to: date | None = None
    recurrence: list[str] = field(default_factory=list)  # "none" = not recurring
    status: list[str] = field(default_factory=list)
    q: str | None = None  # full text (service.search): words, "phrases", word*, -word
    corrected: bool | None = None
    withdrawn: bool | None = False  # False: current tasks only; True: withdrawn only; None: both
    derived: bool = False  # count days derived by KEHOACH_DERIVE_PERIOD_END as due days
    groups: bool = True  # a body's list includes tasks addressed to groups it belongs to
    # set by :func:`expand`: per role, each filtered body's keys and the group addressees including it
    addressees: dict[str, list[bodies.Addressee]] | None = field(default=None, repr=False, compare=False)

    def expand(self, session: Session) -> None:
        """Resolve the body filters (short forms, groups) against the registry and the stored tasks."""
        if self.addressees is None:
            if self.document:  # a superseded document's tasks are on the newer file of its plan
                self.document = current_ids(session, self.document)
            self.addressees = {
                "actor": bodies.expand(session, self.actor),
                "co_actor": bodies.expand(session, self.co_actor),
            }

    def conditions(self) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = []
        for role, names in (("actor", self.actor), ("co_actor", self.co_actor)):
            found = (self.addressees or {}).get(role)
            if found is None:
                found = [bodies.Addressee(n, (actor_key(n),), ()) for n in names if actor_key(n)]
            keys = [k for a in found for k in a.keys]
            group_keys = sorted({k for a in found for k in a.group_keys}) if self.groups else []
            if keys:
                padded = literal(" ") + ObligationActor.key + literal(" ")
                # the plain LIKE first: SQLite tests it without building the padded string (2.4× faster)
                matches = [
                    and_(ObligationActor.key.contains(k, autoescape=True), padded.contains(f" {k} ", autoescape=True))
                    for k in keys
                ]
                if group_keys:
                    matches.append(ObligationActor.key.in_(group_keys))
                # "id IN (…)", not a correlated EXISTS: SQLite runs an EXISTS once per task (0.4 s at 50 K)
                conds.append(
                    Obligation.id.in_(
                        select(ObligationActor.obligation_id).where(ObligationActor.role == role, or_(*matches))
                    )
                )
        if self.document:
            conds.append(Obligation.document_id.in_(self.document))
        if self.due_from or self.due_to:
            window = []
            if not self.derived:
                window.append(ObligationDue.derived.is_(False))
            if self.due_from:
                window.append(ObligationDue.due >= self.due_from)
            if self.due_to:
                window.append(ObligationDue.due <= self.due_to)
            conds.append(Obligation.id.in_(select(ObligationDue.obligation_id).where(*window)))
        if self.recurrence:
            named = [r for r in self.recurrence if r != "none"]
            opts = [Obligation.recurrence.in_(named)] if named else []
            if "none" in self.recurrence:
                opts.append(Obligation.recurrence.is_(None))
            conds.append(or_(*opts))
        if self.status:
            conds.append(Obligation.status.in_(self.status))
        if self.corrected is not None:
            conds.append(Obligation.corrected.is_(self.corrected))
        if self.withdrawn is not None:
            conds.append(
                Obligation.withdrawn_at.is_not(None) if self.withdrawn else Obligation.withdrawn_at.is_(None)
            )
        return conds


SEARCH_COUNT_LIMIT = 1000  # a search's total is counted up to this (counting 50,000 hits costs ~0.3 s)


def query_obligations(
    session: Session,
    flt: ObligationFilter,
    *,
    limit: int | None,
    offset: int = 0,
    sort: str = "document",
    count_limit: int | None = None,
) -> tuple[list[tuple[Obligation, Document]], int]:
    """One page of matching obligations with their documents, and the total count.

    ``sort``: ``document`` (each plan's order), ``due``, or ``relevance`` (the search's rank; the
    plan's order without ``q``). ``count_limit``: a search counts at most ``count_limit + 1``
    matches (more than ``count_limit`` means "more than that").
    """
    flt.expand(session)
    conds = flt.conditions()
    where = and_(*conds) if conds else literal(True)
    match = search.Match.of(session.get_bind().dialect.name, flt.q)
    count_stmt = select(func.count(Obligation.id)).select_from(Obligation).where(where)
    stmt = select(Obligation, Document).join(Document, Document.id == Obligation.document_id)
    rank = None
    if match is not None:
        count_stmt, _ = match.apply(select(func.count(Obligation.id)).select_from(Obligation), Obligation.id)
        count_stmt = count_stmt.where(where)
        stmt, rank = match.apply(stmt, Obligation.id)
        if count_limit is not None:
            first = match.apply(select(Obligation.id), Obligation.id)[0].where(where).limit(count_limit + 1)
            count_stmt = select(func.count()).select_from(first.subquery())
    total = session.scalar(count_stmt) or 0
    due = func.coalesce(Obligation.due, Obligation.derived_due) if flt.derived else Obligation.due
    order = (
        [due.is_(None), due, Obligation.document_id, Obligation.seq]
        if sort == "due"
        else [Obligation.document_id, Obligation.seq]
    )
    if sort == "relevance" and rank is not None:
        order = [rank, *order]
    # lists never show the plan's text: it is not read once per row
    stmt = stmt.where(where).order_by(*order).offset(offset).options(defer(Document.text), defer(Document.sections))
    if limit is not None:
        stmt = stmt.limit(limit)
    many = count_limit is not None and total > count_limit
    walk = match is not None and sort == "document" and many and limit is not None and offset + limit <= count_limit
    with search.plan_order_walk(session, walk):
        rows = session.execute(stmt).all()
    return [(o, d) for o, d in rows], int(total)


def latest_notes(session: Session, ids: list[int]) -> dict[int, str]:
    """For each task, the latest reviewer's note (the "Ghi chú" of exports)."""
    out: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for ob_id, text in session.execute(
            select(Correction.obligation_id, Correction.note)
            .where(Correction.obligation_id.in_(chunk), Correction.note.is_not(None), Correction.note != "")
            .order_by(Correction.created_at, Correction.id)
        ).all():
            out[ob_id] = text
    return out


def due_info(
    session: Session, ids: list[int], today: date, derived: bool = False
) -> dict[int, tuple[date | None, date | None]]:
    """For each obligation: (next due date on or after today, last due date before today).

    Only days the text gives, unless ``derived`` (the KEHOACH_DERIVE_PERIOD_END setting).
    """
    real = literal(True) if derived else ObligationDue.derived.is_(False)
    out: dict[int, tuple[date | None, date | None]] = {i: (None, None) for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        nxt = dict(
            session.execute(
                select(ObligationDue.obligation_id, func.min(ObligationDue.due))
                .where(ObligationDue.obligation_id.in_(chunk), ObligationDue.due >= today, real)
                .group_by(ObligationDue.obligation_id)
            ).all()
        )
        last = dict(
            session.execute(
                select(ObligationDue.obligation_id, func.max(ObligationDue.due))
                .where(ObligationDue.obligation_id.in_(chunk), ObligationDue.due < today, real)
                .group_by(ObligationDue.obligation_id)
            ).all()
        )
        for i in chunk:
            out[i] = (nxt.get(i), last.get(i))
    return out


def due_state(
    status: str, next_due: date | None, last_due: date | None, today: date, soon_days: int
) -> str | None:
    """overdue | due_soon | upcoming | None (done, not applicable, or no date).

    >>> d = date(2025, 1, 10)
    >>> due_state("todo", None, date(2025, 1, 1), d, 14), due_state("todo", date(2025, 1, 20), None, d, 14)
    ('overdue', 'due_soon')
    """
    if status not in OPEN_STATUSES:
        return None
    if next_due is None:
        return "overdue" if last_due else None
    return "due_soon" if next_due <= today + timedelta(days=soon_days) else "upcoming"


# ---------------------------------------------------------------- actors and links


def list_actors(session: Session, q: str | None = None, document: int | None = None) -> list[dict[str, Any]]:
    """Every body named in the stored plans: how often it leads, co-operates, and in how many plans."""
    stmt = (
        select(
            ObligationActor.key,
            ObligationActor.name,
            ObligationActor.role,
            Obligation.document_id,
            func.count(ObligationActor.id),
        )
        .join(Obligation, Obligation.id == ObligationActor.obligation_id)
        .group_by(ObligationActor.key, ObligationActor.name, ObligationActor.role, Obligation.document_id)
    )
    if document is not None:
        stmt = stmt.where(Obligation.document_id == document)
    if q and actor_key(q):
        stmt = stmt.where(
            (literal(" ") + ObligationActor.key + literal(" ")).contains(f" {actor_key(q)} ", autoescape=True)
        )
    names: dict[str, Counter[str]] = defaultdict(Counter)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    docs: dict[str, set[int]] = defaultdict(set)
    for key, name, role, doc_id, n in session.execute(stmt).all():
        names[key][name] += n
        counts[key][role] += n
        docs[key].add(doc_id)
    out = [
        {
            "key": key,
            "name": _display_name(names[key]),
            "names": sorted(names[key]),
            "obligations": counts[key]["actor"],
            "co_obligations": counts[key]["co_actor"],
            "documents": len(docs[key]),
        }
        for key in names
        if key
    ]
    return sorted(out, key=lambda a: (-(a["obligations"] + a["co_obligations"]), a["key"]))


def _display_name(names: Counter[str]) -> str:
    """The most used spelling; on a tie the longest (abbreviations expanded)."""
    return max(names.items(), key=lambda kv: (kv[1], len(kv[0])))[0]


def document_links(session: Session, doc: Document) -> dict[str, Any]:
    """Uploaded plans this one cites, uploaded plans that cite it (current files only), and the
    files of the same plan this one superseded or was superseded by."""
    keys = [r.number_key for r in doc.references if r.number_key]
    cites = (
        []
        if not keys
        else session.scalars(
            select(Document).where(
                Document.number_key.in_(keys), Document.id != doc.id, Document.superseded_by_id.is_(None)
            )
        ).all()
    )
    cited_by = (
        []
        if not doc.number_key
        else session.scalars(
            select(Document)
            .where(
                Document.id.in_(select(Reference.document_id).where(Reference.number_key == doc.number_key)),
                Document.id != doc.id,
                Document.superseded_by_id.is_(None),
            )
            .order_by(Document.id)
        ).all()
    )
    brief = lambda d: {"document_id": d.id, "number": d.number, "title": d.title, "filename": d.filename}  # noqa: E731
    older = session.get(Document, doc.supersedes_id) if doc.supersedes_id is not None else None
    newer = session.get(Document, doc.superseded_by_id) if doc.superseded_by_id is not None else None
    return {
        "cites": [brief(d) for d in cites],
        "cited_by": [brief(d) for d in cited_by],
        "supersedes": brief(older) if older is not None else None,
        "superseded_by": brief(newer) if newer is not None else None,
    }


def now_date() -> date:
    return datetime.now().date()


def group_marks(flt: ObligationFilter, rows: list[tuple[Obligation, Document]]) -> dict[int, str]:
    """For a body's list: the tasks it sees only through a group, with the group's name."""
    out: dict[int, str] = {}
    if not flt.addressees or not flt.groups:
        return out
    for role, field_name in (("actor", "actors"), ("co_actor", "co_actors")):
        found = flt.addressees.get(role) or []
        if not found:
            continue
        for ob, _ in rows:
            names = [str(n) for n in (ob.effective or {}).get(field_name) or []]
            group = bodies.addressed_to_group(names, found)
            if group and ob.id not in out:
                out[ob.id] = group
    return out
