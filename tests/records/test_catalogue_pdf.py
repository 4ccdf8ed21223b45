"""The file catalogue (卷内目录), one per volume: the main volume (正卷) for everyone who may
read the file, the restricted volume (副卷) with the classified and personal records only for
someone the gate lets see them (第二十九条)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from access.grants import grant_give
from access.log.models import AccessLogEntry
from records.archiving import case_catalogue, catalogue_volumes_for
from records.catalogue_pdf import COLUMNS, catalogue_entries, catalogue_pdf
from records.exceptions import RecordsPermissionDenied
from records.marking import Volume

from . import archive_support as a
from . import factories as f

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _flat(text: str) -> str:
    return "".join(text.split())  # cells wrap: compare without line breaks


@pytest.fixture
def archived_case():
    case = a.complete_case()
    a.close_and_archive(case)
    case.refresh_from_db()
    return case


def _allowed_reader(case):
    """An officer with a grant on the personal photo and a session past the second factor."""
    reader = f.officer_user(roles=("officer",))
    secrecy = f.officer_user(unit_code="fagui", roles=("secrecy",))
    secrecy.is_verified = lambda: True
    grant_give(actor=secrecy, obj=case.photo, action="view", user=reader, reason="测试：审查副卷",
               valid_until=datetime.now(SHANGHAI) + timedelta(days=30))
    reader.is_verified = lambda: True
    return reader


def test_the_main_catalogue_lists_the_case_and_each_document_in_filing_order(archived_case):
    case = archived_case
    pdf = case_catalogue(case=case, actor=case.actor, volume=Volume.MAIN)
    text = _flat(_text(pdf))
    assert case.number in text and case.title in text and "卷内目录（正卷）" in text
    assert all(column in text for column in COLUMNS)
    positions = [text.index(kind) for kind in a.DOCUMENT_KINDS.values()]
    assert positions == sorted(positions)
    assert "investigation-执法记录仪.mp4" in text
    # the document numbers and the recording's length are in their columns
    assert "郑建消罚〔2026〕1号" in text and "30:00" in text
    assert a.PERSONAL_PHOTO not in text


def test_the_restricted_record_is_in_the_restricted_catalogue_and_not_in_the_main_one(archived_case):
    case = archived_case
    reader = _allowed_reader(case)
    main = _flat(_text(case_catalogue(case=case, actor=reader, volume=Volume.MAIN)))
    restricted = _flat(_text(case_catalogue(case=case, actor=reader, volume=Volume.RESTRICTED)))
    assert a.PERSONAL_PHOTO in restricted and a.PERSONAL_PHOTO not in main
    assert case.number in restricted and "卷内目录（副卷）" in restricted
    assert "现场检查笔录" not in restricted
    lines = AccessLogEntry.objects.filter(action="view", object_id=str(case.pk), outcome="ok",
                                          actor_id=reader.pk)
    assert sorted('"catalogue":"restricted"' in line.detail for line in lines) == [False, True]


def test_the_restricted_catalogue_is_refused_to_whom_the_gate_does_not_show_its_records(archived_case):
    case = archived_case
    officer = f.officer_user(roles=("officer",))
    assert catalogue_volumes_for(case, officer) == [Volume.MAIN]
    with pytest.raises(RecordsPermissionDenied):
        case_catalogue(case=case, actor=officer, volume=Volume.RESTRICTED)
    assert AccessLogEntry.objects.filter(actor_id=officer.pk, outcome="denied").exists()
    assert not AccessLogEntry.objects.filter(actor_id=officer.pk, outcome="ok",
                                             detail__contains="restricted").exists()
    assert catalogue_volumes_for(case, _allowed_reader(case)) == [Volume.MAIN, Volume.RESTRICTED]


def test_an_officer_of_another_unit_gets_no_catalogue(archived_case):
    stranger = f.officer_user(unit_code="jianguan", roles=("officer",))
    with pytest.raises(RecordsPermissionDenied):
        case_catalogue(case=archived_case, actor=stranger, volume=Volume.MAIN)


def test_entries_are_numbered_within_their_volume(archived_case):
    entries = catalogue_entries(archived_case)
    main = [e.number for e in entries if e.volume == Volume.MAIN]
    restricted = [e for e in entries if e.volume == Volume.RESTRICTED]
    assert main == list(range(1, len(main) + 1))
    assert [(e.number, e.title, e.extent) for e in restricted] == [(1, f"照片：{a.PERSONAL_PHOTO}", "1张")]


def test_the_catalogue_embeds_the_cjk_font_and_is_the_same_each_time(archived_case):
    entries = catalogue_entries(archived_case)
    first = catalogue_pdf(archived_case, Volume.MAIN, entries)
    assert first == catalogue_pdf(archived_case, Volume.MAIN, entries)
    fonts = PdfReader(io.BytesIO(first)).pages[0]["/Resources"]["/Font"]
    descriptors = [font.get_object() for font in fonts.values()]
    embedded = [d for d in descriptors if "WenQuanYi" in str(d.get("/BaseFont", ""))]
    assert embedded, [str(d.get("/BaseFont")) for d in descriptors]
    descendant = embedded[0].get("/DescendantFonts")
    descriptor = (descendant[0].get_object() if descendant else embedded[0])["/FontDescriptor"]
    assert "/FontFile2" in descriptor.get_object()


def _volumes_one_by_one(case, actor) -> list[str]:
    """What catalogue_volumes_for must answer, decided record by record with gate.decide."""
    from access import gate

    entries = catalogue_entries(case)
    volumes = []
    for volume in Volume.values:
        listed = [entry for entry in entries if entry.volume == volume]
        if volume == Volume.RESTRICTED and not listed:
            continue
        if all(gate.decide(actor, gate.VIEW, entry.record).allowed for entry in listed):
            volumes.append(volume)
    return volumes


def test_the_volumes_a_reader_may_have_cost_the_same_queries_however_many_materials():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = a.complete_case()  # still open, so that materials can be added
    readers = [case.actor, f.officer_user(roles=("officer",)), _allowed_reader(case),
               f.officer_user(unit_code="jianguan", roles=("officer",))]

    def more_materials(hour: int) -> None:
        """Stage records with and without a document, recordings, a stricter one."""
        for code in ("investigation", "statement_defence"):
            record = f.stage(case, code, case.last_day)
            f.signed_document(case, record, doc_kind="询问笔录")
            f.stage(case, code, case.last_day)
            f.recording(case, code, start=f.at(case.last_day, hour))
        f.recording(case, "investigation", start=f.at(case.last_day, hour + 1), mark="personal")

    counts = []
    for hour in (12, 14):
        more_materials(hour)
        catalogue_volumes_for(case, readers[2])  # the reader's roles are read once, then kept
        with CaptureQueriesContext(connection) as queries:
            volumes = catalogue_volumes_for(case, readers[2])
        counts.append(len(queries.captured_queries))
        assert volumes == [Volume.MAIN]  # the new personal recordings have no grant
        for reader in readers:
            assert catalogue_volumes_for(case, reader) == _volumes_one_by_one(case, reader)
    assert counts[0] == counts[1] <= 8
