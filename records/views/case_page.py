"""The case page (/cases/<id>/): the header (number, kind, unit, officers, parties with their
personal data masked), the stages of the kind as a timeline in catalogue order (第十条; the
conditional stages marked), each with its text records, documents and their signatures
(第十三条), audio/video records (played in the page, 第二十八条 logged), and the completeness
findings beside it, each citing its article.

- A case the reader may not know of answers 404, the same as an id that does not exist,
  and the denial is logged. A reader who may see its metadata only (the legal office's
  supervision, 第三十条) sees the header and the findings, not the content.
- Each record is judged on its own (a record may be marked stricter than its case); one
  the reader may not see shows as a withheld row.
- The page's access-log line (with the ids of the records shown) is written before the
  response is returned; so is each ``unmask`` line. Unmasking is a POST that needs the
  personal-data permission and a session that passed the second factor (第二十九条).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from access import gate, masking
from access.events import access_log_write
from policies.catalogue import catalogue_for
from records.calendar import working_calendar
from records.compliance import case_findings, published_checklist
from records.selectors import case_file_load

from .case_archive import archiving_context
from .common import StepUp, case_for, login_required, step_up_redirect

MEDIA_TAGS = {"video": "video", "audio": "audio", "photo": "img"}


@never_cache
@login_required
@require_GET
def case_page(request, pk: int):
    try:
        access = case_for(request, pk)
    except StepUp:
        return step_up_redirect(request)
    return render_case_page(request, access, unmask=False)


@never_cache
@login_required
@require_POST
def case_unmask(request, pk: int):
    try:
        access = case_for(request, pk)
    except StepUp:
        return step_up_redirect(request, reverse("records:case", args=[pk]))
    decision = access.content
    if decision.allowed:
        decision = gate.decide(request.user, gate.VIEW_PERSONAL, access.case)
        if not decision.allowed and decision.rule == "step_up":
            return step_up_redirect(request, reverse("records:case", args=[pk]))
    if not decision.allowed:
        access_log_write(actor=request.user, action="unmask", outcome="denied",
                         obj=access.case, request=request,
                         detail={"reason": decision.reason, "rule": decision.rule})
    return render_case_page(request, access, unmask=True)


@dataclass
class StageRow:
    code: str
    name: str
    conditional: bool
    condition: str
    article: str
    occurred: bool
    records: list = field(default_factory=list)
    av_records: list = field(default_factory=list)
    findings: list = field(default_factory=list)

    @property
    def state(self) -> str:
        if self.findings:
            return "finding"
        if self.records:
            return "done"
        return "skipped" if self.conditional and not self.occurred else "pending"


def render_case_page(request, access, *, unmask: bool = False, extra: dict | None = None,
                     status: int = 200):
    user, case = request.user, access.case
    kind = catalogue_for(case.opened_on).kind(case.kind)
    findings = case_findings(case, checklist=published_checklist(), calendar=working_calendar())
    context = {"case": case, "kind": kind, "access": access, "content": access.content.allowed,
               "may_change": access.change.allowed and not case.is_locked,
               "media_tags": MEDIA_TAGS}
    shown = {"documents": [], "av_records": [], "stage_records": []}
    stage_rows = [StageRow(s.code, s.name, s.conditional, s.condition, s.article,
                           s.code in (case.stages_occurred or ())) for s in kind.stages]
    by_code = {row.code: row for row in stage_rows}
    case_level = []

    if access.content.allowed:
        file = case_file_load(case)
        _attach_case(file, case)
        records = [r for sv in file.stages for r in sv.records]
        documents = [d for r in records for d in r.documents.all()]
        av_records = [a for sv in file.stages for a in sv.av_records]
        record_flags = gate.flags(user, records, (gate.VIEW,))
        doc_flags = gate.flags(user, documents, (gate.VIEW, gate.DOWNLOAD))
        av_flags = gate.flags(user, av_records, (gate.VIEW, gate.DOWNLOAD))
        for sv in file.stages:
            row = by_code[sv.code]
            for record in sv.records:
                readable = record_flags[record.pk][gate.VIEW].allowed
                docs = []
                for document in record.documents.all():
                    flags = doc_flags[document.pk]
                    docs.append({"document": document, "may_view": readable and flags[gate.VIEW].allowed,
                                 "may_download": flags[gate.DOWNLOAD].allowed,
                                 "signatures": list(document.signatures.all())})
                    if readable and flags[gate.VIEW].allowed:
                        shown["documents"].append(document.pk)
                row.records.append({"record": record, "may_view": readable, "documents": docs})
                if readable:
                    shown["stage_records"].append(record.pk)
            for av in sv.av_records:
                flags = av_flags[av.pk]
                row.av_records.append({"av": av, "may_view": flags[gate.VIEW].allowed,
                                       "may_download": flags[gate.DOWNLOAD].allowed,
                                       "tag": MEDIA_TAGS.get(av.media_kind, "")})
                if flags[gate.VIEW].allowed:
                    shown["av_records"].append(av.pk)
            row.occurred = row.occurred or bool(sv.records)
        context.update(officers=file.officers, steps=file.steps, annotations=file.annotations,
                       parties=_parties(request, file.parties, unmask=unmask),
                       pending_recordings=list(case.pending_recordings.filter(
                           stored_as__isnull=True).select_related("recorded_by")))
        case_level = _place_findings(findings, case, by_code, stage_rows)
    else:
        context.update(officers=(), steps=(), annotations=(), parties={"rows": []})
        case_level = _place_findings(findings, case, by_code, stage_rows, by_label=False)

    # The page's line, before the response leaves (no line, no content).
    access_log_write(actor=user, action="view", outcome="ok", obj=case, request=request,
                     detail={"page": "case", "level": "content" if access.content.allowed else "metadata",
                             "rule": (access.content if access.content.allowed else access.metadata).rule,
                             **shown})
    context.update(stages=stage_rows, case_findings=case_level, findings_count=len(findings))
    context.update(extra if extra is not None else archiving_context(request, access,
                                                                     findings=findings))
    return render(request, "records/case_page.html", context, status=status)


def _attach_case(file, case) -> None:
    """The loaded rows point at the case object already in hand (no query per row when the
    gate reads a record's unit and mark)."""
    for sv in file.stages:
        for record in sv.records:
            record.case = case
            for document in record.documents.all():
                document.stage_record = record
        for av in sv.av_records:
            av.case = case


def _parties(request, parties, *, unmask: bool) -> dict:
    parties = list(parties)
    decisions = gate.flags(request.user, parties, (gate.VIEW_PERSONAL,)) if parties else {}
    clear = {}
    if unmask:
        allowed = [p for p in parties if decisions[p.pk][gate.VIEW_PERSONAL].allowed]
        clear = masking.personal_values_many(request.user, allowed, request=request)
    rows = []
    for party in parties:
        values = clear.get(party.pk)
        rows.append({"party": party, "clear": bool(values and values.clear),
                     "values": values.values if values else masking.masked_values(party)})
    offer = any(d[gate.VIEW_PERSONAL].allowed or d[gate.VIEW_PERSONAL].rule == "step_up"
                for d in decisions.values())
    reason = next((d[gate.VIEW_PERSONAL].reason for d in decisions.values()
                   if not d[gate.VIEW_PERSONAL].allowed), "")
    return {"rows": rows, "offer_unmask": offer and not all(r["clear"] for r in rows),
            "denied_reason": reason if unmask else ""}


def _place_findings(findings, case, by_code, stage_rows, *, by_label: bool = True) -> list:
    """Each finding beside its stage: a missing stage by its code, a document's or a
    recording's by the stage it belongs to; the rest (legal review, archiving) for the case."""
    labels: dict[str, str] = {}
    if by_label:
        for row in stage_rows:
            for entry in row.records:
                labels[f"环节记录#{entry['record'].pk}"] = row.code
                for doc in entry["documents"]:
                    labels.setdefault(str(doc["document"]), row.code)
            for entry in row.av_records:
                av = entry["av"]
                labels[av.original_name or f"音像记录#{av.pk}"] = row.code
    case_level = []
    for finding in findings:
        code = None
        if finding.subject.startswith(f"{case.kind}/"):
            code = finding.subject.split("/", 1)[1]
        elif finding.subject in labels:
            code = labels[finding.subject]
        if code in by_code:
            by_code[code].findings.append(finding)
        else:
            case_level.append(finding)
    return case_level
