"""Benchmark of the access gate's visibility filter and page flags (issue 5), on PostgreSQL:

    .venv/bin/python bench/bench_permissions.py                  # 1,000,000 cases, the full run
    .venv/bin/python bench/bench_permissions.py --cases 100000 --dense-grants 2000   # a quick look
    ... --keep        keep the generated database (bench_permissions) for another run
    ... --reuse       measure an existing generated database without generating it again

It creates its own database (bench_permissions, on the server of DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/test), migrates it, generates the data with bulk SQL
(INSERT ... SELECT generate_series, never the ORM row by row) and drops it at the end.

Data: N cases over the ten units (marks: 15% public, 60% internal, 15% personal, 7% commercial
secret, 3% state secret; opened over ten years); 200 dense users with 10,000 live "view"
grants each (2,000,000 rows) plus 1,000 expired or revoked rows each (history the filter
must skip); 200 sparse users with 20 live grants plus 5 history rows; 20 groups with 5,000
live grants each, and 200 group members in two groups each. All of them are requesters in a
unit (人事处): no default rule shows them a case, only their grants do.

1. The permission-filtered case list (content level, newest 50 by -opened_on, -id) and its
   total count, per kind of user (dense, sparse, group member), each timed as
   - ours: ``access.gate.visible(user, Case, level="content")`` (the user's roles, unit and
     groups already loaded for the request; the cost of loading them is printed apart);
   - floor: a hand-written grant-first SQL query returning the same rows (and for the count,
     counting the live grants without touching the case table);
   - guardian: ``get_objects_for_user(user, "records.view_case", accept_global_perms=False)``
     on the same direct foreign-key tables (it does not know the end or the revocation, so it
     returns the history rows' cases too; it is the reference the issue quotes).
   p50/p95 over --iterations, rotating over --users users of each kind, interleaved.
   Target: ours within 3x of the floor at p95, page and count, for every kind.
2. A list of 10, 50 and 200 rows with per-row flags (may view, may copy, may approve):
   ``access.gate.flags`` with a fresh user object per iteration (roles loaded inside) against
   guardian's ``ObjectPermissionChecker.prefetch_perms`` + ``has_perm`` three times per row.
   Target: the same number of queries for 10 and 200 rows, and within 1.2x of guardian.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import pg_scratch  # bench/pg_scratch.py (the script's folder is on sys.path)

BENCH_DB = "bench_permissions"
MARKS = [("public", 0.15), ("internal", 0.60), ("personal", 0.15), ("commercial_secret", 0.07),
         ("state_secret", 0.03)]


def django_setup() -> None:
    pg_scratch.django_setup(BENCH_DB)


# --- data ---------------------------------------------------------------------------------------

def generate(args) -> None:
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    from access.grants import permissions_ensure
    from access.models import Unit
    from access.roles import role_groups_ensure
    from policies.units import UNITS
    from records.models import Case

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    for spec in UNITS:
        Unit.objects.get_or_create(code=spec.code, defaults={"name": spec.name})
    roles = role_groups_ensure()
    permissions_ensure()
    view = perm_id("view_case")
    copy = perm_id("copy_case")
    requester_group = roles["requester"].pk
    renshi = Unit.objects.get(code="renshi").pk
    units = list(Unit.objects.order_by("id").values_list("id", flat=True))
    bounds, total = [], 0.0
    for mark, share in MARKS:
        total += share
        bounds.append((mark, total))
    mark_case = " ".join(f"WHEN r < {bound} THEN '{mark}'" for mark, bound in bounds[:-1])
    n = args.cases
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO auth_user (password, is_superuser, username, first_name, "
                       "last_name, email, is_staff, is_active, date_joined) VALUES "
                       "('!', false, 'bench-admin', '', '', '', false, true, now()) RETURNING id")
        opener = cursor.fetchone()[0]
        print(f"generating {n:,} cases ...", flush=True)
        cursor.execute(f"""
            INSERT INTO records_case (id, number, number_year, number_seq, kind, title, start_mode,
                source, source_detail, handling_unit_id, mark, major_decision, general_procedure,
                uninterrupted_triggers, stages_occurred, opened_on, state, opened_by_id, created_at)
            SELECT i, 'B' || i, 2016 + (i % 10), i, 'penalty', '案件' || i, 'initiative',
                'inspection', '', (ARRAY{units})[1 + (i * 7) % {len(units)}],
                CASE {mark_case} ELSE 'state_secret' END, false, true, '[]'::jsonb, '[]'::jsonb,
                DATE '2016-01-01' + ((hashint4(i)::bigint & 2147483647) % 3650)::int,
                'open', {opener}, now()
            FROM (SELECT i, ((hashint4(i * 31)::bigint & 2147483647) % 10000) / 10000.0 AS r
                  FROM generate_series(1, {n}) AS i) AS s""")
        cursor.execute("SELECT setval(pg_get_serial_sequence('records_case', 'id'), %s)", [n])
        kinds = (("dense", args.users_per_kind), ("sparse", args.users_per_kind),
                 ("member", args.users_per_kind))
        for kind, count in kinds:
            cursor.execute(f"""
                INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,
                    email, is_staff, is_active, date_joined)
                SELECT '!', false, '{kind}-' || i, '', '', '', false, true, now()
                FROM generate_series(1, {count}) AS i""")
        cursor.execute("""
            INSERT INTO access_staffprofile (user_id, full_name, unit_id, certificate_number)
            SELECT id, username, %s, '' FROM auth_user WHERE username ~ '^(dense|sparse|member)-'""",
                       [renshi])
        cursor.execute("""
            INSERT INTO auth_user_groups (user_id, group_id)
            SELECT id, %s FROM auth_user WHERE username ~ '^(dense|sparse|member)-'""",
                       [requester_group])
        for g in range(1, args.groups + 1):
            Group.objects.create(name=f"bench-group-{g}")
        cursor.execute("""
            INSERT INTO auth_user_groups (user_id, group_id)
            SELECT u.id, g.id FROM auth_user u JOIN auth_group g
              ON g.name = 'bench-group-' || (1 + (substring(u.username from 8)::int) %% %s)
              OR g.name = 'bench-group-' || (1 + (substring(u.username from 8)::int + 7) %% %s)
            WHERE u.username ~ '^member-'""", [args.groups, args.groups])
        window = ("now() - interval '30 days'", "now() + interval '365 days'")
        print(f"generating {args.users_per_kind * (args.dense_grants + args.dense_grants // 10):,}"
              " dense user grants ...", flush=True)
        grants_sql = """
            INSERT INTO records_caseuserpermission (user_id, permission_id, content_object_id,
                valid_from, valid_until, reason, granted_by_id, granted_at, revoked_at, revoke_reason)
            SELECT u.id, %(perm)s, 1 + ((u.id::bigint * 7919 + i::bigint * 99991) %% %(n)s),
                {valid_from}, {valid_until}, '生成', %(opener)s, now(), {revoked}, ''
            FROM auth_user u, generate_series(%(first)s, %(last)s) AS i
            WHERE u.username ~ %(pattern)s"""
        for pattern, live, history in (("^dense-", args.dense_grants, args.dense_grants // 10),
                                       ("^sparse-", args.sparse_grants, 5)):
            cursor.execute(grants_sql.format(valid_from=window[0], valid_until=window[1],
                                             revoked="NULL"),
                           {"perm": view, "n": n, "opener": opener, "first": 1, "last": live,
                            "pattern": pattern})
            # history: half expired, half revoked (the filter must skip them)
            cursor.execute(grants_sql.format(valid_from="now() - interval '400 days'",
                                             valid_until="now() - interval '35 days'",
                                             revoked="NULL"),
                           {"perm": view, "n": n, "opener": opener, "first": live + 1,
                            "last": live + history // 2, "pattern": pattern})
            cursor.execute(grants_sql.format(valid_from=window[0], valid_until=window[1],
                                             revoked="now() - interval '1 day'"),
                           {"perm": view, "n": n, "opener": opener,
                            "first": live + history // 2 + 1, "last": live + history,
                            "pattern": pattern})
        # a few copy grants, so that the page flags have something to find
        cursor.execute(grants_sql.format(valid_from=window[0], valid_until=window[1],
                                         revoked="NULL"),
                       {"perm": copy, "n": n, "opener": opener, "first": 1, "last": 50,
                        "pattern": "^dense-"})
        print(f"generating {args.groups * args.group_grants:,} group grants ...", flush=True)
        cursor.execute(f"""
            INSERT INTO records_casegrouppermission (group_id, permission_id, content_object_id,
                valid_from, valid_until, reason, granted_by_id, granted_at, revoked_at, revoke_reason)
            SELECT g.id, %s, 1 + ((g.id::bigint * 104729 + i::bigint * 99989) %% {n}),
                {window[0]}, {window[1]}, '生成', %s, now(), NULL, ''
            FROM auth_group g, generate_series(1, %s) AS i
            WHERE g.name LIKE 'bench-group-%%'""", [view, opener, args.group_grants])
    admin_vacuum()
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)


def admin_vacuum() -> None:
    from django.db import connection

    connection.close()
    import psycopg

    url = os.environ["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute("VACUUM ANALYZE")


def perm_id(codename: str) -> int:
    from django.contrib.auth.models import Permission

    return Permission.objects.get(codename=codename, content_type__app_label="records").pk


# --- measuring ----------------------------------------------------------------------------------

def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def floor_sql(user, groups: list[int], at, view: int, count: bool) -> tuple[str, list]:
    """Hand-written grant-first SQL: the user's (or the groups') live grants first (a
    MATERIALIZED CTE, so that the planner cannot turn it into a walk through the cases), then
    those cases, sorted; the count counts the live grants alone."""
    live = "revoked_at IS NULL AND valid_from <= %s AND valid_until > %s"
    if not groups:
        ids = (f"SELECT content_object_id FROM records_caseuserpermission WHERE user_id = %s "
               f"AND permission_id = %s AND {live}")
        params = [user.pk, view, at, at]
        if count:
            return f"SELECT count(*) FROM ({ids}) t", params
    else:
        ids = (f"SELECT DISTINCT content_object_id FROM records_casegrouppermission "
               f"WHERE group_id = ANY(%s) AND permission_id = %s AND {live}")
        params = [groups, view, at, at]
        if count:
            return f"SELECT count(*) FROM ({ids}) t", params
    return (f"WITH g AS MATERIALIZED ({ids}) SELECT c.* FROM g JOIN records_case c "
            f"ON c.id = g.content_object_id ORDER BY c.opened_on DESC, c.id DESC LIMIT 50", params)


def measure_lists(args) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from guardian.shortcuts import get_objects_for_user

    from access import clock, gate
    from access.gate.actor import actor_for
    from records.models import Case

    view = perm_id("view_case")
    at = clock.now()
    results = []
    for kind in ("dense", "sparse", "member"):
        users = list(get_user_model().objects.filter(username__startswith=f"{kind}-")
                     .order_by("id")[: args.users])
        bench_groups = {}
        for user in users:
            actor_for(user)  # the request has loaded the user's roles, unit and groups
            bench_groups[user.pk] = list(user.groups.filter(name__startswith="bench-group-")
                                         .values_list("id", flat=True))
        samples: dict[str, list[float]] = {name: [] for name in (
            "ours page", "floor page", "floor models page", "guardian page", "ours count",
            "floor count",
            "guardian count", "roles load")}
        rows_checked = False
        for iteration in range(args.iterations + args.warmup):
            user = users[iteration % len(users)]
            groups = bench_groups[user.pk]
            ours = gate.visible(user, Case, level="content", at=at)
            theirs = get_objects_for_user(user, "records.view_case", klass=Case,
                                          accept_global_perms=False, with_superuser=False)

            def floor(count=False):
                sql, params = floor_sql(user, groups, at, view, count)
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    return cursor.fetchall()

            fresh = get_user_model()(pk=user.pk, username=user.username, is_active=True)
            steps = [
                ("ours page", lambda: list(ours.order_by("-opened_on", "-id")[:50])),
                ("floor page", lambda: floor()),
                ("floor models page", lambda: list(Case.objects.raw(
                    *floor_sql(user, groups, at, view, False)))),
                ("guardian page", lambda: list(theirs.order_by("-opened_on", "-id")[:50])),
                ("ours count", lambda: ours.count()),
                ("floor count", lambda: floor(count=True)),
                ("guardian count", lambda: theirs.count()),
                ("roles load", lambda: actor_for(fresh)),
            ]
            if iteration % 2:
                steps.reverse()
            for name, step in steps:
                elapsed = timed(step)
                if iteration >= args.warmup:
                    samples[name].append(elapsed)
            if not rows_checked:
                page = [case.pk for case in ours.order_by("-opened_on", "-id")[:50]]
                assert page == [row[0] for row in floor()], f"{kind}: ours and floor differ"
                assert ours.count() == floor(count=True)[0][0], f"{kind}: counts differ"
                rows_checked = True
        grants = ours.count()
        line = {"kind": kind, "visible": grants}
        for name, values in samples.items():
            line[name] = percentiles(values)
        results.append(line)
    return results


def measure_flags(args) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from guardian.core import ObjectPermissionChecker

    from access import gate
    from records.models import Case

    user = get_user_model().objects.get(username="dense-1")
    results = []
    for size in (10, 50, 200):
        rows = list(gate.visible(user, Case, level="content").order_by("-opened_on", "-id")[:size])
        samples = {"ours": [], "guardian": []}
        queries = {}

        def ours():
            fresh = get_user_model().objects.get(pk=user.pk)
            flags = gate.flags(fresh, rows, (gate.VIEW, gate.COPY, gate.APPROVE))
            return [(f[gate.VIEW].allowed, f[gate.COPY].allowed, f[gate.APPROVE].allowed)
                    for f in flags.values()]

        def guardian():
            fresh = get_user_model().objects.get(pk=user.pk)
            checker = ObjectPermissionChecker(fresh)
            checker.prefetch_perms(rows)
            return [(checker.has_perm("view_case", c), checker.has_perm("copy_case", c),
                     checker.has_perm("change_case", c)) for c in rows]

        for name, function in (("ours", ours), ("guardian", guardian)):
            with CaptureQueriesContext(connection) as captured:
                function()
            queries[name] = len(captured)
        for iteration in range(args.iterations + args.warmup):
            order = (("ours", ours), ("guardian", guardian))
            for name, function in (order if iteration % 2 else order[::-1]):
                elapsed = timed(function)
                if iteration >= args.warmup:
                    samples[name].append(elapsed)
        results.append({"rows": size, "queries": queries,
                        **{name: percentiles(values) for name, values in samples.items()}})
    return results


def report(lists: list[dict], flags: list[dict], args) -> None:
    print(f"\n1. case list, content level, {args.cases:,} cases, p50 / p95 in ms "
          f"({args.iterations} iterations over {args.users} users per kind)")
    print("   floor = hand-written SQL read with a cursor (tuples); floor models = the same SQL "
          "through Case.objects.raw (Case objects, as ours returns)")
    print(f"{'user':7} {'visible':>7} {'':6} {'ours':>15} {'floor':>15} {'floor models':>15} "
          f"{'guardian':>15} | p95 ratios: ours/floor ours/floor-models guardian/floor")
    for line in lists:
        for what in ("page", "count"):
            ours, floor, guardian = (line[f"{who} {what}"] for who in ("ours", "floor", "guardian"))
            models = line.get(f"floor models {what}")
            models_text = f"{models[0]:7.2f}/{models[1]:7.2f}" if models else f"{'-':>15}"
            models_ratio = f"{ours[1] / models[1]:6.2f}x" if models else f"{'-':>7}"
            print(f"{line['kind']:7} {line['visible']:>7} {what:6} "
                  f"{ours[0]:7.2f}/{ours[1]:7.2f} {floor[0]:7.2f}/{floor[1]:7.2f} {models_text} "
                  f"{guardian[0]:7.2f}/{guardian[1]:7.2f} | {ours[1] / floor[1]:6.2f}x "
                  f"{models_ratio} {guardian[1] / floor[1]:6.2f}x")
        roles = line["roles load"]
        print(f"{'':7} {'':>7} {'roles':6} {roles[0]:7.2f}/{roles[1]:7.2f}  "
              "(the user's roles, unit and groups: once per request, not in 'ours')")
    print("\n2. per-row flags (view, copy, approve), p50 / p95 in ms, queries")
    for line in flags:
        ours, guardian = line["ours"], line["guardian"]
        print(f"{line['rows']:4} rows: ours {ours[0]:6.2f}/{ours[1]:6.2f} ({line['queries']['ours']} q)"
              f"  guardian {guardian[0]:6.2f}/{guardian[1]:6.2f} ({line['queries']['guardian']} q)"
              f"  ours/guardian p95 {ours[1] / guardian[1]:5.2f}x p50 {ours[0] / guardian[0]:5.2f}x"
              "  (target 1.2x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--users-per-kind", type=int, default=200)
    parser.add_argument("--dense-grants", type=int, default=10_000)
    parser.add_argument("--sparse-grants", type=int, default=20)
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--group-grants", type=int, default=5_000)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--users", type=int, default=10, help="users of each kind to rotate over")
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    parser.add_argument("--reuse", action="store_true", help="measure an existing database")
    args = parser.parse_args()
    if not args.reuse:
        pg_scratch.admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        pg_scratch.admin_execute(f"CREATE DATABASE {BENCH_DB}")
    django_setup()
    try:
        if not args.reuse:
            generate(args)
        lists = measure_lists(args)
        flags = measure_flags(args)
        report(lists, flags, args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            pg_scratch.admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")


if __name__ == "__main__":
    main()
