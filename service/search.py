"""Full-text search of tasks with each database's own engine: whole words, "quoted phrases", ranking.

Text is folded in Python before it is indexed and before it is searched (:func:`service.actors.text_key`:
lower case, diacritics removed, đ → d, punctuation dropped), so both engines see the same words and
"hoà", "hòa" and "hoa" are one word — but "hoa" no longer matches "kế hoạch".

- **SQLite**: an external-content FTS5 table ``obligations_fts`` over ``obligations.search``
  (``tokenize='unicode61 remove_diacritics 2'``), kept in sync by triggers; ranked by ``bm25``.
- **PostgreSQL**: a stored generated column ``obligations.search_tsv`` =
  ``to_tsvector('simple', search)`` with a GIN index; ranked by ``ts_rank_cd``. The ``simple``
  configuration (no stemming, no stop words: PostgreSQL has no Vietnamese dictionary, and Vietnamese
  words are single syllables) over the Python-folded text does what ``unaccent`` would, identically
  to SQLite, with no extension to install.

Query syntax (:func:`parse`): words (all must occur), ``"quoted phrases"`` (words next to each
other, in order), ``word*`` (prefix), ``-word`` / ``-"phrase"`` (must not occur).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Select, column, func, literal_column, table, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from service.actors import text_key

FTS_TABLE = "obligations_fts"
TSV_COLUMN = "search_tsv"
TSV_INDEX = "ix_obligations_search_tsv"
# schema objects that live outside the ORM models (see service.db.include_object)
EXTRA_OBJECTS = frozenset({FTS_TABLE, TSV_COLUMN, TSV_INDEX})

_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # folded; more than one: a phrase
    prefix: bool = False
    negate: bool = False


def parse(q: str) -> list[Term]:
    """The terms of a query; words are folded like the index.

    >>> [(t.words, t.prefix, t.negate) for t in parse('Hoà "báo cáo" -Đoàn kiểm*')]
    [(('hoa',), False, False), (('bao', 'cao'), False, False), (('doan',), False, True), (('kiem',), True, False)]
    >>> parse('  "" - , ')
    []
    """
    out: list[Term] = []
    for m in _TERM.finditer(q):
        neg_phrase, phrase, neg_word, word = m.groups()
        if phrase is not None:
            words = tuple(text_key(phrase).split())
            if words:
                out.append(Term(words, negate=bool(neg_phrase)))
            continue
        prefix = word.endswith("*")
        words = tuple(text_key(word).split())
        if not words:
            continue
        if len(words) > 1:  # "UBND-tỉnh", "30/12": one written word, several index words
            out.append(Term(words, negate=bool(neg_word)))
        else:
            out.append(Term(words, prefix=prefix, negate=bool(neg_word)))
    return out


def positive(terms: list[Term]) -> bool:
    return any(not t.negate for t in terms)


def fts5_query(terms: list[Term]) -> str:
    """An FTS5 MATCH expression: every term quoted, so nothing the user types is FTS syntax.

    >>> fts5_query(parse('hoà "báo cáo" -doan kiem*'))
    '"hoa" AND "bao cao" AND "kiem"* NOT "doan"'
    """
    pos = [_fts5_term(t) for t in terms if not t.negate]
    neg = [_fts5_term(t) for t in terms if t.negate]
    expr = " AND ".join(pos)
    for n in neg:
        expr += f" NOT {n}"
    return expr


def _fts5_term(t: Term) -> str:
    quoted = '"' + " ".join(t.words).replace('"', '""') + '"'
    return quoted + ("*" if t.prefix else "")


def tsquery(terms: list[Term]) -> str:
    """A ``to_tsquery('simple', …)`` expression (words are ``\\w+`` only, so quoting is safe).

    >>> tsquery(parse('hoà "báo cáo" -doan kiem*'))
    "'hoa' & 'bao' <-> 'cao' & 'kiem':* & !('doan')"
    """
    parts = [_ts_term(t) for t in terms if not t.negate] + [f"!({_ts_term(t)})" for t in terms if t.negate]
    return " & ".join(parts)


def _ts_term(t: Term) -> str:
    words = [w.replace("'", "''").replace("\\", "") for w in t.words]
    if len(words) > 1:
        return " <-> ".join(f"'{w}'" for w in words)
    return f"'{words[0]}'" + (":*" if t.prefix else "")


@dataclass(frozen=True)
class Match:
    """A parsed query bound to a database: adds itself to a SELECT and gives a rank to order by."""

    dialect: str
    terms: tuple[Term, ...]

    @classmethod
    def of(cls, dialect: str, q: str | None) -> Match | None:
        """None when the query has no word to look for (then there is no filter)."""
        terms = parse(q or "")
        return cls(dialect, tuple(terms)) if positive(terms) else None

    def apply(self, stmt: Select[Any], id_column: ColumnElement[Any]) -> tuple[Select[Any], ColumnElement[Any]]:
        """``stmt`` restricted to the matching tasks, and the rank expression (smaller is better)."""
        if self.dialect == "postgresql":
            tsv: ColumnElement[Any] = literal_column(f"obligations.{TSV_COLUMN}")
            query = func.to_tsquery("simple", tsquery(list(self.terms)))
            return stmt.where(tsv.op("@@")(query)), -func.ts_rank_cd(tsv, query)
        fts = table(FTS_TABLE, column("rowid"), column("rank"))
        hits = (
            _select_fts(fts)
            .where(literal_column(FTS_TABLE).op("MATCH")(fts5_query(list(self.terms))))
            .subquery("fts_hits")
        )
        return stmt.join(hits, hits.c.rowid == id_column), hits.c.rank


@contextmanager
def plan_order_walk(session: Session, on: bool) -> Iterator[None]:
    """On PostgreSQL, read a search's first pages by walking the plan order, not the word index.

    For ``on`` (the caller counted more than :data:`service.store.SEARCH_COUNT_LIMIT` hits and wants
    a page within them, in plan order), the bitmap plan the planner picks from its estimate would
    read every hit's row to sort them: it multiplies the words' frequencies ("sở", "nội", "vụ"),
    which occur together, and expects ~3,000 hits where there are 26,000 (210 ms at 500 K tasks).
    Walking ``ix_obligations_document_seq`` and testing each row stops at the page's last hit: with
    more than 1,000 hits the page is found within a bounded stretch (2 ms). The planner settings
    are local to the transaction and restored after the statement. SQLite: nothing to do (FTS5
    gives the hits, the page is sorted from them).
    """
    bind = session.get_bind()
    if not on or bind.dialect.name != "postgresql":
        yield
        return
    before = session.execute(
        text(
            "SELECT current_setting('enable_bitmapscan'), current_setting('enable_seqscan'), "
            "set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true)"
        )
    ).one()
    try:
        yield
    finally:
        session.execute(
            text("SELECT set_config('enable_bitmapscan', :b, true), set_config('enable_seqscan', :s, true)"),
            {"b": before[0], "s": before[1]},
        )


def _select_fts(fts: Any) -> Select[Any]:
    from sqlalchemy import select

    return select(fts.c.rowid.label("rowid"), literal_column(f"bm25({FTS_TABLE})").label("rank")).select_from(fts)


# ---------------------------------------------------------------- schema (migration 0005 and every start)

_SQLITE_TRIGGERS = {
    "obligations_fts_ai": f"""CREATE TRIGGER IF NOT EXISTS obligations_fts_ai AFTER INSERT ON obligations BEGIN
  INSERT INTO {FTS_TABLE}(rowid, search) VALUES (new.id, new.search);
