"""The visibility filter: one SQL query that returns what a user may see, and agrees with the
gate's single decisions (第二十八条, 第二十九条, 第三十条)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access import gate
from access.gate import APPROVE, COPY, VIEW, VIEW_METADATA
from records.models import AVRecord, Case, Document

from . import gate_support as g

pytestmark = pytest.mark.django_db

CASES = ("internal", "public_other_unit", "personal", "commercial", "state_secret")

VISIBLE = {
    # who: (metadata, content)
    "officer": ({"internal", "personal", "commercial", "state_secret"}, {"internal"}),
    "head": ({"internal", "personal", "commercial", "state_secret"}, {"internal"}),
    "other_officer": ({"public_other_unit"}, {"public_other_unit"}),
    "legal": (set(CASES), {"internal", "public_other_unit"}),
    "secrecy": (set(CASES), set()),
    "archivist": (set(CASES), set()),
    "bureau_head": (set(CASES), set()),
    "requester": (set(), set()),
    "sysadmin": (set(), set()),
    "auditor": (set(), set()),
    "nobody": (set(), set()),
}


def visible_keys(world, user, level, model=Case):
    pks = set(gate.visible(user, model, level=level).values_list("pk", flat=True))
    return {key for key, obj in world.objects.items() if isinstance(obj, model) and obj.pk in pks}


def test_each_person_sees_the_cases_the_default_rules_give_and_no_other():
    world = g.bureau()
    wrong = []
    for who, (metadata, content) in VISIBLE.items():
        for level, expected in (("metadata", metadata), ("content", content)):
            got = visible_keys(world, world[who], level)
            if got != expected:
                wrong.append(f"{who} {level}: expected {sorted(expected)}, got {sorted(got)}")
    assert not wrong, "\n".join(wrong)


def test_grants_add_exactly_their_objects_to_what_a_person_sees():
    world = g.bureau()
    team = Group.objects.create(name="复议答辩组")
    world["requester"].groups.add(team)
    g.grant(world["personal"], VIEW, to=world["requester"])
    g.grant(world["state_secret"], COPY, group=team)  # a copy grant shows metadata, not content
    requester = g.fresh(world["requester"])
    assert visible_keys(world, requester, "metadata") == {"personal", "state_secret"}
    assert visible_keys(world, requester, "content") == {"personal"}


def test_the_filter_and_the_single_decision_always_agree():
    world = g.bureau()
    team = Group.objects.create(name="专案组")
    world["other_officer"].groups.add(team)
    g.grant(world["commercial"], VIEW, group=team)
    g.grant(world["personal"], VIEW, to=world["legal"])
    g.grant(world["secret_doc_in_internal"], VIEW, to=world["officer"])
    g.document(world["personal"])
    g.av_record(world["commercial"])
    models = (Case, Document, AVRecord)
    wrong = []
    for who in VISIBLE:
        user = g.fresh(g.verified(world[who]))
        for model in models:
            for level, action in (("metadata", VIEW_METADATA), ("content", VIEW)):
                listed = set(gate.visible(user, model, level=level).values_list("pk", flat=True))
                for obj in model.objects.all():
                    allowed = gate.decide(user, action, obj).allowed
                    if allowed != (obj.pk in listed):
                        wrong.append(f"{who} {level} {model.__name__} {obj.pk}: decide={allowed}")
    assert not wrong, "\n".join(wrong)


def test_a_case_grant_shows_its_records_of_the_same_mark_only():
    world = g.bureau()
    same = g.document(world["personal"])
    stricter = g.document(world["personal"], "state_secret")
    g.grant(world["personal"], VIEW, to=world["requester"])
    visible = set(gate.visible(g.fresh(world["requester"]), Document, level="content")
                  .values_list("pk", flat=True))
    assert same.pk in visible and stricter.pk not in visible


def test_the_list_and_its_count_are_each_one_query_whatever_the_number_of_rows():
    world = g.bureau()
    requester = world["requester"]
    for _ in range(12):
        g.grant(g.case(), VIEW, to=requester)
    for user in (requester, world["officer"], world["legal"]):
        gate.visible(user, Case, level="content")  # roles, unit, grant count: once per request
        with CaptureQueriesContext(connection) as queries:
            page = list(gate.visible(user, Case, level="content")[:50])
            total = gate.visible(user, Case, level="content").count()
        assert len(queries) == 2, [q["sql"] for q in queries]
        assert total == len(page) > 0
    sql = str(gate.visible(requester, Case, level="content").query)
    assert "UNION" in sql and "records_caseuserpermission" in sql


def test_page_flags_take_the_same_number_of_queries_for_ten_rows_as_for_forty():
    world = g.bureau()
    cases = [g.case() for _ in range(40)]
    for case in cases[::3]:
        g.grant(case, VIEW, to=world["requester"])
    team = Group.objects.create(name="专案组")
    world["requester"].groups.add(team)
    for case in cases[1::5]:
        g.grant(case, COPY, group=team)
    counts = []
    for size in (10, 40):
        requester = g.fresh(g.verified(world["requester"]))
        with CaptureQueriesContext(connection) as queries:
            flags = gate.flags(requester, cases[:size], (VIEW, COPY, APPROVE))
        counts.append(len(queries))
        assert len(flags) == size
        assert flags[cases[0].pk][VIEW].allowed and not flags[cases[1].pk][VIEW].allowed
        assert not flags[cases[0].pk][APPROVE].allowed
    assert counts[0] == counts[1] <= 3


def test_page_flags_agree_with_single_decisions():
    world = g.bureau()
    g.grant(world["personal"], VIEW, to=world["head"])
    cases = [world[key] for key in CASES]
    for who in ("officer", "head", "legal", "secrecy", "sysadmin"):
        user = g.verified(world[who])
        flags = gate.flags(user, cases, (VIEW_METADATA, VIEW, COPY, APPROVE))
        for case in cases:
            for action, decision in flags[case.pk].items():
                assert decision.allowed == gate.decide(user, action, case).allowed, (who, action, case)


def test_a_grant_only_readers_count_reads_the_grants_alone_until_the_list_is_filtered_further():
    world = g.bureau()
    requester = world["requester"]
    for mark in ("personal", "personal", "internal"):
        g.grant(g.case(mark=mark), VIEW, to=requester)
    g.grant(world["internal"], VIEW, to=requester, days=1)
    g.grant(world["personal"], VIEW, to=requester).__class__.objects.filter(
        content_object=world["personal"]).update(revoked_at=g._now())
    visible = gate.visible(g.fresh(requester), Case, level="content").order_by("-opened_on")
    with CaptureQueriesContext(connection) as queries:
        total = visible.count()
    assert total == 4 == len(list(visible))
    assert "records_case\"" not in queries[0]["sql"] and "records_case " not in queries[0]["sql"]
    narrowed = visible.filter(mark="personal")
    with CaptureQueriesContext(connection) as queries:
        assert narrowed.count() == 2 == len(list(narrowed))
    assert "records_case" in queries[0]["sql"]
    assert gate.visible(requester, Case, level="content")[:2].count() == 2


def test_a_reader_with_many_grants_gets_the_list_first_shape_and_the_same_rows(monkeypatch):
    world = g.bureau()
    team = Group.objects.create(name="专案组")
    world["requester"].groups.add(team)
    cases = [g.case(mark=mark) for mark in ("internal", "personal", "public", "personal")]
    g.grant(cases[0], VIEW, to=world["requester"])
    g.grant(cases[1], VIEW, to=world["requester"])
    g.grant(cases[1], VIEW, group=team)
    g.grant(cases[2], VIEW, group=team)
    g.grant(cases[3], COPY, to=world["requester"])
    few = gate.visible(g.fresh(world["requester"]), Case, level="content")
    monkeypatch.setattr("access.gate.filters.GRANT_FIRST_BELOW", 2)
    many = gate.visible(g.fresh(world["requester"]), Case, level="content")
    assert "UNION" in str(few.query) and "UNION" not in str(many.query)
    expected = {case.pk for case in cases[:3]}
    assert set(few.values_list("pk", flat=True)) == expected == set(many.values_list("pk", flat=True))
    assert few.count() == many.count() == 3
    assert gate.visible(g.fresh(world["requester"]), Case, level="metadata").count() == 4
