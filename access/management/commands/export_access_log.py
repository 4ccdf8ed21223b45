"""manage.py export_access_log: every line of the access log in its canonical form.

One line per row, exactly the bytes each hash covers (access.log.canonical), in lane and
seq order; with a checkpoint and the public key, ``python -m access.log.offline`` checks it
without the database.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand
from django.db import transaction

from access.log.lines import canonical_session, log_lines


class Command(BaseCommand):
    help = "按规范格式导出访问日志的全部记录（每行一条，供离线核对，第二十四条）。"

    def add_arguments(self, parser):
        parser.add_argument("--out", metavar="FILE", help="write here (default: stdout)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        count = 0
        target = open(options["out"], "wb") if options["out"] else sys.stdout.buffer
        try:
            with transaction.atomic(using=options["database"]):
                with canonical_session(options["database"]) as cursor:
                    for line in log_lines(cursor, ordered=True):
                        target.write(line)
                        count += 1
        finally:
            if options["out"]:
                target.close()
        self.stderr.write(f"已导出 {count} 条访问日志记录")
