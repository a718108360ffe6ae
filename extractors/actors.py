"""Who must act: Vietnamese public bodies and groups, found with their offsets.

An actor phrase starts with a named head ("Sở", "Phòng", "Ủy ban nhân dân",
"Công an"…) or a quantified group ("các cơ quan, đơn vị, địa phương") and goes
on through the body's name ("Sở Lao động - Thương binh và Xã hội", "Ủy ban
nhân dân các xã, thị trấn") until the action begins ("chủ trì", "xây dựng"…),
a stop word, or punctuation that starts something else. Lists of actors are
split on ";", "và" and on a comma before a new head. All wording is in
``data/actors.yaml``; this module only walks tokens.

>>> [a.text for a in find_subject("Giao Sở Nội vụ chủ trì, phối hợp với các đơn vị liên quan.").actors]
['Sở Nội vụ']
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from extractors.lexicon import Lexicon, lexicon
from ingest.normalize import edit_distance, fold

_TOKEN = re.compile(r"[\w&]+|[^\w\s]")
_HYPHENS = {"-", "–", "—"}


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    low: str
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()

    @property
    def capitalized(self) -> bool:
        return self.text[0].isupper()


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


@dataclass(frozen=True, slots=True)
class ActorSpan:
    start: int
    end: int
    text: str
    generic: bool  # a group ("các cơ quan, đơn vị") rather than a named body

    @property
    def name(self) -> str:
        """The actor as it should be listed: abbreviations expanded."""
        return expand_abbreviations(self.text)


@dataclass
class Subject:
    """The explicit actors of a clause, and how they were introduced."""

    actors: list[ActorSpan] = field(default_factory=list)
    modality: str | None = None
    heading_like: bool = False  # the clause is nothing but the actor list ("3. Phòng Nội vụ")
    end: int = 0  # where the actor list ends in the clause
    directed: list[ActorSpan] = field(default_factory=list)  # "X chỉ đạo Y …": Y, who does the items below


class _Phrases:
    """Multi-word phrases indexed by their first word, matched on lower-cased tokens."""

    def __init__(self, phrases: Sequence[str]) -> None:
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for p in phrases:
            words = tuple(w.lower() for w in _TOKEN.findall(p))
            self.by_first.setdefault(words[0], []).append(words)
        for options in self.by_first.values():
            options.sort(key=len, reverse=True)

    def match(self, tokens: Sequence[Token], i: int) -> int:
        """Number of tokens of the longest phrase starting at ``tokens[i]`` (0 if none)."""
        if i >= len(tokens):
            return 0
        for words in self.by_first.get(tokens[i].low, ()):
            n = len(words)
            if i + n <= len(tokens) and all(tokens[i + k].low == words[k] for k in range(n)):
                return n
        return 0


@dataclass(frozen=True)
class _Tables:
    heads: _Phrases
    not_starts: _Phrases
    groups: _Phrases
    basic_groups: _Phrases
    quantifiers: _Phrases
    directives: _Phrases
    stops: _Phrases
    name_words: _Phrases
    verbs: _Phrases
    admin: frozenset[str]
    admin_phrases: _Phrases
    bodies: _Phrases
    titles: _Phrases
    agents: _Phrases
    joined: _Phrases
    never_in_names: _Phrases


@cache
def _tables() -> _Tables:
    lx: Lexicon = lexicon()
    basic = [g for g in lx.group_nouns if len(g.split()) <= 2]
    return _Tables(
        heads=_Phrases(lx.named_heads),
        not_starts=_Phrases(lx.not_actor_starts),
        groups=_Phrases(lx.group_nouns),
        basic_groups=_Phrases(basic),
        quantifiers=_Phrases(lx.quantifiers),
        directives=_Phrases(list(lx.directives)),
        stops=_Phrases(lx.stop_words),
        name_words=_Phrases(lx.name_words),
        verbs=_Phrases(lx.verbs),
        admin=lx.admin_units,
        admin_phrases=_Phrases(sorted(lx.admin_units)),
        bodies=_Phrases(lx.bodies),
        titles=_Phrases(lx.person_titles),
        agents=_Phrases(lx.agent_markers),
        joined=_Phrases(lx.joined_groups),
        never_in_names=_Phrases(lx.never_in_names),
    )


def _phrase_at(tokens: Sequence[Token], i: int, n: int) -> str:
    return " ".join(t.low for t in tokens[i : i + n])


def scan_actor(tokens: Sequence[Token], i: int, *, bare_group: bool = False,
               lower_head: bool = False) -> tuple[int, bool] | None:
    """Read one actor phrase at ``tokens[i]``: (index after it, is it a generic group)."""
    tb = _tables()
    n = len(tokens)
    if i >= n or not tokens[i].is_word:
        return None
    j = i
    generic = False
    q = tb.quantifiers.match(tokens, j)
    if q:
        j += q
        g = tb.groups.match(tokens, j)
        h = tb.heads.match(tokens, j)
        if g >= h and g:
            j += g
            generic = True
        elif h:
            j += h
        else:
            return None
    else:
        if tb.not_starts.match(tokens, j):
            return None
        h = tb.heads.match(tokens, j)
        if h and (tokens[j].capitalized or (lower_head and j + h < len(tokens) and tokens[j + h].capitalized)):
            body = tb.bodies.match(tokens, j)  # a known body's whole name: "Trung tâm Dịch vụ sự nghiệp công"
            j += max(h, body)
            if body >= h and body:
                return _continue_name(tokens, j, i, only_admin=True), False
            if (tb.titles.match(tokens, i) == h and j < n and not tokens[j].capitalized
                    and (g2 := tb.groups.match(tokens, j)) and _bare_group_ends(tokens, j + g2)):
                j += g2  # "Người đứng đầu cấp ủy, chính quyền …": a title and the bodies it heads
                generic = True
            if (h == 1 and j < n and tokens[j].text == "," and tb.groups.match(tokens, j - 1) == 1
                    and tb.basic_groups.match(tokens, j + 1)):
                return j, True  # "Sở, ban, ngành": a bare head opening a list of groups
        elif bare_group and (g := tb.groups.match(tokens, j)):
            j += g
            generic = True
            if tb.titles.match(tokens, i) == g and (g2 := tb.groups.match(tokens, j)):
                j += g2  # "thủ trưởng cơ quan, đơn vị": a title and the bodies it heads
        else:
            return None
    named_part = any(tokens[k].capitalized for k in range(i + 1, j))  # "Các Khối thi đua"
    return _continue_name(tokens, j, i, generic and not named_part), generic


def _bare_group_ends(tokens: Sequence[Token], k: int) -> bool:
    """A bare group noun ends at ``tokens[k]``: punctuation, a quantifier, a verb or a stop word follows
    ("cơ quan, đơn vị", "cấp ủy các cấp", "cơ quan chịu …"), not more of a name ("tổ công tác")."""
    tb = _tables()
    return (k >= len(tokens) or not tokens[k].is_word or bool(tb.quantifiers.match(tokens, k))
            or bool(tb.verbs.match(tokens, k)) or bool(tb.stops.match(tokens, k)))


_LINKS = frozenset("thuộc của trong trên tại".split())


def _continue_name(tokens: Sequence[Token], j: int, start: int, generic: bool = False,
                   only_admin: bool = False) -> int:
    """Extend a name through its words until the action, a stop word or punctuation.

    A named body goes on through capitalised words and the lower-case syllables that follow them
    ("Sở Y tế", "Hội Cựu chiến binh"); a group ("các cơ quan, đơn vị") only through known modifiers
    ("liên quan", "trực thuộc", "trên địa bàn huyện", "các cấp"), so an unknown word ends it: in
    Vietnamese the action follows the subject. After a known body's whole name (``only_admin``) a
    quantifier goes on only into places ("… sự nghiệp công các xã, phường"), not into other bodies.
    """
    tb = _tables()
    n = len(tokens)
    lower_run = 0
    after_link = 0  # words read since "thuộc / của / trong …": a modifier phrase
    while j < n and j - start < 18:
        t = tokens[j]
        if not t.is_word:
            if t.text in _HYPHENS and j + 1 < n and tokens[j + 1].is_word and (
                tokens[j + 1].capitalized or tb.name_words.match(tokens, j + 1)
            ):
                j += 1
                continue
            break
        if t.low in ("và", "&"):
            nxt = j + 1
            if (nxt < n and tokens[nxt].is_word and tokens[nxt].capitalized
                    and not tb.heads.match(tokens, nxt) and not tb.quantifiers.match(tokens, nxt)):
                j += 1
                continue
            break
        m = tb.name_words.match(tokens, j)
        if m:
            j += m
            lower_run = 0
            continue
        if t.capitalized:
            if tb.never_in_names.match(tokens, j):
                break  # a heading run into its text: "Bộ Ngoại giao Đồng chủ trì với …"
            j += 1
            lower_run = 0
            generic = False  # "các thành viên Hội đồng Thi đua": a named part follows
            continue
        q = tb.quantifiers.match(tokens, j)
        if q:
            g = 0 if only_admin else tb.groups.match(tokens, j + q)
            adm = tb.admin_phrases.match(tokens, j + q)
            if g or adm:
                j += q + max(g, adm)
                continue
            if j + q < n and tokens[j + q].capitalized and not generic:  # "Ban Quản lý các Khu chế xuất"
                j += q
                continue
            if j > 0 and tokens[j - 1].low in _LINKS:
                j += q  # "các cơ quan thuộc các lĩnh vực còn lại"
                after_link = 1
                continue
            break
        a = tb.admin_phrases.match(tokens, j)
        if a:
            j += a
            continue
        if tb.verbs.match(tokens, j) or tb.stops.match(tokens, j) or tb.directives.match(tokens, j):
            break
        if t.text[0].isdigit():
            break
        if t.low in _LINKS:
            j += 1
            after_link = 1
            continue
        if after_link and after_link <= 4:
            after_link += 1
            j += 1
            continue
        if generic:
            # "Các cơ sở nuôi trồng thủy sản: …" — a group's own words up to a colon
            colon = next((k for k in range(j, min(n, j + 7)) if tokens[k].text == ":"), None)
            if colon is not None and all(tokens[k].is_word and not tokens[k].capitalized
                                         and not tb.verbs.match(tokens, k) for k in range(j, colon)):
                j = colon
            break
        lower_run += 1
        if lower_run > 3:
            break
        j += 1
    return j


def read_actor_list(tokens: Sequence[Token], i: int, *, first_lower: bool = False, bare_first: bool = False
                    ) -> tuple[list[tuple[int, int, bool]], int]:
    """Read "A, B; C và D" at ``tokens[i]``: [(first token, end token, generic)], end index.

    ``first_lower`` accepts a head in lower case ("giao phòng Quản lý …"), as written after a directive.
    """
    tb = _tables()
    first = scan_actor(tokens, i, lower_head=first_lower, bare_group=bare_first)
    if first is None:
        return [], i
    actors: list[tuple[int, int, bool]] = [(i, first[0], first[1])]
    j = first[0]
    n = len(tokens)
    while j < n:
        t = tokens[j]
        lo, hi, generic = actors[-1]
        if t.text == "(":  # a remark: "Văn phòng Sở (Thường trực Hội đồng TĐKT)"
            close = next((k for k in range(j + 1, min(n, j + 25)) if tokens[k].text == ")"), None)
            if close is None:
                break
            j = close + 1
            continue
        if t.text == ",":
            nxt = j + 1
            t2 = tb.titles.match(tokens, nxt)
            if t2 and tb.titles.match(tokens, lo) == hi - lo:
                # "Giám đốc, Thủ trưởng các sở, ban, ngành": two titles sharing what follows
                end = _continue_name(tokens, nxt + t2, nxt)
                actors[-1] = (lo, end, generic)
                j = end
                continue
            b = tb.basic_groups.match(tokens, nxt)
            lower = nxt < n and not tokens[nxt].capitalized
            ends_group = tokens[hi - 1].low in tb.admin or any(
                hi - k >= lo and tb.groups.match(tokens, hi - k) == k for k in (1, 2))  # "Thủ trưởng các cơ quan"
            longest = tb.groups.match(tokens, nxt)
            seg = next((k + 1 for k in range(hi - 1, lo - 1, -1) if tokens[k].text == ","), lo)
            short_group = hi - seg <= 3 or (ends_group and hi - seg <= 6)  # "Các bộ", "Thủ trưởng cơ quan ngang bộ"
            if (b and lower and (b == longest or short_group) and (generic or ends_group)
                    and not tb.quantifiers.match(tokens, nxt)):
                b = longest
                end = _continue_name(tokens, nxt + b, nxt, generic)
                actors[-1] = (lo, end, generic)
                j = end
                continue
            adm = tb.admin_phrases.match(tokens, nxt)
            if lower and adm and not generic:
                end = _continue_name(tokens, nxt + adm, nxt)
                actors[-1] = (lo, end, generic)
                j = end
                continue
            if generic and lower and tb.name_words.match(tokens, nxt):  # "các phòng, đơn vị thuộc, trực thuộc Sở"
                end = _continue_name(tokens, nxt, nxt, True)
                actors[-1] = (lo, end, generic)
                j = end
                continue
            if (not generic and nxt < n and tokens[nxt].capitalized and not tb.heads.match(tokens, nxt)
                    and not tb.not_starts.match(tokens, nxt) and not tb.quantifiers.match(tokens, nxt)
                    and not tb.verbs.match(tokens, nxt)):
                # a comma inside a name: "Sở Văn hóa, Thể thao và Du lịch"
                end = _continue_name(tokens, nxt, nxt)
                actors[-1] = (lo, end, generic)
                j = end
                continue
            nxt_actor = scan_actor(tokens, nxt, bare_group=True)
            if nxt_actor is None:
                break
            actors.append((nxt, nxt_actor[0], nxt_actor[1]))
            j = nxt_actor[0]
            continue
        if t.low == "và" and generic and j + 1 < n and not tokens[j + 1].capitalized \
                and not tb.quantifiers.match(tokens, j + 1) and (g := tb.joined.match(tokens, j + 1)):
            # "các cơ quan, đơn vị và địa phương": one group sharing its quantifier
            end = _continue_name(tokens, j + 1 + g, j + 1, True)
            actors[-1] = (lo, end, generic)
            j = end
            continue
        if t.text == ";" or t.low in ("và", "hoặc", "cùng"):
            nxt_actor = scan_actor(tokens, j + 1, bare_group=t.low != "cùng")
            if nxt_actor is None:
                break
            actors.append((j + 1, nxt_actor[0], nxt_actor[1]))
            j = nxt_actor[0]
            continue
        if t.text == ":" and (names_end := _place_names(tokens, j + 1, lo, hi)):
            # "Chủ tịch Ủy ban nhân dân các huyện: Hoa Lư, Nho Quan, Yên Mô", "Giám đốc các Sở: Tư pháp, Y tế"
            actors[-1] = (lo, names_end, generic)
            j = names_end
            continue
        if t.text == ":" and generic:  # "các đơn vị: Phòng A, Phòng B, … giới thiệu"
            sub, end = read_actor_list(tokens, j + 1)
            if len(sub) >= 1 and not all(g for _, _, g in sub):
                actors[-1:] = sub
                j = end
                continue
        break
    return actors, j


def _place_names(tokens: Sequence[Token], k: int, lo: int, hi: int) -> int:
    """End of the names listed after "các huyện:" / "các Sở:" (0 when the actor does not end so).

    Each name starts with a capitalised word that opens no actor and runs up to four words;
    names are joined by "," or "và" and the list stops before anything else.
    """
    tb = _tables()
    n = len(tokens)
    plural = hi - lo >= 2 and tb.quantifiers.match(tokens, hi - 2) == 1 and (
        tokens[hi - 1].low in tb.admin or tb.groups.match(tokens, hi - 1) == 1)
    if not plural:
        return 0
    end = 0
    while k < n and tokens[k].is_word and tokens[k].capitalized and not tb.heads.match(tokens, k) \
            and not tb.quantifiers.match(tokens, k):
        m = k + 1
        while m < n and m - k < 4 and tokens[m].is_word and tokens[m].low != "và" \
                and not tb.verbs.match(tokens, m) and not tb.stops.match(tokens, m):
            m += 1
        if m < n and tokens[m].is_word and tokens[m].low != "và":
            break  # not a name that ends at a separator: keep the names read so far
        end = m
        if m + 1 < n and (tokens[m].text == "," or tokens[m].low == "và"):
            k = m + 1
            continue
        break
    return end


def _spans(text: str, tokens: Sequence[Token], found: list[tuple[int, int, bool]]) -> list[ActorSpan]:
    out = []
    for lo, hi, generic in found:
        start, end = tokens[lo].start, tokens[hi - 1].end
        out.append(ActorSpan(start, end, text[start:end], generic))
    return out


_CONTEXT_OPENERS = ("trên cơ sở", "thông qua", "căn cứ", "để", "ngoài", "trong quá trình", "sau khi", "đối với",
                    "đồng thời", "bên cạnh đó", "mặt khác",
                    "trên đây", "qua", "nhằm", "trường hợp", "khi", "tùy", "theo", "nếu", "quá trình")
# whole words ("qua" is not "quan tâm"); "theo dõi" (to monitor) is an action, not "theo …" (according to)
_CONTEXT_OPENER = re.compile(rf"(?:{'|'.join(map(re.escape, _CONTEXT_OPENERS))})(?!\w)(?! dõi)")
_TIME_WORDS = frozenset("hàng hằng năm quý tháng tuần ngày định kỳ trước chậm nhất đầu cuối mỗi".split())


def _skip_time_adverbial(tokens: Sequence[Token], i: int) -> int:
    j = i
    while j < len(tokens) and (tokens[j].low in _TIME_WORDS or tokens[j].text[0].isdigit()
                               or tokens[j].text in ("/", ",") or _is_roman_quarter(tokens, j)):
        j += 1
    return j if j > i else i


def _is_roman_quarter(tokens: Sequence[Token], j: int) -> bool:
    return j > 0 and tokens[j - 1].low == "quý" and tokens[j].text in ("I", "II", "III", "IV")


_ADVERBS = frozenset("hoặc và đột xuất thường xuyên kịp thời".split())


def _followed_by_action(tokens: Sequence[Token], j: int) -> bool:
    """Whether the action starts at ``j``, after a time adverbial or a remark in parentheses."""
    tb = _tables()
    n = len(tokens)
    for _ in range(12):
        if j >= n:
            return False
        if tokens[j].text == ",":
            j += 1
            continue
        if tokens[j].text == "(":
            close = next((k for k in range(j + 1, min(n, j + 30)) if tokens[k].text == ")"), None)
            if close is None:
                return False
            j = close + 1
            continue
        skipped = _skip_time_adverbial(tokens, j)
        if skipped > j:
            j = skipped
            continue
        if tokens[j].low in _ADVERBS and not tb.verbs.match(tokens, j):
            j += 1
            continue
        break
    return bool(j < n and (tb.verbs.match(tokens, j) or tb.directives.match(tokens, j)))


def _at_end(tokens: Sequence[Token], j: int) -> bool:
    rest = [t.text for t in tokens[j:]]
    return all(not t[0].isalnum() for t in rest)


def find_subject(clause: str, tokens: Sequence[Token] | None = None) -> Subject:
    """The actors a clause explicitly directs to act, or an empty :class:`Subject`.

    >>> s = find_subject("Các cơ quan thông tin đại chúng tăng thời lượng phát sóng")
    >>> [a.text for a in s.actors]
    ['Các cơ quan thông tin đại chúng']
    >>> find_subject("3. Phòng Nội vụ"[3:]).heading_like
    True
    """
    tb = _tables()
    toks = list(tokens) if tokens is not None else tokenize(clause)
    if not toks:
        return Subject()
    lx = lexicon()
    if executing := execution_clause(clause):
        return executing

    def directive_at(k: int) -> Subject | None:
        d = tb.directives.match(toks, k)
        if not d:
            return None
        # "Đề nghị thủ trưởng cơ quan, đơn vị …", "Yêu cầu người đứng đầu cấp ủy; …": officials in lower case
        found, end = read_actor_list(toks, k + d, first_lower=True, bare_first=bool(tb.titles.match(toks, k + d)))
        if not found:
            return None
        return Subject(_spans(clause, toks, found), lx.directives[_phrase_at(toks, k, d)],
                       _at_end(toks, end), toks[end - 1].end)

    # "Trách nhiệm của X", "Nhiệm vụ của X": a heading naming X
    m = re.match(r"^(?:(?:trách nhiệm|nhiệm vụ)(?:\s+chung)?\s+(?:của|đối với)|đối với)\s+", clause, re.IGNORECASE)
    if m:
        inner = find_subject(clause[m.end():])
        if inner.actors and inner.heading_like:
            return _shift(inner, m.end())
        rest = clause[m.end():]
        rest_tokens = tokenize(rest)
        found, end = read_actor_list(rest_tokens, 0)
        responsibility = not clause[:m.end()].lower().startswith("đối với")
        if found and not inner.modality and (responsibility or tb.titles.match(rest_tokens, 0)):
            # "Trách nhiệm của <group …>" names who; "Đối với <group …>" may only name a topic,
            # unless it addresses officials ("Đối với người đứng đầu …")
            named = Subject(_spans(rest, rest_tokens, found), None, False, rest_tokens[end - 1].end)
            if whole := _addressed_group(clause, m.end(), named):
                return whole
    label = _role_label(clause)
    if label:
        found, end = read_actor_list(toks, _token_at(toks, label))
        if found and (_at_end(toks, end) or all(t.text in ".;" for t in toks[end:])):
            return Subject(_spans(clause, toks, found), None, False, toks[end - 1].end)
    # "Giao / Đề nghị / Yêu cầu X …"
    sub = directive_at(0)
    if sub:
        return sub
    i = _skip_time_adverbial(toks, 0)
    while i < len(toks) and toks[i].text == ",":
        i += 1
    for start in (i, 0) if i else (0,):
        found, end = read_actor_list(toks, start)
        if found:
            # "X yêu cầu / giao Y …": Y is who must act.
            if end < len(toks):
                obj = directive_at(end)
                if obj and obj.modality == "chỉ đạo" and clause.rstrip().endswith(":"):
                    # "Sở A chỉ đạo Chi cục B thực hiện các nội dung sau:": A must direct; B does the items below
                    return Subject(_spans(clause, toks, found), None, False, toks[end - 1].end, obj.actors)
                if obj:
                    return obj
            if _at_end(toks, end) or (end < len(toks) and toks[end].text == ":" and _at_end(toks, end + 1)):
                return Subject(_spans(clause, toks, found), None, True, toks[end - 1].end)
            if _followed_by_action(toks, end) or (end < len(toks) and toks[end].text == ":"):
                return Subject(_spans(clause, toks, found), None, False, toks[end - 1].end)
    # A context phrase first ("Trên cơ sở …, các cơ quan … xây dựng"; "… yêu cầu các đơn vị …").
    context = bool(_CONTEXT_OPENER.match(clause[:24].lower()))
    for k in range(1, len(toks)):
        tok = toks[k]
        if tb.directives.match(toks, k):
            sub = directive_at(k)
            in_series = k > 1 and toks[k - 1].text == "," and bool(tb.verbs.match(toks, k - 2))
            after_comma = toks[k - 1].text in ",.;" and not in_series  # not "đôn đốc, yêu cầu X …"
            if sub and (after_comma or (context and not in_series) or _preceded_by_actor(toks, k)):
                return sub
        if context and tok.text in (",", "mà", "thì") or (tok.text == "." and k + 1 < len(toks)):
            found, end = read_actor_list(toks, k + 1, bare_first=bool(tb.titles.match(toks, k + 1)))
            if found and _followed_by_action(toks, end):
                obj = directive_at(end) if end < len(toks) else None
                if obj:
                    return obj
                return Subject(_spans(clause, toks, found), None, False, toks[end - 1].end)
        if context and tok.low == "này" and k < 8:  # "Căn cứ Kế hoạch này các cơ quan …"
            found, end = read_actor_list(toks, k + 1)
            if found and _followed_by_action(toks, end):
                return Subject(_spans(clause, toks, found), None, False, toks[end - 1].end)
    return _after_topic_label(clause) or _passive_agent(clause, toks) or _responsible_lead_in(clause) or Subject()


_RESPONSIBLE_LEAD_IN = re.compile(r"^([A-ZĐÀ-Ỹ][^,;:.()]{2,60}?)\s+(?:có|chịu)\s+trách\s+nhiệm(?:\s+\w+){0,3}\s*:\s*$")


def _responsible_lead_in(clause: str) -> Subject | None:
    """A lead-in naming who answers for the items below, whatever the role's name: "a) Chủ đầu tư có
    trách nhiệm:", "b) Tổ chức làm nhiệm vụ bồi thường có trách nhiệm:" (no gazetteer knows them)."""
    m = _RESPONSIBLE_LEAD_IN.match(clause.strip())
    if not m:
        return None
    name = m.group(1)
    return Subject([ActorSpan(0, len(name), name, False)], None, False, len(name))


