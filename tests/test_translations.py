"""The Finnish catalogue is complete: every marked string has a translation that keeps
its placeholders, so no page or mail falls back to English."""
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "marketplace" / "translations" / "fi" / "LC_MESSAGES" / "messages.po"
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


def finnish():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle)


def test_every_marked_string_is_in_the_finnish_catalogue(tmp_path):
    catalogue = finnish()
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    extracted = extracted_ids(tmp_path)
    assert len(extracted) > 500, "the extraction found too little: check babel.cfg"
    missing = sorted(extracted - known)
    assert missing == [], f"run `make extract-messages` and translate: {missing[:20]}"


def test_every_finnish_translation_is_done_and_keeps_its_placeholders():
    problems = []
    for message in finnish():
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


def test_the_catalogue_compiles_without_placeholder_errors():
    """What `pybabel compile` refuses (for example a stray '% o' read as a format)."""
    problems = [(message.id, [str(e) for e in errors]) for message, errors in finnish().check()]
    assert problems == []
