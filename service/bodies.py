"""Which bodies a task is addressed to: named bodies, their short forms, and groups of bodies.

A task addressed to a group ("Các sở, ban, ngành", "Ủy ban nhân dân các xã, phường", "các cơ quan,
đơn vị") is in the list of every body of the kinds the group names. Membership is data:

- ``data/groups.yaml``: the kinds of bodies (each with the heads a name starts with: "Sở …" is a
  sở, "UBND xã …" a xã) and the words of group names ("sở", "ngành", "địa phương" …) with the
  kinds each includes;
- ``data/bodies.csv`` and the ``bodies`` table (added by an admin, ``POST /bodies``): bodies whose
  kind the name does not give ("Công an tỉnh": ngành) and their short forms ("SNV", "Sở NV").

A body's initials ("SNV" for "Sở Nội vụ") find it when no other listed body has the same.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from service.actors import actor_key

DATA_DIR = Path(__file__).resolve().parent / "data"
_LEADS = (("chu", "tich"), ("uy", "ban", "nhan", "dan"))  # skipped before a body's head


@dataclass(frozen=True)
class Body:
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    source: str = "data"  # data (bodies.csv) | admin (the bodies table)


@dataclass(frozen=True)
class Groups:
    """The kinds (label, heads as folded token tuples) and the group words (folded tuples → kinds)."""

    labels: dict[str, str]
    heads: list[tuple[tuple[str, ...], str]]  # longest first
    words: dict[tuple[str, ...], frozenset[str]]
    spelled: dict[tuple[str, ...], str]  # each word as written in groups.yaml
    max_word: int


@lru_cache(maxsize=1)
def groups() -> Groups:
    import yaml

    raw = yaml.safe_load((DATA_DIR / "groups.yaml").read_text(encoding="utf-8"))
    labels = {str(k): str(v["label"]) for k, v in raw["kinds"].items()}
    heads = [(tuple(actor_key(str(h)).split()), str(kind)) for kind, v in raw["kinds"].items() for h in v["heads"]]
    words: dict[tuple[str, ...], frozenset[str]] = {}
    spelled: dict[tuple[str, ...], str] = {}
    for word, kinds in raw["words"].items():
        unknown = set(kinds) - set(labels)
        if unknown:
            raise ValueError(f"groups.yaml: word {word!r} names unknown kinds {sorted(unknown)}")
        words[tuple(actor_key(str(word)).split())] = frozenset(kinds)
        spelled[tuple(actor_key(str(word)).split())] = str(word)
    return Groups(
        labels=labels,
        heads=sorted(heads, key=lambda h: -len(h[0])),
        words=words,
        spelled=spelled,
        max_word=max(len(w) for w in words),
    )


@lru_cache(maxsize=1)
def listed() -> tuple[Body, ...]:
    """The bodies of ``data/bodies.csv``."""
    lines = (DATA_DIR / "bodies.csv").read_text(encoding="utf-8").splitlines()
    rows = csv.DictReader(line for line in lines if line.strip() and not line.startswith("#"))
    out = []
    for row in rows:
        kind = (row.get("kind") or "").strip()
        if kind not in groups().labels:
            raise ValueError(f"bodies.csv: {row.get('name')!r} has unknown kind {kind!r}")
        aliases = tuple(a.strip() for a in (row.get("aliases") or "").split(";") if a.strip())
        out.append(Body(row["name"].strip(), kind, aliases))
    return tuple(out)


def group_kinds(key: str) -> frozenset[str] | None:
    """The kinds a group addressee includes (from its :func:`actor_key`), or None for a single body.

    >>> sorted(group_kinds(actor_key("Các sở, ban, ngành")))
    ['ban', 'nganh', 'so']
    >>> sorted(group_kinds(actor_key("UBND các xã, phường, đặc khu")))
    ['dac_khu', 'phuong', 'xa']
    >>> group_kinds(actor_key("Ban Quản lý các khu công nghiệp")) is None
    True
    """
    g = groups()
    tokens = key.split()
    found: set[str] = set()
    for i, tok in enumerate(tokens):
        if tok != "cac":
            continue
        j = i + 1
        while j < len(tokens):
            for n in range(min(g.max_word, len(tokens) - j), 0, -1):
                kinds = g.words.get(tuple(tokens[j : j + n]))
                if kinds is not None:
                    found |= kinds
                    j += n
                    break
            else:
                break
    return frozenset(found) if found else None


def initials(name: str) -> str:
    """The first letters of a name's words, folded.

    >>> initials("Sở Nội vụ"), initials("Sở Văn hóa, Thể thao và Du lịch")
    ('snv', 'svhttdl')
    """
    return "".join(t[0] for t in actor_key(name).split() if t)


@dataclass
class Registry:
    """The listed bodies (data file and admin additions) and how names find them."""

    bodies: list[Body]
    by_key: dict[str, Body] = field(default_factory=dict)

    def __post_init__(self) -> None:
        counts: dict[str, int] = {}
        for b in self.bodies:
            counts[initials(b.name)] = counts.get(initials(b.name), 0) + 1
        for b in self.bodies:
            for spelling in (b.name, *b.aliases):
                self.by_key.setdefault(actor_key(spelling), b)
            short = initials(b.name)
            if len(short) >= 3 and counts[short] == 1:
                self.by_key.setdefault(short, b)

    def resolve(self, name: str) -> Body | None:
        """The listed body a name or short form stands for.

        >>> r = Registry(list(listed()))
        >>> r.resolve("SNV").name, r.resolve("Sở NV").name, r.resolve("so noi vu").name
        ('Sở Nội vụ', 'Sở Nội vụ', 'Sở Nội vụ')
        """
        return self.by_key.get(actor_key(name))

    def keys_of(self, name: str) -> list[str]:
        """Every key that stands for this body in stored tasks (its name, short forms, initials)."""
        body = self.resolve(name)
        if body is None:
            return [k for k in [actor_key(name)] if k]
        keys = [k for k, b in self.by_key.items() if b is body]
        return list(dict.fromkeys([actor_key(body.name), *keys]))

    def kind_of(self, name: str) -> str | None:
        """A body's kind: as listed, else from the head of its name ("Sở …", "UBND xã …").

        >>> r = Registry(list(listed()))
        >>> r.kind_of("Công an tỉnh"), r.kind_of("UBND xã Tân Hòa"), r.kind_of("Sở Y tế"), r.kind_of("Ông A")
        ('nganh', 'xa', 'so', None)
        """
        body = self.resolve(name)
        if body is not None:
            return body.kind
        tokens = tuple(actor_key(name).split())
        if group_kinds(" ".join(tokens)) is not None:
            return None
        for lead in _LEADS:
            if tokens[: len(lead)] == lead:
                tokens = tokens[len(lead) :]
        for head, kind in groups().heads:
            if tokens[: len(head)] == head:
                return kind
        return None


def registry(session: Any) -> Registry:
    """The data file's bodies and the admin's (the ``bodies`` table)."""
    from sqlalchemy import select

    from service.models import BodyRow

    added = [
        Body(r.name, r.kind, tuple(r.aliases or ()), "admin")
        for r in session.scalars(select(BodyRow).order_by(BodyRow.id))
    ]
    return Registry([*added, *listed()])


@dataclass(frozen=True)
class Addressee:
    """What an actor filter matches: the body's own keys, and the group keys that include it."""

    name: str
    keys: tuple[str, ...]
    group_keys: tuple[str, ...]


def expand(session: Any, names: Iterable[str]) -> list[Addressee]:
    """For each filter name, its keys and the stored group addressees that include it."""
    names = [n for n in names if actor_key(n)]
    if not names:
        return []
    from sqlalchemy import select

    from service.models import ObligationActor

    reg = registry(session)
    stored = session.scalars(select(ObligationActor.key).where(ObligationActor.key.like("%cac %")).distinct()).all()
    group_of = {k: kinds for k in stored if (kinds := group_kinds(k)) is not None}
    out = []
    for name in names:
        kind = reg.kind_of(name)
        included = tuple(sorted(k for k, kinds in group_of.items() if kind is not None and kind in kinds))
        out.append(Addressee(name, tuple(reg.keys_of(name)), included))
    return out


def addressed_to_group(actor_names: list[str], addressees: list[Addressee]) -> str | None:
    """The group a task reaches the filtered body through, when it does not name the body itself."""
    keys = [actor_key(n) for n in actor_names]
    for a in addressees:
        if any(f" {k} " in f" {key} " for k in a.keys for key in keys):
            return None
    for a in addressees:
        for name, key in zip(actor_names, keys, strict=True):
            if key in a.group_keys:
                return name
    return None