@cache
def _execution_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in lexicon().execution_clauses)


_LIST_CUT = re.compile(r"\s*[,;]\s*|\s+và\s+")


def execution_clause(clause: str) -> Subject | None:
    """The addressees of a decision's closing article, each one actor.

    >>> [a.text for a in execution_clause("Chánh Văn phòng UBND tỉnh, Giám đốc các Sở: Nội vụ, Tài chính, "
    ...     "Giám đôc Trung tâm X chịu trách nhiệm thi hành Quyết định này.").actors]
    ['Chánh Văn phòng UBND tỉnh', 'Giám đốc các Sở: Nội vụ, Tài chính', 'Giám đôc Trung tâm X']
    """
    low = fold(clause)
    if len(low) != len(clause):
        return None
    found = [m for p in _execution_patterns() if (m := p.search(low))]
    if not found:
        return None
    verb = min(m.start() for m in found)
    head = clause[:verb].rstrip()
    start = len(head) - len(head.lstrip())
    if re.match(r"Điều\s+\d+\s*[.:]\s*", head[start:]):  # "Điều 3. Chánh Văn phòng …"
        start += re.match(r"Điều\s+\d+\s*[.:]\s*", head[start:]).end()  # type: ignore[union-attr]
    spans: list[list[int]] = []
    colon = False
    pos, sep = start, ""
    for cut in [*_LIST_CUT.finditer(head, start), None]:
        end = cut.start() if cut else len(head)
        piece = head[pos:end]
        if piece.strip():
            opens = _opens_addressee(piece, after_and="và" in sep)
            title_only = bool(spans) and fold(head[spans[-1][0]:spans[-1][1]]).strip() in _folded_titles()
            if spans and (title_only or not opens or (colon and not _starts_with_title(piece))):
                spans[-1][1] = end  # "Giám đốc các Sở: Nội vụ, Tài chính"; "…, tỉnh Sóc Trăng"
            else:
                spans.append([pos, end])
                colon = False
            colon = colon or ":" in piece
        pos, sep = (cut.end(), cut.group()) if cut else (len(head), "")
    if not spans or not _starts_with_title(head[spans[0][0]:spans[0][1]]) and not _opens_addressee(
            head[spans[0][0]:spans[0][1]], after_and=False):
        return None
    actors = [ActorSpan(a, b, clause[a:b], False) for a, b in spans]
    return Subject(actors, None, False, spans[-1][1])


