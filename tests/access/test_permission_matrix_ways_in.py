"""The permission matrix over the ways in (第二十八条, 第二十九条, 第三十条): every role × every
classification mark × every action × every way in (the portal's case list and case page,
document download, audio/video play with and without Range and download, the API's list,
detail and sub-lists, search results, and the exports), asserting allowed or denied exactly as
the table below says, that no denial is a server error, and that each denial is logged.

The table is written out by hand from the rules (policies/visibility.py DEFAULT_VISIBILITY,
access/gate/rules.py ACTION_RULES, DOMAIN.md 第二十八条–第三十条), never computed by calling
the gate. The world: one case of each mark in the 消防 unit (xiaofang), each with a party
(identity number, phone, address), a stage record, a document with a real stored file and a
recording with real stored bytes that is evidence (an evidence note). The requester (人事处,
no default rule) holds, as after an approved request (第二十八条), live grants of view,
download, copy and personal data on all five cases; no one else holds a grant. Every session
passed the second factor, so step-up is not what refuses here (test_two_factor_* cover it).

A list (case list, API list, search) refuses by leaving the case out: its own access-log line
lists the ids it showed, which must not include the case. A single object refused writes a
`denied` line naming the reader and the object.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
from datetime import datetime, timedelta, timezone as dt_timezone
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from access.log.models import AccessLogEntry
from records.catalogue_pdf import catalogue_entries
from records.evidence_disc import evidence_disc_export
from records.exceptions import RecordsPermissionDenied
from records.models import AVRecord, Document, EvidenceNote, StageRecord
from records.store import default_store
from search.indexing import case_index
from tests.access.two_factor_support import force_login_verified, totp_device_for

from . import gate_support as g

pytestmark = pytest.mark.django_db

ROLES = ("officer", "head", "other_officer", "legal", "secrecy", "bureau_head", "archivist",
         "requester", "sysadmin", "auditor", "nobody")
MARKS = ("public", "internal", "personal", "commercial_secret", "state_secret")

# What each role may have of a case of each mark in the 消防 unit, by hand from the rules:
#   "-" nothing (not even that it exists)      "M" metadata only (number, kind, unit, stages)
#   "C" content (records, documents, media)    "G" content, download, copy and unmask (grants)
TABLE = {
    #                 public internal personal commercial state_secret
    "officer":       ("C",   "C",     "M",     "M",       "M"),  # own unit (第二十九条)
    "head":          ("C",   "C",     "M",     "M",       "M"),  # own unit (第二十九条)
    "other_officer": ("-",   "-",     "-",     "-",       "-"),  # another unit
    "legal":         ("C",   "C",     "M",     "M",       "M"),  # supervision (第三十条)
    "secrecy":       ("M",   "M",     "M",     "M",       "M"),  # marks and grants only
    "bureau_head":   ("M",   "M",     "M",     "M",       "M"),  # supervises (第三十条); reads by grant
    "archivist":     ("M",   "M",     "M",     "M",       "M"),  # receives (第二十五条)
    "requester":     ("G",   "G",     "G",     "G",       "G"),  # live grants (第二十八条)
    "sysadmin":      ("-",   "-",     "-",     "-",       "-"),  # superuser: no content (三员分立)
    "auditor":       ("-",   "-",     "-",     "-",       "-"),  # the log only (三员分立)
    "nobody":        ("-",   "-",     "-",     "-",       "-"),
}
# Which levels each action needs (download, copy and unmask only by an explicit grant).
ALLOWED_AT = {"view_metadata": {"M", "C", "G"}, "view": {"C", "G"}, "media_play": {"C", "G"},
              "download": {"G"}, "copy": {"G"}, "unmask": {"G"}}
# The ways in: (action as the matrix names it, the gate action it needs, the way).
WAYS = (
    ("view", "view_metadata", "case_list"),
    ("view", "view_metadata", "case_page_header"),
    ("view", "view", "case_page_content"),
    ("download", "download", "document_download"),
    ("download", "download", "av_download"),
    ("media_play", "media_play", "av_play"),
    ("media_play", "media_play", "av_play_range"),
    ("view", "view_metadata", "api_list"),
    ("view", "view_metadata", "api_detail"),
    ("view", "view", "api_detail_content"),
    ("view", "view", "api_stage_records"),
    ("view", "view", "api_documents"),
    ("view", "view", "api_av_records"),
    ("view", "view_metadata", "search_case"),
    ("view", "view", "search_document"),
    ("copy", "copy", "export_evidence_disc"),
    ("view", "view", "export_catalogue_pdf"),
    ("unmask", "unmask", "case_unmask"),
    ("unmask", "unmask", "api_detail_unmask"),
)
SEARCH_WORD = "违章搭建"
_exports = itertools.count(1)
CLEAR_VALUES = (g.IDENTITY_NUMBER, g.PHONE, g.ADDRESS)


def expected(role: str, mark: str, gate_action: str) -> bool:
    return TABLE[role][MARKS.index(mark)] in ALLOWED_AT[gate_action]


# --- the world, built once for the module ------------------------------------------------

def _stored(data: bytes):
    return default_store().ingest_file(io.BytesIO(data))


def _case_file(world, mark: str):
    case = g.case("xiaofang", mark, opener=world["officer"])
    g.party(case)
    record = StageRecord.objects.create(case=case, stage="investigation",
                                        summary=f"调查记录内容{mark}KX", mark=mark,
                                        occurred_on=case.opened_on, recorded_by=case.opened_by)
    doc_bytes = b"%PDF-1.4\n% matrix " + mark.encode() + b"\n%%EOF\n"
    stored = _stored(doc_bytes)
    document = Document.objects.create(
        stage_record=record, doc_kind="现场检查笔录", issued_on=case.opened_on,
        text=f"现场发现{SEARCH_WORD}，笔录正文{mark}QW", mark=mark, created_by=case.opened_by,
        file_sha256=stored.sha256, file_size=stored.size, file_mime="application/pdf",
        file_name="笔录.pdf")
    av_bytes = b"\x00\x00\x00\x18ftypmp42" + hashlib.sha256(mark.encode()).digest() * 4
    stored_av = _stored(av_bytes)
    start = datetime(2026, 3, 2, 1, 0, tzinfo=dt_timezone.utc)
    av = AVRecord.objects.create(
        case=case, stage="investigation", sha256=stored_av.sha256, size=stored_av.size,
        media_kind="video", mime="video/mp4", original_name="现场.mp4",
        device_kind="body_camera", recorded_by=world["officer"].staff_profile, started_at=start,
        ended_at=start + timedelta(minutes=5), place="现场", stored_at=start + timedelta(hours=1),
        mark=mark, registered_by=case.opened_by)
    EvidenceNote.objects.create(av_record=av, collected_by="张三", collected_at=av.started_at,
                                collected_place="现场", note="取证说明",
                                recorded_by=case.opened_by)
    return {"case": case, "record": record, "document": document, "doc_bytes": doc_bytes,
            "av": av, "av_bytes": av_bytes}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    root = tmp_path_factory.mktemp("originals")
    with override_settings(ORIGINALS_ROOT=root), django_db_blocker.unblock():
        with transaction.atomic():
            world = g.bureau()
            world.files = {mark: _case_file(world, mark) for mark in MARKS}
            for role in ROLES:
                totp_device_for(world[role])
            world.grants = {}
            for mark, files in world.files.items():
                for action in ("view", "download", "copy", "view_personal"):
                    world.grants[mark, action] = g.grant(files["case"], action,
                                                         to=world["requester"], days=30)
            case_index([files["case"].pk for files in world.files.values()])
            world.tmp = tmp_path_factory.mktemp("exports")
            yield world
            transaction.set_rollback(True)


# --- asking each way in ---------------------------------------------------------------------

def _lines(user, after_ids: set, **filters):
    return [line for line in AccessLogEntry.objects.filter(actor_id=user.pk, **filters)
            if line.id not in after_ids]


def _denied_line(user, before: set, obj) -> bool:
    return any(line.outcome == "denied" and line.object_id == str(obj.pk)
               and line.object_type == obj._meta.label_lower
               for line in _lines(user, before))


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


class Outcome:
    """What one way in gave: allowed or not, whether the refusal was logged, the body."""

    def __init__(self, allowed: bool, logged: bool = True, body: str = "", status: int = 200):
        self.allowed, self.logged, self.body, self.status = allowed, logged, body, status


def _list_ids(user, before, detail_key="ids"):
    ids = []
    for line in _lines(user, before):
        if line.outcome in ("ok", "allowed") and line.detail:
            ids += json.loads(line.detail).get(detail_key, [])
    return ids


def ask(way: str, client, world, role: str, mark: str) -> Outcome:  # noqa: C901 - one branch a way
    user, files = world[role], world.files[mark]
    case, document, av = files["case"], files["document"], files["av"]
    before = set(AccessLogEntry.objects.filter(actor_id=user.pk).values_list("id", flat=True))

    def get(url, **headers):
        response = client.get(url, **headers)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        return response

    if way == "case_list":
        response = get("/cases/")
        ids = _list_ids(user, before)
        return Outcome(case.pk in ids, body=_body(response), status=response.status_code)
    if way in ("case_page_header", "case_page_content"):
        response = get(f"/cases/{case.pk}/")
        body = _body(response)
        if way == "case_page_header":
            shown = response.status_code == 200 and case.number in body
            return Outcome(shown, logged=shown or _denied_line(user, before, case), body=body,
                           status=response.status_code)
        content = response.status_code == 200 and f"调查记录内容{mark}KX" in body \
            and f"笔录正文{mark}QW" in body
        if response.status_code == 404:
            return Outcome(False, _denied_line(user, before, case), body, 404)
        # the header only: the page's line says so (no content left the server)
        metadata_line = any(json.loads(line.detail or "{}").get("level") == "metadata"
                            for line in _lines(user, before))
        return Outcome(content, logged=content or metadata_line, body=body,
                       status=response.status_code)
    if way in ("document_download", "av_download", "av_play", "av_play_range"):
        obj, data = (document, files["doc_bytes"]) if way == "document_download" \
            else (av, files["av_bytes"])
        url = {"document_download": f"/cases/{case.pk}/files/documents/{document.pk}/",
               "av_download": f"/cases/{case.pk}/files/av/{av.pk}/download/",
               "av_play": f"/cases/{case.pk}/files/av/{av.pk}/play/",
               "av_play_range": f"/cases/{case.pk}/files/av/{av.pk}/play/"}[way]
        headers = {"HTTP_RANGE": "bytes=0-9"} if way == "av_play_range" else {}
        response = get(url, **headers)
        if response.status_code in (200, 206):
            sent = b"".join(response.streaming_content)
            wanted = data[:10] if way == "av_play_range" else data
            assert sent == wanted, f"{way}: wrong bytes"
            if way == "av_play_range":
                assert response.status_code == 206
                assert response["Content-Range"] == f"bytes 0-9/{len(data)}"
                # a continuation of the same play is served too
                rest = client.get(url, HTTP_RANGE="bytes=10-")
                assert rest.status_code == 206
                assert b"".join(rest.streaming_content) == data[10:]
            ok_line = any(line.outcome == "ok" and line.object_id == str(obj.pk)
                          for line in _lines(user, before))
            assert ok_line, f"{way}: bytes sent without their access-log line"
            return Outcome(True, status=response.status_code)
        assert response.status_code in (403, 404), f"{way}: {response.status_code}"
        return Outcome(False, _denied_line(user, before, obj), _body(response),
                       response.status_code)
    if way in ("api_list",):
        response = get("/api/v1/cases/?page_size=200")
        body = _body(response)
        ids = [row["id"] for row in response.json()["results"]]
        logged_ids = _list_ids(user, before)
        assert sorted(ids) == sorted(logged_ids), "the API list's line must name what it sent"
        return Outcome(case.pk in ids, body=body, status=response.status_code)
    if way in ("api_detail", "api_detail_content", "api_detail_unmask"):
        response = get(f"/api/v1/cases/{case.pk}/")
        body = _body(response)
        if response.status_code == 404:
            return Outcome(False, _denied_line(user, before, case), body, 404)
        data = response.json()
        if way == "api_detail":
            return Outcome(data["id"] == case.pk, body=body)
        if way == "api_detail_content":
            return Outcome(bool(data["content"]) and data["parties"] is not None, body=body)
        clear = bool(data["parties"]) and data["parties"][0]["id_number"] == g.IDENTITY_NUMBER
        unmask_line = any(line.action == "unmask" and line.outcome in ("ok", "allowed")
                          for line in _lines(user, before))
        assert clear is unmask_line, "clear personal data needs its own unmask line"
        # masking is not a refusal of the request: the data simply stays masked
        return Outcome(clear, logged=True, body=body)
    if way in ("api_stage_records", "api_documents", "api_av_records"):
        sub = {"api_stage_records": "stage-records", "api_documents": "documents",
               "api_av_records": "av-records"}[way]
        obj = {"api_stage_records": files["record"], "api_documents": document,
               "api_av_records": av}[way]
        response = get(f"/api/v1/cases/{case.pk}/{sub}/")
        body = _body(response)
        if response.status_code in (403, 404):
            return Outcome(False, _denied_line(user, before, case), body, response.status_code)
        ids = [row["id"] for row in response.json()]
        return Outcome(obj.pk in ids, body=body)
    if way in ("search_case", "search_document"):
        response = get(f"/search/?q={case.number if way == 'search_case' else SEARCH_WORD}")
        body = _body(response)
        keys = _list_ids(user, before)
        key = f"case:{case.pk}" if way == "search_case" else f"document:{document.pk}"
        return Outcome(key in keys, body=body)
    if way.startswith("export_"):
        # the services are called as a session that passed the second factor calls them
        user = g.verified(type(user).objects.get(pk=user.pk))
    if way == "export_evidence_disc":
        output = Path(world.tmp) / f"{role}-{mark}-{next(_exports)}.iso"
        try:
            evidence_disc_export(case=case, actor=user, output=output)
        except RecordsPermissionDenied:
            assert not output.exists()
            return Outcome(False, _denied_line(user, before, case))
        body = output.read_bytes().decode("latin-1") + output.read_bytes().decode("utf-8",
                                                                                    "replace")
        assert files["av_bytes"] in output.read_bytes()
        return Outcome(True, body=body)
    if way == "export_catalogue_pdf":
        from records.archiving import case_catalogue

        volume = catalogue_entries(case)[0].volume
        try:
            pdf = case_catalogue(case=case, actor=user, volume=volume)
        except RecordsPermissionDenied:
            refused_on = [line for line in _lines(user, before) if line.outcome == "denied"]
            return Outcome(False, bool(refused_on))
        assert pdf.startswith(b"%PDF")
        return Outcome(True)
    if way == "case_unmask":
        response = client.post(f"/cases/{case.pk}/unmask/")
        assert response.status_code < 500
        body = _body(response)
        if response.status_code == 404:
            return Outcome(False, _denied_line(user, before, case), body, 404)
        clear = g.IDENTITY_NUMBER in body
        unmask_lines = [line for line in _lines(user, before) if line.action == "unmask"]
        if clear:
            assert any(line.outcome in ("ok", "allowed") for line in unmask_lines)
        return Outcome(clear, logged=clear or any(line.outcome == "denied"
                                                  for line in unmask_lines), body=body,
                       status=response.status_code)
    raise AssertionError(f"unknown way {way}")


def _cases():
    for role in ROLES:
        for mark in MARKS:
            for action, gate_action, way in WAYS:
                yield pytest.param(role, mark, action, gate_action, way,
                                   id=f"{role}-{mark}-{action}-{way}")


@pytest.mark.parametrize(("role", "mark", "action", "gate_action", "way"), list(_cases()))
def test_matrix(client, world, role, mark, action, gate_action, way):
    user = world[role]
    force_login_verified(client, user)
    outcome = ask(way, client, world, role, mark)
    want = expected(role, mark, gate_action)
    assert outcome.allowed is want, (
        f"{role} × {mark} × {action} × {way}: expected {'allowed' if want else 'denied'}, "
        f"got {'allowed' if outcome.allowed else 'denied'} (status {outcome.status})")
    if not outcome.allowed:
        assert outcome.logged, f"{role} × {mark} × {action} × {way}: denial not logged"
    # clear values only where the reader may unmask: the unmask POST, and the API (which
    # answers clear to such a reader, each reading logged as `unmask`)
    if not (expected(role, mark, "unmask") and (way == "case_unmask" or way.startswith("api_"))):
        leaked = [value for value in CLEAR_VALUES if value in outcome.body]
        assert not leaked, f"{role} × {mark} × {action} × {way}: clear personal data {leaked}"



# --- guessed ids, expired and revoked grants, the superuser, the access-log export ------------

def _refused_everywhere(client, world, role: str, mark: str) -> list[str]:
    """The ways that still showed something of the case's content to `role`."""
    shown = []
    for way in ("case_page_content", "document_download", "av_play", "av_play_range",
                "api_detail_content", "api_documents", "api_av_records", "search_document",
                "case_unmask", "api_detail_unmask", "export_evidence_disc"):
        outcome = ask(way, client, world, role, mark)
        if outcome.allowed:
            shown.append(way)
        elif not outcome.logged:
            shown.append(f"{way} (refused without a denied line)")
        leaked = [value for value in CLEAR_VALUES if value in outcome.body]
        if leaked:
            shown.append(f"{way} shows {leaked}")
    return shown


