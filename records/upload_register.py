"""What a docking-station upload says about its recording, and registering it as an audio/video
record of a case once its bytes are in the store (第十七条, 第二十三条, 第二十六条, 第二十八条).

`upload_target_check` runs before the body is read (so a wrong case, stage or officer is
refused without receiving gigabytes); `upload_record_create` runs after the sink's `finish()`
and creates the record and its access-log lines in one transaction. Both run in a worker
thread. The protocol (headers and query parameters) is described in records/upload_endpoint.py.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, unquote

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from access import gate
from access.models import StaffProfile

from . import events
from .casefile import AVRecord, Case
from .casefile_media import DeviceKind
from .exceptions import CaseFileError, RecordsPermissionDenied
from .media_probe import probe_media
from .services_media import av_record_register
from .upload_auth import ScopeRequest, UploadCaller

logger = logging.getLogger(__name__)

#: metadata field → (header, query parameter); a header wins over the query parameter
FIELDS = {
    "case_id": ("x-case-id", "case_id"),
    "case_number": ("x-case-number", "case_number"),
    "stage": ("x-stage", "stage"),
    "started_at": ("x-recorded-start", "started_at"),
    "ended_at": ("x-recorded-end", "ended_at"),
    "place": ("x-place", "place"),
    "device_id": ("x-device-id", "device_id"),
    "device_kind": ("x-device-kind", "device_kind"),
    "officer_certificate": ("x-officer-certificate", "officer_certificate"),
    "returned_to_unit_at": ("x-returned-to-unit-at", "returned_to_unit_at"),
    "late_storage_cause": ("x-late-storage-cause", "late_storage_cause"),
    "file_name": ("x-file-name", "file_name"),
}
TEXT_LIMIT = 300


class UploadRefused(Exception):
    """A 4xx answer for the uploader, in Chinese with its article."""

    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message
        super().__init__(message)


@dataclass
class UploadTarget:
    """Everything the record needs except the bytes' hash, size and type."""

    caller: UploadCaller
    case: Case
    actor: Any  # whose right to add to the case is judged and who registers the record
    officer: StaffProfile
    stage: str
    started_at: datetime
    ended_at: datetime
    place: str
    device_kind: str
    device_id: str
    original_name: str
    returned_to_unit_at: datetime | None
    late_storage_cause: str
    request: ScopeRequest = field(repr=False, default=None)


def upload_metadata(scope: dict[str, Any]) -> dict[str, str]:
    """The metadata fields from headers (percent-encoded UTF-8) or query parameters."""
    headers = {name.decode("latin-1").lower(): value.decode("latin-1")
               for name, value in scope.get("headers", [])}
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), encoding="utf-8"))
    values = {}
    for name, (header, parameter) in FIELDS.items():
        if header in headers:
            raw = unquote(headers[header], encoding="utf-8", errors="replace")
        else:
            raw = query.get(parameter, "")
        values[name] = raw.replace("\x00", "").strip()[:TEXT_LIMIT]
    return values


def _when(values: dict[str, str], name: str, label: str, *, required: bool = True) -> datetime | None:
    raw = values.get(name, "")
    if not raw:
        if required:
            raise UploadRefused(400, f"缺少{label}（{FIELDS[name][0]}，ISO 8601 含时区，第二十三条）。")
        return None
    try:
        parsed = parse_datetime(raw)
    except ValueError:
        parsed = None
    if parsed is None or timezone.is_naive(parsed):
        raise UploadRefused(400, f"{label}格式不正确：应为含时区的 ISO 8601 时间，如 2026-03-02T09:00:00+08:00。")
    return parsed


