"""Search shows each reader only what the reader may see (第二十九条): results, counts, facet
counts and snippets; each entry at its own level; masked values never in snippets nor found
by their clear value; every query in the access log with the ids it returned."""

from __future__ import annotations

import json

import pytest

from access.log.models import AccessLogEntry
from records.models import Document, StageRecord
from search.backends import Query
from search.indexing import case_index
from search.services import search_run
from tests.search.support import case_file, g

pytestmark = pytest.mark.django_db

SECRET_WORD = "渣土车"


def everything(results):
    """All a reader can learn from a results page, as comparable values."""
    return (results.total, results.cases,
            {name: [(v.value, v.count) for v in values] for name, values in results.facets.items()},
            [(hit.key, str(hit.snippet)) for hit in results.hits])


def search(user, text, **options):
    return search_run(actor=user, query=Query(text=text, **options))


@pytest.mark.parametrize("hidden_unit,hidden_mark,metadata_seen", [
    ("shenpi", "internal", False),       # another unit's case
    ("xiaofang", "state_secret", True),  # the own unit's sealed case: metadata only (第二十九条)
])
def test_a_hidden_case_changes_neither_results_nor_counts_nor_facets_nor_snippets(
        hidden_unit, hidden_mark, metadata_seen):
    officer = g.person("officer", "officer")
    case_file(summary=f"{SECRET_WORD}未覆盖，现场检查全过程记录")
    unit = g.unit(hidden_unit)
    stranger = g.person("stranger", "officer", unit_code=hidden_unit)
    stranger_profile = stranger.staff_profile
    queries = [(SECRET_WORD, {}), ("现场检查", {}), ("全过程记录 | 覆盖", {}),
               (SECRET_WORD, {"unit": str(unit.pk)}), ("", {"officer": str(stranger_profile.pk)}),
               ("", {"classification": hidden_mark}), ("夜间运输", {"sort": "date"})]
    if metadata_seen:  # the officer may know that the case exists, not what it holds
        queries = [(text, filters) for text, filters in queries if text]

    def learn():
        return [everything(search(officer, text, filters=filters))
                for text, filters in queries]

    before = learn()
    case_file(hidden_unit, hidden_mark, officer=stranger_profile,
              summary=f"{SECRET_WORD}夜间运输，现场检查全过程记录，覆盖不严",
              doc_text=f"{SECRET_WORD}责令改正")
    after = learn()
    assert after == before
    assert before[0][0] == 1  # the visible one is found


def test_a_metadata_reader_finds_the_case_number_but_not_its_content():
    legal = g.person("legal", "legal", unit_code="fagui")
    sealed = case_file(mark="personal", summary=f"{SECRET_WORD}现场检查")
    assert [hit.key for hit in search(legal, sealed.number).hits] == [f"case:{sealed.pk}"]
    assert search(legal, SECRET_WORD).total == 0
    assert search(legal, sealed.title).total == 0  # the title is content, not metadata


def test_a_document_marked_stricter_than_its_case_needs_its_own_access():
    officer = g.person("officer", "officer")
    case = case_file(doc_text=f"{SECRET_WORD}证据材料", doc_mark="commercial_secret")
    assert search(officer, "现场检查").total >= 1  # the case's content is visible to the officer
    assert search(officer, SECRET_WORD).total == 0
    g.grant(case.document, "view", to=officer)
    found = search(g.fresh(officer), SECRET_WORD)
    assert [hit.key for hit in found.hits] == [f"document:{case.document.pk}"]


def test_a_case_grant_does_not_reach_a_stricter_document():
    reader = g.person("reader", "officer", unit_code="shenpi")
    case = case_file(doc_text=f"{SECRET_WORD}证据材料", doc_mark="state_secret")
    g.grant(case, "view", to=reader)
    reader = g.fresh(reader)
    assert search(reader, "现场检查").total >= 1
    assert search(reader, SECRET_WORD).total == 0


def test_a_stage_record_marked_stricter_than_its_case_is_judged_at_its_own_mark():
    officer = g.person("officer", "officer")
    reader = g.person("reader", "officer", unit_code="shenpi")
    case = case_file(index=False)
    StageRecord.objects.create(case=case, stage="review", summary=f"{SECRET_WORD}审核意见",
                               occurred_on=case.opened_on, mark="personal",
                               recorded_by=case.opened_by)
    case_index([case.pk])
    assert search(officer, SECRET_WORD).total == 0  # default rules give no sealed content
    g.grant(case, "view", to=reader)
    assert search(g.fresh(reader), SECRET_WORD).total == 1  # the case's grant reaches it


