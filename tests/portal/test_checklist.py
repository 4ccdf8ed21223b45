"""The audio/video checklist (第十八条): a page of rows the legal office edits; the record checks
and the rule guide use its latest *published* revision, never a draft."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from access.models import StaffProfile, Unit
from policies.audiovisual import AVLevel, default_av_checklist
from portal.checklist import published_av_rows, published_checklist
from portal.content import publish_demo_content
from portal.pages.checklist import ChecklistEntry, ChecklistPage
from portal.pages.rules import RulesIndexPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    publish_demo_content()
    return ChecklistPage.objects.get()


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user("officer", password="officer-pass-2026")
    unit = Unit.objects.create(code="xiaofang", name="消防验收处")
    StaffProfile.objects.create(user=user, full_name="张伟", unit=unit,
                                certificate_number="豫建执41010001")
    return user


def draft_with_penalty_investigation_at(page: ChecklistPage, level: AVLevel, show: str):
    """Edit one row in a draft revision, as the admin's edit form does (rows stay in the
    revision until it is published)."""
    draft = page.get_latest_revision_as_object()
    rows = list(draft.rows.all())
    for row in rows:
        if (row.kind, row.stage) == ("penalty", "investigation"):
            row.level = level.value
            row.show = show
    draft.rows = rows
    return draft.save_revision()


def test_without_any_published_checklist_the_shipped_first_version_is_used():
    assert published_checklist() == default_av_checklist()


def test_the_shipped_checklist_page_holds_the_first_version_row_for_row(demo):
    assert demo.live
    assert demo.rows.count() == len(default_av_checklist())
    assert published_checklist() == default_av_checklist()


def test_a_checklist_edit_is_not_used_by_the_record_checks_until_it_is_published(demo):
    before = published_av_rows("penalty", "investigation")
    assert before[0].level is AVLevel.REQUIRED

    revision = draft_with_penalty_investigation_at(demo, AVLevel.UNINTERRUPTED, "执法环境\n全过程画面")

    assert published_checklist() == default_av_checklist()  # the draft is not used
    assert published_av_rows("penalty", "investigation") == before

    revision.publish()

    after = published_av_rows("penalty", "investigation")
    assert after[0].level is AVLevel.UNINTERRUPTED
    assert after[0].show == ("执法环境", "全过程画面")
    assert published_checklist() != default_av_checklist()


def test_a_checklist_page_that_was_never_published_is_not_used():
    index = RulesIndexPage(title="规则指引", slug="rules")
    from wagtail.models import Site

    Site.objects.get(is_default_site=True).root_page.add_child(instance=index)
    page = ChecklistPage(title="音像记录事项清单（草稿）", slug="av-checklist", live=False)
    page.rows = [ChecklistEntry(kind="penalty", stage="investigation", level="none", show="",
                                article="第十九条")]
    index.add_child(instance=page)
    page.save_revision()
    assert published_checklist() == default_av_checklist()


def test_an_unpublished_checklist_keeps_its_last_published_rows(demo):
    draft_with_penalty_investigation_at(demo, AVLevel.UNINTERRUPTED, "执法环境").publish()
    demo.refresh_from_db()
    demo.unpublish()
    rows = published_av_rows("penalty", "investigation")
    assert rows[0].level is AVLevel.UNINTERRUPTED


def test_the_rule_guide_shows_the_published_checklist_not_the_draft(demo, client, officer):
    client.force_login(officer)
    url = "/rules/guide/?kind=penalty&stage=investigation"
    assert "av-level--required" in client.get(url).content.decode()

    revision = draft_with_penalty_investigation_at(demo, AVLevel.UNINTERRUPTED, "执法环境")
    html = client.get(url).content.decode()
    assert "av-level--required" in html and "av-level--uninterrupted" not in html

    revision.publish()
    assert "av-level--uninterrupted" in client.get(url).content.decode()


def test_a_row_for_a_stage_the_kind_of_act_lacks_is_refused_citing_article_ten():
    row = ChecklistEntry(kind="inspection", stage="hearing", level="required", show="执法环境",
                         article="第十九条")
    with pytest.raises(ValidationError, match="第十条"):
        row.clean()


def test_a_required_row_must_say_what_the_recording_shows():
    row = ChecklistEntry(kind="penalty", stage="service", level="required", show="",
                         article="第十九条")
    with pytest.raises(ValidationError, match="第二十条"):
        row.clean()


def test_the_checklist_page_is_public_and_shows_every_row_with_its_article(demo, client,
                                                                              officer):
    html = client.get(demo.url).content.decode()
    rows = default_av_checklist()
    assert "行政处罚" in html and "调查取证" in html and "全过程不间断" in html
    assert html.count('class="checklist-row') == len(rows)
    assert 'href="/rules/regulation/chapter-3/article-19/#article-19">第十九条</a>' in html
    for level in {row.level for row in rows}:
        assert html.count(f'<tr class="checklist-row checklist-row--{level.value}">') == \
            sum(row.level is level for row in rows)
    assert html.count("<li>") >= sum(len(row.show) for row in rows)
    client.force_login(officer)
    assert client.get(demo.url).content.decode().count('class="checklist-row') == len(rows)


def test_the_checklist_table_escapes_what_the_legal_office_typed(demo, client):
    draft = demo.get_latest_revision_as_object()
    rows = list(draft.rows.all())
    rows[0].show = "<script>alert(1)</script>\n现场情况"
    rows[0].note = "见第二十条 & <b>说明</b>"
    draft.rows = rows
    draft.save_revision().publish()
    html = client.get(demo.url).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp; &lt;b&gt;说明&lt;/b&gt;" in html
    assert '#article-20">第二十条</a>' in html


def test_the_checklist_shows_a_renamed_parent_and_a_moved_article_on_the_next_request(demo,
                                                                                       client):
    """The parent's title and the article addresses are remembered per process under the
    pages' generation (portal/pages/links.py); a publish renews it."""
    from portal.pages.rules import ArticlePage

    html = client.get(demo.url).content.decode()
    assert '/rules/regulation/chapter-3/article-19/#article-19">第十九条</a>' in html
    index = RulesIndexPage.objects.get()
    index.title = "规则与指引（修订）"
    index.save_revision().publish()
    article = ArticlePage.objects.get(number=19)
    article.slug = "article-19-revised"
    article.save_revision().publish()
    html = client.get(demo.url).content.decode()
    assert ">规则与指引（修订）</a>" in html
    assert '/rules/regulation/chapter-3/article-19-revised/#article-19">第十九条</a>' in html
    assert "chapter-3/article-19/#" not in html