def _case(caller_actor, values: dict[str, str], request) -> Case:
    """The case named by id or number, among those the actor may see at all; an unknown or
    invisible case is one answer (404), so that its existence does not leak (第二十九条)."""
    visible = gate.visible(caller_actor, Case.objects.select_related("handling_unit"))
    case_id, number = values["case_id"], values["case_number"]
    if case_id:
        if not case_id.isdigit():
            raise UploadRefused(400, "X-Case-Id 应为案卷编号（整数）。")
        found = list(visible.filter(pk=int(case_id))[:1])
    elif number:
        found = list(visible.filter(number=number)[:2])
        if len(found) > 1:
            raise UploadRefused(400, f"案号“{number}”在多个单位都有，请改用 X-Case-Id。")
    else:
        raise UploadRefused(400, "缺少案卷：请提供 X-Case-Id 或 X-Case-Number（第九条 一案一卷）。")
    if not found:
        events.record_event(actor=caller_actor, action=events.UPLOAD, outcome=events.DENIED,
                            obj=("records.case", case_id or number), request=request,
                            detail={"reason": "case not found or not visible"})
        raise UploadRefused(404, "案卷不存在或无权访问（第二十九条）。")
    return found[0]


def _officer(caller: UploadCaller, certificate: str) -> StaffProfile:
    if certificate:
        officer = StaffProfile.objects.select_related("user", "unit") \
            .filter(certificate_number=certificate, user__is_active=True).first()
        if officer is None:
            raise UploadRefused(400, f"没有执法证号为“{certificate}”的在职执法人员（第十二条）。")
        return officer
    if caller.is_device:
        raise UploadRefused(400, "设备上传须注明记录人的执法证号（X-Officer-Certificate，第十二条）。")
    officer = StaffProfile.objects.select_related("user", "unit").filter(user=caller.user).first()
    if officer is None:
        raise UploadRefused(400, "请注明记录人的执法证号（X-Officer-Certificate，第十二条）。")
    return officer


def upload_target_check(caller: UploadCaller, scope: dict[str, Any],
                        request: ScopeRequest) -> UploadTarget:
    """Check the upload's metadata and the right to add it to the case before the body is
    read. A device token uploads on behalf of the recording officer: the gate judges the
    officer (never the device), and the device must belong to the officer's unit."""
    values = upload_metadata(scope)
    officer = _officer(caller, values["officer_certificate"])
    if caller.is_device:
        station = StaffProfile.objects.filter(user=caller.user).first()
        if station is not None and station.unit_id != officer.unit_id:
            events.record_event(actor=caller.user, action=events.UPLOAD, outcome=events.DENIED,
                                obj=officer, request=request,
                                detail={"reason": "device of another unit"})
            raise UploadRefused(403, "采集工作站只能为本单位执法人员上传（第十七条、第二十九条）。")
        actor = officer.user  # as the officer's unverified request: sealed cases need a person
    else:
        actor = caller.user
    case = _case(actor, values, request)
    stage = values["stage"]
    if not stage:
        raise UploadRefused(400, "缺少环节（X-Stage，第十条）。")
    device_kind = values["device_kind"] or DeviceKind.BODY_CAMERA
    if device_kind not in DeviceKind.values:
        raise UploadRefused(400, f"设备类型应为：{'、'.join(DeviceKind.values)}（第十七条）。")
    started_at = _when(values, "started_at", "开始时间")
    ended_at = _when(values, "ended_at", "结束时间")
    place = values["place"]
    if not place:
        raise UploadRefused(400, "缺少记录地点（X-Place，百分号编码的 UTF-8，第二十七条）。")
    target = UploadTarget(
        caller=caller, case=case, actor=actor, officer=officer, stage=stage,
        started_at=started_at, ended_at=ended_at, place=place, device_kind=device_kind,
        device_id=values["device_id"], original_name=os.path.basename(
            values["file_name"].replace("\\", "/"))[:255],
        returned_to_unit_at=_when(values, "returned_to_unit_at", "返回单位时间", required=False),
        late_storage_cause=values["late_storage_cause"], request=request)
    _refuse_unless_allowed(target)
    _dry_validate(target)
    return target


def _refuse_unless_allowed(target: UploadTarget) -> None:
    decision = gate.decide(target.actor, gate.CHANGE, target.case)
    if not decision.allowed:
        events.record_event(actor=target.actor, action=events.UPLOAD, outcome=events.DENIED,
                            obj=target.case, request=target.request,
                            detail={"reason": decision.reason, "rule": decision.rule,
                                    "via": target.caller.token.kind})
        raise UploadRefused(403, decision.reason)


