"""Full-text search of listings in the users' own words, with each database's machinery.

Each listing keeps one column of searchable words, ``search_text``: its title,
description and industry, the names of its category and material type in Finnish,
English and Swedish with the material catalogue's synonyms
(``matching/knowledge/materials.json``), its List of Waste code written both ways
("10 02 02 100202") and the code's title in English and Finnish. The ORM fills it on
every insert and update (``_fill_search_text``), so every writer keeps it current;
nothing about the owner or the place is in it (an anonymous listing's words are what its
page shows anyway).

The databases index that column themselves:

- PostgreSQL: a GIN index on its Finnish, English and Swedish ``tsvector`` together
  (stems: "kuonaa" finds "kuona", "ashes" finds "ash"), and a ``pg_trgm`` GIN index on
  the text (parts of compounds: "kuona" finds "masuunikuona"; typos through
  ``word_similarity``: "ferokromi" finds "ferrokromi");
- SQLite: an FTS5 table with the trigram tokenizer over the column (external content),
  kept current by triggers; the query's words are stemmed here with the same Snowball
  stemmers that PostgreSQL uses, and found as substrings ("kuonaa" -> "kuona" finds
  "masuunikuonaa"); typos are corrected against the catalogue's words.

A query typed as a List of Waste code ("10 02 02", "100202", "10 02 02*") finds the
listings of that code first."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
import sqlalchemy as sa

from ..models import MaterialNeed, SideStream

TABLES = ("side_stream", "material_need")
LANGUAGES = ("finnish", "english", "swedish")  # PostgreSQL's text search configurations
MAX_TERMS = 8
# The trigram tokenizer (SQLite) and index (pg_trgm) find substrings of three characters
# or more; shorter words ("Cd", "Zn") are looked for with LIKE.
MIN_SUBSTRING = 3
# A stem shorter than this is too loose a substring: the word itself is looked for then
# ("ash" of "ashes" is kept, "as" of "ashes" in Swedish would not be).
MIN_STEM = 3
# pg_trgm's similarity from which a catalogue word counts as what a typo meant
# (measured on PostgreSQL 15: word_similarity "ferokromikuona" against "ferrokromikuona"
# 0.82, "masuunikoona" against "masuunikuona" 0.63). pg_trgm's default.
WORD_SIMILARITY = 0.6


def similar_words_sql(session, word: str) -> list[str]:
    """PostgreSQL: the catalogue's words nearest to ``word`` by pg_trgm's similarity."""
    rows = session.execute(sa.text(
        "SELECT w FROM unnest(CAST(:words AS text[])) AS w "
        "WHERE word_similarity(:word, w) >= :threshold ORDER BY similarity(w, :word) DESC, w LIMIT 2"),
        {"words": list(vocabulary()), "word": word, "threshold": WORD_SIMILARITY})
    return [r[0] for r in rows]

# The categories of side streams in the three languages: a slag with a Finnish title is
# found by "slag" and "slagg". Finnish words as the site's catalogue translates the
# category labels (marketplace/translations/fi); Swedish as used by Swedish industry
# (Jernkontoret, Energiforsk reports), not yet checked by a translator.
CATEGORY_WORDS = {
    "slag": ("kuona", "slag", "slagg"),
    "ash": ("tuhka", "ash", "aska"),
    "dust": ("pöly", "dust", "stoft damm"),
    "sludge": ("liete", "sludge", "slam"),
    "tailings": ("rikastushiekka", "tailings", "anrikningssand"),
    "waste_rock": ("sivukivi", "waste rock", "gråberg"),
    "gypsum": ("kipsi", "gypsum", "gips"),
    "lime_residue": ("kalkkijäännös", "lime residue", "kalkrest"),
    "dregs": ("sakka viherlipeäsakka", "dregs", "grönlutslam"),
    "biomass_residue": ("biomassatähde", "biomass residue", "biomassarest"),
    "metal_scrap": ("metalliromu", "metal scrap", "metallskrot"),
    "mineral_fines": ("mineraalihienoaines", "mineral fines", "mineralfiller"),
    "other": ("", "", ""),
}


# -- the words of a listing ------------------------------------------------------------

@lru_cache(maxsize=1)
def _catalogue_types() -> dict:
    import json
    from importlib import resources

    text = resources.files("matching.knowledge").joinpath("materials.json").read_text("utf-8")
    return json.loads(text)["types"]


def material_words(material_type: str | None) -> str:
    """The names and synonyms of a material type in every language of the catalogue."""
    entry = _catalogue_types().get(material_type or "")
    if not entry:
        return ""
    words = list((entry.get("names") or {}).values())
    for synonyms in (entry.get("synonyms") or {}).values():
        words.extend(synonyms)
    return " ".join(dict.fromkeys(words))


@lru_cache(maxsize=1)
def _waste_titles() -> dict[str, str]:
    from ..reference import list_of_waste

    return {row["code"]: " ".join(filter(None, (row["title_en"], row.get("title_fi"), row.get("title_sv"))))
            for row in list_of_waste()["entries"]}


def code_words(code: str | None) -> str:
    """A List of Waste code as typed both ways, and its titles in English and Finnish."""
    if not code:
        return ""
    code = code.rstrip("*")
    return f"{code} {code.replace(' ', '')} {_waste_titles().get(code, '')}"


@lru_cache(maxsize=1)
def _application_words() -> dict[str, str]:
    """The applications' labels in English and in the site's Finnish catalogue."""
    from pathlib import Path

    from babel.support import Translations

    from ..i18n import APPLICATION_LABELS

    finnish = Translations.load(str(Path(__file__).resolve().parents[1] / "translations"), ["fi"])
    out = {}
    for key, label in APPLICATION_LABELS.items():
        english = label._args[0] if hasattr(label, "_args") else str(label)
        out[key] = f"{english} {finnish.gettext(english)}"
    return out


def stream_document(values: dict) -> str:
    """The searchable words of a side stream, from its column values."""
    parts = [values.get("title"), values.get("description"), values.get("industry"),
             " ".join(CATEGORY_WORDS.get(values.get("category") or "", ())),
             material_words(values.get("material_type")), code_words(values.get("ewc_code"))]
    return _joined(parts)


def need_document(values: dict) -> str:
    """The searchable words of a material need, from its column values."""
    parts = [values.get("title"), values.get("description"),
             _application_words().get(values.get("application") or "", "")]
    for category in values.get("categories") or ():
        parts.append(" ".join(CATEGORY_WORDS.get(category, ())))
    for code in values.get("ewc_codes") or ():
        parts.append(code_words(code))
    return _joined(parts)


def _joined(parts) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


STREAM_COLUMNS = ("title", "description", "industry", "category", "material_type", "ewc_code")
NEED_COLUMNS = ("title", "description", "application", "categories", "ewc_codes")


def document(listing) -> str:
    if isinstance(listing, SideStream):
        return stream_document({c: getattr(listing, c) for c in STREAM_COLUMNS})
    return need_document({c: getattr(listing, c) for c in NEED_COLUMNS})


def _fill_search_text(_mapper, _connection, target) -> None:
    target.search_text = document(target)


for _model in (SideStream, MaterialNeed):
    sa.event.listen(_model, "before_insert", _fill_search_text)
    sa.event.listen(_model, "before_update", _fill_search_text)


# -- the index in each database ----------------------------------------------------------

# PostgreSQL: the Finnish, English and Swedish tsvectors of ``search_text`` together, a
# stored generated column that only the database writes (not in the models).
VECTOR_COLUMN = "search_vector"


def tsvector_sql(column: str = "search_text") -> str:
    """The words of ``column`` as PostgreSQL's three dictionaries stem them."""
    return " || ".join(f"to_tsvector('{lang}'::regconfig, coalesce({column}, ''))" for lang in LANGUAGES)


