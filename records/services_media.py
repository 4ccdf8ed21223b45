"""Writes of audio/video records (第三章): registering an original already in the store,
its interruptions (第二十三条) and its evidence note (第二十七条). Re-exported by
records.services; the same conventions hold (keyword-only, `actor=`, gate, one transaction
with its access-log line, `case_changing` refusing an archived case)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from policies.audiovisual import INTERRUPTION_CAUSES

from . import events
from .case_flags import case_flags_refresh
from .case_lifecycle import case_changing
from .casefile import AVInterruption, AVRecord, Case, EvidenceNote, PendingRecording
from .casefile_media import DeviceKind, MediaKind
from .service_support import check_supersedes, created, invalid, record_mark, stage_of
from .store.disposition import stored_file_name
from .store.hashes import is_sha256


def av_record_register(*, case: Case, actor, stage: str, sha256: str, size: int, media_kind: str,
                       device_kind: str, recorded_by, started_at: datetime, ended_at: datetime,
                       place: str, stored_at: datetime | None = None, mime: str = "",
                       duration_seconds: float | None = None, original_name: str = "",
                       device_id: str = "", returned_to_unit_at: datetime | None = None,
                       late_storage_cause: str = "", mark=None, supersedes: AVRecord | None = None,
                       correction_reason: str = "") -> AVRecord:
    """Register an original already in the store (by its SHA-256 and size) as a recording of
    a stage of the case. The original is never changed afterwards (第二十八条)."""
    stage_of(case, stage)
    if not is_sha256(sha256) or size is None or size <= 0:
        raise invalid("原始文件应以64位小写十六进制SHA-256和大小登记", "第二十八条")
    if media_kind not in MediaKind.values or device_kind not in DeviceKind.values:
        raise invalid("音像记录的类型应为视频、音频或照片，设备应为第十七条所列设备", "第十七条")
    if ended_at < started_at:
        raise invalid("音像记录的结束时间早于开始时间", "第二十三条")
    stored_at = stored_at or timezone.now()
    if stored_at < ended_at:
        raise invalid("储存时间早于音像记录制作完成时间", "第二十六条")
    if returned_to_unit_at is not None and not late_storage_cause.strip():
        raise invalid("返回单位后储存的，应说明无法及时储存的客观原因", "第二十六条")
    if returned_to_unit_at is not None and returned_to_unit_at < ended_at:
        raise invalid("返回单位时间早于音像记录制作完成时间", "第二十六条")
    if not place.strip():
        raise invalid("应记录音像记录的地点", "第二十七条")
    check_supersedes(supersedes, case, correction_reason, lambda r: r.case_id)
    record = AVRecord(case=case, stage=stage, sha256=sha256, size=size, media_kind=media_kind,
                      mime=mime, duration_seconds=duration_seconds,
                      original_name=stored_file_name(original_name),
                      device_kind=device_kind, device_id=device_id, recorded_by=recorded_by,
                      started_at=started_at, ended_at=ended_at, place=place.strip(),
                      stored_at=stored_at, returned_to_unit_at=returned_to_unit_at,
                      late_storage_cause=late_storage_cause.strip(),
                      mark=record_mark(mark, case), supersedes=supersedes,
                      correction_reason=correction_reason, registered_by=actor)
    events.gate_check(actor=actor, action=events.UPLOAD, obj=case)
    with case_changing(case):
        record.save()
        case_flags_refresh(case)
        settled = pending_recording_settle(record)
        events.record_event(actor=actor, action=events.UPLOAD, obj=record,
                            detail={"sha256": sha256, "size": size, "stage": stage,
                                    "supersedes": getattr(supersedes, "pk", None),
                                    "pending": getattr(settled, "pk", None)})
        return record


#: how far a reported end time may lie from the stored recording's span and still be it
PENDING_MATCH_SLACK = timedelta(minutes=30)


def pending_recording_report(*, case: Case, actor, stage: str, ended_at: datetime, device_kind: str,
                             recorded_by, device_id: str = "") -> PendingRecording:
    """Report a recording made on site and not yet stored (已摄录待储存), so that its 24-hour
    storage deadline (第二十六条) is warned of before it passes. The audio/video record that
    stores it settles the report (pending_recording_settle)."""
    stage_of(case, stage)
    if device_kind not in DeviceKind.values:
        raise invalid("设备应为第十七条所列设备", "第十七条")
    if recorded_by is None:
        raise invalid("应写明摄录的执法人员", "第二十六条")
    if ended_at > timezone.now() + PENDING_MATCH_SLACK:
        raise invalid("制作完成时间不能晚于现在", "第二十六条")
    report = PendingRecording(case=case, stage=stage, ended_at=ended_at, device_kind=device_kind,
                              device_id=device_id.strip(), recorded_by=recorded_by,
                              reported_by=actor)
    events.gate_check(actor=actor, action=events.CHANGE, obj=case)
    with case_changing(case):
        report.save()
        return created(actor, report, stage=stage, ended_at=ended_at.isoformat())


def pending_recording_settle(record: AVRecord) -> PendingRecording | None:
    """The oldest open report this stored recording answers: the same case and stage, the
    same device when both name one, and a reported end within the recording's span (give or
    take PENDING_MATCH_SLACK). Called inside the registering transaction."""
    candidates = PendingRecording.objects.select_for_update().filter(
        case_id=record.case_id, stage=record.stage, stored_as__isnull=True,
        ended_at__gte=record.started_at - PENDING_MATCH_SLACK,
        ended_at__lte=record.ended_at + PENDING_MATCH_SLACK).order_by("ended_at", "id")
    for report in candidates:
        if report.device_id and record.device_id and report.device_id != record.device_id:
            continue
        report.stored_as = record
        report.save(update_fields=["stored_as"])
        return report
    return None


def av_interruption_add(*, av_record: AVRecord, actor, cause: str, interrupted_at: datetime,
                        resumed_at: datetime | None = None, spoken_explanation: bool = False,
                        written_explanation: str = "", cause_detail: str = "") -> AVInterruption:
    """An interruption of a recording (第二十三条). Its cause is one of the objective causes;
    its explanation is spoken on resuming, or written when recording could not resume (an
    interruption recorded without it is a finding until explained)."""
    if cause not in {c.code for c in INTERRUPTION_CAUSES}:
        raise invalid("中止原因应为设备故障、损坏、电量不足、存储空间不足、天气恶劣、有关人员阻挠等客观原因",
                       "第二十三条")
    if resumed_at is not None and resumed_at < interrupted_at:
        raise invalid("恢复时间早于中止时间", "第二十三条")
    if resumed_at is None and spoken_explanation:
        raise invalid("未恢复记录的，不能有恢复时的语音说明，应书面说明", "第二十三条")
    events.gate_check(actor=actor, action=events.CREATE, obj=av_record)
    with case_changing(av_record.case):
        interruption = AVInterruption.objects.create(
            av_record=av_record, cause=cause, cause_detail=cause_detail, interrupted_at=interrupted_at,
            resumed_at=resumed_at, spoken_explanation=spoken_explanation,
            written_explanation=written_explanation.strip(), recorded_by=actor)
        return created(actor, interruption, cause=cause)


def av_interruption_explain(*, interruption: AVInterruption, actor,
                            written_explanation: str) -> AVInterruption:
    """Add the written explanation of an interruption after which recording could not resume
    (第二十三条). An explanation once given is not replaced."""
    if not written_explanation.strip():
        raise invalid("书面说明不能为空", "第二十三条")
    if interruption.written_explanation:
        raise invalid("书面说明已记录，不能替换", "第二十三条")
    events.gate_check(actor=actor, action=events.CHANGE, obj=interruption.av_record)
    with case_changing(interruption.av_record.case):
        interruption.written_explanation = written_explanation.strip()
        interruption.save(update_fields=["written_explanation"])
        events.record_event(actor=actor, action=events.CHANGE, obj=interruption,
                            detail={"written_explanation": True})
    return interruption


def evidence_note_add(*, av_record: AVRecord, actor, collected_by: str, collected_at: datetime,
                      collected_place: str, note: str = "") -> EvidenceNote:
    """The written note on a recording used as evidence: who, when, where (第二十七条)."""
    if not collected_by.strip() or not collected_place.strip():
        raise invalid("应注明取证人员、取证时间和取证地点", "第二十七条")
    events.gate_check(actor=actor, action=events.CREATE, obj=av_record)
    with case_changing(av_record.case):
        evidence = EvidenceNote.objects.create(
            av_record=av_record, collected_by=collected_by.strip(), collected_at=collected_at,
            collected_place=collected_place.strip(), note=note, recorded_by=actor)
        return created(actor, evidence)
