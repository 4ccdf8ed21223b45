"""The file type comes from the content; a name that claims otherwise is refused."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from records.filetypes import (
    FileTypeMismatch,
    KindNotAccepted,
    MediaKind,
    UnrecognisedContent,
    check_declared_type,
    detect_type,
    identify,
)
from records.store import OriginalStore
from tests.conftest import require

TESTSRC = ["-f", "lavfi", "-i", "testsrc=duration=1:size=64x48"]
SINE = ["-f", "lavfi", "-i", "sine=duration=1"]
# file name, ffmpeg arguments, detected type, kind
SAMPLES = [
    ("clip.mp4", TESTSRC + SINE, "mp4", MediaKind.VIDEO),
    ("clip.mov", TESTSRC + SINE, "mov", MediaKind.VIDEO),
    ("clip.mkv", TESTSRC + SINE, "mkv", MediaKind.VIDEO),
    ("clip.webm", TESTSRC + ["-c:v", "libvpx"], "webm", MediaKind.VIDEO),
    ("clip.avi", TESTSRC + SINE, "avi", MediaKind.VIDEO),
    ("clip.ts", TESTSRC + SINE, "mpegts", MediaKind.VIDEO),
    ("clip.mpg", TESTSRC + SINE, "mpeg", MediaKind.VIDEO),
    ("clip.3gp", TESTSRC + SINE + ["-c:v", "h263", "-s", "128x96", "-ar", "8000", "-ac", "1", "-c:a", "aac"], "3gp", MediaKind.VIDEO),
    ("clip.wmv", TESTSRC + SINE, "wmv", MediaKind.VIDEO),
    ("clip.flv", TESTSRC + SINE, "flv", MediaKind.VIDEO),
    ("sound.wav", SINE, "wav", MediaKind.AUDIO),
    ("sound.mp3", SINE, "mp3", MediaKind.AUDIO),
    ("sound.m4a", SINE, "m4a", MediaKind.AUDIO),
    ("sound.aac", SINE, "aac", MediaKind.AUDIO),
    ("sound.ogg", SINE, "ogg", MediaKind.AUDIO),
    ("sound.flac", SINE, "flac", MediaKind.AUDIO),
    ("sound.wma", SINE, "wma", MediaKind.AUDIO),
    ("photo.jpg", TESTSRC + ["-frames:v", "1"], "jpeg", MediaKind.PHOTO),
    ("photo.png", TESTSRC + ["-frames:v", "1"], "png", MediaKind.PHOTO),
]


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    require(shutil.which("ffmpeg") is not None, "ffmpeg is not installed (apt-get install ffmpeg)")
    folder = tmp_path_factory.mktemp("media")
    for name, arguments, _, _ in SAMPLES:
        target = folder / name
        result = subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *arguments, str(target)],
                                capture_output=True, timeout=60)
        if result.returncode != 0:  # an encoder this ffmpeg lacks (mp3, vpx): that sample is skipped
            target.unlink(missing_ok=True)
    return folder


def sample(media_dir: Path, name: str) -> bytes:
    path = media_dir / name
    require(path.exists(), f"this ffmpeg could not write {name}")
    return path.read_bytes()


@pytest.mark.parametrize("name, _arguments, expected, kind", SAMPLES, ids=[s[0] for s in SAMPLES])
def test_each_real_file_is_recognised_from_its_content(media_dir, name, _arguments, expected, kind):
    head = sample(media_dir, name)[:8192]

    detected = detect_type(head)

    assert detected is not None and (detected.name, detected.kind) == (expected, kind)
    assert check_declared_type(name, detected, head=head) is detected


def test_text_file_renamed_to_mp4_is_refused_saying_what_it_holds():
    head = "现场笔录:当事人拒绝签字。".encode()

    with pytest.raises(FileTypeMismatch) as refused:
        identify(head, "../uploads/现场视频.mp4")

    message = str(refused.value)
    assert "现场视频.mp4" in message and "../" not in message
    assert "MP4 视频" in message and "文本文件" in message and "现场笔录" in message
    assert "第二十八条" in message


def test_photo_renamed_to_mp4_is_refused_as_a_jpeg(media_dir):
    head = sample(media_dir, "photo.jpg")[:8192]

    with pytest.raises(FileTypeMismatch, match="JPEG 照片"):
        identify(head, "IMG_0001.mp4")


def test_declared_mime_type_that_does_not_fit_is_refused(media_dir):
    head = sample(media_dir, "sound.wav")[:8192]

    with pytest.raises(FileTypeMismatch, match="video/mp4"):
        identify(head, "video/mp4; codecs=avc1")
    assert identify(head, "audio/x-wav").name == "wav"
    assert identify(head, "application/octet-stream").name == "wav"


def test_mp4_family_names_fit_each_other(media_dir):
    head = sample(media_dir, "clip.mp4")[:8192]

    for name in ("a.MP4", "a.mov", "a.m4v", "a.3gp"):
        assert identify(head, name).name == "mp4"
    with pytest.raises(FileTypeMismatch):
        identify(head, "a.avi")


def test_name_without_a_known_extension_claims_nothing(media_dir):
    head = sample(media_dir, "clip.avi")[:8192]

    assert identify(head, "DSCF0001").name == "avi"
    assert identify(head, "export.dat").name == "avi"
    assert identify(head, None).name == "avi"


@pytest.mark.parametrize("head, found", [
    (b"", "空文件"),
    (b"PK\x03\x04" + bytes(100), "ZIP 压缩包"),
    (b"MZ\x90\x00" + bytes(100), "可执行程序"),
    (bytes(range(200, 256)) * 4, "无法识别的二进制内容"),
])
def test_unrecognised_content_is_refused_saying_what_it_looks_like(head, found):
    with pytest.raises(UnrecognisedContent, match=found):
        identify(head, "no-extension")


def test_only_the_accepted_kinds_pass(media_dir):
    head = sample(media_dir, "photo.png")[:8192]

    with pytest.raises(KindNotAccepted, match="只接受视频、音频文件,收到的是PNG 图片"):
        identify(head, "a.png", accepted_kinds={MediaKind.VIDEO, MediaKind.AUDIO})
    assert identify(head, "a.png", accepted_kinds={MediaKind.PHOTO}).kind == MediaKind.PHOTO


@pytest.mark.parametrize("head, expected", [
    (b"#!AMR\n" + bytes(32), "amr"),
    (b"#!AMR-WB\n" + bytes(32), "amr-wb"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "heic"),
    (b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00M4A isom", "m4a"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf"),
    (b"GIF89a" + bytes(20), "gif"),
    ((bytes(4) + b"\x47" + bytes(187)) * 3, "mpegts"),  # M2TS: 192-byte packets
    (b"\x00\x00\x00\x08wide\x00\x00\x10\x00mdat", "mov"),  # QuickTime without ftyp
])
def test_signatures_ffmpeg_cannot_write_here(head, expected):
    assert detect_type(head).name == expected


def test_the_ingest_sink_keeps_enough_of_the_head_to_identify_without_a_second_read(media_dir, tmp_path):
    data = sample(media_dir, "clip.mkv")
    store = OriginalStore(tmp_path / "originals")
    with store.ingest() as sink:
        for start in range(0, len(data), 1000):
            sink.write(data[start: start + 1000])
        assert identify(sink.head, "clip.mkv").name == "mkv"
        stored = sink.finish()

    assert stored.path.read_bytes() == data
    assert len(sink.head) == min(8192, len(data))
    assert store.ingest_file(io.BytesIO(data)).created is False
