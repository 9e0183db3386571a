"""Keep the Swedish catalogue in step with the Finnish one.

The Finnish catalogue (marketplace/translations/fi/LC_MESSAGES/messages.po) is the list of
every string the site marks; the Swedish catalogue carries the same msgids in the same order.

    python scripts/sync_swedish_catalogue.py            # add new msgids (untranslated), keep the rest
    python scripts/sync_swedish_catalogue.py --tsv FILE # also take translations from FILE

FILE has one entry a line: the English msgid, a tab, the Swedish text; a plural entry gives
the singular msgid and both Swedish forms separated by " ||| "; a newline inside a string is
written as \\n. tests/test_translations.py then names every msgid still untranslated.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
FINNISH = ROOT / "marketplace" / "translations" / "fi" / "LC_MESSAGES" / "messages.po"
SWEDISH = ROOT / "marketplace" / "translations" / "sv" / "LC_MESSAGES" / "messages.po"


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def read_tsv(path: Path) -> dict[str, list[str]]:
    found = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        if "\t" not in line:
            sys.exit(f"{path}:{number}: no tab between the msgid and its translation")
        msgid, text = line.split("\t", 1)
        found[msgid.replace("\\n", "\n")] = [part.replace("\\n", "\n") for part in text.split(" ||| ")]
    return found


def sync(tsv: dict[str, list[str]] | None = None) -> Catalog:
    finnish = read(FINNISH)
    old = {key(m): m.string for m in read(SWEDISH)} if SWEDISH.exists() else {}
    swedish = Catalog(locale="sv", domain="messages", project="Sivuvirta", copyright_holder="Sivuvirta",
                      language_team="Swedish <sv@li.org>", fuzzy=False)
    tsv = tsv or {}
    for message in finnish:
        if not message.id:
            continue
        plural = not isinstance(message.id, str)
        string = old.get(key(message)) or ("", "") if plural else old.get(key(message)) or ""
        if key(message) in tsv:
            forms = tsv[key(message)]
            if plural and len(forms) != 2:
                sys.exit(f"{key(message)!r} is a plural entry: give two forms separated by ' ||| '")
            if not plural and len(forms) != 1:
                sys.exit(f"{key(message)!r} is not a plural entry: give one form")
            string = tuple(forms) if plural else forms[0]
        swedish.add(message.id, string, locations=message.locations, flags=message.flags - {"fuzzy"},
                    auto_comments=message.auto_comments, context=message.context)
    return swedish


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tsv", type=Path, help="translations to take: msgid<TAB>Swedish")
    args = parser.parse_args()
    catalogue = sync(read_tsv(args.tsv) if args.tsv else None)
    SWEDISH.parent.mkdir(parents=True, exist_ok=True)
    with SWEDISH.open("wb") as handle:
        write_po(handle, catalogue, width=100, sort_output=False)
    missing = sum(1 for m in catalogue if m.id and not all([m.string] if isinstance(m.string, str) else m.string))
    print(f"{SWEDISH.relative_to(ROOT)}: {len(catalogue)} entries, {missing} untranslated")


if __name__ == "__main__":
    main()
