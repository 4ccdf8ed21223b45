"""The catalogue as a versioned value, validated as a whole."""

import dataclasses
import subprocess
import sys
from datetime import date

import pytest

from policies.audiovisual import AVLevel, ChecklistRow
from policies.catalogue import (
    CATALOGUE_2021, Catalogue, NoCatalogueInForce, catalogue_for, current_catalogue,
    validate_catalogue,
)
from policies.kinds import ActKind, Stage
from policies.routing import RouteRule


def test_the_2021_catalogue_is_valid_and_in_force_from_the_first_of_december():
    assert validate_catalogue(CATALOGUE_2021) == []
    assert CATALOGUE_2021.effective_from == date(2021, 12, 1)
    assert catalogue_for(date(2021, 12, 1)) is CATALOGUE_2021
    assert current_catalogue() is CATALOGUE_2021


def test_an_act_before_the_regulation_took_effect_has_no_catalogue():
    with pytest.raises(NoCatalogueInForce, match="第三十二条"):
        catalogue_for(date(2021, 11, 30))


def test_a_later_revision_stands_beside_the_first_and_each_act_gets_its_own():
    revision = dataclasses.replace(CATALOGUE_2021, code="2027", effective_from=date(2027, 3, 1),
                                   archive_working_days=15)
    versions = (CATALOGUE_2021, revision)
    assert catalogue_for(date(2027, 2, 28), versions) is CATALOGUE_2021
    assert catalogue_for(date(2027, 3, 1), versions) is revision
    assert catalogue_for(date(2030, 1, 1), versions).archive_working_days == 15


def test_validation_reports_every_problem_at_once():
    broken_kind = ActKind("penalty", "行政处罚", "第十条", (
        Stage("filing", "立案", "第十条"),
        Stage("hearing", "听证", "第十条", conditional=True, condition=""),
        Stage("filing", "立案", "article ten"),
    ))
    broken = dataclasses.replace(
        CATALOGUE_2021,
        kinds=(broken_kind, *CATALOGUE_2021.kinds[1:]),
        archive_working_days=0,
        storage_hours=-1,
        av_checklist=(*CATALOGUE_2021.av_checklist,
                      ChecklistRow("penalty", "teleport", AVLevel.REQUIRED, ("执法环境",), "第十九条")),
        approval_routes=(*CATALOGUE_2021.approval_routes,
                         RouteRule("bad", ("pope",), "不存在的角色", "第九十九条")),
    )
    problems = validate_catalogue(broken)
    text = "\n".join(problems)
    assert "环节代码重复：filing" in text
    assert "条件环节“听证”没有写明条件" in text
    assert "没有引用有效的条文（'article ten'）" in text
    assert "归档时限应为正整数工作日（第二十五条）" in text
    assert "储存时限应为正整数小时（第二十六条）" in text
    assert "音像记录清单指向未知的环节：penalty/teleport" in text
    assert "审批角色'pope'未知" in text
    assert "审批路线“bad”没有引用有效的条文" in text
    assert "最后环节应为归档" in text


def test_a_stage_without_text_items_and_a_kind_without_a_unit_are_reported():
    lonely = ActKind("lonely", "孤立行为", "第十条", (Stage("archiving", "归档", "第十六条"),))
    broken = dataclasses.replace(CATALOGUE_2021, kinds=(*CATALOGUE_2021.kinds, lonely))
    problems = validate_catalogue(broken)
    assert any("“孤立行为”的“归档”环节没有文字记录事项" in p for p in problems)
    assert any("没有单位负责“孤立行为”" in p for p in problems)


def test_the_catalogue_answers_by_code_and_names_the_article_for_unknown_codes():
    assert CATALOGUE_2021.kind("penalty").name == "行政处罚"
    assert CATALOGUE_2021.stage("penalty", "hearing").conditional
    with pytest.raises(KeyError, match="第十条"):
        CATALOGUE_2021.kind("parking")
    with pytest.raises(KeyError, match="第十条"):
        CATALOGUE_2021.av_rule("inspection", "hearing")


def test_which_unit_records_which_kind_of_act_follows_article_seven():
    def names(kind):
        return {unit.name for unit in CATALOGUE_2021.units_recording(kind)}
    assert names("penalty") == names("coercion") == {"消防验收处"}
    assert names("licensing") == {"行政审批办公室", "勘察设计处", "消防验收处", "人事处", "建管处"}
    assert {"工程招投标监管处", "工程质量安全监管处", "建筑节能与科技处"} <= names("inspection")
    assert "法规处" not in names("inspection")
    assert names("expropriation") == names("other")  # not named in 第七条: the "other acts" units
    assert CATALOGUE_2021.units_article == "第七条"


def test_the_catalogue_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        CATALOGUE_2021.archive_working_days = 30
    assert isinstance(CATALOGUE_2021, Catalogue)


def test_policies_imports_nothing_from_django_or_wagtail():
    code = (
        "import sys, pkgutil, importlib, policies\n"
        "for m in pkgutil.iter_modules(policies.__path__): importlib.import_module('policies.' + m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('django', 'wagtail'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
