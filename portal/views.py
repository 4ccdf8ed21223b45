from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .areas import AREAS_BY_CODE
from .health import database_status, media_store_status


@never_cache
@require_GET
def healthz(request):
    checks = {"database": database_status(), "media": media_store_status()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


@login_required
def area(request, code: str):
    """An area whose pages have not been built yet says so, and what it will hold."""
    try:
        current = AREAS_BY_CODE[code]
    except KeyError:
        raise Http404 from None
    return render(request, "portal/area.html", {"area": current})
