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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from extractors import criteria as criteria_mod
from extractors import quotas as quotas_mod
from extractors import report_to as report_mod
from extractors.actors import (
    ActorSpan,
    Subject,
    canonical_body,
    cell_actors,
    expand_abbreviations,
    find_co_actors,
    find_subject,
    read_actor_list,
    tokenize,
)
from extractors.deadlines import heading_time, select_deadline, slot_deadline, with_year
from extractors.lexicon import lexicon
from extractors.structure import Layout, Node
from extractors.tables import TaskRow, find_task_tables
from ingest.document import Document
from ingest.normalize import fold

Role = str  # purpose | criteria | schedule | budget | procedure | implementation | content


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
    origin: str = "item"  # item | row (a task-table row) | label (a labelled task block)
    listed: bool = False  # the item has a marker (I., 1., a), -, +): a point of a list, not a loose paragraph
    also_at: list[tuple[int, int]] = field(default_factory=list)  # body items this annex row restates


@dataclass
class Measure:
    """An item of a "Nhiệm vụ, giải pháp" kind that names no body and sets no time: context, not a task."""

    start: int
    end: int
    section: str | None


@dataclass
class TaskList:
    obligations: list[Obligation]
    measures: list[Measure]


@dataclass(frozen=True)
class _Context:
    role: Role
    actors: tuple[str, ...] = ()
    actor_source: str = "heading"
    modality: str = "none"
    deadline: dict[str, Any] | None = None
    criteria: tuple[dict[str, Any], ...] = ()
    co_actors: tuple[str, ...] = ()


_TARGET_HEADINGS = ("chi tieu", "muc tieu")
_TARGET_ACTIONS = ("hoan thanh", "dua vao", "ban hanh", "van hanh")
# what is left of a lead-in after its actors when it only names who: "… có trách nhiệm thực hiện các nội dung sau:"
_NAMES_ONLY_WHO = re.compile(r"^\s*(?:co|chiu)\s+trach\s+nhiem(?:\s+(?:to\s+chuc\s+)?thuc\s+hien)?"
                             r"(?:\s+(?:cac\s+)?(?:noi\s+dung|nhiem\s+vu)(?:\s+(?:sau|sau\s+day|cu\s+the))?"
                             r"|\s+nhu\s+sau)?\s*:\s*$")
_PURPOSE_BEFORE = re.compile(r"\b(?:de dat|nham|huong toi|phan dau)\b")  # the time then dates the aim
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ])")
# folded openers of a sentence that introduces the next one's task rather than being a task
_INTRODUCING = ("can cu", "tren co so", "de ", "nham ", "theo ", "thong qua", "qua ", "sau khi", "truong hop", "khi ")
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
    for role in ("purpose", "criteria", "budget", "schedule", "procedure", "implementation"):
        for word in roles.get(role, ()):
            if low.startswith(word) or (role == "implementation" and f" {word}" in low[:60] and heading.isupper()):
                return role
    return None


