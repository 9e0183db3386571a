"""The Finnish and Swedish catalogues are complete: every marked string (in Python code,
HTML pages and mail templates) has a translation that keeps its placeholders, so no page
or mail falls back to English."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.messages.mofile import write_mo

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("fi", "sv")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[^}]*\}")


def extracted_ids(tmp_path) -> set[str]:
    template = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
         "-k", "_l", "-k", "N_", "-o", str(template), "marketplace", "matching", "templates"],
        check=True, cwd=ROOT, capture_output=True,
    )
    with template.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def catalogue_of(language: str):
    path = ROOT / "marketplace" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    return extracted_ids(tmp_path_factory.mktemp("pot"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_in_the_catalogue(language, extracted):
    catalogue = catalogue_of(language)
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    assert len(extracted) > 500, "the extraction found too little: check babel.cfg"
    missing = sorted(extracted - known)
    assert missing == [], f"append these to the {language} catalogue and translate: {missing[:20]}"


def test_mail_templates_are_extracted(extracted):
    assert "Set a new password for Sivuvirta by opening this link:" in extracted


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_is_done_and_keeps_its_placeholders(language):
    problems = []
    for message in catalogue_of(language):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} -> {text!r}")
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_compiles_without_placeholder_errors(language, tmp_path):
    """What `pybabel compile` refuses (for example a stray '% o' read as a format)."""
    catalogue = catalogue_of(language)
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalogue.check()]
    assert problems == []
    with (tmp_path / "messages.mo").open("wb") as handle:
        write_mo(handle, catalogue)


def test_the_swedish_catalogue_follows_the_finnish_one():
    """Same msgids in the same order, Swedish plural rule: see scripts/sync_swedish_catalogue.py."""
    def ids(catalogue):
        return [m.id for m in catalogue if m.id]
    swedish = catalogue_of("sv")
    assert ids(swedish) == ids(catalogue_of("fi"))
    assert swedish.plural_forms == "nplurals=2; plural=(n != 1);"


def test_the_swedish_catalogue_says_the_domain_words_in_swedish():
    swedish = {m.id: m.string for m in catalogue_of("sv") if isinstance(m.id, str)}
    assert swedish["Slag"] == "Slagg"
    assert swedish["Tailings"] == "Anrikningssand"
    assert swedish["Gypsum"] == "Gips"
    assert swedish["By-product"] == "Biprodukt"
    assert swedish["Waste"] == "Avfall"
