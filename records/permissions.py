"""Who may do what to which case or record: django-guardian direct foreign-key permission
tables with an end (access.grants), and the registration of the case file's models with the
access gate (第二十八条, 第二十九条).

Grants are given on a case, on a single document or on a single audio/video record, to a user
or to a group: view, download, copy, change, grant, and on a case the unmasked reading of its
parties' personal data. A grant on a case reaches the case's records that are not marked
stricter than the case; a stricter record needs its own grant. The other rows of the case
file (parties, stage records, signatures, entries, interruptions, evidence notes) have no
grants of their own: the gate judges them as part of the case or record they belong to.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from access import gate, masking
from access.grants import GroupGrantBase, UserGrantBase

from .casefile import (
    AVInterruption,
    AVRecord,
    Case,
    CaseAnnotation,
    CaseOfficer,
    CaseParty,
    CaseStep,
    Document,
    EvidenceNote,
    InvestigationEntry,
    PendingRecording,
    ReviewEntry,
    ServiceEntry,
    Signature,
    StageRecord,
)
from .marking import PERSONAL_FIELDS

LIVE = Q(revoked_at__isnull=True)
WINDOW = ["valid_from", "valid_until"]


def _live_index(holder: str, name: str) -> models.Index:
    """(holder, permission, object) over unrevoked rows, carrying the window, so that the
    visibility filter reads a user's live grants from the index alone (grant-first)."""
    return models.Index(fields=[holder, "permission", "content_object"], include=WINDOW,
                        condition=LIVE, name=name)


class CaseUserPermission(UserGrantBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="user_grants",
                                       verbose_name="案卷")

    class Meta(UserGrantBase.Meta):
        verbose_name = "案卷用户授权"
        verbose_name_plural = "案卷用户授权"
        indexes = [_live_index("user", "rec_case_uperm_live")]


class CaseGroupPermission(GroupGrantBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE,
                                       related_name="group_grants", verbose_name="案卷")

    class Meta(GroupGrantBase.Meta):
        verbose_name = "案卷用户组授权"
        verbose_name_plural = "案卷用户组授权"
        indexes = [_live_index("group", "rec_case_gperm_live")]


class DocumentUserPermission(UserGrantBase):
    content_object = models.ForeignKey(Document, on_delete=models.CASCADE,
                                       related_name="user_grants", verbose_name="文书")

    class Meta(UserGrantBase.Meta):
        verbose_name = "文书用户授权"
        verbose_name_plural = "文书用户授权"
        indexes = [_live_index("user", "rec_doc_uperm_live")]


class DocumentGroupPermission(GroupGrantBase):
    content_object = models.ForeignKey(Document, on_delete=models.CASCADE,
                                       related_name="group_grants", verbose_name="文书")

    class Meta(GroupGrantBase.Meta):
        verbose_name = "文书用户组授权"
        verbose_name_plural = "文书用户组授权"
        indexes = [_live_index("group", "rec_doc_gperm_live")]


class AVRecordUserPermission(UserGrantBase):
    content_object = models.ForeignKey(AVRecord, on_delete=models.CASCADE,
                                       related_name="user_grants", verbose_name="音像记录")

    class Meta(UserGrantBase.Meta):
        verbose_name = "音像记录用户授权"
        verbose_name_plural = "音像记录用户授权"
        indexes = [_live_index("user", "rec_av_uperm_live")]


class AVRecordGroupPermission(GroupGrantBase):
    content_object = models.ForeignKey(AVRecord, on_delete=models.CASCADE,
                                       related_name="group_grants", verbose_name="音像记录")

    class Meta(GroupGrantBase.Meta):
        verbose_name = "音像记录用户组授权"
        verbose_name_plural = "音像记录用户组授权"
        indexes = [_live_index("group", "rec_av_gperm_live")]


RECORD_ACTIONS = frozenset({gate.VIEW, gate.DOWNLOAD, gate.COPY, gate.CHANGE, gate.GRANT})

gate.guard(gate.Guarded(
    model=Case, slug="cases", user_grants=CaseUserPermission, group_grants=CaseGroupPermission,
    unit_path="handling_unit_id", actions=frozenset(gate.GRANTABLE), noun="案卷"))
gate.guard(gate.Guarded(
    model=Document, slug="documents", user_grants=DocumentUserPermission,
    group_grants=DocumentGroupPermission, unit_path="stage_record__case__handling_unit_id",
    parent_path="stage_record__case_id", parent_mark_path="stage_record__case__mark",
    parent_model=Case, actions=RECORD_ACTIONS, noun="文书"))
gate.guard(gate.Guarded(
    model=AVRecord, slug="av-records", user_grants=AVRecordUserPermission,
    group_grants=AVRecordGroupPermission, unit_path="case__handling_unit_id",
    parent_path="case_id", parent_mark_path="case__mark", parent_model=Case,
    actions=RECORD_ACTIONS, noun="音像记录"))

# Rows judged as part of a case or a record. A party's own mark (个人信息 by default) is about
# its personal fields, which masking guards; a stage record's own mark counts.
for _model in (CaseParty, CaseOfficer, CaseStep, CaseAnnotation, PendingRecording):
    gate.belongs(_model, owner=lambda obj: obj.case)
gate.belongs(StageRecord, owner=lambda obj: obj.case, own_mark=lambda obj: obj.mark)
for _model in (InvestigationEntry, ReviewEntry, ServiceEntry):
    gate.belongs(_model, owner=lambda obj: obj.stage_record)
gate.belongs(Signature, owner=lambda obj: obj.document)
for _model in (AVInterruption, EvidenceNote):
    gate.belongs(_model, owner=lambda obj: obj.av_record)

#: how each personal field is masked (access.masking)
FIELD_KINDS = {"id_number": masking.IDENTITY, "phone": masking.PHONE, "address": masking.ADDRESS}
for _label, _fields in PERSONAL_FIELDS.items():
    masking.register(_label, {name: FIELD_KINDS[name] for name in _fields})

__all__ = [
    "AVRecordGroupPermission", "AVRecordUserPermission", "CaseGroupPermission",
    "CaseUserPermission", "DocumentGroupPermission", "DocumentUserPermission",
]
