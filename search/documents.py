"""What is indexed: a case file turned into index documents, one per case (its metadata),
case content, stage record, document, audio/video record and party-data entry, and one per
published rule page.

Text is masked before it is indexed (access.masking with the case's parties): an identity
number, phone or address is never a token of an ordinary entry, so that a reader who may not
unmask cannot find a case by the clear value. The clear values go into the case's PERSONAL
entry only, which the visibility filter shows to readers who may unmask (第二十九条).

Cases are read in batches as plain values (``load_cases``: one query per table, whatever the
number of cases; no model instances), turned into documents (``case_documents``), and the
texts of a whole batch are segmented in one pass (``segment``: search.segmentation.index_texts).
The single case changed in a request and ``reindex`` go through the same three steps.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Iterable

from django.utils import translation

from access import masking
from policies.catalogue import catalogue_for
from policies.marks import Mark, as_mark
from records.models import (
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
    ReviewEntry,
    ServiceEntry,
    Signature,
    StageRecord,
)

from .models import EntryKind
from .segmentation import SIX_DIGITS, index_texts

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
    entry_id: int | None = None  # the SearchEntry row, once stored
    digest: int | None = None    # search.backends.rows.entry_digest, once cut (reindex)

    def finish(self) -> "IndexDocument":
        """Segment the text (folded inside index_texts); the text itself is kept as written,
        masked, for snippets."""
        return segment([self])[0]


def segment(docs: list[IndexDocument]) -> list[IndexDocument]:
    """Every document's tokens, the texts of all of them cut in one pass; a party-data
    entry's text is emptied once cut (its clear values live in the tokens only, never in a
    snippet)."""
    for doc, tokens in zip(docs, index_texts([doc.text for doc in docs])):
        doc.tokens = tokens
        if doc.kind == EntryKind.PERSONAL:
            doc.text = ""
    return docs


def _join(*parts: str) -> str:
    """The non-empty parts, a line each (text fields and labels: strings all)."""
    return "\n".join(filter(None, parts))


# --- the values a case's documents read ------------------------------------------------------

@dataclass
class CaseData:
    id: int
    number: str
    kind: str
    title: str
    start_mode: str
    source_detail: str
    unit_id: int | None
    unit_name: str
    state: str
    mark: str
    year: int | None
    opened_on: date
    officers: list[tuple[int, str]] = field(default_factory=list)
    parties: list[tuple] = field(default_factory=list)  # PARTY_FIELDS
    notes: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    stages: list[list] = field(default_factory=list)    # [id, stage, summary, date, mark, entries, docs]
    avs: list[list] = field(default_factory=list)       # AV_FIELDS + [notes, breaks]


CASE_FIELDS = ("id", "number", "kind", "title", "start_mode", "source_detail",
               "handling_unit_id", "handling_unit__name", "state", "mark", "number_year",
               "opened_on")
PARTY_FIELDS = ("name", "legal_representative", "id_number", "phone", "address")
AV_FIELDS = ("id", "stage", "mark", "started_at", "media_kind", "device_kind", "device_id",
             "place", "original_name", "late_storage_cause", "correction_reason")
DOCUMENT_FIELDS = ("id", "doc_kind", "doc_number", "text", "correction_reason", "mark",
                   "issued_on", "file_sha256", "file_mime")


def load_cases(case_ids: Iterable[int]) -> list[CaseData]:
    """The cases with everything their documents read, as plain values: one query per table
    (fourteen), however many cases; in the order of the records' own Meta.ordering, so that a
    text reads as the case page shows it. Ids that run without a gap (a slice of every
    case's id, as reindex reads them) are asked for as a range, not as a list."""
    ids = sorted(set(case_ids))
    if not ids:
        return []
    if ids[-1] - ids[0] + 1 == len(ids):
        def among(path: str) -> dict:
            return {f"{path}__gte": ids[0], f"{path}__lte": ids[-1]}
    else:
        def among(path: str) -> dict:
            return {f"{path}__in": ids}
    cases = {row[0]: CaseData(*row) for row in
             Case.objects.filter(**among("pk")).order_by("pk").values_list(*CASE_FIELDS)}
    if not cases:
        return []
    for case_id, officer_id, name in CaseOfficer.objects.filter(**among("case_id")) \
            .order_by("id").values_list("case_id", "officer_id", "officer__full_name"):
        cases[case_id].officers.append((officer_id, name))
    for case_id, *party in CaseParty.objects.filter(**among("case_id")) \
            .order_by("id").values_list("case_id", *PARTY_FIELDS):
        cases[case_id].parties.append(tuple(party))
    for case_id, text in CaseAnnotation.objects.filter(**among("case_id")) \
            .order_by("created_at", "id").values_list("case_id", "text"):
        cases[case_id].notes.append(text)
    for case_id, note in CaseStep.objects.filter(**among("case_id")) \
            .order_by("at", "id").values_list("case_id", "note"):
        cases[case_id].steps.append(note)
    stages = {}
    for case_id, record_id, *values in StageRecord.objects.filter(**among("case_id")) \
            .order_by("occurred_on", "id").values_list("case_id", "id", "stage", "summary",
                                                       "occurred_on", "mark"):
        stage = stages[record_id] = [record_id, *values, [], [], [], []]
        cases[case_id].stages.append(stage)  # ... entries: investigation, review, service, docs
    for record_id, content in InvestigationEntry.objects.filter(
            **among("stage_record__case_id")).order_by("occurred_at", "id") \
            .values_list("stage_record_id", "content"):
        stages[record_id][5].append(content)
    for record_id, *values in ReviewEntry.objects.filter(**among("stage_record__case_id")) \
            .order_by("stage_record_id", "position").values_list(
                "stage_record_id", "facts", "legal_basis", "discretion_standard", "opinion",
                "given_by_name"):
        stages[record_id][6].append(_join(*values))
    for record_id, content in ServiceEntry.objects.filter(**among("stage_record__case_id")) \
            .order_by("occurred_on", "id").values_list("stage_record_id", "content"):
        stages[record_id][7].append(content)
    documents = {}
    for record_id, *values in Document.objects.filter(**among("stage_record__case_id")) \
            .order_by("issued_on", "id").values_list("stage_record_id", *DOCUMENT_FIELDS):
        document = documents[values[0]] = [*values, []]
        stages[record_id][8].append(document)
    outcomes = _labels(Signature, "outcome")
    for document_id, name, outcome, reason in Signature.objects.filter(
            **among("document__stage_record__case_id")).order_by("signed_at", "id") \
            .values_list("document_id", "signer_name", "outcome", "refusal_reason"):
        documents[document_id][-1].append(_join(name, outcomes.get(outcome, outcome), reason))
    avs = {}
    for case_id, *values in AVRecord.objects.filter(**among("case_id")) \
            .order_by("started_at", "id").values_list("case_id", *AV_FIELDS):
        av = avs[values[0]] = [*values, [], []]
        cases[case_id].avs.append(av)
    for av_id, *values in EvidenceNote.objects.filter(**among("av_record__case_id")) \
            .order_by("recorded_at", "id").values_list("av_record_id", "collected_by",
                                                       "collected_place", "note"):
        avs[av_id][-2].append(_join(*values))
    causes = _labels(AVInterruption, "cause")
    for av_id, cause, detail, explanation in AVInterruption.objects.filter(
            **among("av_record__case_id")).order_by("interrupted_at", "id").values_list(
                "av_record_id", "cause", "cause_detail", "written_explanation"):
        avs[av_id][-1].append(_join(causes.get(cause, cause), detail, explanation))
    return list(cases.values())


def _labels(model, name: str) -> dict[str, str]:
    """A choice field's value → label in the active language (as get_FOO_display gives)."""
    return _labels_in(model, name, translation.get_language())


@lru_cache(maxsize=None)
def _labels_in(model, name: str, language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


@lru_cache(maxsize=4096)
def _stage_names(opened_on: date, kind: str) -> dict[str, str]:
    try:
        return {stage.code: stage.name for stage in catalogue_for(opened_on).kind(kind).stages}
    except Exception:  # an old or unknown kind: the code itself
        return {}


@lru_cache(maxsize=None)
def _mark(value: str) -> Mark:
    return as_mark(value)


@lru_cache(maxsize=None)
def _effective(mark: str, case_mark: str) -> tuple[str, bool]:
    """A record's effective mark (the stricter of its own and its case's) and whether it is
    stricter than the case's."""
    effective = max(_mark(mark), _mark(case_mark))
    return effective.value, effective > _mark(case_mark)


# --- masking -----------------------------------------------------------------------------------

def _party_masks(case: CaseData) -> list[dict[str, tuple[str, str]]]:
    """Each party's personal fields: name → (the value as written, masked) in the order
    access.masking registers them (its maskers strip the value first)."""
    kinds = masking.personal_fields(CaseParty)
    masks = []
    for party in case.parties:
        values = dict(zip(PARTY_FIELDS, party))
        masks.append({name: (values.get(name) or "",
                             masking.MASKERS[kind](values.get(name) or ""))
                      for name, kind in kinds.items()})
    return masks


def _maskings(masks: list[dict[str, tuple[str, str]]]) -> list[tuple[str, str]]:
    """The parties' personal values and their masks, as access.masking.mask_text replaces
    them (party by party, field by field, values stripped, empty ones left out)."""
    return [(value.strip(), masked) for fields in masks for value, masked in fields.values()
            if value.strip()]


#: a separator that no record text holds (checked; a case whose text holds it is masked text
#: by text): the texts of a case are masked in one pass
_SEPARATOR = "\x00"


def _mask_all(texts: list[str], pairs: list[tuple[str, str]]) -> list[str]:
    """``masking.mask_text(text, parties)`` of each text. The texts are joined and masked
    once; the values replaced and the identity and mobile numbers found hold no separator,
    and the separator is neither a digit nor a letter, so nothing is found across it. Text
    without six digits in a row holds no identity or mobile number: the patterns are not
    run on it (they are tried at every character, which costs as much as cutting it)."""
    joined = _SEPARATOR.join(texts)
    if not texts:
        return []
    if any(_SEPARATOR in value for value, _ in pairs) or \
            joined.count(_SEPARATOR) != len(texts) - 1:
        return [masking.mask_text(_replace(text, pairs), ()) for text in texts]
    return _mask_numbers(_replace(joined, pairs)).split(_SEPARATOR)


def _replace(text: str, pairs: list[tuple[str, str]]) -> str:
    for value, masked in pairs:
        text = text.replace(value, masked)
    return text


#: a run of ASCII letters and digits (and any digits) long enough to hold a mobile number
_NUMBER_RUN = re.compile(r"[0-9A-Za-z\d]{11,}")


def _mask_numbers(text: str) -> str:
    """``masking.mask_text(text, ())``: identity, credit-code and mobile numbers masked.
    Each of them is a whole run of ASCII letters and digits (or of digits), no shorter than
    eleven characters (its patterns' look-arounds say so), so mask_text is given those runs
    alone; its patterns, which begin with a look-behind, are tried at every character of
    what they are given, and over the whole text that cost a third of cutting it."""
    if not SIX_DIGITS.search(text):
        return text
    parts = []
    position = 0
    for run in _NUMBER_RUN.finditer(text):
        masked = masking.mask_text(run.group(), ())
        if masked != run.group():
            parts += [text[position:run.start()], masked]
            position = run.end()
    if not parts:
        return text
    parts.append(text[position:])
    return "".join(parts)


# --- the documents of a case -----------------------------------------------------------------

def case_labels() -> tuple[dict[str, str], ...]:
    """The choice labels a case's documents show, in the active language."""
    return (_labels(Case, "kind"), _labels(Case, "state"), _labels(Case, "start_mode"),
            _labels(AVRecord, "media_kind"), _labels(AVRecord, "device_kind"))


def case_documents(case: CaseData, labels: tuple | None = None) -> list[IndexDocument]:
    """The index documents of one case, not yet segmented (``segment``)."""
    kinds, states, start_modes, media_kinds, device_kinds = labels or case_labels()
    stage_names = _stage_names(case.opened_on, case.kind)
    kind_label = kinds.get(case.kind, case.kind)
    officer_ids = sorted({officer_id for officer_id, _ in case.officers})
    number = case.number
    personal_mark = _effective("personal", case.mark)[0]
    common = dict(case_id=case.id, act_kind=case.kind, unit_id=case.unit_id, year=case.year,
                  state=case.state, case_mark=case.mark, officer_ids=officer_ids)

    docs = [IndexDocument(
        key=f"case:{case.id}", kind=EntryKind.CASE, title=f"{number} {kind_label}",
        mark=case.mark, date=case.opened_on,
        text=_join(number, kind_label, case.unit_name or "", states.get(case.state, case.state),
                   "、".join(name for _, name in case.officers)),
        **common)]
    masks = _party_masks(case)
    party_lines = []
    clear = []
    for (name, representative, *personal), fields in zip(case.parties, masks):
        party_lines.append(_join(name, representative,
                                 *(masked for _, masked in fields.values())))
        clear.append(_join(*personal))
    docs.append(IndexDocument(
        key=f"content:{case.id}", kind=EntryKind.CONTENT, title=f"{number} {case.title}",
        mark=case.mark, date=case.opened_on,
        text=_join(case.title, start_modes.get(case.start_mode, case.start_mode),
                   case.source_detail, *party_lines, *case.notes, *case.steps),
        **common))
    for record_id, stage_code, summary, occurred_on, record_mark, investigation, review, \
            service, documents in case.stages:
        mark, stricter = _effective(record_mark, case.mark)
        stage = stage_names.get(stage_code, stage_code)
        docs.append(IndexDocument(
            key=f"stage:{record_id}", kind=EntryKind.STAGE, title=f"{number} {stage}",
            stage_record_id=record_id, mark=mark, stricter_than_case=stricter,
            date=occurred_on, text=_join(stage, summary, *investigation, *review, *service),
            **common))
        for document_id, doc_kind, doc_number, text, correction, doc_mark, issued_on, sha256, \
                mime, signatures in documents:
            mark, stricter = _effective(doc_mark, case.mark)
            shown_number = f"（{doc_number}）" if doc_number else ""
            docs.append(IndexDocument(
                key=f"document:{document_id}", kind=EntryKind.DOCUMENT,
                title=f"{number} {doc_kind}{shown_number}",
                stage_record_id=record_id, document_id=document_id, mark=mark,
                stricter_than_case=stricter, date=issued_on,
                text=_join(doc_kind, doc_number, text, pdf_text(document_id, sha256, mime),
                           correction, *signatures),
                **common))
    for av_id, stage_code, av_mark, started_at, media_kind, device_kind, device_id, place, \
            original_name, late_cause, correction, notes, breaks in case.avs:
        mark, stricter = _effective(av_mark, case.mark)
        stage = stage_names.get(stage_code, stage_code)
        media = media_kinds.get(media_kind, media_kind)
        docs.append(IndexDocument(
            key=f"av:{av_id}", kind=EntryKind.AV, title=f"{number} {media}（{stage}）",
            av_record_id=av_id, mark=mark, stricter_than_case=stricter,
            date=started_at.date(),
            text=_join(stage, media, device_kinds.get(device_kind, device_kind), device_id, place,
                       original_name, late_cause, correction, *notes, *breaks),
            **common))
    masked = _mask_all([doc.text for doc in docs], _maskings(masks))
    for doc, text in zip(docs, masked):
        doc.text = text
    if any(clear):
        docs.insert(2, IndexDocument(
            key=f"personal:{case.id}", kind=EntryKind.PERSONAL, title=f"{number} 当事人信息",
            mark=personal_mark, date=case.opened_on, text=_join(*clear), **common))
    return docs


def cases_documents(case_ids: Iterable[int]) -> tuple[list[int], list[IndexDocument]]:
    """The ids of the cases found and their documents, segmented."""
    cases = load_cases(case_ids)
    labels = case_labels()
    docs = [doc for case in cases for doc in case_documents(case, labels)]
    return [case.id for case in cases], segment(docs)


#: how much of an attached PDF is indexed
PDF_MAX_PAGES = 200
PDF_MAX_CHARS = 200_000


def pdf_text(document_id: int, sha256: str, mime: str) -> str:
    """The text layer of a document's attached PDF original (empty for a scan without one,
    another file type, or a file the store cannot open)."""
    if not sha256 or "pdf" not in (mime or "").lower():
        return ""
    try:
        from pypdf import PdfReader

        from records.store.originals import default_store

        with default_store().open(sha256) as handle:
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
        logger.warning("no text from the PDF of document %s", document_id, exc_info=True)
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
    text = _join(*(str(part) for part in parts if part))
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
