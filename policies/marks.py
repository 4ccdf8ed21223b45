"""Classification marks of records and cases (第二十九条).

Marks are ordered from least to most restricted. A record's mark may be stricter than its
case's mark, never looser; a set of records is as restricted as its strictest mark.
"""

from __future__ import annotations

import enum
from typing import Iterable

from policies.findings import Finding

ARTICLE = "第二十九条"


class Mark(enum.Enum):
    PUBLIC = "public"
    INTERNAL = "internal"
    PERSONAL = "personal"
    COMMERCIAL_SECRET = "commercial_secret"
    STATE_SECRET = "state_secret"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def rank(self) -> int:
        return MARK_ORDER.index(self)

    @property
    def sealed(self) -> bool:
        """Content under this mark needs an explicit grant to be read (第二十九条)."""
        return self in SEALED_MARKS

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(mark.value, mark.label) for mark in MARK_ORDER]

    def __lt__(self, other: "Mark") -> bool:
        if not isinstance(other, Mark):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: "Mark") -> bool:
        if not isinstance(other, Mark):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: "Mark") -> bool:
        if not isinstance(other, Mark):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: "Mark") -> bool:
        if not isinstance(other, Mark):
            return NotImplemented
        return self.rank >= other.rank


MARK_ORDER: tuple[Mark, ...] = (
    Mark.PUBLIC, Mark.INTERNAL, Mark.PERSONAL, Mark.COMMERCIAL_SECRET, Mark.STATE_SECRET,
)
_LABELS = {
    Mark.PUBLIC: "公开",
    Mark.INTERNAL: "内部",
    Mark.PERSONAL: "个人信息",
    Mark.COMMERCIAL_SECRET: "商业秘密",
    Mark.STATE_SECRET: "国家秘密",
}
SEALED_MARKS = frozenset({Mark.PERSONAL, Mark.COMMERCIAL_SECRET, Mark.STATE_SECRET})
SECRET_MARKS = frozenset({Mark.COMMERCIAL_SECRET, Mark.STATE_SECRET})
#: the mark of a new case until someone marks it otherwise
DEFAULT_MARK = Mark.INTERNAL


def as_mark(value: "Mark | str") -> Mark:
    if isinstance(value, Mark):
        return value
    try:
        return Mark(value)
    except ValueError:
        raise ValueError(f"未知的密级标记：{value!r}（{ARTICLE}）") from None


def mark_at_least(mark: "Mark | str", floor: "Mark | str") -> bool:
    """True when `mark` is as restricted as `floor` or more."""
    return as_mark(mark).rank >= as_mark(floor).rank


def strictest(marks: Iterable["Mark | str"]) -> Mark:
    """The most restricted of the marks; an empty collection is an error, not PUBLIC."""
    converted = [as_mark(mark) for mark in marks]
    if not converted:
        raise ValueError(f"没有密级标记（{ARTICLE}）")
    return max(converted, key=lambda mark: mark.rank)


def record_mark_allowed(record_mark: "Mark | str", case_mark: "Mark | str") -> bool:
    """A record may be marked stricter than its case, never looser (第二十九条)."""
    return mark_at_least(record_mark, case_mark)


def effective_record_mark(record_mark: "Mark | str | None", case_mark: "Mark | str") -> Mark:
    """The mark that applies to a record: its own mark, raised to its case's when looser or
    missing."""
    if record_mark is None:
        return as_mark(case_mark)
    return strictest((record_mark, case_mark))


def record_mark_findings(record_mark: "Mark | str", case_mark: "Mark | str") -> list[Finding]:
    if record_mark_allowed(record_mark, case_mark):
        return []
    record_mark, case_mark = as_mark(record_mark), as_mark(case_mark)
    return [Finding(
        "mark_looser_than_case",
        f"记录的密级标记“{record_mark.label}”低于所属案卷的“{case_mark.label}”，只能相同或更严",
        ARTICLE,
    )]
