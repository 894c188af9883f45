"""Pure tests of the hash chain: no Flask, no database."""
import copy

from app.compliance import chain


def build(n, meeting_id=1):
    entries, prev = [], chain.GENESIS
    for seq in range(1, n + 1):
        fields = {"meeting_id": meeting_id, "seq": seq, "prev_hash": prev,
                  "recorded_at": f"2026-03-02T17:00:0{seq % 10}.000000+00:00",
                  "actor": "user:1:clerk@example.gov", "tag": "agenda:posted",
                  "data": {"n": seq, "text": "café ✓"}}
        fields["hash"] = chain.entry_hash(fields)
        prev = fields["hash"]
        entries.append(fields)
    return entries


def test_intact_chain_verifies():
    assert chain.verify(1, build(5)) is None
    assert chain.verify(1, []) is None


def test_canonical_json_is_key_order_independent():
    assert chain.canonical_bytes({"b": 1, "a": [1, "é"]}) == chain.canonical_bytes({"a": [1, "é"], "b": 1})
    assert chain.canonical_bytes({"a": 1}) == b'{"a":1}'


def test_edited_entry_detected():
    entries = build(5)
    entries[2]["data"]["n"] = 99
    problem = chain.verify(1, entries)
    assert problem.seq == 3 and "edited" in problem.reason


def test_deleted_entry_detected():
    entries = build(5)
    del entries[1]
    assert chain.verify(1, entries).position == 1


def test_inserted_entry_detected():
    entries = build(5)
    forged = copy.deepcopy(entries[1])
    forged["data"] = {"forged": True}
    forged["hash"] = chain.entry_hash(forged)
    entries.insert(2, forged)
    assert chain.verify(1, entries) is not None


def test_reordered_entries_detected():
    entries = build(5)
    entries[1], entries[2] = entries[2], entries[1]
    assert chain.verify(1, entries).position == 1


def test_rehashed_edit_still_breaks_the_next_link():
    entries = build(4)
    entries[1]["actor"] = "someone-else"
    entries[1]["hash"] = chain.entry_hash(entries[1])
    problem = chain.verify(1, entries)
    assert problem.seq == 3 and "prev_hash" in problem.reason


def test_entry_from_another_meeting_detected():
    entries = build(3)
    entries[0]["meeting_id"] = 2
    assert "another meeting" in chain.verify(1, entries).reason
