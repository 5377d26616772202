"""misper's pure-Python catalogue compiler: what it writes is what Python's (and so Django's) gettext reads."""

from __future__ import annotations

import gettext
import io
from pathlib import Path

from misper.web.catalogue import mo_bytes, po_read

PO = r"""# A translator's note.
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=4; plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3;\n"

#: misper/web/templates/web/base.html
msgid "Skip to main content"
msgstr "Neidio i'r prif gynnwys"

# Check: a long line, wrapped.
msgid ""
"A \"quoted\" word and a "
"second line\n"
msgstr ""
"Gair \"mewn dyfynodau\" ac "
"ail linell\n"

msgctxt "month"
msgid "May"
msgstr "Mai"

msgid "%(n)s child"
msgid_plural "%(n)s children"
msgstr[0] "%(n)s plentyn"
msgstr[1] "%(n)s blentyn"
msgstr[2] "%(n)s o blant"
msgstr[3] "%(n)s o blant"

#, fuzzy
msgid "Back"
msgstr "Yn ôl"

msgid "Continue"
msgstr ""

#~ msgid "Old"
#~ msgstr "Hen"
"""


def _catalogue(tmp_path: Path) -> gettext.GNUTranslations:
    po = tmp_path / "django.po"
    po.write_text(PO, encoding="utf-8")
    return gettext.GNUTranslations(io.BytesIO(mo_bytes(po_read(po))))


def test_messages_with_escapes_context_and_welsh_plurals_compile(tmp_path: Path) -> None:
    cat = _catalogue(tmp_path)
    assert cat.gettext("Skip to main content") == "Neidio i'r prif gynnwys"
    assert cat.gettext('A "quoted" word and a second line\n') == 'Gair "mewn dyfynodau" ac ail linell\n'
    assert cat.pgettext("month", "May") == "Mai"
    assert cat.gettext("May") == "May"
    assert [cat.ngettext("%(n)s child", "%(n)s children", n) for n in (1, 2, 3, 8)] == [
        "%(n)s plentyn",
        "%(n)s blentyn",
        "%(n)s o blant",
        "%(n)s o blant",
    ]


def test_fuzzy_untranslated_and_obsolete_entries_are_left_out_so_the_english_shows(tmp_path: Path) -> None:
    cat = _catalogue(tmp_path)
    assert cat.gettext("Back") == "Back"
    assert cat.gettext("Continue") == "Continue"
    assert cat.gettext("Old") == "Old"


def test_the_reader_keeps_flags_and_translator_comments(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(PO, encoding="utf-8")
    entries = {e.msgid: e for e in po_read(po)}
    assert entries["Back"].fuzzy
    assert not entries["Back"].translated
    assert not entries["Continue"].translated
    assert entries['A "quoted" word and a second line\n'].translator_comments == [
        "Check: a long line, wrapped."
    ]
    assert "Old" not in entries