def create_index(connection, table: str) -> None:
    """The search index of ``table`` (side_stream or material_need), filled from the rows."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        # Stored, not an expression index: ranking reads the vector of every hit, and
        # three to_tsvector calls a row cost more than the query (2 s on 3 000 rows).
        connection.exec_driver_sql(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {VECTOR_COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({tsvector_sql()}) STORED")
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS ix_{table}_search_fts ON {table} USING gin ({VECTOR_COLUMN})")
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS ix_{table}_search_trgm ON {table} USING gin (search_text gin_trgm_ops)")
        create_title_index(connection, table)
        return
    fts = f"{table}_search"
    # The title is a column of its own too, for the hits with the words in their title
    # (``tiers``: ``title : (...)``), found by the index out of many.
    connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search_text, title, content='{table}', "
        f"content_rowid='id', tokenize='trigram')")
    # The FTS5 documentation's triggers for an external-content table.
    connection.exec_driver_sql(
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, search_text, title) VALUES (new.id, new.search_text, new.title); END")
    connection.exec_driver_sql(
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_text, title) VALUES ('delete', old.id, old.search_text, old.title); "
        f"END")
    connection.exec_driver_sql(
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF search_text, title ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_text, title) VALUES ('delete', old.id, old.search_text, old.title); "
        f"INSERT INTO {fts}(rowid, search_text, title) VALUES (new.id, new.search_text, new.title); END")
    connection.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def create_title_index(connection, table: str) -> None:
    """PostgreSQL: a ``pg_trgm`` index on the title, for the hits with the words in their
    title (``tiers``), read first out of many (a filter over every hit instead: 40 ms for
    3 600 hits of a typo at 100 000 streams). SQLite filters the full-text hits."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS ix_{table}_search_title_trgm ON {table} USING gin (title gin_trgm_ops)")


