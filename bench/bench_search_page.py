"""A whole search page through the backend, with the real visibility filter (issue 7).

bench_search.py models its readers as plain column conditions on a million generated entries;
this one asks what a reader waits for: search.visibility's filter (the access gate's rules and
grants) and everything the backend runs for one page (count, cases, facets, the page, the
snippets), on the database kept by ``bench_indexing.py --vendor postgresql --keep``
(PostgreSQL ``bench_indexing``; 20,000 cases by default).

    python bench/bench_indexing.py --cases 20000 --runs 1 --vendor postgresql --keep
    python bench/bench_search_page.py --rounds 5

Readers: a legal-office account (every case's metadata, unsealed content, 第三十条), an officer
of the unit with the most cases (the own unit's internal content, 第二十九条), and a requester
holding view grants on 20 cases (grants only). Prints p50 / min ms per reader, query and sort,
and the number of entries matched.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_indexing  # noqa: E402  (bench/, for its setup of the kept database)

QUERIES = ("执法", "整改", "郑建消罚")


def readers():
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from access import gate
    from access.models import StaffProfile, Unit
    from access.roles import role_groups_ensure
    from records.models import Case
    from tests.access import gate_support as g

    users = get_user_model().objects
    groups = role_groups_ensure()

    def person(username, role, unit):
        user = users.filter(username=username).first()
        if user is None:
            user = users.create_user(username=username, password=g.PASSWORD)
            user.groups.add(groups[role])
            StaffProfile.objects.create(user=user, full_name=username, unit=unit)
        return user

    busiest = Case.objects.values("handling_unit").annotate(n=Count("id")).order_by("-n")[0]
    unit = Unit.objects.get(pk=busiest["handling_unit"])
    legal = person("bench_legal", "legal", g.unit("fagui"))
    officer = person("bench_officer", "officer", unit)
    requester = person("bench_requester", "requester", g.unit("renshi"))
    if not gate.visible(requester, Case, level="content").exists():
        for case in Case.objects.order_by("-id")[:20]:
            g.grant(case, "view", to=requester, days=3650)
    return {"legal": legal, "officer": officer, "requester (20 grants)": requester}


def page_once(user, text: str, sort: str) -> tuple[float, int]:
    from access.gate.actor import actor_forget
    from search.backends import Query, get_backend
    from search.visibility import visible_entries

    actor_forget(user)
    user.is_verified = lambda: True
    started = time.perf_counter()
    results = get_backend().search(Query(text=text, sort=sort), visible=visible_entries(user))
    return (time.perf_counter() - started) * 1000, results.total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bench_indexing.setup("postgresql", Path(folder))
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        people = readers()
        print(f"{'reader':24} {'query':8} {'sort':9} {'entries':>8} {'p50 ms':>9} {'min ms':>9}")
        for name, user in people.items():
            for text in QUERIES:
                for sort in ("relevance", "date"):
                    page_once(user, text, sort)  # warm
                    times, total = [], 0
                    for _ in range(args.rounds):
                        elapsed, total = page_once(user, text, sort)
                        times.append(elapsed)
                    print(f"{name:24} {text:8} {sort:9} {total:>8,} "
                          f"{statistics.median(times):>9,.1f} {min(times):>9,.1f}")


if __name__ == "__main__":
    main()
