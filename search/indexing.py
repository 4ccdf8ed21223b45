"""Keeping the index in step with the records: on commit of each change, and in bulk.

records never imports search: search/apps.py connects post_save / post_delete of the case
file's models here (ARCHITECTURE: signals only wire apps that must not know each other). A
handler only notes which case changed; the case is re-indexed once, after the transaction
commits (transaction.on_commit), so a rolled-back change is never indexed and a request that
adds twenty records indexes its case once.

Both go through the same three steps (search.documents): read a batch of cases as plain
values, one query per table; build their documents and cut all their texts in one pass;
write the entries in bulk (search.backends.rows). ``index_everything`` (``reindex``) does the
middle step, the CPU-bound one, in worker processes while this process reads and writes;
only this process talks to the database.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import operator
import os
import threading
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields
from typing import Callable, Iterable, Iterator

from django.db import transaction

from .backends import get_backend
from .backends.champions import trim_lists
from .backends.rows import entry_digest
from .documents import (
    IndexDocument,
    case_documents,
    case_labels,
    cases_documents,
    load_cases,
    page_document,
    segment,
)
from .models import EntryKind, SearchEntry
from .segmentation import segmenter

logger = logging.getLogger(__name__)

_pending = threading.local()


def case_index(case_ids: Iterable[int]) -> int:
    """Re-index these cases whole (entries of deleted records dropped, all entries of a case
    that no longer exists); returns the number of entries written. The cases are read with
    one query per table, their texts cut in one pass, the entries written in bulk, in one
    transaction (search.documents, search.backends.rows)."""
    case_ids = sorted(set(case_ids))
    if not case_ids:
        return 0
    _, docs = cases_documents(case_ids)
    get_backend().replace_cases(case_ids, docs)
    return len(docs)


def case_texts(case_ids: Iterable[int] | None = None, batch: int = 500) -> list[str]:
    """Every text the index segments for these cases (all when None), as case_index builds
    them, in the same order: what bench/bench_indexing.py cuts with rjieba and jieba alone."""
    from records.models import Case

    if case_ids is None:
        case_ids = Case.objects.order_by("pk").values_list("pk", flat=True)
    texts = []
    labels = case_labels()
    for chunk in batches(sorted(case_ids), batch):
        texts += [doc.text for case in load_cases(chunk) for doc in case_documents(case, labels)]
    return texts


def case_index_on_commit(case_id: int | None) -> None:
    """Note a changed case; index every noted case once, after the commit."""
    if not case_id:
        return
    pending = getattr(_pending, "case_ids", None)
    if pending is None:
        pending = _pending.case_ids = set()
    pending.add(case_id)
    # one callback per change; the first to run indexes every noted case, the rest find
    # nothing left (a rolled-back change's case waits for the next commit: harmless, it is
    # indexed as it then is)
    transaction.on_commit(_flush)


def _flush() -> None:
    case_ids = getattr(_pending, "case_ids", None) or set()
    _pending.case_ids = None
    if not case_ids:
        return
    try:
        case_index(case_ids)
    except Exception:  # the change is committed; a failed index is logged, reindex repairs it
        logger.exception("indexing cases %s failed", sorted(case_ids))


def page_index(page) -> None:
    doc = page_document(page)
    if doc is not None:
        get_backend().index_documents([doc])


def page_unindex(page_id: int) -> None:
    get_backend().delete([f"page:{page_id}"])


def batches(ids: list[int], size: int) -> Iterator[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


# --- everything: reindex ------------------------------------------------------------------------

@dataclass
class IndexRun:
    cases: int = 0
    entries: int = 0
    removed: int = 0
    pages: int = 0


def default_workers() -> int:
    """Worker processes for ``index_everything``: one a core (SEARCH_INDEX_WORKERS overrides;
    0: everything in this process)."""
    configured = os.environ.get("SEARCH_INDEX_WORKERS")
    if configured is not None:
        return max(0, int(configured))
    return min(os.cpu_count() or 1, 8)


def index_everything(*, batch: int = 500, clear: bool = False,
                     progress: Callable[[int], None] | None = None,
                     workers: int | None = None) -> IndexRun:
    """Every case and every live rule page indexed again, entries of what no longer exists
    dropped. ``clear``: the index emptied and filled again inside ``backend.rebuilding()``
    (on PostgreSQL one transaction, the text index built at the end: not while serving).

    This process reads each batch of cases (one query per table) and writes its entries;
    ``workers`` processes (``default_workers()``; none for a single batch) turn the cases
    read into documents, mask, cut and hash them (``build_batch``: all CPU, no database),
    a few batches ahead of the writing. They are forked from this process once its
    segmenter is built, so they cut with the same dictionary and words and never open a
    database connection."""
    from records.models import Case

    backend = get_backend()
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    chunks = list(batches(ids, max(1, batch)))
    if workers is None:
        workers = default_workers() if len(chunks) > 1 else 0
    run = IndexRun(cases=len(ids))
    progress = progress or (lambda done: None)
    segmenter()  # built here, before any fork: a worker must not read the words itself
    labels = case_labels()

    def write() -> None:
        for chunk, docs in _built(chunks, labels, workers):
            backend.replace_cases(chunk, docs)
            run.entries += len(docs)
            progress(len(chunk))
        stale = SearchEntry.objects.exclude(kind=EntryKind.PAGE) \
            .exclude(case_id__in=Case.objects.values("pk")).values_list("key", flat=True)
        run.removed = backend.delete(list(stale))
        run.pages = _index_pages(backend)
        trim_lists()  # the champion lists that new entries have grown (PostgreSQL)

    if clear:
        with backend.rebuilding():
            backend.clear()
            write()
    else:
        write()
    return run


def build_batch(cases: list, labels: tuple) -> list[IndexDocument]:
    """The documents of these cases (read by ``load_cases``), cut and hashed: what a worker
    does."""
    docs = segment([doc for case in cases for doc in case_documents(case, labels)])
    for doc in docs:
        doc.digest = entry_digest(doc)
    return docs


#: an IndexDocument's fields in order: what a worker sends back (a tuple of plain values
#: pickles in a third of the time the dataclass takes)
_DOC_VALUES = operator.attrgetter(*(item.name for item in fields(IndexDocument)))


def _build_rows(cases: list, labels: tuple) -> list[tuple]:
    return [_DOC_VALUES(doc) for doc in build_batch(cases, labels)]


def _worker_start() -> None:
    """A worker shares the parent's database connections (their sockets, forked): a query
    here would be answered to both. It refuses every query instead; it never closes them
    (closing would end the parent's session), and it ends without running their finalizers."""
    from django.db import connections

    def refuse(execute, sql, params, many, context):
        raise RuntimeError("a reindex worker does not use the database")

    for connection in connections.all(initialized_only=True):
        connection.execute_wrappers.append(refuse)


def _built(chunks: list[list[int]], labels: tuple, workers: int) -> Iterator[tuple]:
    """(ids, their documents) batch by batch, in order; with workers, the next batches are
    read here and built there while the caller writes the one given."""
    if workers <= 0:
        for chunk in chunks:
            yield chunk, build_batch(load_cases(chunk), labels)
        return
    # the objects now alive are left out of the collector's passes, here and in the forked
    # workers: a full collection in a worker would touch every one of them (the parent's
    # heap copied page by page into each worker)
    gc.freeze()
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_start)
    pending: deque = deque()

    def oldest() -> tuple:
        done, future = pending.popleft()
        return done, [IndexDocument(*row) for row in future.result()]

    try:
        for chunk in chunks:
            pending.append((chunk, pool.submit(_build_rows, load_cases(chunk), labels)))
            if len(pending) > workers:
                yield oldest()
        while pending:
            yield oldest()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


def _index_pages(backend) -> int:
    from wagtail.models import Page

    live = Page.objects.live().filter(depth__gt=1).specific()
    docs = [doc for page in live if (doc := page_document(page)) is not None]
    backend.index_documents(docs)
    keep = {doc.key for doc in docs}
    stale = SearchEntry.objects.filter(kind=EntryKind.PAGE).exclude(key__in=keep) \
        .values_list("key", flat=True)
    backend.delete(list(stale))
    return len(docs)
