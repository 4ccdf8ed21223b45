"""The one settings module. Everything that differs between a laptop and production comes
from the environment; nothing secret is written here.

Environment:
    DJANGO_DEBUG        "1" for development (default off).
    SECRET_KEY          required unless DJANGO_DEBUG is on.
    DATABASE_URL        default: SQLite file var/portal.sqlite3 (git-ignored).
    MEDIA_ROOT          where files are stored (default var/media); never served directly.
    ALLOWED_HOSTS       comma separated (default: localhost names when debugging).
    ELASTICSEARCH_URL   optional search server.
    PORTAL_DEMO         "1" allows demo accounts (load_demo); never set in production.
    PORTAL_SECURE       "0" turns off HTTPS-only settings for a production run over plain HTTP
                        behind a proxy that terminates TLS elsewhere (default on when not DEBUG).
    REDIS_URL           optional shared cache (redis://127.0.0.1:6379/0); CACHE_URL is read when
                        it is unset. Default: a cache in each process (LocMemCache).
    PORTAL_PAGE_CACHE_SECONDS  how long anonymous readers' public pages are kept (default 300,
                        "0" turns the page cache off); see portal/page_cache.py.
    PORTAL_PAGE_CACHE_STAMP    the file that tells worker processes a page changed (default in
                        the system's temporary folder).
    PORTAL_BENCH_VIEWS  "1" adds /bench/minimal/ for bench/bench_pages.py; never in production.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


DEBUG = env_flag("DJANGO_DEBUG")
PORTAL_DEMO = env_flag("PORTAL_DEMO")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production refuses to start without one; "
            "set DJANGO_DEBUG=1 for a development run."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # the project's own apps, in dependency order (policies is plain Python, not an app)
    "access",
    "records",
    "search",
    "portal",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # permissions, two factors, API
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    # Django
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # after LocaleMiddleware (the key holds the language); a hit skips everything below
    "portal.page_cache.AnonymousPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "access.two_factor.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # the admins' own refusals of a signed-in user go to the access log too (第二十九条)
    "access.denials.DenialLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.navigation",
                "access.requests.context_processors.notification_badge",
            ],
        },
    },
]

# --- database --------------------------------------------------------------------------
DEFAULT_SQLITE_URL = f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or DEFAULT_SQLITE_URL,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, without the health-check round trip before a request on a connection that
    # ended its last request cleanly within the second (portal/database/postgresql/base.py)
    DATABASES["default"]["ENGINE"] = "portal.database.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # An embedded database shared by the dev server's threads: wait for the writer rather
    # than fail with "database is locked", and let readers run beside one writer.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Connections persist (DATABASE_CONN_MAX_AGE, 60 s) on SQLite as on PostgreSQL: opening one
    # with its PRAGMAs cost ~3.5 ms per request (bench/README.md, bench_pages). runserver's
    # per-request threads simply do not reuse them; tests are unaffected.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")} if env_flag(
        "PORTAL_SQLITE_TEST_FILE"
    ) else {}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache -----------------------------------------------------------------------------
CACHE_URL = os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": CACHE_URL, "KEY_PREFIX": "portal"}}
elif CACHE_URL:
    raise ImproperlyConfigured(f"REDIS_URL/CACHE_URL must be a redis:// address, not {CACHE_URL!r}")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "LOCATION": "portal", "OPTIONS": {"MAX_ENTRIES": 2000}}}
# Anonymous readers' public pages (portal/page_cache.py); "0" turns it off.
PORTAL_PAGE_CACHE_SECONDS = int(os.environ.get("PORTAL_PAGE_CACHE_SECONDS", "300"))
PORTAL_PAGE_CACHE_STAMP = Path(os.environ.get(
    "PORTAL_PAGE_CACHE_STAMP", Path(tempfile.gettempdir()) / "portal-page-cache.stamp"
))
# /bench/minimal/ for bench/bench_pages.py only.
PORTAL_BENCH_VIEWS = env_flag("PORTAL_BENCH_VIEWS")

# --- auth ------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # Object permissions go through the access gate (grants end and are revoked there);
    # guardian's ObjectPermissionBackend would read its tables without the end. See
    # access/gate/backend.py, and never rely on has_perm(obj): superusers bypass backends.
    "access.gate.backend.GateBackend",
]
# guardian warns when its own backend is absent; the gate's backend replaces it on purpose.
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# guardian: no anonymous user row; object permissions come only from explicit grants.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Two-factor login (access/two_factor, 第二十九条). django-otp's own back-off is off: the
# lockout below answers repeated failures, and a back-off would refuse a right code typed
# quickly after a wrong one.
OTP_TOTP_ISSUER = "郑州城建执法记录"
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Five failed passwords or codes within 15 minutes lock the account for ACCESS_LOCKOUT_MINUTES.
ACCESS_LOCKOUT_FAILURES = 5
ACCESS_LOCKOUT_WINDOW_MINUTES = 15
ACCESS_LOCKOUT_MINUTES = int(os.environ.get("ACCESS_LOCKOUT_MINUTES", "15"))
# A password-checked login waits this long for its code.
ACCESS_TWO_FACTOR_PENDING_MINUTES = 10
# One password reset, the portal's (which never logs in); Wagtail's own is off.
WAGTAIL_PASSWORD_RESET_ENABLED = False

# Sessions end after 30 minutes without a request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- language and time -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Content is written in Chinese; English is a second language for the interface.
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAIL_I18N_ENABLED = False
LOCALE_PATHS = [BASE_DIR / "portal" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Nothing under MEDIA_ROOT is served by URL: every file goes through a view that checks
# access and writes the access log. MEDIA_URL exists only because Django requires one.
MEDIA_URL = "/media-is-not-served/"
# Originals (第二十八条) are stored write-once under their hash below this folder.
ORIGINALS_ROOT = Path(os.environ.get("ORIGINALS_ROOT", MEDIA_ROOT / "originals"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "portal.staticfiles.ForgivingManifestStaticFilesStorage"},
}
WHITENOISE_KEEP_ONLY_HASHED_FILES = False

# --- Wagtail ---------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "郑州市城乡建设局 行政执法全过程记录"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# The legal office's approval publishes (portal.editorial): reviewers hold no publish permission.
WAGTAIL_FINISH_WORKFLOW_ACTION = "portal.workflow_finish.publish_approved"

# --- search ----------------------------------------------------------------------------
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")

# --- view and copy requests (access/requests) -------------------------------------------
# Who builds a copy package for an approved copy request (第二十八条): access names it here
# rather than importing records (layers).
ACCESS_COPY_PACKAGE_BUILDER = "records.copy_packages.copy_package_for_request"
# What the builder can add on request (e.g. a burned-in stamp on video copies, where ffmpeg is
# installed), and the URL name of the online viewer of an approved request.
ACCESS_COPY_PACKAGE_OPTIONS = "records.copy_packages.copy_package_options"
ACCESS_REQUEST_VIEWER = "records:request_viewer"

# --- access log (access/log) -------------------------------------------------------------
# Lanes of the hash chain: writers on different lanes never wait for each other.
ACCESS_LOG_LANES = int(os.environ.get("ACCESS_LOG_LANES", "16"))
# Ed25519 key that signs checkpoints: PEM or 32 bytes in base64. Without one, production
# cannot sign; a development run uses a fixed, publicly known development key.
ACCESS_LOG_SIGNING_KEY = os.environ.get("ACCESS_LOG_SIGNING_KEY", "") or (
    "uZ2lOPpW4Q0UJ6V3o2bT6k0pU0o3nq9w7XlY5b3mJYw=" if DEBUG else ""  # development only
)
# The append-only triggers let TRUNCATE through only here: test databases are emptied so.
ACCESS_LOG_ALLOW_TRUNCATE = DEBUG
# A read's line (written outside a transaction) is committed before the content is sent but
# does not wait for the WAL flush (≈2 ms a line here); it is durable within PostgreSQL's
# wal_writer_delay. "0" makes every such line wait for the flush (access/log/append.py).
ACCESS_LOG_ASYNC_COMMIT = env_flag("ACCESS_LOG_ASYNC_COMMIT", default=True)

# --- case files (records) ----------------------------------------------------------------
# The published audio/video checklist (第十八条) the completeness checks use; records does
# not import portal, so it is named here and resolved by import string.
RECORDS_CHECKLIST_PROVIDER = "portal.checklist.published_checklist"

# --- API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # a person's token with a current code (X-OTP-Code); a device token only uploads.
        # First, so that a refused token answers 401 with "WWW-Authenticate: Token".
        "access.two_factor.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "access.two_factor.api_auth.DeviceTokensOnlyUpload",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# The OpenAPI schema at /api/schema/, its human page at /api/docs/ (records/api/).
SPECTACULAR_SETTINGS = {
    "TITLE": "行政执法全过程记录 API",
    "DESCRIPTION": "案卷、环节记录、文书和音像记录的查询（按权限过滤并记入访问日志，第二十八条、"
                   "第二十九条），以及采集工作站上传音像记录。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "PREPROCESSING_HOOKS": ["records.api.schema.only_public_api"],
    # two "kind" fields: a case's kind of act and a request's view/copy
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "records.casefile.KIND_CHOICES",
        "RequestKindEnum": "access.requests.models.RequestKind",
    },
}

# --- email -----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")

# --- security --------------------------------------------------------------------------
SECURE = env_flag("PORTAL_SECURE", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env_flag("PORTAL_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail marks its own preview views SAMEORIGIN; everything else may not be framed.
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
