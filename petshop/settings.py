"""
One settings module for every environment: production differs from development only
by environment variables (all listed in .env.example). With no environment at all the
shop runs on SQLite and an in-process cache with DEBUG on.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)  # optional; real env wins

DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production"

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a long random value when DJANGO_DEBUG is off."
    )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "petshop.apps.ShopAdminConfig",  # django.contrib.admin with the shop's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # search lookups (trigram); harmless on SQLite
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "petshop",
    "notifications",
    "accounts",
    "catalog",
    "sales",
    "returns",
    "audit",
]

MIDDLEWARE = [
    "petshop.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "petshop.middleware.DatabaseUnavailableMiddleware",
    # Anonymous catalog reads it has seen answered from the cache skip the rest
    # (catalog/api/read_cache.py).
    "catalog.api.read_cache.CachedReadMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff two-factor sign-in: django-otp marks the verified session, then the gate
    # keeps unverified staff out of every admin page (accounts/two_factor).
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "petshop.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "petshop.urls"
WSGI_APPLICATION = "petshop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "petshop.context_processors.shop",
                "sales.context_processors.cart",
            ],
        },
    },
]

# --- Database: SQLite by default, PostgreSQL (psycopg 3) through DATABASE_URL ---
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=3)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: in-process by default, Redis (django-redis) through REDIS_URL ---
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_TTL = env.int("CACHE_TTL", default=300)
# CACHE_BACKEND=dummy turns caching off altogether (the benchmark's "cache off" rows).
CACHE_BACKEND = env.str("CACHE_BACKEND", default="")
if CACHE_BACKEND == "dummy":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": CACHE_TTL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="petshop"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # Redis down must never take the shop down: reads fall through to the DB.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "petshop",
            "TIMEOUT": CACHE_TTL,
        }
    }

# Sessions: with Redis, read from it and written through to the database
# (petshop/core/sessions.py: Django's cached_db, safe when Redis fails), on an alias of
# the same Redis that raises its errors so a logout is never silently half done. Without
# Redis, the database alone: an in-process cache is not shared between processes, and a
# session deleted by one worker must not live on in another's memory.
if REDIS_URL and CACHE_BACKEND != "dummy":
    CACHES["sessions"] = {
        **CACHES["default"],
        "OPTIONS": {**CACHES["default"]["OPTIONS"], "IGNORE_EXCEPTIONS": False},
    }
    SESSION_CACHE_ALIAS = "sessions"
    SESSION_ENGINE = "petshop.core.sessions"
else:
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Background tasks: Django's Tasks API (django-tasks backport of Django 6's) ---
# The ORM backend writes a task as a row in the same transaction as the change that
# causes it; `manage.py db_worker` runs them. Another backend is configuration only.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

if TASKS["default"]["BACKEND"].startswith("django_tasks_rq."):
    # RQ on Redis instead of the ORM queue (README "Email and the background worker"):
    # needs `pip install django-tasks-rq`; the worker is `manage.py rqworker --job-class
    # django_tasks_rq.Job`.
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}

# --- Email: sent by the worker from the outbox (notifications app) ---
# EMAIL_URL in django-environ's forms: smtp+tls://user:pass@host:587, consolemail://
# (printed by the worker: the default, so a developer reads every email in `make run`'s
# output), filemail:///absolute/folder (one file per email). Tests use the locmem backend.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_HOST = EMAIL_CONFIG.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = EMAIL_CONFIG.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = EMAIL_CONFIG.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = EMAIL_CONFIG.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(EMAIL_CONFIG.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(EMAIL_CONFIG.get("EMAIL_USE_SSL"))
# django-environ drops the leading "/" of filemail:///absolute/folder: put it back.
_email_folder = EMAIL_CONFIG.get("EMAIL_FILE_PATH") or ""
EMAIL_FILE_PATH = (
    "/" + _email_folder.lstrip("/") if _email_folder else str(BASE_DIR / "sent_emails")
)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Pawfect Pet Shop <shop@petshop.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SHOP_NAME = "Pawfect Pet Shop"
# Where links in emails point (the storefront as customers reach it).
# Default: the development server of `make run` (its PORT, default 8000).
SHOP_BASE_URL = env.str(
    "SHOP_BASE_URL", default="http://127.0.0.1:" + env.str("PORT", default="8000")
)
# Who gets staff emails (new returns to review, the low stock digest); comma-separated.
SHOP_STAFF_EMAILS = env.list("SHOP_STAFF_EMAILS", default=[])
# A failed send is retried after EMAIL_RETRY_SECONDS, then twice that... (at most an hour
# apart) and marked failed after EMAIL_MAX_ATTEMPTS attempts.
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=5)
EMAIL_RETRY_SECONDS = env.int("EMAIL_RETRY_SECONDS", default=60)
# Seconds a password reset link stays valid (Django's token generator reads it).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.UsernameOrEmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "catalog:home"
LOGOUT_REDIRECT_URL = "catalog:home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Overridable so that several checkouts or checks on one machine do not share one folder.
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]

# --- Uploaded files (product photos): Django's STORAGES, chosen by the environment ---
# Code reaches files only through the storage API (save, open, delete, url), never a
# local path, so the same code runs on a disk or an S3-compatible object store.
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Django itself serves MEDIA_URL from the storage (development, a single small server);
# in production the object store or a web server in front does.
MEDIA_SERVE = env.bool("MEDIA_SERVE", default=DEBUG)
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE == "s3":
    # django-storages' S3 backend: AWS S3, MinIO, Ceph, Cloudflare R2, Scaleway...
    # Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the environment.
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("MEDIA_S3_BUCKET", default=""),
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_S3_REGION", default="") or None,
            "custom_domain": env.str("MEDIA_S3_CUSTOM_DOMAIN", default="") or None,
            "location": env.str("MEDIA_S3_PREFIX", default=""),
            # Public, unsigned URLs: they are the same for every request, so pages
            # computed once stay valid in the catalog cache and in browsers.
            "querystring_auth": env.bool("MEDIA_S3_SIGNED_URLS", default=False),
            "file_overwrite": False,
            # Stored names are random and never reused: cache for a year.
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
elif MEDIA_STORAGE == "filesystem":
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'filesystem' or 's3'.")

# Product photos: what an upload may be (API.md C12), and the renditions made of it.
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)

STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Shop rules (API.md) ---
LOW_STOCK_THRESHOLD = env.int("LOW_STOCK_THRESHOLD", default=5)
INVOICE_DUE_DAYS = env.int("INVOICE_DUE_DAYS", default=30)
RETURN_WINDOW_DAYS = env.int("RETURN_WINDOW_DAYS", default=30)
IDEMPOTENCY_KEY_HOURS = env.int("IDEMPOTENCY_KEY_HOURS", default=24)
# Whether catalog prices include tax (tax is then the part of the price that is tax) or
# exclude it (tax is added on top at checkout). Said on every page and invoice.
PRICES_INCLUDE_TAX = env.bool("PRICES_INCLUDE_TAX", default=False)
# How long the "prove your email to claim your orders" link stays valid, in hours.
GUEST_CLAIM_LINK_HOURS = env.int("GUEST_CLAIM_LINK_HOURS", default=72)

# Staff two-factor sign-in for the Django admin (TOTP + backup codes, django-otp): on by
# default in production, off in development so the demo stays one command.
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Pet shop")

# Personal data (U9 export, U10 erase): every app that stores something about a person
# contributes its part through one module (see accounts/personal_data.py). Not a setting
# of the environment: a new app with personal data adds its module here.
PERSONAL_DATA_MODULES = [
    "accounts.personal_data",
    "sales.personal_data",
    "returns.personal_data",
    "notifications.personal_data",
]

# --- REST API ---
REST_FRAMEWORK = {
    # JSON in (API.md): nested bodies (cart lines, return items) have no form encoding,
    # and the schema then documents only what the API really accepts.
    "DEFAULT_PARSER_CLASSES": ["petshop.core.api.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "petshop.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "petshop.core.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "login": env.str("THROTTLE_LOGIN", default="10/min"),
        "register": env.str("THROTTLE_REGISTER", default="30/hour"),
        "password_reset": env.str("THROTTLE_PASSWORD_RESET", default="5/hour"),
        "otp": env.str("THROTTLE_OTP", default="5/min"),
        # Guest checkout (storefront): orders and private order-link lookups per client
        # address, "claim your guest orders" emails per account.
        "guest_checkout": env.str("THROTTLE_GUEST_CHECKOUT", default="10/hour"),
        "order_link": env.str("THROTTLE_ORDER_LINK", default="60/hour"),
        "guest_claim": env.str("THROTTLE_GUEST_CLAIM", default="5/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # How many proxies (load balancers) in front append to X-Forwarded-For. 0: the
    # header is the client's own claim and never picks a throttle bucket.
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pet shop API",
    "DESCRIPTION": "The JSON API of the pet shop (v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One named enum per state machine, so generated clients get OrderStatusEnum etc.
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "sales.models.OrderStatus",
        "InvoiceStatusEnum": "sales.models.InvoiceStatus",
        "ReturnStatusEnum": "returns.models.ReturnStatus",
        "RoleEnum": "accounts.models.Role",
    },
    # <id:...> (petshop/core/api/converters.py) is an integer path parameter.
    "PATH_CONVERTER_OVERRIDES": {"id": int},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "petshop.core.api.schema.document_invalid_page",  # ?page=0 is a 404 on every list
    ],
}

# --- Security (production values come with DJANGO_DEBUG=false) ---
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
# /healthz is probed over plain HTTP by load balancers.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/live)?$"]

# --- Logging: one structured line per event on stdout, with request id and user ---
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "petshop.logging.RequestContextFilter"}},
    "formatters": {"json": {"()": "petshop.logging.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request"],
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_redis": {"level": "WARNING"},
    },
}
