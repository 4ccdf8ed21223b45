"""Keeping the index in step with the records: on commit of each change, and in bulk.

records never imports search: search/apps.py connects post_save / post_delete of the case
file's models here (ARCHITECTURE: signals only wire apps that must not know each other). A
handler only notes which case changed; the case is re-indexed once, after the transaction
commits (transaction.on_commit), so a rolled-back change is never indexed and a request that
adds twenty records indexes its case once.
"""

from __future__ import annotations

import logging
import threading
from typing import Iterable, Iterator

from django.db import transaction

from .backends import get_backend
from .documents import case_documents, cases_for_indexing, page_document
from .models import SearchEntry

logger = logging.getLogger(__name__)

_pending = threading.local()


def case_index(case_ids: Iterable[int]) -> int:
    """Re-index these cases whole (entries of deleted records dropped); returns entries."""
    backend = get_backend()
    count = 0
    case_ids = set(case_ids)
    found = set()
    for case in cases_for_indexing(case_ids):
        found.add(case.pk)
        docs = case_documents(case)
        backend.replace_case(case.pk, docs)
        count += len(docs)
    gone = case_ids - found
    if gone:
        backend.delete(SearchEntry.objects.filter(case_id__in=gone).values_list("key", flat=True))
    return count


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
    for start in range(0, len(ids), size):
        yield ids[start:start + size]
