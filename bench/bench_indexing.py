"""Benchmark of indexing throughput (issue 7): the whole indexing pipeline against segmentation
alone, on the same texts, in the same run.

    .venv/bin/python bench/bench_indexing.py                    # 20,000 cases, SQLite and PostgreSQL
    .venv/bin/python bench/bench_indexing.py --cases 5000 --vendor sqlite --runs 2

Each vendor runs in a process of its own: SQLite in a temporary file, PostgreSQL in a scratch
database (bench_indexing on the server of DATABASE_URL, default the local test server, created
and dropped here; bench/pg_scratch.py). Both are migrated, so the index has its real engine
(the FTS5 table and its triggers; the generated tsvector column with its RUM or GIN index).

Data: N case files of a few hundred to two thousand characters of Chinese text each, written
with bulk inserts (not timed): the demo cases' stories (portal/demo_case_specs.py) and
document templates (portal/demo_texts.py) filled with random parties, officers, places and
numbers; each case has its parties, two officers, its stages' records with their documents,
signatures, investigation, review and service entries, audio/video records with evidence notes
and now and then an interruption, an annotation or a step note (records.casefile*).

Measured, per run, in this order:
- ``reindex --clear`` (an empty index: the first indexing, or a rebuild): wall time of the
  management command, from reading the cases to the last write committed, with its worker
  processes (``--workers``, default one a core) building and cutting the documents;
- ``reindex`` again over the full index (what runs while the portal serves: every entry
  replaced by key);
- the anchors: rjieba's cut (``rjieba.Jieba.cut(text, hmm=True)``, the main dictionary plus the
  domain dictionary, the cutter the index uses) of every text the index segmented, one call per
  text as the indexer makes them; Python jieba's cut (``Tokenizer.cut``, same dictionaries) of
  every --jieba-every'th of those texts (it is ~50x slower; the rate is what is compared).

Characters per second = the characters of every text the index segmented (its entries' texts
as built from the records, the personal-data entries' clear values included) / wall time.
Targets (the issue): indexing at least half of rjieba's cut, and at least 10x Python jieba's.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pg_scratch  # bench/pg_scratch.py (the script's folder is on sys.path)

PROJECT = Path(__file__).resolve().parent.parent
BENCH_DB = "bench_indexing"
SHANGHAI = ZoneInfo("Asia/Shanghai")
MARKS = [("public", 10), ("internal", 75), ("personal", 10), ("commercial_secret", 4),
         ("state_secret", 1)]
#: case-number prefixes by unit (the demo's patterns, shortened)
PREFIX = {"xiaofang": "郑建消罚", "zhiliang": "郑建质检", "zhaobiao": "郑建招检", "jieneng": "郑建节检",
          "zhijianzhan": "郑质监检", "shenpi": "郑建审许", "kancha": "郑建勘许", "jianguan": "郑建管许",
          "renshi": "郑建人许"}


def sqlite_file() -> Path:
    return PROJECT / "var" / "bench" / f"{BENCH_DB}.sqlite3"


def setup(vendor: str, folder: Path) -> None:
    sys.path.insert(0, str(PROJECT))
    if vendor == "postgresql":
        os.environ["DATABASE_URL"] = pg_scratch.database_url(BENCH_DB)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{sqlite_file()}"
    os.environ["PORTAL_VAR_DIR"] = str(folder)
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    import django

    django.setup()


# --- data ---------------------------------------------------------------------------------------

class Maker:
    """Random cases in the demo's words."""

    def __init__(self, seed: int):
        from portal.demo_people import PeopleMaker

        self.rng = random.Random(seed)
        self.people = PeopleMaker(seed)
        self.people.name = self.name  # the demo's maker never repeats a name: ~3,600 of them

    def name(self) -> str:
        from portal.demo_people import GIVEN, SURNAMES

        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def context(self, spec, number: str, party, lead: str, assistant: str) -> dict:
        rng = self.rng
        representative = party.name if party.party_type == "person" else self.people.name()
        return {**{k: v for k, v in spec.story.items() if isinstance(v, str)},
                "title": spec.title, "party": party.name, "lead": lead, "assistant": assistant,
                "representative": representative, "legal_representative": party.legal_representative,
                "witness": self.people.name(), "party_id": party.id_number,
                "party_id_label": "统一社会信用代码" if party.party_type != "person" else "身份证号码",
                "party_phone": party.phone, "party_address": party.address,
                "case_number": number, "lead_cert": f"豫建执{rng.randint(100000, 999999)}",
                "assistant_cert": f"豫建执{rng.randint(100000, 999999)}"}

    def fill(self, template: str, context: dict, day: date) -> str:
        from portal.demo_case_specs import SPECS
        from portal.demo_texts import BUREAU

        rng = self.rng

        def value(match):
            name = match.group(1)
            if name == "bureau":
                return BUREAU
            if name in context:
                return context[name]
            if "day" in name:
                return f"{day.year}年{day.month}月{day.day}日"
            if "time" in name:
                return f"{rng.randint(8, 11)}时{rng.randint(0, 59):02d}分至" \
                       f"{rng.randint(12, 16)}时{rng.randint(0, 59):02d}分"
            if name in ("place", "address") or "address" in name:
                return self.people.address()
            if name in ("photos", "pages", "docs", "recordings"):
                return str(rng.randint(2, 30))
            story = rng.choice(SPECS).story
            return story.get(name) or rng.choice([v for v in story.values() if isinstance(v, str)])
        return re.sub(r"\{([^}]*)\}", value, template)


