"""Database helpers: the UTC column type and the one transaction boundary."""
from contextlib import contextmanager

from flask import g
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

from app.core.time import UTC
from app.extensions import db


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC in Python on every backend.

    PostgreSQL keeps `timestamptz`; SQLite stores text without an offset, so values
    are converted to UTC on the way in and marked UTC on the way out. Naive values
    are refused so that local times never slip in unconverted.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def after_commit(callback):
    """Queue a side effect (broadcast, job) to run only once the transaction commits."""
    g.setdefault("_after_commit", []).append(callback)


@contextmanager
def transaction():
    """The unit of work for one entrypoint call: commit on success, roll back on error.

    Side effects queued with `after_commit` run after the commit, never after a
    rollback, so nobody is ever shown a change that did not happen.
    """
    g._after_commit = []
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        g._after_commit = []
        raise
    callbacks, g._after_commit = g._after_commit, []
    for callback in callbacks:
        callback()
