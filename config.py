"""Configuration from the environment (a `.env` file is read when present).

Every setting has a safe default for a laptop: SQLite in `instance/`, no Redis,
eventlet. Production sets DATABASE_URL (PostgreSQL, psycopg 3), REDIS_URL and
SECRET_KEY.
"""
import os
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(BASE_DIR / ".env")


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url):
    """Accept the common `postgres://` and `postgresql://` spellings and use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def own_or_public_address(environ):
    """Where residents reach this Dais: PUBLIC_BASE_URL when it is set, else the server's own HOST:PORT."""
    public = (environ.get("PUBLIC_BASE_URL") or "").strip().rstrip("/")
    if public:
        return public
    host = environ.get("HOST") or "127.0.0.1"
    if host in ("0.0.0.0", "::"):  # listening everywhere: knock on the loopback
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{environ.get('PORT') or '5000'}"


def message_queue_channel(chosen, redis_url):
    """The Redis pub/sub channel this installation's processes share: SOCKETIO_CHANNEL, or
    one named after REDIS_URL's database number. Pub/sub ignores the database number, so
    without this a staging copy on redis://…/1 would broadcast into production's /0."""
    if (chosen or "").strip():
        return chosen.strip()
    path = urlsplit(redis_url or "").path.strip("/")
    return f"dais-db{path if path.isdigit() else 0}"


class Config:
    INSTANCE_DIR = Path(os.environ.get("DAIS_INSTANCE_DIR", BASE_DIR / "instance"))
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'dais.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Unset: a random key made once and kept in INSTANCE_DIR (app/core/secret_key.py).
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Unset: named after REDIS_URL's database number (message_queue_channel).
    SOCKETIO_CHANNEL = os.environ.get("SOCKETIO_CHANNEL") or None
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")
    # Unset, it is the server's own HOST:PORT, so `make run PORT=8080` links and
    # accepts live connections on 8080.
    PUBLIC_BASE_URL = own_or_public_address(os.environ)

    # Attachments: staff reports and exhibits, stored by SHA-256 under UPLOAD_DIR.
    UPLOAD_DIR = Path(os.environ.get("UPLOAD_DIR", INSTANCE_DIR / "uploads"))
    MAX_ATTACHMENT_BYTES = int(os.environ.get("MAX_ATTACHMENT_BYTES", 25 * 1024 * 1024))
    # The request cap leaves room for the multipart envelope around the file.
    MAX_CONTENT_LENGTH = MAX_ATTACHMENT_BYTES + 1024 * 1024

    # Cookies are always HttpOnly and SameSite=Lax. Secure follows PUBLIC_BASE_URL
    # (https -> Secure) unless SESSION_COOKIE_SECURE says otherwise; the choice is
    # made in app.core.security so create_app(PUBLIC_BASE_URL=...) is honoured too.
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", None)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Number of reverse proxies in front of Dais whose X-Forwarded-* headers are
    # trusted (0: none). Login throttling keys on the client address, so behind a
    # proxy this must be set or every visitor shares one limit.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead of a wall-clock hour
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    # A counter per window: joins per address take their place with one atomic
    # increment and give it back with a decrement (app/live/sockets.py), which only a
    # fixed window's counter allows.
    RATELIMIT_STRATEGY = "fixed-window"
    # Redis down: limits are counted per process in memory until it is back, rather than
    # every sign-in failing with an error.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    # Sign-in attempts per client address (Flask-Limiter syntax, ";" separates limits).
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute; 50 per hour")

    BABEL_DEFAULT_LOCALE = "en"
    # The language the body's documents are written in (agenda, reports, minutes, their
    # PDFs), whatever the page's: app/core/languages.py. Empty: BABEL_DEFAULT_LOCALE.
    PACKET_LANGUAGE = os.environ.get("PACKET_LANGUAGE", "")
    LANGUAGES = ("en", "es")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "app" / "translations")
    PAGE_SIZE = 20
    # Where packet builds run: "huey" (the worker process), "inline" or "off".
    PACKET_QUEUE = os.environ.get("PACKET_QUEUE", "huey")
    # Residents' joins and leaves reach the room once they pause for QUIET seconds, and
    # at most MAX_DELAY seconds after the first (docs/live.md); 0 sends each at once.
    LIVE_RESIDENT_BROADCAST_QUIET = float(os.environ.get("LIVE_RESIDENT_BROADCAST_QUIET", "0.25"))
    LIVE_RESIDENT_BROADCAST_MAX_DELAY = float(os.environ.get("LIVE_RESIDENT_BROADCAST_MAX_DELAY", "2"))
    # Without REDIS_URL, how often each web process sends states changed by other
    # processes (the worker's remote-access watcher); 0 turns it off.
    LIVE_CATCH_UP_SECONDS = float(os.environ.get("LIVE_CATCH_UP_SECONDS", "2"))
    # Joins to one meeting's queue from one client address, across all its connections
    # (and all processes, with Redis): one person cannot fill the queue by reconnecting.
    # Flask-Limiter syntax, ";" separates limits, empty turns it off. Residents behind
    # one address (a library, a mobile carrier's NAT) share it, hence a generous figure.
    LIVE_JOINS_PER_ADDRESS = os.environ.get("LIVE_JOINS_PER_ADDRESS", "30 per minute")
    # A phone that loses its signal mid-meeting keeps its socket open with nothing
    # arriving; each side notices only when a ping goes unanswered. Socket.IO's defaults
    # (25 s + 20 s) left a resident reading "Connected" for most of a minute while they
    # missed "you are next"; these make it at most about 20 s. A ping is a few bytes.
    LIVE_PING_INTERVAL = float(os.environ.get("LIVE_PING_INTERVAL", "10"))
    LIVE_PING_TIMEOUT = float(os.environ.get("LIVE_PING_TIMEOUT", "10"))

    # The remote-access watcher, run by the packet worker (app/minutes/access_watcher.py):
    # while a meeting sits, every INTERVAL seconds it checks that a resident could reach
    # public comment at REMOTE_ACCESS_WATCH_URL, records remote access down after FAILURES
    # failed checks in a row and restored when they pass again. REMOTE_ACCESS_WATCH=0 turns it off.
    REMOTE_ACCESS_WATCH = _bool("REMOTE_ACCESS_WATCH", True)
    REMOTE_ACCESS_WATCH_URL = own_or_public_address(os.environ)
    REMOTE_ACCESS_WATCH_INTERVAL = float(os.environ.get("REMOTE_ACCESS_WATCH_INTERVAL", "20"))
    REMOTE_ACCESS_WATCH_FAILURES = int(os.environ.get("REMOTE_ACCESS_WATCH_FAILURES", "2"))
    REMOTE_ACCESS_WATCH_TIMEOUT = float(os.environ.get("REMOTE_ACCESS_WATCH_TIMEOUT", "5"))


class TestConfig(Config):
    TESTING = True
    LIVE_CATCH_UP_SECONDS = 0  # one thread per test app otherwise; tests call catch_up() directly
    # Residents' changes are sent at once, in the caller's thread: a deferred send runs in a
    # thread of its own that may still be reading when the test's teardown empties the
    # tables (a deadlock on PostgreSQL). The test of the deferral sets its own.
    LIVE_RESIDENT_BROADCAST_QUIET = 0
    LIVE_JOINS_PER_ADDRESS = ""  # every test client shares one address; the limit's own test sets it
    PACKET_QUEUE = "off"
    SECRET_KEY = "test-secret-key-of-dais"
    SOCKETIO_ASYNC_MODE = "threading"
    RATELIMIT_STORAGE_URI = "memory://"
