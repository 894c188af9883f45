"""The minutes draft from plain record data (pure, no database)."""
from app.minutes import draft

RECORD = {
    "meeting_id": 1, "body": "City Council", "title": "Regular Meeting", "date": "Tuesday, March 10, 2026",
    "location": "Council Chambers",
    "events": [{"kind": "call_to_order", "time": "6:02 PM PDT", "note": ""},
               {"kind": "recess", "time": "7:00 PM PDT", "note": ""},
               {"kind": "reconvene", "time": "7:10 PM PDT", "note": ""},
               {"kind": "adjourn", "time": "8:15 PM PDT", "note": ""}],
    "attendance": [
        {"name": "Ana Ruiz", "title": "Mayor", "status": "present", "mode": "in_person", "remote_basis": "",
         "arrived": "6:02 PM PDT", "late": False, "left": None},
        {"name": "Ben Okafor", "title": "Councilmember", "status": "present", "mode": "remote",
         "remote_basis": "Just cause: childcare", "arrived": "6:02 PM PDT", "late": False, "left": None},
        {"name": "Chen Wei", "title": "Councilmember", "status": "present", "mode": "in_person",
         "remote_basis": "", "arrived": "6:40 PM PDT", "late": True, "left": "7:30 PM PDT"},
        {"name": "Dana <b>Fox</b>", "title": "Councilmember", "status": "absent", "mode": "in_person",
         "remote_basis": "", "arrived": None, "late": False, "left": None},
    ],
    "quorum": {"seats": 5, "needed": 3, "present": 3, "present_remote": 1, "has_quorum": True},
    "general_comment": {"total": 1, "in_person": 1, "remote": 0, "support": 0, "oppose": 0, "neutral": 1,
                        "unstated": 0, "names": []},
    "items": [
        {"item_id": 7, "number": "6.a", "title": "Street resurfacing contract",
         "recusals": [{"name": "Chen Wei", "reason": "Owns property on the street"}],
         "speakers": {"total": 3, "in_person": 1, "remote": 2, "support": 2, "oppose": 1, "neutral": 0,
                      "unstated": 0, "names": ["Maria"]},
         "motions": [{"kind": "main", "text": "Award the contract.", "mover": "Ana Ruiz", "seconder": "Ben Okafor",
                      "threshold": "majority_of_votes_cast", "result": "adopted", "method": "roll_call",
                      "votes": [{"name": "Ana Ruiz", "vote": "aye"}, {"name": "Ben Okafor", "vote": "aye"},
                                {"name": "Chen Wei", "vote": "recused"}, {"name": "Dana <b>Fox</b>", "vote": "absent"}],
                      "tally": {"aye": 2, "no": 0, "abstain": 0, "absent": 1, "recused": 1, "votes_cast": 2},
                      "override_reason": None, "overridden": []},
                     {"kind": "table", "text": "Table it.", "mover": "Ben Okafor", "seconder": None,
                      "threshold": "majority_of_votes_cast", "result": None, "method": None, "votes": [],
                      "tally": None}]},
        {"item_id": 8, "number": "4.a", "title": "Consent item", "recusals": [], "speakers": None, "motions": []},
    ],
}


def test_draft_has_times_attendance_votes_and_result():
    html = draft.render(RECORD)
    assert "The meeting was called to order at 6:02 PM PDT." in html
    assert "The meeting was adjourned at 8:15 PM PDT." in html
    assert "Ben Okafor: present remotely (Just cause: childcare)" in html
    assert "Chen Wei: present in person; arrived at 6:40 PM PDT, left at 7:30 PM PDT" in html
    assert "A quorum was present (3 of 5; 3 needed)." in html
    assert "<li>Chen Wei: Recused</li>" in html
    assert "Adopted by roll call, 2-0 (0 abstaining, 1 absent, 1 recused; needed: majority of votes cast)." in html
    assert "Chen Wei recused: Owns property on the street" in html
    assert "Motion to table by Ben Okafor, without a second: Table it." in html
    assert "No vote was taken." in html


def test_a_member_whose_attendance_was_never_recorded_is_not_written_absent():
    record = {**RECORD, "attendance": RECORD["attendance"] + [
        {"name": "Eve Park", "title": "Councilmember", "status": "not_recorded", "mode": "in_person",
         "remote_basis": "", "arrived": None, "late": False, "left": None}]}
    html = draft.render(record)
    assert "Eve Park: attendance not recorded</li>" in html
    assert "Dana &lt;b&gt;Fox&lt;/b&gt;: absent</li>" in html


def test_speakers_are_counted_by_stance_and_channel_and_named_only_if_they_gave_a_name():
    html = draft.render(RECORD)
    assert "3 public speakers (1 in person, 2 remote): 2 support, 1 oppose." in html
    assert "Speaker who gave a name: Maria" in html
    assert "1 public speaker (1 in person, 0 remote): 1 neutral." in html


def test_order_follows_the_meeting_and_text_is_escaped():
    html = draft.render(RECORD)
    assert html.index("called to order") < html.index("Roll call") < html.index("6.a") < html.index("adjourned")
    assert "<b>Fox</b>" not in html and "Dana &lt;b&gt;Fox&lt;/b&gt;" in html


