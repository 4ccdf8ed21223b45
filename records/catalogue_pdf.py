"""The file catalogue (卷内目录) of a case file, one per volume: the main volume (正卷) and the
restricted volume (副卷) that holds the classified and personal records (第二十九条), as the
usual filing practice for secret and private material has it.

`catalogue_entries(case)` lists the materials of the file in the order of its kind's stages
(第十条): each stage's documents (文书) by date, a stage record that holds no document, then
the stage's audio/video records; each entry carries its volume. `catalogue_pdf(case, volume,
entries)` renders one volume with reportlab, embedding the WenQuanYi Micro Hei font (a real
CJK font file, not a viewer's built-in CID font), as an invariant PDF: the same file and
volume give the same bytes. Who may have which catalogue is decided in records.archiving.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from django.conf import settings
from django.utils import timezone

from policies.catalogue import catalogue_for

from .casefile import AVRecord, Document, StageRecord
from .marking import Volume, volume_for

FONT_NAME = "WenQuanYiMicroHei"
DEFAULT_FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
COLUMNS = ("序号", "文书名称/材料", "文号", "日期", "页数/时长", "备注")
VOLUME_LABELS = dict(Volume.choices)
NONE = "—"


@dataclass(frozen=True)
class CatalogueEntry:
    number: int          # 序号 within its volume
    title: str           # 文书名称/材料
    doc_number: str      # 文号
    day: date | None     # 日期
    extent: str          # 页数/时长
    remark: str          # 备注
    volume: str          # Volume.MAIN or Volume.RESTRICTED
    record: Any          # the row it lists (for the access gate)


def catalogue_entries(case, *, store=None, extents: bool = True) -> list[CatalogueEntry]:
    """Every material of the case file in filing order, numbered within its volume.
    ``extents=False`` leaves a document's page count out (``extent`` is then empty): it
    opens each attached PDF, which only the printed catalogue needs."""
    kind = catalogue_for(case.opened_on).kind(case.kind)
    order = {code: index for index, code in enumerate(kind.stage_codes)}
    stage_names = {stage.code: stage.name for stage in kind.stages}
    records = sorted(StageRecord.objects.filter(case=case),
                     key=lambda r: (order.get(r.stage, len(order)), r.occurred_on, r.pk))
    documents: dict[int, list[Document]] = {}
    for document in Document.objects.filter(stage_record__case=case) \
            .select_related("stage_record", "superseded_by").order_by("issued_on", "id"):
        documents.setdefault(document.stage_record_id, []).append(document)
    av_records: dict[str, list[AVRecord]] = {}
    for av in AVRecord.objects.filter(case=case).select_related("superseded_by") \
            .prefetch_related("evidence_notes").order_by("started_at", "id"):
        av_records.setdefault(av.stage, []).append(av)
    # each row points at the case in hand: the access gate reads its unit and mark from it
    documents_records = [document.stage_record for held in documents.values() for document in held]
    all_recordings = [av for held in av_records.values() for av in held]
    for row in (*records, *documents_records, *all_recordings):
        row.case = case

    rows: list[tuple[str, Any, str, str, date | None, str, str]] = []
    for record in records:
        stage_name = stage_names.get(record.stage, record.stage)
        held = documents.get(record.pk, [])
        for document in held:
            rows.append((document.mark, document, document.doc_kind, document.doc_number,
                         document.issued_on,
                         _document_extent(document, store) if extents else "",
                         _document_remark(document, stage_name)))
        if not held:
            rows.append((record.mark, record, f"{stage_name}环节记录", "", record.occurred_on,
                         NONE, "环节记录（无文书）"))
    for stage, recordings in av_records.items():
        for av in recordings:
            rows.append((av.mark, av, _av_title(av), "", timezone.localdate(av.started_at),
                         _av_extent(av), _av_remark(av, stage_names.get(stage, stage))))
    # stable: a stage's documents, then its recordings, stage after stage (第十条)
    rows.sort(key=lambda row: order.get(_stage_of(row[1]), len(order)))

    numbers = {Volume.MAIN: 0, Volume.RESTRICTED: 0}
    entries = []
    for mark, record, title, doc_number, day, extent, remark in rows:
        volume = volume_for(mark, case.mark)
        numbers[volume] += 1
        entries.append(CatalogueEntry(numbers[volume], title, doc_number, day, extent, remark,
                                      volume, record))
    return entries


def _stage_of(record) -> str:
    return record.stage_record.stage if isinstance(record, Document) else record.stage


def _document_extent(document: Document, store) -> str:
    if not document.file_sha256:
        return NONE
    if document.file_mime == "application/pdf":
        pages = _pdf_pages(document.file_sha256, store)
        if pages:
            return f"{pages}页"
    return NONE


def _pdf_pages(sha256: str, store) -> int | None:
    from pypdf import PdfReader

    from .store import default_store

    store = store or default_store()
    try:
        with store.open(sha256) as file:
            return len(PdfReader(file).pages)
    except Exception:  # a missing or unreadable attachment: verify_media reports it
        return None


def _document_remark(document: Document, stage_name: str) -> str:
    parts = [stage_name]
    if document.file_sha256:
        parts.append("附原件")
    if document.supersedes_id:
        parts.append("更正前件")
    if getattr(document, "superseded_by", None) is not None:
        parts.append("已被更正，原件保留")
    return "；".join(parts)


def _av_title(av: AVRecord) -> str:
    return f"{av.get_media_kind_display()}：{av.original_name or f'音像记录{av.pk}'}"


def _av_extent(av: AVRecord) -> str:
    if av.media_kind == "photo":
        return "1张"
    if av.duration_seconds is None:
        return NONE
    seconds = int(round(av.duration_seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _av_remark(av: AVRecord, stage_name: str) -> str:
    parts = [stage_name, av.get_device_kind_display()]
    if list(av.evidence_notes.all()):
        parts.append("作为证据（第二十七条）")
    if av.supersedes_id:
        parts.append("更正前件")
    if getattr(av, "superseded_by", None) is not None:
        parts.append("已被更正，原件保留")
    return "；".join(parts)


# --- rendering ---------------------------------------------------------------------------------

def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        path = getattr(settings, "RECORDS_CJK_FONT", DEFAULT_FONT_PATH)
        pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
    return FONT_NAME


def catalogue_pdf(case, volume: str, entries: Iterable[CatalogueEntry]) -> bytes:
    """The catalogue of one volume of the case file as PDF bytes (A4, the CJK font embedded)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _font()
    volume_label = VOLUME_LABELS[volume]
    rows = [entry for entry in entries if entry.volume == volume]
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=10)
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=TA_CENTER)
    meta = ParagraphStyle("meta", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")

    def cell(text: str, style=body) -> Paragraph:
        return Paragraph(_escape(text), style)

    archived = (f"归档日期：{timezone.localdate(case.archived_at):%Y年%m月%d日}"
                if case.archived_at else "归档日期：（未归档）")
    story = [
        Paragraph(f"卷内目录（{volume_label}）", title),
        Spacer(1, 4 * mm),
        cell(f"案号：{case.number}", meta),
        cell(f"案由：{case.title}", meta),
        cell(f"卷别：{volume_label}　承办单位：{case.handling_unit.name}　{archived}", meta),
        cell(f"本卷共 {len(rows)} 件" + ("；副卷收存涉密和个人信息材料（第二十九条）"
                                       if volume == Volume.RESTRICTED else ""), meta),
        Spacer(1, 4 * mm),
    ]
    data = [[cell(name, head) for name in COLUMNS]]
    for entry in rows:
        data.append([cell(str(entry.number)), cell(entry.title), cell(entry.doc_number or NONE),
                     cell(entry.day.strftime("%Y-%m-%d") if entry.day else NONE),
                     cell(entry.extent), cell(entry.remark)])
    if not rows:
        data.append([cell(""), cell("（本卷无材料）"), cell(""), cell(""), cell(""), cell("")])
    widths = [12 * mm, 58 * mm, 32 * mm, 22 * mm, 18 * mm, 38 * mm]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story.append(table)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, invariant=1, leftMargin=15 * mm, rightMargin=15 * mm,
        topMargin=18 * mm, bottomMargin=18 * mm,
        title=f"{case.number} 卷内目录（{volume_label}）", author=case.handling_unit.name,
        subject="卷内目录", creator="执法全过程记录系统")
    document.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
