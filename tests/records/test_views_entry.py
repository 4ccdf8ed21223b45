"""Entry forms of the staff UI: opening a case, stage records, documents with an attached file,
signatures and refusals, and uploading audio/video. Refused input changes nothing: no record,
no file in the store, a clear Chinese message citing its article."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from records.casefile import AVRecord, Case, Document, Signature, StageRecord
from tests.access import gate_support as g
from tests.records import factories
from tests.records.views_support import (
    PDF_BYTES,
    log_lines,
    login,
    make_clip,
    store,  # noqa: F401  (fixture)
    stored_files,
)

pytestmark = pytest.mark.django_db


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_an_officer_opens_a_case_of_the_own_unit_and_is_put_on_it(client):
    officer = factories.officer(unit_code="xiaofang")
    from access.roles import role_groups_ensure
    officer.user.groups.add(role_groups_ensure()["officer"])
    login(client, officer.user)
    assert "立案" in client.get("/cases/").content.decode()
    response = client.post("/cases/new/", {
        "kind": "penalty", "title": "某工地未经消防验收擅自使用案", "start_mode": "initiative",
        "source": "inspection", "opened_on": "2026-03-02", "mark": "internal"})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.handling_unit == officer.unit and case.number
    assert list(case.case_officers.values_list("officer", flat=True)) == [officer.pk]
    assert log_lines(action="create", object_type="records.case", object_id=str(case.pk))


def test_opening_a_case_against_the_regulation_shows_the_article_and_saves_nothing(client):
    officer = factories.officer_user(roles=("officer",))
    login(client, officer)
    response = client.post("/cases/new/", {
        "kind": "penalty", "title": "缺来源", "start_mode": "initiative", "source": "",
        "opened_on": "2026-03-02", "mark": "internal"})
    assert response.status_code == 200
    assert "应记录案件来源" in response.content.decode() and "第十一条" in response.content.decode()
    assert not Case.objects.exists()


def test_someone_without_the_officer_role_cannot_open_cases(client):
    world = g.bureau()
    login(client, world["legal"])
    assert client.get("/cases/new/").status_code == 403


def test_a_stage_record_is_added_and_an_unknown_stage_refused(client):
    case = factories.penalty_case()
    login(client, case.actor)
    response = client.post(f"/cases/{case.pk}/stages/new/", {
        "stage": "filing", "occurred_on": "2026-03-02", "summary": "经审批立案"})
    assert response.status_code == 302
    assert StageRecord.objects.get(case=case).summary == "经审批立案"
    refused = client.post(f"/cases/{case.pk}/stages/new/", {"stage": "no_such", "occurred_on": "2026-03-02"})
    assert refused.status_code == 200 and "no_such" in refused.content.decode()
    assert StageRecord.objects.filter(case=case).count() == 1


def test_forms_of_a_case_the_reader_may_not_see_answer_404_and_read_only_readers_403(client):
    case = factories.penalty_case()
    stranger = g.person("stranger", "officer", unit_code="shenpi")
    login(client, stranger)
    assert client.get(f"/cases/{case.pk}/stages/new/").status_code == 404
    assert client.post(f"/cases/{case.pk}/av/new/", {}).status_code == 404
    reader = g.person("reader", "requester", unit_code="renshi")
    g.grant(case, "view", to=reader)
    login(client, reader)
    assert client.get(f"/cases/{case.pk}/documents/new/").status_code == 403


def test_a_document_with_an_attached_pdf_is_stored_under_its_hash(client, store):
    case = factories.penalty_case()
    record = factories.stage(case, "filing")
    login(client, case.actor)
    from django.core.files.uploadedfile import SimpleUploadedFile
    response = client.post(f"/cases/{case.pk}/documents/new/", {
        "stage_record": record.pk, "doc_kind": "立案审批表", "issued_on": "2026-03-02",
        "text": "", "required_signers": ["officer"], "doc_number": "郑建立〔2026〕1号",
        "file": SimpleUploadedFile("../../立案审批表.pdf", PDF_BYTES, "application/pdf")})
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get()
    assert document.file_sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert document.file_name == "立案审批表.pdf" and document.file_mime == "application/pdf"
    assert store.exists(document.file_sha256)
    assert [p.name for p in stored_files(store)] == [document.file_sha256]


def test_a_document_whose_file_is_not_what_its_name_says_is_refused_leaving_nothing(client, store):
    case = factories.penalty_case()
    record = factories.stage(case, "filing")
    login(client, case.actor)
    from django.core.files.uploadedfile import SimpleUploadedFile
    response = client.post(f"/cases/{case.pk}/documents/new/", {
        "stage_record": record.pk, "doc_kind": "立案审批表", "issued_on": "2026-03-02",
        "text": "正文", "required_signers": ["officer"],
        "file": SimpleUploadedFile("审批表.pdf", b"just some text, not a pdf\n" * 50, "application/pdf")})
    assert response.status_code == 200
    html = response.content.decode()
    assert "文件内容实际是" in html and "第二十八条" in html
    assert not Document.objects.exists()
    assert stored_files(store) == []


def test_a_document_without_text_or_file_is_refused_citing_article_9(client, store):
    case = factories.penalty_case()
    record = factories.stage(case, "filing")
    login(client, case.actor)
    response = client.post(f"/cases/{case.pk}/documents/new/", {
        "stage_record": record.pk, "doc_kind": "笔录", "issued_on": "2026-03-02",
        "required_signers": ["officer"]})
    assert "文书应有内容或附件" in response.content.decode() and "第九条" in response.content.decode()
    assert not Document.objects.exists()


def test_a_refusal_needs_what_and_why_and_is_then_recorded(client):
    case = factories.penalty_case()
    record = factories.stage(case, "filing")
    document = factories.signed_document(case, record)
    login(client, case.actor)
    url = f"/cases/{case.pk}/documents/{document.pk}/signatures/new/"
    incomplete = client.post(url, {"signer_role": "witness", "outcome": "refused", "signer_name": "王某"})
    assert "拒绝的，应记录拒绝的事项和理由" in incomplete.content.decode()
    assert "第十三条" in incomplete.content.decode()
    count = Signature.objects.count()
    assert Signature.objects.count() == count
    response = client.post(url, {"signer_role": "witness", "outcome": "refused", "signer_name": "王某",
                                 "refused_what": "sign", "refusal_reason": "称不认可检查结论"})
    assert response.status_code == 302
    assert Signature.objects.filter(document=document, outcome="refused", signer_name="王某").exists()


def _av_form(case, **extra):
    start = timezone.now() - timedelta(hours=3)
    values = {"stage": "investigation", "device_kind": "body_camera", "device_id": "ZFJLY-007",
              "recorded_by": case.lead.pk, "started_at": local(start),
              "ended_at": local(start + timedelta(minutes=10)), "place": "郑州市金水区某工地"}
    values.update(extra)
    return values


def test_an_uploaded_video_is_typed_from_its_content_stored_and_registered(client, store, tmp_path):
    clip = make_clip(tmp_path)
    case = factories.penalty_case(opened_on=timezone.localdate() - timedelta(days=1))
    login(client, case.actor)
    with open(clip, "rb") as handle:
        response = client.post(f"/cases/{case.pk}/av/new/", {**_av_form(case), "file": handle})
    assert response.status_code == 302, response.content.decode()[:3000]
    av = AVRecord.objects.get()
    data = clip.read_bytes()
    assert av.sha256 == hashlib.sha256(data).hexdigest() and av.size == len(data)
    assert av.media_kind == "video" and av.mime == "video/mp4" and av.original_name == "clip.mp4"
    assert av.stored_at <= timezone.now() and av.recorded_by == case.lead
    assert av.duration_seconds and 0.5 < av.duration_seconds < 2
    assert store.path_for(av.sha256).read_bytes() == data
    assert log_lines(action="upload", object_id=str(av.pk))


def test_a_file_renamed_to_mp4_is_refused_with_a_clear_message_and_leaves_nothing(client, store, tmp_path):
    case = factories.penalty_case(opened_on=timezone.localdate() - timedelta(days=1))
    fake = tmp_path / "现场.mp4"
    fake.write_bytes(b"PK\x03\x04 this is a zip archive, not a video" + bytes(5000))
    login(client, case.actor)
    with open(fake, "rb") as handle:
        response = client.post(f"/cases/{case.pk}/av/new/", {**_av_form(case), "file": handle})
    assert response.status_code == 200
    html = response.content.decode()
    assert "文件名“现场.mp4”" in html and "文件内容实际是" in html
    assert not AVRecord.objects.exists()
    assert stored_files(store) == []


def test_an_upload_with_a_form_error_leaves_no_record_and_no_file(client, store, tmp_path):
    clip = make_clip(tmp_path)
    case = factories.penalty_case(opened_on=timezone.localdate() - timedelta(days=1))
    login(client, case.actor)
    start = timezone.now() - timedelta(hours=2)
    with open(clip, "rb") as handle:
        response = client.post(f"/cases/{case.pk}/av/new/", {
            **_av_form(case, started_at=local(start), ended_at=local(start - timedelta(minutes=5))),
            "file": handle})
    assert response.status_code == 200 and "结束时间早于开始时间" in response.content.decode()
    assert not AVRecord.objects.exists()
    assert stored_files(store) == []


def test_an_upload_the_service_refuses_after_storing_leaves_no_file(client, store, tmp_path):
    clip = make_clip(tmp_path)
    case = factories.penalty_case(opened_on=timezone.localdate() - timedelta(days=1))
    login(client, case.actor)
    # stored "before it ended": refused by av_record_register (第二十六条) after the bytes arrived
    values = _av_form(case, place="   ")
    with open(clip, "rb") as handle:
        response = client.post(f"/cases/{case.pk}/av/new/", {**values, "file": handle})
    assert response.status_code == 200
    assert not AVRecord.objects.exists()
    assert stored_files(store) == []


def test_an_archived_case_takes_no_new_records(client):
    case = factories.penalty_case()
    Case.objects.filter(pk=case.pk).update(state="archived")
    login(client, case.actor)
    assert client.get(f"/cases/{case.pk}/stages/new/").status_code == 403


def test_a_party_is_added_and_then_shown_masked(client):
    case = factories.penalty_case()
    login(client, case.actor)
    number = factories.resident_id("41010519850101123")
    response = client.post(f"/cases/{case.pk}/parties/new/", {
        "party_type": "person", "name": "赵某", "id_type": "resident_id", "id_number": number,
        "phone": "13912345678", "address": "河南省郑州市金水区某路2号"})
    assert response.status_code == 302
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "赵某" in html and number not in html and "13912345678" not in html
    assert number[:6] + "********" + number[-4:] in html
    wrong = client.post(f"/cases/{case.pk}/parties/new/", {
        "party_type": "person", "name": "钱某", "id_type": "resident_id", "id_number": "410105198501011230"})
    assert wrong.status_code == 200 and "第十一条" in wrong.content.decode()
    assert not case.parties.filter(name="钱某").exists()


def test_an_uploaded_name_with_a_path_and_a_nul_is_kept_only_as_a_safe_display_name(client, store, tmp_path):
    clip = make_clip(tmp_path)
    case = factories.penalty_case(opened_on=timezone.localdate() - timedelta(days=1))
    login(client, case.actor)
    from django.core.files.uploadedfile import SimpleUploadedFile
    upload = SimpleUploadedFile("../../etc/evil\x00现场.mp4", clip.read_bytes(), "video/mp4")
    response = client.post(f"/cases/{case.pk}/av/new/", {**_av_form(case), "file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    name = AVRecord.objects.get().original_name
    assert "/" not in name and "\x00" not in name and ".." not in name and name.endswith("现场.mp4")
    assert [p.name for p in stored_files(store)] == [AVRecord.objects.get().sha256]
