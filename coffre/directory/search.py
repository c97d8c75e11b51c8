"""Full-text search of the directory in French: accents, plurals and typos.

One interface (``SearchIndex``: ``index``, ``remove``, ``find``), two engines chosen by
the database's dialect, both built by the migration
``2026_12_06_0600-6f1d2c3b4a59_directory``:

- SQLite: an FTS5 table ``directory_search`` over text folded (lower case, no
  accents) and stemmed by the French Snowball stemmer (``snowballstemmer``), the same
  folding and stemming applied to the query, so that "Hébergements" and "hebergement"
  are the same word; and an FTS5 table with the **trigram** tokenizer over every word
  of the directory (``directory_search_words``), where a misspelt word finds its near
  words. The stemmed text itself is indexed by words, not trigrams: measured on
  10^4 services, a trigram index made every ranked query 5 to 60 times slower (a
  stem is then a phrase of trigrams whose positions FTS5 must check row by row)
  while typos are already handled by the words' trigrams.
- PostgreSQL: a ``tsvector`` per service in ``directory_search`` (GIN index), made by
  the text search configuration ``coffre_french`` (``french`` with ``unaccent`` before
  the French stemmer), searched with ``to_tsquery('coffre_french', …)``.

Typos: every word of the directory is kept once, folded, in ``directory_words``. A
query word that is not one of them is replaced by its nearest words by trigram
similarity (pg_trgm's measure, threshold 0.3): ``pg_trgm``'s ``%`` operator and GIN
index on PostgreSQL, an FTS5 trigram table (``directory_search_words``) that finds
candidates and the same measure computed here on SQLite. "logemant" becomes
"logement", which the stemmer then matches to "logements".

A query has three parts, each matched in its own field: the need (name,
description, thematics), the place (commune, postal code, département, zone of
eligibility) and the public. Every word must match (AND); a word's alternatives
(its near words) are ORed. Results come by relevance (bm25 on SQLite, ts_rank on
PostgreSQL), then by id so that equal scores come in a stable order; only the first
``CANDIDATES`` matches the index yields are ranked, so that a search costs the same
whatever the size of the directory (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Protocol

import snowballstemmer
from sqlalchemy import text
from sqlalchemy.orm import Session as DbSession

SIMILARITY_THRESHOLD = 0.3  # pg_trgm's default similarity_threshold
NEAR_WORDS = 3  # alternatives kept for a misspelt word
FUZZY_MIN_LENGTH = 4  # shorter words are taken as typed (too few trigrams to compare)
# Relevance orders the first matches found by the index, at most this many (or the
# page asked for, if deeper): a search costs the same at 10^4 and 10^5 services, and a
# query matching more services than this is too broad to read anyway (add a place).
CANDIDATES = 500
# A word of every public: matched by any public asked for.
ALL_PUBLICS_WORD = "touspublics"
PG_CONFIG = "coffre_french"

# Words that carry no need (French articles, prepositions, conjunctions).
STOP_WORDS = frozenset(
    "a au aux avec c ce ces d dans de des du en et il j l la le les leur leurs m ma mes mon "
    "n ne ni nos notre ou par pas pour qu que qui s sa se ses son sur t ta te tes ton un une "
    "vos votre y".split()
)
_APOSTROPHES = re.compile("['’`´]")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(value: str) -> str:
    """Lower case, without accents, every run of other characters made one space."""
    decomposed = unicodedata.normalize("NFKD", value.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", bare.replace("œ", "oe").replace("æ", "ae")).strip()


def words(value: str) -> list[str]:
    """The folded words of a text that may carry a meaning (stop words left out)."""
    return [w for w in fold(value).split() if w not in STOP_WORDS and len(w) > 1]


@cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("french")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    # Snowball in pure Python takes tens of microseconds a word; a directory repeats
    # its words, so each is stemmed once per process.
    return str(_stemmer().stemWord(word))


def stemmed(value: str) -> str:
    """The text as the SQLite index holds it: its stems, separated by spaces."""
    return " ".join(stem(w) for w in words(value))


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity of two folded words: shared trigrams over all trigrams."""
    ta, tb = _trigrams(a), _trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


@dataclass(frozen=True)
class Indexed:
    """A service as the index sees it: its three fields as plain text."""

    service_id: str
    need: str
    place: str
    public: str

    def vocabulary(self) -> set[str]:
        return {
            w
            for part in (self.need, self.place, self.public)
            for w in words(part)
            if w.isalpha() and len(w) >= 3
        }


# A field's groups: every group must match, any word of a group will do.
Groups = list[list[str]]


@dataclass(frozen=True)
class Terms:
    need: Groups = field(default_factory=list)
    place: Groups = field(default_factory=list)
    public: Groups = field(default_factory=list)

    def empty(self) -> bool:
        return not (self.need or self.place or self.public)


