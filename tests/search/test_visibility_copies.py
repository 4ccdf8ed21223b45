"""The search filter judges who may see an entry on the entry's own copies of its case's unit
and marks (search.visibility), and database triggers keep those copies exact in the
transaction that changes a mark or a unit (search.entry_copies, 第二十九条).

The reference is the access gate's own decision on each entry's object (access.gate.decide,
read from the records' tables): for every reader, the entries the filter shows must be
exactly those the gate allows, before and after marks and units change, with no re-index in
between."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from access import clock, gate
from policies.marks import MARK_ORDER
from records.models import AVRecord, Case, CaseOfficer, Document, StageRecord
from search.indexing import case_index
from search.models import EntryKind, EntryOfficer, SearchEntry
from search.visibility import visible_entries
from tests.access import gate_support as g

pytestmark = pytest.mark.django_db

MARKS = [mark.value for mark in MARK_ORDER]
#: a later moment, at which the one-day grant has ended and the others still run
LATER = timedelta(days=2)


def _stricter(mark: str) -> str:
    return MARKS[min(MARKS.index(mark) + 1, len(MARKS) - 1)]


def _stage(case, mark):
    return StageRecord.objects.create(case=case, stage="investigation", summary="调查取证",
                                      occurred_on=case.opened_on, mark=mark,
                                      recorded_by=case.opened_by)


def _document(record, mark):
    return Document.objects.create(stage_record=record, doc_kind="询问笔录",
                                   issued_on=record.occurred_on, text="笔录内容", mark=mark,
                                   created_by=record.recorded_by)


def _world():
    """Two units × five marks; each case with records at its own mark and stricter, a party;
    grants of every kind that reaches search; readers of every role."""
    people = {
        "officer": g.person("officer", "officer"),
        "head": g.person("head", "unit_head"),
        "other_officer": g.person("other_officer", "officer", unit_code="shenpi"),
        "legal": g.person("legal", "legal", unit_code="fagui"),
        "secrecy": g.person("secrecy", "secrecy", unit_code="fagui"),
        "bureau_head": g.person("bureau_head", "bureau_head", unit_code="fagui"),
        "archivist": g.person("archivist", "archivist", unit_code="fagui"),
        "requester": g.person("requester", "requester", unit_code="renshi"),
        "reviewer": g.person("reviewer", "requester", unit_code="renshi"),
        "sysadmin": g.person("sysadmin", "sysadmin", unit_code=None, is_superuser=True,
                             is_staff=True),
        "auditor": g.person("auditor", "auditor", unit_code=None),
        "nobody": g.person("nobody", unit_code=None),
        "gone": g.person("gone", "officer", is_active=False),
    }
    cases = {}
    for unit_code in ("xiaofang", "shenpi"):
        for mark in MARKS:
            case = g.case(unit_code, mark, opener=people["officer"])
            plain, strict = _stage(case, mark), _stage(case, _stricter(mark))
            case.docs = [_document(plain, mark), _document(plain, _stricter(mark))]
            case.avs = [g.av_record(case, mark), g.av_record(case, _stricter(mark))]
            case.stages = [plain, strict]
            g.party(case)
            cases[(unit_code, mark)] = case
    requester, reviewer = people["requester"], people["reviewer"]
    reviewers = Group.objects.create(name="专项复查组")
    reviewer.groups.add(reviewers)
    g.grant(cases[("xiaofang", "personal")], "view", to=requester)
    g.grant(cases[("xiaofang", "personal")], "view_personal", to=requester)
    g.grant(cases[("shenpi", "internal")].docs[1], "view", to=requester)
    g.grant(cases[("shenpi", "public")].avs[1], "view", to=requester)
    g.grant(cases[("xiaofang", "state_secret")], "view", to=requester, days=1)  # ends
    g.grant(cases[("shenpi", "commercial_secret")], "download", to=requester)  # no content
    g.grant(cases[("shenpi", "commercial_secret")], "view", group=reviewers)
    g.grant(cases[("xiaofang", "internal")].docs[1], "view", group=reviewers)
    g.grant(cases[("shenpi", "state_secret")], "view", to=people["legal"])
    case_index([case.pk for case in cases.values()])
    return people, cases


def _object_and_action(entry):
    kind = entry.kind
    if kind == EntryKind.CASE:
        return Case.objects.get(pk=entry.case_id), gate.VIEW_METADATA
    if kind == EntryKind.CONTENT:
        return Case.objects.get(pk=entry.case_id), gate.VIEW
    if kind == EntryKind.PERSONAL:
        return Case.objects.get(pk=entry.case_id), gate.VIEW_PERSONAL
    if kind == EntryKind.STAGE:
        return StageRecord.objects.select_related("case").get(pk=entry.stage_record_id), gate.VIEW
    if kind == EntryKind.DOCUMENT:
        return Document.objects.select_related("stage_record__case") \
            .get(pk=entry.document_id), gate.VIEW
    return AVRecord.objects.select_related("case").get(pk=entry.av_record_id), gate.VIEW


def _mismatches(people, *, verified=True):
    """Where the filter disagrees with the gate, for every reader and entry. Search shows a
    sealed record to a reader with access whether or not the session passed the second
    factor (opening it asks for it, 第二十九条); the party-data entry needs it."""
    at = clock.now() + LATER
    entries = list(SearchEntry.objects.exclude(kind=EntryKind.PAGE).order_by("key"))
    judged = [(entry, *_object_and_action(entry)) for entry in entries]
    wrong = []
    for name, user in {**people, "anonymous": AnonymousUser()}.items():
        signed_in = not isinstance(user, AnonymousUser)
        if signed_in:
            user = g.fresh(g.verified(user) if verified else g.unverified(user))
        shown = set(visible_entries(user, at=at).values_list("key", flat=True))
        if signed_in:
            g.verified(user)
        for entry, obj, action in judged:
            allowed = gate.decide(user, action, obj, at=at).allowed \
                and (verified or action != gate.VIEW_PERSONAL)
            if allowed != (entry.key in shown):
                wrong.append(f"{name} {entry.key} ({entry.kind}, mark {entry.mark}, case "
                             f"{entry.case_mark}): gate {'allows' if allowed else 'refuses'}")
    return wrong


def _copies():
    return list(SearchEntry.objects.exclude(kind=EntryKind.PAGE).order_by("key")
                .values_list("key", "mark", "case_mark", "unit_id", "stricter_than_case"))


def test_every_reader_sees_exactly_the_entries_the_gate_allows():
    people, cases = _world()
    wrong = _mismatches(people)
    assert not wrong, "\n".join(wrong)
    # the world reaches every branch: shown and hidden entries of each kind for someone
    requester = g.fresh(g.verified(people["requester"]))
    shown = set(visible_entries(requester, at=clock.now() + LATER).values_list("kind", "key"))
    assert {kind for kind, _ in shown} == {"case", "content", "stage", "document", "av",
                                           "personal"}
    assert f"case:{cases[('xiaofang', 'state_secret')].pk}" not in {key for _, key in shown}


def test_without_the_second_factor_no_party_data_entry_is_shown():
    people, cases = _world()
    requester = g.fresh(g.unverified(people["requester"]))
    kinds = set(visible_entries(requester).values_list("kind", flat=True))
    assert "personal" not in kinds and "content" in kinds
    wrong = _mismatches(people, verified=False)
    assert not wrong, "\n".join(wrong)


def test_marks_and_units_changed_in_the_database_count_before_any_re_index():
    people, cases = _world()
    raised, lowered, moved = (cases[("xiaofang", "internal")], cases[("shenpi", "internal")],
                              cases[("xiaofang", "public")])
    # writes that send no signal the index listens to: only the triggers see them
    Case.objects.filter(pk=raised.pk).update(mark="commercial_secret")
    Case.objects.filter(pk=lowered.pk).update(mark="public")
    Case.objects.filter(pk=moved.pk).update(handling_unit=g.unit("shenpi"))
    Document.objects.filter(pk=cases[("xiaofang", "public")].docs[0].pk).update(mark="state_secret")
    Document.objects.filter(pk=cases[("shenpi", "personal")].docs[1].pk).update(mark="personal")
    AVRecord.objects.filter(pk=cases[("shenpi", "public")].avs[0].pk).update(mark="personal")
    StageRecord.objects.filter(pk=cases[("xiaofang", "public")].stages[0].pk) \
        .update(mark="internal")
    wrong = _mismatches(people)
    assert not wrong, "\n".join(wrong)
    officer = g.fresh(g.verified(people["officer"]))
    assert not visible_entries(officer).filter(case_id=raised.pk, kind="content").exists()
    # the copies are what a re-index writes, and the re-index writes them again
    copies = _copies()
    changed = SearchEntry.objects.filter(digest__isnull=True).count()
    assert changed > 0
    case_index([case.pk for case in cases.values()])
    assert _copies() == copies
    assert not SearchEntry.objects.filter(digest__isnull=True).exists()


def test_a_case_whose_mark_is_raised_through_the_service_is_hidden_at_once():
    from records.services import case_mark_set

    people, cases = _world()
    case = cases[("xiaofang", "internal")]
    officer = g.fresh(g.verified(people["officer"]))
    assert visible_entries(officer).filter(case_id=case.pk, kind="document").count() == 1
    case_mark_set(case=case, actor=officer, mark="state_secret")  # no on-commit in a test
    officer = g.fresh(officer)
    assert not visible_entries(officer).filter(case_id=case.pk).exclude(kind="case").exists()
    assert set(SearchEntry.objects.filter(case_id=case.pk).values_list("mark", flat=True)) \
        == {"state_secret"}
    wrong = _mismatches(people)
    assert not wrong, "\n".join(wrong)


def test_a_case_deleted_in_the_database_leaves_no_entry_nor_officer_row():
    officer = g.person("officer", "officer")
    case = g.case("xiaofang", "internal", opener=officer)
    CaseOfficer.objects.create(case=case, officer=officer.staff_profile)
    case_index([case.pk])
    entries = list(SearchEntry.objects.filter(case_id=case.pk).values_list("pk", flat=True))
    assert entries and EntryOfficer.objects.filter(entry_id__in=entries).exists()
    CaseOfficer.objects.filter(case=case).delete()  # a case's officers protect it
    assert EntryOfficer.objects.filter(entry_id__in=entries).exists()  # no re-index in a test
    # a DELETE that Django's collector does not see (it would cascade to the entries itself)
    Case.objects.filter(pk=case.pk)._raw_delete(Case.objects.db)
    assert not SearchEntry.objects.filter(pk__in=entries).exists()
    assert not EntryOfficer.objects.filter(entry_id__in=entries).exists()


def test_a_stage_record_deleted_in_the_database_takes_its_entry_only():
    officer = g.person("officer", "officer")
    case = g.case("xiaofang", "internal", opener=officer)
    kept, dropped = _stage(case, "internal"), _stage(case, "internal")
    case_index([case.pk])
    dropped_pk = dropped.pk
    StageRecord.objects.filter(pk=dropped_pk)._raw_delete(StageRecord.objects.db)
    assert not SearchEntry.objects.filter(stage_record_id=dropped_pk).exists()
    assert SearchEntry.objects.filter(stage_record_id=kept.pk, kind="stage").exists()
    assert SearchEntry.objects.filter(case_id=case.pk, kind="case").exists()


def test_every_migrate_puts_the_triggers_back():
    """SQLite drops a table's triggers when Django remakes the table for a later migration;
    post_migrate installs them again."""
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import connection

    from search.entry_copies import uninstall_statements

    officer = g.person("officer", "officer")
    case = g.case("xiaofang", "internal", opener=officer)
    case_index([case.pk])
    with connection.cursor() as cursor:
        for statement in uninstall_statements(connection.vendor):
            cursor.execute(statement)
    Case.objects.filter(pk=case.pk).update(mark="state_secret")
    assert SearchEntry.objects.get(key=f"case:{case.pk}").case_mark == "internal"  # gone
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    Case.objects.filter(pk=case.pk).update(mark="commercial_secret")
    assert SearchEntry.objects.get(key=f"case:{case.pk}").case_mark == "commercial_secret"
