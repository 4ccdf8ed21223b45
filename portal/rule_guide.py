"""The interactive rule guide's answer: for a kind of act and a stage, what must be recorded
in text (第十一条 to 第十六条, policies.requirements) and on audio/video (the published
checklist, 第十八条), each line with the article it rests on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from policies.audiovisual import ChecklistRow
from policies.catalogue import current_catalogue
from policies.kinds import ActKind, Stage
from policies.requirements import Requirement, text_requirements


@dataclass(frozen=True)
class GuideAnswer:
    kind: ActKind
    stage: Stage
    text_lines: tuple[Requirement, ...]
    av_lines: tuple[ChecklistRow, ...]


def stage_options() -> dict[str, list[list[str]]]:
    """For the page's script: each kind's stages as [code, name] pairs, in order."""
    return {kind.code: [[stage.code, stage.name] for stage in kind.stages]
            for kind in current_catalogue().kinds}


def guide_answer(*, kind_code: str, stage_code: str,
                 checklist: Iterable[ChecklistRow]) -> GuideAnswer | None:
    """None when the kind of act or the stage is not in the catalogue (第十条)."""
    catalogue = current_catalogue()
    try:
        kind = catalogue.kind(kind_code)
        stage = kind.stage(stage_code)
    except KeyError:
        return None
    return GuideAnswer(
        kind=kind,
        stage=stage,
        text_lines=tuple(text_requirements(kind_code, stage_code)),
        av_lines=tuple(row for row in checklist if row.kind == kind_code and row.stage == stage_code),
    )
