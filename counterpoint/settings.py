"""Counterpoint settings, read from the environment.

DEBUG, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and CSRF_TRUSTED_ORIGINS are the ones a
deployment sets. With DEBUG off the app refuses to start without a real SECRET_KEY.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from counterpoint.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

DEVELOPMENT_SECRET_KEY = "django-insecure-counterpoint-development-only"
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=true for development."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "counterpoint",
    "comparisons",
    "annotations",
    "essays",
    "notifications",
    "lti_tool",
    "lti",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above sessions: LTI sessions' cookies go out SameSite=None; Secure (lti/middleware.py).
    "lti.middleware.LtiCookies",
    "counterpoint.lib.dbdown.DatabaseDownMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "counterpoint.lib.nul.StripNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Below CSP and X-Frame-Options: lets registered LMSs frame LTI sessions' pages.
    "lti.middleware.LtiFraming",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "counterpoint.urls"
WSGI_APPLICATION = "counterpoint.wsgi.application"

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
                "counterpoint.context_processors.navigation",
                "annotations.context_processors.moderation",
                "notifications.context_processors.inbox",
            ],
        },
    },
]

# SQLite needs no setup; DATABASE_URL=postgres://... switches to PostgreSQL (psycopg 3).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "counterpoint.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "counterpoint.backends.UserBackend",  # ModelBackend, its user lookup kept compiled
    # Only for sessions signed in before UserBackend (counterpoint/backends.py); it can go
    # once those have expired (SESSION_COOKIE_AGE after the release that added it).
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The cache holds rate-limit counters, so it must be shared by every app server: Redis when
# REDIS_URL is set, otherwise a table in the database (`manage.py createcachetable`).
# `fragments` keeps rendered cards (annotations.fragments): in Redis beside the rest when
# there is one, shared by every worker and server; otherwise in each worker's memory, never
# in the database table (a query to save a render would save nothing). Its keys are digests
# of what a card shows, so an unshared copy is as correct, only less reused.
# CACHE_KEY_PREFIX lets several deployments (or benchmarks) share one Redis.
REDIS_URL = env_str("REDIS_URL")
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        },
        "fragments": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{CACHE_KEY_PREFIX}f",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "counterpoint_cache",
        },
        "fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "fragments",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }

# Sessions live in the database so that any app server can answer any request. Every request
# reads its session, so with Redis they are also kept in the shared cache in front of the
# database (counterpoint/lib/sessions.py: Django's `cached_db`, read from Redis, written to
# both, a logout ends both), which takes a query off every request; without Redis the cache
# is a database table, where that would only add writes, so they are read from the database.
SESSION_ENGINE = "counterpoint.lib.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"

# Annotations and replies one person may post per minute.
ANNOTATION_RATE_LIMIT = env_int("ANNOTATION_RATE_LIMIT", 30)
# Co-teacher invitations one teacher may send per hour (each names an e-mail address).
COTEACHER_INVITE_RATE_LIMIT = env_int("COTEACHER_INVITE_RATE_LIMIT", 10)
# Joining a class: attempts per minute per person, and per network address (a class of 40
# joining at once from one school address must get through).
JOIN_RATE_LIMIT_PER_PERSON = env_int("JOIN_RATE_LIMIT_PER_PERSON", 10)
JOIN_RATE_LIMIT_PER_ADDRESS = env_int("JOIN_RATE_LIMIT_PER_ADDRESS", 200)
# Comparisons (written or imported) one person may create per minute.
COMPARISON_RATE_LIMIT = env_int("COMPARISON_RATE_LIMIT", 10)

# Other writes one person may make, as (how many, per seconds, what they are told); counted
# by counterpoint.lib.ratelimit.check in the services, so a page and the API share a limit.
_WAIT = "Wait a minute, then try again."
RATE_LIMITS = {
    "link": (30, 60, f"You are linking notes very quickly. {_WAIT}"),
    "flag": (10, 60, f"You have flagged a lot of notes in the last minute. {_WAIT}"),
    "helpful": (60, 60, f"You are marking notes as helpful very quickly. {_WAIT}"),
    "outline": (10, 60, f"You are making outlines very quickly. {_WAIT}"),
    # Each kind of import (a Markdown comparison, checked or created; a W3C annotation file)
    # costs up to a second of work, so a person may send only a few a minute.
    "import": (10, 60, f"You are importing very quickly. {_WAIT}"),
    # Annotations created by W3C import, apart from the posting limit (which would allow only
    # 30): one full import (500, w3c.MAX_IMPORT_ITEMS) an hour.
    "imported_annotations": (
        env_int("ANNOTATION_IMPORT_LIMIT", 500),
        3600,
        "You have imported as many annotations as you may in one hour.",
    ),
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            # WhiteNoise's (hashed names, gzip and Brotli) serving our CSS and JS without
            # their comments (counterpoint/lib/static_trim.py).
            else "counterpoint.lib.static_trim.TrimmedStaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Links in e-mail (the daily digest) start with this; a deployment sets its own address.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Counterpoint <noreply@counterpoint.invalid>")

# A join code stays valid this long after it was made; rotating makes a fresh one.
JOIN_CODE_LIFETIME_DAYS = env_int("JOIN_CODE_LIFETIME_DAYS", 60)
COTEACHER_INVITATION_LIFETIME_DAYS = env_int("COTEACHER_INVITATION_LIFETIME_DAYS", 30)

# Largest Markdown or text article the importer accepts; a web page may be 3 times this and a
# Word document 5 times (comparisons.converters.max_bytes_for). Request bodies may be larger
# than Django's default, so that a too-long pasted article (or the HTML of pasted rich text)
# reaches the importer and gets its clear message instead of a bare 400.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 1_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(10_000_000, IMPORT_MAX_BYTES * 4)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON nested too deeply is a 400, not a RecursionError (counterpoint.lib.safejson).
    "DEFAULT_PARSER_CLASSES": [
        "counterpoint.lib.safejson.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "counterpoint.lib.ratelimit.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Counterpoint API",
    "DESCRIPTION": "Classes, comparisons, annotations and essay outlines, scoped to your classes.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/static/vendor/swagger-ui/favicon-32x32.png",
    # Deep links put a link inside each operation's toggle button (nested controls: a
    # keyboard and screen reader trap, WCAG 4.1.2); the docs read fine without them.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    # Three choice sets are called "kind" (an annotation's, a notification's, a judgement's):
    # each keeps a name of its own.
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "annotations.models.Annotation.Kind",  # the name it always had
        "NotificationKindEnum": "notifications.models.Notification.Kind",
        "JudgementKindEnum": "essays.builder.types.KINDS",
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The CSRF token reaches htmx through hx-headers on <body>; no script reads the cookie.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy (django-csp 4): our own files only. No inline script or style
# anywhere, the Swagger UI page included (see templates/drf_spectacular/swagger_ui.html).
# Images may be data: URIs (Swagger UI's icons are SVG data URIs in its stylesheet).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Login throttling (django-axes): five failed logins for one account from one address lock
# that pair out for 15 minutes; attempts are rows in the database, shared by every app
# server. The login form's field is called "username" although it holds the e-mail.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)  # templates/registration/lockout.html says so
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# Each further failure during a lockout does not restart the 15 minutes: the page's promise
# ("try again in 15 minutes") stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# Password spraying: one address failing for many accounts. Besides the five per account and
# address above, 100 failures from one address within the cool-off, whatever the accounts,
# lock that address out too (counterpoint/lib/logins.py says why not axes' plain
# "ip_address" parameter: a school shares one address).
AXES_HANDLER = "counterpoint.lib.logins.AddressAwareHandler"
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 100)
# No record of every successful login (who, when, from where): only failures are counted.
AXES_DISABLE_ACCESS_LOG = True

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind a TLS-terminating proxy (nginx, a load balancer) that sets this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Error reports hide every form value and traceback variable (students' writing), not only
# passwords: see counterpoint/lib/reporting.py.
DEFAULT_EXCEPTION_REPORTER_FILTER = "counterpoint.lib.reporting.PrivateExceptionReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes logs every login at INFO; its warnings (lockouts) are the ones that matter.
    # SQL at DEBUG would put students' words in the logs (query parameters).
    "loggers": {"axes": {"level": "WARNING"}, "django.db.backends": {"level": "INFO"}},
}
