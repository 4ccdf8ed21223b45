"""The kinds of act and their stages (第十条), and how a case starts (第十一条)."""

from policies.catalogue import CATALOGUE_2021 as catalogue
from policies.starts import CASE_SOURCES


def codes(kind):
    return catalogue.kind(kind).stage_codes


def test_each_kind_has_the_stages_of_article_ten_and_ends_with_archiving():
    assert codes("penalty") == ("filing", "investigation", "notice", "statement_defence", "hearing",
                                "review_decision", "service", "execution", "closing", "archiving")
    assert codes("coercion") == ("report_approval", "notice", "statement_defence", "review_decision",
                                 "service", "implementation", "archiving")
    assert codes("inspection") == ("inspection", "result", "archiving")
    assert codes("licensing") == ("application", "acceptance", "examination", "hearing",
                                  "review_decision", "service", "change_renewal",
                                  "revocation_cancellation", "archiving")
    assert codes("expropriation") == ("approval", "notice_announcement", "implementation", "archiving")
    assert codes("other") == ("record", "archiving")


def test_confirmation_follows_the_licensing_stages():
    assert codes("confirmation") == codes("licensing")
    assert catalogue.kind("confirmation").name == "行政确认"


def test_only_hearings_change_renewal_and_revocation_are_conditional_with_a_stated_condition():
    conditional = {(kind.code, stage.code): stage.condition
                   for kind in catalogue.kinds for stage in kind.conditional_stages}
    assert set(conditional) == {
        ("penalty", "hearing"),
        ("licensing", "hearing"), ("licensing", "change_renewal"), ("licensing", "revocation_cancellation"),
        ("confirmation", "hearing"), ("confirmation", "change_renewal"),
        ("confirmation", "revocation_cancellation"),
    }
    assert conditional[("penalty", "hearing")] == "当事人申请听证时"
    assert "申请变更或延续" in conditional[("licensing", "change_renewal")]
    for kind in catalogue.kinds:
        for stage in kind.required_stages:
            assert stage.condition == ""


def test_every_stage_cites_article_ten_except_archiving_which_cites_sixteen():
    for kind in catalogue.kinds:
        for stage in kind.stages:
            assert stage.article == ("第十六条" if stage.code == "archiving" else "第十条")


def test_licensing_starts_on_application_and_penalty_on_the_bureaus_initiative_with_its_source():
    assert catalogue.kind("licensing").start_modes == ("application",)
    assert catalogue.kind("penalty").start_modes == ("initiative",)
    assert set(catalogue.kind("other").start_modes) == {"application", "initiative"}
    initiative = catalogue.start_mode("initiative")
    assert initiative.article == "第十一条"
    assert [source.name for source in initiative.sources] == ["检查", "交办", "移送", "投诉举报"]
    assert initiative.sources == CASE_SOURCES
    assert catalogue.start_mode("application").records == ("申请", "登记", "告知", "补正")
