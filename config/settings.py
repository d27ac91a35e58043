"""nuanjia settings: one file, every deployment choice read from the environment.

Each variable is documented in `.env.example`.
"""

import copy
import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NUANJIA_VAR_DIR", BASE_DIR / "var"))
# var/ holds the database, keys, uploads and error sheets: for the server's user alone.
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
if VAR_DIR.stat().st_uid == os.getuid():
    VAR_DIR.chmod(0o700)


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def local_secret(name: str, length: int = 50) -> str:
    """A secret generated once into var/ for the embedded default; production sets the env var."""
    import secrets

    path = VAR_DIR / name
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(length)
    path.touch(mode=0o600)
    path.write_text(value)
    return value


DEBUG = env_flag("NUANJIA_DEBUG", False)
SECRET_KEY = os.environ.get("NUANJIA_SECRET_KEY") or local_secret("secret_key")
ALLOWED_HOSTS = env_list("NUANJIA_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("NUANJIA_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "js_lib_htmx",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "nuanjia.core",
    "nuanjia.orgs",
    "nuanjia.accounts",
    "nuanjia.desk",
    "nuanjia.standards",
    "nuanjia.people",
    "nuanjia.members",
    "nuanjia.hardship",
    "nuanjia.funds",
    "nuanjia.relief",
    "nuanjia.stations",
    "nuanjia.hotline",
    "nuanjia.campaigns",
    "nuanjia.produce",
    "nuanjia.mutualaid",
    "nuanjia.benefits",
    "nuanjia.enterprises",
    "nuanjia.counselling",
    "nuanjia.skills",
    "nuanjia.gigjobs",
    "nuanjia.pioneers",
    "nuanjia.modelworkers",
    "nuanjia.reports",
]

MIDDLEWARE = [
    "nuanjia.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "nuanjia.core.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "nuanjia.accounts.middleware.RequestBodyLimitMiddleware",
    "nuanjia.accounts.middleware.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "nuanjia.core.middleware.PagesLoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "nuanjia.core.middleware.AuditContextMiddleware",
    "nuanjia.core.text.RefuseControlCharactersMiddleware",
    "nuanjia.accounts.middleware.IdleTimeoutMiddleware",
    "nuanjia.accounts.middleware.TwoFactorRequiredMiddleware",
    "nuanjia.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "nuanjia.orgs.context_processors.navigation",
            ],
        },
    },
]

