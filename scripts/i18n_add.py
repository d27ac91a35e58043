"""Add or update zh_Hans translations in the project catalogue and recompile it.

    python scripts/i18n_add.py pairs.tsv       # lines: English msgid <TAB> 中文 msgstr
    python scripts/i18n_add.py --fill-from pairs.tsv  (same)
    python scripts/i18n_add.py --missing       # list msgids still without a translation

A pgettext entry is written `context\x04msgid` (the four characters \x04 or the byte).
Plural entries take "singular|plural<TAB>单数|复数". The file is locked while it is rewritten,
so several people (or helpers) can add translations at once without losing each other's.
"""

import fcntl
import sys
from pathlib import Path

import polib

CONTEXT_SEPARATOR = "\x04"  # a line's msgid may be `context\x04msgid` (pgettext)
CATALOGUE = (
    Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
)


def read_pairs(path: str) -> list[tuple[str, str]]:
    pairs = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or "\t" not in line:
            continue
        msgid, msgstr = line.split("\t", 1)
        msgid = msgid.replace("\\x04", CONTEXT_SEPARATOR)
        pairs.append((msgid.replace("\\n", "\n"), msgstr.replace("\\n", "\n")))
    return pairs


def _find_or_add(po: polib.POFile, key: str) -> polib.POEntry:
    """The entry for `msgid`, or `context<EOT>msgid` for a pgettext one; added when missing."""
    context, _, msgid = key.rpartition(CONTEXT_SEPARATOR)
    entry = po.find(msgid, msgctxt=context or None)
    if entry is None:
        entry = polib.POEntry(msgid=msgid, msgctxt=context or None)
        po.append(entry)
    return entry


def apply(pairs: list[tuple[str, str]]) -> int:
    CATALOGUE.parent.mkdir(parents=True, exist_ok=True)
    lock = open(CATALOGUE.with_suffix(".lock"), "w")  # noqa: SIM115 - held for the whole rewrite
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        po = polib.pofile(str(CATALOGUE)) if CATALOGUE.exists() else polib.POFile()
        po.metadata.setdefault("Content-Type", "text/plain; charset=UTF-8")
        po.metadata["Language"] = "zh_Hans"
        po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
        changed = 0
        for msgid, msgstr in pairs:
            if "|" in msgid:
                singular, plural = msgid.split("|", 1)
                entry = po.find(singular)
                if entry is None:
                    entry = polib.POEntry(msgid=singular, msgid_plural=plural)
                    po.append(entry)
                entry.msgstr_plural = {0: msgstr.split("|")[0]}
            else:
                entry = _find_or_add(po, msgid)
                entry.msgstr = msgstr
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            changed += 1
        po.save(str(CATALOGUE))
        po.save_as_mofile(str(CATALOGUE.with_suffix(".mo")))
        return changed
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


def missing() -> list[str]:
    po = polib.pofile(str(CATALOGUE))
    return [
        entry.msgid
        for entry in po
        if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--missing":
        for msgid in missing():
            print(msgid.replace("\n", "\\n"))
    else:
        files = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
        total = sum(apply(read_pairs(path)) for path in files)
        print(
            f"{total} translations written to {CATALOGUE.relative_to(Path.cwd()) if CATALOGUE.is_relative_to(Path.cwd()) else CATALOGUE}"
        )
