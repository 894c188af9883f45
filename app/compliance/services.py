"""Writing and reading the compliance log. `record` is the only writer."""
from typing import NamedTuple

import sqlalchemy as sa

from app.compliance import chain
from app.compliance.models import ComplianceEntry
from app.compliance.tags import Tag
from app.core.db import lock_row_once, transaction_cache
from app.extensions import db


class ChainHead(NamedTuple):
    seq: int
    hash: str


def actor_label(actor):
    """How an actor appears in the log: staff by id and e-mail, otherwise a role word."""
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return f"user:{actor.id}:{actor.email}"


def record(meeting, tag, data, *, actor, now):
    """Append an entry to the meeting's chain, in the caller's transaction.

    The meeting row is locked first (PostgreSQL) so appends are serialised; the
    unique (meeting_id, seq) constraint is the last line of defence.
    """
    head = _chain_head(meeting)
    fields = _next_fields(meeting, head, Tag(tag), data, actor=actor, now=now)
    entry = ComplianceEntry(**fields)
    db.session.add(entry)
    db.session.flush()
    _remember_head(meeting, fields)
    return entry


def record_many(meeting, tagged_data, *, actor, now):
    """Append several entries at once, in order: one INSERT for a batch of changes."""
    if not tagged_data:
        return
    head = _chain_head(meeting)
    rows = []
    for tag, data in tagged_data:
        fields = _next_fields(meeting, head, Tag(tag), data, actor=actor, now=now)
        rows.append(fields)
        head = ChainHead(fields["seq"], fields["hash"])
    db.session.connection().execute(sa.insert(ComplianceEntry.__table__), rows)
    _remember_head(meeting, rows[-1])


def _chain_head(meeting):
    lock_row_once(meeting, refresh=False)
    # While this transaction holds the row lock nobody else can append, so the
    # head of the chain is remembered instead of read back for every entry.
    return transaction_cache("compliance_heads").get(meeting.id) or db.session.execute(
        sa.select(ComplianceEntry.seq, ComplianceEntry.hash)
        .where(ComplianceEntry.meeting_id == meeting.id)
        .order_by(ComplianceEntry.seq.desc())
        .limit(1)
    ).first()


def _remember_head(meeting, fields):
    transaction_cache("compliance_heads")[meeting.id] = ChainHead(fields["seq"], fields["hash"])


def _next_fields(meeting, last, tag, data, *, actor, now):
    fields = {
        "meeting_id": meeting.id,
        "seq": (last.seq + 1) if last else 1,
        "prev_hash": last.hash if last else chain.GENESIS,
        "recorded_at": now.isoformat(timespec="microseconds"),
        "actor": actor_label(actor),
        "tag": tag.value,
        "data": data,
    }
    return {**fields, "hash": chain.entry_hash(fields)}


def entries_for(meeting_id):
    return db.session.scalars(
        sa.select(ComplianceEntry)
        .where(ComplianceEntry.meeting_id == meeting_id)
        .order_by(ComplianceEntry.seq, ComplianceEntry.id)
    ).all()


def data_tagged(meeting_id, tag):
    """The data of a meeting's entries with `tag`, oldest first: what a later change needs
    to know of an earlier one (the log is the only record of some)."""
    return db.session.scalars(
        sa.select(ComplianceEntry.data)
        .where(ComplianceEntry.meeting_id == meeting_id, ComplianceEntry.tag == str(tag))
        .order_by(ComplianceEntry.seq)
    ).all()


def export_entry(entry):
    return {
        "meeting_id": entry.meeting_id,
        "seq": entry.seq,
        "prev_hash": entry.prev_hash,
        "recorded_at": entry.recorded_at,
        "actor": entry.actor,
        "tag": entry.tag,
        "data": entry.data,
        "hash": entry.hash,
    }


def verify_meeting(meeting_id):
    """(is_intact, first Problem or None) for one meeting, read straight from the table."""
    problem = chain.verify(meeting_id, [export_entry(e) for e in entries_for(meeting_id)])
    return problem is None, problem


def log_report(meeting_id):
    """The public export of one meeting's log, with the result of recomputing every hash."""
    entries = [export_entry(e) for e in entries_for(meeting_id)]
    problem = chain.verify(meeting_id, entries)
    return {"meeting_id": meeting_id, "entries": entries, "verified": problem is None,
            "problem": str(problem) if problem is not None else None}
