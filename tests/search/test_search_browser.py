"""The search page in a real browser, over the demo data."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_searches_from_the_box_on_every_page(page, artifacts_dir):
    call_command("load_demo", quiet_accounts=True)
    call_command("reindex", "--no-progress")
    page.goto("/")
    page.fill("#site-search-q", "执法记录仪")
    page.locator("form.site-search button").click()
    page.wait_for_load_state()
    assert "/search/" in page.url
    assert page.locator("h1").inner_text() == "检索"
    # anonymous: the rules scope, found by a word inside longer words
    assert page.locator(".search-summary").is_visible()
    assert page.locator(".search-hit mark").count() >= 1
    page.screenshot(path=str(artifacts_dir / "search-rules.png"), full_page=True)

    page.goto("/accounts/login/?next=/search/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", "officer-demo-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    page.goto("/search/?q=%E6%89%A7%E6%B3%95&scope=cases")
    assert page.locator(".search-summary").inner_text().startswith("共")
    page.screenshot(path=str(artifacts_dir / "search-cases.png"), full_page=True)
