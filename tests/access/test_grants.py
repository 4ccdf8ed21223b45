"""Grants that start, end, give a reason and name who gave them (第二十八条, 第二十九条):
judged at every check against access.clock, revoked on the next request, kept as history,
given only by the secrecy role with a verified second factor, every one logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from access import clock, gate
from access.exceptions import AccessDenied, GrantError
from access.grants import grant_give, grant_revoke
from access.log.models import AccessLogEntry
from records.models import Case
from records.permissions import CaseGroupPermission, CaseUserPermission

from . import gate_support as g

pytestmark = pytest.mark.django_db


@pytest.fixture
def at(monkeypatch):
    """Move the access clock: at(days=3) is three days from the test's start."""
    start = clock.now()

    def move(**delta):
        moment = start + timedelta(**delta)
        monkeypatch.setattr("access.clock.now", lambda: moment)
        return moment

    move()  # the clock stands still at the start until a test moves it
    return move


def shows(user, case, level="content") -> bool:
    return gate.visible(g.fresh(g.verified(user)), Case, level=level).filter(pk=case.pk).exists()


def test_a_grant_shows_the_case_until_its_end_and_no_longer(at):
    world = g.bureau()
    g.grant(world["personal"], "view", to=world["requester"], days=10)
    at(days=9, hours=23)
    assert shows(world["requester"], world["personal"])
    assert gate.decide(g.fresh(world["requester"]), "view", world["personal"]).allowed
    at(days=10)
    assert not shows(world["requester"], world["personal"])
    assert not shows(world["requester"], world["personal"], level="metadata")
    assert not gate.decide(g.fresh(world["requester"]), "view", world["personal"]).allowed


def test_a_grant_that_has_not_started_does_not_count_yet(at):
    world = g.bureau()
    g.grant(world["personal"], "view", to=world["requester"], start=clock.now() + timedelta(days=2),
            days=5)
    assert not shows(world["requester"], world["personal"])
    at(days=2, seconds=1)
    assert shows(world["requester"], world["personal"])


def test_a_revoked_grant_stops_on_the_next_check_and_keeps_its_row():
    world = g.bureau()
    given = g.grant(world["personal"], "view", to=world["requester"])
    requester = g.verified(world["requester"])
    assert gate.decide(requester, "view", world["personal"]).allowed
    grant_revoke(actor=g.verified(world["secrecy"]), grant=given, reason="调阅已完成")
    assert not gate.decide(requester, "view", world["personal"]).allowed  # same user object
    assert not shows(world["requester"], world["personal"])
    row = CaseUserPermission.objects.get(pk=given.pk)
    assert row.revoked_at is not None and row.revoked_by == world["secrecy"]
    assert row.revoke_reason == "调阅已完成" and row.status is gate.GrantStatus.REVOKED


def test_a_group_grant_reaches_every_member_and_only_them():
    world = g.bureau()
    team = Group.objects.create(name="专案组")
    world["requester"].groups.add(team)
    g.grant(world["commercial"], "view", group=team)
    assert shows(world["requester"], world["commercial"])
    assert not shows(world["other_officer"], world["commercial"])
    world["requester"].groups.remove(team)
    assert not shows(world["requester"], world["commercial"])


@pytest.mark.parametrize("who, verify", [
    ("officer", True), ("head", True), ("legal", True), ("sysadmin", True), ("auditor", True),
    ("secrecy", False),
])
def test_only_the_secrecy_role_with_a_verified_second_factor_may_grant(who, verify):
    world = g.bureau()
    actor = g.verified(world[who]) if verify else g.unverified(world[who])
    with pytest.raises(AccessDenied):
        grant_give(actor=actor, obj=world["internal"], action="view", user=world["requester"],
                   valid_until=clock.now() + timedelta(days=1), reason="调阅")
    assert not CaseUserPermission.objects.exists()
    line = AccessLogEntry.objects.get(action="grant", outcome="denied")
    assert line.actor_id == world[who].pk


def test_a_holder_of_the_grant_permission_may_grant_on_that_object_only():
    world = g.bureau()
    g.grant(world["internal"], "grant", to=world["head"])
    head = g.verified(world["head"])
    grant_give(actor=head, obj=world["internal"], action="view", user=world["requester"],
               valid_until=clock.now() + timedelta(days=1), reason="本单位调阅")
    with pytest.raises(AccessDenied):
        grant_give(actor=head, obj=world["personal"], action="view", user=world["requester"],
                   valid_until=clock.now() + timedelta(days=1), reason="本单位调阅")


