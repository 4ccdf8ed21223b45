"""The bare ASGI upload app, driven with ASGI messages as a server sends them."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import subprocess
from urllib.parse import quote

import pytest

from records.store import OriginalStore
from records.upload_app import make_upload_app
from tests.conftest import require


@pytest.fixture
def store(tmp_path) -> OriginalStore:
    return OriginalStore(tmp_path / "originals")


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> bytes:
    require(shutil.which("ffmpeg") is not None, "ffmpeg is not installed (apt-get install ffmpeg)")
    path = tmp_path_factory.mktemp("upload") / "clip.mp4"
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", "testsrc=duration=1:size=64x48", str(path)], check=True, timeout=60)
    return path.read_bytes()


def files_under(root):
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def put(app, body: bytes, *, name: str | None = None, sha256: str | None = None, length: int | None = None,
        chunk: int = 4096, disconnect_after: int | None = None):
    headers = [(b"content-length", str(len(body) if length is None else length).encode())]
    if name is not None:
        headers.append((b"x-file-name", quote(name).encode()))
    if sha256 is not None:
        headers.append((b"x-content-sha256", sha256.encode()))
    scope = {"type": "http", "method": "PUT", "path": "/upload/", "headers": headers}
    pieces = [body[i: i + chunk] for i in range(0, len(body), chunk)] or [b""]
    if disconnect_after is not None:
        messages = [{"type": "http.request", "body": p, "more_body": True} for p in pieces[:disconnect_after]]
        messages.append({"type": "http.disconnect"})
    else:
        messages = [{"type": "http.request", "body": p, "more_body": i < len(pieces) - 1} for i, p in enumerate(pieces)]
    sent = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    if not sent:
        return None, None
    return sent[0]["status"], json.loads(sent[1]["body"])


def test_upload_is_stored_under_its_hash_and_a_second_one_is_the_same_copy(store, clip):
    app = make_upload_app(store)

    status, answer = put(app, clip, name="执法记录仪/现场.mp4", sha256=hashlib.sha256(clip).hexdigest().upper())
    again, second = put(app, clip, name="copy.mp4")

    assert status == 201 and answer["created"] is True and answer["mime"] == "video/mp4"
    assert answer["sha256"] == hashlib.sha256(clip).hexdigest() and answer["size"] == len(clip)
    assert again == 200 and second["created"] is False
    assert files_under(store.root) == [store.path_for(answer["sha256"])]


def test_upload_that_breaks_off_stores_nothing_and_leaves_no_file(store, clip):
    status, _ = put(make_upload_app(store), clip, name="clip.mp4", disconnect_after=2)

    assert status is None
    assert files_under(store.root) == []


def test_text_file_named_mp4_is_refused_with_a_clear_message(store):
    status, answer = put(make_upload_app(store), "这是一段文字,不是视频。".encode() * 1000, name="evidence.mp4")

    assert status == 415
    assert "evidence.mp4" in answer["error"] and "文本文件" in answer["error"]
    assert files_under(store.root) == []


def test_docking_station_hash_mismatch_is_refused(store, clip):
    status, answer = put(make_upload_app(store), clip, name="clip.mp4", sha256="0" * 64)

    assert status == 409 and "第二十八条" in answer["error"]
    assert files_under(store.root) == []


def test_body_shorter_than_its_content_length_is_refused(store, clip):
    status, answer = put(make_upload_app(store), clip, name="clip.mp4", length=len(clip) + 1)

    assert status == 400 and "上传不完整" in answer["error"]
    assert files_under(store.root) == []


def test_announced_size_over_the_limit_is_refused_before_reading(tmp_path, clip):
    small = OriginalStore(tmp_path / "originals", max_size=1000)

    status, answer = put(make_upload_app(small), clip, name="clip.mp4")

    assert status == 413 and "最大" in answer["error"]
    assert files_under(small.root) == []
