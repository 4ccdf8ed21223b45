"""Case numbers in the bureau's style (e.g. 郑建罚〔2026〕12号): one sequence per unit, kind of
act and year, gap-free and race-safe, formatted by the unit's pattern for that kind.

A pattern holds {year} and {seq} (optionally zero-padded, {seq:03d}), and may hold {kind}
(the kind's short name) and {unit} (the unit's code). The sequence comes from a counter row
locked with SELECT ... FOR UPDATE in the transaction that creates the case: a rolled-back case
gives its number back, two concurrent cases never get the same one.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from django.db import transaction

from policies.kinds import KINDS

from .exceptions import CaseNumberError

#: the bureau's abbreviations of the kinds of act, as in 郑建罚、郑建检
KIND_ABBREVIATIONS: dict[str, str] = {
    "penalty": "罚",
    "coercion": "强",
    "inspection": "检",
    "licensing": "许",
    "confirmation": "确",
    "expropriation": "征",
    "other": "执",
}
#: the pattern of a unit and kind that has none configured
DEFAULT_PATTERN = "郑建{kind}〔{year}〕{seq}号"
PLACEHOLDERS = frozenset({"year", "seq", "kind", "unit"})
_SEQ_SPEC = re.compile(r"0?\d*d?")


@dataclass(frozen=True)
class CaseNumber:
    year: int
    seq: int
    text: str


def _fields(pattern: str) -> list[tuple[str, str | None, str]]:
    try:
        return [(literal, name, spec or "")
                for literal, name, spec, _ in string.Formatter().parse(pattern)]
    except ValueError as error:
        raise CaseNumberError(f"案号格式“{pattern}”无法解析：{error}") from None


def pattern_problems(pattern: str) -> list[str]:
    """Every problem with a pattern at once, in Chinese."""
    try:
        fields = _fields(pattern or "")
    except CaseNumberError as error:
        return [error.message]
    names = [name for _, name, _ in fields if name is not None]
    problems = []
    for required in ("year", "seq"):
        if names.count(required) != 1:
            problems.append(f"案号格式须恰好包含一次{{{required}}}")
    unknown = sorted(set(names) - PLACEHOLDERS)
    if unknown:
        problems.append(f"案号格式含未知占位符：{unknown}，可用 {{year}} {{seq}} {{kind}} {{unit}}")
    for _, name, spec in fields:
        if name == "seq" and not _SEQ_SPEC.fullmatch(spec):
            problems.append("序号格式只能是 {seq} 或补零的 {seq:03d}")
        elif name in {"year", "kind", "unit"} and spec:
            problems.append(f"{{{name}}} 不能带格式说明")
    return problems


def format_case_number(pattern: str, *, year: int, seq: int, kind: str, unit_code: str) -> str:
    problems = pattern_problems(pattern)
    if problems:
        raise CaseNumberError("；".join(problems))
    return pattern.format(year=year, seq=seq, kind=KIND_ABBREVIATIONS.get(kind, kind),
                          unit=unit_code)


def parse_case_number(text: str, pattern: str, *, kind: str, unit_code: str) -> tuple[int, int] | None:
    """(year, seq) of a number written in this pattern, or None when it is not one."""
    regex = []
    for literal, name, _ in _fields(pattern):
        regex.append(re.escape(literal))
        if name == "year":
            regex.append(r"(?P<year>\d{4})")
        elif name == "seq":
            regex.append(r"(?P<seq>\d+)")
        elif name == "kind":
            regex.append(re.escape(KIND_ABBREVIATIONS.get(kind, kind)))
        elif name == "unit":
            regex.append(re.escape(unit_code))
    match = re.fullmatch("".join(regex), (text or "").strip())
    if not match:
        return None
    return int(match["year"]), int(match["seq"])


def number_pattern(unit, kind: str) -> str:
    from .casefile import CaseNumberFormat

    configured = CaseNumberFormat.objects.filter(unit=unit, kind=kind).values_list("pattern", flat=True).first()
    return configured or DEFAULT_PATTERN


def case_number_allocate(*, unit, kind: str, year: int) -> CaseNumber:
    """The next number of this unit, kind and year. Call it inside the transaction that
    creates the case; it locks the counter row until that transaction ends."""
    from .casefile import CaseNumberCounter

    if kind not in {k.code for k in KINDS}:
        raise CaseNumberError(f"未知的行政执法行为类别：{kind}", article="第十条")
    if not transaction.get_connection().in_atomic_block:
        raise CaseNumberError("案号须在创建案卷的事务中分配")
    pattern = number_pattern(unit, kind)
    counter, _ = CaseNumberCounter.objects.select_for_update().get_or_create(
        unit=unit, kind=kind, year=year)
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    text = format_case_number(pattern, year=year, seq=counter.last_seq, kind=kind,
                              unit_code=unit.code)
    return CaseNumber(year, counter.last_seq, text)


def case_number_parse(text: str, *, unit, kind: str) -> tuple[int, int] | None:
    """(year, seq) of a number in the unit's current pattern for this kind."""
    return parse_case_number(text, number_pattern(unit, kind), kind=kind, unit_code=unit.code)
