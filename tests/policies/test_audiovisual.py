"""Audio/video rules (第十九条, 第二十条, 第二十三条) and the first checklist (第十八条)."""

import pytest

from policies.audiovisual import (
    INTERRUPTION_CAUSES, RECORDING_MUST_SHOW, UNINTERRUPTED_TRIGGERS, AVLevel, default_av_checklist,
)
from policies.catalogue import CATALOGUE_2021 as catalogue


def level(kind, stage):
    return catalogue.av_rule(kind, stage).level


def test_levels_have_chinese_labels_in_increasing_strength():
    assert [lv.label for lv in AVLevel] == ["不要求", "建议", "必须", "全过程不间断"]
    assert [lv.value for lv in AVLevel] == ["none", "recommended", "required", "uninterrupted"]
    assert AVLevel.NONE.rank < AVLevel.RECOMMENDED.rank < AVLevel.REQUIRED.rank < AVLevel.UNINTERRUPTED.rank


def test_the_checklist_has_exactly_one_row_for_every_stage_of_every_kind():
    rows = {(row.kind, row.stage) for row in default_av_checklist()}
    stages = {(kind.code, stage.code) for kind in catalogue.kinds for stage in kind.stages}
    assert rows == stages
    assert len(default_av_checklist()) == len(stages)


def test_the_focus_stages_of_penalties_and_inspections_must_be_recorded():
    for stage in ("investigation", "statement_defence", "hearing", "service"):
        assert level("penalty", stage) is AVLevel.REQUIRED
        assert catalogue.av_rule("penalty", stage).article == "第十九条"
    assert level("inspection", "inspection") is AVLevel.REQUIRED
    assert level("inspection", "result") is AVLevel.REQUIRED


def test_dispute_prone_acts_are_recommended_and_paperwork_stages_need_no_recording():
    assert level("licensing", "hearing") is AVLevel.RECOMMENDED
    assert level("coercion", "service") is AVLevel.RECOMMENDED
    assert level("penalty", "review_decision") is AVLevel.NONE
    assert "第四条" in catalogue.av_rule("penalty", "filing").note


def test_coercion_and_expropriation_on_site_are_recorded_without_interruption():
    assert level("coercion", "implementation") is AVLevel.UNINTERRUPTED
    assert level("expropriation", "implementation") is AVLevel.UNINTERRUPTED


def test_every_mandatory_row_says_what_to_show_from_article_twenty():
    labels = {item.label for item in RECORDING_MUST_SHOW}
    for row in default_av_checklist():
        assert set(row.show) <= labels
        if row.level.mandatory:
            assert row.show, (row.kind, row.stage)
    assert "执法环境" in catalogue.av_rule("penalty", "investigation").show


def test_a_trigger_makes_an_on_site_stage_uninterrupted_but_not_a_paperwork_stage():
    rule = catalogue.av_rule_for_case("penalty", "investigation", {"major_accident"})
    assert rule.level is AVLevel.UNINTERRUPTED
    assert "重大质量安全事故" in rule.note
    assert catalogue.av_rule_for_case("penalty", "review_decision", {"major_accident"}).level is AVLevel.NONE
    assert catalogue.av_rule_for_case("penalty", "investigation", ()).level is AVLevel.REQUIRED


def test_an_unknown_trigger_is_refused():
    with pytest.raises(ValueError, match="第十九条"):
        catalogue.av_rule_for_case("penalty", "investigation", {"bad_mood"})


def test_the_triggers_shows_and_causes_are_those_of_the_regulation():
    assert [t.code for t in UNINTERRUPTED_TRIGGERS] == [
        "personal_liberty", "life_health", "major_property", "major_accident"]
    assert len(RECORDING_MUST_SHOW) == 5 and all(i.article == "第二十条" for i in RECORDING_MUST_SHOW)
    assert [c.label for c in INTERRUPTION_CAUSES] == [
        "设备故障", "设备损坏", "电量不足", "存储空间不足", "天气恶劣", "有关人员阻挠", "其他客观原因"]
    assert all(c.article == "第二十三条" for c in INTERRUPTION_CAUSES)



def test_a_copy_with_another_checklist_answers_by_it_not_by_the_remembered_rules():
    """av_rule_for_case remembers its answers per catalogue; a copy with another checklist
    (dataclasses.replace, as the record checks make one per published checklist) starts
    afresh and still equals a copy made without any remembered answer."""
    import dataclasses

    assert catalogue.av_rule_for_case("penalty", "investigation", ()).level is AVLevel.REQUIRED
    relaxed = tuple(dataclasses.replace(row, level=AVLevel.RECOMMENDED)
                    if (row.kind, row.stage) == ("penalty", "investigation") else row
                    for row in catalogue.av_checklist)
    copy = dataclasses.replace(catalogue, av_checklist=relaxed)
    assert copy.av_rule_for_case("penalty", "investigation", ()).level is AVLevel.RECOMMENDED
    assert catalogue.av_rule_for_case("penalty", "investigation", ()).level is AVLevel.REQUIRED
    assert copy != catalogue and copy == dataclasses.replace(catalogue, av_checklist=relaxed)
