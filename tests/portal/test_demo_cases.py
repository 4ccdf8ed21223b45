"""The demo cases of load_demo (portal.demo_cases): realistic cases of every kind of act in
every unit, real media in the store, and the deliberate findings the supervision shows,
each found by records.compliance under its article. Building them takes a while, so the
checks of one build share a test."""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command

from access.models import AccessLogEntry
from policies.kinds import KINDS
from policies.marks import Mark
from policies.units import UNITS
from portal.demo_case_specs import FLAW_ARTICLES, SPECS
from portal.demo_cases import REFERENCE_NOW, demo_cases_ensure
from portal.demo_media import _make_clips
from records.calendar import working_calendar
from records.casefile import (
    AVInterruption,
    AVRecord,
    Case,
    CaseParty,
    Document,
    EvidenceNote,
    ReviewEntry,
    Signature,
    StageRecord,
)
from records.compliance import case_findings, published_checklist
from records.filetypes import detect_type
from records.party_ids import id_number_problem
from records.store import default_store

FLAW_CODES = {
    "missing_stage": {"stage_missing"},
    "unsigned": {"unsigned_party"},
    "no_legal_review": {"legal_review_missing"},
    "av_gap": {"av_gap_unexplained"},
    "late_storage": {"storage_late"},
    "archive_overdue": {"archive_overdue"},
}
SEARCH_WORDS = ("执法记录仪", "陈述申辩", "先行登记保存", "行政强制", "城乡建设局", "责令改正通知书",
                "送达回证", "行政处罚决定书", "询问笔录", "现场检查笔录")


@pytest.fixture(autouse=True)
def _own_store(settings, tmp_path):
    """This module's originals in a store of their own, so that it holds exactly what the
    demo put there."""
    settings.ORIGINALS_ROOT = tmp_path / "originals"


def _load() -> str:
    out = io.StringIO()
    call_command("load_demo", quiet_accounts=True, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (
        Case, CaseParty, StageRecord, Document, Signature, AVRecord, AVInterruption,
        EvidenceNote, ReviewEntry, AccessLogEntry)}


