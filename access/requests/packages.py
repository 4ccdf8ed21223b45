"""Taking a copy package of an approved copy request (第二十八条): only the requester, only
while the request is approved and its period runs, at most as many packages as copies were
approved. The package itself is built by the app that holds the records
(settings.ACCESS_COPY_PACKAGE_BUILDER, records.copy_packages), which checks the gate's "copy"
action on every record and writes the package id to the access log."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.module_loading import import_string

from access import clock
from access.events import Action, access_log_write
from access.exceptions import AccessDenied

from .models import AccessRequest, RequestKind, RequestStatus
from .workflow import IllegalTransition, NotAnApprover

ARTICLE = "第二十八条"


def package_builder():
    path = getattr(settings, "ACCESS_COPY_PACKAGE_BUILDER", "")
    return import_string(path) if path else None


def may_take_package(user, access_request: AccessRequest) -> bool:
    return (access_request.requester_id == getattr(user, "pk", None)
            and access_request.kind == RequestKind.COPY
            and access_request.status == RequestStatus.APPROVED
            and access_request.ends_at > clock.now()
            and access_request.packages_made < access_request.copies
            and package_builder() is not None)


def copy_package_take(*, actor, access_request: AccessRequest, request=None):
    """Build one copy package for the requester and count it against the approved copies."""
    if access_request.requester_id != actor.pk:
        raise NotAnApprover("只有申请人本人可以领取复制件")
    builder = package_builder()
    if builder is None:
        raise IllegalTransition("本系统未配置复制件制作")
    try:
        with transaction.atomic():
            counted = AccessRequest.objects.filter(
                pk=access_request.pk, kind=RequestKind.COPY, status=RequestStatus.APPROVED,
                ends_at__gt=clock.now(), packages_made__lt=F("copies"),
            ).update(packages_made=F("packages_made") + 1)
            if counted != 1:
                raise IllegalTransition("该申请不能再领取复制件（未批准、已到期或份数已取完）")
            return builder(actor=actor, access_request=access_request, request=request)
    except AccessDenied as error:
        access_log_write(actor=actor, action=Action.COPY, outcome="denied", request=request,
                         obj=(access_request.target_type.model_class()._meta.label_lower,
                              access_request.target_id, access_request.target_repr),
                         detail={"access_request": access_request.number,
                                 "reason": error.decision.reason})
        raise