class SearchIndex(Protocol):
    def index(self, db: DbSession, rows: Sequence[Indexed]) -> None: ...

    def remove(self, db: DbSession, service_ids: Sequence[str]) -> None: ...

    def near(self, db: DbSession, word: str) -> list[str]: ...

    def find(self, db: DbSession, terms: Terms, limit: int, offset: int) -> list[str]: ...

    def explain(self, db: DbSession, terms: Terms, limit: int) -> str: ...


def window(limit: int, offset: int) -> int:
    """How many matches the index hands over for ranking."""
    return max(CANDIDATES, offset + limit)


def index_for(db: DbSession) -> SearchIndex:
    if db.get_bind().dialect.name == "sqlite":
        return SqliteIndex()
    return PostgresIndex()


def known_words(db: DbSession, candidates: Iterable[str]) -> set[str]:
    """Which of these folded words are words of the directory (one query)."""
    wanted = sorted(set(candidates))
    if not wanted:
        return set()
    params = {f"w{i}": w for i, w in enumerate(wanted)}
    marks = ", ".join(f":w{i}" for i in range(len(wanted)))
    found = db.execute(
        text(f"SELECT word FROM directory_words WHERE word IN ({marks})"),  # noqa: S608 - bound parameters
        params,
    )
    return {str(w) for (w,) in found}


def terms_for(db: DbSession, engine: SearchIndex, need: str, place: str, public: str) -> Terms:
    """The query's words, each with its alternatives when it is not a known word."""
    parts = (words(need), words(place), words(public))
    fuzzy = {w for part in parts for w in part if w.isalpha() and len(w) >= FUZZY_MIN_LENGTH}
    known = known_words(db, fuzzy)

    def groups(part: list[str]) -> Groups:
        return [[w, *engine.near(db, w)] if w in fuzzy - known else [w] for w in part]

    public_groups = [[*group, ALL_PUBLICS_WORD] for group in groups(parts[2])]
    return Terms(need=groups(parts[0]), place=groups(parts[1]), public=public_groups)


def _add_words(db: DbSession, rows: Iterable[Indexed]) -> list[str]:
    """Add the rows' new words to ``directory_words``; return those that were new."""
    vocabulary: set[str] = set()
    for row in rows:
        vocabulary |= row.vocabulary()
    if not vocabulary:
        return []
    ordered = sorted(vocabulary)
    existing: set[str] = set()
    for start in range(0, len(ordered), 500):
        existing |= known_words(db, ordered[start : start + 500])
    new = [w for w in ordered if w not in existing]
    if new:
        db.execute(
            text("INSERT INTO directory_words (word) VALUES (:word)"), [{"word": w} for w in new]
        )
    return new


def _rowid(service_id: str) -> int:
    """The FTS5 rowid of a service: 63 bits of a digest of its id (FTS5 needs an integer)."""
    return int.from_bytes(hashlib.sha256(service_id.encode()).digest()[:8], "big") >> 1


class SqliteIndex:
    """FTS5 over folded, stemmed words; trigrams over the words (module docstring)."""

    def index(self, db: DbSession, rows: Sequence[Indexed]) -> None:
        if not rows:
            return
        self.remove(db, [r.service_id for r in rows])
        db.execute(
            text(
                "INSERT INTO directory_search (rowid, service_id, need, place, public) "
                "VALUES (:rowid, :service_id, :need, :place, :public)"
            ),
            [
                {
                    "rowid": _rowid(r.service_id),
                    "service_id": r.service_id,
                    "need": stemmed(r.need),
                    "place": stemmed(r.place),
                    "public": stemmed(r.public),
                }
                for r in rows
            ],
        )
        new = _add_words(db, rows)
        if new:
            db.execute(
                text("INSERT INTO directory_search_words (word) VALUES (:word)"),
                [{"word": w} for w in new],
            )

    def remove(self, db: DbSession, service_ids: Sequence[str]) -> None:
        if service_ids:
            db.execute(
                text("DELETE FROM directory_search WHERE rowid = :rowid"),
                [{"rowid": _rowid(i)} for i in service_ids],
            )

    def near(self, db: DbSession, word: str) -> list[str]:
        grams = sorted({word[i : i + 3] for i in range(len(word) - 2)})
        match = " OR ".join(f'"{g}"' for g in grams)  # folded: [a-z] only
        found = db.execute(
            text(
                "SELECT word FROM directory_search_words WHERE directory_search_words "
                "MATCH :m ORDER BY rank LIMIT 64"
            ),
            {"m": match},
        )
        scored = sorted(
            ((similarity(word, str(w)), str(w)) for (w,) in found),
            key=lambda pair: (-pair[0], pair[1]),
        )
        return [w for score, w in scored if score >= SIMILARITY_THRESHOLD][:NEAR_WORDS]

    @staticmethod
    def _match(terms: Terms) -> str:
        parts = []
        for column, groups in (
            ("need", terms.need),
            ("place", terms.place),
            ("public", terms.public),
        ):
            for group in groups:
                # Folded words are [a-z0-9] only; quoted, no word is FTS5 syntax.
                alternatives = " OR ".join(f'"{stem(w)}"' for w in group)
                parts.append(f"{column} : ({alternatives})")
        return " AND ".join(parts)

    _FIND = (
        "SELECT service_id FROM (SELECT service_id, bm25(directory_search) AS score "
        "FROM directory_search WHERE directory_search MATCH :m LIMIT :window) "
        "ORDER BY score, service_id LIMIT :limit OFFSET :offset"
    )

    def find(self, db: DbSession, terms: Terms, limit: int, offset: int) -> list[str]:
        found = db.execute(
            text(self._FIND),
            {
                "m": self._match(terms),
                "window": window(limit, offset),
                "limit": limit,
                "offset": offset,
            },
        )
        return [str(i) for (i,) in found]

    def explain(self, db: DbSession, terms: Terms, limit: int) -> str:
        plan = db.execute(
            text("EXPLAIN QUERY PLAN " + self._FIND),
            {"m": self._match(terms), "window": window(limit, 0), "limit": limit, "offset": 0},
        )
        return "\n".join(str(row[-1]) for row in plan)


