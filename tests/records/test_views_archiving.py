"""Closing and archiving from the case page (第十六条, 第二十五条): the approver records the
approval naming the officer who asked; the gaps that block archiving are shown with their
articles; an archived file shows 已归档 and takes annotations only; the catalogue of each
volume and the evidence disc (第二十七条) download through their logged reads."""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta

import pytest

from access.grants import grant_give
from records import services
from records.case_lifecycle import CaseAction, CaseState
from records.casefile import Case
from tests.records import archive_support as a
from tests.records import factories as f
from tests.records.views_support import log_lines, login, store  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _page(client, case) -> str:
    return client.get(f"/cases/{case.pk}/").content.decode()


def test_an_officer_who_may_not_approve_sees_who_approves_and_no_approval_form(client):
    case = f.penalty_case(actor=f.officer_user(roles=("officer",)))
    login(client, case.actor)
    html = _page(client, case)
    assert "结案与归档（第十六条、第二十五条）" in html
    assert 'id="close-form"' not in html and "承办机构负责人或局负责人在本页审批" in html
    assert client.post(f"/cases/{case.pk}/close/", {"requester": case.actor.pk}).status_code == 403
    assert Case.objects.get(pk=case.pk).state == CaseState.OPEN


def test_the_unit_head_approves_closing_with_the_requesting_officer_recorded(client):
    case = a.complete_case()
    head = a.approver()
    login(client, head)
    html = _page(client, case)
    assert 'id="close-form"' in html and f'value="{case.actor.pk}"' in html
    response = client.post(f"/cases/{case.pk}/close/", {"requester": case.actor.pk,
                                                        "act_ended_on": str(case.last_day),
                                                        "note": "同意结案"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.act_ended_on == case.last_day
    step = case.steps.get(action=CaseAction.CLOSE)
    assert (step.actor, step.approved_by, step.note) == (case.actor, head, "同意结案")
    assert log_lines(action="approve", outcome="ok", object_id=str(case.pk))


def test_the_approver_cannot_name_themself_as_the_requester(client):
    case = a.complete_case()
    head = a.approver()
    login(client, head)
    response = client.post(f"/cases/{case.pk}/close/", {"requester": head.pk})
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).state == CaseState.OPEN


def test_archiving_an_incomplete_file_is_refused_on_the_page_with_each_gap_and_its_article(client):
    case = f.penalty_case()
    f.stage(case, "filing")
    head = a.approver()
    services.case_file_close(case=case, actor=case.actor, approved_by=head)
    login(client, head)
    html = _page(client, case)
    assert 'id="archive-problems"' in html and "第十条" in html and "第十四条" in html
    response = client.post(f"/cases/{case.pk}/archive/", {"requester": case.actor.pk})
    assert response.status_code == 400
    body = response.content.decode()
    assert "不能归档" in body and "第二十五条" in body
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED


def test_an_archived_file_shows_archived_takes_annotations_and_offers_no_entry_forms(client):
    case = a.complete_case()
    head = a.approver()
    services.case_file_close(case=case, actor=case.actor, approved_by=head,
                             approved_at=f.at(case.last_day, 10))
    login(client, head)
    assert client.post(f"/cases/{case.pk}/archive/", {"requester": case.actor.pk,
                                                      "note": "同意归档"}).status_code == 302
    assert Case.objects.get(pk=case.pk).state == CaseState.ARCHIVED
    login(client, case.actor)
    html = _page(client, case)
    assert 'id="archived-notice"' in html and "已归档" in html
    assert 'id="annotation-form"' in html and 'id="archive-form"' not in html
    assert f"/cases/{case.pk}/stages/new/" not in html
    assert client.post(f"/cases/{case.pk}/annotations/new/", {"text": "卷内文书齐全"}).status_code == 302
    assert [n.text for n in Case.objects.get(pk=case.pk).annotations.all()] == ["卷内文书齐全"]
    assert client.get(f"/cases/{case.pk}/stages/new/").status_code == 403


def test_the_main_volume_catalogue_downloads_as_pdf_and_the_read_is_logged(client):
    case = a.complete_case()
    a.close_and_archive(case)
    login(client, case.actor)
    html = _page(client, case)
    assert f"/cases/{case.pk}/catalogue/main.pdf" in html
    response = client.get(f"/cases/{case.pk}/catalogue/main.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    lines = [line for line in log_lines(action="view", outcome="ok", object_id=str(case.pk))
             if '"catalogue":"main"' in line.detail]
    assert lines


def test_the_restricted_volume_is_not_offered_to_whom_may_not_see_its_records(client):
    case = a.complete_case()  # its personal photo goes into the 副卷
    outsider = f.officer_user(roles=("officer",))
    grant_give(actor=_verified_secrecy(), obj=case, action="view", user=outsider,
               reason="测试", valid_until=f.at(case.last_day, 10) + timedelta(days=3650))
    login(client, outsider)
    html = _page(client, case)
    assert f"/cases/{case.pk}/catalogue/restricted.pdf" not in html
    assert client.get(f"/cases/{case.pk}/catalogue/restricted.pdf").status_code == 404
    assert client.get(f"/cases/{case.pk}/catalogue/nonsense.pdf").status_code == 404


def test_the_evidence_disc_streams_for_those_allowed_to_copy_and_leaves_no_temp_file(client, store):
    case = a.complete_case(store=store)
    recording = case.recordings[0]
    services.evidence_note_add(av_record=recording, actor=case.actor, collected_by="张三、李四",
                               collected_at=recording.ended_at, collected_place=recording.place)
    login(client, case.actor)
    assert 'id="evidence-disc-form"' not in _page(client, case)
    assert client.post(f"/cases/{case.pk}/evidence-disc/").status_code == 403
    grant_give(actor=_verified_secrecy(), obj=case, action="copy", user=case.actor,
               reason="依批准的复制申请", valid_until=f.at(case.last_day) + timedelta(days=3650))
    assert 'id="evidence-disc-form"' in _page(client, case)
    before = set(os.listdir(tempfile.gettempdir()))
    response = client.post(f"/cases/{case.pk}/evidence-disc/")
    assert response.status_code == 200
    image = b"".join(response.streaming_content)  # the test client closes it when consumed
    assert image[32768 + 1:32768 + 6] == b"CD001"  # the ISO 9660 primary volume descriptor
    assert ".iso" in response["Content-Disposition"]
    assert log_lines(action="export", outcome="ok", object_id=str(case.pk))
    leftovers = {name for name in set(os.listdir(tempfile.gettempdir())) - before
                 if name.startswith("evidence-disc-")}
    assert leftovers == set()


def _verified_secrecy():
    secrecy = f.officer_user(unit_code="fagui", roles=("secrecy",))
    secrecy.is_verified = lambda: True
    return secrecy
