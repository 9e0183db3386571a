"""Checks of the European List of Waste reference data (marketplace/data/list_of_waste.json).

Plain JSON checks, no application needed. Official figures for Commission Decision
2000/532/EC as replaced by Commission Decision 2014/955/EU (in force 1 June 2015):
20 chapters, 111 sub-chapters, 842 six-digit entries of which 408 are hazardous (*).
"""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

DATA_PATH = Path(__file__).resolve().parents[1] / "marketplace" / "data" / "list_of_waste.json"

OFFICIAL_CHAPTERS = 20
OFFICIAL_SUBCHAPTERS = 111
OFFICIAL_ENTRIES = 842
OFFICIAL_HAZARDOUS = 408

CHAPTER_RE = re.compile(r"^\d{2}$")
SUBCHAPTER_RE = re.compile(r"^\d{2} \d{2}$")
ENTRY_RE = re.compile(r"^\d{2} \d{2} \d{2}$")


@pytest.fixture(scope="module")
def data():
    with DATA_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def entries(data):
    return {e["code"]: e for e in data["entries"]}


def test_top_level_shape(data):
    assert set(data) >= {"source", "chapters", "subchapters", "entries"}
    assert data["source"]["en"] and data["source"]["fi"]
    for key in ("chapters", "subchapters", "entries"):
        assert isinstance(data[key], list) and data[key]


def test_official_counts(data):
    assert len(data["chapters"]) == OFFICIAL_CHAPTERS
    assert len(data["subchapters"]) == OFFICIAL_SUBCHAPTERS
    assert len(data["entries"]) == OFFICIAL_ENTRIES
    assert sum(1 for e in data["entries"] if e["hazardous"]) == OFFICIAL_HAZARDOUS


def test_codes_unique_and_well_formed(data):
    for key, pattern in (("chapters", CHAPTER_RE), ("subchapters", SUBCHAPTER_RE), ("entries", ENTRY_RE)):
        codes = [item["code"] for item in data[key]]
        assert len(codes) == len(set(codes)), f"duplicate codes in {key}"
        bad = [c for c in codes if not pattern.match(c)]
        assert not bad, f"malformed {key} codes: {bad}"
        assert codes == sorted(codes), f"{key} not in code order"
    assert not any("*" in e["code"] for e in data["entries"])


def test_chapter_codes_are_01_to_20(data):
    assert [c["code"] for c in data["chapters"]] == [f"{i:02d}" for i in range(1, 21)]


def test_every_entry_has_chapter_and_subchapter(data):
    chapters = {c["code"] for c in data["chapters"]}
    subchapters = {s["code"] for s in data["subchapters"]}
    for s in subchapters:
        assert s[:2] in chapters, s
    for e in data["entries"]:
        assert e["code"][:2] in chapters, e["code"]
        assert e["code"][:5] in subchapters, e["code"]
    # no empty headings
    assert {e["code"][:5] for e in data["entries"]} == subchapters
    assert {s[:2] for s in subchapters} == chapters


def test_field_types_and_titles(data):
    for group in ("chapters", "subchapters", "entries"):
        for item in data[group]:
            assert isinstance(item["title_en"], str) and item["title_en"].strip() == item["title_en"] != ""
            assert item["title_fi"] is None or (isinstance(item["title_fi"], str) and item["title_fi"].strip())
            assert "  " not in item["title_en"]
    for e in data["entries"]:
        assert isinstance(e["hazardous"], bool)
        assert isinstance(e["mirror"], list)


def test_mirror_pairs_symmetric_and_cross_hazard(entries):
    pairs = 0
    for code, e in entries.items():
        assert len(e["mirror"]) == len(set(e["mirror"]))
        for other in e["mirror"]:
            assert other in entries, (code, other)
            assert code in entries[other]["mirror"], f"{code} -> {other} not reciprocal"
            assert e["hazardous"] != entries[other]["hazardous"], (code, other)
            pairs += 1
    assert pairs > 0 and pairs % 2 == 0


