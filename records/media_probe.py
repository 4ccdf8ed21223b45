"""Media length and streams from ffprobe, where it is installed.

`probe_media(path)` returns None, without an error, when ffprobe is missing (a developer's
machine), fails on the file, or runs past its timeout: the length is a convenience shown next
to a recording, never a condition for storing the original.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class StreamInfo:
    index: int
    codec_type: str  # "video", "audio", "subtitle", "data"
    codec_name: str
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None


@dataclass(frozen=True)
class MediaInfo:
    duration_seconds: float | None
    format_name: str
    streams: tuple[StreamInfo, ...]

    @property
    def has_video(self) -> bool:
        return any(stream.codec_type == "video" for stream in self.streams)

    @property
    def has_audio(self) -> bool:
        return any(stream.codec_type == "audio" for stream in self.streams)


def ffprobe_path() -> str | None:
    return shutil.which("ffprobe")


def probe_media(path: Path | str, *, timeout: float = DEFAULT_TIMEOUT, ffprobe: str | None = None) -> MediaInfo | None:
    executable = ffprobe or ffprobe_path()
    if executable is None:
        return None
    command = [executable, "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
               # "file:" so that no name is read as another protocol (http:, concat:, ...).
               "file:" + str(Path(path).absolute())]
    try:
        completed = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        logger.warning("ffprobe took longer than %ss on %s", timeout, path)
        return None
    except OSError as error:
        logger.warning("ffprobe could not run: %s", error)
        return None
    if completed.returncode != 0:
        logger.info("ffprobe could not read %s: %s", path, completed.stderr.decode(errors="replace")[:500])
        return None
    try:
        return parse_ffprobe_json(completed.stdout)
    except (ValueError, TypeError, KeyError) as error:
        logger.warning("unexpected ffprobe output for %s: %s", path, error)
        return None


def parse_ffprobe_json(output: bytes | str) -> MediaInfo:
    data = json.loads(output)
    found = data.get("format", {})
    streams = tuple(
        StreamInfo(
            index=int(stream.get("index", position)),
            codec_type=str(stream.get("codec_type", "")),
            codec_name=str(stream.get("codec_name", "")),
            width=_int_or_none(stream.get("width")),
            height=_int_or_none(stream.get("height")),
            duration_seconds=_seconds(stream.get("duration")),
        )
        for position, stream in enumerate(data.get("streams", []))
    )
    duration = _seconds(found.get("duration"))
    if duration is None:
        durations = [s.duration_seconds for s in streams if s.duration_seconds is not None]
        duration = max(durations) if durations else None
    return MediaInfo(duration_seconds=duration, format_name=str(found.get("format_name", "")), streams=streams)


def _seconds(value) -> float | None:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
