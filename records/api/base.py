"""What every API view shares: its denials are logged and answered in JSON (never a 500),
and reads are written to the access log before the response leaves (第二十八条)."""

from __future__ import annotations

import logging

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from access import gate
from access.exceptions import AccessDenied

from .. import events

logger = logging.getLogger(__name__)

NOT_FOUND = "案卷或记录不存在或无权访问（第二十九条）。"


def api_exception_handler(exc, context):
    """DRF's answer, with a `denied` access-log line for refusals that nothing logged yet;
    an unexpected error while refusing is still a refusal (403), never a 500."""
    request = context.get("request")
    if isinstance(exc, AccessDenied):
        exc = exceptions.PermissionDenied(exc.decision.reason)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code in (401, 403, 404) and request is not None:
        try:
            _log_denial(request, response.status_code, exc)
        except Exception:  # the line could not be written: refuse all the same
            logger.exception("could not log an API denial")
            return Response({"detail": "拒绝访问（第二十九条）。"}, status=status.HTTP_403_FORBIDDEN)
    return response


def _log_denial(request, status_code: int, exc) -> None:
    if getattr(request, "access_denial_logged", False) \
            or getattr(getattr(request, "_request", None), "access_denial_logged", False):
        return
    user = getattr(request, "_user", None)
    token = getattr(request, "_auth", None)
    events.record_event(actor=user, action="denied", outcome=events.DENIED, request=request._request,
                        detail={"status": status_code, "reason": str(getattr(exc, "detail", exc))[:300],
                                "token": getattr(token, "key_prefix", None)})
    request._request.access_denial_logged = True


class Pages(PageNumberPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"


class RecordsAPIView(APIView):
    def get_exception_handler(self):
        return api_exception_handler


def require_or_404(request, action: str, obj) -> None:
    """The gate's decision for `obj`; a refusal is logged (access.gate.require) and answered
    404 when the reader may not even know the object exists, else 403 with the reason."""
    try:
        gate.require(request.user, action, obj, request=request._request)
    except AccessDenied as denied:
        if action == gate.VIEW_METADATA or not gate.decide(request.user, gate.VIEW_METADATA, obj).allowed:
            raise Http404(NOT_FOUND) from denied
        raise exceptions.PermissionDenied(denied.decision.reason) from denied


def log_read(request, obj=None, **detail) -> None:
    """The `view` line of an API read, before the response is sent; if it cannot be written,
    the exception means no content."""
    events.record_event(actor=request.user, action=events.VIEW, obj=obj, request=request._request,
                        detail={"api": request._request.path, **detail})
