"""manage.py verify_media: re-hash every original in the store and compare it with the records
that own it (第二十八条: 原始音视频资料不得毁损、剪接、删改).

Owners of originals: audio/video records (AVRecord.sha256) and documents with an attached file
(Document.file_sha256). Reported, each on its own line, and the command exits non-zero when
any is found:

- 缺失   a file a record owns is not in the store;
- 被改动 a stored file whose bytes no longer hash to its name (the records that own it named);
- 大小不符 a record registers another size than the stored file has;
- 无主   a file in the store that no record owns (an original under its hash that no row names,
         or any other file in the store's folders; uploads in progress are not counted).

Reads no content of the records beyond their hashes, sizes and ids; prints case numbers and
record ids, never party data.
"""

from __future__ import annotations

import time
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError

from records.casefile import AVRecord, Document
from records.store import default_store, is_sha256

ARTICLE = "第二十八条"


def media_owners() -> dict[str, list[tuple[str, int | None]]]:
    """SHA-256 → [(label of an owning record, the size it registered)], for every original
    that a record owns. Hashes not in stored form are kept as they are (reported as bad)."""
    owners: dict[str, list[tuple[str, int | None]]] = defaultdict(list)
    for pk, sha256, size, number in AVRecord.objects.order_by("pk").values_list(
            "pk", "sha256", "size", "case__number"):
        owners[sha256].append((f"音像记录#{pk}（{number}）", size))
    for pk, sha256, size, number in Document.objects.exclude(file_sha256="").order_by("pk") \
            .values_list("pk", "file_sha256", "file_size", "stage_record__case__number"):
        owners[sha256].append((f"文书#{pk}（{number}）", size))
    return dict(owners)


class Command(BaseCommand):
    help = ("重新计算原始资料库中每个原始文件的SHA-256：缺失、被改动、大小不符或无记录对应的文件逐个列出，"
            "有问题时以非零状态退出（第二十八条）。")

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=None,
                            help="files hashed at once (default: one per CPU)")

    def handle(self, *args, **options):
        store = default_store()
        started = time.perf_counter()
        owners = media_owners()
        problems: list[str] = []

        def owned_by(sha256: str) -> str:
            return "、".join(label for label, _ in owners.get(sha256, ()))

        valid = sorted(sha for sha in owners if is_sha256(sha))
        for sha in sorted(set(owners) - set(valid)):
            problems.append(f"登记有误：{sha!r} 不是有效的SHA-256 —— {owned_by(sha)}")
        checked = total_bytes = 0
        for expected, actual in store.rehash_many(valid, workers=options["workers"]):
            checked += 1
            path = store.path_for(expected)
            if actual is None:
                problems.append(f"缺失：{path} —— {owned_by(expected)}")
                continue
            size = path.stat().st_size
            total_bytes += size
            if actual != expected:
                problems.append(f"被改动：{path}（现SHA-256 {actual}）—— {owned_by(expected)}")
                continue
            for label, registered in owners[expected]:
                if registered is not None and registered != size:
                    problems.append(f"大小不符：{path} 存储{size}字节，{label}登记{registered}字节")
        owned = set(valid)
        unowned = [store.path_for(sha) for sha in store.iter_hashes() if sha not in owned]
        unowned += list(store.iter_foreign_files())
        for path in sorted(unowned):
            problems.append(f"无主：{path}（没有记录对应该文件）")
        elapsed = time.perf_counter() - started
        for line in problems:
            self.stdout.write(line)
        self.stdout.write(
            f"原始资料库 {store.root}：核验 {checked} 个原始文件，共 {total_bytes / 1024**2:.1f} MiB，"
            f"用时 {elapsed:.2f} 秒；缺失 {_count(problems, '缺失')}，被改动 {_count(problems, '被改动')}，"
            f"大小不符 {_count(problems, '大小不符')}，无主 {len(unowned)}，登记有误 {_count(problems, '登记有误')}。")
        if problems:
            raise CommandError(f"{len(problems)} 个原始文件有问题（{ARTICLE}）", returncode=1)
        self.stdout.write(f"全部原始文件完好（{ARTICLE}）。")


def _count(problems: list[str], word: str) -> int:
    return sum(1 for line in problems if line.startswith(word + "："))
