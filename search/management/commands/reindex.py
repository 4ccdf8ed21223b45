"""Rebuild the search index: every case file and every live rule page.

Runs while the portal serves: cases are re-indexed in batches (search.indexing
.index_everything), each batch read with one query per table, cut in one pass and upserted
in its own short transaction (entries replaced by key, an unchanged entry not written at all,
so a reader meanwhile sees either a case's old entries or its new ones, never none); the
documents are built and cut in worker processes (one a core) while this process reads and
writes; entries of cases or pages that no longer exist are dropped at the end. Running it
twice gives the same index.

    python manage.py reindex                # everything, with a progress bar
    python manage.py reindex --batch 500 --no-progress
    python manage.py reindex --workers 0    # no worker processes: all in this one
    python manage.py reindex --clear        # empty and refill the index in one transaction,
                                            # its text index built at the end (not while
                                            # serving: PostgreSQL readers wait for it)
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand

from records.models import Case
from search import segmentation
from search.indexing import index_everything


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
        parser.add_argument("--batch", type=int, default=500, help="每批案卷数")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
        parser.add_argument("--workers", type=int, default=None,
                            help="切分文本的工作进程数（默认每核一个；0 为不用工作进程）")
        parser.add_argument("--clear", action="store_true", help="先清空索引（勿在服务时使用）")

    def handle(self, *args, batch: int, no_progress: bool, clear: bool,
               workers: int | None = None, **options):
        segmentation.refresh()  # the dictionary and the administrators' words as they are now
        show = not no_progress and sys.stderr.isatty() or options.get("verbosity", 1) >= 2
        total = Case.objects.count()
        progress = Progress(total, self.stderr, show, "案卷")
        run = index_everything(batch=batch, clear=clear, progress=progress.advance,
                               workers=workers)
        progress.finish()
        self.stdout.write(f"已索引 {run.cases} 件案卷（{run.entries} 个条目）、{run.pages} 个规则页面；"
                          f"移除 {run.removed} 个过期条目。")
