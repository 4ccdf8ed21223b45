"""A case file read as plain values and turned into index documents (search/documents.py):
a fixed number of queries however many cases, masking in one pass as mask_text does it text
by text."""

from __future__ import annotations

import pytest

from access import masking
from search.documents import _mask_all, case_documents, load_cases
from tests.access import gate_support as g
from tests.search.support import case_file

pytestmark = pytest.mark.django_db


def test_cases_are_read_in_the_same_number_of_queries_however_many(
        django_assert_num_queries):
    cases = [case_file(index=False) for _ in range(4)]
    with django_assert_num_queries(14):
        one = load_cases([cases[0].pk])
    with django_assert_num_queries(14):
        four = load_cases([case.pk for case in cases])
    assert [case.id for case in one] == [cases[0].pk]
    assert sorted(case.id for case in four) == sorted(case.pk for case in cases)
    assert load_cases([]) == []


def test_a_case_reads_as_its_records_with_personal_values_masked():
    case = case_file(summary=f"当事人身份证号{g.IDENTITY_NUMBER}，电话{g.PHONE}")
    docs = {doc.key: doc for doc in case_documents(load_cases([case.pk])[0])}
    stage = docs[f"stage:{case.record.pk}"]
    assert "执法记录仪" not in stage.text and "当事人身份证号" in stage.text
    assert g.IDENTITY_NUMBER not in stage.text and g.PHONE not in stage.text
    assert masking.mask_identity_number(g.IDENTITY_NUMBER) in stage.text
    content = docs[f"content:{case.pk}"]
    assert "李某" in content.text and g.ADDRESS not in content.text
    personal = docs[f"personal:{case.pk}"]
    assert g.IDENTITY_NUMBER in personal.text  # the clear values: in its tokens only, once cut
    assert docs[f"document:{case.document.pk}"].text.startswith("现场检查笔录")


@pytest.mark.parametrize("texts", [
    ["身份证410105199001011234，电话13812345678", "", "无号码的文字"],
    ["a410105199001011234", "410105199001011234b", "x13812345678y", "138123456789"],
    ["统一社会信用代码91410100MA44XXXX7Q。", "٣٤٥٦٧٨٩٠١٢٣٤", "13812345678\n13912345678"],
    ["河南省郑州市金水区花园路1号院3栋 李某 13812345678", "0371-67180000 2026年3月2日"],
])
def test_masking_a_case_in_one_pass_is_masking_each_text(texts):
    pairs = [(g.PHONE, masking.mask_phone(g.PHONE)),
             (g.ADDRESS, masking.mask_address(g.ADDRESS))]

    def one_by_one(text):
        for value, masked in pairs:
            text = text.replace(value, masked)
        return masking.mask_text(text, ())

    assert _mask_all(texts, pairs) == [one_by_one(text) for text in texts]
