"""The project's foundation: the home page, login, health, languages, demo accounts, settings."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from access.models import StaffProfile
from policies.roles import ROLES
from portal.areas import AREAS

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_home_page_answers_in_chinese_with_navigation_to_every_area(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "行政执法全过程记录" in html
    for area in AREAS:
        assert f'href="{area.path}"' in html, area.code
        assert area.title in html


@pytest.mark.django_db
def test_home_page_is_a_wagtail_page_at_the_site_root(client):
    from wagtail.models import Site

    from portal.models import HomePage

    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert client.get("/").context["page"].pk == site.root_page.pk


@pytest.mark.django_db
def test_english_is_available_as_a_second_language(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Rule guide" in html
    assert "规则指引" not in html


@pytest.mark.django_db
def test_the_language_links_name_each_language_in_itself_and_come_back_here(client):
    for accept, current, other, code in (("zh-hans", "简体中文", "English", "en"),
                                         ("en", "English", "简体中文", "zh-hans")):
        html = client.get("/?q=a b&x=1", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
        switch = html.split('class="language-switch"')[1].split("</nav>")[0]
        assert f'aria-current="true"><strong>{current}</strong>' in switch
        assert (f'<a href="/language/{code}/?next=/%3Fq%3Da%2520b%26x%3D1" '
                f'lang="{code}" hreflang="{code}" rel="nofollow">{other}</a>') in switch
        assert "英语" not in switch and "Simplified Chinese" not in switch


@pytest.mark.django_db
def test_wagtail_admin_asks_for_a_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_area_pages_ask_for_a_login(client):
    response = client.get("/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_login_page_logs_a_demo_user_in_and_shows_the_name(client):
    call_command("load_demo", quiet_accounts=True, no_cases=True)
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert "用户名" in page.content.decode()
    wrong = client.post("/accounts/login/", {"username": "officer", "password": "nope"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(
        "/accounts/login/", {"username": "officer", "password": "officer-demo-2026"}, follow=True
    )
    assert response.status_code == 200
    assert "张伟" in response.content.decode()


@pytest.mark.django_db
def test_healthz_reports_database_and_media_store(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "media": "ok"}


@pytest.mark.django_db
def test_healthz_fails_when_the_media_store_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker / "media"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["media"].startswith("error")


@pytest.mark.django_db
def test_load_demo_creates_one_account_for_each_role():
    out = io.StringIO()
    call_command("load_demo", no_cases=True, stdout=out)
    printed = out.getvalue()
    User = get_user_model()
    for role in ROLES:
        users = User.objects.filter(groups__name=role.code)
        assert users.exists(), role.code
        for user in users:
            assert user.check_password(f"{user.username}-demo-2026")
            assert user.username in printed and role.name in printed
            assert StaffProfile.objects.get(user=user).unit.name


def _database_snapshot() -> str:
    out = io.StringIO()
    call_command(
        "dumpdata", "--natural-foreign", "--exclude", "contenttypes", "--exclude",
        "auth.permission", "--exclude", "sessions", stdout=out,
    )
    return out.getvalue()


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing():
    call_command("load_demo", quiet_accounts=True, no_cases=True)
    first = _database_snapshot()
    call_command("load_demo", quiet_accounts=True, no_cases=True)
    assert _database_snapshot() == first


@pytest.mark.django_db
def test_load_demo_refuses_outside_demo_mode(settings):
    settings.PORTAL_DEMO = False
    with pytest.raises(CommandError, match="PORTAL_DEMO"):
        call_command("load_demo")
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_no_model_change_lacks_its_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_static_files_are_served_by_whitenoise_after_collectstatic(settings, tmp_path):
    from django.test import Client

    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", "--no-input", verbosity=0)
    response = Client().get("/static/portal/css/portal.css")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"--brand" in body
    assert "max-age" in response.get("Cache-Control", "")


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DJANGO_DEBUG", "SECRET_KEY", "PORTAL_DEMO", "DATABASE_URL",
                          "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    clean.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=clean,
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", env={"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_pass_the_deployment_check_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env={
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": "k8#Vq2!mZ7@pL4$wX9^rT1&yN6*bH3(cF5)gJ0_dS8+aQ-eU" + "x" * 12,
        "ALLOWED_HOSTS": "portal.example.gov.cn",
    })
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
