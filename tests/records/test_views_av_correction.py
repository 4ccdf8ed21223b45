"""A recording's description corrected (第二十八条): a new record over the same stored original
supersedes the old one, which stays and shows as corrected; the bytes are not sent again; a
correction without a reason, or of a record already corrected, changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from records.casefile import AVRecord
from tests.records import factories as f
from tests.records.views_support import log_lines, login

pytestmark = pytest.mark.django_db


def _form(case, av, **changes):
    values = {"stage": av.stage, "device_kind": av.device_kind, "device_id": av.device_id,
              "recorded_by": av.recorded_by_id, "started_at": "2026-03-02T09:00",
              "ended_at": "2026-03-02T09:30", "place": av.place, "mark": "",
              "correction_reason": "地点登记有误"}
    values.update(changes)
    return values


def test_a_correction_supersedes_the_old_record_over_the_same_original(client):
    case = f.penalty_case()
    old = f.recording(case, "investigation", start=f.at(date(2026, 3, 2), 9))
    login(client, case.actor)
    url = f"/cases/{case.pk}/av/{old.pk}/correct/"
    page = client.get(url).content.decode()
    assert "第二十八条" in page and old.place in page
    response = client.post(url, _form(case, old, place="郑州市金水区另一工地"))
    assert response.status_code == 302, response.content.decode()[:1500]
    new = AVRecord.objects.get(supersedes=old)
    assert (new.sha256, new.size, new.stored_at) == (old.sha256, old.size, old.stored_at)
    assert new.place == "郑州市金水区另一工地" and new.correction_reason == "地点登记有误"
    old_again = AVRecord.objects.get(pk=old.pk)
    assert old_again.place == old.place  # the old record stays as it was
    assert log_lines(action="upload", object_type="records.avrecord", object_id=str(new.pk))
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "已被更正" in html and f"更正音像记录#{old.pk}" in html
    assert f"/av/{old.pk}/correct/" not in html and f"/av/{new.pk}/correct/" in html


def test_a_correction_needs_a_reason_and_the_latest_record(client):
    case = f.penalty_case()
    old = f.recording(case, "investigation", start=f.at(date(2026, 3, 2), 9))
    login(client, case.actor)
    url = f"/cases/{case.pk}/av/{old.pk}/correct/"
    refused = client.post(url, _form(case, old, correction_reason=""))
    assert refused.status_code == 200 and AVRecord.objects.count() == 1
    assert client.post(url, _form(case, old)).status_code == 302
    again = client.post(url, _form(case, old, place="第三个地点"))
    assert again.status_code == 200 and "已被更正" in again.content.decode()
    assert AVRecord.objects.count() == 2


def test_a_reader_of_another_unit_cannot_correct(client):
    case = f.penalty_case()
    old = f.recording(case, "investigation", start=f.at(date(2026, 3, 2), 9))
    login(client, f.officer_user(unit_code="shenpi"))
    response = client.post(f"/cases/{case.pk}/av/{old.pk}/correct/", _form(case, old))
    assert response.status_code in (403, 404)
    assert AVRecord.objects.count() == 1
