"""The rule guide in a real browser (Debian's chromium through Playwright): an article,
previous/next, the interactive guide, and the wording guide's place field and copy button."""

from __future__ import annotations

import re

import pytest

from access.models import StaffProfile, Unit
from portal.content import publish_demo_content

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True)]

PASSWORD = "officer-pass-2026"


@pytest.fixture
def officer(django_user_model):
    publish_demo_content()
    user = django_user_model.objects.create_user("officer", password=PASSWORD)
    unit = Unit.objects.create(code="xiaofang", name="消防验收处")
    StaffProfile.objects.create(user=user, full_name="张伟", unit=unit,
                                certificate_number="豫建执41010001")
    return user


def log_in(page, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", "officer")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_officer_reads_an_article_pages_through_and_asks_the_guide(page, officer, artifacts_dir):
    page.goto("/rules/regulation/chapter-3/article-19/")
    article = page.locator("article#article-19")
    assert article.locator(".article-label").inner_text() == "第十九条"
    assert "要进行全过程不间断音像记录" in article.inner_text()

    page.get_by_role("link", name=re.compile("下一条")).click()
    page.wait_for_url("**/article-20/")
    assert page.locator("article#article-20 ol.article-items li").count() == 5
    page.get_by_role("link", name=re.compile("上一条")).click()
    page.wait_for_url("**/article-19/")
    page.get_by_role("link", name=re.compile("上一条")).click()
    page.wait_for_url("**/article-18/")
    assert page.locator("article#article-18").inner_text().startswith("第十八条 局法规处负责编制音像记录事项清单。")
    page.screenshot(path=str(artifacts_dir / "rules-article.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / "rules-article-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    log_in(page, "/rules/guide/")
    page.wait_for_url("**/rules/guide/")
    page.select_option("#guide-kind", "penalty")
    # the script narrows the stage list to the stages of a penalty (第十条(一))
    stage_names = page.locator("#guide-stage option").all_inner_texts()
    assert stage_names[1:] == ["立案", "调查取证", "告知", "陈述申辩", "听证", "审核决定", "送达",
                               "执行", "结案", "归档"]
    page.select_option("#guide-stage", "investigation")
    page.get_by_role("button", name="查看记录要求").click()
    page.wait_for_url(re.compile(r"kind=penalty&stage=investigation"))

    answer = page.locator("#guide-answer")
    assert answer.locator("h2").inner_text() == "行政处罚 · 调查取证"
    assert "行政执法人员姓名、执法证号及出示执法证件情况" in answer.inner_text()
    assert answer.locator(".guide-lines--av .av-level--required").inner_text() == "必须"
    page.screenshot(path=str(artifacts_dir / "rules-guide.png"), full_page=True)

    answer.locator(".guide-lines--text a", has_text="第十二条").first.click()
    page.wait_for_url("**/article-12/#article-12")
    assert page.locator("article#article-12 ol.article-items li").count() == 12


def test_officer_types_the_place_and_copies_a_filled_phrase(page, officer, artifacts_dir):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, "/rules/wording/announce-recording/")
    phrase = page.locator(".phrase__text").first
    assert "我是消防验收处执法人员张伟，执法证号豫建执41010001" in phrase.inner_text()
    assert "地点（地点）" in phrase.inner_text()

    page.fill("#wording-place", "金水区花园路工地")
    assert "地点金水区花园路工地。" in phrase.inner_text()
    page.locator(".copy-button").first.click()
    page.wait_for_selector(".copy-button[data-copied='yes']")
    assert page.evaluate("navigator.clipboard.readText()") == phrase.inner_text()
    page.screenshot(path=str(artifacts_dir / "rules-wording.png"), full_page=True)