@cache
def _folded_titles() -> frozenset[str]:
    return frozenset(fold(t) for t in lexicon().person_titles)


def _starts_with_title(piece: str) -> bool:
    low = fold(piece.strip())
    return any(low == t or low.startswith(t + " ") for t in _folded_titles())


def _opens_addressee(piece: str, *, after_and: bool) -> bool:
    """A list piece that names a new addressee: a title, a named body, or "các …" (after "và" only a
    title, "các" or people: "Văn phòng HĐND và UBND huyện" is one office)."""
    text = piece.strip()
    if _starts_with_title(text) or fold(text).startswith("cac "):
        return True
    if after_and:  # people stay apart: "… đoàn thể và cá nhân có liên quan"
        lx = lexicon()
        return any(text == g or text.startswith(g + " ") for g in lx.group_nouns if g not in lx.joined_groups)
    return any(text == h or text.startswith(h + " ") for h in lexicon().named_heads)


def _shift(sub: Subject, by: int) -> Subject:
    return Subject([ActorSpan(a.start + by, a.end + by, a.text, a.generic) for a in sub.actors], sub.modality,
                   sub.heading_like, sub.end + by if sub.end else 0,
                   [ActorSpan(a.start + by, a.end + by, a.text, a.generic) for a in sub.directed])


