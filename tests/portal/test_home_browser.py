"""The home page in a real browser: Chinese text renders, navigation and login work."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_opens_the_home_page_logs_in_and_sees_the_areas(page, artifacts_dir):
    call_command("load_demo", quiet_accounts=True, no_cases=True)
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    nav = page.locator("nav.site-nav")
    for title in ("规则指引", "案卷", "调阅复制申请", "检索", "监督管理"):
        assert nav.get_by_role("link", name=title).is_visible()
    page.screenshot(path=str(artifacts_dir / "home.png"), full_page=True)

    page.get_by_role("link", name="登录").click()
    page.fill("#id_username", "officer")
    page.fill("#id_password", "officer-demo-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert page.locator(".site-user__name").inner_text() == "张伟"
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts_dir / "home-phone.png"), full_page=True)