def _is_heading(node: Node, text: str, remark: Callable[[Node], bool] | None = None) -> bool:
    """A node that titles what follows rather than stating a task.

    ``remark(child)`` tells a child that is only a remark: an item followed by nothing but
    "(chi tiết tại phụ lục I, II kèm theo)" states a task, it titles nothing.
    """
    if not node.children or (remark is not None and all(remark(c) for c in node.children)):
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
    def __init__(self, doc: Document, lay: Layout, abbreviations: dict[str, str],
                 plan_year: int | None = None, addressees: list[str] | None = None) -> None:
        self.addressees = [canonical_body(expand_abbreviations(a, abbreviations)) for a in addressees or []]
        self.doc = doc
        self._criteria_cache: dict[int, list[tuple[Node, dict[str, Any]]]] = {}
        self.plan_year = plan_year
        self.text = doc.text
        self.lay = lay
        self.abbr = abbreviations
        self.out: list[Obligation] = []
        self._criteria_cache: dict[int, list[tuple[Node, str]]] = {}

    # -- helpers ---------------------------------------------------------------------------------
    def names(self, spans: list[ActorSpan]) -> list[str]:
        seen: list[str] = []
        for s in spans:
            name = canonical_body(expand_abbreviations(s.text.strip(" ,;:.-"), self.abbr))
            if name and name not in seen:
                seen.append(name)
        return seen

    def node_text(self, node: Node) -> str:
        return self.text[node.body_start : node.end]

    def is_remark(self, node: Node) -> bool:
        """A childless item written wholly in parentheses: "(chi tiết tại phụ lục I, II kèm theo)."."""
        t = self.node_text(node).strip().rstrip(".;")
        return not node.children and t.startswith("(") and t.endswith(")")

    def _subtree_end(self, node: Node) -> int:
        end = node.end
        for d in node.walk():
            end = max(end, d.end)
        return end

    # -- the walk --------------------------------------------------------------------------------
    def run(self) -> TaskList:
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
        kept = _merge_into_annex(self.out, self.text)
        measures = [Measure(o.start, o.end, o.section) for o in kept
                    if _is_measure(o) and _reads_as_measure(o, self.text[o.start : o.end])]
        tasks = [o for o in kept if not _is_measure(o)]
        return TaskList(sorted(tasks, key=lambda o: o.start), sorted(measures, key=lambda m: m.start))

    def visit(self, node: Node, ctx: _Context) -> None:
        text = self.node_text(node)
        low = fold(text)
        if node.kind == "paragraph" and low.startswith(_CLOSING_OPENERS):
            ctx = _Context(role="implementation")
        role = section_role(text) if (node.children or node.kind in ("roman", "decimal")) else None
        if role is None and _CRITERIA_LABEL.match(text) and (node.children or len(text) < 60):
            role = "criteria"
        if (role == "purpose" and fold(text).startswith(_TARGET_HEADINGS)) or role == "procedure":
            self.scheduled_targets(node, ctx)  # only the items that schedule an action
            return
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
        own = select_deadline(text, default_year=self.plan_year)
        if _is_heading(node, text, self.is_remark) and not subject.actors:
            head = heading_time(text, default_year=self.plan_year)
            deadline = time_in_context(head.value if head else None, ctx.deadline, self.plan_year)
            if own and text.rstrip().endswith(":") and ctx.role != "budget":
                # A lead-in with a time is itself an obligation ("d) Hàng năm tổ chức đăng ký …, cụ thể:").
                self.emit_item(node, ctx, text, subject)
            child_ctx = replace(ctx, deadline=deadline, criteria=tuple(self.criteria_near(node)) or ctx.criteria)
            for child in node.children:
                self.visit(child, child_ctx)
            return
        if node.children and subject.actors and _NAMES_ONLY_WHO.match(fold(text[subject.end:])):
            # "UBND xã A có trách nhiệm thực hiện:" names who; the items below are the tasks
            who = replace(ctx, actors=tuple(self.names(subject.actors)), actor_source="heading")
            for child in node.children:
                self.visit(child, who)
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
        if subject.directed and node.children:  # "Sở A chỉ đạo Chi cục B thực hiện các nội dung sau:"
            child_ctx = replace(child_ctx, actors=tuple(self.names(subject.directed)), actor_source="heading",
                                modality="chỉ đạo")
        for child in node.children:
            self.visit(child, child_ctx)

    def scheduled_targets(self, node: Node, ctx: _Context) -> None:
        """In a list of targets ("Chỉ tiêu", "Mục tiêu cụ thể"), the items that schedule an action are tasks.

        "- Hoàn thành và đưa Trung tâm IOC vào hoạt động trong quý I năm 2026." is a scheduled activity
        (an obligation of the issuer); "- 100% hồ sơ được số hóa" is a target and stays out.
        """
        verbs = tuple(fold(v) for v in lexicon().verbs) + _TARGET_ACTIONS
        for item in node.walk():
            if item.children:
                continue
            text = self.node_text(item)
            found = select_deadline(text)
            if found is None or not found.value or found.value.get("kind") == "during":
                continue
            low = fold(text)
            if _PURPOSE_BEFORE.search(low[: found.start]):
                continue  # "Xác định nhiệm vụ … để đạt mục tiêu …, hướng tới … vào năm 2030": the aim's time
            if any(low == v or low.startswith(v + " ") for v in verbs):
                self.emit_item(item, replace(ctx, role="implementation"), text)

    # -- obligations from items ----------------------------------------------------------------
    def emit_item(self, node: Node, ctx: _Context, text: str, subject: Subject | None = None) -> list[Obligation]:
        made: list[Obligation] = []
        inherited = bool(ctx.actors) or (bool(self.addressees) and ctx.role == "implementation")
        for start, end, sub in self.sentence_groups(node, text, subject, inherited):
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
        # sentences too: "… xong trong tháng 12/2025. Định kỳ báo cáo … hằng năm (trước ngày 15 tháng 11)"
        cuts = sorted(set(cuts) | {m.start() for m in _SENTENCE.finditer(text)})
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

    def sentence_groups(
        self, node: Node, text: str, subject: Subject | None, inherited: bool = False
    ) -> Iterator[tuple[int, int, Subject]]:
        """Split an item where a later sentence names other actors; yield (start, end, subject).

        Leading sentences that name nobody introduce the later one ("Căn cứ …. Các đơn vị xây dựng …"),
        unless the item has actors from its heading or lead-in (``inherited``) and they are that
        actor's own task: "Thực hiện đồng bộ …. Mỗi cơ quan, đơn vị phải xây dựng …" is two tasks.
        """
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
                leading = text[g_lo:lo]
                lead_in = fold(leading.strip(" -+*•")).startswith(_INTRODUCING) or leading.rstrip().endswith(":")
                if g_sub.actors or (inherited and not lead_in):
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
        if label is not None and label != "action" and not (label in ("lead", "co") and subject.actors):
            return None  # "Thời gian: …", "Địa điểm: …" outside a task block: a field
        if fold(clause).startswith(lexicon().non_task_openers):
            return None  # a target, a scope or an effectivity clause
        if ctx.actors and ctx.actor_source == "heading" and subject.modality in ("yêu cầu", "chỉ đạo") \
                and not clause.rstrip().endswith(lexicon().closing_marks):
            # under an actor heading, "Yêu cầu các đơn vị …" is that actor's task; the document's
            # closing directive ("Yêu cầu các sở, ban, ngành … nghiêm túc thực hiện./.") is not
            subject = Subject()
        explicit = bool(subject.actors) and not subject.heading_like
        own = select_deadline(clause, default_year=self.plan_year)
        deadline = time_in_context(own.value if own else None, ctx.deadline, self.plan_year)
        if explicit:
            actors, source = self.names(subject.actors), "explicit"
        elif ctx.actors:
            actors, source = list(ctx.actors), ctx.actor_source
        elif deadline is not None and ctx.role != "budget" and (
                deadline.get("kind") != "during" or deadline.get("recurrence") or deadline.get("year")):
            # a scheduled activity; a span of one year counts ("từ tháng 3 đến tháng 10 năm 2026"),
            # a programme's years do not ("giai đoạn 2021-2025")
            actors, source = [], "implicit"
        elif ctx.role == "implementation" and node.kind != "paragraph" or (
                ctx.role == "implementation" and node.parent is not None and node.parent.kind != "root"):
            actors, source = [], "implicit"
        else:
            return None
        if not clause.strip() or len(clause.split()) < 3:
            return None
        if source == "implicit" and _is_data_line(clause):
            return None  # a row of a table of figures read as text (a scanned land-use table)
        if source == "implicit" and self.addressees and ctx.role == "implementation":
            actors = list(self.addressees)  # a letter's task that names nobody: its "Kính gửi" list acts
        co = self.names(find_co_actors(clause))
        if not co and source == "heading" and ctx.co_actors and not explicit:
            co = list(ctx.co_actors)
        co = [c for c in co if c not in actors]
        quota = quotas_mod.select_quota(clause)
        if quota is not None and _in_quotes(clause, quota.start):
            quota = None  # a number in the title of a cited programme ("Đề án “… 01 triệu căn hộ …”")
        crit = criteria_mod.criteria_of(clause) or list(ctx.criteria) or self.criteria_near(node)
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
            listed=node.kind != "paragraph",
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
            out = [dict(c) for sib, c in self._criteria_blocks(level.parent) if sib is not level]
            if out:
                return out
            level = level.parent
        return out

    def _criteria_blocks(self, parent: Node) -> list[tuple[Node, dict[str, Any]]]:
        """The children of ``parent`` that state criteria, found once per parent (a list of N items
        would otherwise read its N siblings N times)."""
        cached = self._criteria_cache.get(id(parent))
        if cached is None:
            cached = []
            for sib in parent.children:
                t = self.node_text(sib)
                if _CRITERIA_LABEL.match(t) or (t[:12].lower().startswith(("tiêu chí", "tiêu chuẩn", "tieu chi"))
                                                 or fold(t[:20]).startswith(("tieu chi", "tieu chuan"))) \
                        and section_role(t) == "criteria":
                    cached.append((sib, {"text": t[:160], "metric": None, "op": None, "value": None}))
            self._criteria_cache[id(parent)] = cached
        return cached

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
            deadline = slot_deadline(self.text[a:b], default_year=self.plan_year)
            if deadline:
                break
        deadline = time_in_context(deadline, ctx.deadline, self.plan_year)
        product = " ".join(self.text[a:b] for a, b in fields.get("product", [])).strip() or None
        modality = ctx.modality if ctx.modality != "none" else "giao"
        # "a) Nhiệm vụ: - … - …": each bullet under the task label is its own obligation
        action_nodes = [c for c in labels if _is_task_label(self.node_text(c)) == "action"]
        bullets = [g for c in action_nodes for g in c.children if not _is_task_label(self.node_text(g))]
        units: list[tuple[int, int, str | None]] = []
        action: str | None
        listed = [g for g in items if g.kind in ("bullet", "letter") and not _is_task_label(self.node_text(g))]
        if len(bullets) >= 2:
            units = [(g.start, self._subtree_end(g), self.node_text(g)) for g in bullets]
        elif len(listed) >= 2 and len(listed) == len(items):
            # "3. Nâng cao nhận thức … - item - item  Đơn vị thực hiện: …": each point under the titled
            # task is its own task of the labelled unit; the title is not one.
            units = [(g.start, self._subtree_end(g), self.node_text(g)) for g in listed]
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
            own = find_subject(action or "") if len(units) > 1 else Subject()
            if own.actors and not own.heading_like:
                # "- Đề nghị người đứng đầu cấp ủy; thủ trưởng cơ quan … trực tiếp chỉ đạo": a point that names
                # who acts keeps its own actors
                unit_actors, unit_source = self.names(own.actors), "explicit"
                unit_modality = own.modality or modality
            else:
                unit_actors, unit_source, unit_modality = list(actors), "label", modality
            self.out.append(Obligation(
                start=start, end=end, section=node.path or None, actors=unit_actors, actor_source=unit_source,
                co_actors=[c for c in co if c not in unit_actors], action=_trim(action), modality=unit_modality,
                deadline=dict(deadline) if deadline else None, quota=quota.value if quota else None,
                criteria=criteria_mod.criteria_of(clause), report_to=None, product=product, confidence=0.9,
                origin="label",
            ))

    def emit_row(self, row: TaskRow) -> None:
        clause = self.text[row.start : row.end]
        if row.lead and fold(row.lead).startswith(("theo phan cong", "theo quyet dinh", "theo chuc nang")):
            row = replace(row, lead=None)  # the lead is set in another document
        actors = self.names(cell_actors(row.lead) or _actor_list(row.lead)) if row.lead else []
        if row.lead and not actors:
            actors = [s.strip() for s in re.split(r"[;\n]", row.lead) if s.strip()]
        co = self.names(_actor_list(row.co)) if row.co else []
        if row.co and not co:
            co = [s.strip() for s in re.split(r"[;,\n]", row.co) if s.strip()]
        deadline = slot_deadline(row.deadline or "", default_year=self.plan_year, task=row.task)
        steps = _timed_steps(self.text, row.deadline_span) if row.deadline_span else []
        if len(steps) >= 2:
            deadline = steps[0][2]
        deadline = time_in_context(deadline, row.inherited_deadline, self.plan_year)
        quota = quotas_mod.select_quota(clause)
        for lo, hi, value in steps[1:]:
            # "Ban hành kế hoạch trong tháng 01/2026, tổ chức kiểm tra chậm nhất trong tháng 6/2026 và báo cáo …
            # chậm nhất trong tháng 8/2026": each later step of the time cell is its own task of the row's lead.
            step_deadline = time_in_context(value, row.inherited_deadline, self.plan_year)
            self.out.append(Obligation(
                start=lo, end=hi, section=row.section, actors=actors,
                actor_source="table" if actors else "implicit", co_actors=[c for c in co if c not in actors],
                action=self.text[lo:hi], modality="giao", deadline=step_deadline, quota=None, criteria=[],
                report_to=None, product=None, confidence=0.8, origin="row"))
        self.out.append(Obligation(
            start=row.start, end=row.end, section=row.section, actors=actors,
            actor_source="table" if actors else "implicit", co_actors=[c for c in co if c not in actors],
            action=(row.task or "").strip()[:240] or None, modality="giao",
            deadline=dict(deadline) if deadline else None,
            quota=quota.value if quota else None, criteria=criteria_mod.criteria_of(clause), report_to=None,
            product=row.product, confidence=0.85, origin="row",
        ))


