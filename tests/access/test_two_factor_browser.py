"""A secrecy officer enrols an authenticator by scanning the QR code, then logs in with a code
(第二十九条), in Debian's chromium. The QR code is decoded from a screenshot by a real decoder
(zxing-cpp), as a phone's authenticator app would read it."""

from __future__ import annotations

import io
import re
from base64 import b32decode
from urllib.parse import parse_qs, unquote, urlparse

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from access import gate
from tests.access import gate_support as g
from tests.access.two_factor_support import force_login_verified

from tests.access.two_factor_support import PASSWORD, totp_code, user_with_role
from tests.conftest import require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def decode_qr(png: bytes) -> str:
    try:
        import zxingcpp
        from PIL import Image
    except ImportError:  # pragma: no cover - the test extras install both
        require(False, "zxing-cpp or Pillow is not installed (pip install -e '.[test]')")
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1, f"expected one QR code in the screenshot, found {len(results)}"
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    return results[0].text


def key_of(uri: str) -> bytes:
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    return b32decode(secret + "=" * (-len(secret) % 8))


def test_secrecy_officer_enrols_by_scanning_the_qr_code_and_logs_in_with_a_code(page, artifacts_dir):
    call_command("load_demo", quiet_accounts=True, no_cases=True)
    # the demo secrecy officer is enrolled already; a new one has no authenticator yet
    user_with_role("secrecy2", "secrecy")

    page.goto("/accounts/login/")
    page.fill("#id_username", "secrecy2")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/accounts/two-factor/enrol/")
    assert page.locator(".site-user__name").count() == 0  # not logged in before the code
    page.screenshot(path=str(artifacts_dir / "two-factor-enrol.png"), full_page=True)

    qr_png = page.locator("#totp-qr svg").screenshot(path=str(artifacts_dir / "two-factor-qr.png"))
    uri = decode_qr(qr_png)
    assert uri.startswith("otpauth://totp/")
    assert unquote(urlparse(uri).path).endswith(":secrecy2")
    secret_shown = page.locator("#totp-secret").inner_text()
    assert parse_qs(urlparse(uri).query)["secret"][0] == secret_shown
    key = key_of(uri)

    page.fill("#id_code", totp_code(key))
    page.get_by_role("button", name="完成绑定").click()
    page.wait_for_url("**/accounts/two-factor/recovery-codes/")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", code) for code in codes)
    page.screenshot(path=str(artifacts_dir / "two-factor-recovery-codes.png"), full_page=True)
    page.locator("#recovery-codes-done").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator(".site-user__name").inner_text() == "测试secrecy2"

    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()
    assert page.locator(".site-user__name").count() == 0

    page.goto("/accounts/login/")
    page.fill("#id_username", "secrecy2")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/accounts/login/code/")
    page.screenshot(path=str(artifacts_dir / "two-factor-code.png"), full_page=True)
    # the enrolment used this time step's code; the app's next code is a fresh one
    page.fill("#id_code", totp_code(key, steps_ahead=1))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator(".site-user__name").inner_text() == "测试secrecy2"
    page.screenshot(path=str(artifacts_dir / "two-factor-logged-in.png"), full_page=True)

    # The secrecy officer grants an officer of another unit "view" on a case marked personal
    # until a set time (第二十九条), on the secrecy page; the grant row shows its end.
    case = g.case("xiaofang", "personal")
    g.party(case)
    grantee = g.person("reader_b", "officer", unit_code="shenpi")
    reader = Client()
    force_login_verified(reader, grantee)
    assert reader.get(f"/cases/{case.pk}/").status_code == 404  # before: not even that it exists

    ends = (timezone.localtime() + timedelta(days=7)).replace(second=0, microsecond=0)
    page.goto(f"/access/cases/{case.pk}/who/")
    page.fill("#id_grant-username", "reader_b")
    page.select_option("#id_grant-action", "view")
    page.fill("#id_grant-valid_until", ends.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_grant-reason", "依批准的调阅申请（第二十八条）")
    page.locator("form.grant-form button[type=submit]").click()
    page.wait_for_load_state()
    row = page.locator(".who-can-see__grants tr", has_text="reader_b")
    assert row.count() == 1
    assert ends.strftime("%Y-%m-%d %H:%M") in row.inner_text()
    page.screenshot(path=str(artifacts_dir / "two-factor-grant-expiring.png"), full_page=True)

    spec = gate.guarded_for(case)
    grant = spec.user_grants.objects.get(user=grantee, content_object=case)
    assert grant.permission.codename.startswith("view_")
    assert grant.valid_until == ends and grant.revoked_at is None
    assert grant.granted_by.username == "secrecy2"

    # after: the grantee reads the case (the second factor passed: personal data, 第二十九条)
    response = reader.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    assert case.number in response.content.decode()
    assert gate.decide(g.verified(g.fresh(grantee)), gate.VIEW, case).allowed
    # and no longer once the end has passed (judged when checked, not by a job)
    later = ends + timedelta(seconds=1)
    assert not gate.decide(g.verified(g.fresh(grantee)), gate.VIEW, case, at=later).allowed