def _token_at(tokens: Sequence[Token], offset: int) -> int:
    return next((k for k, t in enumerate(tokens) if t.start >= offset), len(tokens))


@cache
def _role_label_pattern() -> re.Pattern[str]:
    heads = "|".join(re.escape(h) for h in lexicon().role_label_heads)
    return re.compile(rf"^(?:{heads})\b[^:\n.;]{{0,40}}:\s*", re.IGNORECASE)


def _role_label(clause: str) -> int:
    """Offset after a label naming who does a step ("Cơ quan thẩm định: "), 0 if none."""
    m = _role_label_pattern().match(clause)
    return m.end() if m else 0


def _addressed_group(clause: str, offset: int, inner: Subject) -> Subject | None:
    """A heading addressing a group defined by a clause: "Trách nhiệm của các tổ chức, doanh nghiệp hoạt
    động trong lĩnh vực …". Nothing after the group acts, so the whole rest names the addressee."""
    tb = _tables()
    body = clause.rstrip().rstrip(":").rstrip()
    if "." in body[offset:].rstrip(".") or len(body) - offset > 160:
        return None
    tail = tokenize(body[offset + inner.end:])
    k = 0
    while k < len(tail):
        if m := tb.name_words.match(tail, k):  # "có liên quan"
            k += m
            continue
        if tb.verbs.match(tail, k) or tb.directives.match(tail, k) or tail[k].low in ("để", "nhằm", "khi", "nếu"):
            return None
        k += 1
    actors = [ActorSpan(a.start + offset, a.end + offset, a.text, a.generic) for a in inner.actors]
    last = actors[-1]
    actors[-1] = ActorSpan(last.start, len(body), clause[last.start:len(body)], last.generic)
    return Subject(actors, None, True, len(body))


