"""The evidence disc of a case (第二十七条): the audio/video records used as evidence copied,
with their written notes (who made them, when, where), onto an ISO 9660 image that goes into
the case file, with the file catalogue (卷内目录) and a manifest of SHA-256 sums.

Layout of the image (Joliet and Rock Ridge names, so that Chinese names survive; the ISO 9660
names underneath are ASCII, level 3):

    /光盘说明.txt                    README.TXT   the case, who exported the disc, when
    /MANIFEST.sha256                MANIFEST.SHA256  `sha256sum` format, every other file
    /原始资料/001-现场.mp4           ORIGINALS/O001.MP4   the originals, byte for byte
    /证据说明/001-取证说明.txt        NOTES/N001.TXT   the record and its evidence notes
    /卷内目录/卷内目录-正卷.pdf        CATALOG/MAIN.PDF (and RESTRICT.PDF when allowed)

Exporting is copying records out (第二十八条): the exporter needs the gate's `copy` on the
case and on every recording put on the disc (a grant, given after an approved request), and
the line `export` is written to the access log before the image is written. Originals are
streamed from the store into the image (pycdlib `add_fp`), never loaded whole; each is hashed
while it is copied, and an image whose original no longer matches its hash is removed.

`disc_verify(path)` re-hashes every file on an image against its manifest, and each original
against the store: the original with that hash must be in the store and still match it.

The writer (`iso_image_write`, with `disc_file` and `disc_name` for the names) is shared: a
copy package for a request delivered on disc (records.copy_packages) is written by it too.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Callable

from django.utils import timezone

from access import gate

from . import events
from .archiving import case_catalogue, catalogue_volumes_for
from .casefile import AVRecord, Case
from .catalogue_pdf import VOLUME_LABELS, catalogue_entries
from .exceptions import CaseFileError, RecordsPermissionDenied
from .marking import Volume
from .store import default_store

ARTICLE = "第二十七条"
EXPORT = "export"  # the access-log word (access.events.Action.EXPORT)
MANIFEST = "MANIFEST.sha256"
README = "光盘说明.txt"
ORIGINALS_DIR = "原始资料"
NOTES_DIR = "证据说明"
CATALOGUE_DIR = "卷内目录"
DIRECTORIES = {ORIGINALS_DIR: "ORIGINALS", NOTES_DIR: "NOTES", CATALOGUE_DIR: "CATALOG"}
JOLIET_MAX = 64
BLOCK = 1024 * 1024


class EvidenceDiscError(CaseFileError):
    article = ARTICLE


@dataclass
class DiscFile:
    joliet: str             # path on the disc, e.g. "原始资料/001-现场.mp4"
    iso: str                # ISO 9660 name, e.g. "/ORIGINALS/O001.MP4;1"
    size: int
    sha256: str
    data: bytes | None = None               # small generated files
    open_original: Callable[[], BinaryIO] | None = None  # originals, streamed from the store

    @property
    def rr_name(self) -> str:
        return PurePosixPath(self.joliet).name


@dataclass
class ExportResult:
    path: Path
    files: list[DiscFile]
    manifest_sha256: str
    size: int


# --- names -------------------------------------------------------------------------------------

def disc_name(name: str, prefix: str) -> str:
    """A Joliet/Rock Ridge file name from a user's file name: its last part only, without
    control characters or the characters Joliet forbids, at most 64 characters."""
    text = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = re.sub(r'[*/:;?"<>|]', "_", text).strip(" .") or "原始文件"
    full = f"{prefix}-{text}"
    if len(full) > JOLIET_MAX:
        stem, suffix = os.path.splitext(full)
        suffix = suffix if len(suffix) <= 10 else ""
        full = stem[: JOLIET_MAX - len(suffix)] + suffix
    return full


def iso_extension(name: str) -> str:
    suffix = re.sub(r"[^A-Z0-9]", "", PurePosixPath(name or "").suffix.upper())[:8]
    return f".{suffix}" if suffix else ""


def _iso_path(joliet: str, iso_name: str) -> str:
    parent = PurePosixPath(joliet).parent.as_posix()
    folder = "" if parent == "." else "/" + DIRECTORIES[parent]
    return f"{folder}/{iso_name};1"


def disc_file(joliet: str, iso_name: str, data: bytes) -> DiscFile:
    return DiscFile(joliet, _iso_path(joliet, iso_name), len(data),
                    hashlib.sha256(data).hexdigest(), data=data)


# --- what goes on the disc ----------------------------------------------------------------------

def evidence_records(case: Case) -> list[AVRecord]:
    """The recordings of the case used as evidence: those with an evidence note (第二十七条)."""
    return list(AVRecord.objects.filter(case=case, evidence_notes__isnull=False).distinct()
                .select_related("recorded_by", "superseded_by")
                .prefetch_related("evidence_notes").order_by("started_at", "id"))


def _note_text(case: Case, number: int, av: AVRecord) -> str:
    local = timezone.localtime
    lines = [
        f"案号：{case.number}",
        f"案由：{case.title}",
        f"序号：{number:03d}",
        f"原始文件：{ORIGINALS_DIR}/{disc_name(av.original_name, f'{number:03d}')}",
        f"SHA-256：{av.sha256}",
        f"大小：{av.size} 字节",
        f"类型：{av.get_media_kind_display()}（{av.mime or '未知'}）",
        f"设备：{av.get_device_kind_display()} {av.device_id}".rstrip(),
        f"制作人：{av.recorded_by.full_name}（执法证号{av.recorded_by.certificate_number}）",
        f"制作时间：{local(av.started_at):%Y-%m-%d %H:%M:%S} 至 {local(av.ended_at):%Y-%m-%d %H:%M:%S}",
        f"制作地点：{av.place}",
        f"储存时间：{local(av.stored_at):%Y-%m-%d %H:%M:%S}",
    ]
    if av.supersedes_id:
        lines.append(f"本件更正音像记录#{av.supersedes_id}：{av.correction_reason}")
    if getattr(av, "superseded_by", None) is not None:
        lines.append(f"本件已被音像记录#{av.superseded_by.pk}更正，原件保留（第二十八条）")
    for index, note in enumerate(av.evidence_notes.all(), start=1):
        lines += [
            "",
            f"证据说明{index}（第二十七条）",
            f"取证人员：{note.collected_by}",
            f"取证时间：{local(note.collected_at):%Y-%m-%d %H:%M:%S}",
            f"取证地点：{note.collected_place}",
        ]
        if note.note:
            lines.append(f"说明：{note.note}")
    return "\r\n".join(lines) + "\r\n"


def _gate(actor, case: Case, records: list[AVRecord]) -> None:
    """`copy` on the case and on each recording, or RecordsPermissionDenied with a denied
    `export` line in the access log (第二十八条)."""
    for obj in (case, *records):
        decision = gate.decide(actor, gate.COPY, obj)
        if not decision.allowed:
            events.record_event(actor=actor, action=EXPORT, obj=obj, outcome=events.DENIED,
                                detail={"evidence_disc": case.pk, "reason": decision.reason,
                                        "rule": decision.rule})
            raise RecordsPermissionDenied(decision.reason)


def disc_plan(*, case: Case, actor, store=None) -> list[DiscFile]:
    """The files of the evidence disc (without the manifest), in disc order. Reads the
    catalogues through records.archiving (logged as reads)."""
    store = store or default_store()
    records = evidence_records(case)
    if not records:
        raise EvidenceDiscError(f"案卷{case.number}没有作为证据的音像记录（须先记录证据说明）")
    _gate(actor, case, records)
    files: list[DiscFile] = []
    notes: list[DiscFile] = []
    for number, av in enumerate(records, start=1):
        if not store.exists(av.sha256):
            raise EvidenceDiscError(f"音像记录#{av.pk}的原始文件不在原始资料库中，请运行 verify_media（第二十八条）")
        joliet = f"{ORIGINALS_DIR}/{disc_name(av.original_name, f'{number:03d}')}"
        files.append(DiscFile(joliet, _iso_path(joliet, f"O{number:03d}{iso_extension(av.original_name)}"),
                              store.size(av.sha256), av.sha256,
                              open_original=lambda sha=av.sha256: store.open(sha)))
        notes.append(disc_file(f"{NOTES_DIR}/{number:03d}-取证说明.txt", f"N{number:03d}.TXT",
                               _note_text(case, number, av).encode("utf-8")))
    files += notes
    entries = catalogue_entries(case, store=store)
    for volume in catalogue_volumes_for(case, actor):
        iso_name = "MAIN.PDF" if volume == Volume.MAIN else "RESTRICT.PDF"
        pdf = case_catalogue(case=case, actor=actor, volume=volume, entries=entries)
        files.append(disc_file(f"{CATALOGUE_DIR}/卷内目录-{VOLUME_LABELS[volume]}.pdf", iso_name, pdf))
    return files


def manifest_text(files: list[DiscFile]) -> bytes:
    """`sha256sum` format: the hash, two spaces, the path on the disc; one line each."""
    return "".join(f"{item.sha256}  {item.joliet}\n" for item in files).encode("utf-8")


def _readme(case: Case, actor, files: list[DiscFile], exported_at) -> bytes:
    originals = sum(1 for item in files if item.open_original is not None)
    text = "\r\n".join([
        "执法音像证据光盘（第二十七条）",
        f"案号：{case.number}",
        f"案由：{case.title}",
        f"承办单位：{case.handling_unit.name}",
        f"原始资料：{originals} 件，逐件附证据说明（制作人、制作时间、地点）",
        f"导出人：{actor.get_username()}",
        f"导出时间：{timezone.localtime(exported_at):%Y-%m-%d %H:%M:%S}",
        f"校验：{MANIFEST} 列出光盘上每个文件的SHA-256（sha256sum -c {MANIFEST}）；",
        "原始资料不得毁损、剪接、删改（第二十八条）。",
    ]) + "\r\n"
    return text.encode("utf-8")


# --- writing ------------------------------------------------------------------------------------

class _HashingReader:
    """A read-only binary file object for pycdlib that hashes what is read from it, from
    offset 0."""

    mode = "rb"

    def __init__(self, file: BinaryIO):
        self.file = file
        self.hasher = hashlib.sha256()
        self.position = 0

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        self.position = self.file.seek(offset, whence)
        if self.position == 0:
            self.hasher = hashlib.sha256()
        return self.position

    def tell(self) -> int:
        return self.file.tell()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.hasher.update(data)
        self.position += len(data)
        return data

    def hexdigest(self) -> str:
        return self.hasher.hexdigest()


def iso_image_write(files: list[DiscFile], target: BinaryIO, *, volume_id: str,
                    directories: dict[str, str] = DIRECTORIES) -> dict[str, str]:
    """Write `files` to the binary file `target` as an ISO 9660 image (level 3, Joliet and
    Rock Ridge names). Originals (``open_original``) are streamed, never loaded whole, and
    hashed while they are copied: returns their SHA-256 as read, by path on the disc."""
    import pycdlib

    iso = pycdlib.PyCdlib()
    # the Joliet volume descriptor holds the identifier in 32 bytes of UCS-2: 16 characters
    iso.new(interchange_level=3, joliet=3, rock_ridge="1.09", vol_ident=volume_id[:16],
            app_ident_str="ENFORCEMENT RECORDS PORTAL")
    for joliet_dir, iso_dir in directories.items():
        if any(item.joliet.startswith(joliet_dir + "/") for item in files):
            iso.add_directory(f"/{iso_dir}", rr_name=joliet_dir, joliet_path=f"/{joliet_dir}")
    readers: list[tuple[DiscFile, _HashingReader]] = []
    with ExitStack() as stack:
        for item in files:
            if item.open_original is not None:
                reader = _HashingReader(stack.enter_context(item.open_original()))
                readers.append((item, reader))
                source = reader
            else:
                source = io.BytesIO(item.data)
            iso.add_fp(source, item.size, item.iso, rr_name=item.rr_name,
                       joliet_path=f"/{item.joliet}")
        iso.write_fp(target, blocksize=BLOCK)
        iso.close()
    return {item.joliet: reader.hexdigest() for item, reader in readers}


def evidence_disc_export(*, case: Case, actor, output: Path | str, request=None,
                         store=None) -> ExportResult:
    """Write the evidence disc of `case` to `output` (an ISO 9660 image)."""
    output = Path(output)
    exported_at = timezone.now()
    files = disc_plan(case=case, actor=actor, store=store)
    files.insert(0, disc_file(README, "README.TXT", _readme(case, actor, files, exported_at)))
    manifest = manifest_text(files)
    manifest_sha256 = hashlib.sha256(manifest).hexdigest()
    events.record_event(actor=actor, action=EXPORT, obj=case, request=request, detail={
        "evidence_disc": output.name, "manifest_sha256": manifest_sha256,
        "originals": [item.sha256 for item in files if item.open_original is not None]})
    temp = output.with_name(f".{output.name}.part")
    try:
        with open(temp, "wb") as handle:
            read = iso_image_write([*files, disc_file(MANIFEST, "MANIFEST.SHA256", manifest)],
                                   handle, volume_id=f"EVIDENCE_{case.pk}")
            handle.flush()
            os.fsync(handle.fileno())
        changed = [item for item in files
                   if item.open_original is not None and read[item.joliet] != item.sha256]
        if changed:
            names = "、".join(item.joliet for item in changed)
            events.record_event(actor=actor, action=EXPORT, obj=case, outcome="failed",
                                detail={"evidence_disc": output.name,
                                        "changed": [item.sha256 for item in changed]})
            raise EvidenceDiscError(f"原始文件与登记的SHA-256不符，未生成光盘：{names}（第二十八条）")
        os.replace(temp, output)
    finally:
        temp.unlink(missing_ok=True)
    return ExportResult(output, files, manifest_sha256, output.stat().st_size)


# --- verifying ----------------------------------------------------------------------------------

@dataclass
class DiscReport:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _hash_iso_file(iso, joliet_path: str) -> str:
    hasher = hashlib.sha256()
    with iso.open_file_from_iso(joliet_path=joliet_path) as file:
        while chunk := file.read(BLOCK):
            hasher.update(chunk)
    return hasher.hexdigest()


def _disc_files(iso) -> list[str]:
    found = []
    for root, _dirs, names in iso.walk(joliet_path="/"):
        for name in names:
            found.append(f"{root.rstrip('/')}/{name}".lstrip("/"))
    return sorted(found)


def disc_verify(path: Path | str, *, store=None) -> DiscReport:
    """Every file on the image against the manifest, each original against the store."""
    import pycdlib
    from pycdlib.pycdlibexception import PyCdlibException

    store = store or default_store()
    report = DiscReport()
    iso = pycdlib.PyCdlib()
    try:
        iso.open(str(path))
    except (PyCdlibException, OSError) as error:
        report.problems.append(f"无法读取光盘映像：{error}")
        return report
    try:
        _verify_open_image(iso, report, store)
    except PyCdlibException as error:
        report.problems.append(f"光盘映像结构不符（应有Joliet目录）：{error}")
    finally:
        iso.close()
    return report


def _verify_open_image(iso, report: DiscReport, store) -> None:
    """The manifest's files hashed on the image; originals checked against the store."""
    present = set(_disc_files(iso))
    if MANIFEST not in present:
        report.problems.append(f"光盘上没有{MANIFEST}")
        return
    listed: dict[str, str] = {}
    with iso.open_file_from_iso(joliet_path=f"/{MANIFEST}") as file:
        manifest = file.read().decode("utf-8", errors="replace")
    for number, line in enumerate(manifest.splitlines(), start=1):
        match = re.fullmatch(r"([0-9a-f]{64}) [ *](.+)", line)
        if not match:
            report.problems.append(f"{MANIFEST}第{number}行格式不对：{line!r}")
            continue
        listed[match.group(2)] = match.group(1)
    for name, expected in listed.items():
        if name not in present:
            report.problems.append(f"缺失：{name}（清单中有，光盘上没有）")
            continue
        report.checked += 1
        actual = _hash_iso_file(iso, f"/{name}")
        if actual != expected:
            report.problems.append(f"不符：{name}（清单 {expected}，光盘上 {actual}）")
        if name.startswith(ORIGINALS_DIR + "/"):
            _check_store(report, store, name, expected)
    for name in sorted(present - set(listed) - {MANIFEST}):
        report.problems.append(f"未列入清单：{name}")


def _check_store(report: DiscReport, store, name: str, expected: str) -> None:
    if not store.exists(expected):
        report.problems.append(f"原始资料库中没有：{name}（{expected}）")
        return
    actual = store.rehash(expected)
    if actual != expected:
        report.problems.append(f"原始资料库中的原件已被改动：{name}（{expected}，现为 {actual}）")