# Database: embedded SQLite by default, PostgreSQL in production (DATABASE_URL).
DEFAULT_SQLITE_PATH = VAR_DIR / "nuanjia.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}",
        conn_max_age=int(os.environ.get("NUANJIA_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at
    # the start of a transaction so concurrent writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The fast paths' statements are prepared on the PostgreSQL server once per connection
# (core.prepared.hot_cursor). Turn off ("0") behind a pooler that cannot keep them
# (PgBouncer before 1.21 in transaction mode).
NUANJIA_DB_PREPARED_STATEMENTS = os.environ.get("NUANJIA_DB_PREPARED_STATEMENTS", "1") != "0"

# Read replica (docs/operations.md "Read replica", ADR 0020): a streaming PostgreSQL replica that
# figures, exports and the audit list read from (core.db_router). The tests run the router on
# a `replica` alias mirroring the test database, unless a real replica is named.
NUANJIA_REPLICA_URL = os.environ.get("NUANJIA_REPLICA_URL", "").strip()
# After a user's write, their reads stay on the primary this many seconds.
NUANJIA_READ_YOUR_WRITES_SECONDS = float(os.environ.get("NUANJIA_READ_YOUR_WRITES_SECONDS") or 5)
# A replica further behind than this many seconds is not read from.
NUANJIA_REPLICA_MAX_LAG = float(os.environ.get("NUANJIA_REPLICA_MAX_LAG") or 30)
if NUANJIA_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        NUANJIA_REPLICA_URL,
        conn_max_age=int(os.environ.get("NUANJIA_DB_CONN_MAX_AGE", "60")),
    )
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 3
    # In tests: the test database of the primary, which streams to the replica like any other.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
elif "pytest" in sys.modules and DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # On PostgreSQL the suite runs with the router on. Not on SQLite: its in-memory test
    # database is shared between threads by one connection, and a mirror alias opens a second
    # one in the live server's threads whose table locks outlive the browser tests.
    DATABASES["replica"] = {**copy.deepcopy(DATABASES["default"]), "TEST": {"MIRROR": "default"}}
if "replica" in DATABASES:
    DATABASE_ROUTERS = ["nuanjia.core.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "nuanjia.core.db_router.ReadYourWritesMiddleware",
    )

AUTH_USER_MODEL = "orgs.Staff"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "desk:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "nuanjia.accounts.passwords.ComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# 等保 level 3 account rules (docs/domain.md "Security").
NUANJIA_LOCKOUT_THRESHOLD = int(os.environ.get("NUANJIA_LOCKOUT_THRESHOLD", "5"))
NUANJIA_LOCKOUT_MINUTES = int(os.environ.get("NUANJIA_LOCKOUT_MINUTES", "15"))
# Failed sign-ins from one address (any user names) before it is refused for the lockout period.
NUANJIA_SIGNIN_FAILURES_PER_ADDRESS = int(
    os.environ.get("NUANJIA_SIGNIN_FAILURES_PER_ADDRESS", "30")
)
NUANJIA_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("NUANJIA_IDLE_MINUTES", "30")))
NUANJIA_API_TOKEN_DAYS = int(os.environ.get("NUANJIA_API_TOKEN_DAYS", "90"))
OTP_TOTP_ISSUER = "nuanjia 暖家"

SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# HTTPS: set NUANJIA_HTTPS=1 behind TLS. HSTS is only ever sent on secure requests.
HTTPS = env_flag("NUANJIA_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_flag("NUANJIA_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
if env_flag("NUANJIA_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies in front of the server that append to X-Forwarded-For (0: none, the client is
# REMOTE_ADDR). The client's address is the entry this many hops from the right: what a client
# writes into the header itself stays to the left and is never believed (core.middleware).
NUANJIA_TRUSTED_PROXIES = max(0, int(os.environ.get("NUANJIA_TRUSTED_PROXIES", "0") or 0))
# The addresses (or networks, "10.0.0.0/24") those proxies connect from. When set, the header is
# read only on a request whose peer is one of them: a client that reaches a node directly
# (past nginx) cannot choose its own address. Empty: any peer (the nodes must be unreachable
# except through the proxies).
NUANJIA_TRUSTED_PROXY_ADDRESSES = env_list("NUANJIA_TRUSTED_PROXY_ADDRESSES")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

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
    },
}

# Language: Simplified Chinese by default, English available; msgids are English.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("NUANJIA_STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploads (import sheets waiting for the task worker, photos, attachments): with several app
# nodes, a directory every node mounts (NFS or the like), since any node's task worker may
# read what another node received (docs/deploy.md).
MEDIA_ROOT = Path(os.environ.get("NUANJIA_MEDIA_ROOT") or VAR_DIR / "media")
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The shared rate-limit counts without Redis (core.ratelimit): a SQLite file of their own.
RATELIMIT_FILE = os.environ.get("NUANJIA_RATELIMIT_FILE", "")
FILE_UPLOAD_PERMISSIONS = 0o600  # photos, attachments and uploads hold personal data
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Request bodies larger than these are refused with 413 before they are read (accounts
# RequestBodyLimitMiddleware): callers not signed in send at most 3 photos of 5 MB and a form;
# staff upload sheets up to the worker import's 400 MB.
NUANJIA_PUBLIC_BODY_MAX_BYTES = int(
    os.environ.get("NUANJIA_PUBLIC_BODY_MAX_BYTES") or 20 * 1024 * 1024
)
NUANJIA_STAFF_BODY_MAX_BYTES = int(
    os.environ.get("NUANJIA_STAFF_BODY_MAX_BYTES") or 420 * 1024 * 1024
)

# Background work (imports, bulk re-assessments, sweeps) runs on a database-backed queue, so the
# embedded default needs no broker; `nuanjia serve` starts a worker beside the web server.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("NUANJIA_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    }
}
# Redis, when configured, also holds the rate limits (core.ratelimit) and the cache versions
# (core.cache); without it those live in var/ratelimit.sqlite3 and the core_cacheversion table.
NUANJIA_REDIS_URL = os.environ.get("NUANJIA_REDIS_URL", "").strip()
if NUANJIA_REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": NUANJIA_REDIS_URL,
    }

