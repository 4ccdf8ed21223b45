"""The online viewer of an approved request (/cases/viewer/<request id>/, 第二十八条): what a
view grant opens, and where a copy grant's holder reads what they copy.

A page of its own rather than the case page: it shows exactly the records the request names
(a request for chosen records gives no right to the case page at all), each document's whole
text, and the recordings played in the page; it has no download link of any kind (no
attachment, catalogue or disc: those need "download" or "copy", which a view grant never
gives), no entry forms, and a banner naming the reader, the request and its end.

- access.requests.viewing.viewer_refusal decides who may open it (the requester, while the
  request is approved and its period runs); anyone else, or after the end, gets 404 and a
  logged denial, like a case the reader may not know of.
- Each record is then judged by the access gate (the approval's grants end at the request's
  end and can be revoked); one it refuses shows as a withheld row.
- The page's access-log line (``view``, page "viewer", the request number, the ids of the
  records shown and the grants that allowed them) is written before the response leaves;
  each play is logged by the media view (``media_play``, records.views.files).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from access import gate
from access.events import access_log_write
from access.requests.models import AccessRequest
from access.requests.viewing import viewer_refusal
from policies.catalogue import catalogue_for
from records.casefile import AVRecord, Case, Document, StageRecord

from .common import login_required, not_found, step_up_redirect

MEDIA_TAGS = {"video": "video", "audio": "audio", "photo": "img"}


@never_cache
@login_required
@require_GET
def request_viewer(request, request_pk: int):
    user = request.user
    access_request = AccessRequest.objects.select_related("target_type", "requester") \
        .filter(pk=request_pk).first()
    refusal = viewer_refusal(user, access_request)
    case = access_request.target() if refusal is None else None
    if refusal is None and not isinstance(case, Case):
        refusal = "申请的对象不是案卷或已不存在"
    if refusal is not None:
        obj = (("records.case", access_request.target_id) if access_request is not None
               else None)
        not_found(request, obj=obj, detail={
            "page": "viewer", "reason": refusal,
            "access_request": access_request.number if access_request else request_pk})

    documents, av_records, stage_records = _requested(access_request, case)
    case_flags = gate.flags(user, [case], (gate.VIEW,))[case.pk]
    record_flags = gate.flags(user, stage_records, (gate.VIEW,)) if stage_records else {}
    doc_flags = gate.flags(user, documents, (gate.VIEW,)) if documents else {}
    av_flags = gate.flags(user, av_records, (gate.VIEW,)) if av_records else {}
    decisions = [case_flags[gate.VIEW]] + [flags[gate.VIEW] for table in
                                           (record_flags, doc_flags, av_flags)
                                           for flags in table.values()]
    if any(decision.rule == "step_up" for decision in decisions):
        return step_up_redirect(request)

    shown = {"documents": [], "av_records": [], "stage_records": []}
    granted = set()
    stages = _stages(case)
    for record in stage_records:
        row = {"record": record, "may_view": record_flags[record.pk][gate.VIEW].allowed,
               "documents": []}
        stages.setdefault(record.stage, _stage_row(record.stage))["records"].append(row)
        if row["may_view"]:
            shown["stage_records"].append(record.pk)
    rows_of = {entry["record"].pk: entry for stage in stages.values()
               for entry in stage["records"]}
    for document in documents:
        decision = doc_flags[document.pk][gate.VIEW]
        rows_of[document.stage_record_id]["documents"].append(
            {"document": document, "may_view": decision.allowed,
             "signatures": list(document.signatures.all())})
        if decision.allowed:
            shown["documents"].append(document.pk)
            granted.add(decision.grant_id)
    for av in av_records:
        decision = av_flags[av.pk][gate.VIEW]
        stages.setdefault(av.stage, _stage_row(av.stage))["av_records"].append(
            {"av": av, "may_view": decision.allowed, "tag": MEDIA_TAGS.get(av.media_kind, "")})
        if decision.allowed:
            shown["av_records"].append(av.pk)
            granted.add(decision.grant_id)
    if not shown["documents"] and not shown["av_records"] and not shown["stage_records"]:
        not_found(request, obj=case, detail={
            "page": "viewer", "access_request": access_request.number,
            "reason": "授权已终止或已撤销"})

    # The page's line, before the response leaves (no line, no content).
    access_log_write(actor=user, action="view", outcome="ok", obj=case, request=request, detail={
        "page": "viewer", "access_request": access_request.number,
        "grants": sorted(grant for grant in granted if grant is not None), **shown})
    return render(request, "records/viewer.html", {
        "access_request": access_request, "case": case,
        "case_content": case_flags[gate.VIEW].allowed, "whole": not access_request.items.exists(),
        "stages": [stage for stage in stages.values() if stage["records"] or stage["av_records"]],
    })


def _requested(access_request: AccessRequest, case: Case):
    """The documents, recordings and stage records the request covers: the chosen records,
    or every one of the case. Loaded once each, pointing at the case already in hand."""
    chosen: dict[type, list[int]] = {Document: [], AVRecord: []}
    types = ContentType.objects.get_for_models(Document, AVRecord)
    for item in access_request.items.all():
        for model, content_type in types.items():
            if item.content_type_id == content_type.pk:
                chosen[model].append(item.object_id)
    whole = not access_request.items.exists()
    documents = Document.objects.filter(stage_record__case=case) \
        .select_related("superseded_by").prefetch_related("signatures") \
        .order_by("issued_on", "pk")
    av_records = AVRecord.objects.filter(case=case).select_related("superseded_by", "recorded_by") \
        .prefetch_related("interruptions", "evidence_notes").order_by("started_at", "pk")
    if not whole:
        documents = documents.filter(pk__in=chosen[Document])
        av_records = av_records.filter(pk__in=chosen[AVRecord])
    documents, av_records = list(documents), list(av_records)
    records = StageRecord.objects.filter(case=case).prefetch_related(
        "investigation_entries", "review_entries", "service_entries").order_by("occurred_on", "pk")
    if not whole:
        records = records.filter(pk__in={document.stage_record_id for document in documents})
    stage_records = list(records)
    by_pk = {record.pk: record for record in stage_records}
    for record in stage_records:
        record.case = case
    for document in documents:
        document.stage_record = by_pk[document.stage_record_id]
    for av in av_records:
        av.case = case
    return documents, av_records, stage_records


def _stage_row(code: str, name: str = "") -> dict:
    return {"code": code, "name": name or code, "records": [], "av_records": []}


def _stages(case: Case) -> dict:
    """The case's stages in catalogue order (第十条), empty."""
    kind = catalogue_for(case.opened_on).kind(case.kind)
    return {stage.code: _stage_row(stage.code, stage.name) for stage in kind.stages}
