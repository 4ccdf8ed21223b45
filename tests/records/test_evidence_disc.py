"""The evidence disc (第二十七条): an ISO 9660 image with the originals, their written notes, the
catalogue and a SHA-256 manifest; verify_disc checks it against the manifest and the store."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pycdlib
import pytest
from django.core.management import CommandError, call_command

from access.grants import grant_give
from access.log.models import AccessLogEntry
from records import services
from records.evidence_disc import MANIFEST, disc_verify, evidence_disc_export
from records.exceptions import RecordsPermissionDenied
from records.store import default_store

from . import archive_support as a
from . import factories as f

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def store(settings, tmp_path):
    settings.ORIGINALS_ROOT = tmp_path / "originals"
    return default_store()


def _grant(case, user, *actions, obj=None):
    secrecy = f.officer_user(unit_code="fagui", roles=("secrecy",))
    secrecy.is_verified = lambda: True
    for action in actions:
        grant_give(actor=secrecy, obj=obj or case, action=action, user=user,
                   reason="测试：刻录证据光盘", valid_until=datetime.now(SHANGHAI) + timedelta(days=30))


@pytest.fixture
def evidence_case(store):
    case = a.complete_case(store=store)
    for recording in case.recordings[:2]:
        services.evidence_note_add(av_record=recording, actor=case.actor, collected_by="张三、李四",
                                   collected_at=recording.started_at,
                                   collected_place="郑州市金水区某工地", note="现场检查全过程")
    _grant(case, case.actor, "copy")
    return case


def _export(case, path, actor=None) -> str:
    out = io.StringIO()
    call_command("export_evidence_disc", str(case.pk), str(path),
                 actor=(actor or case.actor).get_username(), stdout=out)
    return out.getvalue()


def _verify(path) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_disc", str(path), stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def _read_manifest(path) -> dict[str, str]:
    iso = pycdlib.PyCdlib()
    iso.open(str(path))
    try:
        with iso.open_file_from_iso(joliet_path=f"/{MANIFEST}") as file:
            text = file.read().decode("utf-8")
    finally:
        iso.close()
    return {line[66:]: line[:64] for line in text.splitlines()}


def test_an_exported_disc_verifies_and_lists_every_file(evidence_case, tmp_path):
    image = tmp_path / "evidence.iso"
    out = _export(evidence_case, image)
    assert image.is_file() and evidence_case.number in out
    manifest = _read_manifest(image)
    originals = [name for name in manifest if name.startswith("原始资料/")]
    assert originals == ["原始资料/001-investigation-执法记录仪.mp4",
                         "原始资料/002-statement_defence-执法记录仪.mp4"]
    assert [manifest[name] for name in originals] == [r.sha256 for r in evidence_case.recordings[:2]]
    assert {"光盘说明.txt", "证据说明/001-取证说明.txt", "证据说明/002-取证说明.txt",
            "卷内目录/卷内目录-正卷.pdf"} <= set(manifest)
    assert "卷内目录/卷内目录-副卷.pdf" not in manifest  # the exporter may not see the 副卷
    code, report = _verify(image)
    assert code == 0, report
    assert f"核验 {len(manifest)} 个文件" in report
    line = AccessLogEntry.objects.filter(action="export", object_id=str(evidence_case.pk)).get()
    assert line.outcome == "ok" and evidence_case.recordings[0].sha256 in line.detail


def test_xorriso_reads_the_chinese_names_and_the_original_bytes_back(evidence_case, tmp_path, store):
    image = tmp_path / "evidence.iso"
    _export(evidence_case, image)
    listing = subprocess.run(["xorriso", "-indev", str(image), "-ls", "/原始资料"],
                             capture_output=True, text=True, check=True).stdout
    assert "001-investigation-执法记录仪.mp4" in listing
    target = tmp_path / "extracted"
    subprocess.run(["xorriso", "-osirrox", "on", "-indev", str(image), "-extract", "/", str(target)],
                   capture_output=True, check=True)
    for number, recording in enumerate(evidence_case.recordings[:2], start=1):
        copied = target / "原始资料" / f"{number:03d}-{recording.original_name}"
        assert copied.read_bytes() == store.path_for(recording.sha256).read_bytes()
    note = (target / "证据说明" / "001-取证说明.txt").read_text("utf-8")
    assert "取证人员：张三、李四" in note and "取证地点：郑州市金水区某工地" in note
    assert "制作人：" in note and evidence_case.recordings[0].sha256 in note
    # the manifest checks out with the usual tool, from the extracted folder
    checked = subprocess.run(["sha256sum", "-c", MANIFEST], cwd=target, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _extent_offset(image, joliet_path: str) -> int:
    iso = pycdlib.PyCdlib()
    iso.open(str(image))
    try:
        return iso.get_record(joliet_path=joliet_path).extent_location() * iso.logical_block_size
    finally:
        iso.close()


def test_a_flipped_byte_inside_an_original_on_the_image_is_named(evidence_case, tmp_path):
    image = tmp_path / "evidence.iso"
    _export(evidence_case, image)
    name = "原始资料/002-statement_defence-执法记录仪.mp4"
    offset = _extent_offset(image, f"/{name}") + 1000
    with open(image, "r+b") as file:
        file.seek(offset)
        byte = file.read(1)
        file.seek(offset)
        file.write(bytes([byte[0] ^ 0xFF]))
    code, report = _verify(image)
    assert code == 1
    [line] = [line for line in report.splitlines() if line.startswith("不符")]
    assert name in line


def test_an_original_changed_in_the_store_after_export_is_named(evidence_case, tmp_path, store):
    image = tmp_path / "evidence.iso"
    _export(evidence_case, image)
    path = store.path_for(evidence_case.recordings[0].sha256)
    os.chmod(path, 0o644)
    path.write_bytes(b"something else")
    report = disc_verify(image)
    assert not report.ok
    assert any("原始资料库中的原件已被改动" in line and "001-investigation" in line
               for line in report.problems)


def test_a_file_added_to_the_image_outside_the_manifest_is_named(evidence_case, tmp_path):
    image = tmp_path / "evidence.iso"
    _export(evidence_case, image)
    iso = pycdlib.PyCdlib()
    iso.open(str(image))
    extra = b"not listed"
    iso.add_fp(io.BytesIO(extra), len(extra), "/EXTRA.TXT;1", rr_name="extra.txt",
               joliet_path="/extra.txt")
    edited = tmp_path / "edited.iso"
    iso.write(str(edited))
    iso.close()
    report = disc_verify(edited)
    assert report.problems == ["未列入清单：extra.txt"]


def test_exporting_without_a_copy_grant_is_refused_and_logged(store, tmp_path):
    case = a.complete_case(store=store, with_personal_photo=False)
    services.evidence_note_add(av_record=case.recordings[0], actor=case.actor, collected_by="张三",
                               collected_at=case.recordings[0].started_at, collected_place="现场")
    image = tmp_path / "refused.iso"
    with pytest.raises(CommandError, match="无权导出"):
        _export(case, image)
    assert not image.exists()
    assert AccessLogEntry.objects.filter(action="export", outcome="denied",
                                         object_id=str(case.pk)).exists()
    assert not AccessLogEntry.objects.filter(action="export", outcome="ok").exists()


def test_an_original_changed_in_the_store_before_export_leaves_no_image(evidence_case, tmp_path, store):
    path = store.path_for(evidence_case.recordings[1].sha256)
    os.chmod(path, 0o644)
    content = bytearray(path.read_bytes())
    content[10] ^= 0xFF
    path.write_bytes(bytes(content))
    image = tmp_path / "evidence.iso"
    with pytest.raises(CommandError, match="第二十八条"):
        _export(evidence_case, image)
    assert not image.exists() and not list(tmp_path.glob(".*.part"))


def test_the_restricted_catalogue_goes_on_the_disc_for_someone_allowed_to_see_it(evidence_case,
                                                                                tmp_path):
    case = evidence_case
    _grant(case, case.actor, "view", "change", obj=case.photo)  # a sealed record, its own grant
    case.actor.is_verified = lambda: True
    services.evidence_note_add(av_record=case.photo, actor=case.actor, collected_by="张三",
                               collected_at=case.photo.started_at, collected_place="现场")
    exporter = f.officer_user(roles=("officer",))
    _grant(case, exporter, "copy")
    _grant(case, exporter, "view", "copy", obj=case.photo)
    image = tmp_path / "with-restricted.iso"
    with pytest.raises(RecordsPermissionDenied):  # a sealed record needs the second factor
        evidence_disc_export(case=case, actor=exporter, output=image)
    exporter.is_verified = lambda: True
    result = evidence_disc_export(case=case, actor=exporter, output=image)
    names = {item.joliet for item in result.files}
    assert "卷内目录/卷内目录-副卷.pdf" in names
    assert f"原始资料/002-{a.PERSONAL_PHOTO}" in names
    assert disc_verify(image).ok
    assert hashlib.sha256(image.read_bytes()).hexdigest()  # a real file was written


def test_an_unknown_case_reads_like_a_refused_one(evidence_case, tmp_path):
    image = tmp_path / "none.iso"
    out = io.StringIO()
    with pytest.raises(CommandError, match="案卷不存在或无权导出"):
        call_command("export_evidence_disc", "999999", str(image),
                     actor=evidence_case.actor.get_username(), stdout=out)
    assert not image.exists()


def test_a_file_that_is_not_a_disc_image_fails_verification(tmp_path):
    junk = tmp_path / "junk.iso"
    junk.write_bytes(b"\0" * 70_000)
    code, report = _verify(junk)
    assert code == 1 and "无法读取光盘映像" in report
