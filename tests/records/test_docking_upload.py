"""The docking-station upload through the production ASGI entry (portal/asgi.py's router in
front of records/upload_endpoint.py), driven with ASGI messages as uvicorn sends them. The
database work runs in Django's thread for sync code, which asgiref makes this test's thread,
so it sees the test's transaction on SQLite and PostgreSQL alike."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from asgiref.sync import async_to_sync
from django.core.handlers.asgi import ASGIHandler

from access.log.models import AccessLogEntry
from access.models import StaffProfile
from access.two_factor.api_tokens import api_token_create
from portal.asgi import make_application
from records.casefile import AVRecord
from records.store import OriginalStore
from records.upload_endpoint import UPLOAD_PATH
from tests.access import gate_support as g
from tests.access.two_factor_support import totp_code, totp_device_for
from tests.conftest import require

pytestmark = pytest.mark.django_db
CERTIFICATE = "豫建执000777"


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> bytes:
    require(shutil.which("ffmpeg") is not None, "ffmpeg is not installed (apt-get install ffmpeg)")
    path = tmp_path_factory.mktemp("docking") / "clip.mp4"
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", "testsrc=duration=1:size=64x48", str(path)], check=True, timeout=60)
    return path.read_bytes()


@pytest.fixture
def store(tmp_path) -> OriginalStore:
    return OriginalStore(tmp_path / "originals")


@pytest.fixture
def app(store):
    return make_application(store)


@dataclass
class Setting:
    officer: object
    case: object
    other_case: object
    device_key: str
    person_key: str
    device: object
    station: object = field(default=None)


@pytest.fixture
def bureau():
    officer = g.person("officer", "officer")
    StaffProfile.objects.filter(user=officer).update(certificate_number=CERTIFICATE)
    station = g.person("station-01")  # a staff profile in the same unit, no role
    _, device_key = api_token_create(actor=None, user=station, kind="device", name="采集工作站01")
    _, person_key = api_token_create(actor=officer, user=officer, kind="person", name="脚本")
    return Setting(officer=officer, case=g.case("xiaofang", "internal", opener=officer),
                   other_case=g.case("xiaofang", "internal", opener=officer),
                   device_key=device_key, person_key=person_key,
                   device=totp_device_for(officer), station=station)


@dataclass
class Answer:
    status: int | None
    body: dict | None
    body_messages_read: int


def metadata(case, **overrides) -> dict[str, str]:
    values = {
        "Authorization": None, "X-Case-Id": str(case.pk), "X-Stage": "investigation",
        "X-Recorded-Start": "2026-03-02T09:00:00+08:00", "X-Recorded-End": "2026-03-02T09:05:00+08:00",
        "X-Place": quote("郑州市金水区花园路1号"), "X-Officer-Certificate": quote(CERTIFICATE),
        "X-Device-Id": "DSJ-0012", "X-File-Name": quote("现场/20260302_0900.mp4"),
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def send_upload(app, body: bytes, headers: dict[str, str], *, chunk: int = 16384,
                disconnect_after: int | None = None, method: str = "PUT",
                path: str = UPLOAD_PATH) -> Answer:
    raw = [(name.lower().encode(), value.encode("latin-1")) for name, value in headers.items()]
    raw.append((b"content-length", str(len(body)).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": raw, "client": ("10.0.0.7", 40000),
             "server": ("testserver", 80)}
    pieces = [body[i:i + chunk] for i in range(0, len(body), chunk)] or [b""]
    if disconnect_after is not None:
        messages = [{"type": "http.request", "body": p, "more_body": True} for p in pieces[:disconnect_after]]
        messages.append({"type": "http.disconnect"})
    else:
        messages = [{"type": "http.request", "body": p, "more_body": i < len(pieces) - 1}
                    for i, p in enumerate(pieces)]
    read, sent = [], []

    async def receive():
        message = messages.pop(0) if messages else {"type": "http.disconnect"}
        if message["type"] == "http.request":
            read.append(message)
        return message

    async def send(message):
        sent.append(message)

    async def run():
        await app(scope, receive, send)

    async_to_sync(run)()
    if not sent:
        return Answer(None, None, len(read))
    payload = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Answer(sent[0]["status"], json.loads(payload), len(read))


def stored_files(store) -> list:
    return sorted(p for p in store.root.rglob("*") if p.is_file() and ".incoming" not in p.parts) \
        if store.root.exists() else []


def test_a_device_token_upload_is_stored_and_registered_with_its_hash_and_size(app, store, bureau, clip):
    digest = hashlib.sha256(clip).hexdigest()

    answer = send_upload(app, clip, metadata(bureau.case, Authorization=f"Token {bureau.device_key}",
                                             **{"X-Content-SHA256": digest}))

    assert answer.status == 201, answer.body
    record = AVRecord.objects.get(pk=answer.body["record_id"])
    assert (record.sha256, record.size) == (digest, len(clip))
    assert record.case == bureau.case and record.media_kind == "video" and record.mime == "video/mp4"
    assert record.recorded_by.certificate_number == CERTIFICATE and record.device_id == "DSJ-0012"
    assert record.place == "郑州市金水区花园路1号" and record.original_name == "20260302_0900.mp4"
    if shutil.which("ffprobe"):
        assert 0.5 < record.duration_seconds < 2
    assert stored_files(store) == [store.path_for(digest)]
    line = AccessLogEntry.objects.get(action="upload", actor_username="station-01")
    assert line.object_id == str(record.pk) and json.loads(line.detail)["on_behalf_of"] == "officer"
    assert AccessLogEntry.objects.filter(action="upload", actor_username="officer",
                                         object_id=str(record.pk)).exists()


@pytest.mark.parametrize("authorization", [None, "Token not-a-token-at-all", "Bearer abc"])
def test_without_a_valid_token_the_upload_is_refused_before_its_body_is_read(app, store, bureau, clip,
                                                                             authorization):
    answer = send_upload(app, clip, metadata(bureau.case, Authorization=authorization))

    assert answer.status == 401 and "令牌" in answer.body["error"]
    assert answer.body_messages_read == 0
    assert not AVRecord.objects.exists() and stored_files(store) == []
    line = AccessLogEntry.objects.get(outcome="denied", path=UPLOAD_PATH)
    assert line.ip == "10.0.0.7"


def test_a_hash_mismatch_is_refused_with_409_leaving_no_record_and_no_file(app, store, bureau, clip):
    answer = send_upload(app, clip, metadata(bureau.case, Authorization=f"Token {bureau.device_key}",
                                             **{"X-Content-SHA256": "0" * 64}))

    assert answer.status == 409 and "第二十八条" in answer.body["error"]
    assert not AVRecord.objects.exists() and stored_files(store) == []
    assert AccessLogEntry.objects.filter(action="upload", outcome="failed").count() == 1


def test_an_upload_that_breaks_off_leaves_no_record_and_no_file(app, store, bureau, clip):
    answer = send_upload(app, clip, metadata(bureau.case, Authorization=f"Token {bureau.device_key}"),
                         chunk=1024, disconnect_after=3)

    assert answer.status is None and answer.body_messages_read == 3
    assert not AVRecord.objects.exists() and stored_files(store) == []
    assert not any((store.root / ".incoming").glob("*")) if (store.root / ".incoming").exists() else True
    assert AccessLogEntry.objects.filter(action="upload", outcome="failed").count() == 1


def test_text_named_mp4_is_refused_with_a_clear_chinese_message(app, store, bureau):
    text = "这是一段文字，不是视频。".encode() * 2000

    answer = send_upload(app, text, metadata(bureau.case, Authorization=f"Token {bureau.device_key}",
                                             **{"X-File-Name": "evidence.mp4"}))

    assert answer.status == 415
    assert "evidence.mp4" in answer.body["error"] and "文件内容实际是" in answer.body["error"]
    assert not AVRecord.objects.exists() and stored_files(store) == []


def test_the_same_file_twice_is_one_copy_and_one_record_and_for_another_case_a_second_record(
        app, store, bureau, clip):
    headers = metadata(bureau.case, Authorization=f"Token {bureau.device_key}")

    first = send_upload(app, clip, headers)
    again = send_upload(app, clip, headers)
    other = send_upload(app, clip, {**headers, "X-Case-Id": str(bureau.other_case.pk)})

    assert (first.status, again.status, other.status) == (201, 200, 201)
    assert again.body["record_id"] == first.body["record_id"] and again.body["created"] is False
    assert other.body["stored_new_copy"] is False and other.body["record_id"] != first.body["record_id"]
    assert AVRecord.objects.count() == 2
    assert stored_files(store) == [store.path_for(hashlib.sha256(clip).hexdigest())]


def test_unknown_or_invisible_case_is_404_before_the_body(app, store, bureau, clip):
    other_unit_case = g.case("shenpi", "internal")
    key = f"Token {bureau.device_key}"

    for case_id in (str(other_unit_case.pk), "999999"):
        answer = send_upload(app, clip, metadata(bureau.case, Authorization=key, **{"X-Case-Id": case_id}))
        assert answer.status == 404 and answer.body_messages_read == 0
    assert not AVRecord.objects.exists() and stored_files(store) == []


def test_bad_metadata_is_refused_before_the_body_with_the_article(app, store, bureau, clip):
    key = f"Token {bureau.device_key}"
    cases = {
        "X-Stage": ("no-such-stage", "第十条"),
        "X-Recorded-End": ("2026-03-02T08:00:00+08:00", "第二十三条"),
        "X-Officer-Certificate": (quote("豫建执999999"), "第十二条"),
        "X-Recorded-Start": ("yesterday", "ISO 8601"),
    }
    for header, (value, expected) in cases.items():
        answer = send_upload(app, clip, metadata(bureau.case, Authorization=key, **{header: value}))
        assert answer.status == 400 and expected in answer.body["error"], (header, answer.body)
        assert answer.body_messages_read == 0
    assert not AVRecord.objects.exists() and stored_files(store) == []


def test_a_device_cannot_upload_into_a_sealed_case_for_the_officer(app, store, bureau, clip):
    sealed = g.case("xiaofang", "state_secret", opener=bureau.officer)

    answer = send_upload(app, clip, metadata(sealed, Authorization=f"Token {bureau.device_key}"))

    assert answer.status == 403 and "第二十九条" in answer.body["error"]
    assert answer.body_messages_read == 0 and not AVRecord.objects.exists()
    assert AccessLogEntry.objects.filter(action="upload", outcome="denied").exists()


def test_a_person_token_uploads_with_a_code_and_not_with_a_replayed_one(app, store, bureau, clip):
    code = totp_code(bureau.device)
    headers = metadata(bureau.case, Authorization=f"Token {bureau.person_key}", **{"X-OTP-Code": code})
    headers.pop("X-Officer-Certificate")

    without = send_upload(app, clip, {k: v for k, v in headers.items() if k != "X-OTP-Code"})
    first = send_upload(app, clip, headers)
    from access.two_factor.models import ApiToken
    ApiToken.objects.update(verified_until=None)  # only the code itself could let it in now
    replayed = send_upload(app, clip, headers)

    assert without.status == 401 and without.body_messages_read == 0
    assert first.status == 201
    assert AVRecord.objects.get().recorded_by.user == bureau.officer
    assert replayed.status == 401 and replayed.body_messages_read == 0


def test_when_the_record_cannot_be_created_after_the_body_no_record_and_no_file_remain(
        app, store, bureau, clip):
    # archived between the checks before the body and the registration after it
    headers = metadata(bureau.case, Authorization=f"Token {bureau.device_key}")
    original_stored = type(app.routes[UPLOAD_PATH]).stored

    async def archive_then_store(self, scope, stored, file_type, context, send):
        from asgiref.sync import sync_to_async
        from records.casefile import Case

        await sync_to_async(lambda: Case.objects.filter(pk=bureau.case.pk).update(state="archived"))()
        await original_stored(self, scope, stored, file_type, context, send)

    upload_app = app.routes[UPLOAD_PATH]
    upload_app.stored = archive_then_store.__get__(upload_app)
    answer = send_upload(app, clip, headers)

    assert answer.status == 400 and "第二十五条" in answer.body["error"]
    assert not AVRecord.objects.exists() and stored_files(store) == []


def test_the_router_sends_only_the_upload_path_around_django(app):
    upload_app = app.routes[UPLOAD_PATH]
    assert isinstance(app.default, ASGIHandler)
    assert app.app_for("/api/v1/uploads") is upload_app
    assert app.app_for("/api/v1/uploads/clip.mp4") is upload_app
    assert app.app_for("/api/v1/cases/") is None and app.app_for("/api/v1/uploadsx") is None


def test_a_name_after_the_path_as_curl_sends_it_is_the_file_name(app, store, bureau, clip):
    headers = metadata(bureau.case, Authorization=f"Token {bureau.device_key}")
    headers.pop("X-File-Name")

    answer = send_upload(app, clip, headers, path=UPLOAD_PATH + "../../现场 录像.mp4")
    refused = send_upload(app, b"plain text, not a video " * 500, headers, path=UPLOAD_PATH + "x.mp4")

    assert answer.status == 201
    assert AVRecord.objects.get().original_name == "现场 录像.mp4"
    assert refused.status == 415 and "x.mp4" in refused.body["error"]
