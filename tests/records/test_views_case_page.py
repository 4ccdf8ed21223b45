"""The case page (/cases/<id>/): 404 for what the reader may not see (and for a guessed id),
the stages as a timeline in catalogue order with the findings beside them, masked parties and
the logged unmasking, and the page's own access-log line."""

from __future__ import annotations

import re
from datetime import date

import pytest

from access.log.models import AccessLogEntry
from tests.access import gate_support as g
from tests.records import factories
from tests.records.views_support import log_lines, login

pytestmark = pytest.mark.django_db


def stage_codes(html: str) -> list[str]:
    return re.findall(r'data-stage="([a-z_]+)"', html)


def stage_block(html: str, code: str) -> str:
    return re.search(rf'data-stage="{code}">(.*?)</li>\s*(?:<li class="timeline__stage|</ol>)', html, re.S).group(1)


def test_a_case_of_another_unit_and_a_guessed_id_both_answer_404_and_are_logged(client):
    world = g.bureau()
    login(client, world["other_officer"])
    hidden = world["internal"]
    assert client.get(f"/cases/{hidden.pk}/").status_code == 404
    assert client.get("/cases/987654/").status_code == 404
    denied = log_lines(actor_username="other_officer", outcome="denied")
    assert {line.object_id for line in denied} == {str(hidden.pk), "987654"}
    # nothing in the answer tells that the case exists
    for url in (f"/cases/{hidden.pk}/", "/cases/987654/"):
        html = client.get(url).content.decode()
        assert hidden.number not in html and hidden.title not in html


def test_the_timeline_lists_the_stages_of_the_kind_in_order_with_findings_and_articles(client):
    case = factories.penalty_case()
    record = factories.stage(case, "filing")
    factories.stage(case, "investigation", date(2026, 3, 3))
    document = factories.signed_document(case, record, doc_kind="立案审批表")
    from records import services
    unsigned = services.document_add(stage_record=record, actor=case.actor, doc_kind="询问笔录",
                                     issued_on=record.occurred_on, text="问答")
    login(client, case.actor)
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert stage_codes(html) == ["filing", "investigation", "notice", "statement_defence", "hearing",
                                 "review_decision", "service", "execution", "closing", "archiving"]
    hearing = stage_block(html, "hearing")
    assert "条件环节" in hearing and "当事人申请听证时" in hearing
    filing = stage_block(html, "filing")
    assert "立案审批表" in filing and document.doc_kind in filing
    # the unsigned document's finding sits beside its stage, citing 第十三条
    assert "询问笔录" in filing and "第十三条" in filing and "缺少行政执法人员签字" in filing
    assert unsigned.pk
    # investigation is on site: the missing recording is a finding beside it (第十九条)
    investigation = stage_block(html, "investigation")
    assert re.search(r"第[一二三四五六七八九十]+条", investigation)
    assert "timeline__stage--finding" in html


def test_the_page_writes_its_line_naming_the_case_and_the_records_shown(client):
    case = factories.penalty_case()
    record = factories.stage(case, "filing")
    document = factories.signed_document(case, record)
    login(client, case.actor)
    before = AccessLogEntry.objects.count()
    client.get(f"/cases/{case.pk}/")
    lines = log_lines(action="view", object_type="records.case", object_id=str(case.pk), outcome="ok",
                      path=f"/cases/{case.pk}/")
    assert len(lines) == 1
    assert f'"documents":[{document.pk}]' in lines[0].detail
    assert AccessLogEntry.objects.count() > before