def test_guessing_an_id_answers_404_and_is_logged(client, world):
    user = world["officer"]
    force_login_verified(client, user)
    internal = world.files["internal"]
    other = world.files["state_secret"]
    missing = 987654
    guesses = [
        (f"/cases/{missing}/", ("records.case", str(missing))),
        (f"/api/v1/cases/{missing}/", ("records.case", str(missing))),
        (f"/api/v1/cases/{missing}/documents/", ("records.case", str(missing))),
        (f"/api/v1/cases/{missing}/stage-records/", ("records.case", str(missing))),
        # a real document of another case under this case's id: no such file here
        (f"/cases/{internal['case'].pk}/files/documents/{other['document'].pk}/", None),
        (f"/cases/{internal['case'].pk}/files/av/{other['av'].pk}/play/", None),
        (f"/cases/{internal['case'].pk}/files/documents/{missing}/", None),
    ]
    for url, obj in guesses:
        before = set(AccessLogEntry.objects.filter(actor_id=user.pk).values_list("id", flat=True))
        response = client.get(url)
        assert response.status_code == 404, url
        assert g.IDENTITY_NUMBER not in _body(response)
        denied = [line for line in _lines(user, before) if line.outcome == "denied"]
        assert denied, f"{url}: guessed id refused without a denied line"
        if obj is not None:
            assert any((line.object_type, line.object_id) == obj for line in denied), url


