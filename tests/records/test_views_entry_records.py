"""The further entry forms: an interruption of a recording and its written explanation
(第二十三条), an evidence note (第二十七条), an officer put on the case (第十二条), a document
corrected by a new one that supersedes it while the old one stays (第二十八条); file names with
NUL stored cleaned by the services (so PostgreSQL never sees one); and the admin menu item."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import RequestFactory

from records import services
from records.casefile import AVInterruption, CaseOfficer, Document, EvidenceNote
from records.wagtail_hooks import register_case_files_menu_item
from tests.records import factories as f
from tests.records.views_support import log_lines, login

pytestmark = pytest.mark.django_db

WHEN = "2026-03-02T09:10"


def _av(case):
    return f.recording(case, "investigation", start=f.at(date(2026, 3, 2), 9))


def test_an_interruption_with_a_cause_from_the_list_is_recorded_and_logged(client):
    case = f.penalty_case()
    av = _av(case)
    login(client, case.actor)
    url = f"/cases/{case.pk}/av/{av.pk}/interruptions/new/"
    assert "第二十三条" in client.get(url).content.decode()
    refused = client.post(url, {"cause": "lunch", "interrupted_at": WHEN})
    assert refused.status_code == 200 and not AVInterruption.objects.exists()
    response = client.post(url, {"cause": "low_battery", "interrupted_at": WHEN,
                                 "resumed_at": "2026-03-02T09:15", "spoken_explanation": "on"})
    assert response.status_code == 302
    [row] = AVInterruption.objects.all()
    assert row.cause == "low_battery" and row.spoken_explanation and row.resumed_at
    assert log_lines(action="create", object_type="records.avinterruption")


def test_an_interruption_that_could_not_resume_is_explained_in_writing_once(client):
    case = f.penalty_case()
    av = _av(case)
    login(client, case.actor)
    client.post(f"/cases/{case.pk}/av/{av.pk}/interruptions/new/",
                {"cause": "device_fault", "interrupted_at": WHEN})
    row = AVInterruption.objects.get()
    assert row.written_explanation == ""
    assert f"/interruptions/{row.pk}/explain/" in client.get(f"/cases/{case.pk}/").content.decode()
    url = f"/cases/{case.pk}/av/{av.pk}/interruptions/{row.pk}/explain/"
    assert client.post(url, {"written_explanation": "执法记录仪故障无法开机，改用手机拍照"}).status_code == 302
    again = client.post(url, {"written_explanation": "另一种说法"})
    assert "不能替换" in again.content.decode()
    assert AVInterruption.objects.get().written_explanation == "执法记录仪故障无法开机，改用手机拍照"


def test_an_evidence_note_records_who_when_and_where(client):
    case = f.penalty_case()
    av = _av(case)
    login(client, case.actor)
    url = f"/cases/{case.pk}/av/{av.pk}/evidence-notes/new/"
    assert client.post(url, {"collected_by": "", "collected_at": WHEN,
                             "collected_place": "工地"}).status_code == 200
    assert not EvidenceNote.objects.exists()
    assert client.post(url, {"collected_by": "张三、李四", "collected_at": WHEN,
                             "collected_place": "郑州市金水区某工地"}).status_code == 302
    note = EvidenceNote.objects.get()
    assert (note.collected_by, note.av_record) == ("张三、李四", av)
    assert "取证说明（第二十七条）：张三、李四" in client.get(f"/cases/{case.pk}/").content.decode()


def test_an_officer_of_the_unit_with_a_certificate_is_put_on_the_case(client):
    case = f.penalty_case()
    colleague = f.officer(unit_code="xiaofang")
    other_unit = f.officer(unit_code="shenpi")
    login(client, case.actor)
    url = f"/cases/{case.pk}/officers/new/"
    page = client.get(url).content.decode()
    assert colleague.full_name in page and other_unit.full_name not in page
    assert client.post(url, {"officer": other_unit.pk, "role": "assistant"}).status_code == 200
    assert client.post(url, {"officer": colleague.pk, "role": "assistant"}).status_code == 302
    assert CaseOfficer.objects.get(case=case, officer=colleague).role == "assistant"


def test_a_correction_is_a_new_document_superseding_the_old_which_stays(client):
    case = f.penalty_case()
    record = f.stage(case, "investigation")
    old = f.signed_document(case, record, doc_kind="询问笔录")
    login(client, case.actor)
    url = f"/cases/{case.pk}/documents/{old.pk}/correct/"
    form = {"doc_kind": "询问笔录", "issued_on": "2026-03-02", "text": "更正后的笔录内容"}
    assert "更正原因" in client.post(url, {**form, "correction_reason": ""}).content.decode()
    assert client.post(url, {**form, "correction_reason": "笔录时间记错"}).status_code == 302
    new = Document.objects.get(supersedes=old)
    assert new.text == "更正后的笔录内容" and new.correction_reason == "笔录时间记错"
    old = Document.objects.get(pk=old.pk)
    assert old.text == "笔录内容" and old.superseded_by == new  # the old one stays unchanged
    assert client.get(url).status_code == 200
    assert "已被更正" in client.post(url, {**form, "correction_reason": "再改"}).content.decode()
    assert Document.objects.filter(stage_record=record).count() == 2
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "已被更正" in html and f"更正文书#{old.pk}" in html


def test_an_archived_case_takes_none_of_these_forms(client):
    from tests.records import archive_support as a

    case = a.complete_case()
    a.close_and_archive(case)
    login(client, case.actor)
    av = case.recordings[0]
    for url in (f"/cases/{case.pk}/officers/new/", f"/cases/{case.pk}/av/{av.pk}/interruptions/new/",
                f"/cases/{case.pk}/av/{av.pk}/evidence-notes/new/"):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("given,kept", [("evil\x00name.mp4", "evilname.mp4"),
                                        ("../../etc/现场\x00.mp4", "现场.mp4"), ("\x00", "")])
def test_a_file_name_with_nul_is_stored_cleaned_by_the_services_on_any_database(given, kept):
    case = f.penalty_case()
    av = f.recording(case, "investigation", start=f.at(date(2026, 3, 2), 9), original_name=given)
    record = f.stage(case, "filing")
    document = services.document_add(stage_record=record, actor=case.actor, doc_kind="立案审批表",
                                     issued_on=date(2026, 3, 2), file_sha256=f.sha(), file_size=10,
                                     file_mime="application/pdf", file_name=given)
    av.refresh_from_db()
    document.refresh_from_db()
    assert av.original_name == kept and document.file_name == kept


def _menu_shown(user) -> bool:
    request = RequestFactory().get("/admin/")
    request.user = user
    item = register_case_files_menu_item()
    assert item.url == "/cases/" and item.label == "执法案卷"
    return item.is_shown(request)


def test_the_admin_menu_links_to_the_case_files_for_case_roles_only():
    assert _menu_shown(f.officer_user(roles=("officer",)))
    assert _menu_shown(f.officer_user(roles=("unit_head",)))
    assert _menu_shown(f.officer_user(unit_code="fagui", roles=("legal",)))
    assert not _menu_shown(f.officer_user(unit_code="fagui", roles=("sysadmin",)))
    assert not _menu_shown(f.officer_user(unit_code="fagui", roles=("auditor",)))
    assert not _menu_shown(f.user())


def test_the_admin_menu_item_is_in_the_wagtail_admin_for_an_officer(client):
    officer = f.officer_user(roles=("officer",))
    officer.user_permissions.add(_admin_access())
    login(client, officer)
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    label = "执法案卷".encode("unicode_escape").decode()  # the sidebar's menu is JSON
    assert '"/cases/"' in html and ("执法案卷" in html or label in html)


def _admin_access():
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")

