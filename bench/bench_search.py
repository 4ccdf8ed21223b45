"""Benchmark of case search (issue 7) on PostgreSQL, and of segmentation:

    .venv/bin/python bench/bench_search.py                   # 1,000,000 cases, the full run
    .venv/bin/python bench/bench_search.py --cases 20000     # a quick look
    ... --keep     keep the generated database (bench_search); --reuse measure it again

1. Segmentation throughput in characters per second on text from the demo document templates
   (portal/demo_texts.py): Python jieba's cut alone, rjieba's cut alone (same dictionary plus
   the domain dictionary), and the index tokens (search.segmentation: folding, case and
   identity numbers, sub-word pieces) with each cutter. Targets (the issue): indexing at least
   half of rjieba's cut and at least 10x Python jieba's.
2. Search on PostgreSQL: a database of its own (bench_search on the server of DATABASE_URL),
   one table shaped as casesearch_searchentry's searched part (tokens, the generated tsvector
   with the RUM index of search/migrations/0002_engine.py, or GIN when RUM is missing,
   case_id, unit_id, mark, date), N cases of a few hundred to two thousand characters each:
   the demo templates recombined with random names, companies and numbers. Each template is
   segmented once; a case's tokens are its fragments' tokens joined (segmenting 1M cases
   here would take hours), written with COPY.
   Queries in three bands of document frequency (rare, middling, frequent; picked from the
   generated data), one-word, two-word and case-number, for a narrow reader (20 cases granted:
   ``case_id = ANY(20 ids)``) and a broad one (the public and internal marks, ~75%):
   - anchor: ``count(*)`` of the text query alone;
   - the filtered "newest 20 matching" page (reader filter, ORDER BY date DESC, id DESC);
     for the broad reader also "matches first" (the matches in a MATERIALIZED CTE, then
     sorted), which the backend does when the count it has already taken is <= 2,000
     (search/backends/database.py FEW_MATCHES); the verdict uses what the backend would run;
   - ranked top 20 (RUM: ORDER BY vector <=> query; GIN: ts_rank) on frequent terms;
   - with RUM, "window ranked": page 1 by relevance from a window of 1,000 rows in RUM
     order at work_mem 32 MB, then the rows of the window's last rank newest first if the
     page needs them (rank_window.py);
   - with RUM, "backend ranked": page 1 by relevance the way search/backends/database.py
     takes it. A one-word query with at least LIST_FROM (5,000) matches for the reader gets
     a champion list (search/backends/champions.py: the tables, column and triggers made
     here on the generated table; the list built once, its time and size printed, and its
     page checked against the window's) and the page is read from it; else the window;
   - "narrow ranked": the same for the narrow reader, who sees too few of a list's rows
     and so lands on the window after walking the list.
   p50/p95 over --iterations. Targets: newest-20 p95 within 2x of count p95 in every band;
   ranked top 20 on frequent terms p95 under 75 ms (the verdict takes the backend's path).
   Then the cost of the lists' triggers on writes: ms per entry inserted, updated and
   deleted with the lists built above and with their triggers disabled (rolled back).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pg_scratch  # bench/pg_scratch.py (the script's folder is on sys.path)

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
BENCH_DB = os.environ.get("BENCH_SEARCH_DB", "bench_search")  # another name: a second copy


def bench_url() -> str:
    return pg_scratch.database_url(BENCH_DB)


def templates() -> list[str]:
    from portal.demo_texts import TEMPLATES

    return [template for _, template in TEMPLATES.values()]


def fill(template: str, rng: random.Random) -> str:
    """A template with random people, companies, places and numbers; the free-text slots
    (fact, basis, measure ...) take a demo case's title or story."""
    from portal.demo_case_specs import SPECS
    from portal.demo_people import DISTRICTS, GIVEN, ROADS, SURNAMES
    from portal.demo_texts import BUREAU

    def person():
        return rng.choice(SURNAMES) + rng.choice(GIVEN)

    def company():
        return (f"郑州{rng.choice(SURNAMES)}{rng.choice(GIVEN)}"
                f"{rng.choice(('置业', '建工', '物业服务', '商贸', '建筑劳务'))}有限公司")

    def value(match):
        name = match.group(1)
        if name == "bureau":
            return BUREAU
        if "day" in name:
            return f"2026年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
        if "time" in name:
            return f"{rng.randint(8, 16)}时{rng.randint(0, 59)}分"
        if name in ("lead", "assistant", "witness", "representative", "legal_representative"):
            return person()
        if name == "party":
            return company() if rng.random() < 0.8 else person()
        if "address" in name or name == "place":
            return f"郑州市{rng.choice(DISTRICTS)}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
        if "phone" in name:
            return f"13{rng.randint(100000000, 999999999)}"
        if name == "party_id":
            return f"4101{rng.randint(10, 99)}19{rng.randint(50, 99)}{rng.randint(1000, 1231)}" \
                   f"{rng.randint(1000, 9999)}"
        if name == "case_number":
            return f"郑建罚〔2026〕{rng.randint(1, 99999)}号"
        if "cert" in name:
            return f"豫建执{rng.randint(100000, 999999)}"
        story = rng.choice(SPECS).story
        return story.get(name) or rng.choice([v for v in story.values() if isinstance(v, str)])
    return re.sub(r"\{([^}]*)\}", value, template)