def _tsquery(terms: Terms) -> str:
    """``(w | near) & …`` with each word restricted to its field's weight."""
    parts = []
    for weight, groups in (("A", terms.need), ("B", terms.place), ("C", terms.public)):
        for group in groups:
            # Folded words are [a-z0-9] only: nothing of the tsquery syntax gets in.
            parts.append("(" + " | ".join(f"{w}:{weight}" for w in group) + ")")
    return " & ".join(parts)


_PG_DOCUMENT = (
    f"setweight(to_tsvector('{PG_CONFIG}', :need), 'A') || "
    f"setweight(to_tsvector('{PG_CONFIG}', :place), 'B') || "
    f"setweight(to_tsvector('{PG_CONFIG}', :public), 'C')"
)


def _pg_text(value: str) -> str:
    # The French parser would keep "d’hébergement" as one word: apostrophes part words.
    return _APOSTROPHES.sub(" ", value)


class PostgresIndex:
    """The ``coffre_french`` configuration (unaccent + French stemmer) and pg_trgm."""

    def index(self, db: DbSession, rows: Sequence[Indexed]) -> None:
        if not rows:
            return
        db.execute(
            text(
                f"INSERT INTO directory_search (service_id, document) "  # noqa: S608 - constant
                f"VALUES (:service_id, {_PG_DOCUMENT}) "
                "ON CONFLICT (service_id) DO UPDATE SET document = EXCLUDED.document"
            ),
            [
                {
                    "service_id": r.service_id,
                    "need": _pg_text(r.need),
                    "place": _pg_text(r.place),
                    "public": _pg_text(r.public),
                }
                for r in rows
            ],
        )
        _add_words(db, rows)

    def remove(self, db: DbSession, service_ids: Sequence[str]) -> None:
        if service_ids:
            db.execute(
                text("DELETE FROM directory_search WHERE service_id = :id"),
                [{"id": i} for i in service_ids],
            )

    def near(self, db: DbSession, word: str) -> list[str]:
        found = db.execute(
            text(
                "SELECT word FROM directory_words WHERE word % :w "
                "ORDER BY similarity(word, :w) DESC, word LIMIT :n"
            ),
            {"w": word, "n": NEAR_WORDS},
        )
        return [str(w) for (w,) in found]

    _FIND = (
        "SELECT service_id FROM (SELECT service_id, ts_rank(document, q) AS score "  # noqa: S608 - constant
        f"FROM directory_search, to_tsquery('{PG_CONFIG}', :q) q WHERE document @@ q "
        "LIMIT :window) candidates ORDER BY score DESC, service_id LIMIT :limit OFFSET :offset"
    )

    def find(self, db: DbSession, terms: Terms, limit: int, offset: int) -> list[str]:
        found = db.execute(
            text(self._FIND),
            {
                "q": _tsquery(terms),
                "window": window(limit, offset),
                "limit": limit,
                "offset": offset,
            },
        )
        return [str(i) for (i,) in found]

    def explain(self, db: DbSession, terms: Terms, limit: int) -> str:
        plan = db.execute(
            text("EXPLAIN " + self._FIND),
            {"q": _tsquery(terms), "window": window(limit, 0), "limit": limit, "offset": 0},
        )
        return "\n".join(str(row[0]) for row in plan)


def words_of(values: Iterable[str | None]) -> str:
    """Several texts as one field (None left out)."""
    return " ".join(v for v in values if v)


__all__ = [
    "ALL_PUBLICS_WORD",
    "Indexed",
    "SearchIndex",
    "Terms",
    "fold",
    "index_for",
    "similarity",
    "stem",
    "terms_for",
    "words",
    "words_of",
]