@pytest.mark.parametrize("change, message", [
    ({"reason": "  "}, "理由"),
    ({"valid_until": "before start"}, "截止时间应晚于生效时间"),
    ({"valid_until": "past"}, "生效时间不得早于授权时间"),
    ({"valid_until": "just past"}, "截止时间已过"),
    ({"action": "launch"}, "不能对案卷授予"),
    ({"user": "self"}, "不得为本人授权"),
    ({"user": "sysadmin"}, "系统管理员和审计员不得获得内容权限"),
    ({"user": "auditor"}, "系统管理员和审计员不得获得内容权限"),
    ({"user": None}, "应指定一名用户或一个用户组"),
])
def test_a_grant_the_rules_do_not_allow_is_refused_with_the_article(change, message):
    world = g.bureau()
    secrecy = g.verified(world["secrecy"])
    now = clock.now()
    values = dict(actor=secrecy, obj=world["internal"], action="view", user=world["requester"],
                  valid_from=now, valid_until=now + timedelta(days=1), reason="调阅")
    values.update(change)
    if values["valid_until"] == "before start":
        values["valid_until"] = now - timedelta(seconds=1)
    if values["valid_until"] == "past":
        values["valid_from"], values["valid_until"] = now - timedelta(days=2), now - timedelta(days=1)
    if values["valid_until"] == "just past":
        values["valid_from"], values["valid_until"] = now - timedelta(minutes=2), now - timedelta(minutes=1)
    if values["user"] in ("self", "sysadmin", "auditor"):
        values["user"] = secrecy if values["user"] == "self" else world[values["user"]]
    with pytest.raises(GrantError) as refused:
        grant_give(**values)
    assert message in refused.value.message and "第二十九条" in refused.value.message
    assert not CaseUserPermission.objects.exists()


def test_the_secrecy_officer_cannot_grant_to_a_group_of_their_own():
    world = g.bureau()
    with pytest.raises(GrantError):
        g.grant(world["internal"], "view", group=Group.objects.get(name="secrecy"),
                by=world["secrecy"])


def test_granting_again_replaces_the_unrevoked_grant_and_keeps_it_as_history():
    world = g.bureau()
    first = g.grant(world["personal"], "view", to=world["requester"], days=1)
    second = g.grant(world["personal"], "view", to=world["requester"], days=30)
    rows = CaseUserPermission.objects.filter(user=world["requester"]).order_by("id")
    assert list(rows.values_list("id", flat=True)) == [first.pk, second.pk]
    first.refresh_from_db()
    assert first.revoked_at is not None and first.revoke_reason == "由新的授权取代"
    assert rows.filter(revoked_at__isnull=True).get() == second


def test_every_grant_and_revocation_is_written_to_the_access_log():
    world = g.bureau()
    given = g.grant(world["personal"], "copy", to=world["requester"], reason="复制给复议机关")
    grant_revoke(actor=g.verified(world["secrecy"]), grant=given, reason="已复制")
    granted = AccessLogEntry.objects.get(action="grant", outcome="ok")
    revoked = AccessLogEntry.objects.get(action="revoke", outcome="ok")
    for line in (granted, revoked):
        assert line.object_type == "records.case" and line.object_id == str(world["personal"].pk)
        assert line.actor_id == world["secrecy"].pk
        assert f'"grant_id":{given.pk}' in line.detail and '"permission":"copy"' in line.detail
    assert "复制给复议机关" in granted.detail and "已复制" in revoked.detail


def test_revoking_needs_a_reason_and_cannot_happen_twice():
    world = g.bureau()
    given = g.grant(world["personal"], "view", to=world["requester"])
    secrecy = g.verified(world["secrecy"])
    with pytest.raises(GrantError):
        grant_revoke(actor=secrecy, grant=given, reason="")
    grant_revoke(actor=secrecy, grant=given, reason="完成")
    with pytest.raises(GrantError):
        grant_revoke(actor=secrecy, grant=given, reason="再次")


def test_the_tables_are_guardians_direct_foreign_key_ones():
    world = g.bureau()
    assert get_user_obj_perms_model(world["internal"]) is CaseUserPermission
    assert get_group_obj_perms_model(world["internal"]) is CaseGroupPermission
    field = CaseUserPermission._meta.get_field("content_object")
    assert field.related_model is Case and field.db_constraint