def generate(cases: int, seed: int) -> dict:
    """N cases with bulk inserts; returns counts."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from access.models import StaffProfile, Unit
    from policies.catalogue import catalogue_for
    from policies.units import UNITS
    from portal.demo_case_specs import SPECS
    from portal.demo_texts import STAGE_DOCUMENTS, TEMPLATES, TWO_OFFICER_DOCUMENTS
    from records import models as m

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    units = {}
    for spec in UNITS:
        units[spec.code], _ = Unit.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "subordinate": spec.subordinate})
    User = get_user_model()
    maker = Maker(seed)
    rng = maker.rng
    staff = {}
    for code, unit in units.items():
        for n in range(4):
            user = User.objects.create(username=f"bench-{code}-{n}")
            staff.setdefault(code, []).append(StaffProfile.objects.create(
                user=user, full_name=maker.people.name(), unit=unit,
                certificate_number=f"豫建执{rng.randint(100000, 999999)}"))
    actor = User.objects.create(username="bench-actor")
    marks = [mark for mark, weight in MARKS for _ in range(weight)]
    catalogue = catalogue_for(date(2026, 3, 1))
    rows = {name: [] for name in ("case", "party", "officer", "step", "note", "stage", "document",
                                  "signature", "investigation", "review", "service", "av",
                                  "interruption", "evidence")}
    ids = {name: 0 for name in rows}

    def new(table, model, **fields):
        ids[table] += 1
        obj = model(pk=ids[table], **fields)
        rows[table].append(obj)
        return obj

    now = datetime(2026, 11, 27, 12, tzinfo=SHANGHAI)
    chars = []
    for i in range(1, cases + 1):
        spec = rng.choice(SPECS)
        kind = spec.kind
        unit_code = spec.unit if spec.unit in units else "zhiliang"
        opened = date(2016, 1, 1) + timedelta(days=rng.randrange(3650))
        number = f"{PREFIX.get(unit_code, '郑建罚')}〔{opened.year}〕{i}号"
        party_data = (maker.people.person() if spec.party == "person"
                      else maker.people.organisation(
                          f"郑州{rng.choice('恒达宏图锦华鑫源中建华润永安瑞丰')}"
                          f"{maker.people.name()[1:]}{rng.choice(('置业', '建工', '物业服务', '商贸'))}有限公司"))
        lead, assistant = rng.sample(staff[unit_code], 2)
        case = new("case", m.Case, number=number, number_year=opened.year, number_seq=i, kind=kind,
                   title=spec.title.replace(spec.party, party_data.name) if spec.party != "person"
                   else spec.title, start_mode=spec.start_mode, source=spec.source,
                   source_detail=spec.source_detail, handling_unit=units[unit_code],
                   mark=rng.choice(marks), opened_on=opened, state=spec.state, opened_by=actor,
                   major_decision=spec.major)
        party = new("party", m.CaseParty, case=case, party_type=party_data.party_type,
                    name=party_data.name, id_type=party_data.id_type,
                    id_number=party_data.id_number, phone=party_data.phone,
                    address=party_data.address,
                    legal_representative=party_data.legal_representative)
        new("officer", m.CaseOfficer, case=case, officer=lead, role="lead")
        new("officer", m.CaseOfficer, case=case, officer=assistant, role="assistant")
        context = maker.context(spec, number, party_data, lead.full_name, assistant.full_name)
        target, length = rng.randint(300, 2000), 0
        day = opened
        for stage in catalogue.kind(kind).stages:
            if stage.conditional and rng.random() < 0.7:
                continue
            if length >= target and stage.code != "archiving":
                continue
            day = day + timedelta(days=rng.randint(2, 6))
            summary = (f"{stage.name}：执法人员{lead.full_name}、{assistant.full_name}于"
                       f"{day.year}年{day.month}月{day.day}日办理“{case.title}”的{stage.name}事项，"
                       "形成的文书和音像记录附后。")
            record = new("stage", m.StageRecord, case=case, stage=stage.code, summary=summary,
                         occurred_on=day, mark="internal", recorded_by=actor, recorded_at=now)
            length += len(summary)
            for doc_kind in STAGE_DOCUMENTS.get((kind, stage.code), ()):
                signers, template = TEMPLATES[doc_kind]
                text = maker.fill(template, context, day)
                length += len(text)
                document = new("document", m.Document, stage_record=record, doc_kind=doc_kind,
                               issued_on=day, text=text, required_signers=list(signers),
                               doc_number=number if doc_kind.endswith("决定书") else "",
                               mark="personal" if doc_kind == "询问笔录" else "internal",
                               created_by=actor, created_at=now)
                new("signature", m.Signature, document=document, signer_role="officer",
                    signer_name=lead.full_name, officer=lead, outcome="signed", signed_at=now,
                    recorded_by=actor, recorded_at=now)
                if doc_kind in TWO_OFFICER_DOCUMENTS:
                    new("signature", m.Signature, document=document, signer_role="officer",
                        signer_name=assistant.full_name, officer=assistant, outcome="signed",
                        signed_at=now, recorded_by=actor, recorded_at=now)
                if "party" in signers:
                    refused = rng.random() < 0.05
                    new("signature", m.Signature, document=document, signer_role="party",
                        signer_name=party_data.name, party=party,
                        outcome="refused" if refused else "signed",
                        refused_what="signature" if refused else "",
                        refusal_reason="当事人对检查结果有异议，拒绝签字，已由见证人签字确认" if refused else "",
                        signed_at=now, recorded_by=actor, recorded_at=now)
            moment = datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)
            if stage.code in ("investigation", "inspection", "examination"):
                for item, content in (
                        ("investigation.officers",
                         f"{lead.full_name}（执法证号{lead.certificate_number}）、{assistant.full_name}"
                         f"（执法证号{assistant.certificate_number}）到场，向当事人出示了执法证件。"),
                        ("investigation.site_inspection",
                         f"对{context.get('place', party_data.address)}进行了现场检查，制作现场检查笔录，"
                         "使用执法记录仪记录。"),
                        ("investigation.rights_notice", "告知当事人享有申请回避、陈述申辩和申请听证的权利。")):
                    new("investigation", m.InvestigationEntry, stage_record=record, item=item,
                        content=content, occurred_at=moment, recorded_by=actor, recorded_at=now)
                    length += len(content)
            if stage.code == "review_decision":
                for position, item in enumerate(("review.facts_basis", "review.head_opinion"), 1):
                    new("review", m.ReviewEntry, stage_record=record, item=item, position=position,
                        facts=context.get("fact", ""), legal_basis=context.get("basis", ""),
                        opinion=f"建议：{context.get('measure', '依法作出决定')}。", given_by=lead,
                        given_on=day, recorded_by=actor, recorded_at=now)
            if stage.code == "service":
                new("service", m.ServiceEntry, stage_record=record, item="service.service",
                    content=f"决定书于{day.year}年{day.month}月{day.day}日直接送达，当事人签收。",
                    occurred_on=day, recorded_by=actor, recorded_at=now)
            if stage.code in ("investigation", "inspection", "examination", "implementation",
                              "hearing", "notice_announcement"):
                av = new("av", m.AVRecord, case=case, stage=stage.code,
                         sha256=f"{ids['av']:064x}", size=1_000_000, media_kind="video",
                         mime="video/mp4", original_name=f"ZFJLY_{day:%Y%m%d}_{ids['av']}.mp4",
                         device_kind="body_camera",
                         device_id=f"ZFJLY-{unit_code.upper()[:3]}-{rng.randint(1, 40):03d}",
                         recorded_by=lead, started_at=moment,
                         ended_at=moment + timedelta(minutes=40),
                         place=context.get("place", party_data.address),
                         stored_at=moment + timedelta(hours=3), mark="internal",
                         registered_by=actor, registered_at=now)
                if rng.random() < 0.3:
                    new("evidence", m.EvidenceNote, av_record=av, collected_by=lead.full_name,
                        collected_at=moment, collected_place=av.place,
                        note="现场拍摄照片并调取施工日志复印件，经当事人签字确认。",
                        recorded_by=actor, recorded_at=now)
                if rng.random() < 0.05:
                    new("interruption", m.AVInterruption, av_record=av, cause="battery",
                        cause_detail="执法记录仪电量耗尽，更换电池后继续记录。", interrupted_at=moment,
                        resumed_at=moment + timedelta(minutes=3), spoken_explanation=True,
                        written_explanation="恢复记录时口头说明中断原因。", recorded_by=actor,
                        recorded_at=now)
        if rng.random() < 0.2:
            new("note", m.CaseAnnotation, case=case, text="法制审核提示：注意核实当事人陈述申辩的采纳情况。",
                author=actor, created_at=now)
        chars.append(length)
    order = [("case", m.Case), ("party", m.CaseParty), ("officer", m.CaseOfficer),
             ("note", m.CaseAnnotation), ("stage", m.StageRecord), ("document", m.Document),
             ("signature", m.Signature), ("investigation", m.InvestigationEntry),
             ("review", m.ReviewEntry), ("service", m.ServiceEntry), ("av", m.AVRecord),
             ("interruption", m.AVInterruption), ("evidence", m.EvidenceNote)]
    with transaction.atomic():
        for name, model in order:
            model.objects.bulk_create(rows[name], batch_size=2000)
        models = [model for _, model in order]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    counts = {name: len(items) for name, items in rows.items()}
    print(f"generated {cases:,} cases in {time.perf_counter() - started:.0f} s: "
          f"{sum(chars):,} characters of record text (per case {min(chars)}–{max(chars)}, "
          f"median {statistics.median(chars):.0f}); rows {counts}", flush=True)
    return counts


# --- measuring ----------------------------------------------------------------------------------

def indexed_texts() -> list[str]:
    """Every text ``reindex`` segments, as the indexer builds it from the records (not
    timed): the cases' entries and the live rule pages."""
    from wagtail.models import Page

    from search.documents import page_document
    from search.indexing import case_texts

    pages = [doc.text for page in Page.objects.live().filter(depth__gt=1).specific()
             if (doc := page_document(page)) is not None]
    return case_texts() + pages


