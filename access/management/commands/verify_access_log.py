"""manage.py verify_access_log: walk the access log's hash chains (第二十四条, 第二十八条).

Exit status 0 when every line holds; otherwise 1, naming each lane's first line that was
changed, removed or reordered, and every checkpoint the log no longer reaches.
"""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from access.log.checkpoint_format import public_key_load
from access.log.checkpoints import access_log_public_key
from access.log.verify import access_log_verify


class Command(BaseCommand):
    help = ("逐条核对访问日志的哈希链、各通道末端和已签名的检查点（第二十四条、第二十八条）；"
            "发现被修改、删除或调换顺序的记录时以非零状态退出并指明第一条。")

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint", action="append", default=[], metavar="FILE",
                            help="an exported checkpoint (JSON) the log must still reach; "
                                 "may be given more than once")
        parser.add_argument("--public-key", metavar="FILE",
                            help="check checkpoint signatures with this Ed25519 public key "
                                 "(default: the public half of ACCESS_LOG_SIGNING_KEY)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        if options["public_key"]:
            with open(options["public_key"], "rb") as handle:
                public_key = public_key_load(handle.read())
        else:
            public_key = access_log_public_key()
        external = []
        for path in options["checkpoint"]:
            with open(path, encoding="utf-8") as handle:
                external.append(json.load(handle))
        started = time.perf_counter()
        report = access_log_verify(using=options["database"], public_key=public_key,
                                   external_checkpoints=external)
        elapsed = time.perf_counter() - started
        if not report.ok:
            raise CommandError("访问日志不完整 (the access log does not hold):\n"
                               + "\n".join(report.problems()), returncode=1)
        signatures = "已核对签名" if public_key is not None else "未配置公钥，未核对签名"
        self.stdout.write(
            f"访问日志完整：{report.lines} 条，{report.lanes} 个通道，"
            f"{report.checkpoints_checked} 个检查点（{signatures}），用时 {elapsed:.2f} 秒。")
