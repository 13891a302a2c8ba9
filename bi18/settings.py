"""Settings for BI18 Familieindsats.

Everything that differs between a laptop and production comes from the
environment (README lists every variable). Without any variables set the app
runs for development only if DEBUG=true; with DEBUG off a real SECRET_KEY and
the CPR keys are required, and `manage.py check --deploy` is clean.
"""

import base64
import hashlib
import ipaddress
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105


def _derived_dev_key(purpose: str) -> bytes:
    # Development fallback only: a stable key derived from the (dev) secret key.
    return hashlib.sha256(f"{purpose}:{SECRET_KEY}".encode()).digest()


# Keyed hash for exact CPR search; Fernet key for the CPR number at rest.
CPR_HASH_KEY = env.str("CPR_HASH_KEY", default="")
CPR_ENCRYPTION_KEY = env.str("CPR_ENCRYPTION_KEY", default="")
if not (CPR_HASH_KEY and CPR_ENCRYPTION_KEY):
    if not DEBUG:
        raise ImproperlyConfigured(
            "CPR_HASH_KEY and CPR_ENCRYPTION_KEY must be set when DEBUG is off."
        )
    CPR_HASH_KEY = CPR_HASH_KEY or base64.b64encode(_derived_dev_key("cpr-hash")).decode()
    CPR_ENCRYPTION_KEY = (
        CPR_ENCRYPTION_KEY or base64.urlsafe_b64encode(_derived_dev_key("cpr-encryption")).decode()
    )

# Keyed pseudonyms of the evaluation extract (issue 15): stable as long as this key is.
# By default derived from CPR_HASH_KEY (which must never change either); set it to give
# an evaluator pseudonyms that cannot be linked to another extract's.
EVALUATION_PSEUDONYM_KEY = (
    env.str("EVALUATION_PSEUDONYM_KEY", default="")
    or hashlib.sha256(f"evaluation-pseudonym:{CPR_HASH_KEY}".encode()).hexdigest()
)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, e.g.
# "10.0.0.5,10.1.0.0/16"). Empty: the header is ignored and the connecting address is
# the client's. Anyone else can write the header, so it is never trusted from them.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network."
        ) from None

INSTALLED_APPS = [
    # First: its runserver serves HTTP and WebSockets (ASGI) in development.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "channels",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "bi18.audit",
    "bi18.accounts",
    "bi18.outbox",
    "families",
    "families.history",
    "families.consent",
    "families.retention",
    "families.custody",
    "families.records",
    "families.insight",
    "families.worklist",
    "networkgroup",
    "employment",
    "youth",
    "budget",
    "budget.evaluation",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bi18.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bi18.accounts.middleware.DanishByDefaultLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bi18.accounts.middleware.SessionTimeoutMiddleware",
    "families.custody.middleware.CprKeyCheckMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After OTPMiddleware: a local log-in that needs a second factor reaches nothing else.
    "bi18.accounts.twofactor.middleware.SecondFactorMiddleware",
    "bi18.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bi18.urls"

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
                "django.template.context_processors.i18n",
                "bi18.accounts.context_processors.navigation",
            ],
            # Template tags of the shared building blocks (bi18/lib is no app of its own).
            "libraries": {"sorting": "bi18.lib.sorting", "fixed_urls": "bi18.lib.fixed_urls"},
        },
    },
]

WSGI_APPLICATION = "bi18.wsgi.application"
# WebSockets (live meeting mode, issue 14) are served by the ASGI application; README
# "Production" runs it under uvicorn beside gunicorn (HTTP stays on gunicorn).
ASGI_APPLICATION = "bi18.asgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections: a new PostgreSQL connection per request costs ~10x throughput.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The live sockets' database calls keep their one connection per ASGI process this long,
    # also where CONN_MAX_AGE is 0 (networkgroup.live.db).
    LIVE_CONN_MAX_AGE = env.int("LIVE_CONN_MAX_AGE", default=60)
    # Behind PgBouncer in transaction mode a connection is not ours between transactions:
    # no server-side cursors (README "Scaling out").
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "PGBOUNCER_TRANSACTION_MODE", default=False
    )