@pytest.mark.django_db
def test_load_demo_builds_realistic_cases_of_every_kind_and_unit_with_real_media_and_findings():
    printed = _load()
    cases = list(Case.objects.select_related("handling_unit"))

    # --- how many, and across what ---------------------------------------------------
    assert len(cases) == len(SPECS) == 36
    assert "演示案卷：共36件" in printed
    assert {case.kind for case in cases} == {kind.code for kind in KINDS}
    recording_units = {unit.code for unit in UNITS if unit.records_kinds}
    assert {case.handling_unit.code for case in cases} == recording_units
    assert set(Counter(case.state for case in cases)) == {"open", "closed", "archived"}
    numbers = [case.number for case in cases]
    assert len(set(numbers)) == len(numbers)
    assert all(re.fullmatch(r"郑(建|质监)\w{1,2}〔2026〕\d+号", n) for n in numbers), numbers
    assert "郑建罚〔2026〕1号" in numbers

    # --- dates fixed in 2026, none after the reference moment ----------------------------
    latest = REFERENCE_NOW.date()
    assert all(date(2026, 1, 1) <= case.opened_on <= latest for case in cases)
    assert all(r.occurred_on <= latest for r in StageRecord.objects.all())
    assert all(r.stored_at <= REFERENCE_NOW for r in AVRecord.objects.all())

    # --- marks: mostly internal, some personal data, one commercial and one state secret --
    marks = Counter(case.mark for case in cases)
    assert marks[Mark.INTERNAL.value] > len(cases) / 2
    assert marks[Mark.PERSONAL.value] >= 2
    assert marks[Mark.COMMERCIAL_SECRET.value] == 1 and marks[Mark.STATE_SECRET.value] == 1
    assert Document.objects.filter(mark=Mark.PERSONAL.value).exists()  # 询问笔录 in the 副卷

    # --- parties with valid identity numbers ----------------------------------------------
    parties = list(CaseParty.objects.all())
    assert {p.party_type for p in parties} == {"person", "organisation"}
    for party in parties:
        assert party.id_number and id_number_problem(party.id_type, party.id_number) == "", party.pk
        assert party.phone and party.address.startswith("郑州市")
        assert party.mark in {m.value for m in Mark if m >= Mark.PERSONAL}

    # --- documents with realistic text the search can find --------------------------------
    documents = list(Document.objects.all())
    assert len(documents) >= 150
    assert all(len(d.text) >= 100 for d in documents)
    assert sum(len(d.text) for d in documents) / len(documents) >= 180
    corpus = "\n".join(d.text for d in documents)
    for word in SEARCH_WORDS:
        assert word in corpus, word
    assert Signature.objects.filter(outcome="refused", refused_what="receipt").exclude(
        refusal_reason="").exists()

    # --- real media, in the store under their hash ----------------------------------------
    store = default_store()
    originals = dict(AVRecord.objects.values_list("sha256", "size").distinct())
    assert 3 <= len(originals) <= 8 and sum(originals.values()) < 5 * 1024 * 1024
    assert set(store.iter_hashes()) == set(originals)  # one copy each, nothing else
    assert {r.media_kind for r in AVRecord.objects.all()} >= {"video", "audio", "photo"}
    for sha256, size in originals.items():
        data = store.path_for(sha256).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha256 and len(data) == size
        found = detect_type(data[:8192])
        assert found is not None
        assert AVRecord.objects.filter(sha256=sha256).exclude(mime=found.mime).count() == 0

    # --- the deliberate findings, each by its article; every other case is clean ---------
    checklist, calendar = published_checklist(), working_calendar()
    specs = {spec.title: spec for spec in SPECS}
    flawed = {flaw for spec in SPECS for flaw in spec.flaws}
    assert flawed == set(FLAW_ARTICLES)
    for case in cases:
        spec = specs[case.title]
        findings = case_findings(case, checklist=checklist, calendar=calendar, now=REFERENCE_NOW)
        expected_codes = set().union(*(FLAW_CODES[flaw] for flaw in spec.flaws)) if spec.flaws else set()
        assert {f.code for f in findings} == expected_codes, (spec.key, findings)
        assert {f.article for f in findings} == {FLAW_ARTICLES[flaw] for flaw in spec.flaws}
        assert len(findings) == len(spec.flaws), (spec.key, findings)

    # the harder ways of keeping the rule leave no finding: an explained interruption and a
    # recording stored within 24 hours of the officer's return (第二十三条, 第二十六条)
    assert AVInterruption.objects.filter(spoken_explanation=True, resumed_at__isnull=False).exists()
    assert AVRecord.objects.filter(returned_to_unit_at__isnull=False).exclude(
        late_storage_cause="").exists()
    assert EvidenceNote.objects.exists()


@pytest.mark.django_db
def test_a_second_load_demo_adds_nothing_and_prints_the_same_summary():
    first = _load()
    before = _counts()
    second = _load()
    assert _counts() == before
    assert second == first
    assert demo_cases_ensure().created == 0


@pytest.mark.django_db
def test_demo_cases_are_refused_outside_demo_mode(settings):
    settings.PORTAL_DEMO = False
    with pytest.raises(RuntimeError, match="demo mode"):
        demo_cases_ensure()
    assert not Case.objects.exists()


def test_without_ffmpeg_the_demo_media_are_a_wav_tone_and_a_png_that_the_sniffer_accepts():
    clips = _make_clips(None)
    assert {clip.media_kind for clip in clips.values()} == {"audio", "photo"}
    for clip in clips.values():
        found = detect_type(clip.data[:8192])
        assert found is not None and found.mime == clip.mime
    assert clips["photo"].mime == "image/png"
    assert {clip.mime for name, clip in clips.items() if name != "photo"} == {"audio/wav"}
