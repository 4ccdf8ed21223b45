"""The site's root: the Chinese home page at "/". The data migration 0002 creates it on a new
database; `home_page_ensure()` does the same for a database emptied since (tests that flush
tables, a restored backup without pages), so that demo content always has a place to go."""

from __future__ import annotations

from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from django.conf import settings
from wagtail.models import Locale, Page, Site

from .models import HomePage

HOME_TITLE = "行政执法全过程记录"
HOME_INTRO = (
    "依据《郑州市城乡建设局行政执法全过程记录制度》，对执法程序启动、调查取证、审核决定、"
    "送达执行、归档管理等全过程进行文字和音像记录。"
)
SITE_NAME = "郑州市城乡建设局 行政执法全过程记录"


@transaction.atomic
def home_page_ensure() -> HomePage:
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        if root is None:
            root = Page.add_root(instance=Page(title="Root", slug="root", live=True))
        home = root.add_child(instance=HomePage(title=HOME_TITLE, intro=HOME_INTRO, slug="home"))
    if not Site.objects.filter(is_default_site=True, root_page=home).exists():
        Site.objects.filter(is_default_site=True).delete()
        Site.objects.create(hostname="localhost", port=80, root_page=home,
                            is_default_site=True, site_name=SITE_NAME)
    return home
