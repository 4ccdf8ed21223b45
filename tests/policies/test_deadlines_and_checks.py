"""Deadlines (第二十五条, 第二十六条) and the completeness checks that cite their articles."""

from datetime import date, datetime, timedelta, timezone

import pytest

from policies import checks
from policies.calendar import UnknownYearError, WorkingDayCalendar, YearCalendar
from policies.catalogue import CATALOGUE_2021 as catalogue
from policies.deadlines import archive_deadline, storage_deadline

CST = timezone(timedelta(hours=8))


@pytest.fixture(scope="module")
def calendar():
    return WorkingDayCalendar.from_package()


def test_a_recording_is_stored_within_24_hours_of_being_made():
    end = datetime(2025, 9, 30, 16, 0, tzinfo=CST)
    assert storage_deadline(end) == datetime(2025, 10, 1, 16, 0, tzinfo=CST)


def test_when_the_officer_could_not_store_in_time_the_24_hours_run_from_the_return_to_the_unit():
    end = datetime(2025, 9, 30, 16, 0, tzinfo=CST)
    back = datetime(2025, 10, 2, 9, 30, tzinfo=CST)
    assert storage_deadline(end, returned_to_unit_at=back) == datetime(2025, 10, 3, 9, 30, tzinfo=CST)
    with pytest.raises(ValueError, match="第二十六条"):
        storage_deadline(end, returned_to_unit_at=end - timedelta(hours=1))


def test_the_archive_deadline_is_twenty_working_days_on_the_official_calendar(calendar):
    assert archive_deadline(date(2025, 9, 26), calendar) == date(2025, 10, 30)
    assert archive_deadline(datetime(2025, 9, 26, 23, 0), calendar) == date(2025, 10, 30)


def test_a_case_closed_in_december_2026_has_no_archive_deadline_until_2027_is_entered(calendar):
    with pytest.raises(UnknownYearError) as caught:
        archive_deadline(date(2026, 12, 20), calendar)
    assert caught.value.year == 2027
    entered = YearCalendar(2027, frozenset({date(2027, 1, 1)}), frozenset(), "管理员录入")
    assert archive_deadline(date(2026, 12, 20), WorkingDayCalendar.from_package([entered])) == date(2027, 1, 18)


def test_missing_stages_are_reported_and_conditional_ones_only_when_they_happened():
    penalty = catalogue.kind("penalty")
    recorded = ["filing", "investigation", "notice", "review_decision", "service", "execution",
                "closing", "archiving"]
    missing = checks.stage_findings(penalty, recorded)
    assert [f.subject for f in missing] == ["penalty/statement_defence"]
    assert missing[0].article == "第十条"
    with_hearing = checks.stage_findings(penalty, recorded, occurred={"hearing"})
    assert [f.subject for f in with_hearing] == ["penalty/statement_defence", "penalty/hearing"]
    assert checks.stage_findings(penalty, ["filing"], reached="investigation")[0].subject == "penalty/investigation"
    assert checks.stage_findings(penalty, ["filing", "investigation"], reached="investigation") == []


def test_an_unsigned_document_without_a_recorded_refusal_is_incomplete():
    findings = checks.signature_findings(document="询问笔录", officers_signed=False, party_signed=False)
    assert [f.code for f in findings] == ["unsigned_officers", "unsigned_party"]
    assert all(f.article == "第十三条" for f in findings)
    assert checks.signature_findings(document="询问笔录", officers_signed=True, party_signed=False,
                                     party_refusal_recorded=True) == []


def test_a_general_procedure_penalty_without_legal_review_is_a_finding():
    [finding] = checks.legal_review_findings("penalty", major=False, general_procedure=True,
                                             has_legal_review=False)
    assert finding.article == "第十四条"
    assert checks.legal_review_findings("inspection", major=False, general_procedure=True,
                                        has_legal_review=False) == []


def test_a_required_recording_that_is_missing_is_a_finding_citing_article_nineteen():
    rule = catalogue.av_rule_for_case("coercion", "implementation")
    [finding] = checks.av_findings(rule, recordings=0)
    assert "全过程不间断" in finding.message and finding.article == "第十九条"
    assert checks.av_findings(catalogue.av_rule("penalty", "filing"), recordings=0) == []


def test_an_interruption_needs_an_objective_cause_and_an_explanation():
    findings = checks.interruption_findings(cause="lunch", resumed=True, spoken_explanation=False,
                                            written_explanation=False)
    assert [f.code for f in findings] == ["interruption_cause", "interruption_unexplained"]
    assert checks.interruption_findings(cause="low_battery", resumed=False, spoken_explanation=False,
                                        written_explanation=False)[0].code == "interruption_no_written"
    assert checks.interruption_findings(cause="obstruction", resumed=True, spoken_explanation=True,
                                        written_explanation=False) == []


def test_late_storage_and_late_archiving_are_findings(calendar):
    end = datetime(2025, 9, 30, 16, 0, tzinfo=CST)
    late = checks.storage_findings(recorded_end=end, stored_at=end + timedelta(hours=25), now=end)
    assert late[0].code == "storage_late" and late[0].article == "第二十六条"
    overdue = checks.storage_findings(recorded_end=end, stored_at=None, now=end + timedelta(days=2))
    assert overdue[0].code == "storage_overdue"
    archived_late = checks.archive_findings(act_ended=date(2025, 9, 26), archived_on=date(2025, 11, 3),
                                            today=date(2025, 11, 3), calendar=calendar)
    assert archived_late[0].code == "archive_late" and "2个工作日" in archived_late[0].message
    assert checks.archive_findings(act_ended=date(2025, 9, 26), archived_on=date(2025, 10, 30),
                                   today=date(2025, 11, 3), calendar=calendar) == []
