"""The hash chain, as pure functions: canonical JSON, entry hashes, verification.

An entry's hash is SHA-256 over the RFC 8785 canonical JSON of
{meeting_id, seq, prev_hash, recorded_at, actor, tag, data}; the first entry's
prev_hash is 64 zeros. Anyone holding the public export can recompute it.
"""
import hashlib
from dataclasses import dataclass

import rfc8785

GENESIS = "0" * 64
HASHED_FIELDS = ("meeting_id", "seq", "prev_hash", "recorded_at", "actor", "tag", "data")
ENTRY_FIELDS = (*HASHED_FIELDS, "hash")


def canonical_bytes(value):
    return rfc8785.dumps(value)


def entry_hash(fields):
    return hashlib.sha256(canonical_bytes({k: fields[k] for k in HASHED_FIELDS})).hexdigest()


def content_hash(value):
    """Hash of any JSON document (agenda snapshots, minutes revisions)."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()


@dataclass(frozen=True)
class Problem:
    seq: int | None
    position: int
    reason: str

    def __str__(self):
        where = f"entry seq={self.seq}" if self.seq is not None else f"position {self.position}"
        return f"{where}: {self.reason}"


def verify(meeting_id, entries):
    """Return the first Problem in a meeting's chain, or None when it is intact.

    `entries` are dicts with the hashed fields plus `hash`, in stored order (by seq).
    Detects edited entries (hash mismatch), deleted, inserted and reordered entries
    (seq gaps or prev_hash not matching the previous entry's hash).
    """
    expected_prev = GENESIS
    for position, entry in enumerate(entries):
        seq = entry.get("seq")
        missing = [name for name in ENTRY_FIELDS if name not in entry]
        if missing:  # an export file may have lost a field; the table cannot
            return Problem(seq, position, f"missing field(s) {', '.join(missing)}")
        if entry.get("meeting_id") != meeting_id:
            return Problem(seq, position, "entry belongs to another meeting")
        if seq != position + 1:
            return Problem(seq, position, f"sequence broken: expected seq {position + 1}")
        if entry.get("prev_hash") != expected_prev:
            return Problem(seq, position, "prev_hash does not match the previous entry's hash")
        try:
            recomputed = entry_hash(entry)
        except ValueError as error:  # JSON that RFC 8785 cannot write (NaN, integers beyond 2**53)
            return Problem(seq, position, f"cannot be hashed: {error}")
        if entry.get("hash") != recomputed:
            return Problem(seq, position, "content does not match its hash (entry edited)")
        expected_prev = entry["hash"]
    return None


def read_export(document):
    """(meeting_id, entries) from a parsed export of one meeting's log, the JSON of
    GET /api/v1/meetings/<id>/compliance; ValueError saying what is wrong.

    The export's own `verified` and `problem` are what the server said, so they are
    ignored: the point is to recompute without trusting it.
    """
    if not isinstance(document, dict) or not {"meeting_id", "entries"} <= set(document):
        raise ValueError("not an export of a meeting's compliance log: expected an object with "
                         "'meeting_id' and 'entries', as GET /api/v1/meetings/<id>/compliance returns")
    meeting_id, entries = document["meeting_id"], document["entries"]
    if not isinstance(meeting_id, int) or isinstance(meeting_id, bool):
        raise ValueError(f"'meeting_id' must be a whole number, not {meeting_id!r:.40}")
    if not isinstance(entries, list):
        raise ValueError("'entries' must be a list")
    for position, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ValueError(f"entry at position {position} is not an object")
    return meeting_id, entries


def compare_with_export(stored, exported):
    """The first Problem showing that `stored` (a meeting's chain as read now) no longer
    holds `exported` (an earlier export of it), or None when it does.

    Both must have passed `verify` first. A chain cannot show that entries were cut
    from its end, since every entry left still links to the one before it; an earlier
    export can. Its last entry is the anchor: a stored entry with the same seq and hash
    vouches for every entry before it too, because each hash covers the previous hash.
    """
    if not exported:
        return None
    anchor, position = exported[-1], len(exported) - 1
    if len(stored) > position:
        if stored[position]["hash"] != anchor["hash"]:
            return Problem(anchor["seq"], position, "differs from the export's entry: the log was rewritten "
                                                    "at or before it, or the export is of another installation")
        return None
    if stored and stored[-1]["hash"] != exported[len(stored) - 1]["hash"]:
        return Problem(stored[-1]["seq"], len(stored) - 1, "differs from the export's entry, and the log ends "
                                                          f"there while the export goes on to seq {anchor['seq']}")
    kept = f"ends at seq {stored[-1]['seq']}" if stored else "has no entries"
    first_missing = len(stored) + 1
    return Problem(first_missing, len(stored), f"missing: the log {kept} but the export goes on to seq "
                                               f"{anchor['seq']}; entries were removed from its end")