# The few fixed statements of every request (session, roles, scope) as prepared statements,
# planned once per connection (bi18.lib.prepared); not behind PgBouncer in transaction mode.
PREPARED_STATEMENTS = not env.bool("PGBOUNCER_TRANSACTION_MODE", default=False)
if PREPARED_STATEMENTS and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg prepares nothing while this is None (Django's default). Only cursors with
    # server-side binding prepare, i.e. bi18.lib.prepared's: Django's own bind client-side.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# --- Single sign-on: OpenID Connect (authorization code + PKCE, state, nonce) via Authlib.
# Off while OIDC_DISCOVERY_URL is empty. README "Single sign-on" has the Entra ID / AD FS recipe.
OIDC_DISCOVERY_URL = env.str("OIDC_DISCOVERY_URL", default="")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_SCOPES = env.str("OIDC_SCOPES", default="openid profile email")
# {"group or app-role value in the claim": "role" or ["role", ...]}; roles as in accounts/roles.py.
OIDC_ROLE_MAP = env.json("OIDC_ROLE_MAP", default={})
OIDC_GROUPS_CLAIM = env.str("OIDC_GROUPS_CLAIM", default="groups")
OIDC_SUBJECT_CLAIM = env.str("OIDC_SUBJECT_CLAIM", default="sub")
OIDC_USERNAME_CLAIM = env.str("OIDC_USERNAME_CLAIM", default="preferred_username")
# Empty: the translated default, "Log ind med Københavns Kommune".
OIDC_BUTTON_TEXT = env.str("OIDC_BUTTON_TEXT", default="")
# On a first sign-in, take over the local account whose user name equals the username claim
# (moving a pilot from local accounts to SSO). Only with a claim the municipality controls.
OIDC_LINK_EXISTING_USERS = env.bool("OIDC_LINK_EXISTING_USERS", default=False)
OIDC_CLOCK_SKEW_SECONDS = env.int("OIDC_CLOCK_SKEW_SECONDS", default=60)
OIDC_TIMEOUT_SECONDS = env.int("OIDC_TIMEOUT_SECONDS", default=10)

# Who may log in with a local password: "all", "admins" (break-glass administrators) or "off".
LOCAL_LOGIN = env.str("LOCAL_LOGIN", default="admins" if OIDC_DISCOVERY_URL else "all")
if LOCAL_LOGIN not in ("all", "admins", "off"):
    raise ImproperlyConfigured("LOCAL_LOGIN must be one of: all, admins, off.")

# --- Two-factor for local log-ins (django-otp: TOTP app + recovery codes). Turning it off is
# for development only; settings_test turns it off for tests that do not log in through the form.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
if not TWO_FACTOR_REQUIRED and not DEBUG:
    raise ImproperlyConfigured("TWO_FACTOR_REQUIRED=false is allowed only with DEBUG=true.")
OTP_TOTP_ISSUER = "BI18 Familieindsats"
RECOVERY_CODE_COUNT = 10

# --- Self-service password reset by e-mail (local accounts): link valid this long; rate limits.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_MINUTES", default=60) * 60
PASSWORD_RESET_RATE_PER_ADDRESS = env.str("PASSWORD_RESET_RATE_PER_ADDRESS", default="3/h")
PASSWORD_RESET_RATE_PER_IP = env.str("PASSWORD_RESET_RATE_PER_IP", default="20/h")

# --- Sessions (SPEC §8): 30 min idle, 12 h absolute, ended server-side at log-out.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=12))
# Database sessions that know their user, so that deactivation can delete them.
SESSION_ENGINE = "bi18.accounts.sessions"
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Lock-out after 3 failed log-ins in a row (django-axes).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=3)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The same client address as the audit log (X-Forwarded-For only from TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "bi18.audit.context.client_ip"
# A CPR number typed as the user name is stored pseudonymised, never in clear.
AXES_USERNAME_CALLABLE = "bi18.accounts.lockout.axes_username"
# A wrong second-factor code counts as a failed log-in (bi18.accounts.twofactor); the counter is
# reset only once the second factor is given, not at the password step, so that a stolen password
# does not buy unlimited code guesses.
AXES_RESET_ON_SUCCESS = False
# Axes' default (username, ip_address) kept: the typed user name may be a CPR number.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]
# SPEC §8 locks the *account*. Locking by IP as well (axes.W006) would lock whole
# offices out behind the municipality's NAT; password spraying is answered by the
# 12-character password policy and by the audit log of every failed log-in.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- Security headers; production defaults whenever DEBUG is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers and container health checks probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "bi18.views.csrf_failure"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Language: Danish by default, English selectable (cookie), never Accept-Language.
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Every date field accepts the one set of formats of bi18.lib.dates, in either language.
FORMAT_MODULE_PATH = ["bi18.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# --- Documents (issue 13 §2): encrypted, outside the web root; S3-compatible storage
# (django-storages) when DOCUMENT_S3_BUCKET is set, else a local directory.
DOCUMENT_ROOT = Path(env.str("DOCUMENT_ROOT", default=str(BASE_DIR / "var" / "documents")))
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_MB", default=20) * 1_000_000
DOCUMENT_S3_BUCKET = env.str("DOCUMENT_S3_BUCKET", default="")
if DOCUMENT_S3_BUCKET:
    _documents_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": DOCUMENT_S3_BUCKET,
            "endpoint_url": env.str("DOCUMENT_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("DOCUMENT_S3_REGION", default="") or None,
            "access_key": env.str("DOCUMENT_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("DOCUMENT_S3_SECRET_KEY", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _documents_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # No base_url: documents are never served as files, only through the checked view.
        "OPTIONS": {"location": DOCUMENT_ROOT, "base_url": None, "file_permissions_mode": 0o600},
    }
STORAGES = {
    "documents": _documents_storage,
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Danish prompts instead of Django's "---------" in every select (bi18.lib.forms).
FORM_RENDERER = "bi18.lib.forms.FormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="BI18 Familieindsats <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Redis, cache and Celery. No REDIS_URL: tasks run eagerly in-process.
# A Redis outage must cost a request nothing (issue 9 §3): the cache (only presence uses it)
# gives up after a second and its callers degrade; tasks go through the outbox (bi18/outbox),
# which publishes with short timeouts and keeps what it could not send.
REDIS_URL = env.str("REDIS_URL", default="")


def live_channel_prefix(redis_url: str) -> str:
    """The live notices' channel prefix, naming the Redis database number: pub/sub channels
    belong to the whole Redis server, not to a database, so two deployments on one server
    (a test and a production site, each with its own database number) would otherwise hear
    each other's notices."""
    database = urlsplit(redis_url).path.strip("/") or "0"
    return f"bi18.{database}."


REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # Live updates between the processes that hold the sockets. A notice that cannot be
    # published is dropped (logged): the clients reload what changed when they reconnect.
    CHANNEL_LAYERS = {
        "default": {
            # Redis pub/sub, not channels-redis's core layer (a Redis list per process, one
            # copy of each message per socket, one round trip per message received): a save
            # publishes once per group, each ASGI process receives it once and hands it to
            # its sockets in the group (benchmarks: "Live … pub/sub"). At most once, like
            # the core layer in practice: a notice lost to a Redis restart is caught up by
            # the page's resync when its socket reconnects, and by polling.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                # redis-py's pool (100 by default) fails at once when empty: the saving
                # processes publish from many threads through one loop each.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15, "max_connections": 1000}],
                "prefix": live_channel_prefix(REDIS_URL),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # One process (runserver): the sockets and the saves meet in memory.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# Tasks are acknowledged when they finish, so a worker killed mid-task loses nothing: its
# unacknowledged message goes back to the queue after the visibility timeout. That timeout
# must exceed the longest hard time limit, or Redis would hand a task that is still running
# to a second worker. See README "Background work".
CELERY_TASK_ACKS_LATE = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    # Expired sessions are deleted, not left in the database (and its backups) for good.
    "accounts-clear-expired-sessions": {
        "task": "accounts.clear_expired_sessions",
        "schedule": crontab(minute=7),
    },
    # Tasks recorded while the broker was down are sent as soon as it is back.
    "outbox-drain": {
        "task": "outbox.drain",
        "schedule": timedelta(seconds=30),
        "options": {"expires": 25},
    },
    "audit-purge-expired": {
        "task": "audit.purge_expired",
        "schedule": crontab(hour=2, minute=15),
    },
    # The daily "Mit arbejde" digest (SPEC §7), at a configurable local time.
    "worklist-send-daily-digest": {
        "task": "worklist.send_daily_digest",
        "schedule": crontab(
            hour=env.int("DIGEST_HOUR", default=6), minute=env.int("DIGEST_MINUTE", default=30)
        ),
    },
    # The nightly targets and budget snapshot (SPEC §7), at a configurable local time.
    "budget-compute-snapshot": {
        "task": "budget.compute_snapshot",
        "schedule": crontab(
            hour=env.int("SNAPSHOT_HOUR", default=1), minute=env.int("SNAPSHOT_MINUTE", default=30)
        ),
    },
    # Access of agencies whose consent or legal basis expired ends (issue 13 §3).
    "consent-enforce-lapsed": {
        "task": "consent.enforce_lapsed",
        "schedule": crontab(hour=0, minute=20),
    },
    # Families past retention are listed for the administrators' review (issue 13 §4).
    "retention-list-due": {
        "task": "retention.list_due",
        "schedule": crontab(hour=3, minute=10),
    },
    # The evaluation (issue 15): matching and effect estimates, after the snapshot.
    "evaluation-compute": {
        "task": "evaluation.compute",
        "schedule": crontab(
            hour=env.int("SNAPSHOT_HOUR", default=1),
            minute=(env.int("SNAPSHOT_MINUTE", default=30) + 20) % 60,
        ),
    },
}
# A PDF is rendered in a child process killed after this many seconds (bi18/lib/pdf.py), well
# inside gunicorn's worker timeout (30 s), so one plan cannot block or kill a web worker.
PDF_TIMEOUT_SECONDS = env.float("PDF_TIMEOUT_SECONDS", default=15.0)
# Background work the web app asked for (e.g. "Beregn nu") must start within this, or it is
# marked as failed and can be retried; a running task's heartbeat older than 4 intervals means
# its worker was lost.
TASK_START_LIMIT_MINUTES = env.int("TASK_START_LIMIT_MINUTES", default=10)
TASK_HEARTBEAT_SECONDS = env.int("TASK_HEARTBEAT_SECONDS", default=15)
# Absolute links in e-mails (the digest), e.g. https://bi18.kk.dk
SITE_URL = env.str("SITE_URL", default="")

# --- Pilot rules (bi18/rules.py holds the defaults); JSON in the environment overrides.
BI18_RULES = env.json("BI18_RULES", default={})

# --- Retention of case data (issue 13 §4): years after the family's effort ended
# (status completed or withdrawn) before its personal data is erased after review.
RETENTION_YEARS = env.int("RETENTION_YEARS", default=5)

# --- The read-only API (issue 15 §3): tokens for machine users (knox: stored hashed,
# with an expiry), the session for the browsable docs; managers' and evaluators' scopes.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Rate limits count in the cache; without it they let requests through (bi18/lib).
    "DEFAULT_THROTTLE_CLASSES": ["bi18.lib.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_RATE", default="120/min"),
        "extract": env.str("API_EXTRACT_RATE", default="20/hour"),
    },
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "UNAUTHENTICATED_USER": None,
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_DAYS", default=90)),
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BI18 Familieindsats API",
    "DESCRIPTION": "Read-only: targets over time, budget status, the evaluation's figures and "
    "the pseudonymised evaluation extract. No names, no CPR numbers.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["budget.evaluation.api.permissions.ReadsAggregates"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Audit log retention (SPEC §8, Datatilsynet): default 6 months.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=183)
if AUDIT_RETENTION_DAYS < 30:
    # The database refuses to delete the last 30 days (bi18.audit migration 0004).
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 30.")

# PostgreSQL: the role the app runs as (DATABASE_URL's user in production). Set it where
# `migrate` runs as the owner, and the owner grants it read/write on the app's tables but
# only SELECT/INSERT on the audit log (bi18.audit.dbroles; deploy/postgres/README.md).
DATABASE_APP_ROLE = env.str("DATABASE_APP_ROLE", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_oidc": {"()": "bi18.accounts.sso.logging.RedactAuthorizationResponse"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_oidc"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request lines carry URLs only; CPR numbers never appear in a URL (POST for search).
        "django.request": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # runserver's request lines, through the redacting handler (Django gives them their own).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Authlib logs the PKCE verifier at DEBUG; urllib3 logs request lines.
        "authlib": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
    },
}
