"""Pure tests of the hash chain: no Flask, no database."""
import copy

import pytest

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


def test_missing_fields_are_named_not_a_crash():
    entries = build(3)
    del entries[1]["hash"], entries[1]["actor"]
    problem = chain.verify(1, entries)
    assert problem.seq == 2 and problem.reason == "missing field(s) actor, hash"


def test_values_rfc8785_cannot_write_are_a_problem_not_a_crash():
    entries = build(2)
    entries[1]["data"] = {"n": 2 ** 60}
    problem = chain.verify(1, entries)
    assert problem.seq == 2 and problem.reason.startswith("cannot be hashed")


def test_read_export_takes_the_api_shape_and_ignores_its_verdict():
    entries = build(2)
    assert chain.read_export({"meeting_id": 1, "entries": entries, "verified": True, "problem": None}) == (1, entries)
    assert chain.read_export({"meeting_id": 1, "entries": []}) == (1, [])


@pytest.mark.parametrize("document, message", [
    ([], "not an export"),
    ({"entries": []}, "not an export"),
    ({"meeting_id": "1", "entries": []}, "'meeting_id' must be a whole number"),
    ({"meeting_id": True, "entries": []}, "'meeting_id' must be a whole number"),
    ({"meeting_id": 1, "entries": {}}, "'entries' must be a list"),
    ({"meeting_id": 1, "entries": [{}, 5]}, "entry at position 1 is not an object"),
])
def test_read_export_says_what_is_wrong(document, message):
    with pytest.raises(ValueError, match=message):
        chain.read_export(document)


def test_a_chain_that_goes_on_from_the_export_holds_it():
    entries = build(6)
    assert chain.compare_with_export(entries, entries[:4]) is None
    assert chain.compare_with_export(entries, entries) is None
    assert chain.compare_with_export(entries, []) is None
    assert chain.compare_with_export([], []) is None


def test_a_cut_tail_is_found_only_against_an_earlier_export():
    entries = build(6)
    assert chain.verify(1, entries[:4]) is None  # on its own the shortened chain looks intact
    problem = chain.compare_with_export(entries[:4], entries)
    assert problem.seq == 5 and "ends at seq 4 but the export goes on to seq 6" in problem.reason
    problem = chain.compare_with_export([], entries)
    assert problem.seq == 1 and "has no entries" in problem.reason


def test_a_rewritten_chain_differs_from_the_export():
    exported = build(4)
    rewritten = build(6)
    rewritten[3]["data"] = {"n": 4, "text": "changed"}
    for i in range(3, 6):  # rehashed from the change on, so the rewritten chain verifies
        rewritten[i]["prev_hash"] = rewritten[i - 1]["hash"]
        rewritten[i]["hash"] = chain.entry_hash(rewritten[i])
    assert chain.verify(1, rewritten) is None
    problem = chain.compare_with_export(rewritten, exported)
    assert problem.seq == 4 and problem.reason.startswith("differs from the export's entry")
    problem = chain.compare_with_export(rewritten[:4], build(6))
    assert problem.seq == 4 and "the export goes on to seq 6" in problem.reason