# Audit events are chained per city-level union: the chain is the union path's first this-many
# codes (1: one chain per province; 0: one chain for everything, as before chains were split).
AUDIT_CHAIN_DEPTH = int(os.environ.get("NUANJIA_AUDIT_CHAIN_DEPTH", "2"))

# Logs: plain lines, or JSON objects (NUANJIA_LOG_FORMAT=json) for a log collector; each record
# of a request carries its id (the X-Request-ID header answered to the client).
LOG_FORMAT = os.environ.get("NUANJIA_LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "nuanjia.core.request_id.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("NUANJIA_LOG_LEVEL", "WARNING")},
    # Every text message sent, with the number masked (the console backend adds its text, for
    # development: a demo's sign-in codes are read there).
    "loggers": {"nuanjia.sms": {"level": os.environ.get("NUANJIA_SMS_LOG_LEVEL", "INFO")}},
}


def _hotline_limits(text: str) -> dict[str, tuple[int, int]]:
    """Parse 'submit_ip=30/600,submit_phone=5/600' (count per seconds) into a dict."""
    limits = {}
    for part in filter(None, (item.strip() for item in text.split(","))):
        name, _sep, value = part.partition("=")
        count, _slash, seconds = value.partition("/")
        limits[name.strip()] = (int(count), int(seconds or 600))
    return limits


# 12351 hotline: office hours deadlines count in (Asia/Shanghai) and public rate limits (0 turns
# one off).
HOTLINE_OFFICE_HOURS = os.environ.get("NUANJIA_HOTLINE_OFFICE_HOURS", "08:30-17:30")
HOTLINE_RATE_LIMITS = _hotline_limits(os.environ.get("NUANJIA_HOTLINE_LIMITS", ""))

# Text messages, for every app (core.sms): console log by default; nuanjia.core.sms.FileBackend
# writes var/sms.log.
# Prometheus reads /metrics from the machine itself, or anywhere with this bearer token.
NUANJIA_METRICS_TOKEN = os.environ.get("NUANJIA_METRICS_TOKEN", "")

SMS_BACKEND = os.environ.get("NUANJIA_SMS_BACKEND", "nuanjia.core.sms.ConsoleBackend")
# nuanjia.core.sms.HttpGatewayBackend: the gateway's URL, its key and the signature (签名)
# printed in every message.
SMS_HTTP_URL = os.environ.get("NUANJIA_SMS_HTTP_URL", "")
SMS_HTTP_KEY = os.environ.get("NUANJIA_SMS_HTTP_KEY", "")
SMS_SIGN = os.environ.get("NUANJIA_SMS_SIGN", "暖家")

# Rest stations: the address phones reach, printed in the QR signs (default: the address the
# sign was requested on), and an optional tile server (URL template with {z}/{x}/{y}, GCJ-02
# tiles) for small maps; without it every station page works with no map.
STATIONS_PUBLIC_URL = os.environ.get("NUANJIA_STATIONS_PUBLIC_URL", "")
STATIONS_MAP_TILES = os.environ.get("NUANJIA_MAP_TILES", "")