def drop_index(connection, table: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS ix_{table}_search_title_trgm")
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS ix_{table}_search_trgm")
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS ix_{table}_search_fts")
        connection.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {VECTOR_COLUMN}")
        return
    fts = f"{table}_search"
    for trigger in ("insert", "delete", "update"):
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {fts}_{trigger}")
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {fts}")


def is_index_object(name: str | None) -> bool:
    """Whether a table or index is part of the search index (built by ``create_index``,
    not described by the models)."""
    if name == VECTOR_COLUMN:
        return True
    return bool(name) and any(name.startswith(f"{t}_search") or name.startswith(f"ix_{t}_search_")
                              for t in TABLES)


def _create_with_table(table, connection, **_kw) -> None:
    create_index(connection, table.name)


def _drop_with_table(table, connection, **_kw) -> None:
    drop_index(connection, table.name)


# ``create_all`` (benchmarks, scratch databases) builds the index with the tables; the
# migrations call ``create_index`` themselves.
for _model in (SideStream, MaterialNeed):
    sa.event.listen(_model.__table__, "after_create", _create_with_table)
    sa.event.listen(_model.__table__, "before_drop", _drop_with_table)


# -- the query -------------------------------------------------------------------------------

CODE = re.compile(r"^\s*(\d{2})\s*(\d{2})\s*(\d{2})\s*\*?\s*$")
SUBCHAPTER = re.compile(r"^\s*(\d{2})\s+(\d{2})\s*$")
WORD = re.compile(r"\w+")


@lru_cache(maxsize=3)
def _stemmer(language: str):
    return snowballstemmer.stemmer(language)


def substrings(word: str) -> list[str]:
    """What to look for of a typed word as substrings: the word and its stems in each
    language ("kuonaa" -> "kuona"; "ashes" -> "ash"), the longer ones left out where a
    shorter one holds them."""
    word = word.lower()
    forms = {word}
    for language in LANGUAGES:
        stem = _stemmer(language).stemWord(word)
        if len(stem) >= MIN_STEM or stem == word:
            forms.add(stem)
    kept = []
    for form in sorted(forms, key=len):
        if not any(k in form for k in kept):
            kept.append(form)
    return kept


@lru_cache(maxsize=1)
def vocabulary() -> tuple[str, ...]:
    """The catalogue's and the categories' words, to correct typos against (SQLite)."""
    words = set()
    for entry in _catalogue_types().values():
        texts = list((entry.get("names") or {}).values())
        for synonyms in (entry.get("synonyms") or {}).values():
            texts.extend(synonyms)
        for text in texts:
            words.update(w.lower() for w in WORD.findall(text) if len(w) >= 5)
    for names in CATEGORY_WORDS.values():
        for text in names:
            words.update(w.lower() for w in WORD.findall(text) if len(w) >= 5)
    return tuple(sorted(words))


def corrections(word: str) -> list[str]:
    """Catalogue words a typo probably meant ("ferokromi" -> "ferrokromi")."""
    word = word.lower()
    if len(word) < 5 or word in vocabulary():
        return []
    return difflib.get_close_matches(word, vocabulary(), n=2, cutoff=0.8)


@dataclass
class TextQuery:
    """A typed query: a List of Waste code, or words (each with what to look for)."""

    text: str
    code: str | None = None          # "10 02 02": listings of that code first
    subchapter: str | None = None    # "10 02": codes under it
    words: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, q: str) -> "TextQuery":
        q = (q or "").strip()
        found = CODE.match(q)
        if found:
            return cls(q, code=" ".join(found.groups()))
        found = SUBCHAPTER.match(q)
        if found:
            return cls(q, subchapter=" ".join(found.groups()))
        return cls(q, words=WORD.findall(q)[:MAX_TERMS])

    @property
    def empty(self) -> bool:
        return not (self.code or self.subchapter or self.words)


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts5_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _code_condition(cls, tq: TextQuery):
    if cls is SideStream:
        if tq.code:
            return SideStream.ewc_code == tq.code
        return SideStream.ewc_code.like(f"{tq.subchapter} %")
    code = tq.code or tq.subchapter
    return cls.search_text.like(_like(code), escape="\\")


