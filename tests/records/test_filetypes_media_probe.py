"""Media length from ffprobe where installed; None, without an error, where it is not."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from records.media_probe import parse_ffprobe_json, probe_media
from tests.conftest import require


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    require(shutil.which("ffmpeg") is not None, "ffmpeg is not installed (apt-get install ffmpeg)")
    path = tmp_path_factory.mktemp("probe") / "clip.mp4"
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc=duration=2:size=64x48", "-f", "lavfi", "-i", "sine=duration=2",
                    "-shortest", str(path)], check=True, timeout=60)
    return path


def test_probe_reads_the_length_and_streams_of_a_real_clip(clip):
    require(shutil.which("ffprobe") is not None, "ffprobe is not installed (apt-get install ffmpeg)")

    info = probe_media(clip)

    assert info is not None
    assert info.duration_seconds == pytest.approx(2.0, abs=0.1)
    assert info.has_video and info.has_audio
    video = next(s for s in info.streams if s.codec_type == "video")
    assert (video.width, video.height) == (64, 48)


def test_probe_without_ffprobe_returns_none(clip, tmp_path):
    assert probe_media(clip, ffprobe=str(tmp_path / "no-ffprobe-here")) is None


def test_probe_of_a_file_that_is_not_media_returns_none(tmp_path):
    require(shutil.which("ffprobe") is not None, "ffprobe is not installed (apt-get install ffmpeg)")
    text = tmp_path / "notes.mp4"
    text.write_text("这不是视频")

    assert probe_media(text) is None


def test_duration_falls_back_to_the_longest_stream():
    info = parse_ffprobe_json(b'{"format": {"format_name": "avi"}, "streams": ['
                              b'{"index": 0, "codec_type": "video", "codec_name": "h264", "duration": "9.5"},'
                              b'{"index": 1, "codec_type": "audio", "codec_name": "pcm", "duration": "N/A"}]}')

    assert info.duration_seconds == 9.5 and info.format_name == "avi"
