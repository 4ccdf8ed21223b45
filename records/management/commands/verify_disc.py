"""manage.py verify_disc IMAGE: re-hash every file on an evidence disc image against its
MANIFEST.sha256, and each original against the store (the original with that hash must be in
the store and still match it, 第二十七条, 第二十八条). Exits non-zero naming each mismatch."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from records.evidence_disc import disc_verify


class Command(BaseCommand):
    help = "核验音像证据光盘映像：逐个文件对照SHA-256清单和原始资料库，不符的逐个列出（第二十七条、第二十八条）。"

    def add_arguments(self, parser):
        parser.add_argument("image", help="the ISO 9660 image to check")

    def handle(self, *args, image, **options):
        if not Path(image).is_file():
            raise CommandError(f"找不到光盘映像：{image}")
        report = disc_verify(image)
        for line in report.problems:
            self.stdout.write(line)
        self.stdout.write(f"{image}：核验 {report.checked} 个文件，问题 {len(report.problems)} 个。")
        if report.problems:
            raise CommandError(f"光盘映像与清单或原始资料库不符：{len(report.problems)} 处", returncode=1)
        self.stdout.write("光盘映像完好，与原始资料库一致。")
