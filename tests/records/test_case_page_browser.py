"""The case page in Debian's chromium: an officer logs in, opens a case, sees the stages as a
timeline with the findings beside them (each citing its article), and plays a small video
from the originals store through range requests; the play is in the access log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from access.log.models import AccessLogEntry
from access.roles import role_groups_ensure
from records import services
from tests.records import factories
from tests.records.views_support import make_clip, original

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password-2026"


@pytest.fixture
def case_with_video(settings, tmp_path):
    from records.store import OriginalStore

    settings.ORIGINALS_ROOT = tmp_path / "originals"
    store = OriginalStore(settings.ORIGINALS_ROOT)
    profile = factories.officer(unit_code="xiaofang", name="张警官", username="zhang")
    profile.user.set_password(PASSWORD)
    profile.user.save()
    profile.user.groups.add(role_groups_ensure()["officer"])
    actor = profile.user
    opened = timezone.localdate() - timedelta(days=2)
    case = services.case_open(actor=actor, unit=profile.unit, kind="penalty", title="某工地消防设施未验收案",
                              start_mode="initiative", source="inspection", opened_on=opened)
    services.case_officer_add(case=case, actor=actor, officer=profile)
    filing = services.stage_record_add(case=case, actor=actor, stage="filing", occurred_on=opened,
                                       summary="经负责人批准立案")
    services.document_add(stage_record=filing, actor=actor, doc_kind="立案审批表",
                          issued_on=opened, text="同意立案")  # unsigned: a 第十三条 finding
    services.stage_record_add(case=case, actor=actor, stage="investigation", occurred_on=opened,
                              summary="现场检查")
    clip = make_clip(tmp_path)
    stored = original(store, clip.read_bytes())
    start = factories.at(opened, 10)
    av = services.av_record_register(
        case=case, actor=actor, stage="investigation", sha256=stored.sha256, size=stored.size,
        media_kind="video", mime="video/mp4", device_kind="body_camera", recorded_by=profile,
        started_at=start, ended_at=start + timedelta(seconds=1), place="郑州市金水区某工地",
        stored_at=start + timedelta(hours=1), original_name="现场检查.mp4", duration_seconds=1.0)
    return case, av


def test_an_officer_sees_the_timeline_with_findings_and_plays_the_video(page, artifacts_dir, case_with_video):
    case, av = case_with_video
    page.goto("/accounts/login/")
    page.fill("#id_username", "zhang")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()

    page.goto("/cases/")
    assert page.locator(f'tr[data-case-id="{case.pk}"]').count() == 1
    page.screenshot(path=str(artifacts_dir / "case-list.png"), full_page=True)
    page.get_by_role("link", name=case.number).click()
    page.wait_for_selector("#timeline")
    stages = page.locator("#timeline > li")
    assert stages.count() == 10
    assert stages.nth(0).get_attribute("data-stage") == "filing"
    filing = page.locator('li[data-stage="filing"]')
    assert "立案审批表" in filing.inner_text()
    assert "第十三条" in filing.locator(".timeline__findings").inner_text()
    hearing = page.locator('li[data-stage="hearing"]')
    assert "条件环节" in hearing.inner_text()
    page.screenshot(path=str(artifacts_dir / "case-page-timeline.png"), full_page=True)
    assert not AccessLogEntry.objects.filter(action="media_play").exists()  # preload="none"

    video = page.locator(f'figure[data-av-id="{av.pk}"] video')
    video.scroll_into_view_if_needed()
    page.evaluate("""(selector) => { const v = document.querySelector(selector);
                       v.muted = true; return v.play().catch(e => String(e)); }""",
                  f'figure[data-av-id="{av.pk}"] video')
    page.wait_for_function(
        "(selector) => document.querySelector(selector).readyState >= 2",
        arg=f'figure[data-av-id="{av.pk}"] video', timeout=20000)
    state = page.evaluate("(s) => { const v = document.querySelector(s); return [v.readyState, v.error && v.error.code, v.duration]; }",
                          f'figure[data-av-id="{av.pk}"] video')
    assert state[0] >= 2 and state[1] is None and 0.5 < state[2] < 2
    video.screenshot(path=str(artifacts_dir / "case-page-video.png"))
    page.screenshot(path=str(artifacts_dir / "case-page-playing.png"), full_page=True)

    page.goto(f"/cases/{case.pk}/av/new/?stage=investigation")
    page.screenshot(path=str(artifacts_dir / "case-av-upload-form.png"), full_page=True)
    assert "上传音像记录" in page.locator("h1").inner_text()

    plays = AccessLogEntry.objects.filter(action="media_play", outcome="ok", object_id=str(av.pk))
    assert plays.count() >= 1
    assert plays.first().actor_username == "zhang"
