"""manage.py import_rules PATH: the regulation's text file → pages under /rules/."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from portal.regulation_text import RegulationFormatError
from portal.rules_import import SHIPPED_REGULATION, regulation_import_file


def _moment(value: str) -> dt.datetime:
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"无法识别的时间：{value!r}（例：2026-12-01 或 2026-12-01T00:00）")
        moment = dt.datetime.combine(day, dt.time.min)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = (
        "把制度文本文件（UTF-8）导入为 /rules/ 下的页面：制度、各章、各条。"
        "同一文件再次导入不产生任何变化；修订文本只为有变化的页面生成新版本。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(SHIPPED_REGULATION),
                            help=f"文本文件（默认：随项目提供的 {SHIPPED_REGULATION.name}）")
        parser.add_argument("--draft", action="store_true",
                            help="只保存为草稿版本，由法规处审核后发布")
        parser.add_argument("--go-live-at", dest="go_live_at",
                            help="定时发布：新版本自该时间起生效（例：2026-12-01）")
        parser.add_argument("--user", help="记为此用户所做的修改（用户名）")

    def handle(self, *args, path, draft, go_live_at, user, **options):
        actor = None
        if user:
            try:
                actor = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"没有用户 {user!r}") from None
        try:
            report = regulation_import_file(
                path=path, actor=actor, publish=not draft,
                go_live_at=_moment(go_live_at) if go_live_at else None,
            )
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{path}") from None
        except (RegulationFormatError, UnicodeDecodeError) as error:
            raise CommandError(f"文件格式不符：{error}") from None
        for line in report.dropped:
            self.stdout.write(f"已略去网页按钮行（不属于制度正文）：{line}")
        self.stdout.write(
            f"新建 {len(report.created)} 页，修订 {len(report.revised)} 页，"
            f"撤下 {len(report.withdrawn)} 页，未变 {report.unchanged} 页。"
        )
        for label in report.revised:
            self.stdout.write(f"  修订：{label}")
        for label in report.withdrawn:
            self.stdout.write(f"  撤下：{label}")
