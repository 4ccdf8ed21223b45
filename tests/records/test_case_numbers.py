"""Case numbers: one gap-free sequence per unit, kind and year, in the unit's own pattern."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from records import services
from records.case_numbers import (
    case_number_allocate, case_number_parse, format_case_number, parse_case_number,
    pattern_problems,
)
from records.casefile import Case, CaseNumberFormat
from records.exceptions import CaseNumberError

from . import factories as f

pytestmark = pytest.mark.django_db


def _open(unit_code="xiaofang", kind="penalty", opened_on=date(2026, 3, 2), actor=None):
    return services.case_open(actor=actor or f.officer_user(unit_code=unit_code), unit=f.unit(unit_code), kind=kind,
                              title="案由", start_mode="initiative", source="complaint",
                              opened_on=opened_on)


def test_two_cases_of_a_unit_kind_and_year_get_1_and_2():
    first, second = _open(), _open()
    assert (first.number_seq, second.number_seq) == (1, 2)
    assert (first.number, second.number) == ("郑建罚〔2026〕1号", "郑建罚〔2026〕2号")


def test_other_units_kinds_and_years_count_separately():
    _open(), _open()
    other_kind = _open(kind="coercion")
    other_year = _open(opened_on=date(2027, 1, 4))
    other_unit = _open(unit_code="zhiliang", kind="inspection")
    other_unit_again = _open(unit_code="zhiliang", kind="inspection")
    assert other_kind.number == "郑建强〔2026〕1号"
    assert other_year.number == "郑建罚〔2027〕1号"
    assert (other_unit.number_seq, other_unit_again.number_seq) == (1, 2)


def test_a_units_configured_pattern_numbers_its_cases():
    CaseNumberFormat.objects.create(unit=f.unit("xiaofang"), kind="penalty",
                                    pattern="郑建消罚〔{year}〕{seq:03d}号")
    case = _open()
    assert case.number == "郑建消罚〔2026〕001号"
    assert case_number_parse(case.number, unit=case.handling_unit, kind="penalty") == (2026, 1)


def test_a_number_given_back_by_a_rolled_back_case_is_reused_so_there_is_no_gap():
    actor = f.officer_user()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            _open(actor=actor)
            raise RuntimeError("the form failed after the case was created")
    assert _open(actor=actor).number_seq == 1


@pytest.mark.django_db(transaction=True)
def test_allocation_outside_a_transaction_is_refused():
    with pytest.raises(CaseNumberError):
        case_number_allocate(unit=f.unit(), kind="penalty", year=2026)


def test_numbers_parse_back_to_year_and_sequence():
    pattern = "郑建{kind}〔{year}〕{seq}号"
    text = format_case_number(pattern, year=2026, seq=12, kind="penalty", unit_code="xiaofang")
    assert text == "郑建罚〔2026〕12号"
    assert parse_case_number(text, pattern, kind="penalty", unit_code="xiaofang") == (2026, 12)
    assert parse_case_number("郑建检〔2026〕12号", pattern, kind="penalty", unit_code="xiaofang") is None
    assert parse_case_number("郑建罚〔2026〕号", pattern, kind="penalty", unit_code="xiaofang") is None


@pytest.mark.parametrize("pattern, problem", [
    ("郑建罚〔2026〕{seq}号", "{year}"),
    ("郑建罚〔{year}〕号", "{seq}"),
    ("郑建罚〔{year}〕{seq}{seq}号", "{seq}"),
    ("{unit}〔{year}〕{seq}{other}号", "未知占位符"),
    ("〔{year}〕{seq:>5}号", "补零"),
    ("〔{year}〕{seq号", "无法解析"),
])
def test_a_pattern_that_cannot_number_cases_is_refused(pattern, problem):
    problems = pattern_problems(pattern)
    assert any(problem in p for p in problems), problems


def test_a_good_pattern_has_no_problems():
    assert pattern_problems("{unit}-郑建{kind}〔{year}〕{seq:04d}号") == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_never_give_the_same_number(postgresql_only):
    unit = f.unit()
    actors = [f.officer_user(unit_code=unit.code) for _ in range(6)]
    numbers, errors = [], []
    barrier = threading.Barrier(len(actors))

    def open_one(actor):
        try:
            barrier.wait()
            numbers.append(_open(actor=actor).number_seq)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_one, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [1, 2, 3, 4, 5, 6]
    assert Case.objects.filter(handling_unit=unit).count() == 6