def test_an_expired_grant_shows_no_content(client, world, monkeypatch):
    force_login_verified(client, world["requester"])
    assert ask("case_page_content", client, world, "requester", "personal").allowed
    later = world.grants["personal", "view"].valid_until + timedelta(seconds=1)
    monkeypatch.setattr("access.clock.now", lambda: later)
    assert _refused_everywhere(client, world, "requester", "personal") == []


def test_a_revoked_grant_shows_no_content_on_the_next_request(client, world):
    from access.grants import grant_revoke

    force_login_verified(client, world["requester"])
    assert ask("av_play", client, world, "requester", "state_secret").allowed
    grant_revoke(actor=g.verified(world["secrecy"]), grant=world.grants["state_secret", "view"],
                 reason="调阅目的已完成")
    assert _refused_everywhere(client, world, "requester", "state_secret") == []
    # the other cases' grants still count
    assert ask("av_play", client, world, "requester", "commercial_secret").allowed


@pytest.mark.parametrize("mark", MARKS)
def test_a_superuser_without_a_grant_sees_no_content(client, world, mark):
    sysadmin = world["sysadmin"]
    assert sysadmin.is_superuser and sysadmin.is_staff
    force_login_verified(client, sysadmin)
    assert _refused_everywhere(client, world, "sysadmin", mark) == []
    assert not ask("case_page_header", client, world, "sysadmin", mark).allowed


