"""Taking a copy package of an approved copy request (第二十八条): only the requester, only
while the request is approved and its period runs, at most as many packages as copies were
approved. The package itself is built by the app that holds the records
(settings.ACCESS_COPY_PACKAGE_BUILDER, records.copy_packages), which checks the gate's "copy"
action on every record and writes the package id to the access log; it is a ZIP file, or an
ISO 9660 image when the request asked for a disc (刻录光盘). What else the builder can do on
the requester's choice (a visible stamp burned into video copies where ffmpeg is installed)
it lists itself (settings.ACCESS_COPY_PACKAGE_OPTIONS)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.module_loading import import_string

from access import clock
from access.events import Action, access_log_write
from access.exceptions import AccessDenied

from .models import AccessRequest, RequestKind, RequestStatus
from .workflow import IllegalTransition, NotAnApprover, RequestError

ARTICLE = "第二十八条"


class PackageFailed(RequestError):
    """The builder could not make the package (e.g. ffmpeg failed on a video stamp); the
    copy is not counted."""


def package_builder():
    path = getattr(settings, "ACCESS_COPY_PACKAGE_BUILDER", "")
    return import_string(path) if path else None


def package_options() -> list[tuple[str, str]]:
    """The choices the builder offers now, as (code, label); none without a builder."""
    path = getattr(settings, "ACCESS_COPY_PACKAGE_OPTIONS", "")
    return list(import_string(path)()) if path and package_builder() is not None else []


def may_take_package(user, access_request: AccessRequest) -> bool:
    return (access_request.requester_id == getattr(user, "pk", None)
            and access_request.kind == RequestKind.COPY
            and access_request.status == RequestStatus.APPROVED
            and access_request.ends_at > clock.now()
            and access_request.packages_made < access_request.copies
            and package_builder() is not None)


def copy_package_take(*, actor, access_request: AccessRequest, options=(), request=None):
    """Build one copy package for the requester and count it against the approved copies.
    `options`: codes from ``package_options()`` the requester chose."""
    if access_request.requester_id != actor.pk:
        raise NotAnApprover("只有申请人本人可以领取复制件")
    builder = package_builder()
    if builder is None:
        raise IllegalTransition("本系统未配置复制件制作")
    options = frozenset(options)
    if options - {code for code, _label in package_options()}:
        raise IllegalTransition("本系统不能按所选方式制作复制件")
    try:
        with transaction.atomic():
            counted = AccessRequest.objects.filter(
                pk=access_request.pk, kind=RequestKind.COPY, status=RequestStatus.APPROVED,
                ends_at__gt=clock.now(), packages_made__lt=F("copies"),
            ).update(packages_made=F("packages_made") + 1)
            if counted != 1:
                raise IllegalTransition("该申请不能再领取复制件（未批准、已到期或份数已取完）")
            return builder(actor=actor, access_request=access_request, options=options,
                           request=request)
    except AccessDenied as error:
        _log(actor, access_request, "denied", error.decision.reason, request)
        raise
    except PackageFailed as error:
        _log(actor, access_request, "failed", error.message, request)
        raise


def _log(actor, access_request: AccessRequest, outcome: str, reason: str, request) -> None:
    access_log_write(actor=actor, action=Action.COPY, outcome=outcome, request=request,
                     obj=(access_request.target_type.model_class()._meta.label_lower,
                          access_request.target_id, access_request.target_repr),
                     detail={"access_request": access_request.number, "reason": reason})