def reindex(clear: bool, workers: int | None = None) -> float:
    import io

    from django.core.management import call_command

    args = ["--no-progress", *(["--clear"] if clear else []),
            *(["--workers", str(workers)] if workers is not None else [])]
    start = time.perf_counter()
    call_command("reindex", *args, stdout=io.StringIO(), stderr=io.StringIO())
    return time.perf_counter() - start


def cut_rjieba(texts: list[str], joined: int = 0) -> float:
    """rjieba's cut of every text, one call a text, or (``joined``) of that many texts
    joined by a newline in one call; the faster of the two is the anchor."""
    from search.segmentation import segmenter

    cut = segmenter().tokenizer.jieba.cut  # rjieba.Jieba with the domain dictionary
    if joined:
        texts = ["\n".join(texts[start:start + joined]) for start in range(0, len(texts), joined)]
    start = time.perf_counter()
    for text in texts:
        cut(text, True)
    return time.perf_counter() - start


def cut_jieba(texts: list[str], cutter) -> float:
    start = time.perf_counter()
    for text in texts:
        cutter.cut(text, True)
    return time.perf_counter() - start


def single_cases(count: int, seed: int) -> tuple[float, float, int]:
    """The path of a change in a request: a stage record of a case rewritten (without the
    signal), then ``case_index([case])`` as the on-commit callback runs it; ms p50/p95."""
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    from records.models import Case, StageRecord
    from search.indexing import case_index

    rng = random.Random(seed)
    ids = list(Case.objects.values_list("pk", flat=True))
    times, entries = [], 0
    for case_id in rng.sample(ids, min(count, len(ids))):
        record = StageRecord.objects.filter(case_id=case_id).order_by("pk") \
            .values("pk", "summary").first()
        if record is None:
            continue
        StageRecord.objects.filter(pk=record["pk"]).update(
            summary=Concat(F("summary"), Value("（补正）")))
        start = time.perf_counter()
        entries += case_index([case_id])
        times.append((time.perf_counter() - start) * 1000)
        StageRecord.objects.filter(pk=record["pk"]).update(summary=record["summary"])
        case_index([case_id])  # as generated again, for the next run (--reuse)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)], entries


