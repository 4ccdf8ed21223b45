"""Benchmark of the supervision dashboard and the yearly review export (issue 8), on PostgreSQL:

    .venv/bin/python bench/bench_supervision.py                 # 1,000,000 cases, the full run
    .venv/bin/python bench/bench_supervision.py --cases 100000  # a quicker look
    ... --keep / --reuse   keep the generated database (bench_supervision) / measure it again

It creates its own database (bench_supervision, on the server of DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/test), migrates it, generates the data with bulk SQL
(INSERT ... SELECT generate_series) and drops it at the end unless --keep.

Data: N cases opened in 2026 over the units, each with one lead officer (20 per unit), one
stage record with one document (officer and party required; ~10% lack the party's signature,
~3% the officer's), one video recording (~15% stored after 24 hours, ~5% after the return to
the unit), ~20% closed and ~30% archived (a share late against the 第二十五条 deadline), ~10%
with a trigger for uninterrupted recording (a third of them without any recording), ~5% major
decisions (half without legal review).

Measured (median of --runs):
1. the dashboard for the whole bureau over 2026 as the legal office: the counting queries
   (portal.supervision.figures.dashboard) and the page rendered (template included);
   target under 1 s;
2. the yearly review export of one unit (workbook and PDF), findings case by case;
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

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    for spec in UNITS:
        Unit.objects.get_or_create(code=spec.code, defaults={"name": spec.name})
    roles = role_groups_ensure()
    units = list(Unit.objects.order_by("id").values_list("id", flat=True))
    u = len(units)
    with connection.cursor() as cursor:
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
        print(f"generating {n:,} cases ...", flush=True)
        cursor.execute(f"""
            CREATE TEMP TABLE plan AS
            SELECT i, (hashint4(i)::bigint & 2147483647) % 1000 AS r1,
                      (hashint4(i * 7)::bigint & 2147483647) % 1000 AS r2,
                      (hashint4(i * 13)::bigint & 2147483647) % 1000 AS r3,
                      1 + (i % {u}) AS unit_no,
                      DATE '2026-01-01' + ((hashint4(i * 3)::bigint & 2147483647) % 330)::int AS opened
            FROM generate_series(1, {n}) AS i""")
        cursor.execute(f"""
            INSERT INTO records_case (id, number, number_year, number_seq, kind, title, start_mode,
                source, source_detail, handling_unit_id, mark, major_decision, general_procedure,
                uninterrupted_triggers, stages_occurred, opened_on, act_ended_on, archive_deadline,
                state, archived_at, opened_by_id, created_at)
            SELECT i, 'B' || i, 2026, i, CASE WHEN r1 < 700 THEN 'penalty' ELSE 'inspection' END,
                '案件' || i, 'initiative', 'inspection', '', (ARRAY{units})[unit_no], 'internal',
                r2 < 50, false,
                CASE WHEN r3 < 100 THEN '["personal_liberty"]'::jsonb ELSE '[]'::jsonb END,
                '[]'::jsonb, opened,
                CASE WHEN r1 % 10 >= 5 THEN opened + 10 END,
                CASE WHEN r1 % 10 >= 5 THEN opened + 38 END,
                CASE WHEN r1 % 10 >= 7 THEN 'archived' WHEN r1 % 10 >= 5 THEN 'closed' ELSE 'open' END,
                CASE WHEN r1 % 10 >= 7 THEN (opened + 30 + (r2 % 20)::int)::timestamp AT TIME ZONE 'Asia/Shanghai' END,
                {legal}, now()
            FROM plan""")
        cursor.execute("SELECT setval(pg_get_serial_sequence('records_case', 'id'), %s)", [n])
        cursor.execute(f"""
            INSERT INTO records_caseofficer (case_id, officer_id, role, added_at)
            SELECT p.i, s.id, 'lead', now() FROM plan p
            JOIN access_staffprofile s ON s.user_id = (
                SELECT id FROM auth_user WHERE username = 'bench-officer-' || ((p.unit_no - 1) * 20 + p.i % 20))""")
        cursor.execute("""
            INSERT INTO records_stagerecord (id, case_id, stage, summary, occurred_on, mark,
                recorded_by_id, recorded_at)
            SELECT i, i, 'investigation', '调查', opened, 'internal', %s, now() FROM plan""", [legal])
        cursor.execute("SELECT setval(pg_get_serial_sequence('records_stagerecord', 'id'), %s)", [n])
        cursor.execute("""
            INSERT INTO records_document (id, stage_record_id, doc_kind, doc_number, issued_on,
                text, file_sha256, file_name, file_mime, required_signers, correction_reason,
                mark, created_by_id, created_at)
            SELECT i, i, '询问笔录', '', opened, '笔录', '', '', '', '["officer", "party"]'::jsonb,
                '', 'internal', %s, now() FROM plan""", [legal])
        cursor.execute("SELECT setval(pg_get_serial_sequence('records_document', 'id'), %s)", [n])
        cursor.execute("""
            INSERT INTO records_signature (document_id, signer_role, signer_name, outcome,
                refused_what, refusal_reason, signed_at, recorded_by_id, recorded_at)
            SELECT i, 'officer', '执法人员', 'signed', '', '', now(), %s, now() FROM plan WHERE r2 %% 100 >= 3
            UNION ALL
            SELECT i, 'party', '当事人', 'signed', '', '', now(), %s, now() FROM plan WHERE r3 %% 10 <> 0""",
                       [legal, legal])
        cursor.execute(f"""
            INSERT INTO records_avrecord (case_id, stage, sha256, size, media_kind, mime,
                original_name, device_kind, device_id, recorded_by_id, started_at, ended_at, place,
                stored_at, returned_to_unit_at, late_storage_cause, correction_reason, mark,
                registered_by_id, registered_at)
            SELECT p.i, 'investigation', lpad(to_hex(p.i), 64, '0'), 10, 'video', 'video/mp4',
                '', 'body_camera', '', (SELECT officer_id FROM records_caseofficer WHERE case_id = p.i),
                p.opened::timestamp AT TIME ZONE 'Asia/Shanghai',
                p.opened::timestamp AT TIME ZONE 'Asia/Shanghai' + interval '20 minutes',
                '现场',
                p.opened::timestamp AT TIME ZONE 'Asia/Shanghai'
                    + CASE WHEN p.r1 % 100 < 15 THEN interval '30 hours' ELSE interval '2 hours' END,
                NULL, '', '', 'internal', {legal}, now()
            FROM plan p WHERE NOT (p.r3 < 100 AND p.r2 % 3 = 0)""")
        cursor.execute("DROP TABLE plan")
    admin_vacuum()
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)


def admin_vacuum() -> None:
    import psycopg

    url = pg_scratch.database_url(BENCH_DB)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def timed(function, runs: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def measure(runs: int) -> None:
    from django.contrib.auth import get_user_model
    from django.template.loader import render_to_string
    from django.utils import timezone

    from access.models import Unit
    from portal.supervision import export, figures, presentation

    legal = get_user_model().objects.get(username="bench-legal")
    period = figures.Period.year(2026)
    count_s, board = timed(lambda: figures.dashboard(legal, period, now=NOW), runs)

    def page():
        result = figures.dashboard(legal, period, now=NOW)
        return render_to_string("portal/supervision/dashboard.html", {
            "period": period, "board": result, "unit_id": None,
            "units": Unit.objects.order_by("code"), **presentation.tables(result)})

    page_s, html = timed(page, runs)
    print(f"dashboard, whole bureau, 2026: {board.totals['total']:,} cases, "
          f"{board.totals['clean']:,} without findings")
    for figure in figures.FIGURES:
        print(f"  {figure.label}（{figure.article}）: {board.totals[figure.code]:,}")
    print(f"  counting (figures.dashboard)      median {count_s * 1000:8.0f} ms   target < 1000 ms")
    print(f"  page rendered ({len(html) // 1024} KiB HTML)        median {page_s * 1000:8.0f} ms   target < 1000 ms")
    unit = Unit.objects.order_by("id").first()
    review_s, result = timed(lambda: export.review(legal, unit, 2026, now=NOW), 1)
    xlsx_s, book = timed(lambda: export.workbook(result), 1)
    pdf_s, pdf = timed(lambda: export.pdf(result), 1)
    print(f"review export, {unit.name} 2026: {result.board.totals['total']:,} cases, "
          f"{len(result.findings):,} findings listed")
    print(f"  figures + findings case by case   {review_s:8.1f} s")
    print(f"  workbook ({len(book) // 1024} KiB)               {xlsx_s:8.1f} s")
    print(f"  PDF ({len(pdf) // 1024} KiB)                    {pdf_s:8.1f} s")
    print(f"  total                             {review_s + xlsx_s:8.1f} s (xlsx), "
          f"{review_s + pdf_s:.1f} s (pdf)   target < 10 s")
    del timezone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    if not args.reuse:
        pg_scratch.admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        pg_scratch.admin_execute(f"CREATE DATABASE {BENCH_DB}")
    django_setup()
    try:
        if not args.reuse:
            generate(args.cases)
        measure(args.runs)
    finally:
        if not (args.keep or args.reuse):
            from django.db import connections

            connections.close_all()
            pg_scratch.admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")


if __name__ == "__main__":
    main()