def test_masked_values_never_appear_in_snippets_and_are_not_found_by_their_clear_value():
    officer = g.person("officer", "officer")
    case = case_file(summary=f"当事人李某，身份证号{g.IDENTITY_NUMBER}，电话{g.PHONE}，"
                             f"住{g.ADDRESS}，现场检查")
    for text in ("李某", "现场检查", "身份证号", "电话"):
        for hit in search(officer, text).hits:
            assert g.IDENTITY_NUMBER not in hit.snippet
            assert g.PHONE not in hit.snippet
            assert g.ADDRESS not in hit.snippet
            assert "*" in hit.snippet or text == "现场检查"
    for clear in (g.IDENTITY_NUMBER, g.PHONE, "花园路"):
        assert search(officer, clear).total == 0, clear
    assert case.pk


def test_a_reader_who_may_unmask_finds_the_case_by_the_clear_value_with_a_masked_snippet():
    reader = g.person("reader", "officer")
    case = case_file()
    g.grant(case, "view_personal", to=reader)
    unverified = g.unverified(g.fresh(reader))
    assert search(unverified, g.IDENTITY_NUMBER).total == 0  # step-up first (第二十九条)
    verified = g.verified(g.fresh(reader))
    results = search(verified, g.IDENTITY_NUMBER)
    assert [hit.key for hit in results.hits] == [f"personal:{case.pk}"]
    assert g.IDENTITY_NUMBER not in results.hits[0].snippet


@pytest.mark.parametrize("who", ["sysadmin", "auditor", "nobody"])
def test_readers_without_content_find_nothing(who):
    user = {"sysadmin": lambda: g.person("sysadmin", "sysadmin", unit_code=None,
                                         is_superuser=True, is_staff=True),
            "auditor": lambda: g.person("auditor", "auditor", unit_code=None),
            "nobody": lambda: g.person("nobody", unit_code=None)}[who]()
    case_file()
    assert search(user, "现场检查").total == 0
    assert search(user, "执法").facets.get("kind", []) == []
    assert search(None, "现场检查").total == 0  # anonymous


def test_every_query_is_logged_with_the_ids_it_returned():
    officer = g.person("officer", "officer")
    case = case_file()
    results = search(officer, "现场检查", filters={"kind": "penalty"})
    line = AccessLogEntry.objects.filter(action="search").order_by("-occurred_at", "-id").first()
    detail = json.loads(line.detail)
    assert line.actor_id == officer.pk and line.outcome == "ok"
    assert detail["q"] == "现场检查" and detail["filters"] == {"kind": "penalty"}
    assert detail["ids"] == [hit.key for hit in results.hits] and detail["ids"]
    assert detail["case_ids"] == [case.pk]
    assert detail["total"] == results.total


def test_a_query_that_finds_nothing_is_logged_too():
    officer = g.person("officer", "officer")
    before = AccessLogEntry.objects.filter(action="search").count()
    assert search(officer, "不存在的词语组合").total == 0
    assert AccessLogEntry.objects.filter(action="search").count() == before + 1


def test_documents_only_of_the_own_unit_are_found_by_an_officer():
    officer = g.person("officer", "officer")
    mine = case_file()
    case_file("shenpi")
    results = search(officer, "未批先建")
    assert [hit.key for hit in results.hits] == [f"document:{mine.document.pk}"]
    assert Document.objects.count() == 2


def test_the_text_of_an_attached_pdf_is_searched():
    import io

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from records.store.originals import default_store

    pdfmetrics.registerFont(TTFont("WQY", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                                   subfontIndex=0))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setFont("WQY", 12)
    pdf.drawString(72, 720, "扬尘治理专项检查现场照片说明")
    pdf.save()
    buffer.seek(0)
    stored = default_store().ingest_file(buffer)
    officer = g.person("officer", "officer")
    case = case_file(index=False)
    document = Document.objects.create(
        stage_record=case.record, doc_kind="现场照片", issued_on=case.opened_on,
        file_sha256=stored.sha256, file_size=stored.size, file_mime="application/pdf",
        file_name="照片.pdf", mark=case.mark, created_by=case.opened_by)
    case_index([case.pk])
    assert [hit.key for hit in search(officer, "扬尘治理").hits] == [f"document:{document.pk}"]