_STEP_CUT = re.compile(r"[,;]\s+|\s+và\s+")


def _timed_steps(text: str, span: tuple[int, int]) -> list[tuple[int, int, dict[str, Any]]]:
    """The steps of a time cell that each set their own time: [(start, end, deadline)], or [] for one time."""
    lo, hi = span
    seps = [(m.start(), m.end()) for m in _STEP_CUT.finditer(text, lo, hi)] + [(hi, hi)]
    steps: list[tuple[int, int, dict[str, Any]]] = []
    start = lo
    for sep_start, sep_end in seps:
        found = select_deadline(text[start:sep_start])
        if found is None or not found.value:
            continue
        steps.append((start, sep_start, found.value))
        start = sep_end
    if len(steps) < 2 or len({repr(sorted(v.items())) for _, _, v in steps}) < 2:
        return []
    if start < hi and text[start:hi].strip():  # words after the last time belong to the last step
        steps[-1] = (steps[-1][0], hi, steps[-1][2])
    return steps


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


def _is_measure(ob: Obligation) -> bool:
    """A body item that names no body and sets no time ("Đẩy mạnh …", "Tăng cường …" under "Nhiệm vụ")."""
    return ob.origin == "item" and not ob.actors and ob.deadline is None


_FIGURE = re.compile(r"^[\d.,%‰=+<>≥≤/-]*\d[\d.,%‰]*$")