# --- 1. segmentation ----------------------------------------------------------------------------

def bench_segmentation(rounds: int) -> dict:
    from search.segmentation import build_segmenter

    rng = random.Random(7)
    # fresh fills each round (the templates repeat, as documents of a kind do)
    text = "".join(fill(t, rng) for _ in range(rounds) for t in templates())
    chars = len(text)
    figures = {}
    for cutter in ("jieba", "rjieba"):
        seg = build_segmenter(cutter=cutter)
        start = time.perf_counter()
        seg.tokenizer.cut(text, True)
        figures[f"{cutter} cut"] = chars / (time.perf_counter() - start)
        start = time.perf_counter()
        seg.index_tokens(text)
        figures[f"index tokens ({cutter})"] = chars / (time.perf_counter() - start)
    print(f"\n1. segmentation, {chars:,} characters")
    for name, speed in figures.items():
        print(f"   {name:26} {speed:12,.0f} chars/s")
    best = figures["index tokens (rjieba)"]
    print(f"   indexing / rjieba cut: {best / figures['rjieba cut']:.2f} (target >= 0.5); "
          f"indexing / jieba cut: {best / figures['jieba cut']:.1f}x (target >= 10x)")
    return figures


# --- 2. generation --------------------------------------------------------------------------

DDL = """
CREATE TABLE entry (id bigint PRIMARY KEY, case_id integer NOT NULL, unit_id integer NOT NULL,
    mark text NOT NULL, date date NOT NULL, tokens text NOT NULL,
    vector tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, tokens)) STORED);
"""
MARKS = [("public", 15), ("internal", 60), ("personal", 15), ("commercial_secret", 7),
         ("state_secret", 3)]


