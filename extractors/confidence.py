"""How sure the extractor is of each task: a ranking for the reviewer, who checks the least sure first.

The score starts from how the actor was found (a labelled block or a table row is surer than an actor
assumed from a letter's addressees) and loses weight for each sign of doubt: a clause that starts
mid-sentence, an enumeration of many actors, the issuer assigning a task to itself, an actor whose name
holds an action word, an OCR'd page read with low confidence. Weights live in ``data/confidence.yaml``;
``bench/confidence_auc.py`` reports how well the score separates right tasks from wrong ones.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from extractors.actors import read_actor_list, tokenize
from extractors.lexicon import lexicon, load_yaml
from ingest.document import Document
from ingest.normalize import fold


@dataclass(frozen=True)
class _Weights:
    base: dict[str, float]
    bonus: dict[str, float]
    penalty: dict[str, float]
    many_actors: int
    relative_words: tuple[str, ...]
    long_clause: int


@cache
def _weights() -> _Weights:
    data = load_yaml("confidence.yaml")
    for key in ("base", "bonus", "penalty"):
        if not isinstance(data.get(key), dict) or not all(isinstance(v, int | float) for v in data[key].values()):
            raise ValueError(f"confidence.yaml: '{key}' must map names to numbers")
    return _Weights(dict(data["base"]), dict(data["bonus"]), dict(data["penalty"]), int(data["many_actors"]),
                    tuple(fold(w) for w in data["relative_words"]), int(data["long_clause"]))


_BARE_NUMBER_START = re.compile(r"^\d{1,3}\s+(?=\S)(?![.)])")
_CITATION_TAIL = re.compile(r"^[A-ZĐ]{1,6}(?:/[A-ZĐ]{1,6})+\b")


def starts_mid_sentence(clause: str, opens_block: bool = True) -> bool:
    """The clause begins inside a sentence: lower case, a bare footnote number, a citation's tail.

    >>> starts_mid_sentence("2 trái phép; (ii) Khai thác không đúng nội dung giấy phép")
    True
    >>> starts_mid_sentence("NQ/TW ngày 10/02/2022 của Bộ Chính trị về định hướng")
    True
    >>> starts_mid_sentence("Sở Nội vụ chủ trì, phối hợp các sở")
    False
    """
    first = clause.lstrip(" \n-+•*")
    if not first:
        return True
    if first[0].islower():
        return opens_block  # a later sentence or step of an item starts in lower case by design
    if "\n" in clause[:6]:
        return False  # a table row: its number cell, then the task
    return bool(_BARE_NUMBER_START.match(first) or _CITATION_TAIL.match(first))


_GENERIC_STARTS = ("cac ", "nhung ", "moi ", "tat ca ")


def _ambiguous_end(clause: str, actors: list[str]) -> bool:
    """A group named without a body, followed by words that may still describe it or already be the task:
    "Các cơ quan, đơn vị chủ trì các phong trào thi đua có gương … được tuyên dương"."""
    if not actors:
        return False
    low, name = fold(clause), fold(actors[0])
    at = low.find(name)
    if at < 0 or not name.startswith(_GENERIC_STARTS):
        return False
    after = low[at + len(name) :].lstrip()
    return after.startswith(_weights().relative_words) and not after.startswith(tuple(
        w + "," for w in _weights().relative_words))


_DIRECTIVE_OPENERS = ("giao ", "de nghi ", "yeu cau ", "chi dao ", "trong do", "theo do")


def _actor_late(clause: str, actors: list[str]) -> bool:
    """The named actor stands well inside the clause, not at its head nor after "Giao"/"Đề nghị"."""
    low = fold(clause).lstrip(" -+•*0123456789.)\n")
    if not actors or low.startswith(_DIRECTIVE_OPENERS):
        return False
    at = low.find(fold(actors[0]))
    return at > 40


def _enumerates_others(clause: str, ob: Any) -> bool:
    """The clause lists, after a colon, named bodies that are neither its actors nor its co-actors
    ("Tăng cường phối hợp giữa các cơ quan: Sở Nông nghiệp và Môi trường, Sở Công Thương, …")."""
    colon = clause.find(":", 0, 160)
    if colon < 0:
        return False
    known = {fold(a) for a in [*ob.actors, *ob.co_actors]}
    tail = clause[colon + 1 : colon + 240]
    tokens = tokenize(tail)
    found, _ = read_actor_list(tokens, 0)
    named = [fold(tail[tokens[lo].start : tokens[hi - 1].end]) for lo, hi, generic in found if not generic]
    return len(named) >= 2 and not any(n in k or k in n for n in named for k in known)


def _addresses_itself(clause: str) -> bool:
    """The clause opens with its own directive ("Đề nghị …", "Giao …"): it names its addressee itself."""
    low = fold(clause).lstrip(" -+•*0123456789.)\n")
    return any(low.startswith(fold(word) + " ") for word in lexicon().directives)


def _is_issuer(actor: str, issuer: str | None) -> bool:
    """"Ủy ban nhân dân tỉnh" in a plan of "Ủy ban nhân dân tỉnh Ninh Bình"."""
    if not issuer:
        return False
    a, i = fold(actor), fold(issuer)
    return a == i or (i.startswith(a + " ") and len(a.split()) >= 3)


def score(ob: Any, clause: str, document: Document, issuer: str | None,
          block_starts: frozenset[int] | None = None) -> float:
    """The confidence of one obligation (an :class:`~extractors.obligations.Obligation`), in (0, 1].

    ``block_starts`` (where the document's paragraphs start) is computed once by a caller that scores
    every obligation of a long document."""
    w = _weights()
    source = ob.actor_source
    if source == "implicit" and ob.actors:
        source = "addressees"
    value = w.base.get(source, 0.7)
    if ob.deadline:
        value += w.bonus.get("deadline", 0.0)
    starts = block_starts if block_starts is not None else frozenset(b.start for b in document.blocks)
    if starts_mid_sentence(clause, ob.start in starts):
        value -= w.penalty["fragment"]
    if len(clause) > w.long_clause:
        value -= w.penalty["long_clause"]
    if len(ob.actors) >= w.many_actors:
        value -= w.penalty["many_actors"]
    if source in ("explicit", "heading") and any(_is_issuer(a, issuer) for a in ob.actors):
        value -= w.penalty["self_assigned"]
    if source == "explicit" and _ambiguous_end(clause, ob.actors):
        value -= w.penalty["ambiguous_end"]
    if source == "explicit" and _actor_late(clause, ob.actors):
        value -= w.penalty["actor_late"]
    if source in ("heading", "label", "addressees") and (_enumerates_others(clause, ob) or _addresses_itself(clause)):
        value -= w.penalty["names_others"]
    for page in document.pages:
        if page.ocr and page.start <= ob.start < page.end and page.ocr_confidence is not None:
            value -= w.penalty["low_ocr"] * max(0.0, 1.0 - page.ocr_confidence)
    return round(min(max(value, 0.05), 0.99), 2)
