"""Django settings for misper.

Everything that differs between a laptop demo and a production force is read from the environment:

- ``DATABASE_URL``: PostgreSQL in production (``postgres://…``); the embedded default is SQLite under ``var/``.
- ``MISPER_ENV``: ``demo`` (default: demo users and their printed password allowed) or ``production``.
- ``MISPER_SECRET_KEY``: required in production: at least 50 random characters, not a well-known value.

In production, misper refuses to start (``ImproperlyConfigured``, from any command or server) with debug on
or an unfit secret key (``misper/config/production.py``); it sends HSTS and sets its cookies Secure,
HttpOnly and SameSite=Lax.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from misper.config.production import production_refusals

BASE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("MISPER_VAR_DIR", REPO_DIR / "var"))

MISPER_ENV = os.environ.get("MISPER_ENV", "demo")
DEMO_MODE = MISPER_ENV != "production"
DEBUG = os.environ.get("MISPER_DEBUG", "0") == "1"

if DEMO_MODE:
    SECRET_KEY = os.environ.get("MISPER_SECRET_KEY", "misper-demo-only-not-secret")
else:
    SECRET_KEY = os.environ.get("MISPER_SECRET_KEY", "")
    _REFUSALS = production_refusals(debug=DEBUG, secret_key=SECRET_KEY)
    if _REFUSALS:
        raise ImproperlyConfigured("misper refuses to start in production: " + "; ".join(_REFUSALS) + ".")

ALLOWED_HOSTS = [
    h for h in os.environ.get("MISPER_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]

# One cache for every server process (gunicorn runs several): Django's database cache, table created by
# misper/web/migrations/0001_cache_table.py. Used for the feedback form's rate limit.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "misper_cache",
    }
}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "misper.accounts",
    "misper.people",
    "misper.episodes",
    "misper.incidents",
    "misper.partners",
    "misper.notifications",
    "misper.audit",
    "misper.analytics",
    "misper.learning",
    "misper.national",
    "misper.demo",
    "misper.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # English or Welsh for a page: the language cookie (the header's "Cymraeg" / "English" link), else the
    # browser's Accept-Language, else English. The API always answers in English.
    "misper.web.middleware.PageLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sets request.user.is_verified(): True only after django_otp.login (the code step of sign-in).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "misper.web.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "misper.config.urls"
WSGI_APPLICATION = "misper.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "misper.web.context_processors.service",
                "misper.web.context_processors.language",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'misper.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite),
        conn_max_age=int(os.environ.get("MISPER_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs seconds on the dashboard's aggregate queries and gains nothing on OLTP paths.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the alert worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/sign-in"
LOGIN_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

TIME_ZONE = "Europe/London"  # shown to people; everything is stored in UTC
USE_TZ = True

# English and Welsh (issue 19): Welsh forces and councils must offer their services in Welsh. The Welsh
# catalogue is misper/locale/cy/LC_MESSAGES/django.po, compiled by `misper compilecatalogue` (pure Python,
# no GNU gettext needed: misper/web/catalogue.py); dates and numbers follow Django's formats for each.
USE_I18N = True
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The choice made with the header's language link, kept a year, signed in or not.
LANGUAGE_COOKIE_NAME = "misper_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEMO_MODE

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from finders in demo mode
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60  # absolute limit: one shift
SESSION_COOKIE_SECURE = not DEMO_MODE
CSRF_COOKIE_SECURE = not DEMO_MODE
CSRF_COOKIE_HTTPONLY = True  # forms carry the token in a hidden field; no script reads the cookie
CSRF_COOKIE_SAMESITE = "Lax"
if not DEMO_MODE:
    # Browsers keep to HTTPS for a year. Django sends the header on HTTPS requests only: behind a proxy
    # that ends TLS, set MISPER_PROXY_SSL_HEADER=1 so its X-Forwarded-Proto: https is believed.
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = os.environ.get("MISPER_SSL_REDIRECT", "0") == "1"
if os.environ.get("MISPER_PROXY_SSL_HEADER", "0") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MISPER_LOG_LEVEL", "WARNING")},
}

# misper's own settings -------------------------------------------------------
MISPER_SERVICE_NAME = "misper"
MISPER_RISK_POLICY = os.environ.get("MISPER_RISK_POLICY", "national")
# Map tiles for the places maps, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png (empty: no map, the
# plain list of places only). The tile server's origin is added to the Content-Security-Policy img-src.
MISPER_MAP_TILES = os.environ.get("MISPER_MAP_TILES", "")
MISPER_MAP_ATTRIBUTION = os.environ.get("MISPER_MAP_ATTRIBUTION", "© OpenStreetMap contributors")
MISPER_DEMO_PASSWORD = "demo-misper-2026"

# Alerts (misper.partners): e-mail by SMTP, signed webhooks, escalation -------
# Django 6.1's MAILERS replaces EMAIL_BACKEND/EMAIL_HOST/EMAIL_PORT (deprecated); same SMTP backend.
if DEMO_MODE and "MISPER_SMTP_HOST" not in os.environ:
    # A demo has no mail server: alert e-mails are written as files under var/mail for people to read.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("MISPER_SMTP_HOST", "localhost"),
                "port": int(os.environ.get("MISPER_SMTP_PORT", "25")),
                "timeout": 10,
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("MISPER_ALERT_FROM", "misper alerts <alerts@misper.invalid>")
# Webhook hosts that may resolve to private, loopback or link-local addresses (names, IPs or networks).
_WEBHOOK_ALLOWLIST_DEFAULT = "127.0.0.1,localhost,::1" if DEMO_MODE else ""
MISPER_WEBHOOK_ALLOWLIST = [
    h.strip()
    for h in os.environ.get("MISPER_WEBHOOK_ALLOWLIST", _WEBHOOK_ALLOWLIST_DEFAULT).split(",")
    if h.strip()
]
MISPER_ESCALATE_AFTER_MINUTES = int(os.environ.get("MISPER_ESCALATE_AFTER_MINUTES", "30"))
# How long a worker's claim on an alert lasts: a killed worker's alerts are retried after this.
MISPER_ALERT_LEASE_SECONDS = int(os.environ.get("MISPER_ALERT_LEASE_SECONDS", "60"))

# Trust (issue 7): second factor, session limits, sign-in lockout, retention -----------------------
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
# After auth and OTPMiddleware: ends idle sessions, sessions of users who were disabled or lost their
# agency, and sessions signed in without the second factor their user needs.
MIDDLEWARE += [
    "misper.web.middleware.SessionPolicyMiddleware",
    "misper.audit.middleware.RevealedChildrenAccessLogMiddleware",
]
MISPER_SESSION_IDLE_SECONDS = int(os.environ.get("MISPER_SESSION_IDLE_SECONDS", str(30 * 60)))
MISPER_SIGNIN_MAX_FAILURES = 5  # per username; then locked for MISPER_SIGNIN_LOCK_MINUTES
# Per client address (password spraying: a few tries at each of many usernames from one place). Higher
# than per username: a force's staff may share one address behind its proxy.
MISPER_SIGNIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("MISPER_SIGNIN_MAX_FAILURES_PER_ADDRESS", "20"))
MISPER_SIGNIN_LOCK_MINUTES = 15
# Where the client's address comes from: REMOTE_ADDR (the default, right when nothing sits in front of
# misper). Behind a reverse proxy, name the header it sets, e.g. "X-Forwarded-For": the address that proxy
# appended (the last one) is used; never set this unless every request passes through that proxy.
MISPER_CLIENT_ADDRESS_HEADER = os.environ.get("MISPER_CLIENT_ADDRESS_HEADER", "")
# API bearer tokens expire this many days after they are made (misper token USERNAME).
MISPER_API_TOKEN_DAYS = int(os.environ.get("MISPER_API_TOKEN_DAYS", "90"))
OTP_TOTP_ISSUER = "misper"
# A one-time enrolment grant (misper accounts reset-2fa) lets an account with no authenticator set one
# up at its next sign-in, for this many hours.
MISPER_ENROLMENT_GRANT_HOURS = int(os.environ.get("MISPER_ENROLMENT_GRANT_HOURS", "72"))
# Review dates by record type (force policy; the defaults follow the MoPI review periods in the College
# of Policing APP on information management: a record is reviewed, then retained or disposed of).
MISPER_RETENTION = {"episode": {"years_after_closure": 6}}

# The access log's sealing (misper/audit/keys.py, sealer.py, checkpoints.py; docs/trust.md "Access log").
MISPER_AUDIT_KEY = os.environ.get("MISPER_AUDIT_KEY", "")  # "<key id>:<secret>", the current key
MISPER_AUDIT_KEY_FILE = os.environ.get("MISPER_AUDIT_KEY_FILE", "")  # older keys too, one per line
if not DEMO_MODE and not (MISPER_AUDIT_KEY or MISPER_AUDIT_KEY_FILE):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "misper will not start in production without an access log key: set MISPER_AUDIT_KEY or "
        "MISPER_AUDIT_KEY_FILE (see docs/trust.md, 'Access log')."
    )
# Where checkpoints go: "file:<path>" (append-only file, the default) or "syslog" / "syslog:<host>:<port>".
MISPER_AUDIT_CHECKPOINTS = os.environ.get(
    "MISPER_AUDIT_CHECKPOINTS", f"file:{VAR_DIR / 'audit-checkpoints.log'}"
)
MISPER_AUDIT_CHECKPOINT_SECONDS = int(os.environ.get("MISPER_AUDIT_CHECKPOINT_SECONDS", "10"))
MISPER_AUDIT_UNSEALED_ALARM_SECONDS = int(os.environ.get("MISPER_AUDIT_UNSEALED_ALARM_SECONDS", "60"))
# Backups: a Fernet key (or a file holding one per line, newest last) encrypts backup files.
MISPER_BACKUP_KEY = os.environ.get("MISPER_BACKUP_KEY", "")
MISPER_BACKUP_KEY_FILE = os.environ.get("MISPER_BACKUP_KEY_FILE", "")

# Single sign-on (issue 19): OpenID Connect per agency, configured with `misper sso set` (README). The
# provider, client and group mapping are rows (IdentityProvider); these are mozilla-django-oidc's global
# switches. The password backend comes first; the OIDC backend acts only for the callback view.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "misper.accounts.sso.backend.AgencyOIDCBackend",
]
OIDC_AUTHENTICATION_CALLBACK_URL = "sign-in-sso-callback"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_TIMEOUT = int(os.environ.get("MISPER_OIDC_TIMEOUT", "10"))
OIDC_MAX_STATES = 10
