"""The interface language switched by a plain link: /language/<code>/?next=/rules/.

A link needs no form and no CSRF token, so that a page shown to anonymous readers sets no
cookie and can be kept in the page cache (portal/page_cache.py). Django's own POST view
(/i18n/setlang/, `set_language`) stays for forms and scripts.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def safe_next_url(request, default: str = "/") -> str:
    """`next` when it points into this site, else the home page."""
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return default


@never_cache
@require_safe
def language_switch(request, code: str):
    if code not in dict(settings.LANGUAGES):
        raise Http404
    response = HttpResponseRedirect(safe_next_url(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code,
        max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
