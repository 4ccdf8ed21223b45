"""The online viewer of an approved request (第二十八条): the request's page links 在线查阅; the
viewer shows what was approved and no download link of any kind; opening it and each media
play leave a line in the access log; after the request's end, or for anyone but the requester,
or before approval, it answers 404 and the refusal is logged; a request for chosen records
shows those and nothing else of the case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from access.log.models import AccessLogEntry
from access.requests.models import RequestStatus
from access.requests.workflow import access_request_decide, access_request_withdraw
from records.models import AVRecord, Document, StageRecord
from tests.records.views_support import make_clip, original, store  # noqa: F401 (fixture)

from .gate_support import document
from .requests_support import move_clock, request_bureau, submit
from .two_factor_support import force_login_verified

pytestmark = pytest.mark.django_db

#: what a download link would carry: the file views' addresses, the package's, an <a download>
DOWNLOAD_MARKS = ("/download/", "/files/documents/", "/catalogue/", "/evidence-disc/",
                  "/package/", " download", "下载附件", "下载原始文件")


@pytest.fixture
def world(store, tmp_path):  # noqa: F811 (the store fixture)
    world = request_bureau()
    case = world["plain"]
    officer = world["officer"]
    clip = original(store, make_clip(tmp_path).read_bytes())
    world.objects["av"] = AVRecord.objects.create(
        case=case, stage="investigation", sha256=clip.sha256, size=clip.size, mime="video/mp4",
        media_kind="video", device_kind="body_camera", recorded_by=officer.staff_profile,
        started_at=case.created_at, ended_at=case.created_at + timedelta(minutes=3),
        place="现场", stored_at=case.created_at + timedelta(hours=1), mark=case.mark,
        registered_by=officer, original_name="现场.mp4")
    pdf = original(store, b"%PDF-1.4\n%%EOF\n")
    record = StageRecord.objects.create(case=case, stage="investigation", summary="现场检查经过",
                                        occurred_on=case.opened_on, mark=case.mark,
                                        recorded_by=officer)
    world.objects["attached"] = Document.objects.create(
        stage_record=record, doc_kind="现场检查笔录", issued_on=case.opened_on, mark=case.mark,
        text="检查笔录正文：消防通道被堵塞。", file_sha256=pdf.sha256, file_size=pdf.size,
        file_mime="application/pdf", file_name="检查笔录.pdf", created_by=officer)
    return world


def approved(world, access_request):
    for who in ("head", "legal"):
        access_request_decide(actor=world[who], access_request=access_request, decision="approve")
    access_request.refresh_from_db()
    assert access_request.status == RequestStatus.APPROVED
    return access_request


def viewer_url(access_request) -> str:
    return reverse("records:request_viewer", kwargs={"request_pk": access_request.pk})


def play_url(world) -> str:
    return reverse("records:av_play", args=[world["plain"].pk, world["av"].pk])


def lines(**filters):
    return list(AccessLogEntry.objects.filter(**filters).order_by("occurred_at", "lane", "lane_seq"))


def viewer_lines(outcome: str):
    return [line for line in lines(action="view", outcome=outcome)
            if line.detail_data.get("page") == "viewer"]


def test_a_view_grant_opens_the_viewer_with_no_download_link_and_logs_page_and_play(client, world):
    access_request = approved(world, submit(world["other_officer"], world["plain"]))
    client.force_login(world["other_officer"])
    detail = client.get(reverse("access_requests:detail", args=[access_request.pk])).content.decode()
    assert f'id="open-viewer" href="{viewer_url(access_request)}">在线查阅</a>' in detail
    assert "下载复制件包" not in detail

    response = client.get(viewer_url(access_request))
    assert response.status_code == 200
    page = response.content.decode()
    main = page[page.index("<main"):page.index("</main>")]
    assert access_request.number in main and "仅供在线查阅，不提供下载" in main
    assert "检查笔录正文：消防通道被堵塞。" in main and "笔录内容" in main  # both documents, in full
    assert "现场检查经过" in main  # the stage record of a whole-case request
    assert f'src="{play_url(world)}"' in main and 'controlslist="nodownload' in main
    for mark in DOWNLOAD_MARKS:
        assert mark not in main, mark
    [line] = viewer_lines("ok")
    assert line.actor_id == world["other_officer"].pk
    assert (line.object_type, line.object_id) == ("records.case", str(world["plain"].pk))
    assert line.detail_data["access_request"] == access_request.number
    assert sorted(line.detail_data["documents"]) == sorted(
        [world["attached"].pk, world["plain_doc"].pk])
    assert line.detail_data["av_records"] == [world["av"].pk] and line.detail_data["grants"]

    played = client.get(play_url(world))
    assert played.status_code == 200 and played["Content-Type"] == "video/mp4"
    b"".join(played.streaming_content)
    [play] = lines(action="media_play", outcome="ok")
    assert (play.object_type, play.object_id) == ("records.avrecord", str(world["av"].pk))
    assert play.actor_id == world["other_officer"].pk and play.detail_data["rule"] == "user_grant"
    # the view grant never yields a download of the same recording
    assert client.get(reverse("records:av_download",
                              args=[world["plain"].pk, world["av"].pk])).status_code == 403
    assert not lines(action="download", outcome="ok")


def test_after_the_requests_end_the_viewer_and_the_play_answer_404(client, world, monkeypatch):
    access_request = approved(world, submit(world["other_officer"], world["plain"], days=2))
    client.force_login(world["other_officer"])
    assert client.get(viewer_url(access_request)).status_code == 200
    move_clock(monkeypatch, timedelta(days=3))
    assert client.get(viewer_url(access_request)).status_code == 404
    assert client.get(play_url(world)).status_code == 404
    [refused] = viewer_lines("denied")
    assert "使用期限已过" in refused.detail_data["reason"]
    assert lines(action="media_play", outcome="denied")
    detail = client.get(reverse("access_requests:detail", args=[access_request.pk])).content.decode()
    assert 'id="open-viewer"' not in detail and viewer_url(access_request) not in detail


def test_only_the_requester_of_an_approved_request_opens_the_viewer(client, world):
    access_request = submit(world["other_officer"], world["plain"])
    client.force_login(world["other_officer"])
    assert client.get(viewer_url(access_request)).status_code == 404  # still pending
    approved(world, access_request)
    force_login_verified(client, world["head"])  # an approver is not the requester
    assert client.get(viewer_url(access_request)).status_code == 404
    client.force_login(world["other_officer"])
    access_request_withdraw(actor=world["other_officer"], access_request=access_request)
    assert client.get(viewer_url(access_request)).status_code == 404  # withdrawn: grants revoked
    nowhere = reverse("records:request_viewer", kwargs={"request_pk": 999999})
    assert client.get(nowhere).status_code == 404
    reasons = [line.detail_data["reason"] for line in viewer_lines("denied")]
    assert len(reasons) == 4
    assert "审批中" in reasons[0] and "申请人本人" in reasons[1] and "已撤回" in reasons[2]
    assert not viewer_lines("ok")


def test_a_request_for_chosen_records_shows_those_and_nothing_else(client, world):
    access_request = approved(world, submit(world["other_officer"], world["plain"],
                                            items=[world["attached"]]))
    client.force_login(world["other_officer"])
    page = client.get(viewer_url(access_request)).content.decode()
    assert "检查笔录正文：消防通道被堵塞。" in page
    assert "笔录内容" not in page and play_url(world) not in page and "<video" not in page
    assert "现场检查经过" not in page  # the stage record's own text was not asked for
    [line] = viewer_lines("ok")
    assert line.detail_data["documents"] == [world["attached"].pk]
    assert line.detail_data["av_records"] == []
    # the case page itself stays closed to this reader: the viewer is the way in
    assert client.get(reverse("records:case", args=[world["plain"].pk])).status_code == 404


def test_a_copy_request_links_both_the_viewer_and_the_package(client, world):
    access_request = approved(world, submit(world["other_officer"], world["plain"], kind="copy"))
    client.force_login(world["other_officer"])
    detail = client.get(reverse("access_requests:detail", args=[access_request.pk])).content.decode()
    assert f'href="{viewer_url(access_request)}"' in detail and "下载复制件包" in detail
    main = client.get(viewer_url(access_request)).content.decode()
    main = main[main.index("<main"):main.index("</main>")]
    for mark in DOWNLOAD_MARKS:  # copying is the package's business, not the viewer's
        assert mark not in main, mark


def test_a_personal_case_opens_in_the_viewer_only_after_the_second_factor(client, world):
    personal = world["personal"]
    document(personal)
    access_request = submit(world["other_officer"], personal)
    for step in access_request.steps.order_by("order"):
        who = {"unit_head": "head", "legal": "legal", "secrecy": "secrecy",
               "bureau_head": "bureau_head"}[step.role]
        access_request_decide(actor=world[who], access_request=access_request, decision="approve")
    access_request.refresh_from_db()
    assert access_request.status == RequestStatus.APPROVED
    client.force_login(world["other_officer"])  # password only
    response = client.get(viewer_url(access_request))
    assert response.status_code == 302 and "verify" in response["Location"]
    assert not viewer_lines("ok")
    force_login_verified(client, world["other_officer"])
    response = client.get(viewer_url(access_request))
    assert response.status_code == 200 and "笔录内容" in response.content.decode()
    assert len(viewer_lines("ok")) == 1