def condition(cls, tq: TextQuery, dialect: str, finds=None, similar=None):
    """Rows of ``cls`` that the query finds. ``finds(clause)`` answers whether any listing
    in search matches a clause: a word that finds nothing as typed is looked for as a
    typo too (only then: near spellings of a word that exists are noise, and slow).
    ``similar(word)``: the catalogue's words near it (PostgreSQL: pg_trgm's similarity)."""
    if tq.code or tq.subchapter:
        # A code finds its listings, and listings that name it in their words.
        code = tq.code or tq.subchapter
        named = cls.search_text.like(_like(code), escape="\\")
        if tq.code:
            named = sa.or_(named, cls.search_text.like(_like(code.replace(" ", "")), escape="\\"))
        return sa.or_(_code_condition(cls, tq), named)
    if dialect == "postgresql":
        return sa.and_(*(_postgres_word(cls, word, finds, similar) for word in tq.words))
    return _sqlite_condition(cls, tq, finds)


def _tsquery(word: str):
    parts = [sa.func.plainto_tsquery(sa.literal_column(f"'{lang}'::regconfig"), word) for lang in LANGUAGES]
    query = parts[0]
    for part in parts[1:]:
        query = query.op("||")(part)
    return query


def _vector(cls):
    return sa.literal_column(f"{cls.__tablename__}.{VECTOR_COLUMN}")


def _postgres_exact(cls, word: str):
    alternatives = [_vector(cls).op("@@")(_tsquery(word))]
    alternatives += [cls.search_text.ilike(_like(s), escape="\\") for s in substrings(word)]
    return sa.or_(*alternatives)


def _postgres_word(cls, word: str, finds=None, similar=None):
    """One typed word on PostgreSQL: its stem in any language (the tsvector index) or a
    substring of a compound (trigram index); a word that finds nothing so is replaced by
    the catalogue's words nearest to it by pg_trgm's similarity ("ferokromikuona" ->
    "ferrokromikuona"). Measured: a similarity test on every listing's text cost 2 s on
    100 000 streams (docs/benchmarks-listings.md); on the catalogue's words it is cheap."""
    exact = _postgres_exact(cls, word)
    if len(word) >= 5 and finds is not None and similar is not None and not finds(exact):
        near = similar(word.lower())
        if near:
            return sa.or_(exact, *(_postgres_exact(cls, w) for w in near))
    return exact


def _fts5_group(word: str, typos: bool = False) -> str | None:
    forms = [s for s in substrings(word) if len(s) >= MIN_SUBSTRING]
    if not forms:
        return None
    if typos:
        forms += corrections(word)
    return "(" + " OR ".join(_fts5_string(f) for f in dict.fromkeys(forms)) + ")"


def _fts5_match(cls, match: str):
    table = f"{cls.__tablename__}_search"
    hits = sa.select(sa.literal_column("rowid")).select_from(sa.table(table)).where(
        sa.literal_column(table).op("MATCH")(match))
    return cls.id.in_(hits)


def _sqlite_condition(cls, tq: TextQuery, finds=None):
    groups, conditions = [], []
    for word in tq.words:
        group = _fts5_group(word)
        if group is None:  # below the trigram index: a plain LIKE
            conditions.append(cls.search_text.like(_like(word), escape="\\"))
            continue
        if corrections(word) and finds is not None and not finds(_fts5_match(cls, group)):
            group = _fts5_group(word, typos=True)
        groups.append(group)
    if groups:
        conditions.insert(0, _fts5_match(cls, " AND ".join(groups)))
    return sa.and_(*conditions)


def _in_title(cls, word: str):
    return sa.or_(*(cls.title.ilike(_like(s), escape="\\") for s in substrings(word)))


def tiers(cls, tq: TextQuery, dialect: str) -> list:
    """Conditions of the best ranked hits, best first, for reading a bounded slice of a
    query's hits that holds them (``search._first_hits``): the listings of a typed code
    (an index on ``ewc_code``), or those with every word in their title (PostgreSQL: a
    trigram index on the title; SQLite: the full-text table's title column)."""
    if tq.code or tq.subchapter:
        return [_code_condition(cls, tq)]
    if not tq.words:
        return []
    if dialect == "postgresql":
        return [sa.and_(*(_in_title(cls, word) for word in tq.words))]
    groups = [_fts5_group(word) for word in tq.words]
    short = [_in_title(cls, word) for word, group in zip(tq.words, groups) if group is None]
    groups = [g for g in groups if g is not None]
    if groups:
        short.insert(0, _fts5_match(cls, "title : (" + " AND ".join(groups) + ")"))
    return [sa.and_(*short)]


def rank(cls, tq: TextQuery, dialect: str):
    """Higher first: the listings of a typed code, then words in the title."""
    score = sa.literal(0.0)
    if tq.code or tq.subchapter:
        return score + sa.case((_code_condition(cls, tq), 100.0), else_=0.0)
    for word in tq.words:
        score = score + sa.case((_in_title(cls, word), 3.0), else_=0.0)
    # No ts_rank here: reading every hit's vector cost most of 700 ms for a word in a
    # fifth of 100 000 streams (docs/benchmarks-listings.md).
    return score