def test_a_reader_who_may_see_content_sees_personal_data_masked(client, world):
    force_login_verified(client, world["officer"])
    outcome = ask("case_page_content", client, world, "officer", "internal")
    assert outcome.allowed
    masked = g.IDENTITY_NUMBER[:6] + "*" * 8 + g.IDENTITY_NUMBER[-4:]
    assert masked in outcome.body
    assert not [value for value in CLEAR_VALUES if value in outcome.body]


@pytest.mark.parametrize("role", ROLES)
def test_the_access_log_export_is_the_auditors_and_holds_no_clear_personal_data(
        client, world, role):
    # someone allowed reads the personal data in clear first (logged as unmask)
    force_login_verified(client, world["requester"])
    assert ask("case_unmask", client, world, "requester", "personal").allowed
    client.logout()
    user = world[role]
    force_login_verified(client, user)
    before = set(AccessLogEntry.objects.filter(actor_id=user.pk).values_list("id", flat=True))
    response = client.get("/access/log/export.csv")
    assert response.status_code < 500
    body = _body(response)
    if role == "auditor":
        assert response.status_code == 200
        assert "unmask" in body
    else:
        assert response.status_code == 403
        assert "unmask" not in body
        denied = [line for line in _lines(user, before) if line.outcome == "denied"]
        assert denied and denied[0].object_type == "access.accesslogentry"
    assert not [value for value in CLEAR_VALUES if value in body]
