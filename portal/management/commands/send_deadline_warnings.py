"""Email each officer and head of unit their 黄牌/红牌 deadline warnings: the archive deadlines
(第二十五条) once a day, and each recording waiting to be stored (第二十六条) once when it
turns yellow and once when it turns red (run the command hourly for the 24-hour deadline).
What was sent is recorded in the access log and not sent again."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.utils import timezone

from access import clock
from access.events import access_log_write
from access.models import AccessLogEntry
from records.calendar import working_calendar

from portal.supervision.deadline_warnings import storage_warnings_for, warnings_for


class Command(BaseCommand):
    help = ("向执法人员和承办机构负责人发送期限预警（黄牌/红牌）：归档期限每天一次（第二十五条），"
            "待储存的音像记录在变黄、变红时各一次（第二十六条）")

    def handle(self, *args, **options):
        now = clock.now()
        today = timezone.localdate(now)
        calendar = working_calendar()
        sent = 0
        users = get_user_model().objects.filter(
            is_active=True, groups__name__in=("officer", "unit_head")).exclude(email="").distinct()
        for user in users.order_by("pk"):
            sent += _send_storage_warnings(user, now)
            if _already_sent(user, today):
                continue
            warnings = warnings_for(user, today=today, calendar=calendar)
            if not warnings:
                continue
            lines = [("【红牌】" if w.colour == "red" else "【黄牌】") + w.text for w in warnings]
            send_mail(f"执法案卷归档期限预警（{today:%Y-%m-%d}）", "\n".join(lines), None,
                      [user.email])
            access_log_write(actor=None, action="export", outcome="ok",
                             object_repr="归档期限预警邮件",
                             detail={"key": _key(user, today), "day": today.isoformat(),
                                     "to": user.pk, "cases": [w.case.pk for w in warnings]})
            sent += 1
        self.stdout.write(f"已发送 {sent} 封预警邮件")


def _send_storage_warnings(user, now) -> int:
    warnings = [w for w in storage_warnings_for(user, now=now)
                if not _already_sent_key(f"{w.key}:{user.pk}")]
    if not warnings:
        return 0
    lines = [("【红牌】" if w.colour == "red" else "【黄牌】") + w.text for w in warnings]
    send_mail("音像记录储存期限预警（第二十六条）", "\n".join(lines), None, [user.email])
    access_log_write(actor=None, action="export", outcome="ok", object_repr="储存期限预警邮件",
                     detail={"keys": [f"{w.key}:{user.pk}" for w in warnings], "to": user.pk,
                             "cases": [w.case.pk for w in warnings]})
    return 1


def _already_sent_key(key: str) -> bool:
    return AccessLogEntry.objects.filter(object_repr="储存期限预警邮件",
                                         detail__contains=f'"{key}"').exists()


def _key(user, day) -> str:
    return f"deadline_warning:{day.isoformat()}:{user.pk}"


def _already_sent(user, day) -> bool:
    return AccessLogEntry.objects.filter(object_repr="归档期限预警邮件",
                                         detail__contains=f'"{_key(user, day)}"').exists()
