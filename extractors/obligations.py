"""Segment a plan's body into obligations and attach their fields.

The unit is the item (a numbered or lettered point, a bullet, a paragraph), as
``GUIDELINES.md`` says. An item is an obligation when

1. it names who must act ("Giao Sở Nội vụ chủ trì …", "Các cơ quan thông tin
   đại chúng tăng …"), anywhere in the document;
2. it sits under an actor heading ("3. Phòng Nội vụ") or, in the
   implementation part ("Tổ chức thực hiện"), under an item that named one;
3. it carries a time, its own or its heading's ("Quý I năm 2023").

Purposes and requirements, criteria blocks, headings that only name a topic,
and the text before the first heading ("Căn cứ …, ban hành Kế hoạch …") are
not obligations. Labelled task blocks ("- Cơ quan chủ trì: …") and task tables
are one obligation each, their fields taken from the labels or columns.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from extractors import criteria as criteria_mod
from extractors import quotas as quotas_mod
from extractors import report_to as report_mod
from extractors.actors import (
    ActorSpan,
    Subject,
    expand_abbreviations,
    find_co_actors,
    find_subject,
    read_actor_list,
    tokenize,
)
from extractors.deadlines import parse_deadline, select_deadline
from extractors.lexicon import lexicon
from extractors.structure import Layout, Node
from extractors.tables import TaskRow, find_task_tables
from ingest.document import Document
from ingest.normalize import fold

Role = str  # purpose | criteria | schedule | budget | implementation | content


@dataclass
class Obligation:
    start: int
    end: int
    section: str | None
    actors: list[str]
    actor_source: str
    co_actors: list[str] = field(default_factory=list)
    action: str | None = None
    modality: str = "none"
    deadline: dict[str, Any] | None = None
    quota: dict[str, Any] | None = None
    criteria: list[dict[str, Any]] = field(default_factory=list)
    report_to: str | None = None
    product: str | None = None
    confidence: float = 0.5
    same_as: Obligation | None = None  # the annex table row that restates this item


@dataclass(frozen=True)
class _Context:
    role: Role
    actors: tuple[str, ...] = ()
    actor_source: str = "heading"
    modality: str = "none"
    deadline: dict[str, Any] | None = None
    criteria: tuple[dict[str, Any], ...] = ()
    co_actors: tuple[str, ...] = ()


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ])")
_CLOSING_OPENERS = ("tren day la", "trong qua trinh thuc hien", "trong qua trinh to chuc thuc hien",
                    "qua trinh thuc hien", "trong qua trinh trien khai")
_CRITERIA_LABEL = re.compile(r"^(đối với )?(tập thể|cá nhân|hộ gia đình|người dân|doanh nhân|giáo viên|học sinh)"
                             r"[^:]{0,40}:", re.IGNORECASE)


def section_role(heading: str) -> Role | None:
    """The role a heading gives the items under it (purpose, criteria, budget, schedule, implementation)."""
    low = fold(heading).strip()
    roles = lexicon().section_roles
    if any(w in low for w in ("nhiem vu", "giai phap", "to chuc thuc hien")) and not low.startswith(
            ("tieu chi", "kinh phi")) and len(low) < 120:
        if not low.startswith(roles.get("implementation", ())) and any(
                low.startswith(w) for w in roles.get("purpose", ())):
            return "implementation"  # "MỤC TIÊU, NHIỆM VỤ": the tasks make it a task section
    for role in ("purpose", "criteria", "budget", "schedule", "implementation"):
        for word in roles.get(role, ()):
            if low.startswith(word) or (role == "implementation" and f" {word}" in low[:60] and heading.isupper()):
                return role
    return None


def _is_heading(node: Node, text: str) -> bool:
    """A node that titles what follows rather than stating a task."""
    if not node.children:
        return False
    t = text.rstrip()
    return t.endswith(":") or (not t.endswith((".", ";")) and len(t) < 220)


def _is_task_label(text: str) -> str | None:
    """The field a labelled line fills: "Đơn vị chủ trì tham mưu thực hiện: …" → "lead"."""
    head, sep, _ = text.partition(":")
    if not sep or len(head) > 45:
        return None
    key = fold(head).strip(" -*+")
    labels = lexicon().task_labels
    if key in labels:
        return labels[key]
    for label in sorted(labels, key=len, reverse=True):
        if key.startswith(label + " ") and len(label) >= 7:
            return labels[label]
    return None


class _Builder:
    def __init__(self, doc: Document, lay: Layout, abbreviations: dict[str, str]) -> None:
        self.doc = doc
        self.text = doc.text
        self.lay = lay
        self.abbr = abbreviations
        self.out: list[Obligation] = []
        self._criteria_cache: dict[int, list[tuple[Node, str]]] = {}

    # -- helpers ---------------------------------------------------------------------------------
    def names(self, spans: list[ActorSpan]) -> list[str]:
        seen: list[str] = []
        for s in spans:
            name = expand_abbreviations(s.text.strip(" ,;:.-"), self.abbr)
            if name and name not in seen:
                seen.append(name)
        return seen

    def node_text(self, node: Node) -> str:
        return self.text[node.body_start : node.end]

    def _subtree_end(self, node: Node) -> int:
        end = node.end
        for d in node.walk():
            end = max(end, d.end)
        return end

    # -- the walk --------------------------------------------------------------------------------
    def run(self) -> list[Obligation]:
        root = self.lay.root
        has_impl = any(section_role(self.node_text(n)) == "implementation"
                       for n in root.walk() if n.kind in ("roman", "decimal"))
        base = _Context(role="content" if has_impl else "implementation")
        seen_heading = False
        for child in root.children:
            text = self.node_text(child)
            if child.opens_body:
                seen_heading = False  # the opening paragraphs of an attached plan ("Căn cứ …") again
            if child.kind == "paragraph" and not seen_heading:
                subject = find_subject(text)
                if text.rstrip().endswith(":"):
                    continue  # "… yêu cầu các đơn vị thực hiện các nội dung sau:" introduces the items
                if subject.modality and subject.actors and not subject.heading_like:
                    self.emit_item(child, base, text)
                continue
            seen_heading = True
            self.visit(child, base)
        for row in find_task_tables(self.doc, self.lay):
            self.emit_row(row)
        _link_to_annex(self.out)
        return sorted(self.out, key=lambda o: o.start)

    def visit(self, node: Node, ctx: _Context) -> None:
        text = self.node_text(node)
        low = fold(text)
        if node.kind == "paragraph" and low.startswith(_CLOSING_OPENERS):
            ctx = _Context(role="implementation")
        role = section_role(text) if (node.children or node.kind in ("roman", "decimal")) else None
        if role is None and _CRITERIA_LABEL.match(text) and (node.children or len(text) < 60):
            role = "criteria"
        if role in ("purpose", "criteria"):
            return
        if role:
            ctx = replace(ctx, role=role)
        if self.task_block(node, ctx):
            return
        tokens = tokenize(text)
        subject = find_subject(text, tokens)
        if subject.heading_like:
            heading_ctx = replace(ctx, actors=tuple(self.names(subject.actors)), actor_source="heading",
                                  modality=subject.modality or "none")
            if subject.modality:
                heading_ctx = replace(heading_ctx, co_actors=tuple(self.names(find_co_actors(text, tokens))))
            for child in node.children:
                self.visit(child, heading_ctx)
            if not node.children and subject.modality:
                self.emit_item(node, ctx, text, subject)
            return
        own = select_deadline(text)
        if _is_heading(node, text) and not subject.actors:
            deadline = own.value if own else ctx.deadline
            if own and text.rstrip().endswith(":") and ctx.role != "budget":
                # A lead-in with a time is itself an obligation ("d) Hàng năm tổ chức đăng ký …, cụ thể:").
                self.emit_item(node, ctx, text, subject)
            child_ctx = replace(ctx, deadline=deadline, criteria=tuple(self.criteria_near(node)) or ctx.criteria)
            for child in node.children:
                self.visit(child, child_ctx)
            return
        emitted = self.emit_item(node, ctx, text, subject)
        child_ctx = ctx
        if emitted:
            lead = emitted[-1]
            if ctx.role == "implementation" and lead.actors and lead.actor_source == "explicit":
                child_ctx = replace(ctx, actors=tuple(lead.actors), actor_source="heading")
            if lead.deadline and own is not None and own.start < 30:
                # "Hàng năm tổ chức …, cụ thể:" — a time that governs the lead-in's verb, not a noun
                # ("trong kế hoạch hàng năm"), passes to the items under it.
                child_ctx = replace(child_ctx, deadline=lead.deadline)
        for child in node.children:
            self.visit(child, child_ctx)

    # -- obligations from items ----------------------------------------------------------------
    def emit_item(self, node: Node, ctx: _Context, text: str, subject: Subject | None = None) -> list[Obligation]:
        made: list[Obligation] = []
        for start, end, sub in self.sentence_groups(node, text, subject):
            for k, (lo, hi) in enumerate(self.deadline_parts(start, end)):
                part_subject = sub if k == 0 else Subject(sub.actors, sub.modality, False, 0)
                ob = self.make(node, ctx, lo, hi, part_subject)
                if ob is not None:
                    made.append(ob)
                    self.out.append(ob)
        return made

    def deadline_parts(self, start: int, end: int) -> list[tuple[int, int]]:
        """Split at ";" where the parts set different times ("… vào năm 2023; tham mưu … vào năm 2025")."""
        text = self.text[start:end]
        cuts: list[int] = []
        depth = 0
        for k, ch in enumerate(text):
            depth += ch == "("
            depth -= ch == ")" and depth > 0
            if ch == ";" and depth == 0 and k + 1 < len(text):
                cuts.append(k + 1)
        if not cuts:
            return [(start, end)]
        bounds = [0, *cuts, len(text)]
        parts = [(bounds[k], bounds[k + 1]) for k in range(len(bounds) - 1)]
        times = [select_deadline(text[a:b]) for a, b in parts]
        distinct = {repr(sorted((t.value or {}).items())) for t in times if t is not None}
        if len(distinct) < 2:
            return [(start, end)]
        out: list[tuple[int, int]] = []
        lo = 0
        for (_, b), t in zip(parts, times, strict=True):
            if t is not None:
                out.append((lo, b))
                lo = b
        if lo < len(text):
            if out:
                out[-1] = (out[-1][0], len(text))
            else:
                out.append((lo, len(text)))
        result = []
        for a, b in out:
            piece = text[a:b]
            lead = len(piece) - len(piece.lstrip())
            result.append((start + a + lead, start + a + len(piece.rstrip())))
        return result

    def sentence_groups(self, node: Node, text: str, subject: Subject | None) -> Iterator[tuple[int, int, Subject]]:
        """Split an item where a later sentence names other actors; yield (start, end, subject)."""
        base = node.body_start
        cuts = [0] + [m.end() for m in _SENTENCE.finditer(text)]
        if len(cuts) == 1:
            yield base, base + len(text.rstrip()), subject or find_subject(text)
            return
        groups: list[tuple[int, int, Subject]] = []
        for k, lo in enumerate(cuts):
            hi = cuts[k + 1] if k + 1 < len(cuts) else len(text)
            sentence = text[lo:hi]
            sub = find_subject(sentence)
            if not groups:
                groups.append((lo, hi, sub))
                continue
            g_lo, _, g_sub = groups[-1]
            new_actors = [a.text for a in sub.actors]
            if sub.actors and not sub.heading_like and new_actors != [a.text for a in g_sub.actors]:
                if g_sub.actors:
                    groups.append((lo, hi, sub))
                else:  # the leading sentences had no actor: they introduce this one
                    groups[-1] = (g_lo, hi, _shift(sub, lo - g_lo))
                continue
            groups[-1] = (g_lo, hi, g_sub)
        for lo, hi, sub in groups:
            chunk = text[lo:hi].rstrip()
            yield base + lo, base + lo + len(chunk), sub

    def make(self, node: Node, ctx: _Context, start: int, end: int, subject: Subject) -> Obligation | None:
        clause = self.text[start:end]
        if clause.startswith("(") and clause.rstrip(" .;").endswith(")"):
            return None  # a remark: "(Một số nhiệm vụ … có Phụ lục kèm theo)"
        label = _is_task_label(clause)
        if label is not None and label != "action":
            return None  # "Thời gian: …", "Địa điểm: …", "Cơ quan phối hợp: …" outside a task block: a field
        if fold(clause).startswith(lexicon().non_task_openers):
            return None  # a target, a scope or an effectivity clause
        if ctx.actors and ctx.actor_source == "heading" and subject.modality in ("yêu cầu", "chỉ đạo"):
            subject = Subject()  # under an actor heading, "Yêu cầu các đơn vị …" is that actor's task
        explicit = bool(subject.actors) and not subject.heading_like
        own = select_deadline(clause)
        deadline = own.value if own else ctx.deadline
        if explicit:
            actors, source = self.names(subject.actors), "explicit"
        elif ctx.actors:
            actors, source = list(ctx.actors), ctx.actor_source
        elif deadline is not None and ctx.role != "budget" and (deadline.get("kind") != "during"
                                                                 or deadline.get("recurrence")):
            actors, source = [], "implicit"
        elif ctx.role == "implementation" and node.kind != "paragraph" or (
                ctx.role == "implementation" and node.parent is not None and node.parent.kind != "root"):
            actors, source = [], "implicit"
        else:
            return None
        if not clause.strip() or len(clause.split()) < 3:
            return None
        co = self.names(find_co_actors(clause))
        if not co and source == "heading" and ctx.co_actors and not explicit:
            co = list(ctx.co_actors)
        co = [c for c in co if c not in actors]
        quota = quotas_mod.select_quota(clause)
        if quota is not None and _in_quotes(clause, quota.start):
            quota = None  # a number in the title of a cited programme ("Đề án “… 01 triệu căn hộ …”")
        crit = [f.value for f in criteria_mod.find_criteria(clause)]
        if not crit and criteria_mod.has_criteria(clause):
            crit = [{"text": clause[:120], "metric": None, "op": None, "value": None}]
        crit = crit or list(ctx.criteria) or self.criteria_near(node)
        report = report_mod.find_report_to(clause)
        if explicit and subject.modality:
            modality = subject.modality
        else:
            modality = ctx.modality if source == "heading" else "none"
        confidence = {"explicit": 0.85, "heading": 0.8, "implicit": 0.55}.get(source, 0.6)
        if deadline:
            confidence += 0.05
        return Obligation(
            start=start, end=end, section=node.path or None, actors=actors, actor_source=source,
            co_actors=co, action=self.action(clause, subject if explicit else None), modality=modality,
            deadline=dict(deadline) if deadline else None, quota=quota.value if quota else None,
            criteria=crit, report_to=report.value if report else None, confidence=round(min(confidence, 0.95), 2),
        )

    def action(self, clause: str, subject: Subject | None) -> str | None:
        rest = clause[subject.end - 0 :] if subject and subject.end else clause
        rest = re.sub(r"^[\s,:;.-]+", "", rest)
        rest = re.sub(r"^(chủ trì,?\s*)?(phối hợp (với )?[^,;.]*?(?=\s(xây dựng|triển khai|tổ chức|thực hiện|lựa chọn|"
                      r"tuyên truyền|hướng dẫn|theo dõi|xem xét|định hướng|cung cấp|kiểm tra|thẩm định)\b)\s*)?",
                      "", rest, flags=re.IGNORECASE)
        rest = re.split(r"(?<=[.;])\s|\./\.", rest, maxsplit=1)[0].strip(" .;,")
        if len(rest) > 240:
            cut = rest.rfind(" ", 0, 240)
            rest = rest[:cut if cut > 0 else 240].rstrip(" ,;") + " …"
        return rest or None

    def criteria_near(self, node: Node) -> list[dict[str, Any]]:
        """Criteria stated next to the item: a "Tiêu chí …" or "a) Tập thể:" block beside it or its parent."""
        out: list[dict[str, Any]] = []
        level: Node | None = node
        for _ in range(2):
            if level is None or level.parent is None:
                break
            for sib, t in self._criteria_children(level.parent):
                if sib is not level:
                    out.append({"text": t[:160], "metric": None, "op": None, "value": None})
            if out:
                return out
            level = level.parent
        return out

    def _criteria_children(self, parent: Node) -> list[tuple[Node, str]]:
        """The children of ``parent`` that state criteria, found once per parent (linear in the siblings)."""
        found = self._criteria_cache.get(id(parent))
        if found is None:
            found = []
            for sib in parent.children:
                t = self.node_text(sib)
                if section_role(t) == "criteria" and fold(t).startswith(("tieu chi", "tieu chuan")) \
                        or _CRITERIA_LABEL.match(t):
                    found.append((sib, t))
            self._criteria_cache[id(parent)] = found
        return found

    # -- labelled task blocks and task tables ---------------------------------------------------
    def task_block(self, node: Node, ctx: _Context) -> bool:
        """Labelled task blocks under ``node``: "1.1. Task … a) Nhiệm vụ: … b) Cơ quan thực hiện: - Đơn vị chủ trì:
        … c) Thời gian …". Each run of label lines closes one task made of the items written since the
        previous run (or of ``node`` itself); items after the last run are visited as usual.
        Returns True when ``node`` was consumed this way.
        """
        if not node.children or _is_task_label(self.node_text(node)):
            return False
        groups: list[tuple[list[Node], list[Node]]] = []
        pending: list[Node] = []
        labels: list[Node] = []
        for child in node.children:
            if _is_task_label(self.node_text(child)):
                labels.append(child)
                continue
            if labels:
                groups.append((pending, labels))
                pending, labels = [], []
            pending.append(child)
        if labels:
            groups.append((pending, labels))
            pending = []
        groups = [(items, labs) for items, labs in groups if self._label_fields(labs).get("lead")]
        if not groups:
            return False
        for items, labs in groups:
            self.emit_task(node, ctx, items, labs, whole=(len(groups) == 1 and not pending))
        for child in pending:
            self.visit(child, ctx)
        return True

    def _label_fields(self, labels: list[Node]) -> dict[str, list[tuple[int, int]]]:
        fields: dict[str, list[tuple[int, int]]] = {}
        nested = [g for c in labels for g in c.children if _is_task_label(self.node_text(g))]
        for d in labels + nested:
            t = self.node_text(d)
            kind = _is_task_label(t)
            if not kind:
                continue
            lo = d.body_start + t.index(":") + 1
            while lo < d.end and self.text[lo] == " ":
                lo += 1
            fields.setdefault(kind, []).append((lo, d.end))
        return fields

    def emit_task(self, node: Node, ctx: _Context, items: list[Node], labels: list[Node], *, whole: bool) -> None:
        fields = self._label_fields(labels)
        lead_text = " ".join(self.text[a:b] for a, b in fields["lead"] if b > a)
        actors = self.names(_actor_list(lead_text)) or ([lead_text.strip(" .;")] if lead_text.strip() else [])
        co_text = " ".join(self.text[a:b] for a, b in fields.get("co", []))
        co = [c for c in (self.names(_actor_list(co_text)) if co_text else []) if c not in actors]
        deadline = None
        for a, b in fields.get("deadline", []):
            found = select_deadline(self.text[a:b])
            value = found.value if found else parse_deadline(self.text[a:b])
            if value:
                deadline = value
                break
        deadline = deadline or ctx.deadline
        product = " ".join(self.text[a:b] for a, b in fields.get("product", [])).strip() or None
        modality = ctx.modality if ctx.modality != "none" else "giao"
        # "a) Nhiệm vụ: - … - …": each bullet under the task label is its own obligation
        action_nodes = [c for c in labels if _is_task_label(self.node_text(c)) == "action"]
        bullets = [g for c in action_nodes for g in c.children if not _is_task_label(self.node_text(g))]
        units: list[tuple[int, int, str | None]] = []
        action: str | None
        if len(bullets) >= 2:
            units = [(g.start, self._subtree_end(g), self.node_text(g)) for g in bullets]
        else:
            first = items[0] if items else node
            start = node.start if whole or not items else first.start
            end = max(self._subtree_end(n) for n in [*items, *labels]) if (items or labels) else node.end
            action_parts = [self.text[a:b] for a, b in fields.get("action", []) if b > a]
            action = action_parts[0] if action_parts else (self.node_text(items[0]) if items else self.node_text(node))
            units = [(start, end, action)]
        for start, end, action in units:
            clause = self.text[start:end]
            quota = quotas_mod.select_quota(clause)
            self.out.append(Obligation(
                start=start, end=end, section=node.path or None, actors=list(actors), actor_source="label",
                co_actors=list(co), action=_trim(action), modality=modality,
                deadline=dict(deadline) if deadline else None, quota=quota.value if quota else None,
                criteria=[], report_to=None, product=product, confidence=0.9,
            ))

    def emit_row(self, row: TaskRow) -> None:
        clause = self.text[row.start : row.end]
        if row.lead and fold(row.lead).startswith(("theo phan cong", "theo quyet dinh", "theo chuc nang")):
            row = replace(row, lead=None)  # the lead is set in another document
        actors = self.names(_actor_list(row.lead)) if row.lead else []
        if row.lead and not actors:
            actors = [s.strip() for s in re.split(r"[;\n]", row.lead) if s.strip()]
        co = self.names(_actor_list(row.co)) if row.co else []
        if row.co and not co:
            co = [s.strip() for s in re.split(r"[;,\n]", row.co) if s.strip()]
        deadline = None
        if row.deadline:
            found = select_deadline(row.deadline)
            deadline = found.value if found else parse_deadline(row.deadline)
        deadline = deadline or row.inherited_deadline
        quota = quotas_mod.select_quota(row.task or clause)
        self.out.append(Obligation(
            start=row.start, end=row.end, section=row.section, actors=actors,
            actor_source="table" if actors else "implicit", co_actors=[c for c in co if c not in actors],
            action=(row.task or "").strip()[:240] or None, modality="giao",
            deadline=dict(deadline) if deadline else None,
            quota=quota.value if quota else None, criteria=[], report_to=None, product=row.product, confidence=0.85,
        ))


def _actor_list(text: str) -> list[ActorSpan]:
    """Actors written in a label or a table cell: "Sở Nội vụ, các sở, ban, ngành … và các cơ quan …".

    The subject of the cell when it is a sentence ("Sở Nội vụ chủ trì …"); else every actor list that
    starts the cell or follows a separator.
    """
    subject = find_subject(text)
    if subject.actors:
        return subject.actors
    tokens = tokenize(text)
    out: list[ActorSpan] = []
    i = 0
    while i < len(tokens):
        found, end = read_actor_list(tokens, i)
        if found:
            for lo, hi, generic in found:
                start, stop = tokens[lo].start, tokens[hi - 1].end
                out.append(ActorSpan(start, stop, text[start:stop], generic))
            i = max(end, i + 1)
            continue
        while i < len(tokens) and tokens[i].text not in (",", ";", "và") and tokens[i].low != "và":
            i += 1
        i += 1
    return out


def _link_to_annex(obligations: list[Obligation]) -> None:
    """Give a body item without actors the fields of the annex row that restates it.

    Plans often list tasks in the body and assign them in an annex table ("Phân công nhiệm vụ theo
    Phụ lục đính kèm"): the same task twice. The body item keeps its own span and gets the row's
    actors, co-actors and (when it has none) deadline, with ``same_as`` pointing at the row.
    """
    rows = [o for o in obligations if o.actor_source == "table" and o.action]
    if not rows:
        return
    keys = [(row, fold(row.action or "")[:160]) for row in rows]
    for ob in obligations:
        if ob.actor_source != "implicit" or not ob.action:
            continue
        text = fold(ob.action)[:160]
        best, score = None, 0.0
        for row, key in keys:
            matcher = difflib.SequenceMatcher(None, text, key, autojunk=False)
            if matcher.real_quick_ratio() < 0.8 or matcher.quick_ratio() < 0.8:
                continue
            ratio = matcher.ratio()
            if ratio > score:
                best, score = row, ratio
        if best is not None and score >= 0.8:
            ob.actors, ob.co_actors = list(best.actors), list(best.co_actors)
            ob.deadline = ob.deadline or (dict(best.deadline) if best.deadline else None)
            ob.actor_source, ob.same_as = "table", best


def _trim(action: str | None, limit: int = 240) -> str | None:
    if not action:
        return None
    action = action.strip(" :.;")
    if len(action) > limit:
        cut = action.rfind(" ", 0, limit)
        action = action[: cut if cut > 0 else limit].rstrip(" ,;") + " …"
    return action or None


def _in_quotes(text: str, pos: int) -> bool:
    before = text[:pos]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _shift(sub: Subject, by: int) -> Subject:
    return Subject([ActorSpan(a.start + by, a.end + by, a.text, a.generic) for a in sub.actors],
                   sub.modality, sub.heading_like, sub.end + by if sub.end else 0)


def find_obligations(doc: Document, lay: Layout, abbreviations: dict[str, str] | None = None) -> list[Obligation]:
    """All obligations of ``doc`` in reading order."""
    return _Builder(doc, lay, abbreviations or {}).run()
