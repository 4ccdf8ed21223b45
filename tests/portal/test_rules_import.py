"""import_rules: the regulation's text file becomes the regulation, 6 chapters and 32 article
pages whose text is the file's, character for character; a second import changes nothing; a
revised text makes new revisions only where the text changed."""

from __future__ import annotations

import datetime as dt
import io
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import PageLogEntry, Revision

from portal.pages.rules import ArticlePage, ChapterPage, RegulationPage, RulesIndexPage
from portal.regulation_text import RegulationFormatError, is_blank, regulation_parse
from portal.rules_import import SHIPPED_REGULATION, regulation_import
from tests.access.two_factor_support import force_login_verified

PROJECT_DIR = Path(__file__).resolve().parents[2]
SEED = PROJECT_DIR.parent / "shared" / "seeds" / "000_e49e31a89a0e5f40.txt"
SEED_TEXT = SHIPPED_REGULATION.read_text(encoding="utf-8")
CHROME_LINE = "打印此文 关闭窗口"


def nonblank_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if not is_blank(line)]


def import_seed(**kwargs):
    return regulation_import(text=SEED_TEXT, **kwargs)


def state_of_rules() -> dict:
    """Everything an import could change: revisions, log entries, page rows."""
    return {
        "revisions": list(Revision.objects.order_by("id").values_list("id", "object_id")),
        "log": PageLogEntry.objects.count(),
        "pages": list(
            ArticlePage.objects.order_by("number").values_list(
                "id", "text", "latest_revision_id", "live_revision_id", "last_published_at")
        ),
    }


class ArticleTextCollector(HTMLParser):
    """The text of each <p> and <li> inside <article id="article-N">, as a browser shows it."""

    def __init__(self, anchor: str):
        super().__init__(convert_charrefs=True)
        self.anchor = anchor
        self.depth = 0  # >0 while inside the article
        self.current: list[str] | None = None
        self.blocks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article" and dict(attrs).get("id") == self.anchor:
            self.depth = 1
        elif self.depth and tag in ("p", "li"):
            self.current = []

    def handle_endtag(self, tag):
        if self.depth and tag in ("p", "li") and self.current is not None:
            self.blocks.append("".join(self.current))
            self.current = None
        elif tag == "article":
            self.depth = 0

    def handle_data(self, data):
        if self.depth and self.current is not None:
            self.current.append(data)


def test_the_shipped_copy_is_the_seed_byte_for_byte():
    if not SEED.exists():
        pytest.skip("../shared is not on this machine; the shipped copy stands alone")
    assert SHIPPED_REGULATION.read_bytes() == SEED.read_bytes()


def test_parsing_finds_the_notice_six_chapters_and_thirty_two_articles():
    parsed = regulation_parse(SEED_TEXT)
    assert parsed.notice_title == "郑州市城乡建设局关于印发《郑州市城乡建设局行政执法全过程记录制度》的通知"
    assert parsed.document_number == "郑建文〔2021〕185号"
    assert parsed.issuer == "郑州市城乡建设局"
    assert parsed.released_at == dt.datetime(2021, 10, 20, 16, 0)
    assert parsed.signed_on == dt.date(2021, 10, 13)
    assert parsed.effective_from == dt.date(2021, 12, 1)
    assert parsed.title == "郑州市城乡建设局行政执法全过程记录制度"
    assert [c.heading for c in parsed.chapters] == [
        "第一章 总 则", "第二章 文字记录", "第三章 音像记录", "第四章 记录管理", "第五章 监督管理",
        "第六章 附 则",
    ]
    assert [a.number for a in parsed.articles] == list(range(1, 33))
    assert [len(c.articles) for c in parsed.chapters] == [8, 8, 7, 6, 2, 1]


