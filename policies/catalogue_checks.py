"""The consistency checks of a catalogue (validate_catalogue): every problem at once."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from policies.articles import is_article_citation
from policies.audiovisual import AVLevel
from policies.roles import ROLES_BY_CODE


def catalogue_problems(catalogue) -> list[str]:
    problems: list[str] = []
    problems += _citations(catalogue)
    problems += _kinds_and_stages(catalogue)
    problems += _text_rules(catalogue)
    problems += _av_checklist(catalogue)
    problems += _deadlines(catalogue)
    problems += _units(catalogue)
    problems += _routes_and_visibility(catalogue)
    return problems


def _cite(what: str, article: str) -> list[str]:
    if is_article_citation(article):
        return []
    return [f"{what}没有引用有效的条文（{article!r}）"]


def _duplicates(codes: Iterable[str]) -> list[str]:
    return sorted(code for code, count in Counter(codes).items() if count > 1)


def _citations(catalogue) -> list[str]:
    problems = _cite("施行日期", catalogue.effective_article)
    for kind in catalogue.kinds:
        problems += _cite(f"行为类别“{kind.name}”", kind.article)
        for stage in kind.stages:
            problems += _cite(f"“{kind.name}”的“{stage.name}”环节", stage.article)
    for mode in catalogue.start_modes:
        problems += _cite(f"启动方式“{mode.name}”", mode.article)
        for source in mode.sources:
            problems += _cite(f"案件来源“{source.name}”", source.article)
    for rule in catalogue.text_rules:
        for requirement in rule.requirements:
            problems += _cite(f"{rule.kind}/{rule.stage}的记录事项“{requirement.text}”",
                              requirement.article)
    problems += _cite("签字规则", catalogue.signature_rule.article)
    for row in catalogue.av_checklist:
        problems += _cite(f"音像记录清单{row.kind}/{row.stage}", row.article)
    for items in (catalogue.uninterrupted_triggers, catalogue.recording_must_show,
                  catalogue.interruption_causes, catalogue.recording_conduct):
        for item in items:
            problems += _cite(f"“{item.label}”", item.article)
    for what, article in (("储存时限", catalogue.storage_article),
                          ("归档时限", catalogue.archive_article),
                          ("单位分工", catalogue.units_article),
                          ("密级标记", catalogue.marks_article)):
        problems += _cite(what, article)
    for unit in catalogue.units:
        problems += _cite(f"单位“{unit.name}”", unit.article)
    for route in catalogue.approval_routes:
        problems += _cite(f"审批路线“{route.code}”", route.article)
    for rule in catalogue.visibility_rules:
        problems += _cite(f"可见规则“{rule.code}”", rule.article)
    return problems


def _kinds_and_stages(catalogue) -> list[str]:
    problems = [f"行为类别代码重复：{code}（第十条）"
                for code in _duplicates(kind.code for kind in catalogue.kinds)]
    modes = {mode.code for mode in catalogue.start_modes}
    for kind in catalogue.kinds:
        if not kind.stages:
            problems.append(f"“{kind.name}”没有任何环节（第十条）")
        problems += [f"“{kind.name}”的环节代码重复：{code}（第十条）"
                     for code in _duplicates(kind.stage_codes)]
        for stage in kind.stages:
            if stage.conditional and not stage.condition:
                problems.append(f"“{kind.name}”的条件环节“{stage.name}”没有写明条件（第十条）")
            if not stage.conditional and stage.condition:
                problems.append(f"“{kind.name}”的“{stage.name}”写了条件却未标为条件环节（第十条）")
        if not kind.start_modes:
            problems.append(f"“{kind.name}”没有启动方式（第十一条）")
        for mode in kind.start_modes:
            if mode not in modes:
                problems.append(f"“{kind.name}”的启动方式{mode!r}未定义（第十一条）")
        if kind.stages and kind.stages[-1].code != "archiving":
            problems.append(f"“{kind.name}”的最后环节应为归档（第十六条）")
    return problems


def _known_stage(catalogue, kind_code: str, stage_code: str) -> bool:
    try:
        catalogue.stage(kind_code, stage_code)
    except KeyError:
        return False
    return True


def _text_rules(catalogue) -> list[str]:
    problems = []
    seen = Counter((rule.kind, rule.stage) for rule in catalogue.text_rules)
    for (kind, stage), count in seen.items():
        if not _known_stage(catalogue, kind, stage):
            problems.append(f"文字记录事项指向未知的环节：{kind}/{stage}（第十条）")
        if count > 1:
            problems.append(f"文字记录事项重复定义：{kind}/{stage}（第十条）")
    for kind in catalogue.kinds:
        for stage in kind.stages:
            if (kind.code, stage.code) not in seen:
                problems.append(f"“{kind.name}”的“{stage.name}”环节没有文字记录事项（第十条）")
    return problems


def _av_checklist(catalogue) -> list[str]:
    problems = []
    seen = Counter((row.kind, row.stage) for row in catalogue.av_checklist)
    for (kind, stage), count in seen.items():
        if not _known_stage(catalogue, kind, stage):
            problems.append(f"音像记录清单指向未知的环节：{kind}/{stage}（第十八条）")
        if count > 1:
            problems.append(f"音像记录清单重复：{kind}/{stage}（第十八条）")
    labels = {item.label for item in catalogue.recording_must_show}
    for row in catalogue.av_checklist:
        if not isinstance(row.level, AVLevel):
            problems.append(f"音像记录清单{row.kind}/{row.stage}的要求{row.level!r}未知（第十九条）")
        elif row.level.mandatory and not row.show:
            problems.append(f"音像记录清单{row.kind}/{row.stage}未写明应当记录的内容（第二十条）")
        unknown = [text for text in row.show if text not in labels]
        if unknown:
            problems.append(f"音像记录清单{row.kind}/{row.stage}的记录内容不在第二十条之列：{unknown}")
    if not catalogue.uninterrupted_triggers:
        problems.append("没有全过程不间断音像记录的情形（第十九条）")
    if not catalogue.interruption_causes:
        problems.append("没有音像记录中止原因（第二十三条）")
    return problems


def _deadlines(catalogue) -> list[str]:
    problems = []
    if not (isinstance(catalogue.storage_hours, int) and catalogue.storage_hours > 0):
        problems.append(f"储存时限应为正整数小时（{catalogue.storage_article}）")
    if not (isinstance(catalogue.archive_working_days, int) and catalogue.archive_working_days > 0):
        problems.append(f"归档时限应为正整数工作日（{catalogue.archive_article}）")
    return problems


def _units(catalogue) -> list[str]:
    problems = [f"单位代码重复：{code}（第七条）"
                for code in _duplicates(unit.code for unit in catalogue.units)]
    kinds = {kind.code for kind in catalogue.kinds}
    for unit in catalogue.units:
        for kind in unit.records_kinds:
            if kind not in kinds:
                problems.append(f"单位“{unit.name}”负责的类别{kind!r}未知（第七条）")
    for kind in catalogue.kinds:
        if not any(kind.code in unit.records_kinds for unit in catalogue.units):
            problems.append(f"没有单位负责“{kind.name}”的全过程记录（第七条）")
    return problems


def _routes_and_visibility(catalogue) -> list[str]:
    problems = []
    marks = set(catalogue.marks)
    if not catalogue.sealed_marks <= marks:
        problems.append("需授权的密级标记不在密级列表中（第二十九条）")
    for route in catalogue.approval_routes:
        if not route.approvers:
            problems.append(f"审批路线“{route.code}”没有审批人（第二十八条）")
        for role in route.approvers:
            if role not in ROLES_BY_CODE:
                problems.append(f"审批路线“{route.code}”的审批角色{role!r}未知（第二十八条）")
        if not route.marks_any <= marks:
            problems.append(f"审批路线“{route.code}”引用了未知的密级标记（第二十九条）")
    for rule in catalogue.visibility_rules:
        for role in rule.roles:
            if role not in ROLES_BY_CODE:
                problems.append(f"可见规则“{rule.code}”的角色{role!r}未知（第二十九条）")
        if rule.sees.value == "content" and rule.max_mark in catalogue.sealed_marks:
            problems.append(f"可见规则“{rule.code}”未经授权开放了需授权的内容（第二十九条）")
    return problems