def generate(cases: int, seed: int) -> float:
    import psycopg

    from search.segmentation import build_segmenter

    index_tokens = build_segmenter().index_tokens  # the file dictionary (no database here)
    rng = random.Random(seed)
    parts = [re.split(r"\{[^}]*\}", t) for t in templates()]
    parts_tokens = [[" ".join(index_tokens(piece)) for piece in pieces] for pieces in parts]
    names = [fill(rng.choice(("{party}", "{lead}", "{place}", "{day}", "{fact}", "{basis}")),
                  rng) for _ in range(30000)]
    name_tokens = [" ".join(index_tokens(name)) for name in names]
    marks = [mark for mark, weight in MARKS for _ in range(weight)]
    start = time.perf_counter()
    with psycopg.connect(bench_url(), autocommit=True) as conn:
        conn.execute(DDL)
        with conn.cursor().copy("COPY entry (id, case_id, unit_id, mark, date, tokens) "
                                "FROM STDIN") as copy:
            for case in range(1, cases + 1):
                tokens, length = [], 0
                target = rng.randint(300, 2000)
                while length < target:
                    index = rng.randrange(len(parts))
                    for position, piece_tokens in enumerate(parts_tokens[index]):
                        tokens.append(piece_tokens)
                        length += len(parts[index][position])
                        if position < len(parts_tokens[index]) - 1:
                            tokens.append(rng.choice(name_tokens))
                            length += 4
                number = f"郑建罚{2016 + case % 10}{case}号"
                tokens.append(number)
                day = date(2016, 1, 1) + timedelta(days=rng.randrange(3650))
                copy.write_row((case, case, 1 + case % 10, rng.choice(marks), day,
                                " ".join(tokens)))
        loaded = time.perf_counter() - start
        index_start = time.perf_counter()
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS rum")
            conn.execute("CREATE INDEX entry_vector ON entry USING rum (vector rum_tsvector_ops)")
            engine = "rum"
        except psycopg.Error:
            conn.execute("CREATE INDEX entry_vector ON entry USING gin (vector)")
            engine = "gin"
        conn.execute("CREATE INDEX entry_newest ON entry (date DESC, id DESC)")
        conn.execute("CREATE INDEX entry_case ON entry (case_id)")
        conn.execute("VACUUM ANALYZE entry")
        print(f"\n2. generated {cases:,} cases: COPY {loaded:.0f} s, indexes ({engine}) "
              f"{time.perf_counter() - index_start:.0f} s")
    return loaded


# --- 3. queries -----------------------------------------------------------------------------

def timed(conn, sql, params, iterations) -> tuple[float, float]:
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        conn.execute(sql, params).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def backend_ranked(conn, tsquery: str, condition: str, params: list, per_page: int = 20):
    """Page 1 by relevance as search/backends/database.py takes it with RUM: a window of
    RANK_WINDOW (1,000) rows in the index's order (work_mem 32 MB, as the backend sets it), and the
    rows of the window's last rank newest first when the page needs them
    (search/backends/rank_window.py). Returns the page's ids."""
    from search.backends.database import RANK_WINDOW
    from search.backends.rank_window import Ranked, split_window

    asked = max(RANK_WINDOW, 3 * per_page)
    with conn.transaction():
        conn.execute("SET LOCAL work_mem = '32MB'")
        window = [Ranked(*row) for row in conn.execute(
            f"SELECT id, vector <=> q, date FROM entry, to_tsquery('simple', %s) q "
            f"WHERE vector @@ q AND {condition} ORDER BY vector <=> q LIMIT %s",
            [tsquery, *params, asked]).fetchall()]
    first, open_rank = split_window(window, asked=asked)
    if open_rank is not None and len(first) < per_page:
        first += [Ranked(id, open_rank, day) for id, day in conn.execute(
            f"SELECT id, date FROM entry, to_tsquery('simple', %s) q WHERE vector @@ q "
            f"AND {condition} AND (vector <=> q) = %s::real ORDER BY date DESC, id DESC "
            f"LIMIT %s", [tsquery, *params, open_rank, per_page - len(first)]).fetchall()]
    return [row.id for row in first[:per_page]]


CHAMPION_DDL = [
    """CREATE TABLE IF NOT EXISTS champion_term (id bigserial PRIMARY KEY,
        term text UNIQUE NOT NULL, cut_rank real NOT NULL, cut_date date, cut_entry_id bigint NOT NULL,
        built_at timestamptz NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS champion_entry (id bigserial PRIMARY KEY,
        term_id bigint NOT NULL REFERENCES champion_term, entry_id bigint NOT NULL,
        rank real NOT NULL, date date, UNIQUE (term_id, entry_id))""",
    "CREATE INDEX IF NOT EXISTS champion_order ON champion_entry "
    "(term_id, rank, date DESC, entry_id DESC)",
    "CREATE INDEX IF NOT EXISTS champion_entry_id ON champion_entry (entry_id)",
]


