"""Classification marks (第二十九条), approval routes (第二十八条) and default visibility."""

import dataclasses

import pytest

from policies.catalogue import CATALOGUE_2021
from policies.marks import (
    Mark, effective_record_mark, mark_at_least, record_mark_allowed, record_mark_findings, strictest,
)
from policies.routing import approval_chain
from policies.visibility import Visibility, default_visibility


def test_marks_are_ordered_from_public_to_state_secret_with_chinese_labels():
    assert [m.label for m in sorted(Mark)] == ["公开", "内部", "个人信息", "商业秘密", "国家秘密"]
    assert Mark.INTERNAL < Mark.PERSONAL < Mark.STATE_SECRET
    assert mark_at_least(Mark.COMMERCIAL_SECRET, Mark.PERSONAL)
    assert not mark_at_least("internal", "personal")
    assert strictest(["internal", Mark.PERSONAL, Mark.PUBLIC]) is Mark.PERSONAL
    with pytest.raises(ValueError):
        strictest([])


def test_a_record_may_be_stricter_than_its_case_but_never_looser():
    assert record_mark_allowed(Mark.STATE_SECRET, Mark.INTERNAL)
    assert not record_mark_allowed(Mark.PUBLIC, Mark.PERSONAL)
    assert effective_record_mark(Mark.PUBLIC, Mark.PERSONAL) is Mark.PERSONAL
    assert effective_record_mark(None, Mark.INTERNAL) is Mark.INTERNAL
    [finding] = record_mark_findings(Mark.PUBLIC, Mark.PERSONAL)
    assert finding.article == "第二十九条" and "个人信息" in finding.message
    assert record_mark_findings(Mark.PERSONAL, Mark.PERSONAL) == []


def roles(chain):
    return [step.role for step in chain]


def test_an_officer_of_the_handling_unit_asks_the_head_of_unit_for_internal_records():
    chain = approval_chain([Mark.INTERNAL], requester_in_handling_unit=True, outside_bureau=False)
    assert roles(chain) == ["unit_head"]
    assert chain[0].article == "第二十八条"


def test_another_unit_needs_the_handling_units_head_and_the_legal_office():
    assert roles(approval_chain([Mark.INTERNAL], False, False)) == ["unit_head", "legal"]


def test_personal_data_adds_the_secrecy_officer():
    chain = approval_chain([Mark.INTERNAL, Mark.PERSONAL], True, False)
    assert roles(chain) == ["unit_head", "secrecy"]
    assert chain[1].article == "第二十九条"


def test_secrets_need_the_secrecy_officer_and_the_bureau_head():
    assert roles(approval_chain(["commercial_secret"], True, False)) == ["unit_head", "secrecy", "bureau_head"]
    assert roles(approval_chain([Mark.STATE_SECRET], False, False)) == [
        "unit_head", "legal", "secrecy", "bureau_head"]


def test_material_leaving_the_bureau_needs_the_bureau_head_once_with_every_reason():
    chain = approval_chain([Mark.COMMERCIAL_SECRET], False, True)
    assert roles(chain) == ["unit_head", "legal", "secrecy", "bureau_head"]
    head = chain[-1]
    assert "商业秘密" in head.reason and "对外提供" in head.reason


def test_a_request_without_marks_or_with_an_uncovered_route_fails_closed():
    with pytest.raises(ValueError):
        approval_chain([], True, False)
    empty = dataclasses.replace(CATALOGUE_2021, approval_routes=())
    with pytest.raises(LookupError, match="第二十八条"):
        approval_chain([Mark.INTERNAL], True, False, catalogue=empty)


def test_routes_are_data_the_legal_office_can_change():
    strict = dataclasses.replace(
        CATALOGUE_2021,
        approval_routes=tuple(dataclasses.replace(r, approvers=("unit_head", "legal"))
                              if r.code == "own_unit" else r for r in CATALOGUE_2021.approval_routes))
    assert roles(approval_chain([Mark.INTERNAL], True, False, catalogue=strict)) == ["unit_head", "legal"]


def test_an_officer_sees_internal_cases_of_the_own_unit_and_only_metadata_of_sealed_ones():
    assert default_visibility("officer", same_unit=True, mark=Mark.INTERNAL) is Visibility.CONTENT
    assert default_visibility("officer", same_unit=True, mark=Mark.PERSONAL) is Visibility.METADATA
    assert default_visibility("officer", same_unit=False, mark=Mark.INTERNAL) is Visibility.NONE


def test_the_legal_office_sees_all_metadata_but_no_sealed_content_without_a_grant():
    assert default_visibility("legal", same_unit=False, mark=Mark.STATE_SECRET) is Visibility.METADATA
    assert default_visibility("legal", same_unit=False, mark=Mark.INTERNAL) is Visibility.CONTENT


def test_administrators_and_auditors_see_no_cases_by_default():
    for role in ("sysadmin", "auditor", "requester"):
        assert default_visibility(role, same_unit=True, mark=Mark.PUBLIC) is Visibility.NONE
    assert default_visibility(["auditor", "officer"], same_unit=True, mark="public") is Visibility.CONTENT


# The whole default table: mark × requester in the handling unit × outside the bureau.
U, L, S, B = "unit_head", "legal", "secrecy", "bureau_head"
DEFAULT_ROUTES = {
    # mark                (own,  outside): approvers
    ("public", True, False): [U], ("public", True, True): [U, B],
    ("public", False, False): [U, L], ("public", False, True): [U, L, B],
    ("internal", True, False): [U], ("internal", True, True): [U, B],
    ("internal", False, False): [U, L], ("internal", False, True): [U, L, B],
    ("personal", True, False): [U, S], ("personal", True, True): [U, S, B],
    ("personal", False, False): [U, L, S], ("personal", False, True): [U, L, S, B],
    ("commercial_secret", True, False): [U, S, B], ("commercial_secret", True, True): [U, S, B],
    ("commercial_secret", False, False): [U, L, S, B], ("commercial_secret", False, True): [U, L, S, B],
    ("state_secret", True, False): [U, S, B], ("state_secret", True, True): [U, S, B],
    ("state_secret", False, False): [U, L, S, B], ("state_secret", False, True): [U, L, S, B],
}


@pytest.mark.parametrize("mark, own, outside", sorted(DEFAULT_ROUTES))
def test_every_combination_of_the_default_table_has_its_chain(mark, own, outside):
    chain = approval_chain([mark], own, outside)
    assert roles(chain) == DEFAULT_ROUTES[(mark, own, outside)]
    assert all(step.article in ("第二十八条", "第二十九条") and step.reason for step in chain)


def test_the_table_round_trips_through_rows_and_a_valid_table_has_no_problems():
    from policies.routing import APPROVAL_ROUTES, route_table_problems, rules_from_data, rules_to_data

    rows = rules_to_data(APPROVAL_ROUTES)
    assert route_table_problems(rows) == []
    assert rules_from_data(rows) == APPROVAL_ROUTES


def test_a_table_with_unknown_roles_or_gaps_is_refused_with_every_problem():
    from policies.routing import APPROVAL_ROUTES, route_table_problems, rules_to_data

    rows = rules_to_data(APPROVAL_ROUTES)
    rows[0]["approvers"] = ["janitor"]
    rows[1]["article"] = ""
    problems = route_table_problems(rows)
    assert any("janitor" in p for p in problems) and any("条款" in p for p in problems)
    only_own_unit = [row for row in rules_to_data(APPROVAL_ROUTES) if row["code"] == "own_unit"]
    gaps = route_table_problems(only_own_unit)
    assert any("其他单位" in p and "第二十八条" in p for p in gaps)