def _dry_validate(target: UploadTarget) -> None:
    """The service's own checks, run before the body with a placeholder hash, and rolled
    back: a stage the case's kind lacks, times in the wrong order, an archived case ... are
    refused before the upload is received."""
    try:
        with transaction.atomic():
            _register(target, sha256="0" * 64, size=1, media_kind="video", mime="",
                      duration=None, now=timezone.now())
            raise _DryRun
    except _DryRun:
        return


class _DryRun(Exception):
    pass


def _register(target: UploadTarget, *, sha256: str, size: int, media_kind: str, mime: str,
              duration: float | None, now: datetime) -> AVRecord:
    try:
        return av_record_register(
            case=target.case, actor=target.actor, stage=target.stage, sha256=sha256, size=size,
            media_kind=media_kind, device_kind=target.device_kind, recorded_by=target.officer,
            started_at=target.started_at, ended_at=target.ended_at, place=target.place,
            stored_at=now, mime=mime, duration_seconds=duration,
            original_name=target.original_name, device_id=target.device_id,
            returned_to_unit_at=target.returned_to_unit_at,
            late_storage_cause=target.late_storage_cause)
    except RecordsPermissionDenied as error:
        raise UploadRefused(403, str(error)) from error
    except CaseFileError as error:
        raise UploadRefused(400, error.message) from error


def upload_duration(stored, file_type) -> float | None:
    """The media length read with ffprobe where installed (headers only, not a second read
    of the file). Run it outside Django's one thread for sync code: it may take seconds."""
    if file_type.kind not in ("video", "audio"):
        return None
    return getattr(probe_media(stored.path), "duration_seconds", None)


def upload_record_create(target: UploadTarget, *, stored, file_type,
                         duration: float | None = None) -> tuple[AVRecord, bool]:
    """The audio/video record of bytes now in the store, with its access-log lines, in one
    transaction; (record, True). The same bytes sent again for the same case (a docking
    station retrying after a lost answer) give the existing record: (record, False). If the
    record cannot be created, the stored file is removed again when this upload put it there
    and no record owns it (see `discard_orphan`)."""
    existing = AVRecord.objects.filter(case=target.case, sha256=stored.sha256).order_by("id").first()
    if existing is not None:
        events.record_event(
            actor=target.caller.user, action=events.UPLOAD, obj=existing, request=target.request,
            detail={"via": target.caller.token.kind, "token": target.caller.token.key_prefix,
                    "on_behalf_of": target.actor.get_username(), "sha256": stored.sha256,
                    "size": stored.size, "already_registered": True})
        return existing, False
    try:
        with transaction.atomic():
            record = _register(target, sha256=stored.sha256, size=stored.size,
                               media_kind=str(file_type.kind), mime=file_type.mime,
                               duration=duration,
                               now=timezone.now())
            events.record_event(
                actor=target.caller.user, action=events.UPLOAD, obj=record, request=target.request,
                detail={"via": target.caller.token.kind, "token": target.caller.token.key_prefix,
                        "on_behalf_of": target.actor.get_username(), "sha256": stored.sha256,
                        "size": stored.size, "new_copy": stored.created})
            return record, True
    except BaseException:
        if stored.created:
            discard_orphan(stored)
        raise


def discard_orphan(stored) -> bool:
    """Remove a file this upload stored when no record owns its hash (the record could not
    be created). An original that a record owns is never removed (第二十八条); a file left by
    a crash between storing and registering is what verify_media reports as unowned."""
    if AVRecord.objects.filter(sha256=stored.sha256).exists():
        return False
    from .casefile_entries import Document

    if Document.objects.filter(file_sha256=stored.sha256).exists():
        return False
    try:
        os.unlink(stored.path)
    except FileNotFoundError:
        return False
    logger.info("removed unregistered upload %s", stored.sha256)
    return True