END""",
    "obligations_fts_ad": f"""CREATE TRIGGER IF NOT EXISTS obligations_fts_ad AFTER DELETE ON obligations BEGIN
  INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search) VALUES ('delete', old.id, old.search);
END""",
    "obligations_fts_au": f"""CREATE TRIGGER IF NOT EXISTS obligations_fts_au
  AFTER UPDATE OF search ON obligations BEGIN
  INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search) VALUES ('delete', old.id, old.search);
  INSERT INTO {FTS_TABLE}(rowid, search) VALUES (new.id, new.search);
END""",
}


def install(conn: Connection) -> bool:
    """Create the index (idempotent); True when it was (re)built from the stored tasks.

    On SQLite a table rebuild by a later batch migration drops triggers: they are re-created and
    the index rebuilt on the next start.
    """
    if conn.dialect.name == "postgresql":
        have = conn.execute(
            text(
                "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = 'obligations' AND column_name = :c"
            ),
            {"c": TSV_COLUMN},
        ).first()
        if have:
            return False
        conn.execute(
            text(
                f"ALTER TABLE obligations ADD COLUMN {TSV_COLUMN} tsvector "
                "GENERATED ALWAYS AS (to_tsvector('simple', coalesce(search, ''))) STORED"
            )
        )
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS {TSV_INDEX} ON obligations USING gin ({TSV_COLUMN})"))
        return True
    if conn.dialect.name != "sqlite":
        return False
    names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')"))}
    if FTS_TABLE in names and set(_SQLITE_TRIGGERS) <= names:
        return False
    conn.execute(
        text(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(search, content='obligations', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
    )
    for ddl in _SQLITE_TRIGGERS.values():
        conn.execute(text(ddl))
    conn.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))
    return True


def uninstall(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"DROP INDEX IF EXISTS {TSV_INDEX}"))
        conn.execute(text(f"ALTER TABLE obligations DROP COLUMN IF EXISTS {TSV_COLUMN}"))
    elif conn.dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        conn.execute(text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))


def ensure(engine: Engine) -> None:
    with engine.begin() as conn:
        install(conn)
