"""Settings that stop Dais at start-up, with the reason and the fix in one line
(`wsgi.py` prints it and exits), instead of a traceback ending in "No such command"."""
from urllib.parse import urlsplit

SUPPORTED_DATABASES = ("postgresql", "sqlite")


class StartupError(RuntimeError):
    pass


class UnsupportedDatabase(StartupError):
    pass


def check_database_url(url):
    """Dais is built and tested on PostgreSQL (production) and SQLite (the embedded default)."""
    scheme = urlsplit(url).scheme.split("+", 1)[0]
    if scheme not in SUPPORTED_DATABASES:
        raise UnsupportedDatabase(
            f"DATABASE_URL is a {scheme or 'malformed'} address; Dais runs on PostgreSQL "
            "(postgresql://user:password@host/database) or SQLite (sqlite:////path/to/file.sqlite3).")
    return url
