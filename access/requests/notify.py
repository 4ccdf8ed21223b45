"""Notifications of a request's progress: a row in the portal for each recipient (the badge
in the navigation counts the unread ones), written in the transaction of the step, and an
e-mail through Django's e-mail backend, sent only after that transaction commits."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from .models import AccessRequest, ApprovalStep, Notification

logger = logging.getLogger(__name__)


def approvers_for(step: ApprovalStep):
    """The people who may decide `step`: active holders of its role (in its unit, when it
    names one), never the requester."""
    users = get_user_model().objects.filter(is_active=True, groups__name=step.role)
    if step.unit_id is not None:
        users = users.filter(staff_profile__unit_id=step.unit_id)
    return users.exclude(pk=step.request.requester_id).distinct().order_by("pk")


def request_url(access_request: AccessRequest) -> str:
    return reverse("access_requests:detail", kwargs={"pk": access_request.pk})


def notify(*, recipients, access_request: AccessRequest, subject: str, body: str) -> list[Notification]:
    recipients = list(recipients)
    url = request_url(access_request)
    rows = Notification.objects.bulk_create([
        Notification(recipient=user, request=access_request, subject=subject, body=body, url=url)
        for user in recipients])
    addresses = [user.email for user in recipients if user.email]
    if addresses:
        transaction.on_commit(lambda: _send(subject, body, url, addresses))
    return rows


def _send(subject: str, body: str, url: str, addresses: list[str]) -> None:
    try:
        send_mail(f"[执法全过程记录] {subject}", f"{body}\n\n{url}", settings.DEFAULT_FROM_EMAIL,
                  addresses)
    except Exception:  # the step is done; a mail server being down must not undo it
        logger.exception("could not send the notification %r", subject)


def notify_next_approvers(access_request: AccessRequest, step: ApprovalStep) -> None:
    notify(recipients=approvers_for(step), access_request=access_request,
           subject=f"待审批：{access_request.number} {access_request.get_kind_display()}申请",
           body=(f"{access_request.requester_display}申请{access_request.get_kind_display()}"
                 f"“{access_request.target_repr}”，请审批（{step.article}）。"))


def notify_requester(access_request: AccessRequest, what: str) -> None:
    notify(recipients=[access_request.requester], access_request=access_request,
           subject=f"{access_request.number}：{what}",
           body=f"您的{access_request.get_kind_display()}申请“{access_request.target_repr}”{what}。")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
