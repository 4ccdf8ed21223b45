"""What a file really is, read from its first bytes, never from its name.

`detect_type(head)` knows the containers that body-worn cameras, recorders, phones, docking
stations and surveillance systems write (MP4/MOV/3GP, Matroska/WebM, AVI, MPEG-TS/PS, ASF,
FLV; WAV, MP3, AAC, M4A, Ogg, FLAC, AMR; JPEG, PNG, GIF, WebP, HEIC/AVIF, TIFF; PDF), from
the first few KiB (the ingest sink keeps the first 8 KiB, so no second read is needed).
`check_declared_type` refuses a file whose name or declared MIME type claims another type, with
a message in Chinese that says what was found. A signature table of our own rather than
a library: the set is small, each rule is visible here, and the tests run it on files made
by ffmpeg.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass
from pathlib import PurePosixPath

HEAD_SIZE = 8192  # what detection reads, and what the ingest sink keeps of each upload


class MediaKind(enum.StrEnum):
    VIDEO = "video"
    AUDIO = "audio"
    PHOTO = "photo"
    DOCUMENT = "document"


KIND_LABELS = {MediaKind.VIDEO: "视频", MediaKind.AUDIO: "音频", MediaKind.PHOTO: "照片", MediaKind.DOCUMENT: "文档"}


@dataclass(frozen=True)
class FileType:
    name: str
    mime: str
    kind: MediaKind
    label: str  # shown to people: "MP4 视频"
    extensions: tuple[str, ...]  # file name endings this content may carry, its own first
    mimes: frozenset[str] = frozenset()  # other MIME types senders use for it

    def accepts_extension(self, extension: str) -> bool:
        return extension.lower().lstrip(".") in self.extensions

    def accepts_mime(self, mime: str) -> bool:
        mime = mime.split(";", 1)[0].strip().lower()
        return mime == self.mime or mime in self.mimes


def _type(name, mime, kind, label, extensions, mimes=()):
    return FileType(name, mime, kind, label, tuple(extensions.split()), frozenset(mimes))


V, A, P, D = MediaKind.VIDEO, MediaKind.AUDIO, MediaKind.PHOTO, MediaKind.DOCUMENT
TYPES = {
    t.name: t
    for t in (
        _type("mp4", "video/mp4", V, "MP4 视频", "mp4 m4v mov 3gp 3g2 f4v m4a", ["audio/mp4", "video/quicktime"]),
        _type("mov", "video/quicktime", V, "QuickTime(MOV)视频", "mov qt mp4 m4v", ["video/mp4"]),
        _type("3gp", "video/3gpp", V, "3GP 视频", "3gp 3gpp 3g2 mp4", ["audio/3gpp", "video/3gpp2", "video/mp4"]),
        _type("m4a", "audio/mp4", A, "M4A 音频", "m4a m4b mp4", ["audio/x-m4a", "audio/m4a", "video/mp4"]),
        _type("mkv", "video/x-matroska", V, "Matroska(MKV)视频", "mkv mka mk3d webm", ["audio/x-matroska", "video/webm"]),
        _type("webm", "video/webm", V, "WebM 视频", "webm mkv mka", ["audio/webm", "video/x-matroska"]),
        _type("avi", "video/x-msvideo", V, "AVI 视频", "avi", ["video/avi", "video/msvideo"]),
        _type("mpegts", "video/mp2t", V, "MPEG-TS 视频", "ts mts m2ts m2t tp trp", ["video/mpeg"]),
        _type("mpeg", "video/mpeg", V, "MPEG 视频", "mpg mpeg mpe vob m2v", ["video/mp2p"]),
        _type("wmv", "video/x-ms-wmv", V, "WMV(ASF)视频", "wmv asf", ["video/x-ms-asf"]),
        _type("flv", "video/x-flv", V, "FLV 视频", "flv"),
        _type("ogv", "video/ogg", V, "Ogg 视频", "ogv ogg", ["application/ogg"]),
        _type("wav", "audio/wav", A, "WAV 音频", "wav wave", ["audio/x-wav", "audio/wave", "audio/vnd.wave"]),
        _type("mp3", "audio/mpeg", A, "MP3 音频", "mp3", ["audio/mp3", "audio/x-mpeg"]),
        _type("aac", "audio/aac", A, "AAC 音频", "aac adts", ["audio/x-aac", "audio/aacp"]),
        _type("ogg", "audio/ogg", A, "Ogg 音频", "ogg oga opus spx", ["audio/opus", "application/ogg"]),
        _type("flac", "audio/flac", A, "FLAC 音频", "flac", ["audio/x-flac"]),
        _type("amr", "audio/amr", A, "AMR 音频", "amr", ["audio/3gpp"]),
        _type("amr-wb", "audio/amr-wb", A, "AMR-WB 音频", "amr awb"),
        _type("wma", "audio/x-ms-wma", A, "WMA 音频", "wma asf", ["video/x-ms-asf"]),
        _type("jpeg", "image/jpeg", P, "JPEG 照片", "jpg jpeg jpe jfif", ["image/pjpeg"]),
        _type("png", "image/png", P, "PNG 图片", "png"),
        _type("gif", "image/gif", P, "GIF 图片", "gif"),
        _type("webp", "image/webp", P, "WebP 图片", "webp"),
        _type("heic", "image/heic", P, "HEIC 照片", "heic heif hif", ["image/heif", "image/heic-sequence"]),
        _type("avif", "image/avif", P, "AVIF 图片", "avif"),
        _type("tiff", "image/tiff", P, "TIFF 图片", "tif tiff dng"),
        _type("pdf", "application/pdf", D, "PDF 文档", "pdf"),
    )
}

KNOWN_EXTENSIONS = frozenset().union(*(t.extensions for t in TYPES.values()))
# The type an extension names first: its own type where it is one's first extension.
_EXTENSION_OWNER = {}
for _t in TYPES.values():
    _EXTENSION_OWNER.setdefault(_t.extensions[0], _t)
for _t in TYPES.values():
    for _extension in _t.extensions:
        _EXTENSION_OWNER.setdefault(_extension, _t)
KNOWN_MIMES = frozenset(t.mime for t in TYPES.values()).union(*(t.mimes for t in TYPES.values()))
# What a sender may declare without claiming anything.
_NO_CLAIM_MIMES = {"", "application/octet-stream", "binary/octet-stream", "application/x-binary"}


# --- detection --------------------------------------------------------------------------
_ISO_BRANDS = {
    b"qt  ": "mov",
    b"M4A ": "m4a", b"M4B ": "m4a", b"M4P ": "m4a", b"F4A ": "m4a",
    b"heic": "heic", b"heix": "heic", b"hevc": "heic", b"hevx": "heic", b"heim": "heic",
    b"heis": "heic", b"mif1": "heic", b"msf1": "heic",
    b"avif": "avif", b"avis": "avif",
}
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
_ASF_HEADER = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
_ASF_VIDEO_STREAM = bytes.fromhex("c0ef19bc4d5bcf11a8fd00805f5c442b")


def detect_type(head: bytes) -> FileType | None:
    """The type of a file from its first bytes (8 KiB is enough), or None if unknown."""
    name = _detect_name(bytes(head[:HEAD_SIZE]))
    return TYPES[name] if name else None


def _detect_name(head: bytes) -> str | None:
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _ISO_BRANDS:
            return _ISO_BRANDS[brand]
        return "3gp" if brand.startswith((b"3gp", b"3g2")) else "mp4"
    if len(head) >= 8 and head[4:8] in _QUICKTIME_ATOMS and struct.unpack(">I", head[:4])[0] >= 8:
        return "mov"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if _ebml_doctype(head) == b"webm" else "mkv"
    if head[:4] in (b"RIFF", b"RF64", b"BW64") and len(head) >= 12:
        return {b"AVI ": "avi", b"AVIX": "avi", b"WAVE": "wav", b"WEBP": "webp"}.get(head[8:12])
    if head.startswith(b"ID3"):
        return _after_id3(head)
    if head.startswith(b"OggS"):
        return "ogv" if b"\x80theora" in head else "ogg"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"#!AMR-WB\n"):
        return "amr-wb"
    if head.startswith(b"#!AMR\n"):
        return "amr"
    if head.startswith(_ASF_HEADER):
        return "wmv" if _ASF_VIDEO_STREAM in head else "wma"
    if head.startswith(b"FLV\x01"):
        return "flv"
    if _is_transport_stream(head):
        return "mpegts"
    if head[:4] in (b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3"):
        return "mpeg"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == b"%PDF-":
        return "pdf"
    return _mpeg_audio_frame(head)


def _ebml_doctype(head: bytes) -> bytes | None:
    at = head.find(b"\x42\x82", 4, 64)
    if at < 0 or at + 3 > len(head):
        return None
    size_byte = head[at + 2]
    if not size_byte & 0x80:  # only the one-byte size form occurs for DocType in practice
        return None
    size = size_byte & 0x7F
    return head[at + 3: at + 3 + size].rstrip(b"\x00")


def _after_id3(head: bytes) -> str:
    """An ID3v2 tag is followed by MP3 frames (or, rarely, ADTS AAC)."""
    if len(head) >= 10:
        size = (head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | (head[9] & 0x7F)
        end = 10 + size + (10 if head[5] & 0x10 else 0)
        if _mpeg_audio_frame(head[end: end + 4]) == "aac":
            return "aac"
    return "mp3"


def _mpeg_audio_frame(head: bytes) -> str | None:
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return None
    if head[1] & 0xF6 == 0xF0:  # ADTS: sync, layer 00
        return "aac" if (head[2] >> 2) & 0x0F < 13 else None
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    if version == 1 or layer == 0 or bitrate in (0, 15) or rate == 3:
        return None
    return "mp3" if layer == 1 else None  # layer bits 01 = Layer III


def _is_transport_stream(head: bytes) -> bool:
    for packet, start in ((188, 0), (192, 4)):  # TS, and M2TS with its 4-byte time code
        if len(head) >= start + 2 * packet + 1 and all(head[start + i * packet] == 0x47 for i in range(3)):
            return True
    return False


# --- describing what was found ---------------------------------------------------------
_OTHER_SIGNATURES = [
    (b"PK\x03\x04", "ZIP 压缩包(或 Office 文档)"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"\x1f\x8b", "gzip 压缩文件"),
    (b"MZ", "Windows 可执行程序"),
    (b"\x7fELF", "Linux 可执行程序"),
    (b"\xd0\xcf\x11\xe0", "旧版 Office 文档"),
]


def describe_content(head: bytes) -> str:
    """What the bytes are, in words for the uploader."""
    detected = detect_type(head)
    if detected:
        return detected.label
    if not head:
        return "空文件(0 字节)"
    for signature, label in _OTHER_SIGNATURES:
        if head.startswith(signature):
            return label
    text = _as_text(head)
    if text is not None:
        stripped = text.lstrip().lower()
        if stripped.startswith(("<!doctype html", "<html")):
            return "HTML 网页"
        sample = " ".join(text.split())[:20]
        return f"文本文件(开头为“{sample}”)"
    return f"无法识别的二进制内容(开头字节 {head[:8].hex(' ')})"


def _as_text(head: bytes) -> str | None:
    sample = head[:512]
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 3:  # only a character cut at the end is forgiven
            return None
        text = sample[: error.start].decode("utf-8")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return text if text and printable >= 0.95 * len(text) else None


# --- checking a claim ------------------------------------------------------------------
class FileTypeError(ValueError):
    """Base of the refusals below; str(error) is the message for the uploader."""


class UnrecognisedContent(FileTypeError):
    def __init__(self, found: str):
        super().__init__(
            f"无法从内容识别文件类型:收到的是{found}。只接受原始的音频、视频、照片或 PDF 文件"
            "(第二十八条:保存原始资料,不接受改动或转换过的文件)。"
        )
        self.found = found


class FileTypeMismatch(FileTypeError):
    def __init__(self, *, declared: str, claimed: str, found: str):
        super().__init__(
            f"{declared}表示{claimed},但文件内容实际是{found}。文件类型以内容为准,"
            "请上传原始文件,不要更改扩展名(第二十八条:原始资料不得删改)。"
        )
        self.declared = declared
        self.claimed = claimed
        self.found = found


class KindNotAccepted(FileTypeError):
    def __init__(self, *, found: FileType, accepted: frozenset[MediaKind]):
        wanted = "、".join(KIND_LABELS[kind] for kind in MediaKind if kind in accepted)
        super().__init__(f"此处只接受{wanted}文件,收到的是{found.label}。")
        self.found = found


def declared_extension(declared: str) -> str:
    """The extension of a declared file name (lower case, no dot), path parts ignored."""
    name = declared.replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "")
    return PurePosixPath(name).suffix.lower().lstrip(".")


def _is_mime(declared: str) -> bool:
    return "/" in declared and "." not in declared.rsplit("/", 1)[-1]


def _claimed_label(declared: str) -> str | None:
    """What a declared name or MIME type claims, or None if it claims nothing we know."""
    if _is_mime(declared):
        mime = declared.split(";", 1)[0].strip().lower()
        if mime in _NO_CLAIM_MIMES or mime not in KNOWN_MIMES:
            return None
        owners = [t for t in TYPES.values() if t.mime == mime] or [t for t in TYPES.values() if mime in t.mimes]
        return f"{owners[0].label}({mime})"
    extension = declared_extension(declared)
    if extension not in KNOWN_EXTENSIONS:
        return None
    return f"{_EXTENSION_OWNER[extension].label}(扩展名 .{extension})"


def check_declared_type(
    declared: str | None,
    detected: FileType | None,
    *,
    head: bytes = b"",
    accepted_kinds: frozenset[MediaKind] | set[MediaKind] | None = None,
) -> FileType:
    """The detected type, if the content is known, fits the declared file name or MIME type,
    and is of an accepted kind; otherwise a FileTypeError saying what was found.

    A name without a known extension (or a generic MIME type) claims nothing and passes."""
    claimed = _claimed_label(declared) if declared else None
    if claimed is not None:
        is_mime = _is_mime(declared)
        if detected is None:
            fits = False
        elif is_mime:
            fits = detected.accepts_mime(declared)
        else:
            fits = detected.accepts_extension(declared_extension(declared))
        if not fits:
            shown = declared if is_mime else declared.replace("\\", "/").rsplit("/", 1)[-1]
            shown = shown.replace("\x00", "")[:100]
            subject = f"声明的类型“{shown}”" if is_mime else f"文件名“{shown}”"
            found = detected.label if detected else describe_content(head)
            raise FileTypeMismatch(declared=subject, claimed=claimed, found=found)
    if detected is None:
        raise UnrecognisedContent(describe_content(head))
    if accepted_kinds is not None and detected.kind not in accepted_kinds:
        raise KindNotAccepted(found=detected, accepted=frozenset(accepted_kinds))
    return detected


def identify(head: bytes, declared: str | None = None, *,
             accepted_kinds: frozenset[MediaKind] | set[MediaKind] | None = None) -> FileType:
    """detect_type + check_declared_type in one call, for the upload endpoint."""
    return check_declared_type(declared, detect_type(head), head=head, accepted_kinds=accepted_kinds)
