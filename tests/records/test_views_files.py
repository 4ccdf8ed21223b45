"""Serving originals: range requests return the exact bytes of the stored file, 416 for a
range past the end, downloads with a safe Content-Disposition, and every play and download
checked by the gate and logged before the bytes leave (plays once per viewing)."""

from __future__ import annotations

import os

import pytest

from tests.access import gate_support as g
from tests.records import factories
from tests.records.views_support import (
    av_with_bytes,
    document_with_file,
    log_lines,
    login,
    store,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.django_db
DATA = os.urandom(5000) + b"end"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def clip_case(store):
    case = factories.penalty_case()
    av = av_with_bytes(case, store, DATA)
    return case, av


def play_url(case, av):
    return f"/cases/{case.pk}/files/av/{av.pk}/play/"


def download_url(case, av):
    return f"/cases/{case.pk}/files/av/{av.pk}/download/"


def test_range_requests_return_exactly_the_bytes_asked_for(client, clip_case):
    case, av = clip_case
    login(client, case.actor)
    url = play_url(case, av)
    for header, start, end in (("bytes=0-99", 0, 99), ("bytes=100-", 100, len(DATA) - 1),
                               ("bytes=-50", len(DATA) - 50, len(DATA) - 1),
                               ("bytes=4990-999999", 4990, len(DATA) - 1), ("bytes=7-7", 7, 7)):
        response = client.get(url, HTTP_RANGE=header)
        assert response.status_code == 206, header
        assert response["Content-Range"] == f"bytes {start}-{end}/{len(DATA)}"
        assert int(response["Content-Length"]) == end - start + 1
        assert body(response) == DATA[start:end + 1], header
        assert response["Accept-Ranges"] == "bytes"
    whole = client.get(url)
    assert whole.status_code == 200 and whole.streaming
    assert body(whole) == DATA
    assert whole["Content-Type"] == "video/mp4"
    assert whole["Content-Disposition"].startswith("inline;")


def test_a_range_past_the_end_answers_416_with_the_size(client, clip_case):
    case, av = clip_case
    login(client, case.actor)
    for header in (f"bytes={len(DATA)}-", "bytes=999999-1000000", "bytes=-0"):
        response = client.get(play_url(case, av), HTTP_RANGE=header)
        assert response.status_code == 416, header
        assert response["Content-Range"] == f"bytes */{len(DATA)}"


def test_a_range_that_does_not_parse_or_several_ranges_get_the_whole_file(client, clip_case):
    case, av = clip_case
    login(client, case.actor)
    for header in ("bytes=abc", "items=0-5", "bytes=0-5,10-20", "bytes=9-3"):
        response = client.get(play_url(case, av), HTTP_RANGE=header)
        assert response.status_code == 200, header
        assert body(response) == DATA


def test_if_range_with_another_etag_gets_the_whole_file(client, clip_case):
    case, av = clip_case
    login(client, case.actor)
    same = client.get(play_url(case, av), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=f'"{av.sha256}"')
    assert same.status_code == 206 and body(same) == DATA[:10]
    other = client.get(play_url(case, av), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old"')
    assert other.status_code == 200 and body(other) == DATA


def test_a_play_is_logged_once_at_its_start_and_not_for_each_continuation(client, clip_case):
    case, av = clip_case
    login(client, case.actor)
    url = play_url(case, av)
    client.get(url, HTTP_RANGE="bytes=0-")
    client.get(url, HTTP_RANGE="bytes=1000-")
    client.get(url, HTTP_RANGE="bytes=3000-3999")
    plays = log_lines(action="media_play", outcome="ok")
    assert len(plays) == 1
    assert plays[0].object_id == str(av.pk) and plays[0].object_type == "records.avrecord"
    client.get(url)  # a new play from the start
    assert len(log_lines(action="media_play", outcome="ok")) == 2


def test_a_continuation_from_a_session_that_never_started_the_play_is_logged(client, clip_case):
    case, av = clip_case
    login(client, case.actor)
    response = client.get(play_url(case, av), HTTP_RANGE="bytes=2000-2099")
    assert body(response) == DATA[2000:2100]
    [line] = log_lines(action="media_play", outcome="ok")
    assert '"range":[2000,2099]' in line.detail


def test_downloading_needs_the_download_grant_and_each_download_is_logged(client, clip_case):
    case, av = clip_case
    login(client, case.actor)
    refused = client.get(download_url(case, av))
    assert refused.status_code == 403
    assert not getattr(refused, "streaming", False)
    assert log_lines(action="download", outcome="denied")
    g.grant(av, "download", to=case.actor)
    for _ in range(2):
        response = client.get(download_url(case, av))
        assert response.status_code == 200 and body(response) == DATA
        assert response["Content-Disposition"].startswith("attachment;")
    assert len(log_lines(action="download", outcome="ok")) == 2


def test_a_view_only_grant_plays_but_does_not_download(client, clip_case):
    case, av = clip_case
    reader = g.person("reader", "requester", unit_code="renshi")
    g.grant(case, "view", to=reader)
    login(client, reader)
    assert client.get(play_url(case, av)).status_code == 200
    assert client.get(download_url(case, av)).status_code == 403
    [denied] = log_lines(action="download", outcome="denied", actor_username="reader")
    assert denied.object_id == str(av.pk)


def test_a_reader_who_may_not_see_the_record_gets_404_and_the_denial_is_logged(client, clip_case):
    case, av = clip_case
    stranger = g.person("stranger", "officer", unit_code="shenpi")
    login(client, stranger)
    assert client.get(play_url(case, av)).status_code == 404
    assert client.get(download_url(case, av)).status_code == 404
    assert client.get(f"/cases/{case.pk}/files/av/999999/play/").status_code == 404
    denied = log_lines(actor_username="stranger", outcome="denied")
    assert {line.action for line in denied} >= {"media_play", "download"}
    assert not log_lines(actor_username="stranger", outcome="ok", action="media_play")


def test_a_record_of_another_case_is_not_served_under_this_case(client, store):
    case = factories.penalty_case()
    other = factories.penalty_case(actor=case.actor)
    av = av_with_bytes(other, store, DATA)
    login(client, case.actor)
    assert client.get(f"/cases/{case.pk}/files/av/{av.pk}/play/").status_code == 404


@pytest.mark.parametrize("name", ["../../x", 'a"b.mp4', "evil\x00name.mp4", "/etc/passwd",
                                  "执法记录\r\nSet-Cookie: x=1.mp4"])
def test_download_names_are_made_safe_in_content_disposition(client, store, name):
    case = factories.penalty_case()
    av = av_with_bytes(case, store, DATA, name=name)
    g.grant(av, "download", to=case.actor)
    login(client, case.actor)
    response = client.get(download_url(case, av))
    header = response["Content-Disposition"]
    assert header.startswith('attachment; filename="')
    plain = header.split('filename="', 1)[1].split('"', 1)[0]
    assert "/" not in plain and "\\" not in plain and "\x00" not in plain and ".." not in plain
    assert '"' not in plain and "\r" not in header and "\n" not in header
    assert header.count('"') == 2
    assert body(response) == DATA


def test_a_documents_attached_file_downloads_with_its_grant(client, store):
    case = factories.penalty_case()
    data = b"%PDF-1.4 fake but stored as given" * 10
    document = document_with_file(case, store, data, name="处罚决定书.pdf")
    login(client, case.actor)
    url = f"/cases/{case.pk}/files/documents/{document.pk}/"
    assert client.get(url).status_code == 403
    g.grant(document, "download", to=case.actor)
    response = client.get(url)
    assert response.status_code == 200 and body(response) == data
    assert "filename*=UTF-8''%E5%A4%84%E7%BD%9A" in response["Content-Disposition"]
    assert log_lines(action="download", outcome="ok", object_type="records.document")


def test_a_head_request_sends_no_bytes_and_logs_no_read(client, clip_case):
    case, av = clip_case
    login(client, case.actor)
    response = client.head(play_url(case, av), HTTP_RANGE="bytes=0-9")
    assert response.status_code == 206 and response["Content-Length"] == "10"
    assert response.content == b""
    assert not log_lines(action="media_play")