def measure(vendor: str, runs: int, jieba_every: int, singles: int, seed: int,
            workers: int | None = None) -> list[dict]:
    from django.db import connection

    from search.models import SearchEntry
    from search.segmentation import build_segmenter, segmenter

    segmenter()  # the cutter's dictionary is built once per process, outside every timing
    jieba = build_segmenter(cutter="jieba").tokenizer
    texts = indexed_texts()
    chars = sum(map(len, texts))
    sample = texts[::jieba_every]
    sample_chars = sum(map(len, sample))
    engine = ""
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = "
                           "'casesearch_entry_vector'")
            engine = " (RUM)" if "rum" in (cursor.fetchone() or [""])[0].lower() else " (GIN)"
    from search.indexing import default_workers

    shown = default_workers() if workers is None else workers
    print(f"\n{vendor}{engine}, reindex with {shown} worker processes "
          f"({os.cpu_count()} cores): {len(texts):,} texts, {chars:,} characters "
          f"(Python jieba cuts every {jieba_every}th: {sample_chars:,})", flush=True)
    print("   chars/s; ratios to the rjieba anchor (the faster of one call a text and 5,000 "
          "texts a call) and to Python jieba")
    print(f"   {'run':>3} {'rjieba/text':>12} {'rjieba/5000':>12} {'jieba':>9} "
          f"{'reindex --clear':>16} {'ratios':>12} {'reindex':>10} {'ratios':>12}")
    results = []
    for run in range(1, runs + 1):
        per_text = chars / cut_rjieba(texts)
        joined = chars / cut_rjieba(texts, joined=5000)
        rjieba = max(per_text, joined)
        fresh = chars / reindex(clear=True, workers=workers)
        entries = SearchEntry.objects.count()
        again = chars / reindex(clear=False, workers=workers)
        jieba_rate = sample_chars / cut_jieba(sample, jieba)
        row = dict(rjieba=rjieba, jieba=jieba_rate, fresh=fresh, again=again, entries=entries)
        results.append(row)
        print(f"   {run:>3} {per_text:12,.0f} {joined:12,.0f} {jieba_rate:9,.0f} {fresh:16,.0f} "
              f"{fresh / rjieba:5.2f}/{fresh / jieba_rate:5.1f}x {again:10,.0f} "
              f"{again / rjieba:5.2f}/{again / jieba_rate:5.1f}x", flush=True)
    for name, label in (("fresh", "reindex --clear (an emptied index)"),
                        ("again", "reindex (over the same index, while serving)")):
        ratios_r = [row[name] / row["rjieba"] for row in results]
        ratios_j = [row[name] / row["jieba"] for row in results]
        print(f"   {label}: / rjieba cut {min(ratios_r):.2f}–{max(ratios_r):.2f} (target >= 0.5), "
              f"/ jieba cut {min(ratios_j):.1f}–{max(ratios_j):.1f}x (target >= 10x)")
    print(f"   {results[-1]['entries']:,} entries")
    if singles:
        p50, p95, entries = single_cases(singles, seed)
        print(f"   one case re-indexed after a change to one of its stage records (the on-commit "
              f"path), {singles} cases: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
              f"({entries / max(1, singles):.1f} entries a case)", flush=True)
    return results


