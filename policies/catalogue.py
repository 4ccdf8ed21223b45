"""The rule catalogue: the regulation as one versioned value.

A catalogue carries the date it takes effect, so that a later revision can stand beside this
one and a case is checked against the version in force when its act took place
(`catalogue_for(day)`). `validate_catalogue` returns every problem at once; the portal runs it
as a system check at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from policies import audiovisual, requirements, routing, starts, units, visibility
from policies.audiovisual import AVRule, ChecklistRow, Item
from policies.deadlines import ARCHIVE_WORKING_DAYS, STORAGE_HOURS
from policies.kinds import KINDS, ActKind, Stage
from policies.marks import MARK_ORDER, SEALED_MARKS, Mark
from policies.requirements import Requirement, StageTextRule
from policies.routing import RouteRule
from policies.starts import StartMode
from policies.units import Unit
from policies.visibility import VisibilityRule


class NoCatalogueInForce(LookupError):
    def __init__(self, day: date):
        self.day = day
        super().__init__(f"{day.isoformat()}时本制度尚未施行（第三十二条：自2021年12月1日起施行）")


@dataclass(frozen=True)
class Catalogue:
    code: str
    title: str
    document: str
    effective_from: date
    effective_article: str
    kinds: tuple[ActKind, ...]
    start_modes: tuple[StartMode, ...]
    text_rules: tuple[StageTextRule, ...]
    signature_rule: Requirement
    av_checklist: tuple[ChecklistRow, ...]
    uninterrupted_triggers: tuple[Item, ...]
    recording_must_show: tuple[Item, ...]
    interruption_causes: tuple[Item, ...]
    recording_conduct: tuple[Item, ...]
    storage_hours: int
    storage_article: str
    archive_working_days: int
    archive_article: str
    units: tuple[Unit, ...]
    units_article: str
    marks: tuple[Mark, ...]
    sealed_marks: frozenset[Mark]
    marks_article: str
    approval_routes: tuple[RouteRule, ...]
    visibility_rules: tuple[VisibilityRule, ...]
    # av_rule_for_case's answers (not part of the catalogue's value: a copy starts empty)
    _rules_for_cases: dict = field(default_factory=dict, init=False, repr=False,
                                   compare=False, hash=False)

    def kind(self, code: str) -> ActKind:
        for kind in self.kinds:
            if kind.code == code:
                return kind
        raise KeyError(f"未知的行政执法行为类别：{code!r}（第十条）")

    def stage(self, kind_code: str, stage_code: str) -> Stage:
        return self.kind(kind_code).stage(stage_code)

    def av_rule(self, kind_code: str, stage_code: str) -> AVRule:
        """The checklist's rule for this stage; a stage the checklist omits is NONE (text
        suffices, 第四条) but a stage the kind lacks is a KeyError."""
        self.stage(kind_code, stage_code)
        for row in self.av_checklist:
            if row.kind == kind_code and row.stage == stage_code:
                return row.rule
        return AVRule(audiovisual.AVLevel.NONE, (), "第四条", audiovisual.TEXT_SUFFICES)

    def av_rule_for_case(self, kind_code: str, stage_code: str, triggers=()) -> AVRule:
        """The rule for a stage of a case that touches `triggers` (codes of
        UNINTERRUPTED_TRIGGERS): on-site stages are then recorded without interruption.
        Worked out once per catalogue and (kind, stage, triggers): a yearly review asks it
        for every stage of every case."""
        key = (kind_code, stage_code, tuple(triggers))
        rule = self._rules_for_cases.get(key)
        if rule is None:
            stage = self.stage(kind_code, stage_code)
            rule = self._rules_for_cases[key] = audiovisual.escalate(
                self.av_rule(kind_code, stage_code), on_site=stage.on_site, triggers=triggers)
        return rule

    def units_recording(self, kind_code: str) -> tuple[Unit, ...]:
        """The units that record acts of this kind (第七条)."""
        self.kind(kind_code)
        return tuple(unit for unit in self.units if kind_code in unit.records_kinds)

    def start_mode(self, code: str) -> StartMode:
        for mode in self.start_modes:
            if mode.code == code:
                return mode
        raise KeyError(f"未知的程序启动方式：{code!r}（第十一条）")


CATALOGUE_2021 = Catalogue(
    code="2021",
    title="郑州市城乡建设局行政执法全过程记录制度",
    document="郑建文〔2021〕185号",
    effective_from=date(2021, 12, 1),
    effective_article="第三十二条",
    kinds=KINDS,
    start_modes=starts.START_MODES,
    text_rules=requirements.STAGE_TEXT_RULES,
    signature_rule=requirements.SIGNATURES,
    av_checklist=audiovisual.default_av_checklist(),
    uninterrupted_triggers=audiovisual.UNINTERRUPTED_TRIGGERS,
    recording_must_show=audiovisual.RECORDING_MUST_SHOW,
    interruption_causes=audiovisual.INTERRUPTION_CAUSES,
    recording_conduct=audiovisual.RECORDING_CONDUCT,
    storage_hours=STORAGE_HOURS,
    storage_article="第二十六条",
    archive_working_days=ARCHIVE_WORKING_DAYS,
    archive_article="第二十五条",
    units=units.UNITS,
    units_article=units.ARTICLE,
    marks=MARK_ORDER,
    sealed_marks=SEALED_MARKS,
    marks_article="第二十九条",
    approval_routes=routing.APPROVAL_ROUTES,
    visibility_rules=visibility.DEFAULT_VISIBILITY,
)

#: every version, oldest first; add a revision here with its own effective_from
CATALOGUES: tuple[Catalogue, ...] = (CATALOGUE_2021,)


def catalogue_for(day: date, catalogues: tuple[Catalogue, ...] = CATALOGUES) -> Catalogue:
    """The version in force on `day`: the latest one whose effective_from is not after it."""
    in_force = [c for c in catalogues if c.effective_from <= day]
    if not in_force:
        raise NoCatalogueInForce(day)
    return max(in_force, key=lambda c: c.effective_from)


def current_catalogue() -> Catalogue:
    return catalogue_for(date.today())


def validate_catalogue(catalogue: Catalogue) -> list[str]:
    """Every problem with a catalogue at once, in Chinese: unknown kinds, stages, roles or
    marks, non-positive deadlines, rules without a valid article citation."""
    from policies.catalogue_checks import catalogue_problems
    return catalogue_problems(catalogue)
