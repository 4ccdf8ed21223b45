"""The bureau's units and which kinds of act each one records (第七条).

第七条 assigns 行政许可 and 行政确认, 行政处罚 and 行政强制, and 行政检查 "和其他行政执法行为";
行政征收征用 is not named there, so it falls to the units that record the other acts.
"""

from __future__ import annotations

from dataclasses import dataclass

ARTICLE = "第七条"


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    records_kinds: tuple[str, ...]
    guides_all: bool = False
    subordinate: bool = False
    article: str = ARTICLE


UNITS: tuple[Unit, ...] = (
    Unit("fagui", "法规处", (), guides_all=True),
    Unit("shenpi", "行政审批办公室", ("licensing", "confirmation")),
    Unit("kancha", "勘察设计处", ("licensing", "confirmation")),
    Unit("xiaofang", "消防验收处", ("licensing", "confirmation", "penalty", "coercion")),
    Unit("renshi", "人事处", ("licensing", "confirmation")),
    Unit("jianguan", "建管处", ("licensing", "confirmation")),
    Unit("zhaobiao", "工程招投标监管处", ("inspection", "other", "expropriation")),
    Unit("zhiliang", "工程质量安全监管处", ("inspection", "other", "expropriation")),
    Unit("jieneng", "建筑节能与科技处", ("inspection", "other", "expropriation")),
    Unit("zhijianzhan", "市建设工程质量监督站", ("inspection", "other", "expropriation"), subordinate=True),
)

UNITS_BY_CODE = {unit.code: unit for unit in UNITS}


def units_recording(kind: str) -> tuple[Unit, ...]:
    """The units that record acts of this kind (第七条)."""
    return tuple(unit for unit in UNITS if kind in unit.records_kinds)
