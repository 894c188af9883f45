"""Which database the suite runs against, and how to make a fresh one.

DAIS_TEST_DB=sqlite (default) or postgresql. PostgreSQL tests need a server
(TEST_POSTGRES_URL, default the local trust-auth one); with CI=true a missing
server fails the run instead of skipping.
"""
import os
import uuid

import sqlalchemy as sa

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def backend():
    return os.environ.get("DAIS_TEST_DB", "sqlite")


def in_ci():
    return os.environ.get("CI", "").lower() == "true"


def postgres_reachable():
    try:
        engine = sa.create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False


def redis_reachable():
    try:
        import redis

        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
        return True
    except Exception:  # noqa: BLE001
        return False


def create_postgres_database(label):
    """A new empty database named after `label`; returns its URL."""
    name = f"dais_{label}_{uuid.uuid4().hex[:8]}".lower().replace("-", "_")
    engine = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_postgres_database(url):
    name = url.rsplit("/", 1)[1]
    engine = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def fresh_database_url(tmp_dir, label):
    """A new, empty database of the configured backend."""
    if backend() == "postgresql":
        return create_postgres_database(label)
    return f"sqlite:///{tmp_dir}/{label}.sqlite3"
