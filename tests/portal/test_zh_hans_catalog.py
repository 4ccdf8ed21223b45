"""The zh-hans catalog gives each Chinese source string back unchanged (found at the first
lookup instead of after every merged and fallback catalog), and nothing else."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

from portal.management.commands.zh_hans_catalog import CJK, identity_entries

FOLDER = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
BASE = Path(settings.BASE_DIR) / "portal" / "templates" / "base.html"


def compiled() -> dict:
    with open(FOLDER / "django.mo", "rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


def test_every_literal_string_of_the_page_frame_is_an_identity_entry():
    catalog = compiled()
    literals = re.findall(r'{% translate ["\']([^"\']+)["\']', BASE.read_text(encoding="utf-8"))
    assert len(literals) >= 10
    for text in literals:
        assert catalog.get(text) == text, text


def test_only_chinese_strings_have_entries_and_each_is_its_own_translation():
    catalog = {key: value for key, value in compiled().items() if key}
    assert len(catalog) > 100
    for key, msgstr in catalog.items():
        msgid = key.split("\x04")[-1]  # a msgctxt comes first, joined by EOT (gettext's way)
        assert isinstance(msgid, str) and CJK.search(msgid), msgid
        assert msgstr == msgid


def test_english_strings_still_reach_djangos_own_chinese_translation():
    with translation.override("zh-hans"):
        assert translation.gettext("Save") == "保存"
        assert translation.gettext("检索") == "检索"
    with translation.override("en"):
        assert translation.gettext("检索") == "Search"


def test_identity_entries_fill_chinese_singular_entries_only():
    po = ('msgid ""\nmsgstr ""\n"Project-Id-Version: x\\n"\n"Language: \\n"\n\n'
          'msgid "检索"\nmsgstr ""\n\n'
          'msgid "Save"\nmsgstr ""\n\n'
          'msgid ""\n"第一行"\n"第二行"\nmsgstr ""\n\n'
          'msgid "共 %(counter)s 条"\nmsgid_plural "共 %(counter)s 条"\nmsgstr[0] ""\n')
    filled = identity_entries(po)
    assert 'msgid "检索"\nmsgstr "检索"' in filled
    assert 'msgid "Save"\nmsgstr ""' in filled
    assert 'msgid ""\n"第一行"\n"第二行"\nmsgstr ""\n"第一行"\n"第二行"' in filled
    assert 'msgstr[0] ""' in filled
    assert '"Language: zh_Hans\\n"' in filled


def test_a_second_run_keeps_filled_entries_as_they_are():
    """makemessages merges the catalog it rebuilds with the previous one, so filled entries
    come back filled; filling a multi-line one again used to append its text a second time."""
    po = ('msgid ""\nmsgstr ""\n"Project-Id-Version: x\\n"\n"Language: \\n"\n\n'
          'msgid ""\n"第一行"\n"第二行"\nmsgstr ""\n"第一行"\n"第二行"\n\n'
          '#, fuzzy\n#| msgid "依据"\nmsgctxt "checklist column"\nmsgid "依据"\nmsgstr ""\n')
    filled = identity_entries(po)
    assert filled.count('"第一行"') == 2
    assert 'msgctxt "checklist column"\nmsgid "依据"\nmsgstr "依据"' in filled
    assert "fuzzy" not in filled and "#|" not in filled


def test_a_new_string_that_resembles_an_old_one_gets_its_own_text():
    """makemessages gives a new msgid the msgstr of a similar old one (fuzzy): left so, the
    page would show the old string in place of the new."""
    po = ('msgid ""\nmsgstr ""\n"Project-Id-Version: x\\n"\n"Language: \\n"\n\n'
          '#, fuzzy, python-format\n#| msgid "共 %(total)s 条结果"\n'
          'msgid "%(total)s 条以上结果"\nmsgstr "共 %(total)s 条结果"\n')
    filled = identity_entries(po)
    assert 'msgid "%(total)s 条以上结果"\nmsgstr "%(total)s 条以上结果"\n' in filled
    assert "共" not in filled and "fuzzy" not in filled
