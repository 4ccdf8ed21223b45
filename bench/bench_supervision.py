"""Benchmark of the supervision dashboard and the yearly review export (issue 8), on PostgreSQL:

    .venv/bin/python bench/bench_supervision.py                 # 1,000,000 cases, the full run
    .venv/bin/python bench/bench_supervision.py --cases 100000  # a quicker look
    ... --keep / --reuse   keep the generated database (bench_supervision) / measure it again
    ... --no-pdf           skip the PDF

It creates its own database (bench_supervision, on the server of DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/test), migrates it, generates the data with bulk SQL
(INSERT ... SELECT generate_series), stores the facts records.services keeps on each case
with the same function (records.case_flags.case_flags_refresh_all), and drops it at the end
unless --keep. Each step's time is printed.

Data: N cases opened in 2026 over the units, each with one lead officer (20 per unit), one
stage record with one document (officer and party required; ~10% lack the party's signature,
~3% the officer's), one video recording (~15% stored after 24 hours, ~5% after the return to
the unit), ~20% closed and ~30% archived (a share late against the 第二十五条 deadline), ~10%
with a trigger for uninterrupted recording (a third of them without any recording), ~5% major
decisions (half of them with a legal-review entry); one open view request in 500 cases.

Measured (median and range of --runs, interleaved with two anchors that see the same load:
a count of the year's cases, and a count of the year's cases joined to their officers):
1. the dashboard for the whole bureau over 2026 as the legal office: the counting queries
   (portal.supervision.figures.dashboard) and the page rendered (template included);
   target under 1 s;
2. the yearly review export of one unit: the figures and the findings case by case
   (records.compliance.cases_facts, a fixed number of queries), the workbook and the PDF;
   target under 10 s.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pg_scratch  # bench/pg_scratch.py (the script's folder is on sys.path)

BENCH_DB = "bench_supervision"
NOW = datetime(2026, 12, 31, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def django_setup() -> None:
    pg_scratch.django_setup(BENCH_DB)


def generate(n: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from access.models import Unit
    from access.roles import role_groups_ensure
    from policies.units import UNITS
    from records.case_flags import case_flags_refresh_all

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"  migrated in {time.perf_counter() - started:.0f} s", flush=True)
    for spec in UNITS:
        Unit.objects.get_or_create(code=spec.code, defaults={"name": spec.name})
    roles = role_groups_ensure()
    units = list(Unit.objects.order_by("id").values_list("id", flat=True))
    u = len(units)
    with connection.cursor() as cursor:
        def step(name: str, sql: str, params=None) -> None:
            began = time.perf_counter()
            cursor.execute(sql, params)
            print(f"  {name:<28} {time.perf_counter() - began:6.0f} s", flush=True)

        cursor.execute("INSERT INTO auth_user (password, is_superuser, username, first_name, "
                       "last_name, email, is_staff, is_active, date_joined) VALUES "
                       "('!', false, 'bench-legal', '', '', '', false, true, now()) RETURNING id")
        legal = cursor.fetchone()[0]
        cursor.execute("INSERT INTO auth_user_groups (user_id, group_id) VALUES (%s, %s)",
                       [legal, roles["legal"].pk])
        cursor.execute("INSERT INTO access_staffprofile (user_id, full_name, unit_id, "
                       "certificate_number) VALUES (%s, '法规处', %s, '')", [legal, units[0]])
        cursor.execute("""
            INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,
                email, is_staff, is_active, date_joined)
            SELECT '!', false, 'bench-officer-' || i, '', '', '', false, true, now()
            FROM generate_series(0, %s) AS i""", [u * 20 - 1])
        cursor.execute(f"""
            INSERT INTO access_staffprofile (user_id, full_name, unit_id, certificate_number)
            SELECT id, '执法人员' || substring(username from 15),
                   (ARRAY{units})[1 + (substring(username from 15)::int / 20)], ''
            FROM auth_user WHERE username LIKE 'bench-officer-%%'""")
        # officer number k (0 .. 20u-1) of unit k // 20, by its staff profile's id
        cursor.execute("""
            CREATE TEMP TABLE officer_no AS
            SELECT substring(u.username from 15)::int AS k, s.id AS profile_id, u.id AS user_id
            FROM auth_user u JOIN access_staffprofile s ON s.user_id = u.id
            WHERE u.username LIKE 'bench-officer-%%'""")
        cursor.execute("CREATE UNIQUE INDEX ON officer_no (k)")
        print(f"generating {n:,} cases ...", flush=True)
        step("plan", f"""
            CREATE TEMP TABLE plan AS
            SELECT i, (hashint4(i)::bigint & 2147483647) % 1000 AS r1,
                      (hashint4(i * 7)::bigint & 2147483647) % 1000 AS r2,
                      (hashint4(i * 13)::bigint & 2147483647) % 1000 AS r3,
                      1 + (i % {u}) AS unit_no,
                      DATE '2026-01-01' + ((hashint4(i * 3)::bigint & 2147483647) % 330)::int AS opened
            FROM generate_series(1, {n}) AS i""")
        step("cases", f"""
            INSERT INTO records_case (id, number, number_year, number_seq, kind, title, start_mode,
                source, source_detail, handling_unit_id, mark, major_decision, general_procedure,
                uninterrupted_triggers, stages_occurred, opened_on, act_ended_on, archive_deadline,
                state, archived_at, opened_by_id, created_at, has_unsigned_document,
                has_late_storage, has_continuous_recording, has_legal_review)
            SELECT i, 'B' || i, 2026, i, CASE WHEN r1 < 700 THEN 'penalty' ELSE 'inspection' END,
                '案件' || i, 'initiative', 'inspection', '', (ARRAY{units})[unit_no], 'internal',
                r2 < 50, false,
                CASE WHEN r3 < 100 THEN '["personal_liberty"]'::jsonb ELSE '[]'::jsonb END,
                '[]'::jsonb, opened,
                CASE WHEN r1 % 10 >= 5 THEN opened + 10 END,
                CASE WHEN r1 % 10 >= 5 THEN opened + 38 END,
                CASE WHEN r1 % 10 >= 7 THEN 'archived' WHEN r1 % 10 >= 5 THEN 'closed' ELSE 'open' END,
                CASE WHEN r1 % 10 >= 7 THEN (opened + 30 + (r2 % 20)::int)::timestamp AT TIME ZONE 'Asia/Shanghai' END,
                {legal}, now(), false, false, false, false
            FROM plan""")
        cursor.execute("SELECT setval(pg_get_serial_sequence('records_case', 'id'), %s)", [n])
        step("case officers", f"""
            INSERT INTO records_caseofficer (case_id, officer_id, role, added_at)
            SELECT p.i, o.profile_id, 'lead', now() FROM plan p
            JOIN officer_no o ON o.k = (p.unit_no - 1) * 20 + (p.i / {u}) % 20""")
        step("stage records", """
            INSERT INTO records_stagerecord (id, case_id, stage, summary, occurred_on, mark,
                recorded_by_id, recorded_at)
            SELECT i, i, 'investigation', '调查', opened, 'internal', %s, now() FROM plan""", [legal])
        cursor.execute("SELECT setval(pg_get_serial_sequence('records_stagerecord', 'id'), %s)", [n])
        step("documents", """
            INSERT INTO records_document (id, stage_record_id, doc_kind, doc_number, issued_on,
                text, file_sha256, file_name, file_mime, required_signers, correction_reason,
                mark, created_by_id, created_at)
            SELECT i, i, '询问笔录', '', opened, '笔录', '', '', '', '["officer", "party"]'::jsonb,
                '', 'internal', %s, now() FROM plan""", [legal])
        cursor.execute("SELECT setval(pg_get_serial_sequence('records_document', 'id'), %s)", [n])
        step("signatures", """
            INSERT INTO records_signature (document_id, signer_role, signer_name, outcome,
                refused_what, refusal_reason, signed_at, recorded_by_id, recorded_at)
            SELECT i, 'officer', '执法人员', 'signed', '', '', now(), %s, now() FROM plan WHERE r2 %% 100 >= 3
            UNION ALL
            SELECT i, 'party', '当事人', 'signed', '', '', now(), %s, now() FROM plan WHERE r3 %% 10 <> 0""",
             [legal, legal])
        step("legal reviews", """
            INSERT INTO records_reviewentry (stage_record_id, item, position, facts, legal_basis,
                discretion_standard, opinion, given_by_name, given_on, recorded_by_id, recorded_at)
            SELECT i, 'review.legal_review', 1, '', '', '', '同意', '法规处', opened, %s, now()
            FROM plan WHERE r2 < 25""", [legal])
        step("recordings", f"""
            INSERT INTO records_avrecord (case_id, stage, sha256, size, media_kind, mime,
                original_name, device_kind, device_id, recorded_by_id, started_at, ended_at, place,
                stored_at, returned_to_unit_at, late_storage_cause, correction_reason, mark,
                registered_by_id, registered_at)
            SELECT p.i, 'investigation', lpad(to_hex(p.i), 64, '0'), 10, 'video', 'video/mp4',
                '', 'body_camera', '', o.profile_id,
                p.opened::timestamp AT TIME ZONE 'Asia/Shanghai',
                p.opened::timestamp AT TIME ZONE 'Asia/Shanghai' + interval '20 minutes',
                '现场',
                p.opened::timestamp AT TIME ZONE 'Asia/Shanghai'
                    + CASE WHEN p.r1 % 100 < 15 THEN interval '30 hours' ELSE interval '2 hours' END,
                NULL, '', '', 'internal', {legal}, now()
            FROM plan p JOIN officer_no o ON o.k = (p.unit_no - 1) * 20 + (p.i / {u}) % 20
            WHERE NOT (p.r3 < 100 AND p.r2 % 3 = 0)""")
        # one open view request in 500 cases, from an officer of the next unit
        cursor.execute("SELECT id FROM django_content_type WHERE app_label = 'records' AND model = 'case'")
        case_type = cursor.fetchone()[0]
        step("open requests", f"""
            INSERT INTO access_accessrequest (requester_id, requester_unit_id, target_type_id,
                target_id, target_repr, handling_unit_id, kind, purpose, purpose_text, ends_at,
                copies, delivery, outside_bureau, recipient, status, round, packages_made,
                granted, route, created_at, updated_at)
            SELECT o.user_id, (ARRAY{units})[1 + p.unit_no % {u}], {case_type}, p.i, 'B' || p.i,
                (ARRAY{units})[p.unit_no], 'view', 'case_handling', '办理相关案件', now() + interval '30 days',
                1, 'online', false, '', 'pending', 1, 0, '[]'::jsonb, '{{}}'::jsonb,
                TIMESTAMP '2026-12-01' AT TIME ZONE 'Asia/Shanghai' + (p.r2 || ' hours')::interval, now()
            FROM plan p JOIN officer_no o ON o.k = (p.unit_no % {u}) * 20
            WHERE p.i % 500 = 0""")
        cursor.execute("DROP TABLE plan")
        cursor.execute("DROP TABLE officer_no")
        step("analyze", "ANALYZE")  # as autovacuum would have, before the planner is asked
    # the facts records.services keeps on each case, stored by the same function
    began = time.perf_counter()
    case_flags_refresh_all()
    print(f"  {'stored facts (case_flags)':<28} {time.perf_counter() - began:6.0f} s", flush=True)
    began = time.perf_counter()
    admin_vacuum()
    print(f"  {'vacuum':<28} {time.perf_counter() - began:6.0f} s", flush=True)
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)


def admin_vacuum() -> None:
    import psycopg

    url = pg_scratch.database_url(BENCH_DB)
    with psycopg.connect(url, autocommit=True) as connection:
        # the stored facts were written by one UPDATE of every case: compact the table it
        # left with a dead copy of each row, as a table filled row by row would be
        connection.execute("VACUUM FULL records_case")
        connection.execute("VACUUM ANALYZE")


def timed(function, runs: int) -> tuple[list[float], object]:
    samples, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - started)
    return samples, result


def spread(samples: list[float]) -> str:
    """median (min-max) in ms"""
    ms = [s * 1000 for s in samples]
    return f"{statistics.median(ms):7.0f} ms ({min(ms):.0f}-{max(ms):.0f})"


def measure(runs: int, *, with_pdf: bool = True) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    from access.models import Unit
    from portal.supervision import export, figures, presentation

    legal = get_user_model().objects.get(username="bench-legal")
    period = figures.Period.year(2026)

    def anchor(sql: str):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchone()[0]
        return run

    year = "c.opened_on BETWEEN '2026-01-01' AND '2026-12-31'"
    scan = anchor(f"SELECT count(*) FROM records_case c WHERE {year}")
    join = anchor("SELECT count(*) FROM records_case c JOIN records_caseofficer o "
                  f"ON o.case_id = c.id WHERE {year}")

    def page():
        result = figures.dashboard(legal, period, now=NOW)
        return render_to_string("portal/supervision/dashboard.html", {
            "period": period, "board": result, "unit_id": None,
            "units": Unit.objects.order_by("code"), **presentation.tables(result)})

    # interleaved, so that the anchors see the same load as the dashboard
    samples = {"scan": [], "join": [], "count": [], "page": []}
    for _ in range(runs):
        for name, function in (("scan", scan), ("join", join),
                               ("count", lambda: figures.dashboard(legal, period, now=NOW)),
                               ("page", page)):
            taken, result = timed(function, 1)
            samples[name] += taken
            if name == "count":
                board = result
            if name == "page":
                html = result
    with CaptureQueriesContext(connection) as queries:
        figures.dashboard(legal, period, now=NOW)
    print(f"dashboard, whole bureau, 2026: {board.totals['total']:,} cases, "
          f"{board.totals['clean']:,} without findings, {len(board.by_officer)} officers")
    for figure in figures.FIGURES:
        print(f"  {figure.label}（{figure.article}）: {board.totals[figure.code]:,}")
    print(f"  anchor: count(*) of the year's cases      {spread(samples['scan'])}")
    print(f"  anchor: count(*) of cases x case officers {spread(samples['join'])}")
    print(f"  counting (figures.dashboard, {len(queries)} queries) {spread(samples['count'])}"
          f"   target < 1000 ms")
    print(f"  page rendered ({len(html) // 1024} KiB HTML)          {spread(samples['page'])}"
          f"   target < 1000 ms")
    print(f"  page / join anchor: {statistics.median(samples['page']) / statistics.median(samples['join']):.1f}")
    unit = Unit.objects.order_by("id").first()
    review_s, result = timed(lambda: export.review(legal, unit, 2026, now=NOW), 1)
    xlsx_s, book = timed(lambda: export.workbook(result), 1)
    flagged = result.board.totals["total"] - result.board.totals["clean"]
    print(f"review export, {unit.name} 2026: {result.board.totals['total']:,} cases, "
          f"{flagged:,} with findings, {len(result.findings):,} findings listed")
    print(f"  figures + findings case by case   {review_s[0]:8.1f} s "
          f"({review_s[0] / max(flagged, 1) * 1000:.2f} ms per case with findings)")
    print(f"  workbook ({len(book) // 1024} KiB)               {xlsx_s[0]:8.1f} s")
    if with_pdf:
        pdf_s, pdf = timed(lambda: export.pdf(result), 1)
        print(f"  PDF ({len(pdf) // 1024} KiB)                    {pdf_s[0]:8.1f} s")
        print(f"  total                             {review_s[0] + xlsx_s[0]:8.1f} s (xlsx), "
              f"{review_s[0] + pdf_s[0]:.1f} s (pdf)   target < 10 s")
    else:
        print(f"  total                             {review_s[0] + xlsx_s[0]:8.1f} s (xlsx), "
              f"PDF not measured (--no-pdf)   target < 10 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--no-pdf", action="store_true",
                        help="skip the PDF")
    args = parser.parse_args()
    if not args.reuse:
        pg_scratch.admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        pg_scratch.admin_execute(f"CREATE DATABASE {BENCH_DB}")
    django_setup()
    try:
        if not args.reuse:
            generate(args.cases)
        measure(args.runs, with_pdf=not args.no_pdf)
    finally:
        if not (args.keep or args.reuse):
            from django.db import connections

            connections.close_all()
            pg_scratch.admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")


if __name__ == "__main__":
    main()