def test_a_served_checklist_reads_its_rows_once_per_live_revision(demo, client):
    """The rows' groups are remembered per process for the live revision the page's row names;
    the row itself is read on every request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(demo.url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(demo.url).content.decode()
    assert len(queries) == 1, [q["sql"] for q in queries]  # the page's row
    assert html.count('class="checklist-row') == len(default_av_checklist())


def test_a_published_checklist_edit_shows_on_the_next_request_and_a_draft_does_not(demo,
                                                                                 client):
    client.get(demo.url)
    draft = draft_with_penalty_investigation_at(demo, AVLevel.REQUIRED, "草稿里的重点内容")
    assert "草稿里的重点内容" not in client.get(demo.url).content.decode()
    draft.publish()
    assert "草稿里的重点内容" in client.get(demo.url).content.decode()


def test_a_publish_that_told_this_process_nothing_is_seen_by_its_revision(demo, client):
    """Another worker's publish (a queryset update stands in: no signal, no new generation):
    the page's row names another live revision, so its rows are read again."""
    from portal.page_cache import page_cache_generation

    revision = demo.save_revision()  # not published: the live revision stays the first
    client.get(demo.url)
    generation = page_cache_generation()
    ChecklistEntry.objects.filter(page=demo).update(show="另一进程发布的内容")
    ChecklistPage.objects.filter(pk=demo.pk).update(live_revision=revision)
    assert page_cache_generation() == generation
    assert "另一进程发布的内容" in client.get(demo.url).content.decode()
