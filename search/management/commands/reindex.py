"""Rebuild the search index: every case file and every live rule page.

Runs while the portal serves: cases are re-indexed in batches, each batch upserted in its
own short transaction (entries replaced by key, so a reader meanwhile sees either a case's
old entries or its new ones, never none), and entries of cases or pages that no longer
exist are dropped at the end. Running it twice gives the same index.

    python manage.py reindex                # everything, with a progress bar
    python manage.py reindex --batch 500 --no-progress
    python manage.py reindex --clear        # empty the index first (not while serving)
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand

from records.models import Case
from search import segmentation
from search.backends import get_backend
from search.indexing import batches, case_index
from search.models import EntryKind, SearchEntry


class Progress:
    def __init__(self, total: int, stream, enabled: bool, label: str):
        self.total, self.stream, self.enabled, self.label = total, stream, enabled, label
        self.done = 0
        self.started = time.monotonic()

    def advance(self, count: int) -> None:
        self.done += count
        if not self.enabled:
            return
        width = 30
        share = self.done / self.total if self.total else 1
        filled = int(width * share)
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                          f"{self.done}/{self.total} {share:6.1%} {rate:7.1f}/s")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "重建全文检索索引（案卷与规则页面），可在门户运行时执行"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=200, help="每批案卷数")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
        parser.add_argument("--clear", action="store_true", help="先清空索引（勿在服务时使用）")

    def handle(self, *args, batch: int, no_progress: bool, clear: bool, **options):
        backend = get_backend()
        segmentation.reset()  # read the dictionary and the administrators' words afresh
        if clear:
            backend.clear()
        show = not no_progress and sys.stderr.isatty() or options.get("verbosity", 1) >= 2
        ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
        progress = Progress(len(ids), self.stderr, show, "案卷")
        entries = 0
        for chunk in batches(ids, max(1, batch)):
            entries += case_index(chunk)
            progress.advance(len(chunk))
        progress.finish()
        stale = SearchEntry.objects.exclude(kind=EntryKind.PAGE) \
            .exclude(case_id__in=Case.objects.values("pk")).values_list("key", flat=True)
        removed = backend.delete(list(stale))
        pages = self._pages(backend)
        self.stdout.write(f"已索引 {len(ids)} 件案卷（{entries} 个条目）、{pages} 个规则页面；"
                          f"移除 {removed} 个过期条目。")

    def _pages(self, backend) -> int:
        from wagtail.models import Page

        from search.documents import page_document

        live = Page.objects.live().filter(depth__gt=1).specific()
        docs = [doc for page in live if (doc := page_document(page)) is not None]
        backend.index_documents(docs)
        keep = {doc.key for doc in docs}
        stale = SearchEntry.objects.filter(kind=EntryKind.PAGE).exclude(key__in=keep) \
            .values_list("key", flat=True)
        backend.delete(list(stale))
        return len(docs)