def _is_data_line(text: str) -> bool:
    """A line of a table of figures: cells run together with "|", or mostly numbers ("36.845,06 4.224,32")."""
    if "|" in text:
        return True
    words = text.split()
    figures = sum(1 for w in words if _FIGURE.match(w.strip("()")))
    return figures >= 3 and figures >= 0.25 * len(words)


def _reads_as_measure(ob: Obligation, text: str) -> bool:
    """A measure is a point of a list or a sentence, not a table's caption or a scrap of OCR."""
    return len(text.split()) >= 5 and not _is_data_line(text) and (
        ob.listed or text.rstrip().endswith((".", ";", ":")))


def _annex_key(text: str) -> str:
    return re.sub(r"^\d+[.)]?\s+", "", fold(expand_abbreviations(text, {})))[:160]


def _merge_into_annex(obligations: list[Obligation], text: str) -> list[Obligation]:
    """One task for a body item and the annex row that restates it: the row's, the body's span in ``also_at``.

    Plans often list tasks in the body and assign them in an annex table ("Phân công nhiệm vụ theo
    Phụ lục đính kèm"): the same task twice. The row names who and when; what the row leaves blank
    (actors, co-actors, deadline) is taken from the body item, so nothing is lost.
    """
    rows = [o for o in obligations if o.origin == "row" and o.action]
    if not rows:
        return obligations
    keys = [(row, _annex_key(row.action or "")) for row in rows]
    merged: set[int] = set()
    for ob in obligations:
        if ob.origin == "row":
            continue
        candidates = {_annex_key(ob.action or ""), _annex_key(text[ob.start : ob.end])}
        best, score = None, 0.0
        for row, key in keys:
            for candidate in candidates:
                matcher = difflib.SequenceMatcher(None, candidate, key, autojunk=False)
                if matcher.real_quick_ratio() < 0.8 or matcher.quick_ratio() < 0.8:
                    continue
                ratio = matcher.ratio()
                if ratio > score:
                    best, score = row, ratio
        if best is None or score < 0.8:
            continue
        best.also_at.append((ob.start, ob.end))
        if not best.actors and ob.actors:
            best.actors, best.actor_source = list(ob.actors), ob.actor_source
        if not best.co_actors and ob.co_actors:
            best.co_actors = [c for c in ob.co_actors if c not in best.actors]
        best.deadline = best.deadline or (dict(ob.deadline) if ob.deadline else None)
        best.quota = best.quota or ob.quota
        best.criteria = best.criteria or ob.criteria
        best.report_to = best.report_to or ob.report_to
        merged.add(id(ob))
    return [o for o in obligations if id(o) not in merged]


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