def test_the_web_pages_print_and_close_buttons_are_not_part_of_the_regulation():
    parsed = regulation_parse(SEED_TEXT)
    assert parsed.dropped == (CHROME_LINE,)
    assert CHROME_LINE not in parsed.articles[-1].text
    assert parsed.articles[-1].text == "第三十二条 本制度自2021年12月1日起施行。"


def test_a_file_without_chapters_is_refused_with_the_reason():
    with pytest.raises(RegulationFormatError, match="章标题"):
        regulation_parse("通知\n郑建文〔2021〕185号\n来源:郑州市城乡建设局 时间:2021-10-20\n\n正文")


def test_articles_out_of_order_are_refused_naming_the_line():
    broken = SEED_TEXT.replace("第十九条 在行政执法过程中", "第二十九条 在行政执法过程中")
    with pytest.raises(RegulationFormatError, match="条的编号不连续"):
        regulation_parse(broken)


@pytest.mark.django_db
def test_import_creates_six_chapters_and_thirty_two_articles_whose_text_is_the_files():
    report = import_seed()
    assert len(report.created) == 1 + 6 + 32
    regulation = RegulationPage.objects.get()
    assert regulation.live and regulation.url == "/rules/regulation/"
    assert regulation.get_parent().specific_class is RulesIndexPage
    chapters = ChapterPage.objects.child_of(regulation).order_by("number")
    assert [c.title for c in chapters] == [
        "第一章 总 则", "第二章 文字记录", "第三章 音像记录", "第四章 记录管理", "第五章 监督管理",
        "第六章 附 则",
    ]
    articles = list(ArticlePage.objects.live().order_by("number"))
    assert [a.number for a in articles] == list(range(1, 33))
    for article in articles:
        start = SEED_TEXT.index("\n" + article.title + " ") + 1
        assert SEED_TEXT[start:start + len(article.text)] == article.text, article.title
        after = SEED_TEXT[start + len(article.text):]
        following = next((line for line in after.split("\n") if not is_blank(line)), "")
        assert following.startswith(("第", CHROME_LINE)), (article.title, following)
    # the file's characters kept even where they are easy to lose
    assert ArticlePage.objects.get(number=20).text.endswith("(五)其他应当记录的重要内容。 ")
    assert ArticlePage.objects.get(number=18).text == "第十八条 局法规处负责编制音像记录事项清单。\xa0"


@pytest.mark.django_db
def test_every_nonblank_line_of_the_file_is_on_a_page_in_order_except_the_web_buttons():
    import_seed()
    regulation = RegulationPage.objects.get()
    pieces = [regulation.notice_title, regulation.document_number, regulation.source_line,
              regulation.notice_text, regulation.title]
    for chapter in ChapterPage.objects.child_of(regulation).order_by("number"):
        pieces.append(chapter.title)
        pieces.extend(ArticlePage.objects.child_of(chapter).order_by("number")
                      .values_list("text", flat=True))
    assert nonblank_lines("\n".join(pieces)) + [CHROME_LINE] == nonblank_lines(SEED_TEXT)


@pytest.mark.django_db
def test_the_notice_header_is_kept_as_the_regulations_metadata():
    import_seed()
    regulation = RegulationPage.objects.get()
    assert regulation.issuer == "郑州市城乡建设局"
    assert regulation.document_number == "郑建文〔2021〕185号"
    assert regulation.released_at == dt.datetime(2021, 10, 20, 8, 0, tzinfo=dt.timezone.utc)
    assert regulation.signed_on == dt.date(2021, 10, 13)
    assert regulation.effective_from == dt.date(2021, 12, 1)
    assert regulation.source_line == "来源:郑州市城乡建设局\xa0\xa0时间:2021-10-20 16:00:00 \xa0"


@pytest.mark.django_db
def test_article_pages_show_the_files_text_character_for_character(client):
    import_seed()
    for article in ArticlePage.objects.order_by("number"):
        response = client.get(article.url)
        assert response.status_code == 200
        collector = ArticleTextCollector(f"article-{article.number}")
        collector.feed(response.content.decode())
        assert "\n\n".join(collector.blocks) == article.text, article.title


