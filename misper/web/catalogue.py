"""misper's translation catalogues: read a ``.po`` file and compile it to the ``.mo`` file Django reads.

Why not Django's ``compilemessages``? It runs GNU gettext's ``msgfmt``, a system program that is not on
every machine misper is installed on and that pip cannot install. The ``.mo`` layout is small and fixed
(the GNU gettext manual, "The Format of GNU MO Files"), so misper writes it itself: ``misper
compilecatalogue`` (run by ``misper serve``, ``make run`` and the test suite), no binary kept in git.

As ``msgfmt`` does, a fuzzy or untranslated entry is left out of the ``.mo`` (the English shows); the
tests (``misper/web/tests/test_welsh.py``) fail on any such entry, so none reaches a release.
"""

from __future__ import annotations

import array
import ast
import os
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

MO_MAGIC = 0x950412DE
KEYWORDS = ("msgctxt", "msgid_plural", "msgid", "msgstr")


@dataclass
class Entry:
    """One message: ``msgstrs`` has one translation, or one per plural form."""

    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    translator_comments: list[str] = field(default_factory=list)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstrs) and all(self.msgstrs) and not self.fuzzy


def _unquote(text: str) -> str:
    """A PO string literal ("..." with C escapes) as text."""
    value = ast.literal_eval(text.strip())
    if not isinstance(value, str):
        raise ValueError(f"not a PO string: {text!r}")
    return value


def po_read(path: Path) -> list[Entry]:
    """The entries of the ``.po`` file at ``path``, header (msgid "") first, obsolete (#~) ones left out."""
    entries: list[Entry] = []
    entry, key = Entry(), ""
    seen_msgid = False

    def finish() -> None:
        nonlocal entry, key, seen_msgid
        if seen_msgid:
            entries.append(entry)
        entry, key, seen_msgid = Entry(), "", False

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#~"):
            continue
        if entry.msgstrs and (not line or line.startswith("#")):
            finish()  # a blank line or the next entry's comments end this entry
        if not line:
            continue
        if line.startswith("#,"):
            entry.flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("# ") or line == "#":
            entry.translator_comments.append(line[2:])
        elif line.startswith("#"):
            continue  # extracted comments (#.), references (#:), previous msgids (#|)
        elif line.startswith('"'):
            _append(entry, key, _unquote(line))
        else:
            word, _, rest = line.partition(" ")
            if word in ("msgctxt", "msgid") and entry.msgstrs:
                finish()
            key = word
            seen_msgid = seen_msgid or word == "msgid"
            _start(entry, word)
            _append(entry, key, _unquote(rest))
    finish()
    return entries


def _start(entry: Entry, word: str) -> None:
    if word.startswith("msgstr"):
        entry.msgstrs.append("")
    elif word not in KEYWORDS:
        raise ValueError(f"unknown PO keyword: {word}")
    elif word == "msgctxt":
        entry.msgctxt = ""


def _append(entry: Entry, key: str, text: str) -> None:
    if key.startswith("msgstr"):
        entry.msgstrs[-1] += text
    elif key == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + text
    elif key in ("msgid", "msgid_plural"):
        setattr(entry, key, getattr(entry, key) + text)


def mo_bytes(entries: list[Entry]) -> bytes:
    """The GNU ``.mo`` form of the translated entries (and the header), keys sorted as gettext needs."""
    messages: dict[bytes, bytes] = {}
    for e in entries:
        if not (e.translated or (e.msgid == "" and e.msgstrs)):  # the header (charset, plurals) always
            continue
        key = e.msgid if not e.msgid_plural else f"{e.msgid}\x00{e.msgid_plural}"
        if e.msgctxt is not None:
            key = f"{e.msgctxt}\x04{key}"
        messages[key.encode()] = "\x00".join(e.msgstrs).encode()
    keys = sorted(messages)
    ids = strs = b""
    offsets = []
    for k in keys:
        offsets.append((len(ids), len(k), len(strs), len(messages[k])))
        ids += k + b"\x00"
        strs += messages[k] + b"\x00"
    key_start = 7 * 4 + 16 * len(keys)
    value_start = key_start + len(ids)
    table: list[int] = []
    for o1, l1, _o2, _l2 in offsets:
        table += [l1, o1 + key_start]
    for _o1, _l1, o2, l2 in offsets:
        table += [l2, o2 + value_start]
    header = struct.pack("Iiiiiii", MO_MAGIC, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0)
    return header + array.array("i", table).tobytes() + ids + strs


def po_files() -> list[Path]:
    """Every ``django.po`` under the project's ``LOCALE_PATHS``."""
    return sorted(p for d in settings.LOCALE_PATHS for p in Path(d).glob("*/LC_MESSAGES/django.po"))


def catalogue_stale(po: Path) -> bool:
    """True if the ``.mo`` beside ``po`` is missing or differs from what ``po`` compiles to."""
    mo = po.with_suffix(".mo")
    return not mo.exists() or mo.read_bytes() != mo_bytes(po_read(po))


def catalogues_compile() -> list[Path]:
    """Compile every stale catalogue (written atomically: a server reading it never sees half a file).
    Returns the ``.mo`` files written."""
    written = []
    for po in po_files():
        if not catalogue_stale(po):
            continue
        mo = po.with_suffix(".mo")
        fd, tmp = tempfile.mkstemp(dir=mo.parent, prefix=".django.mo.")
        with os.fdopen(fd, "wb") as out:
            out.write(mo_bytes(po_read(po)))
        os.chmod(tmp, 0o644)
        os.replace(tmp, mo)
        written.append(mo)
    return written
