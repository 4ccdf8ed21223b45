"""The legal office opens the supervision dashboard on the demo data, follows one number to
the cases behind it, and the list holds as many cases as the number said (第三十条)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.access.two_factor_support import totp_code, totp_device_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_legal_office_follows_a_number_to_its_cases(page, artifacts_dir):
    call_command("load_demo", quiet_accounts=True)
    legal = get_user_model().objects.get(username="legal")
    page.goto("/accounts/login/")
    page.fill("#id_username", "legal")
    page.fill("#id_password", "legal-demo-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/accounts/login/code/")
    page.fill("#id_code", totp_code(totp_device_for(legal), steps_ahead=1))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto("/supervision/?from=2026-01-01&to=2026-12-31")
    assert page.locator("h1").inner_text() == "监督管理统计"
    assert page.locator("svg.supervision-chart").count() >= 3
    page.screenshot(path=str(artifacts_dir / "supervision-dashboard.png"), full_page=True)

    link = page.locator("#sv-articles a").filter(has_not_text=re.compile(r"^0$")).first
    number = int(link.inner_text())
    assert number > 0, "the demo has deliberate findings"
    link.click()
    page.wait_for_url("**/supervision/cases/**")
    assert int(page.locator(".sv-count").get_attribute("data-total")) == number
    assert page.locator("#sv-case-list tbody tr[data-case-id]").count() == min(number, 50)
    page.screenshot(path=str(artifacts_dir / "supervision-cases.png"), full_page=True)

    page.emulate_media(media="print")
    page.goto("/supervision/?from=2026-01-01&to=2026-12-31")
    assert not page.locator("form.sv-filters").is_visible()
    page.screenshot(path=str(artifacts_dir / "supervision-dashboard-print.png"), full_page=True)