def test_mirror_derived_from_other_than_text(entries):
    """Every hazardous code named in 'other than ... mentioned in' of a non-hazardous entry is a mirror."""
    ref = re.compile(r"others? than (?:those|that|the wastes) mentioned in ((?:\d\d \d\d \d\d|,|\s|and|or|to)+)")
    for code, e in entries.items():
        if e["hazardous"]:
            continue
        named = set()
        for m in ref.finditer(e["title_en"]):
            text = m.group(1)
            for a, b in re.findall(r"(\d\d \d\d \d\d) to (\d\d \d\d \d\d)", text):
                named |= {c for c in entries if a <= c <= b}
            named |= set(re.findall(r"\d\d \d\d \d\d", text))
        expected = {c for c in named if entries[c]["hazardous"]}
        assert set(e["mirror"]) == expected, code


@pytest.mark.parametrize(
    "code, hazardous, title",
    [
        ("10 02 02", False, "unprocessed slag"),
        ("10 01 02", False, "coal fly ash"),
        ("03 03 02", False, "green liquor sludge (from recovery of cooking liquor)"),
        ("01 03 04", True, "acid-generating tailings from processing of sulphide ore"),
        ("19 12 12", False, "other wastes (including mixtures of materials) from mechanical treatment "
                            "of wastes other than those mentioned in 19 12 11"),
        ("17 05 03", True, "soil and stones containing hazardous substances"),
        ("17 05 04", False, "soil and stones other than those mentioned in 17 05 03"),
    ],
)
def test_known_entries(entries, code, hazardous, title):
    e = entries[code]
    assert e["hazardous"] is hazardous
    assert e["title_en"] == title


def test_known_mirror_pairs(entries):
    assert entries["17 05 04"]["mirror"] == ["17 05 03"]
    assert entries["17 05 03"]["mirror"] == ["17 05 04"]
    assert entries["19 12 12"]["mirror"] == ["19 12 11"]
    assert entries["10 01 15"]["mirror"] == ["10 01 14"]
    assert entries["01 03 06"]["mirror"] == ["01 03 04", "01 03 05"]
    assert entries["10 02 02"]["mirror"] == []
    assert entries["10 01 02"]["mirror"] == []


@pytest.mark.parametrize(
    "code",
    # hazardous entries introduced or re-flagged by Decision 2014/955/EU, plus long-standing ones
    ["16 03 03", "16 03 05", "19 13 01", "01 03 04", "01 03 05", "10 02 07", "10 01 14",
     "17 06 05", "17 09 03", "16 01 04", "13 02 05", "20 01 21"],
)
def test_known_hazardous(entries, code):
    assert entries[code]["hazardous"] is True


def test_known_finnish_titles(entries):
    assert entries["10 02 02"]["title_fi"] == "käsittelemättömät kuonat"
    assert entries["10 01 02"]["title_fi"] == "hiilen poltossa syntyvä lentotuhka"
    assert entries["17 05 04"]["title_fi"] == "muut kuin nimikkeessä 17 05 03 mainitut maa- ja kiviainekset"
    assert entries["01 03 04"]["title_fi"].startswith("sulfidimalmin käsittelyssä")


def test_hazardous_per_chapter_sum(data):
    per_chapter = Counter(e["code"][:2] for e in data["entries"] if e["hazardous"])
    assert sum(per_chapter.values()) == OFFICIAL_HAZARDOUS
    # chapters 13 and 14 (oil and solvent wastes) are entirely hazardous
    for ch in ("13", "14"):
        in_ch = [e for e in data["entries"] if e["code"].startswith(ch)]
        assert in_ch and all(e["hazardous"] for e in in_ch)


def test_every_code_and_heading_has_a_swedish_title(data):
    for key in ("chapters", "subchapters", "entries"):
        missing = [item["code"] for item in data[key] if not item.get("title_sv")]
        assert not missing, f"{key} without title_sv: {missing[:10]}"
    assert data["source"]["sv"]


def test_swedish_titles_use_the_trade_words(entries):
    assert entries["10 02 02"]["title_sv"] == "Obearbetad slagg"
    assert entries["10 01 02"]["title_sv"] == "Flygaska från kolförbränning"
    assert entries["03 03 02"]["title_sv"].startswith("Grönlutsslam")
    assert "anrikningssand" in entries["01 03 06"]["title_sv"].lower()
    english = re.compile(r"\b(and|or|other than|mentioned|wastes?)\b")
    assert not [e["code"] for e in entries.values() if english.search(e["title_sv"])]
