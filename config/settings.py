"""tongket settings: one file, driven by TONGKET_* environment variables (see README)."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TONGKET_VAR_DIR", BASE_DIR / "var"))
# An office's own Word template for the reports (DOCX, PDF); empty: the default one.
REPORT_TEMPLATE = os.environ.get("TONGKET_REPORT_TEMPLATE", "")


def env_bool(name: str, default: bool = False) -> bool:
    """Reads a yes/no variable; anything but 1/true/yes/on is off."""
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# TONGKET_ENV=production: the settings refuse to start on a demo default that would be unsafe
# on a real server (a key file in var/, debug pages, the loopback host names) and switch on the
# HTTPS protections; `manage.py check --deploy --fail-level WARNING` passes in this mode.
# Messages here are plain Vietnamese text: gettext cannot run before the settings are loaded.
PRODUCTION = os.environ.get("TONGKET_ENV", "").strip().lower() == "production"


def require_env(name: str, why: str) -> str:
    """The variable's value in production; ImproperlyConfigured, naming it, when it is empty."""
    from django.core.exceptions import ImproperlyConfigured

    if value := os.environ.get(name, "").strip():
        return value
    raise ImproperlyConfigured(
        f"TONGKET_ENV=production: chưa đặt biến môi trường {name} ({why}); máy chủ không chạy."
    )


def secret_key() -> str:
    """TONGKET_SECRET_KEY, else a key generated once into var/secret_key (kept across runs);
    in production the variable is required."""
    if PRODUCTION:
        return require_env("TONGKET_SECRET_KEY", "khóa ký bí mật, ít nhất 50 ký tự ngẫu nhiên")
    if key := os.environ.get("TONGKET_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = secret_key()
DEBUG = env_bool("TONGKET_DEBUG")
if PRODUCTION and DEBUG:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "TONGKET_ENV=production: không được bật TONGKET_DEBUG (trang gỡ lỗi lộ dữ liệu)."
    )
if PRODUCTION:
    require_env("TONGKET_ALLOWED_HOSTS", "tên miền của máy chủ, cách nhau bằng dấu phẩy")
ALLOWED_HOSTS = env_list("TONGKET_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("TONGKET_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "tongket.core",
    "tongket.accounts",
    "tongket.registry",
    "tongket.party",
    "tongket.imports",
    "tongket.evaluation",
    "tongket.targets",
    "tongket.outreach",
    "tongket.meetings",
    "tongket.reports",
    "tongket.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tongket.core.middleware.OperationIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tongket.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tongket" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tongket.web.context.shell",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'tongket.sqlite3'}"
DATABASE_URL = os.environ.get("TONGKET_DATABASE_URL", DEFAULT_SQLITE)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE avoids "database is locked" upgrades;
    # foreign keys are switched on by Django's SQLite backend itself.
    # Connections are kept between requests (as for PostgreSQL): a fresh one per request cost
    # the open, the PRAGMAs and a cold page cache each time (issue 7). Safe with gunicorn's
    # sync workers because `tongket serve` closes the master's connections before it forks
    # (run_gunicorn): a SQLite handle must never be carried across a fork. The health check
    # replaces a connection that broke (a deleted or replaced file) instead of failing.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # mmap_size: pages read through the OS page cache without a copy into SQLite's own
        # (1 GiB of address space, not of memory): the review figures of a 13,600-member
        # ward ran ~30% faster on the 1 GB city file (docs/PERFORMANCE.md, issue 7).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000; PRAGMA mmap_size=1073741824;",
    }
else:
    # PostgreSQL's JIT compiles any statement whose estimated cost crosses its threshold; the
    # tree walks' row estimates cross it, and compiling then takes ~0.3 s for a query that runs
    # in milliseconds (docs/PERFORMANCE.md, evaluation tallies). The product runs short queries.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    if test_name := os.environ.get("TONGKET_TEST_DATABASE_NAME"):
        DATABASES["default"]["TEST"] = {"NAME": test_name}
# A PostgreSQL hot standby of the primary: report and analytics reads go there, everything
# else stays on the primary (tongket/core/routers.py, docs/DEPLOY.md). Same options as the
# primary; in tests it mirrors the primary's test database instead of getting its own.
if REPLICA_URL := os.environ.get("TONGKET_REPLICA_URL", ""):
    from django.core.exceptions import ImproperlyConfigured

    DATABASES["replica"] = dj_database_url.parse(REPLICA_URL, conn_max_age=60)
    if not all("postgresql" in DATABASES[alias]["ENGINE"] for alias in ("default", "replica")):
        raise ImproperlyConfigured(
            "TONGKET_REPLICA_URL chỉ dùng với PostgreSQL: cả TONGKET_DATABASE_URL và "
            "TONGKET_REPLICA_URL phải là postgres://…"
        )
    # A replica that does not answer within 5 s is skipped: reports then read the primary.
    DATABASES["replica"]["OPTIONS"] = {**DATABASES["default"]["OPTIONS"], "connect_timeout": 5}
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True  # a restarted replica: reconnect
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["tongket.core.routers.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Computed report figures (tongket/reports/cache.py). A cache in each worker's memory is enough:
# the key carries the data revision read from the database, so a worker never serves a figure
# that another worker's write made stale, and nothing has to be installed beside the product.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "reports": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "tongket-reports",
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}

# --- Passwords, sessions, cookies -----------------------------------------------------------
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
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# TONGKET_HTTPS=1 when the site is served over TLS (production behind a proxy): cookies are then
# sent only over HTTPS, HTTP is redirected and HSTS is set. On by default with
# TONGKET_ENV=production, off otherwise so that the demo and a closed office network on plain
# http keep working; `manage.py check --deploy` reminds you.
HTTPS = env_bool("TONGKET_HTTPS", default=PRODUCTION)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # A load balancer probes the health check over plain http inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Login throttling: after AXES_FAILURE_LIMIT failures for one user name from one address, that
# pair is locked for AXES_COOLOFF_TIME hours; a successful login resets the count.
AXES_FAILURE_LIMIT = int(os.environ.get("TONGKET_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tongket.web.views.lockout"
AXES_VERBOSE = False

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("TONGKET_LANGUAGE", "vi")
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "tongket" / "locale"]
TIME_ZONE = os.environ.get("TONGKET_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "tongket" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# --- Logging: requests and errors to stderr, with the operation id --------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TONGKET_LOG_LEVEL", "WARNING")},
}

API_PAGE_SIZE = 50
NINJA_PAGINATION_PER_PAGE = API_PAGE_SIZE
