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
        if entry.get("meeting_id") != meeting_id:
            return Problem(seq, position, "entry belongs to another meeting")
        if seq != position + 1:
            return Problem(seq, position, f"sequence broken: expected seq {position + 1}")
        if entry.get("prev_hash") != expected_prev:
            return Problem(seq, position, "prev_hash does not match the previous entry's hash")
        recomputed = entry_hash(entry)
        if entry.get("hash") != recomputed:
            return Problem(seq, position, "content does not match its hash (entry edited)")
        expected_prev = entry["hash"]
    return None