def champion_tables():
    from search.backends.champions import Tables

    return Tables(entries="entry", terms="champion_term", lists="champion_entry")


def champions_install(conn) -> None:
    """The backend's champion lists on the generated table: the tables as the app's models
    make them (search/models.py), and search.backends.champions' own column and triggers.
    Lists left by an earlier run are dropped, so that every run builds and times them."""
    from search.backends.champions import query_column_sql, trigger_sql

    tables = champion_tables()
    for statement in [*CHAMPION_DDL, query_column_sql(tables), *trigger_sql(tables)]:
        conn.execute(statement)
    conn.execute("DELETE FROM champion_entry")
    conn.execute("DELETE FROM champion_term")


def champion_build(conn, term: str) -> tuple[float, int | None]:
    """search.backends.champions.build on the generated table: (ms, rows listed)."""
    from search.backends import champions

    start = time.perf_counter()
    with conn.transaction(), conn.cursor() as cursor:
        rows = champions.build(cursor, term, tables=champion_tables())
    return (time.perf_counter() - start) * 1000, rows


def champion_ranked(conn, term: str, condition: str, params: list, per_page: int = 20):
    """Page 1 by relevance as the backend takes it for a one-word query with a champion list
    (search/backends/database.py _champion_page): the list's rows in order, checked against
    the reader's condition a chunk at a time; the window (backend_ranked) when the list holds
    fewer than a page the reader may see. Returns (the page's ids, whether the list answered)."""
    from search.backends import champions

    def visible(ids):
        return {row[0] for row in conn.execute(
            f"SELECT id FROM entry WHERE id = ANY(%s) AND {condition}", [ids, *params])}

    with conn.cursor() as cursor:
        listed = champions.page(cursor, term, per_page, visible, champion_tables())
    if listed is None:
        return backend_ranked(conn, f"'{term}'", condition, params, per_page), False
    return [row.id for row in listed], True


def champion_writes(conn, rows: int = 500) -> dict[str, float]:
    """ms per entry written (insert, update of the tokens, delete) with the champion
    triggers and without them, on `rows` copies of existing entries under new ids; each run
    rolled back."""
    import psycopg

    tables = champion_tables()
    names = [f"{tables.entries}_champions_{n}" for n in ("add", "change", "remove")]
    figures = {}
    for label, enabled in (("with lists", True), ("without", False)):
        for name in names:
            conn.execute(f"ALTER TABLE entry {'ENABLE' if enabled else 'DISABLE'} "
                         f"TRIGGER {name}")
        steps = {
            "insert": ("INSERT INTO entry (id, case_id, unit_id, mark, date, tokens) "
                       "SELECT id + 100000000, case_id, unit_id, mark, date, tokens "
                       f"FROM entry WHERE id <= {rows}"),
            "update": f"UPDATE entry SET tokens = tokens || ' 补正' WHERE id > 100000000",
            "delete": "DELETE FROM entry WHERE id > 100000000",
        }
        try:
            with conn.transaction():
                for step, sql in steps.items():
                    start = time.perf_counter()
                    conn.execute(sql)
                    figures[f"{step} {label}"] = (time.perf_counter() - start) * 1000 / rows
                raise psycopg.Rollback()
        finally:
            for name in names:
                conn.execute(f"ALTER TABLE entry ENABLE TRIGGER {name}")
    return figures


