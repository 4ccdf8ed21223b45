"""The case list (/cases/): only what the reader may see (the one visibility selector),
newest 50 a page with the total, filters, masked personal data, and its access-log line."""

from __future__ import annotations

import re

import pytest

from tests.access import gate_support as g
from tests.records.views_support import log_lines, login

pytestmark = pytest.mark.django_db


def listed_ids(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-case-id="(\d+)"', response.content.decode())}


def test_an_officer_sees_the_cases_of_the_own_unit_and_not_those_of_another(client):
    world = g.bureau()
    login(client, world["officer"])
    response = client.get("/cases/")
    assert response.status_code == 200
    ids = listed_ids(response)
    own = {world[k].pk for k in ("internal", "personal", "commercial", "state_secret")}
    assert own <= ids
    assert world["public_other_unit"].pk not in ids


def test_the_other_units_officer_sees_only_the_own_units_case(client):
    world = g.bureau()
    login(client, world["other_officer"])
    ids = listed_ids(client.get("/cases/"))
    assert ids == {world["public_other_unit"].pk}


def test_a_reader_without_a_role_sees_no_case_and_a_sysadmin_none_either(client):
    world = g.bureau()
    login(client, world["nobody"])
    response = client.get("/cases/")
    assert listed_ids(response) == set()
    assert "共 0 件" in response.content.decode()
    login(client, world["sysadmin"])  # a superuser flag gives no content (三员分立)
    assert listed_ids(client.get("/cases/")) == set()


def test_sealed_cases_show_metadata_only_without_their_title(client):
    world = g.bureau()
    login(client, world["officer"])
    html = client.get("/cases/").content.decode()
    sealed = world["state_secret"]
    row = re.search(rf'<tr data-case-id="{sealed.pk}">(.*?)</tr>', html, re.S).group(1)
    assert sealed.title not in row
    assert "仅基本信息" in row
    internal_row = re.search(rf'<tr data-case-id="{world["internal"].pk}">(.*?)</tr>', html, re.S).group(1)
    assert world["internal"].title in internal_row


def test_the_list_masks_identity_numbers_of_the_parties(client):
    world = g.bureau()
    g.party(world["internal"])
    login(client, world["officer"])
    html = client.get("/cases/").content.decode()
    assert "李某" in html
    assert g.IDENTITY_NUMBER not in html
    assert g.IDENTITY_NUMBER[:6] + "********" + g.IDENTITY_NUMBER[-4:] in html


def test_fifty_a_page_newest_first_with_the_total_count(client):
    world = g.bureau()
    opener = world["officer"]
    from datetime import date, timedelta
    made = [g.case("xiaofang", opener=opener, opened_on=date(2025, 1, 1) + timedelta(days=n))
            for n in range(52)]
    login(client, world["officer"])
    first = client.get("/cases/")
    total = 52 + 4  # the bureau's own four cases of 消防验收处
    assert f'data-total="{total}"' in first.content.decode()
    first_ids = listed_ids(first)
    assert len(first_ids) == 50
    second_ids = listed_ids(client.get("/cases/?page=2"))
    assert len(second_ids) == total - 50
    assert not first_ids & second_ids
    assert made[0].pk in second_ids  # the oldest is on the last page


def test_filters_by_kind_unit_year_and_state(client):
    world = g.bureau()
    from datetime import date
    old = g.case("xiaofang", opener=world["officer"], opened_on=date(2024, 5, 1))
    old.number_year = 2024
    old.state = "closed"
    old.save()
    login(client, world["legal"])  # the legal office sees every case's metadata
    by_unit = listed_ids(client.get("/cases/?unit=shenpi"))
    assert by_unit == {world["public_other_unit"].pk}
    by_year = listed_ids(client.get("/cases/?year=2024"))
    assert by_year == {old.pk}
    by_state = listed_ids(client.get("/cases/?state=closed"))
    assert by_state == {old.pk}
    assert listed_ids(client.get("/cases/?kind=inspection")) == set()
    assert old.pk in listed_ids(client.get("/cases/?kind=penalty"))


def test_the_list_writes_one_line_with_the_ids_it_shows(client):
    world = g.bureau()
    login(client, world["other_officer"])
    client.get("/cases/")
    [line] = log_lines(action="view", actor_username="other_officer", path="/cases/")
    assert line.outcome == "ok"
    assert f'"ids":[{world["public_other_unit"].pk}]' in line.detail


def test_an_anonymous_reader_is_sent_to_the_login(client):
    assert client.get("/cases/")["Location"].startswith("/accounts/login/")