def test_the_legal_office_sees_metadata_of_a_sealed_case_but_not_its_content(client):
    world = g.bureau()
    sealed = world["state_secret"]
    g.party(sealed)
    login(client, world["legal"])
    response = client.get(f"/cases/{sealed.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert sealed.number in html
    assert "李某" not in html and sealed.title not in html
    assert "须另行授权" in html or "须经授权" in html or "须经批准" in html


def test_a_record_marked_stricter_than_its_case_is_withheld(client):
    world = g.bureau()
    secret = world["secret_doc_in_internal"]
    open_doc = world["internal_doc"]
    login(client, world["officer"])
    html = client.get(f"/cases/{world['internal'].pk}/").content.decode()
    block = re.search(rf'data-document-id="{secret.pk}">(.*?)</div>', html, re.S).group(1)
    assert "须经授权方可查阅" in block and "笔录内容" not in block
    shown = re.search(rf'data-document-id="{open_doc.pk}">(.*?)</div>', html, re.S).group(1)
    assert "笔录内容" in shown


def test_parties_are_masked_and_unmasking_without_the_grant_is_refused_and_logged(client):
    world = g.bureau()
    case = world["internal"]
    g.party(case)
    login(client, world["officer"])
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert g.IDENTITY_NUMBER not in html and g.PHONE not in html
    assert "138****5678" in html
    assert 'id="unmask"' not in html  # nothing to offer without the personal-data permission
    response = client.post(f"/cases/{case.pk}/unmask/")
    assert g.IDENTITY_NUMBER not in response.content.decode()
    assert log_lines(action="unmask", outcome="denied", actor_username="officer")


def test_unmasking_with_the_grant_shows_the_values_and_writes_an_unmask_line(client):
    world = g.bureau()
    case = world["internal"]
    party = g.party(case)
    g.grant(case, "view_personal", to=world["officer"])
    login(client, world["officer"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="unmask"' in page and g.IDENTITY_NUMBER not in page
    assert not log_lines(action="unmask")  # showing the page unmasks nothing
    response = client.post(f"/cases/{case.pk}/unmask/")
    html = response.content.decode()
    assert g.IDENTITY_NUMBER in html and g.PHONE in html
    [line] = log_lines(action="unmask", outcome="ok")
    assert line.object_id == str(party.pk) and line.actor_username == "officer"


def test_unmasking_asks_an_unverified_session_for_the_second_factor_first(client):
    world = g.bureau()
    case = world["internal"]
    g.party(case)
    g.grant(case, "view_personal", to=world["officer"])
    client.force_login(world["officer"])  # password only
    response = client.post(f"/cases/{case.pk}/unmask/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/verify/")
    assert not log_lines(action="unmask", outcome="ok")


def test_opening_a_sealed_case_asks_for_the_second_factor(client):
    world = g.bureau()
    sealed = world["personal"]
    g.grant(sealed, "view", to=world["officer"])
    client.force_login(world["officer"])
    response = client.get(f"/cases/{sealed.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/verify/")
    login(client, world["officer"])
    assert client.get(f"/cases/{sealed.pk}/").status_code == 200


def test_a_reader_who_sees_only_metadata_is_led_to_the_request_form_for_that_case(client):
    """第二十八条: what the page withholds can be asked for; the link names this case and the
    form it leads to knows it."""
    world = g.bureau()
    sealed = world["state_secret"]
    login(client, world["legal"])
    html = client.get(f"/cases/{sealed.pk}/").content.decode()
    link = re.search(r'id="request-access" href="([^"]+)"', html).group(1)
    assert link == f"/requests/new/?target=cases/{sealed.pk}"
    form = client.get(link)
    assert form.status_code == 200
    assert sealed.number in form.content.decode()


def _page_query_count(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_case_page_costs_the_same_queries_however_many_materials_the_file_holds(client):
    """No query per stage record, document or recording (the catalogue volumes the reader
    may have, among others, are decided in one batch per model)."""
    case = factories.penalty_case()
    login(client, case.actor)
    url = f"/cases/{case.pk}/"

    def more_materials(day: date) -> None:
        for code in ("investigation", "statement_defence"):
            record = factories.stage(case, code, day)
            factories.signed_document(case, record, doc_kind="询问笔录")
            factories.stage(case, code, day)
            factories.recording(case, code, start=factories.at(day, 10))

    counts = []
    for day in (date(2026, 3, 3), date(2026, 3, 4)):
        more_materials(day)
        client.get(url)  # a first read after a change may fill caches
        counts.append(_page_query_count(client, url))
    assert counts[0] == counts[1]


def test_the_readers_grants_on_the_case_are_read_once_for_its_three_decisions(rf):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from records.views.common import case_for

    case = factories.penalty_case()
    request = rf.get(f"/cases/{case.pk}/")
    request.user = case.actor
    request.session = {}
    case_for(request, case.pk)  # the reader's roles are read once, then kept
    with CaptureQueriesContext(connection) as queries:
        access = case_for(request, case.pk)
    assert access.metadata.allowed and access.content.allowed and access.change.allowed
    grant_reads = [query for query in queries.captured_queries
                   if "records_caseuserpermission" in query["sql"]]
    assert len(grant_reads) == 1