@pytest.mark.django_db
def test_numbered_items_are_shown_as_a_list():
    import_seed()
    article = ArticlePage.objects.get(number=12)
    kinds = [block.kind for block in article.blocks]
    assert kinds == ["paragraph", "items"]
    assert len(article.blocks[1].texts) == 12
    assert article.blocks[1].texts[0] == "(一)行政执法人员姓名、执法证号及出示执法证件情况;"


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing():
    import_seed()
    before = state_of_rules()
    report = import_seed()
    assert not report.changed
    assert report.unchanged == 1 + 6 + 32
    assert state_of_rules() == before


@pytest.mark.django_db
def test_a_revised_text_makes_a_new_revision_of_the_changed_article_only():
    import_seed()
    article = ArticlePage.objects.get(number=19)
    old_revision = article.latest_revision
    other_revisions = dict(ArticlePage.objects.exclude(number=19).values_list("id", "latest_revision_id"))
    revised_text = SEED_TEXT.replace("可以逐步推行音像记录", "应当进行音像记录")

    report = regulation_import(text=revised_text)

    assert report.revised == ["第十九条"] and not report.created
    article.refresh_from_db()
    assert "应当进行音像记录" in article.text
    assert article.latest_revision_id != old_revision.id
    assert Revision.objects.filter(object_id=str(article.pk)).count() == 2
    assert "可以逐步推行音像记录" in old_revision.as_object().text
    assert dict(ArticlePage.objects.exclude(number=19).values_list("id", "latest_revision_id")) == other_revisions


@pytest.mark.django_db
def test_an_editor_can_compare_the_revised_article_with_the_old(client, django_user_model):
    import_seed()
    article = ArticlePage.objects.get(number=19)
    old_revision = article.latest_revision
    regulation_import(text=SEED_TEXT.replace("可以逐步推行音像记录", "应当进行音像记录"))
    article.refresh_from_db()
    # an administrator, with the second factor every administrator uses (access.two_factor)
    force_login_verified(client, django_user_model.objects.create_superuser("editor", "e@example.com", "x" * 12))
    url = reverse("wagtailadmin_pages:revisions_compare",
                  args=(article.pk, old_revision.pk, article.latest_revision_id))
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "可以逐步推行音像记录" in html and "应当进行音像记录" in html


@pytest.mark.django_db
def test_a_revised_text_can_wait_as_a_draft_for_review():
    import_seed()
    regulation_import(text=SEED_TEXT.replace("可以逐步推行音像记录", "应当进行音像记录"), publish=False)
    article = ArticlePage.objects.get(number=19)
    assert "可以逐步推行音像记录" in article.text  # the live text is unchanged
    assert article.has_unpublished_changes
    assert "应当进行音像记录" in article.get_latest_revision_as_object().text
    # importing the draft's text again adds no second draft
    report = regulation_import(text=SEED_TEXT.replace("可以逐步推行音像记录", "应当进行音像记录"),
                               publish=False)
    assert not report.changed


@pytest.mark.django_db
def test_import_rules_command_reports_what_it_did():
    out = io.StringIO()
    call_command("import_rules", str(SHIPPED_REGULATION), stdout=out)
    assert "新建 39 页" in out.getvalue()
    assert CHROME_LINE in out.getvalue()  # says that it left the web-page line out
    out = io.StringIO()
    call_command("import_rules", str(SHIPPED_REGULATION), stdout=out)
    assert "新建 0 页，修订 0 页，撤下 0 页，未变 39 页" in out.getvalue()


@pytest.mark.django_db
def test_import_rules_command_refuses_a_file_that_is_not_the_regulation(tmp_path):
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("这不是制度文本\n", encoding="utf-8")
    with pytest.raises(CommandError, match="文件格式不符"):
        call_command("import_rules", str(wrong))
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_rules", str(tmp_path / "missing.txt"))
