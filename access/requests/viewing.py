"""Opening the online viewer of an approved request (第二十八条): only the requester, only while
the request is approved and its period runs. The viewer itself is a page of the app that
holds the records (settings.ACCESS_REQUEST_VIEWER names its URL, records:request_viewer),
which asks ``viewer_refusal`` before anything else, then the access gate for every record
(the grants the approval gave end at the request's end: the gate judges them too), and
writes the page's line and each media play's line in the access log.

Reading in the viewer never offers a download: a view request gives only "view", a copy
request "view" and "copy" (the copy package); neither gives "download" (granting.py).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from access import clock

from .models import AccessRequest, RequestStatus

ARTICLE = "第二十八条"


def viewer_refusal(user, access_request: AccessRequest | None) -> str | None:
    """Why `user` may not open the viewer of `access_request` (None: they may)."""
    if access_request is None:
        return "没有这件申请"
    if access_request.requester_id != getattr(user, "pk", None):
        return f"只有申请人本人可以在线查阅（{ARTICLE}）"
    if access_request.status != RequestStatus.APPROVED:
        return f"申请{access_request.number}{access_request.get_status_display()}，不能查阅（{ARTICLE}）"
    if access_request.ends_at <= clock.now():
        return f"申请{access_request.number}的使用期限已过（{ARTICLE}）"
    return None


def may_open_viewer(user, access_request: AccessRequest) -> bool:
    return viewer_refusal(user, access_request) is None


def viewer_url(access_request: AccessRequest) -> str:
    """The viewer's address for this request, or "" when no viewer is configured."""
    name = getattr(settings, "ACCESS_REQUEST_VIEWER", "")
    return reverse(name, kwargs={"request_pk": access_request.pk}) if name else ""