def time_in_context(own: dict[str, Any] | None, inherited: dict[str, Any] | None,
                    plan_year: int | None) -> dict[str, Any] | None:
    """An item's time read in its context (GUIDELINES: a time fixed by the heading or a column header
    applies to the items under it).

    The item's own time wins, with its missing year taken from the inherited time (a heading "… TRONG
    THÁNG 12/2025", a column header "Thời gian (Năm 2026)") or from a one-year plan; with no time of
    its own the item takes the inherited one.
    """
    if own is None:
        return dict(inherited) if inherited else None
    year = (inherited or {}).get("year") if not (inherited or {}).get("recurrence") else None
    return with_year(own, year or plan_year)


def plan_year_of(period: dict[str, int | None] | None) -> int | None:
    """The year of a one-year plan ("Kế hoạch … năm 2026"), else None."""
    if period and period.get("start") is not None and period.get("start") == period.get("end"):
        return period["start"]
    return None


def find_tasks(doc: Document, lay: Layout, abbreviations: dict[str, str] | None = None,
               period: dict[str, int | None] | None = None, addressees: list[str] | None = None) -> TaskList:
    """The obligations of ``doc`` and its measures (context items that are not tasks), in reading order;
    ``period`` is the plan's (metadata); a letter's ``addressees`` ("Kính gửi") act where an item of its
    tasks names nobody."""
    return _Builder(doc, lay, abbreviations or {}, plan_year_of(period), addressees).run()


def find_obligations(doc: Document, lay: Layout, abbreviations: dict[str, str] | None = None,
                     period: dict[str, int | None] | None = None,
                     addressees: list[str] | None = None) -> list[Obligation]:
    """All obligations of ``doc`` in reading order."""
    return find_tasks(doc, lay, abbreviations, period, addressees).obligations