def _after_topic_label(clause: str) -> Subject | None:
    """A topic label, then a sentence with its subject: "Dự toán kinh phí: Ủy ban nhân dân … tổ chức lập …"."""
    head, sep, rest = clause.partition(":")
    if not sep or not rest.strip() or len(head.split()) > 6 or not head[:1].isupper() or any(c in head for c in ".;("):
        return None
    offset = len(head) + 1 + (len(rest) - len(rest.lstrip()))
    inner = find_subject(clause[offset:])
    if not inner.actors or inner.heading_like or inner.actors[0].start != 0:
        return None  # the sentence must open with its subject, not with a context phrase
    return _shift(inner, offset)


def _passive_agent(clause: str, tokens: Sequence[Token]) -> Subject | None:
    """A noun phrase and then "do X <verb>": X acts ("Nhiệm vụ … do Tổ trưởng tổ công tác phân công")."""
    tb = _tables()
    for k, t in enumerate(tokens):
        if t.text in ".;,(":
            return None
        if tb.verbs.match(tokens, k) or tb.directives.match(tokens, k):
            return None
        if k and tb.agents.match(tokens, k):
            found, end = read_actor_list(tokens, k + 1)
            if found and end < len(tokens) and tb.verbs.match(tokens, end):
                return Subject(_spans(clause, tokens, found), None, False, tokens[end - 1].end)
            return None
    return None


