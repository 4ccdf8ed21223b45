"""What the text record must contain at each stage (第十一条–第十六条)."""

import pytest

from policies.catalogue import CATALOGUE_2021 as catalogue
from policies.requirements import INVESTIGATION_ITEMS, legal_review_required, text_requirements


def texts(kind, stage):
    return [requirement.text for requirement in text_requirements(kind, stage, catalogue)]


def test_every_stage_ends_with_the_signature_rule_of_article_thirteen():
    for kind in catalogue.kinds:
        for stage in kind.stages:
            requirements = text_requirements(kind.code, stage.code, catalogue)
            assert requirements[-1].article == "第十三条"
            assert "拒绝" in requirements[-1].text
            assert len(requirements) >= 2, (kind.code, stage.code)


def test_the_twelve_investigation_items_are_all_required_somewhere_in_a_penalty():
    assert len(INVESTIGATION_ITEMS) == 13  # item (九) is split: rights told, rights used
    penalty_codes = {r.code for stage in catalogue.kind("penalty").stages
                     for r in text_requirements("penalty", stage.code, catalogue)}
    assert {item.code for item in INVESTIGATION_ITEMS} <= penalty_codes


def test_a_penalty_investigation_names_the_officers_always_and_sampling_only_when_it_happens():
    by_code = {r.code: r for r in text_requirements("penalty", "investigation", catalogue)}
    assert by_code["investigation.officers"].condition == ""
    assert "执法证号" in by_code["investigation.officers"].text
    assert by_code["investigation.sampling"].condition == "抽样取证时"
    assert all(r.article == "第十二条" for code, r in by_code.items() if code.startswith("investigation."))


def test_a_penalty_filing_records_the_source_and_the_filing():
    assert texts("penalty", "filing")[:2] == ["案件来源（检查、交办、移送、投诉举报）", "立案情况"]
    assert text_requirements("penalty", "filing", catalogue)[0].article == "第十一条"


def test_a_licensing_application_records_the_application_and_its_registration():
    assert texts("licensing", "application")[:2] == ["申请情况", "登记情况"]
    correction = [r for r in text_requirements("licensing", "acceptance", catalogue)
                  if r.code == "start.correction"][0]
    assert correction.conditional


def test_a_confirmation_may_start_either_way_so_its_start_items_carry_the_mode():
    conditions = {r.code: r.condition for r in text_requirements("confirmation", "application", catalogue)}
    assert conditions["start.application"] == "依申请启动时"
    assert conditions["start.source"] == "依职权启动时"


def test_the_review_stage_lists_article_fourteen_with_legal_review_conditional():
    requirements = text_requirements("penalty", "review_decision", catalogue)
    legal = [r for r in requirements if r.code == "review.legal_review"][0]
    assert legal.article == "第十四条"
    assert "一般程序" in legal.condition and "重大" in legal.condition
    assert "（四）行政执法机关负责人意见或集体讨论意见" in [r.text for r in requirements]


def test_legal_review_is_required_for_major_decisions_and_general_procedure_penalties():
    assert legal_review_required("penalty", major=False, general_procedure=True)
    assert not legal_review_required("penalty", major=False, general_procedure=False)
    assert legal_review_required("licensing", major=True)
    assert not legal_review_required("licensing", major=False, general_procedure=True)


def test_service_execution_and_archiving_cite_articles_fifteen_and_sixteen():
    assert [r.article for r in text_requirements("penalty", "service", catalogue)][0] == "第十五条"
    execution = {r.code for r in text_requirements("penalty", "execution", catalogue)}
    assert {"service.correction", "service.performance", "service.coercion"} <= execution
    assert [r.code for r in text_requirements("coercion", "archiving", catalogue)][:2] == [
        "closing.approval", "closing.archiving"]
    assert text_requirements("penalty", "closing", catalogue)[0].article == "第十六条"


def test_an_unknown_stage_is_an_error_not_an_empty_list():
    with pytest.raises(KeyError):
        text_requirements("inspection", "hearing", catalogue)


def test_without_a_catalogue_the_current_one_is_used():
    assert text_requirements("inspection", "result") == text_requirements("inspection", "result", catalogue)
