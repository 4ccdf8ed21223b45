"""The access gate as a table: who × action × object → allowed or not (第二十八条, 第二十九条),
and the ways it fails closed."""

from __future__ import annotations

import pytest
from guardian.core import ObjectPermissionChecker

from access import gate
from access.gate import (
    APPROVE, CHANGE, COPY, DOWNLOAD, GRANT, VIEW, VIEW_METADATA, VIEW_PERSONAL,
)
from access.log.models import AccessLogEntry
from records import services
from records.exceptions import RecordsPermissionDenied

from . import gate_support as g

pytestmark = pytest.mark.django_db

T, F = True, False

DEFAULT_MATRIX = [
    # an officer: the internal cases of the own unit, metadata of the unit's sealed ones
    ("officer", VIEW_METADATA, "internal", T),
    ("officer", VIEW, "internal", T),
    ("officer", CHANGE, "internal", T),
    ("officer", VIEW_METADATA, "personal", T),
    ("officer", VIEW, "personal", F),
    ("officer", VIEW, "commercial", F),
    ("officer", VIEW, "state_secret", F),
    ("officer", CHANGE, "personal", F),
    ("officer", DOWNLOAD, "internal", F),
    ("officer", COPY, "internal", F),
    ("officer", VIEW_PERSONAL, "internal", F),
    ("officer", APPROVE, "internal", F),
    ("officer", GRANT, "internal", F),
    ("officer", VIEW, "internal_doc", T),
    ("officer", VIEW, "secret_doc_in_internal", F),
    ("officer", VIEW_METADATA, "public_other_unit", F),
    ("officer", VIEW, "public_other_unit", F),
    # the unit head approves the unit's cases, whatever their mark
    ("head", APPROVE, "internal", T),
    ("head", APPROVE, "state_secret", T),
    ("head", VIEW, "state_secret", F),
    ("head", APPROVE, "public_other_unit", F),
    # another unit's officer
    ("other_officer", VIEW_METADATA, "internal", F),
    ("other_officer", VIEW, "public_other_unit", T),
    ("other_officer", CHANGE, "public_other_unit", T),
    # the legal office: every case's metadata, unsealed content, no sealed content (第三十条)
    ("legal", VIEW_METADATA, "internal", T),
    ("legal", VIEW_METADATA, "state_secret", T),
    ("legal", VIEW_METADATA, "public_other_unit", T),
    ("legal", VIEW, "internal", T),
    ("legal", VIEW, "personal", F),
    ("legal", VIEW, "commercial", F),
    ("legal", VIEW, "secret_doc_in_internal", F),
    ("legal", CHANGE, "internal", F),
    # the secrecy officer grants but reads no content without a grant
    ("secrecy", VIEW_METADATA, "state_secret", T),
    ("secrecy", GRANT, "state_secret", T),
    ("secrecy", GRANT, "public_other_unit", T),
    ("secrecy", VIEW, "internal", F),
    ("secrecy", VIEW, "state_secret", F),
    ("secrecy", CHANGE, "internal", F),
    # the bureau head approves; the archivist sees metadata to receive files
    ("bureau_head", APPROVE, "commercial", T),
    ("bureau_head", VIEW, "internal", F),
    ("archivist", VIEW_METADATA, "commercial", T),
    ("archivist", VIEW, "internal", F),
    # nobody else sees anything; a superuser flag is not a grant (三员分立)
    ("requester", VIEW_METADATA, "internal", F),
    ("sysadmin", VIEW_METADATA, "internal", F),
    ("sysadmin", VIEW, "internal", F),
    ("sysadmin", VIEW, "public_other_unit", F),
    ("sysadmin", GRANT, "internal", F),
    ("sysadmin", CHANGE, "internal", F),
    ("auditor", VIEW_METADATA, "internal", F),
    ("auditor", VIEW, "public_other_unit", F),
    ("nobody", VIEW_METADATA, "public_other_unit", F),
]


def test_the_default_rules_as_a_table_of_people_actions_and_objects():
    g.assert_permission_matrix(g.bureau(), DEFAULT_MATRIX)