def _preceded_by_actor(tokens: Sequence[Token], k: int) -> bool:
    """Whether a directive at ``k`` follows a named issuer ("Chủ tịch UBND huyện yêu cầu")."""
    for back in range(max(0, k - 10), k):
        found, end = read_actor_list(tokens, back)
        if found and end == k:
            return True
    return False


def find_co_actors(clause: str, tokens: Sequence[Token] | None = None) -> list[ActorSpan]:
    """Who co-operates: "phối hợp với X", "phối hợp X", "với sự phối hợp của X".

    >>> [a.text for a in find_co_actors("Chủ trì, phối hợp với các ngành có liên quan triển khai")]
    ['các ngành có liên quan']
    """
    toks = list(tokens) if tokens is not None else tokenize(clause)
    out: list[ActorSpan] = []
    for k in range(len(toks) - 1):
        if toks[k].low != "phối" or toks[k + 1].low != "hợp":
            continue
        j = k + 2
        if j < len(toks) and toks[j].low == "với":
            j += 1
        elif j + 1 < len(toks) and toks[j].low == "của":
            j += 1
        found, _ = read_actor_list(toks, j)
        if not found:  # "phối hợp với ngành liên quan", "… với cấp ủy, chính quyền địa phương": no quantifier
            found, _ = read_actor_list(toks, j, bare_first=True)
        out.extend(_spans(clause, toks, found))
    unique: dict[tuple[int, int], ActorSpan] = {}
    for a in out:
        unique.setdefault((a.start, a.end), a)
    return list(unique.values())


