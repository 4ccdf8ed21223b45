"""Email each officer and head of unit their 黄牌/红牌 deadline warnings (第二十五条), once a
day: a day already sent is recorded in the access log and not sent again."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.utils import timezone

from access import clock
from access.events import access_log_write
from access.models import AccessLogEntry
from records.calendar import working_calendar

from portal.supervision.deadline_warnings import warnings_for


class Command(BaseCommand):
    help = "向执法人员和承办机构负责人发送归档期限预警（黄牌/红牌，第二十五条），每天一次"

    def handle(self, *args, **options):
        today = timezone.localdate(clock.now())
        calendar = working_calendar()
        sent = 0
        users = get_user_model().objects.filter(
            is_active=True, groups__name__in=("officer", "unit_head")).exclude(email="").distinct()
        for user in users.order_by("pk"):
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


def _key(user, day) -> str:
    return f"deadline_warning:{day.isoformat()}:{user.pk}"


def _already_sent(user, day) -> bool:
    return AccessLogEntry.objects.filter(object_repr="归档期限预警邮件",
                                         detail__contains=f'"{_key(user, day)}"').exists()
