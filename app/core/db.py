"""Database helpers: the UTC column type and the one transaction boundary."""
from contextlib import contextmanager

from flask import g
import sqlalchemy as sa
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


def tune_sqlite(engine):
    """Give every SQLite connection of `engine` the settings Dais relies on.

    - foreign_keys: SQLite ignores foreign keys (and their ON DELETE rules) unless
      asked, and PostgreSQL always enforces them; the embedded default must behave
      the same.
    - journal_mode=WAL with synchronous=NORMAL: a commit appends to the write-ahead
      log without waiting for the disk, so it takes microseconds instead of several
      fsyncs. SQLite's calls hold the whole server (they are not green), and in a
      burst of joins the fsyncs were a fifth of its time. A committed change still
      survives the server process being killed; only a power cut or an operating
      system crash may lose the last commits, never the database's consistency
      (PostgreSQL is the production path for that guarantee). WAL also lets the web
      process read while the worker writes. It needs the file on a local disk.
    """
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")  # a no-op ("memory") for :memory:
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()


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


def _transaction_info(key):
    """A dict that lives exactly as long as the session's current transaction."""
    current = db.session().get_transaction()
    holder = db.session.info.get(key)
    if holder is None or holder[0] is not current:
        holder = (current, {})
        db.session.info[key] = holder
    return holder[1]


def lock_row(model, row_id):
    """Lock one row until the transaction ends, on either backend: SELECT ... FOR UPDATE,
    and on SQLite the file's write lock too (`hold_sqlite_writers`)."""
    hold_sqlite_writers(model, row_id)
    db.session.execute(sa.select(model.id).where(model.id == row_id).with_for_update())


def hold_sqlite_writers(model, row_id):
    """SQLite's stand-in for a row lock (nothing on PostgreSQL, where FOR UPDATE is one).

    SQLite has no row locks and ignores FOR UPDATE: without more, two processes on one
    file (the web server and the packet worker, or two servers) could both read the
    same state, then both write, and the second write would be computed from a stale
    read (the same speaker number, the same log sequence). Here a write that changes
    nothing takes the database's write lock instead: another process's writer waits
    (the driver's busy timeout) and then reads what the first committed.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        table = model.__table__.name
        db.session.execute(sa.text(f"UPDATE {table} SET id = id WHERE id = :id"), {"id": row_id})  # noqa: S608


def lock_row_once(instance, *, refresh=True):
    """SELECT ... FOR UPDATE `instance`'s row, once per transaction.

    The row lock serialises changes to one meeting (`lock_row`). Taking it again in
    the same transaction would only cost a round trip, which matters when many
    changes are applied in one batch.
    """
    key = (type(instance).__name__, instance.id)
    locks = _transaction_info("row_locks") if db.session().get_transaction() is not None else None
    if locks is not None and key in locks:
        return
    db.session.flush()
    if refresh:
        hold_sqlite_writers(type(instance), instance.id)
        db.session.refresh(instance, with_for_update=True)  # the lock and a fresh read in one
    else:
        lock_row(type(instance), instance.id)
    mark_row_locked(instance)


def mark_row_locked(instance):
    """Record that `instance`'s row was locked (FOR UPDATE) in the current transaction."""
    _transaction_info("row_locks")[(type(instance).__name__, instance.id)] = True


def transaction_cache(name):
    """Per-transaction memo (e.g. the head of a hash chain while its row lock is held)."""
    return _transaction_info(f"cache:{name}")