_DEFINED_ABBREVIATION = re.compile(
    r"\(\s*(?:sau đây\s+)?(?:được\s+)?(?:gọi\s+(?:tắt|chung)\s+là\s+|viết\s+tắt\s+là\s+)?"
    r"([A-ZĐ][A-ZĐ0-9&\-]{1,11})\s*\)"
)


def find_defined_abbreviations(text: str) -> dict[str, str]:
    """Abbreviations a plan defines itself: "cải cách hành chính (CCHC)", "(sau đây gọi chung là ĐHTT)".

    The expansion is the run of words just before the parenthesis whose initials spell it.

    >>> find_defined_abbreviations("công tác cải cách hành chính (CCHC) năm 2026")
    {'CCHC': 'cải cách hành chính'}
    """
    from ingest.normalize import fold

    out: dict[str, str] = {}
    for m in _DEFINED_ABBREVIATION.finditer(text):
        abbr = m.group(1)
        letters = [c for c in fold(abbr) if c.isalpha()]
        before = text[max(0, m.start() - 200) : m.start()]
        words = re.findall(r"[\w]+", before)
        k = len(letters)
        if k < 2 or len(words) < k:
            continue
        cand = words[-k:]
        if [fold(w)[0] for w in cand] == letters:
            span_start = before.rfind(cand[0], 0, len(before) - sum(len(w) for w in cand[1:]))
            out.setdefault(abbr, before[span_start:].strip(" ,;"))
    return out


@cache
def _abbreviation_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    table = lexicon().abbreviations
    keys = sorted(table, key=len, reverse=True)
    return re.compile(r"(?<![\w&])(" + "|".join(re.escape(k) for k in keys) + r")(?![\w&])"), table


def expand_abbreviations(name: str, extra: dict[str, str] | None = None) -> str:
    """ "UBND huyện" → "Ủy ban nhân dân huyện"; ``extra`` holds a plan's own definitions.

    >>> expand_abbreviations("Chủ tịch UBND các xã")
    'Chủ tịch Ủy ban nhân dân các xã'
    """
    pattern, table = _abbreviation_pattern()
    name = pattern.sub(lambda m: table[m.group(1)], name)
    if extra:
        for abbr, full in extra.items():
            name = re.sub(rf"(?<![\w&]){re.escape(abbr)}(?![\w&])", full, name)
    return name


# -- people and cells ------------------------------------------------------------------------------

def split_person_names(text: str) -> list[str] | None:
    """Full Vietnamese names run together ("Vũ Việt Linh Nguyễn Thị Loan"), one per person; None if the
    text is not a run of names. Every name starts with a family name (``family_names.tsv``) and has 2 to 4
    words; of the ways to cut, the one with most three-word names wins, and one name stays whole.

    >>> split_person_names("Đỗ Mạnh Cường Vũ Việt Linh")
    ['Đỗ Mạnh Cường', 'Vũ Việt Linh']
    """
    families = lexicon().family_names
    parts = [p for p in re.split(r"\s*[\n;,]\s*|\s+-\s+", text.strip(" .;,")) if p]
    out: list[str] = []
    for part in parts:
        words = part.split()
        if not words or not all(w[:1].isupper() and w.isalpha() for w in words):
            return None
        best: dict[int, tuple[int, list[int]]] = {0: (0, [])}  # words used -> (cost, cut points)
        for k in range(len(words)):
            if k not in best or words[k] not in families:
                continue
            cost, cuts = best[k]
            for size in (2, 3, 4):
                if k + size <= len(words):
                    cand = (cost + (size != 3), [*cuts, k + size])
                    if k + size not in best or cand[0] < best[k + size][0]:
                        best[k + size] = cand
        if len(words) not in best:
            return None
        cuts = [0, *best[len(words)][1]]
        out.extend(" ".join(words[a:b]) for a, b in zip(cuts, cuts[1:], strict=False))
    return out or None


