"""A small bureau with searchable case files, indexed through the real indexing code."""

from __future__ import annotations

from datetime import date

from records.models import AVRecord, CaseOfficer, Document, StageRecord
from search.indexing import case_index
from tests.access import gate_support as g

SUMMARY = "执法人员出示执法证件，使用执法记录仪对现场检查全过程记录，告知当事人陈述申辩权利。"


def case_file(unit_code="xiaofang", mark="internal", *, title=None, summary=SUMMARY,
              doc_text="现场检查笔录：该工地未批先建，责令改正。", doc_mark=None,
              opened_on=date(2026, 3, 2), officer=None, index=True, party=True):
    case = g.case(unit_code, mark, opened_on=opened_on)
    if title:
        case.title = title
        case.save(update_fields=["title"])
    record = StageRecord.objects.create(case=case, stage="investigation", summary=summary,
                                        occurred_on=opened_on, mark=mark,
                                        recorded_by=case.opened_by)
    document = Document.objects.create(stage_record=record, doc_kind="现场检查笔录",
                                       doc_number=f"检{case.pk}", issued_on=opened_on,
                                       text=doc_text, mark=doc_mark or mark,
                                       created_by=case.opened_by)
    if officer is not None:
        CaseOfficer.objects.create(case=case, officer=officer)
    if party:
        g.party(case)
    case.record, case.document = record, document
    if index:
        case_index([case.pk])
    return case


def keys(results):
    return sorted(hit.key for hit in results.hits)


__all__ = ["AVRecord", "case_file", "g", "keys"]