def test_a_recess_is_written_after_the_part_of_the_meeting_it_interrupted():
    events = [{"kind": "call_to_order", "time": "6:02 PM PDT", "note": "", "place": None},
              {"kind": "remote_access_down", "time": "6:05 PM PDT", "note": "", "place": None},
              {"kind": "recess", "time": "7:00 PM PDT", "note": "", "place": 7},
              {"kind": "reconvene", "time": "7:10 PM PDT", "note": "", "place": 7},
              {"kind": "closed_session", "time": "7:20 PM PDT", "note": "", "place": "general"},
              {"kind": "adjourn", "time": "8:15 PM PDT", "note": "", "place": None}]
    html = draft.render({**RECORD, "events": events})
    assert (html.index("Roll call") < html.index("reported down") < html.index("non-agenda items")
            < html.index("closed session") < html.index("6.a") < html.index("Table it.")
            < html.index("recessed at 7:00") < html.index("reconvened") < html.index("4.a"))
    # Placed after a part the draft does not show (general comment with nobody heard): after the roll call.
    html = draft.render({**RECORD, "events": events, "general_comment": None})
    assert html.index("Roll call") < html.index("closed session") < html.index("6.a")


def test_one_block_per_line_for_clean_diffs():
    lines = draft.render(RECORD).splitlines()
    assert all(line.startswith("<") and line.endswith(">") for line in lines)


def test_the_wording_goes_through_the_translator():
    html = draft.render(RECORD, _=lambda text: text.upper() if text == "Roll call" else text)
    assert "ROLL CALL" in html


# -- one speaker, two speakers: the count decides the wording, in English and Spanish -----

def speakers(total, names=(), in_person=None):
    in_person = total if in_person is None else in_person
    return {"total": total, "in_person": in_person, "remote": total - in_person, "support": total, "oppose": 0,
            "neutral": 0, "unstated": 0, "names": list(names)}


def with_speakers(counts):
    item = {"item_id": 9, "number": "6.b", "title": "Parking study", "recusals": [], "speakers": counts,
            "motions": []}
    return {**RECORD, "general_comment": None, "items": [item]}


def spanish():
    """The Spanish catalog as it ships, compiled in memory."""
    import gettext
    import io
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = Path(__file__).resolve().parents[2] / "app" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def test_one_public_speaker_is_singular():
    html = draft.render(with_speakers(speakers(1, names=["Maria"])))
    assert "<p>1 public speaker (1 in person, 0 remote): 1 support.</p>" in html
    assert "<p>Speaker who gave a name: Maria</p>" in html
    assert "public speakers" not in html and "Speakers who" not in html


def test_two_public_speakers_are_plural():
    html = draft.render(with_speakers(speakers(2, names=["Maria", "Tom"], in_person=1)))
    assert "<p>2 public speakers (1 in person, 1 remote): 2 support.</p>" in html
    assert "<p>Speakers who gave a name: Maria, Tom</p>" in html


def test_no_public_speakers():
    assert "<p>No public speakers.</p>" in draft.render(with_speakers(speakers(0)))


def test_one_and_two_speakers_in_spanish():
    es = spanish()
    one = draft.render(with_speakers(speakers(1, names=["María"])), _=es.gettext, ngettext=es.ngettext)
    assert "<p>1 orador del público (1 en persona, 0 a distancia): 1 a favor.</p>" in one
    assert "<p>Orador que dio su nombre: María</p>" in one
    two = draft.render(with_speakers(speakers(2, names=["María", "Tomás"], in_person=1)),
                       _=es.gettext, ngettext=es.ngettext)
    assert "<p>2 oradores del público (1 en persona, 1 a distancia): 2 a favor.</p>" in two
    assert "<p>Oradores que dieron su nombre: María, Tomás</p>" in two
    none = draft.render(with_speakers(speakers(0)), _=es.gettext, ngettext=es.ngettext)
    assert "<p>Ningún orador del público.</p>" in none



def test_a_note_on_an_event_reads_as_a_sentence():
    events = [{"kind": "recess", "time": "7:00 PM PDT", "note": "Ten-minute recess"},
              {"kind": "reconvene", "time": "7:10 PM PDT", "note": "All members returned."}]
    html = draft.render({**RECORD, "events": events})
    assert "7:00 PM PDT. Ten-minute recess.</p>" in html
    assert "7:10 PM PDT. All members returned.</p>" in html


def test_general_comment_goes_after_the_part_under_way_when_it_opened():
    general = "Public comment on non-agenda items"
    after_first = draft.render({**RECORD, "general_comment_place": 7})
    assert after_first.index("Street resurfacing contract") < after_first.index(general) \
        < after_first.index("Consent item")
    # By default, or for a part no longer on the agenda: after the roll call.
    for place in (None, 999):
        html = draft.render({**RECORD, "general_comment_place": place})
        assert html.index("A quorum was present") < html.index(general) < html.index("Street resurfacing")
