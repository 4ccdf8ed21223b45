"""How a procedure starts (第十一条): on application, or on the bureau's own initiative,
in which case the source of the case is recorded."""

from __future__ import annotations

from dataclasses import dataclass

ARTICLE = "第十一条"


@dataclass(frozen=True)
class CaseSource:
    code: str
    name: str
    article: str = ARTICLE


@dataclass(frozen=True)
class StartMode:
    code: str
    name: str
    article: str
    records: tuple[str, ...]  # what the text record of the start must contain
    sources: tuple[CaseSource, ...] = ()


CASE_SOURCES: tuple[CaseSource, ...] = (
    CaseSource("inspection", "检查"),
    CaseSource("assignment", "交办"),
    CaseSource("transfer", "移送"),
    CaseSource("complaint", "投诉举报"),
)

ON_APPLICATION = StartMode("application", "依申请启动", ARTICLE,
                           ("申请", "登记", "告知", "补正"))
ON_INITIATIVE = StartMode("initiative", "依职权启动", ARTICLE,
                          ("案件来源", "立案"), CASE_SOURCES)

START_MODES: tuple[StartMode, ...] = (ON_APPLICATION, ON_INITIATIVE)
START_MODES_BY_CODE = {mode.code: mode for mode in START_MODES}


def start_mode(code: str) -> StartMode:
    try:
        return START_MODES_BY_CODE[code]
    except KeyError:
        raise KeyError(f"未知的程序启动方式：{code!r}（{ARTICLE}）") from None
