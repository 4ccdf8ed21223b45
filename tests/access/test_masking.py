"""Personal data masked (第二十九条): identity numbers, phones and addresses show masked to
anyone without the personal-data permission on the object; showing them clear is a logged
read."""

from __future__ import annotations

import json

import pytest

from access import masking
from access.gate import VIEW, VIEW_PERSONAL
from access.log.models import AccessLogEntry

from . import gate_support as g


@pytest.mark.parametrize("value, masked", [
    ("410105199001011234", "410105********1234"),
    ("91410100MA44X7Y8QX", "914101********Y8QX"),
    ("41010519900101", "41**********01"),
    ("123", "***"),
    ("", ""),
])
def test_identity_numbers_keep_the_district_code_and_the_last_four(value, masked):
    assert masking.mask_identity_number(value) == masked


@pytest.mark.parametrize("value, masked", [
    ("13812345678", "138****5678"),
    ("0371-12345678", "037*-****5678"),
    ("+86 138 1234 5678", "+86 1** **** 5678"),
    ("12345", "*****"),
])
def test_phone_numbers_keep_the_first_three_and_last_four_digits(value, masked):
    assert masking.mask_phone(value) == masked


@pytest.mark.parametrize("value, masked", [
    ("河南省郑州市金水区花园路1号院3栋", "河南省郑州市金水区****"),
    ("郑州市中原区建设路", "郑州市中原区****"),
    ("郑州市花园路1号院3区5号", "郑州市****"),
    ("花园路1号", "****"),
])
def test_addresses_keep_the_district_level_prefix_only(value, masked):
    assert masking.mask_address(value) == masked


@pytest.mark.django_db
def test_without_the_personal_data_permission_every_field_is_masked_and_nothing_is_logged():
    world = g.bureau()
    party = g.party(world["internal"])
    shown = masking.personal_values(g.verified(world["officer"]), party)
    assert not shown.clear
    assert shown["id_number"] == masking.mask_identity_number(g.IDENTITY_NUMBER)
    assert shown["phone"] == "138****5678" and shown["address"] == "河南省郑州市金水区****"
    rendered = json.dumps(shown.values, ensure_ascii=False)
    for secret in (g.IDENTITY_NUMBER, g.PHONE, "花园路"):
        assert secret not in rendered
    assert not AccessLogEntry.objects.filter(action="unmask").exists()


@pytest.mark.django_db
def test_a_view_grant_alone_does_not_unmask():
    world = g.bureau()
    party = g.party(world["personal"])
    g.grant(world["personal"], VIEW, to=world["requester"])
    assert not masking.personal_values(g.verified(world["requester"]), party).clear


@pytest.mark.django_db
def test_the_personal_data_permission_unmasks_with_a_verified_session_and_logs_the_read():
    world = g.bureau()
    party = g.party(world["internal"])
    grant = g.grant(world["internal"], VIEW_PERSONAL, to=world["officer"])
    assert not masking.personal_values(g.unverified(world["officer"]), party).clear
    shown = masking.personal_values(g.fresh(g.verified(world["officer"])), party)
    assert shown.clear and shown["id_number"] == g.IDENTITY_NUMBER and shown["phone"] == g.PHONE
    line = AccessLogEntry.objects.get(action="unmask")
    assert line.outcome == "ok" and line.actor_id == world["officer"].pk
    assert line.object_type == "records.caseparty" and line.object_id == str(party.pk)
    assert f'"grant_id":{grant.pk}' in line.detail
    assert g.IDENTITY_NUMBER not in line.detail and g.PHONE not in line.detail


@pytest.mark.django_db
def test_another_units_officer_with_no_access_to_the_case_gets_masked_values():
    world = g.bureau()
    party = g.party(world["internal"])
    g.grant(world["public_other_unit"], VIEW_PERSONAL, to=world["other_officer"])
    assert not masking.personal_values(g.verified(world["other_officer"]), party).clear


@pytest.mark.django_db
def test_a_page_of_parties_is_masked_or_unmasked_per_case_in_constant_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = g.bureau()
    parties = [g.party(world["internal"]) for _ in range(3)] + [g.party(world["personal"])]
    g.grant(world["personal"], VIEW, to=world["officer"])
    g.grant(world["personal"], VIEW_PERSONAL, to=world["officer"])
    officer = g.fresh(g.verified(world["officer"]))
    masking.personal_values_many(officer, parties[:1])
    with CaptureQueriesContext(connection) as queries:
        shown = masking.personal_values_many(officer, parties[:3])
    reads = [q for q in queries if "access_log" not in q["sql"] and "caseparty" not in q["sql"]]
    assert not any(value.clear for value in shown.values())
    shown = masking.personal_values_many(officer, parties)
    assert [shown[p.pk].clear for p in parties] == [False, False, False, True]
    assert AccessLogEntry.objects.filter(action="unmask").count() == 1
    assert len(reads) <= 6


@pytest.mark.django_db
def test_free_text_such_as_a_search_snippet_is_masked_too():
    world = g.bureau()
    party = g.party(world["internal"])
    snippet = f"当事人李某，身份证号{g.IDENTITY_NUMBER}，电话{g.PHONE}，住{g.ADDRESS}。另有13900001111。"
    masked = masking.mask_text(snippet, [party])
    for secret in (g.IDENTITY_NUMBER, g.PHONE, g.ADDRESS, "13900001111"):
        assert secret not in masked
    assert "410105********" in masked and "139****1111" in masked and "河南省郑州市金水区****" in masked
