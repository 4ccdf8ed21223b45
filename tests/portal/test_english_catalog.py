"""The English catalog translates every Chinese source string of the zh-hans catalog, keeps
each placeholder, and is what an English reader gets (Accept-Language: en)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.LOCALE_PATHS[0])
ZH_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
EN_MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"

PERCENT = re.compile(r"%\(\w+\)[sd]|%[sd]")
BRACES = re.compile(r"\{\w*\}")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda match: ESCAPES[match.group(1)], text[1:-1])


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file, each a dict of its keywords (msgctxt, msgid, msgstr[0]...)."""
    entries, entry, keyword = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if "msgid" in entry:
                entries.append(entry)
            entry, keyword = {}, None
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[keyword] += unquote(line)
        else:
            keyword, _, rest = line.partition(" ")
            entry[keyword] = unquote(rest)
    return [entry for entry in entries if entry["msgid"]]


def placeholders(text: str) -> set[str]:
    return set(PERCENT.findall(text)) | set(BRACES.findall(text))


@pytest.fixture(scope="module")
def english() -> gettext.GNUTranslations:
    with open(EN_MO, "rb") as handle:
        return gettext.GNUTranslations(handle)


@pytest.fixture(scope="module")
def chinese_entries() -> list[dict]:
    entries = read_po(ZH_PO)
    assert len(entries) >= 250
    return entries


def english_forms(english, entry) -> list[str]:
    """What the compiled English catalog gives for an entry (both forms of a plural)."""
    catalog = english._catalog
    context = entry.get("msgctxt")
    key = f"{context}\x04{entry['msgid']}" if context is not None else entry["msgid"]
    if "msgid_plural" in entry:
        return [catalog.get((key, 0), ""), catalog.get((key, 1), "")]
    return [catalog.get(key, "")]


def test_every_chinese_string_has_an_english_translation_in_the_compiled_catalog(
        english, chinese_entries):
    missing = [entry["msgid"] for entry in chinese_entries
               if not all(form.strip() and form != entry["msgid"]
                          for form in english_forms(english, entry))]
    assert missing == []


def test_each_translation_keeps_the_placeholders_of_its_source(english, chinese_entries):
    wrong = []
    for entry in chinese_entries:
        expected = placeholders(entry["msgid"])
        for form in english_forms(english, entry):
            if placeholders(form) != expected:
                wrong.append((entry["msgid"], form))
    assert wrong == []


def test_the_source_po_and_the_compiled_catalog_agree(english):
    for entry in read_po(EN_PO):
        if "msgid_plural" in entry:
            assert english.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr[0]"]
            assert english.ngettext(entry["msgid"], entry["msgid_plural"], 2) == entry["msgstr[1]"]
        elif "msgctxt" in entry:
            assert english.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"], \
                entry["msgid"]
        else:
            assert english.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


def test_article_references_are_rendered_as_article_numbers(english):
    assert english.gettext("第二十九条") == "Article 29"
    assert english.gettext("第二十八条、第二十九条") == "Articles 28 and 29"
    assert "(Article 28)" in english.gettext(
        "调阅、复制须经批准（第二十八条）；本人的申请不由本人审批。")


LOGIN_NOTE = ("保密员、审批人员、管理员和审计员登录须输入验证码（第二十九条）。"
              "15分钟内连续5次密码或验证码错误将锁定账户。")


@pytest.mark.django_db
def test_an_english_reader_gets_the_login_page_in_english(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Full-process records of administrative enforcement" in title
    assert "行政执法全过程记录" not in title
    for english_text, chinese_text in [
        ("User name", "用户名"),
        ("Forgot password?", "忘记密码？"),
        ("Skip to content", "跳到正文"),
        ("Secrecy officers, approvers, administrators and auditors must enter a verification "
         "code to log in (Article 29).", LOGIN_NOTE),
    ]:
        assert english_text in html
        assert chinese_text not in html


@pytest.mark.django_db
def test_a_chinese_reader_still_gets_the_chinese_login_page(client):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "用户名" in html and LOGIN_NOTE in html
    assert "User name" not in html and "Forgot password?" not in html


@pytest.mark.django_db
def test_the_checklist_column_says_basis_where_the_page_head_says_under(client):
    """依据 is two words in English: "Under Article 18" above the table, "Basis" as the
    table's column (a msgctxt tells them apart)."""
    from portal.content import publish_demo_content
    from portal.pages.checklist import ChecklistPage

    publish_demo_content()
    html = client.get(ChecklistPage.objects.get().url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<th scope="col">Basis</th>' in html
    assert 'data-label="Basis"' in html
    assert "Under " in html
    chinese = client.get(ChecklistPage.objects.get().url,
                         HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<th scope="col">依据</th>' in chinese