def timed_call(function, iterations) -> tuple[float, float]:
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def bands(conn, cases: int) -> dict[str, list[str]]:
    """Terms by the share of cases holding them, from a sample's statistics."""
    step = max(1, cases // 5000)
    rows = conn.execute(
        f"SELECT word, ndoc FROM ts_stat('SELECT vector FROM entry WHERE id % {step} = 0') "
        "WHERE length(word) >= 2 AND word !~ '[0-9]'").fetchall()
    sample = conn.execute(f"SELECT count(*) FROM entry WHERE id % {step} = 0").fetchone()[0] or 1
    share = {word: ndoc / sample for word, ndoc in rows}
    ordered = sorted(share, key=share.get)
    pick = lambda low, high: [w for w in ordered if low <= share[w] < high][:: 7][:5]  # noqa: E731
    return {"rare": pick(1 / sample, 0.005), "middling": pick(0.02, 0.1),
            "frequent": pick(0.4, 0.95)}


def bench_queries(cases: int, iterations: int, seed: int) -> None:
    import psycopg

    rng = random.Random(seed)
    with psycopg.connect(bench_url(), autocommit=True) as conn:
        engine = "rum" if conn.execute(
            "SELECT 1 FROM pg_indexes WHERE indexname = 'entry_vector' "
            "AND indexdef ILIKE '%using rum%'").fetchone() else "gin"
        chosen = bands(conn, cases)
        narrow = rng.sample(range(1, cases + 1), 20)
        queries = {band: [(w, f"'{w}'") for w in words] for band, words in chosen.items()}
        queries["two-word"] = [(f"{a} {b}", f"'{a}' & '{b}'") for a, b in
                               zip(chosen["middling"], reversed(chosen["frequent"]))]
        numbers = rng.sample(range(1, cases + 1), 5)
        queries["case number"] = [(f"郑建罚〔{2016 + n % 10}〕{n}号", f"'郑建罚{2016 + n % 10}{n}号'")
                                  for n in numbers]
        readers = {"narrow": ("case_id = ANY(%s)", [narrow]),
                   "broad": ("mark IN ('public', 'internal')", [])}
        order = "vector <=> q" if engine == "rum" else "ts_rank(vector, q) DESC"
        if engine == "rum":
            from search.backends.champions import LIST_FROM
            champions_install(conn)
        print(f"\n3. queries ({engine}), p50/p95 ms over {iterations} runs each")
        print(f"   {'band':12} {'query':26} {'count':>13} {'newest20 narrow':>16} "
              f"{'newest20 broad':>15} {'matches first':>15} {'ranked20 broad':>15} "
              f"{'window ranked':>15} {'backend ranked':>15} {'narrow ranked':>15}")
        verdicts, builds = [], []
        for band, items in queries.items():
            for label, tsquery in items:
                count = timed(conn, "SELECT count(*) FROM entry WHERE vector @@ %s::tsquery",
                              [tsquery], iterations)
                row = [f"{count[0]:5.1f}/{count[1]:6.1f}"]
                for reader, (condition, params) in readers.items():
                    # the backend sorts the matches first when the count is <= 2,000
                    # (FEW_MATCHES); the plain plan is then timed once, for information: for a
                    # case number it walks the whole date index (~10 s at 1,000,000 cases)
                    matches = conn.execute("SELECT count(*) FROM entry WHERE vector @@ "
                                           f"%s::tsquery AND {condition}",
                                           [tsquery, *params]).fetchone()[0]
                    few = reader == "broad" and matches <= 2000
                    newest = timed(conn, f"SELECT id FROM entry WHERE vector @@ %s::tsquery "
                                   f"AND {condition} ORDER BY date DESC, id DESC LIMIT 20",
                                   [tsquery, *params], 1 if few else iterations)
                    row.append(f"{newest[0]:5.1f}/{newest[1]:6.1f}" + ("*" if few else ""))
                    if reader == "broad":
                        first = timed(conn, f"WITH m AS MATERIALIZED (SELECT id, date FROM entry "
                                      f"WHERE vector @@ %s::tsquery AND {condition}) SELECT id "
                                      f"FROM m ORDER BY date DESC, id DESC LIMIT 20",
                                      [tsquery, *params], iterations)
                        row.append(f"{first[0]:5.1f}/{first[1]:6.1f}")
                        if few:
                            newest = first
                    verdicts.append((band, reader, label, newest[1] <= 2 * max(count[1], 1.0)))
                ranked = timed(conn, f"SELECT id FROM entry, to_tsquery('simple', %s) q "
                               f"WHERE vector @@ q AND mark IN ('public', 'internal') "
                               f"ORDER BY {order} LIMIT 20", [tsquery], iterations)
                row.append(f"{ranked[0]:5.1f}/{ranked[1]:6.1f}")
                if engine == "rum":
                    condition, params = readers["broad"]
                    window = timed_call(lambda: backend_ranked(conn, tsquery, condition, params),
                                        iterations)
                    row.append(f"{window[0]:5.1f}/{window[1]:6.1f}")
                    backend = window
                    if band in ("rare", "middling", "frequent") and matches >= LIST_FROM:
                        # one word with LIST_FROM matches or more for the reader: the backend
                        # builds its champion list on the first search, then reads the list
                        built_ms, listed = champion_build(conn, label)
                        builds.append((label, built_ms, listed))
                        page, answered = champion_ranked(conn, label, condition, params)
                        same = page == backend_ranked(conn, tsquery, condition, params)
                        builds[-1] += (answered, same)
                        backend = timed_call(
                            lambda: champion_ranked(conn, label, condition, params), iterations)
                    row.append(f"{backend[0]:5.1f}/{backend[1]:6.1f}")
                    narrow_condition, narrow_params = readers["narrow"]
                    narrow = timed_call(lambda: champion_ranked(
                        conn, label, narrow_condition, narrow_params), iterations) \
                        if band in ("rare", "middling", "frequent") else None
                    row.append(f"{narrow[0]:5.1f}/{narrow[1]:6.1f}" if narrow else "-")
                if band == "frequent":
                    # what a reader waits for: the backend's path (with RUM; the plain RUM
                    # query "ranked20 broad" is printed beside it for reference), or ts_rank
                    verdicts.append(("frequent ranked < 75 ms", "broad", label,
                                     (backend if engine == "rum" else ranked)[1] < 75))
                print(f"   {band:12} {label[:24]:26} " + " ".join(f"{c:>15}" for c in row))
        print("   (* timed once: the backend runs \"matches first\" for <= 2,000 matches)")
        for label, built_ms, listed, answered, same in builds:
            print(f"   champion list {label}: built in {built_ms:.0f} ms, {listed} rows; page 1 "
                  f"{'from the list' if answered else 'from the window'}, "
                  f"{'the same as' if same else 'DIFFERENT FROM'} the window's page")
        if engine == "rum":
            writes = champion_writes(conn)
            print("   writes, ms per entry, with the lists of "
                  f"{len(builds)} words / without: " + ", ".join(
                      f"{step} {writes[step + ' with lists']:.2f} / "
                      f"{writes[step + ' without']:.2f}"
                      for step in ("insert", "update", "delete")))
        failed = [v for v in verdicts if not v[3]]
        print(f"   targets met: {len(verdicts) - len(failed)}/{len(verdicts)}")
        for band, reader, label, _ in failed:
            print(f"   missed: {band} {reader} {label}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10, help="segmentation text size")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    import django

    django.setup()
    bench_segmentation(args.rounds)
    if not args.reuse:
        pg_scratch.admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        pg_scratch.admin_execute(f"CREATE DATABASE {BENCH_DB}")
        generate(args.cases, args.seed)
    try:
        bench_queries(args.cases, args.iterations, args.seed)
    finally:
        if not args.keep:
            pg_scratch.admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")


if __name__ == "__main__":
    main()