def test_a_grant_opens_exactly_what_it_names():
    world = g.bureau()
    g.grant(world["personal"], VIEW, to=world["requester"])
    g.grant(world["personal"], COPY, to=world["requester"])
    g.assert_permission_matrix(world, [
        ("requester", VIEW_METADATA, "personal", T),
        ("requester", VIEW, "personal", T),
        ("requester", COPY, "personal", T),
        ("requester", DOWNLOAD, "personal", F),
        ("requester", VIEW_PERSONAL, "personal", F),
        ("requester", CHANGE, "personal", F),
        ("requester", VIEW, "commercial", F),
        ("requester", VIEW, "internal", F),
    ])


def test_the_decision_says_which_grant_and_cites_the_article():
    world = g.bureau()
    given = g.grant(world["personal"], VIEW, to=world["requester"])
    decision = gate.decide(g.verified(world["requester"]), VIEW, world["personal"])
    assert decision.allowed and decision.grant_id == given.pk and decision.rule == "user_grant"
    assert "第二十九条" in decision.reason
    refused = gate.decide(world["officer"], VIEW, world["personal"])
    assert not refused.allowed and "第二十九条" in refused.reason and refused.grant_id is None
    by_rule = gate.decide(world["officer"], VIEW, world["internal"])
    assert by_rule.rule == "own_unit_internal" and "第二十九条" in by_rule.reason


def test_a_superuser_without_a_grant_sees_no_content_and_has_perm_does_not_open_it():
    world = g.bureau()
    sysadmin = g.verified(world["sysadmin"])
    assert sysadmin.is_superuser
    assert not gate.decide(sysadmin, VIEW, world["public_other_unit"]).allowed
    assert not gate.visible(sysadmin, type(world["internal"])).exists()
    # has_perm answers True for any active superuser before any backend is asked; the gate's
    # backend answers the rest the gate's way
    officer = world["officer"]
    assert officer.has_perm("records.view_case", world["internal"])
    assert not officer.has_perm("records.view_case", world["personal"])


def test_guardians_own_checker_would_ignore_the_end_which_is_why_its_backend_is_not_used():
    from access import clock

    world = g.bureau()
    given = g.grant(world["personal"], VIEW, to=world["requester"], days=1)
    expired = given.valid_until + (given.valid_until - given.valid_from)
    assert ObjectPermissionChecker(world["requester"]).has_perm("view_case", world["personal"])
    assert not gate.decide(g.verified(world["requester"]), VIEW, world["personal"], at=expired)
    requester = g.fresh(world["requester"])
    original = clock.now
    try:
        clock.now = lambda: expired
        assert not requester.has_perm("records.view_case", world["personal"])
    finally:
        clock.now = original


def test_sealed_content_needs_a_verified_second_factor_even_with_a_grant():
    world = g.bureau()
    g.grant(world["state_secret"], VIEW, to=world["requester"])
    refused = gate.decide(g.unverified(world["requester"]), VIEW, world["state_secret"])
    assert not refused.allowed and refused.rule == "step_up" and "双因素" in refused.reason
    assert gate.decide(g.verified(world["requester"]), VIEW, world["state_secret"]).allowed
    # internal content needs no step-up
    assert gate.decide(g.unverified(world["officer"]), VIEW, world["internal"]).allowed


def test_granting_needs_a_verified_second_factor():
    world = g.bureau()
    assert not gate.decide(g.unverified(world["secrecy"]), GRANT, world["internal"]).allowed
    assert gate.decide(g.verified(world["secrecy"]), GRANT, world["internal"]).allowed


def test_a_case_grant_reaches_its_records_of_the_same_mark_but_not_stricter_ones():
    world = g.bureau()
    personal_doc = g.document(world["personal"])
    secret_doc = g.document(world["personal"], "state_secret")
    recording = g.av_record(world["personal"])
    g.grant(world["personal"], VIEW, to=world["requester"])
    requester = g.verified(world["requester"])
    assert gate.decide(requester, VIEW, personal_doc).allowed
    assert gate.decide(requester, VIEW, recording).allowed
    assert not gate.decide(requester, VIEW, secret_doc).allowed
    g.grant(secret_doc, VIEW, to=world["requester"])
    assert gate.decide(g.fresh(requester), VIEW, secret_doc).allowed


def test_rows_without_grants_of_their_own_are_judged_as_part_of_their_case():
    world = g.bureau()
    party = g.party(world["internal"])
    assert gate.decide(world["officer"], VIEW, party).allowed
    assert not gate.decide(world["other_officer"], VIEW, party).allowed
    stage_record = world["internal_doc"].stage_record
    assert gate.decide(world["officer"], CHANGE, stage_record).allowed


