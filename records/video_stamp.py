"""A visible stamp burned into a video copy with ffmpeg (第二十八条), where ffmpeg is installed.

A copy package gives recordings as their original bytes with a per-copy id by default; on the
requester's choice a video is given instead as a new file whose every frame shows, in the top
left corner, 复制件, the requester, the request number, the time and the copy id, with 复制件
large and translucent across the middle (drawtext, the WenQuanYi Micro Hei font the PDFs use).
The original is only read (``file:`` input from the store); the stamped file is written to a
temporary directory and read back.

`video_stamp_available()` says whether this machine can do it (ffmpeg with the drawtext
filter, and the font); `video_stamp(...)` raises VideoStampFailed with ffmpeg's message when
ffmpeg fails or runs past its time limit.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from django.conf import settings

from .media_probe import probe_media

STAMP_WORD = "复制件"
DEFAULT_TIMEOUT = 600.0  # seconds; settings.RECORDS_VIDEO_STAMP_TIMEOUT
OUTPUT_SUFFIX = ".mp4"


class VideoStampFailed(RuntimeError):
    pass


def ffmpeg_path() -> str | None:
    return shutil.which("ffmpeg")


def font_path() -> str:
    """The CJK font the PDFs embed (records.catalogue_pdf): settings.RECORDS_CJK_FONT."""
    from .catalogue_pdf import DEFAULT_FONT_PATH

    return getattr(settings, "RECORDS_CJK_FONT", DEFAULT_FONT_PATH)


@functools.cache
def _ffmpeg_lists(executable: str) -> tuple[str, str]:
    def listing(flag: str) -> str:
        try:
            return subprocess.run([executable, "-hide_banner", flag], capture_output=True,
                                  timeout=30, check=False).stdout.decode(errors="replace")
        except (OSError, subprocess.TimeoutExpired):
            return ""
    return listing("-filters"), listing("-encoders")


def video_stamp_available() -> bool:
    executable = ffmpeg_path()
    if executable is None or not Path(font_path()).is_file():
        return False
    filters, _encoders = _ffmpeg_lists(executable)
    return " drawtext " in filters


def _video_encoder(executable: str) -> list[str]:
    _filters, encoders = _ffmpeg_lists(executable)
    if " libx264 " in encoders:
        return ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"]
    return ["-c:v", "mpeg4", "-q:v", "3", "-pix_fmt", "yuv420p"]


def _escape(value: str) -> str:
    """A filter option's value escaped twice, as ffmpeg parses it: for the option
    (``\\``, ``'``, ``:``), then for the filtergraph (``\\``, ``'``, ``[``, ``]``, ``,``,
    ``;``)."""
    for char in ("\\", "'", ":"):
        value = value.replace(char, "\\" + char)
    for char in ("\\", "'", "[", "]", ",", ";"):
        value = value.replace(char, "\\" + char)
    return value


def stamp_filter(*, textfile: Path, font: str, height: int) -> str:
    """The filter chain: even dimensions (for yuv420p), the block of lines top left, 复制件
    across the middle."""
    size = max(10, height // 24)
    big = max(24, height // 6)
    font_option = f"fontfile={_escape(font)}"
    block = ":".join([
        "drawtext=" + font_option, f"textfile={_escape(str(textfile))}", "expansion=none",
        f"fontsize={size}", "fontcolor=white", "box=1", "boxcolor=black@0.55",
        f"boxborderw={max(2, size // 3)}", f"line_spacing={max(1, size // 4)}",
        f"x={size // 2}", f"y={size // 2}",
    ])
    word = ":".join([
        "drawtext=" + font_option, f"text={STAMP_WORD}", "expansion=none", f"fontsize={big}",
        "fontcolor=red@0.35", "x=(w-text_w)/2", "y=(h-text_h)/2",
    ])
    return ",".join(["scale=trunc(iw/2)*2:trunc(ih/2)*2", block, word])


def video_stamp(*, source: Path, output_dir: Path, lines: list[str], comment: str = "") -> Path:
    """Write a stamped copy of the video at `source` into `output_dir`; returns its path.
    `lines`: the text of the block, one line each."""
    executable = ffmpeg_path()
    if executable is None:
        raise VideoStampFailed("本机未安装ffmpeg，不能在视频上加盖标记")
    info = probe_media(source)
    height = next((s.height for s in info.streams if s.codec_type == "video" and s.height),
                  None) if info else None
    textfile = output_dir / "stamp.txt"
    textfile.write_text("\n".join(lines), encoding="utf-8")
    output = output_dir / f"stamped{OUTPUT_SUFFIX}"
    command = [
        executable, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        # "file:" so that no name is read as another protocol (http:, concat:, ...)
        "-i", "file:" + str(Path(source).absolute()),
        "-map", "0:v:0", "-map", "0:a?", "-map_metadata", "0",
        "-vf", stamp_filter(textfile=textfile, font=font_path(), height=height or 720),
        *_video_encoder(executable), "-c:a", "aac", "-b:a", "128k",
        "-metadata", f"comment={comment}", "-movflags", "+faststart",
        "file:" + str(output.absolute()),
    ]
    timeout = float(getattr(settings, "RECORDS_VIDEO_STAMP_TIMEOUT", DEFAULT_TIMEOUT))
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise VideoStampFailed(f"视频加盖标记超过{timeout:.0f}秒未完成") from None
    except OSError as error:
        raise VideoStampFailed(f"ffmpeg不能运行：{error}") from None
    if done.returncode != 0 or not output.is_file():
        message = done.stderr.decode(errors="replace").strip()[-500:]
        raise VideoStampFailed(f"视频加盖标记失败：{message or done.returncode}")
    return output
