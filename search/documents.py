"""What is indexed: a case file turned into index documents, one per case (its metadata),
case content, stage record, document, audio/video record and party-data entry, and one per
published rule page.

Text is masked before it is indexed (access.masking.mask_text with the case's parties): an
identity number, phone or address is never a token of an ordinary entry, so that a reader who
may not unmask cannot find a case by the clear value. The clear values go into the case's
PERSONAL entry only, which the visibility filter shows to readers who may unmask (第二十九条).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch

from access import masking
from policies.catalogue import catalogue_for
from policies.marks import as_mark
from records.models import AVRecord, Case, Document, StageRecord

from .models import EntryKind
from .segmentation import index_text

logger = logging.getLogger(__name__)


@dataclass
class IndexDocument:
    key: str
    kind: str
    title: str
    text: str
    case_id: int | None = None
    stage_record_id: int | None = None
    document_id: int | None = None
    av_record_id: int | None = None
    page_id: int | None = None
    mark: str = ""
    stricter_than_case: bool = False
    act_kind: str = ""
    unit_id: int | None = None
    year: int | None = None
    state: str = ""
    case_mark: str = ""
    officer_ids: list[int] = field(default_factory=list)
    url: str = ""
    date: date | None = None
    tokens: str = ""

    def finish(self) -> "IndexDocument":
        """Segment the text (folded inside index_text); the text itself is kept as written,
        masked, for snippets."""
        self.tokens = index_text(self.text)
        return self


def _join(*parts) -> str:
    return "\n".join(str(part) for part in parts if part)


def _stage_name(case: Case, code: str) -> str:
    try:
        for stage in catalogue_for(case.opened_on).kind(case.kind).stages:
            if stage.code == code:
                return stage.name
    except Exception:  # an old or unknown kind: the code itself
        pass
    return code


def cases_for_indexing(case_ids=None):
    """Cases with everything their documents read, in a constant number of queries."""
    documents = Document.objects.prefetch_related("signatures")
    stages = StageRecord.objects.prefetch_related(
        Prefetch("documents", queryset=documents), "investigation_entries", "review_entries",
        "service_entries")
    queryset = Case.objects.select_related("handling_unit").prefetch_related(
        "case_officers__officer", "parties", "annotations", "steps",
        Prefetch("stage_records", queryset=stages),
        Prefetch("av_records", queryset=AVRecord.objects.prefetch_related(
            "interruptions", "evidence_notes")))
    if case_ids is not None:
        queryset = queryset.filter(pk__in=list(case_ids))
    return queryset.order_by("pk")


def case_documents(case: Case) -> list[IndexDocument]:
    parties = list(case.parties.all())
    officers = [row.officer for row in case.case_officers.all()]

    def masked(text: str) -> str:
        return masking.mask_text(text, parties)

    common = dict(case_id=case.pk, act_kind=case.kind, unit_id=case.handling_unit_id,
                  year=case.number_year, state=case.state, case_mark=case.mark,
                  officer_ids=sorted({officer.pk for officer in officers}))
    case_mark = as_mark(case.mark)
    unit = case.handling_unit.name if case.handling_unit_id else ""
    head = f"{case.number} {case.get_kind_display()}"
    docs = [IndexDocument(
        key=f"case:{case.pk}", kind=EntryKind.CASE, title=head, mark=case.mark, date=case.opened_on,
        text=masked(_join(case.number, case.get_kind_display(), unit, case.get_state_display(),
                          "、".join(officer.full_name for officer in officers))),
        **common)]
    party_lines = [
        _join(party.name, party.legal_representative, *masking.masked_values(party).values())
        for party in parties]
    docs.append(IndexDocument(
        key=f"content:{case.pk}", kind=EntryKind.CONTENT, title=f"{case.number} {case.title}",
        mark=case.mark, date=case.opened_on,
        text=masked(_join(case.title, case.get_start_mode_display(), case.source_detail,
                          *party_lines, *(note.text for note in case.annotations.all()),
                          *(step.note for step in case.steps.all()))),
        **common))
    clear = [_join(party.id_number, party.phone, party.address) for party in parties]
    if any(clear):
        docs.append(IndexDocument(
            key=f"personal:{case.pk}", kind=EntryKind.PERSONAL, title=f"{case.number} 当事人信息",
            mark=max(case_mark, as_mark("personal")).value, date=case.opened_on,
            text=_join(*clear), **common))
    for record in case.stage_records.all():
        mark = max(as_mark(record.mark), case_mark)
        entries = [
            *(entry.content for entry in record.investigation_entries.all()),
            *(_join(entry.facts, entry.legal_basis, entry.discretion_standard, entry.opinion,
                    entry.given_by_name) for entry in record.review_entries.all()),
            *(entry.content for entry in record.service_entries.all()),
        ]
        stage = _stage_name(case, record.stage)
        docs.append(IndexDocument(
            key=f"stage:{record.pk}", kind=EntryKind.STAGE, title=f"{case.number} {stage}",
            stage_record_id=record.pk, mark=mark.value, stricter_than_case=mark > case_mark,
            date=record.occurred_on, text=masked(_join(stage, record.summary, *entries)),
            **common))
        for document in record.documents.all():
            mark = max(as_mark(document.mark), case_mark)
            signatures = [_join(sig.signer_name, sig.get_outcome_display(), sig.refusal_reason)
                          for sig in document.signatures.all()]
            number = f"（{document.doc_number}）" if document.doc_number else ""
            docs.append(IndexDocument(
                key=f"document:{document.pk}", kind=EntryKind.DOCUMENT,
                title=f"{case.number} {document.doc_kind}{number}",
                stage_record_id=record.pk, document_id=document.pk, mark=mark.value,
                stricter_than_case=mark > case_mark, date=document.issued_on,
                text=masked(_join(document.doc_kind, document.doc_number, document.text,
                                  pdf_text(document), document.correction_reason,
                                  *signatures)),
                **common))
    for av in case.av_records.all():
        mark = max(as_mark(av.mark), case_mark)
        notes = [_join(note.collected_by, note.collected_place, note.note)
                 for note in av.evidence_notes.all()]
        breaks = [_join(item.get_cause_display(), item.cause_detail, item.written_explanation)
                  for item in av.interruptions.all()]
        stage = _stage_name(case, av.stage)
        docs.append(IndexDocument(
            key=f"av:{av.pk}", kind=EntryKind.AV,
            title=f"{case.number} {av.get_media_kind_display()}（{stage}）",
            av_record_id=av.pk, mark=mark.value, stricter_than_case=mark > case_mark,
            date=av.started_at.date(),
            text=masked(_join(stage, av.get_media_kind_display(), av.get_device_kind_display(),
                              av.device_id, av.place, av.original_name, av.late_storage_cause,
                              av.correction_reason, *notes, *breaks)),
            **common))
    docs = [doc.finish() for doc in docs]
    for doc in docs:
        if doc.kind == EntryKind.PERSONAL:
            doc.text = ""  # the clear values live in the tokens only, never in a snippet
    return docs


#: how much of an attached PDF is indexed
PDF_MAX_PAGES = 200
PDF_MAX_CHARS = 200_000


def pdf_text(document) -> str:
    """The text layer of a document's attached PDF original (empty for a scan without one,
    another file type, or a file the store cannot open)."""
    if not document.file_sha256 or "pdf" not in (document.file_mime or "").lower():
        return ""
    try:
        from pypdf import PdfReader

        from records.store.originals import default_store

        with default_store().open(document.file_sha256) as handle:
            reader = PdfReader(handle)
            parts, size = [], 0
            for page in reader.pages[:PDF_MAX_PAGES]:
                text = page.extract_text() or ""
                parts.append(text)
                size += len(text)
                if size >= PDF_MAX_CHARS:
                    break
        return "\n".join(parts)[:PDF_MAX_CHARS]
    except Exception:  # an unreadable attachment is indexed without its text
        logger.warning("no text from the PDF of document %s", document.pk, exc_info=True)
        return ""


def page_document(page) -> IndexDocument | None:
    """A live rule page's title and searchable text (Wagtail's own search fields)."""
    page = page.specific
    parts = [page.title, getattr(page, "search_description", "")]
    from wagtail.search import index

    for search_field in getattr(page, "search_fields", ()):
        if not isinstance(search_field, index.SearchField):  # not filters (path, depth ...)
            continue
        name = getattr(search_field, "field_name", None)
        if name and name not in {"title", "search_description"} and hasattr(page, name):
            value = getattr(page, name)
            if hasattr(value, "render_as_block"):  # a StreamField
                value = _stream_text(value)
            if isinstance(value, str):
                parts.append(_strip_tags(value))
    if any(part.strip().startswith(page.title) for part in parts[1:] if part):
        parts = parts[1:]  # an article's text begins with its own title (第十七条 ...)
    text = _join(*parts)
    return IndexDocument(key=f"page:{page.pk}", kind=EntryKind.PAGE, title=page.title,
                         page_id=page.pk, url=page.url or "", text=text,
                         date=(page.last_published_at.date() if page.last_published_at else None)
                         ).finish()


def _strip_tags(value: str) -> str:
    from django.utils.html import strip_tags

    return strip_tags(value)


def _stream_text(stream) -> str:
    from django.utils.html import strip_tags

    try:
        return strip_tags(str(stream.render_as_block()))
    except Exception:
        return ""
