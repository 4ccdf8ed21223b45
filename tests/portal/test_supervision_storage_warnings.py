"""The 24-hour storage deadline warned of before it passes (第二十六条): a recording reported as
made and not yet stored is a yellow card until its deadline and a red card after it, for the
officers and the head of the handling unit only; storing it settles the report; the email
goes once per colour."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from portal.supervision.deadline_warnings import storage_warnings_for
from records import services
from records.models import PendingRecording
from tests.access.two_factor_support import force_login_verified
from tests.records import factories as f

ENDED = f.at(date(2026, 3, 2), 10, 30)


@pytest.fixture
def reported(db):
    case = f.penalty_case()
    case.actor.email = "head@example.test"
    case.actor.save(update_fields=["email"])
    report = services.pending_recording_report(
        case=case, actor=case.actor, stage="investigation", ended_at=ENDED,
        device_kind="body_camera", device_id="ZFJLY-001", recorded_by=case.lead)
    return case, report


def colours(user, now):
    return [(w.colour, w.report.pk) for w in storage_warnings_for(user, now=now)]


def test_yellow_before_the_24_hours_red_after(reported):
    case, report = reported
    assert colours(case.actor, ENDED + timedelta(hours=1)) == [("yellow", report.pk)]
    assert colours(case.actor, ENDED + timedelta(hours=23, minutes=59)) == [("yellow", report.pk)]
    assert colours(case.actor, ENDED + timedelta(hours=24, minutes=1)) == [("red", report.pk)]
    warning = storage_warnings_for(case.actor, now=ENDED + timedelta(hours=25))[0]
    assert "第二十六条" in warning.text and case.number in warning.text
    assert warning.deadline == ENDED + timedelta(hours=24)


def test_another_units_officer_sees_no_card(reported):
    other = f.officer_user(unit_code="shenpi")
    assert colours(other, ENDED + timedelta(hours=1)) == []


def test_storing_the_recording_settles_the_report(reported):
    case, report = reported
    record = f.recording(case, "investigation", start=ENDED - timedelta(minutes=30),
                         stored_after=timedelta(hours=3))
    report.refresh_from_db()
    assert report.stored_as == record
    assert colours(case.actor, ENDED + timedelta(hours=30)) == []


def test_a_recording_of_another_device_or_stage_leaves_it_open(reported):
    case, report = reported
    f.recording(case, "investigation", start=ENDED - timedelta(minutes=30), device_id="ZFJLY-999")
    f.recording(case, "filing", start=ENDED - timedelta(minutes=30))
    f.recording(case, "investigation", start=ENDED + timedelta(hours=5))  # a later recording
    report.refresh_from_db()
    assert report.stored_as is None
    assert colours(case.actor, ENDED + timedelta(hours=30)) == [("red", report.pk)]


def test_a_report_names_a_stage_of_the_kind_and_a_past_time(reported):
    case, _ = reported
    with pytest.raises(Exception, match="第十条"):
        services.pending_recording_report(case=case, actor=case.actor, stage="no_such_stage",
                                          ended_at=ENDED, device_kind="body_camera",
                                          recorded_by=case.lead)
    with pytest.raises(Exception, match="第二十六条"):
        services.pending_recording_report(case=case, actor=case.actor, stage="investigation",
                                          ended_at=f.at(date(2099, 1, 1)),
                                          device_kind="body_camera", recorded_by=case.lead)
    assert PendingRecording.objects.filter(case=case).count() == 1


def test_reported_from_the_case_page_and_shown_on_the_warnings_page(db, client, monkeypatch):
    case = f.penalty_case()
    force_login_verified(client, case.actor)
    form = client.get(f"/cases/{case.pk}/recordings/pending/new/")
    assert form.status_code == 200 and "第二十六条" in form.content.decode()
    response = client.post(f"/cases/{case.pk}/recordings/pending/new/", {
        "stage": "investigation", "device_kind": "body_camera", "device_id": "ZFJLY-7",
        "recorded_by": case.lead.pk, "ended_at": "2026-03-02 10:30"})
    assert response.status_code == 302, response.content.decode()[:2000]
    report = PendingRecording.objects.get(case=case)
    assert report.device_id == "ZFJLY-7" and report.recorded_by == case.lead
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'data-report-id="{report.pk}"' in page

    monkeypatch.setattr("access.clock.now", lambda: ENDED + timedelta(hours=2))
    html = client.get("/supervision/my/").content.decode()
    assert f'data-report-id="{report.pk}"' in html and 'data-colour="yellow"' in html
    monkeypatch.setattr("access.clock.now", lambda: ENDED + timedelta(hours=26))
    html = client.get("/supervision/my/").content.decode()
    assert f'data-report-id="{report.pk}"' in html and 'data-colour="red"' in html


def test_a_bad_report_keeps_the_form_and_writes_nothing(db, client):
    case = f.penalty_case()
    force_login_verified(client, case.actor)
    response = client.post(f"/cases/{case.pk}/recordings/pending/new/", {
        "stage": "investigation", "device_kind": "body_camera", "recorded_by": case.lead.pk,
        "ended_at": "2099-03-02 10:30"})
    assert response.status_code == 200 and "晚于现在" in response.content.decode()
    assert not PendingRecording.objects.filter(case=case).exists()


def test_the_email_goes_once_yellow_and_once_red(reported, monkeypatch):
    case, report = reported
    monkeypatch.setattr("access.clock.now", lambda: ENDED + timedelta(hours=2))
    call_command("send_deadline_warnings")
    storage = [m for m in mail.outbox if "第二十六条" in m.subject]
    assert [m.to for m in storage] == [["head@example.test"]]
    assert "【黄牌】" in storage[0].body and case.number in storage[0].body
    call_command("send_deadline_warnings")
    assert len([m for m in mail.outbox if "第二十六条" in m.subject]) == 1
    monkeypatch.setattr("access.clock.now", lambda: ENDED + timedelta(hours=25))
    call_command("send_deadline_warnings")
    storage = [m for m in mail.outbox if "第二十六条" in m.subject]
    assert len(storage) == 2 and "【红牌】" in storage[1].body