def cell_actors(text: str) -> list[ActorSpan]:
    """Actors written in a table's lead or partner cell.

    A cell lists who, so a group that goes on with a clause of its own, up to the cell's end, is one
    actor as printed ("Các cơ quan, đơn vị trực tiếp sử dụng ngân sách nhà nước"); not a named body, a
    trailing adverbial ("… theo chức năng, nhiệm vụ được giao") or a sentence ("Sở Nội vụ chủ trì, …").
    Each line is read on its own; people's names in one cell are split per person. [] when nothing
    of this applies (the caller then reads the cell as before).
    """
    if "\n" in text.strip():
        out: list[ActorSpan] = []
        pos = 0
        for line in text.split("\n"):
            spans = cell_actors(line)
            if not spans and line.strip():
                return []
            out.extend(ActorSpan(a.start + pos, a.end + pos, a.text, a.generic) for a in spans)
            pos += len(line) + 1
        return out
    tb = _tables()
    tokens = tokenize(text)
    found, end = read_actor_list(tokens, 0)
    if not found:
        names = split_person_names(text)
        if names:
            out, pos = [], 0
            for name in names:
                start = text.find(name.split()[0], pos)
                stop = start + len(name)
                if text[start:stop] != name:  # names split across lines: keep the printed words
                    stop = text.find(name.split()[-1], start) + len(name.split()[-1])
                out.append(ActorSpan(start, stop, text[start:stop], False))
                pos = stop
            return out
        return []
    stop = next((k for k in range(end, len(tokens)) if tokens[k].text in (";", "(")), len(tokens))
    lo, _, generic = found[-1]
    tail = tokens[end:stop]
    if not generic or not tail or not tail[0].is_word or any(t.text == "," for t in tail) or (
            tb.stops.match(tokens, end) and tokens[end].low != "có") or any(
            tb.verbs.match(tokens, k) and tokens[k].low in ("chủ", "phối") for k in range(end, stop)):
        return []  # a plain list, a sentence or a trailing adverbial: the caller reads it as before
    # a group goes on with its defining clause ("các cơ quan có nguồn thu nộp ngân sách nhà nước")
    found[-1] = (lo, stop, generic)
    spans = _spans(text, tokens, found)
    return [ActorSpan(a.start, a.end, a.text.rstrip(" .,"), a.generic) for a in spans]


# -- OCR-garbled names ----------------------------------------------------------------------------

@cache
def _bodies_by_first() -> dict[str, list[tuple[str, list[str]]]]:
    from ingest.normalize import fold

    out: dict[str, list[tuple[str, list[str]]]] = {}
    for body in lexicon().bodies:
        words = fold(body).replace(",", " ").split()
        out.setdefault(words[0], []).append((body, words))
    return out


@cache
def _body_vocabulary() -> frozenset[str]:
    """Words (lower case) of known names and places: a printed word among them is not a garble."""
    lx = lexicon()
    words = " ".join([*lx.bodies, *lx.admin_units, *lx.named_heads, *lx.name_words, *lx.group_nouns])
    return frozenset(words.lower().replace(",", " ").split())


def _same_but_initials(a: str, b: str) -> bool:
    wa, wb = a.replace(",", " ").split(), b.replace(",", " ").split()
    return len(wa) == len(wb) and all(x[1:] == y[1:] and x[:1].lower() == y[:1].lower()
                                      for x, y in zip(wa, wb, strict=True))


def _word_snap(got: list[str], want: list[str], printed: list[str]) -> int | None:
    """How far printed words are from a body's words (folded): 0 when only the marks differ; the
    distance of the one garbled word when the name is long (four words or more) and the word keeps its
    first letter ("Môi tac" for "Môi trường"); None when the printed words name something else."""
    differ = [(g, w, p) for g, w, p in zip(got, want, printed, strict=True) if g != w]
    if not differ:
        return 0
    if len(differ) > 1 or len(want) < 4:
        return None
    g, w, p = differ[0]
    if p.lower() in _body_vocabulary():
        return None  # a real word of some body's name ("thành" in "thành phố"): not a garble
    d = edit_distance(g, w)
    return d if g[:1] == w[:1] and len(w) >= 3 and d < max(len(g), len(w)) else None


def canonical_body(name: str) -> str:
    """A known body's name as printed in the gazetteer (``bodies.csv``) when OCR garbled it.

    The words must be as many and the same once folded, save one garbled word of a long name
    (``_word_snap``), and the nearest body must be clearly nearer than the next. Words after the
    body's name are kept.

    >>> canonical_body("Sở Tài nguyên và Môi tac")
    'Sở Tài nguyên và Môi trường'
    >>> canonical_body("Sở Y tẾ tỉnh")
    'Sở Y tế tỉnh'
    """
    from ingest.normalize import fold

    words = name.split()
    if not words:
        return name
    folded = [fold(w).strip(",") for w in words]
    for i in range(len(words)):
        options = _bodies_by_first().get(folded[i])
        if not options:
            continue
        scored: list[tuple[int, int, str]] = []
        for body, bwords in options:
            k = len(bwords)
            if i + k > len(words):
                continue
            d = _word_snap(folded[i:i + k], bwords, words[i:i + k])
            if d is not None:
                scored.append((d, k, body))
        if not scored:
            continue
        scored.sort(key=lambda x: (x[0], -x[1]))
        d, k, body = scored[0]
        if len(scored) > 1 and scored[1][0] - d < 2 and scored[1][1] == k and scored[1][2] != body:
            continue
        printed = " ".join(words[i:i + k])
        if _same_but_initials(printed.rstrip(","), body):
            continue  # as printed, or only the initial capitals differ ("Sở Công thương")
        return " ".join([*words[:i], body, *words[i + k:]])
    return name
