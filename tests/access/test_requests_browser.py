"""The request journey in Debian's chromium (第二十八条, 第二十九条): an officer asks to copy
records of a case marked personal, seeing the approval chain before submitting; the head of
unit and the secrecy officer, each logged in with a TOTP code, approve from their inbox; the
officer opens the online viewer from the request's page (no download link; the recording
plays there) and downloads the copy package; the auditor finds every step in the access
log, the viewer's page and the play included. Screenshots of each step are saved as test
artifacts."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import timedelta

import pytest

from records.models import AVRecord
from tests.access.gate_support import PASSWORD, case, document, person
from tests.access.two_factor_support import totp_code, totp_device_for
from tests.records.views_support import make_clip, original, store  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str, device, *, again: bool = False) -> None:
    """Password, then the app's code (the next time step's when logging in again, since a
    code is accepted once)."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/accounts/login/code/")
    page.fill("#id_code", totp_code(device, steps_ahead=1 if again else 0))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def log_out(page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


def approve_from_inbox(page, number: str, comment: str) -> None:
    page.goto("/requests/inbox/")
    row = page.locator(f'tr[data-request="{number}"]')
    row.get_by_role("link", name="审批").click()
    page.locator('input[name="decision"][value="approve"]').check()
    page.fill("#id_comment", comment)
    page.get_by_role("button", name="提交审批意见").click()
    page.wait_for_url("**/requests/inbox/")


def recording(subject, officer, store, folder) -> AVRecord:  # noqa: F811
    """A real one-second video (ffmpeg's test pattern) in the case."""
    clip = original(store, make_clip(folder).read_bytes())
    return AVRecord.objects.create(
        case=subject, stage="investigation", sha256=clip.sha256, size=clip.size,
        mime="video/mp4", media_kind="video", device_kind="body_camera",
        recorded_by=officer.staff_profile, started_at=subject.created_at,
        ended_at=subject.created_at + timedelta(minutes=1), place="现场",
        stored_at=subject.created_at + timedelta(hours=1), mark=subject.mark,
        registered_by=officer, original_name="现场.mp4")


def test_copy_request_from_form_to_viewer_package_and_audit_log(page, artifacts_dir, store,  # noqa: F811
                                                                tmp_path):
    officer = person("officer", "officer")
    head = person("head", "unit_head")
    secrecy = person("secrecy", "secrecy", unit_code="fagui")
    auditor = person("auditor", "auditor", unit_code=None)
    devices = {user.username: totp_device_for(user) for user in (officer, head, secrecy, auditor)}
    subject = case("xiaofang", "personal", opener=officer)
    document(subject)
    video = recording(subject, officer, store, tmp_path)

    # the officer asks, and sees who will approve and why before submitting
    log_in(page, "officer", devices["officer"])
    page.goto(f"/requests/new/?target=cases/{subject.pk}")
    chain = page.locator("section.approval-chain")
    assert chain.get_attribute("data-chain") == "unit_head,secrecy"
    assert "第二十九条" in chain.inner_text()
    page.locator('input[name="kind"][value="copy"]').check()
    page.select_option("#id_purpose", "review_litigation")
    page.fill("#id_purpose_text", "行政复议答复需提交询问笔录复制件")
    page.select_option("#id_delivery", "download")
    page.screenshot(path=str(artifacts_dir / "requests-1-form.png"), full_page=True)
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()
    errors = page.locator(".form-errors, .field-errors")
    assert errors.count() == 0, errors.all_inner_texts()
    page.wait_for_url(re.compile(r"/requests/\d+/$"))
    number = page.locator("h1").inner_text().split()[-1]
    assert number.startswith("FZ")
    assert page.locator(".request-status").inner_text() == "审批中"
    assert "承办机构负责人" in page.locator(".request-holder").inner_text()
    page.screenshot(path=str(artifacts_dir / "requests-2-submitted.png"), full_page=True)
    log_out(page)

    # the head of unit and the secrecy officer approve, each with a TOTP code
    log_in(page, "head", devices["head"])
    page.goto("/requests/inbox/")
    assert page.locator(".site-nav .badge").inner_text() == "1"  # a notification waits
    approve_from_inbox(page, number, "同意复制")
    page.screenshot(path=str(artifacts_dir / "requests-3-head-approved.png"), full_page=True)
    log_out(page)
    log_in(page, "secrecy", devices["secrecy"])
    approve_from_inbox(page, number, "涉及个人信息，复制件注意保密")
    page.screenshot(path=str(artifacts_dir / "requests-4-secrecy-approved.png"), full_page=True)
    log_out(page)

    # the officer downloads the copy package
    log_in(page, "officer", devices["officer"], again=True)
    page.goto("/requests/")
    page.screenshot(path=str(artifacts_dir / "requests-5-list.png"), full_page=True)
    page.locator(f'tr[data-request="{number}"] a').click()
    assert page.locator(".request-status").inner_text() == "已批准"
    page.screenshot(path=str(artifacts_dir / "requests-5-approved.png"), full_page=True)
    detail_url = page.url

    # the officer reads in the online viewer: no download link, the recording plays there
    page.get_by_role("link", name="在线查阅").click()
    page.wait_for_url(re.compile(r"/cases/viewer/\d+/$"))
    main = page.locator("main")
    assert "仅供在线查阅，不提供下载" in main.inner_text() and number in main.inner_text()
    hrefs = main.locator("a").evaluate_all("links => links.map(link => link.href)")
    assert not [href for href in hrefs if "/download/" in href or "/files/" in href], hrefs
    assert main.locator("a[download]").count() == 0
    player = main.locator(f'figure[data-av-id="{video.pk}"] video')
    assert "nodownload" in player.get_attribute("controlslist")
    with page.expect_response(lambda response: "/play/" in response.url) as played:
        player.evaluate("video => { video.muted = true; video.play().catch(() => {}); }")
    assert played.value.status in (200, 206)
    page.wait_for_function("video => video.currentTime > 0 || video.ended",
                           arg=player.element_handle(), timeout=15000)
    page.screenshot(path=str(artifacts_dir / "requests-6-viewer.png"), full_page=True)

    page.goto(detail_url)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载复制件包").click()
    path = artifacts_dir / "requests-copy-package.zip"
    download_info.value.save_as(str(path))
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    assert manifest["request_number"] == number and manifest["entries"]
    log_out(page)

    # the auditor finds every step in the access log: on the case, the request, the approvals,
    # the grants, the viewer's page and the package; on the recording, its play
    log_in(page, "auditor", devices["auditor"])
    page.goto(f"/access/log/?object_type=records.case&object_id={subject.pk}")
    page.locator("details").evaluate_all("items => items.forEach(item => { item.open = true; })")
    text = page.locator("main").inner_text()
    page.screenshot(path=str(artifacts_dir / "requests-7-audit-log.png"), full_page=True)
    for word in ("提出调阅/复制申请", "批准", "授权", "复制", "查看"):
        assert word in text, word
    assert manifest["package_id"] in text and number in text
    assert re.search(r'"page":\s*"viewer"', text), "the viewer's page is not in the log"
    page.goto(f"/access/log/?object_type=records.avrecord&object_id={video.pk}")
    text = page.locator("main").inner_text()
    page.screenshot(path=str(artifacts_dir / "requests-8-audit-log-play.png"), full_page=True)
    assert "播放音视频" in text and "officer" in text
