"""Small real media files for the demo cases: a few seconds of body-camera style video (a
test pattern with a tone), an audio clip and a photo, made once per process and stored in the
write-once store (records.store), which keeps one copy per SHA-256.

With ffmpeg installed the video is H.264/AAC in MP4 and the photo a JPEG, both made with
ffmpeg's bit-exact flags, so that the same machine always makes the same bytes. Without
ffmpeg the "video" clips fall back to WAV tones (kept as audio recordings) and the photo to a
PNG written by hand. The audio clip is always a WAV made with Python's wave module. Every
clip's type is read back from its content with records.filetypes, as an upload's would be.
"""

from __future__ import annotations

import io
import math
import shutil
import struct
import subprocess
import tempfile
import wave
import zlib
from dataclasses import dataclass
from pathlib import Path

from records.filetypes import detect_type
from records.store import OriginalStore, default_store

CLIP_SECONDS = 2


@dataclass(frozen=True)
class DemoClip:
    name: str
    data: bytes
    media_kind: str  # records.casefile_media.MediaKind: video, audio, photo
    mime: str
    extension: str
    duration_seconds: float | None


@dataclass(frozen=True)
class StoredClip:
    clip: DemoClip
    sha256: str
    size: int


#: video clips by name: (ffmpeg lavfi video source, tone frequency)
_VIDEO_SOURCES = {
    "video_testsrc": ("testsrc", 440),
    "video_bars": ("smptebars", 660),
    "video_testsrc2": ("testsrc2", 880),
}
VIDEO_CLIPS = tuple(_VIDEO_SOURCES)
AUDIO_CLIP = "audio_tone"
PHOTO_CLIP = "photo"

_cache: dict[str, DemoClip] = {}


def ffmpeg_path() -> str | None:
    return shutil.which("ffmpeg")


def demo_clips() -> dict[str, DemoClip]:
    """Every distinct demo clip, made on the first call of the process."""
    if not _cache:
        _cache.update(_make_clips(ffmpeg_path()))
    return dict(_cache)


def _make_clips(ffmpeg: str | None) -> dict[str, DemoClip]:
    clips = {}
    if ffmpeg:
        with tempfile.TemporaryDirectory(prefix="demo-media-") as folder:
            for name, (source, tone) in _VIDEO_SOURCES.items():
                clips[name] = _clip(name, _ffmpeg_video(ffmpeg, Path(folder), name, source, tone),
                                    CLIP_SECONDS)
            clips[PHOTO_CLIP] = _clip(PHOTO_CLIP, _ffmpeg_photo(ffmpeg, Path(folder)), None)
    else:
        for name, (_, tone) in _VIDEO_SOURCES.items():
            clips[name] = _clip(name, wav_tone(tone), CLIP_SECONDS)
        clips[PHOTO_CLIP] = _clip(PHOTO_CLIP, png_test_pattern(), None)
    clips[AUDIO_CLIP] = _clip(AUDIO_CLIP, wav_tone(523, seconds=3), 3)
    return clips


def _clip(name: str, data: bytes, duration: float | None) -> DemoClip:
    found = detect_type(data[:8192])
    if found is None:
        raise RuntimeError(f"demo clip {name} is not a recognised media file")
    return DemoClip(name, data, str(found.kind), found.mime, found.extensions[0],
                    None if str(found.kind) == "photo" else float(duration))


_BITEXACT = ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact",
             "-flags:a", "+bitexact"]


def _run(ffmpeg: str, args: list[str]) -> None:
    subprocess.run([ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args],
                   check=True, timeout=60, capture_output=True)


def _ffmpeg_video(ffmpeg: str, folder: Path, name: str, source: str, tone: int) -> bytes:
    target = folder / f"{name}.mp4"
    _run(ffmpeg, [
        "-f", "lavfi", "-i", f"{source}=duration={CLIP_SECONDS}:size=320x240:rate=10",
        "-f", "lavfi", "-i", f"sine=frequency={tone}:duration={CLIP_SECONDS}", "-shortest",
        "-c:v", "libx264", "-preset", "ultrafast", "-threads", "1", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "32k", *_BITEXACT, "-movflags", "+faststart", str(target)])
    return target.read_bytes()


def _ffmpeg_photo(ffmpeg: str, folder: Path) -> bytes:
    target = folder / "photo.jpg"
    _run(ffmpeg, ["-f", "lavfi", "-i", "smptebars=size=640x480", "-frames:v", "1", "-q:v", "5",
                  "-fflags", "+bitexact", "-flags", "+bitexact", str(target)])
    return target.read_bytes()


def wav_tone(frequency: int, *, seconds: float = CLIP_SECONDS, rate: int = 8000) -> bytes:
    """A mono 16-bit PCM WAV of a sine tone, with a short fade in and out."""
    frames = int(seconds * rate)
    fade = rate // 20
    samples = bytearray()
    for n in range(frames):
        envelope = min(1.0, n / fade, (frames - n) / fade)
        value = int(12000 * envelope * math.sin(2 * math.pi * frequency * n / rate))
        samples += struct.pack("<h", value)
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(bytes(samples))
    return out.getvalue()


def png_test_pattern(width: int = 160, height: int = 120) -> bytes:
    """A PNG of colour bars, written with zlib alone."""
    bars = [(192, 192, 192), (192, 192, 0), (0, 192, 192), (0, 192, 0), (192, 0, 192),
            (192, 0, 0), (0, 0, 192)]
    row = b"".join(bytes(bars[x * len(bars) // width]) for x in range(width))
    raw = b"".join(b"\x00" + row for _ in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def demo_clips_store(store: OriginalStore | None = None) -> dict[str, StoredClip]:
    """Every demo clip in the store (one copy each, whatever the number of runs)."""
    store = store or default_store()
    stored = {}
    for name, clip in demo_clips().items():
        original = store.ingest_file(io.BytesIO(clip.data))
        stored[name] = StoredClip(clip, original.sha256, original.size)
    return stored