@pytest.mark.parametrize("action, obj", [
    ("launch", "internal"),      # an action the gate does not know
    (VIEW, None),                # no object
    (VIEW, "a string"),          # not a model instance
])
def test_what_the_gate_does_not_understand_is_refused(action, obj):
    world = g.bureau()
    target = world[obj] if obj == "internal" else obj
    assert not gate.decide(g.verified(world["officer"]), action, target).allowed


def test_an_object_of_an_unguarded_model_is_refused():
    world = g.bureau()
    assert not gate.decide(world["officer"], VIEW, world["officer"]).allowed  # a user row


def test_an_inactive_or_anonymous_user_is_refused_even_with_a_grant():
    from django.contrib.auth.models import AnonymousUser

    world = g.bureau()
    g.grant(world["internal"], VIEW, to=world["requester"])
    requester = world["requester"]
    requester.is_active = False
    requester.save()
    assert not gate.decide(g.fresh(requester), VIEW, world["internal"]).allowed
    assert not gate.decide(AnonymousUser(), VIEW, world["public_other_unit"]).allowed
    assert not gate.decide(None, VIEW, world["public_other_unit"]).allowed


def test_an_error_while_deciding_refuses(monkeypatch):
    world = g.bureau()

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("access.gate.core.grant_rows", broken)
    decision = gate.decide(world["officer"], VIEW, world["internal"])
    assert not decision.allowed and decision.rule == "error"


def test_require_refuses_with_a_named_error_and_a_denied_log_line():
    world = g.bureau()
    with pytest.raises(gate.core.AccessDenied) as refused:
        gate.require(world["requester"], VIEW, world["personal"])
    assert "第二十九条" in str(refused.value)
    line = AccessLogEntry.objects.filter(actor_id=world["requester"].pk, outcome="denied").get()
    assert line.object_id == str(world["personal"].pk) and line.action == "view"


# Every records service asks the gate (records/events.py routes gate_check to access.gate).


def test_records_services_ask_the_gate():
    world = g.bureau()
    case = world["internal"]
    services.stage_record_add(case=case, actor=world["officer"], stage="filing",
                              occurred_on=case.opened_on, summary="立案")
    refused = []
    for outsider in ("other_officer", "sysadmin", "legal", "secrecy"):
        try:
            services.stage_record_add(case=case, actor=world[outsider], stage="filing",
                                      occurred_on=case.opened_on, summary="立案")
        except RecordsPermissionDenied:
            refused.append(outsider)
    assert refused == ["other_officer", "sysadmin", "legal", "secrecy"]
    denied = AccessLogEntry.objects.filter(outcome="denied", object_id=str(case.pk))
    assert denied.count() == 4


def test_opening_a_case_needs_a_role_in_that_unit():
    world = g.bureau()
    values = dict(kind="penalty", title="某公司未经验收擅自投入使用案", start_mode="initiative",
                  source="inspection")
    opened = services.case_open(actor=world["officer"], unit=g.unit("xiaofang"), **values)
    assert opened.handling_unit.code == "xiaofang"
    refused = []
    for outsider in ("other_officer", "sysadmin", "requester"):
        try:
            services.case_open(actor=world[outsider], unit=g.unit("xiaofang"), **values)
        except RecordsPermissionDenied:
            refused.append(outsider)
    assert refused == ["other_officer", "sysadmin", "requester"]


def test_a_grant_does_not_reach_someone_who_later_became_system_administrator():
    from access.roles import role_groups_ensure

    world = g.bureau()
    g.grant(world["internal"], VIEW, to=world["requester"])
    assert gate.decide(g.verified(world["requester"]), VIEW, world["internal"]).allowed
    world["requester"].groups.add(role_groups_ensure()["sysadmin"])
    refused = gate.decide(g.fresh(world["requester"]), VIEW, world["internal"])
    assert not refused.allowed and refused.rule == "separation_of_duties" and "三员分立" in refused.reason
    assert not gate.visible(world["requester"], type(world["internal"]), level="content").exists()


def test_a_secrecy_officer_who_is_also_a_superuser_cannot_grant():
    world = g.bureau()
    secrecy = world["secrecy"]
    secrecy.is_superuser = True
    secrecy.save()
    refused = gate.decide(g.fresh(g.verified(secrecy)), GRANT, world["internal"])
    assert not refused.allowed and refused.rule == "separation_of_duties"