def drop(vendor: str) -> None:
    if vendor == "postgresql":
        pg_scratch.admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
    else:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{sqlite_file()}{suffix}").unlink(missing_ok=True)


def run_vendor(args) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-indexing-") as folder:
        if not args.reuse:
            drop(args.vendor)
            if args.vendor == "postgresql":
                pg_scratch.admin_execute(f"CREATE DATABASE {BENCH_DB}")
            else:
                sqlite_file().parent.mkdir(parents=True, exist_ok=True)
        try:
            setup(args.vendor, Path(folder))
            from django.db import connection

            if connection.vendor != args.vendor:
                sys.exit(f"{args.vendor} asked for, {connection.vendor} configured")
            if not args.reuse:
                generate(args.cases, args.seed)
            else:
                from django.core.management import call_command

                call_command("migrate", verbosity=0)  # a kept database, the schema of today
            measure(args.vendor, args.runs, args.jieba_every, args.singles, args.seed,
                    args.workers)
        finally:
            from django.db import connections

            connections.close_all()
            if not args.keep:
                drop(args.vendor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--vendor", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument("--jieba-every", type=int, default=30,
                        help="Python jieba cuts every n-th text")
    parser.add_argument("--singles", type=int, default=100,
                        help="cases re-indexed one by one after a change (0: none)")
    parser.add_argument("--workers", type=int, default=None,
                        help="reindex --workers (default: the command's, one a core)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated database (var/bench/bench_indexing.sqlite3, "
                             "PostgreSQL bench_indexing)")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    args = parser.parse_args()
    if args.vendor == "both":
        for vendor in ("sqlite", "postgresql"):
            subprocess.run([sys.executable, __file__, "--vendor", vendor, "--cases",
                            str(args.cases), "--runs", str(args.runs), "--jieba-every",
                            str(args.jieba_every), "--seed", str(args.seed),
                            "--singles", str(args.singles),
                            *(["--workers", str(args.workers)] if args.workers is not None
                              else []),
                            *(["--keep"] if args.keep else []),
                            *(["--reuse"] if args.reuse else [])], check=True)
        return
    run_vendor(args)


if __name__ == "__main__":
    main()
