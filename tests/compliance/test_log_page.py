"""The public log page, readable: agenda items, speakers and staff by name rather than by
id or e-mail, and narrowed to one kind of entry (`?show=`). The entries' data and the
export stay as they were hashed."""
import re
from datetime import timedelta

import sqlalchemy as sa

from app.compliance.log_page import FILTERS
from app.compliance.tags import Tag
from app.core.time import utcnow
from app.extensions import db
from app.live import services as live
from app.meetings import services as meetings
from app.meetings.models import MeetingStatus
from app.meetings.numbering import item_numbers
from app.meetings.publishing import publish_agenda
from tests.factories import NOW, make_item, make_meeting, make_user


def held_meeting(speakers=("Linda Park", None), items=2):
    """A published meeting in progress: comment on its items, a named and an anonymous
    speaker on the first, the timer run, by a chair and a clerk who have names."""
    meeting = make_meeting(start_at=NOW + timedelta(hours=80))
    clerk = make_user("clerk", body=meeting.body, name="Maria Delgado")
    chair = make_user("chair", body=meeting.body, name="Alex Rivera")
    agenda = [make_item(meeting, title=f"Budget amendment {n}") for n in range(1, items + 1)]
    publish_agenda(meeting, actor=clerk, now=NOW)
    meeting.status = MeetingStatus.IN_PROGRESS
    now = utcnow()
    for item in agenda:
        live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
        for name in speakers:
            live.add_in_person(meeting, item_id=item.id, display_name=name, actor=clerk, now=now)
        for _ in speakers:
            live.call_next(meeting, actor=chair, now=now)
            live.timer(meeting, action="start", actor=chair, now=now)
            live.timer(meeting, action="pause", actor=chair, now=now + timedelta(seconds=5))
        live.close_comment(meeting, actor=chair, now=now)
    db.session.commit()
    return meeting, agenda, clerk, chair


def page(client, meeting, query=""):
    return client.get(f"/meetings/{meeting.id}/compliance{query}")


def number_of(meeting, item):
    return item_numbers(meeting.sections)[item.id]


def test_items_and_speakers_are_named_as_the_public_pages_name_them(client):
    meeting, (first, _second), _clerk, _chair = held_meeting()
    html = page(client, meeting).text
    named = f'<span class="item-ref">{number_of(meeting, first)} <span>Budget amendment 1</span></span>'
    assert re.match(r"\d+\.a$", number_of(meeting, first))
    assert f"<dt>agenda item</dt><dd>{named}</dd>" in html
    assert f'<strong>Speaker joined the queue</strong><span class="entry-subject">Linda Park · {named}</span>' in html
    assert '<span class="entry-subject">Speaker 2 · ' in html  # the one who gave no name
    # No row names an item or a speaker by its database id.
    assert "item id" not in html and "entry id" not in html
    assert not re.search(r"<dt>(agenda item|speaker)</dt><dd>\d", html)


def test_the_export_keeps_the_ids_and_actors_it_was_hashed_with(client):
    meeting, (first, _), clerk, chair = held_meeting()
    export = client.get(f"/api/v1/meetings/{meeting.id}/compliance").get_json()
    assert export["verified"]
    opened = next(e for e in export["entries"] if e["tag"] == "comment:opened")
    assert opened["data"]["item_id"] == first.id
    assert opened["actor"] == f"user:{chair.id}:{chair.email}"


def test_no_staff_email_appears_on_the_public_page(client):
    meeting = make_meeting(start_at=NOW + timedelta(hours=24))
    clerk = make_user("clerk", body=meeting.body, name="Maria Delgado", email="maria.delgado@city.example.gov")
    make_item(meeting, title="Adopt the budget")
    publish_agenda(meeting, actor=clerk, now=NOW, override_reason="Storm closed City Hall.")  # late: `by` in the data
    meeting.status = MeetingStatus.IN_PROGRESS
    chair = make_user("chair", body=meeting.body, name="Alex Rivera", email="alex.rivera@city.example.gov")
    nameless = make_user("clerk", body=meeting.body, email="nameless@city.example.gov")
    live.open_comment(meeting, item_id=None, actor=chair, now=utcnow())
    live.join_queue(meeting, item_id=None, display_name="Pat", now=utcnow())
    live.close_comment(meeting, actor=nameless, now=utcnow())
    db.session.commit()
    html = page(client, meeting).text
    for email in (clerk.email, chair.email, nameless.email):
        assert email not in html
    assert "@" not in html.split("<main", 1)[1] and "user:" not in html
    assert "Chair (Alex Rivera)" in html and "Clerk (Maria Delgado)" in html
    assert "<td role=\"cell\"><span class=\"cell-label\" aria-hidden=\"true\">By</span> Clerk</td>" in html
    assert "The resident" in html
    assert "published late by Clerk (Maria Delgado)" in html  # the deadline override
    assert "<dt>published by</dt><dd>Clerk (Maria Delgado)</dd>" in html
    # The export still names them as hashed.
    assert clerk.email in client.get(f"/api/v1/meetings/{meeting.id}/compliance").text


def test_an_item_taken_off_the_agenda_keeps_its_posted_number_or_falls_back_to_its_id(client):
    meeting = make_meeting(start_at=NOW + timedelta(hours=80))
    clerk = make_user("clerk", body=meeting.body)
    posted = make_item(meeting, title="Parks master plan")
    make_item(meeting, title="Stays")
    number = number_of(meeting, posted)
    publish_agenda(meeting, actor=clerk, now=NOW)
    meeting.status = MeetingStatus.IN_PROGRESS
    never_posted = make_item(meeting, title="Added late")
    for item in (posted, never_posted):
        live.set_item(meeting, item_id=item.id, actor=clerk, now=utcnow())
    live.set_item(meeting, item_id=None, actor=clerk, now=utcnow())
    meeting.status = MeetingStatus.PUBLISHED  # (as if the meeting had been postponed) its agenda can change again
    meetings.delete_item(never_posted, actor=clerk, now=utcnow())
    meetings.delete_item(posted, actor=clerk, now=utcnow())
    publish_agenda(meeting, actor=clerk, now=NOW + timedelta(hours=1))  # the amended agenda, without it
    db.session.commit()
    html = page(client, meeting).text
    assert (f'<span class="item-ref">{number} <span>Parks master plan</span></span>'
            ' <span class="muted">(removed from the agenda)</span>') in html
    assert f"<dd>item {never_posted.id}</dd>" in html


def test_a_hidden_name_is_not_shown_again_by_the_earlier_entries(client):
    meeting, _, _, chair = held_meeting(speakers=(), items=0)
    live.open_comment(meeting, item_id=None, actor=chair, now=utcnow())
    entry = live.add_in_person(meeting, item_id=None, display_name="Rude Name", actor=chair, now=utcnow())
    db.session.commit()
    assert "Rude Name" in page(client, meeting).text
    live.hide_name(meeting, entry_id=entry.id, reason="Offensive.", actor=chair, now=utcnow())
    db.session.commit()
    html = page(client, meeting).text
    assert "Rude Name" not in html
    assert "<dt>display name</dt><dd><em>hidden by the chair</em></dd>" in html
    assert f"Speaker {entry.number}" in html
    assert "Rude Name" in client.get(f"/api/v1/meetings/{meeting.id}/compliance").text  # the log itself is as written


def test_the_log_can_be_narrowed_to_one_kind_and_keeps_its_verification(client):
    meeting, _, _, _ = held_meeting()
    everything = page(client, meeting).text
    total = len(re.findall(r'<tr id="entry-\d+"', everything))
    response = page(client, meeting, "?show=timers")
    assert response.status_code == 200
    html = response.text
    rows = re.findall(r'<tr id="entry-\d+" role="row">.*?</tr>', html, re.S)
    assert rows and all("timer:changed" in row for row in rows)
    assert len(rows) == 8 and total > 8
    assert "Intact." in html and 'id="verification-result"' in html
    assert f"Showing 8 entries of {total}: Timers." in html
    assert "The chain of all the entries is intact." in html
    # The choices are plain links, so the view is shareable and works without JavaScript;
    # the chosen one says so.
    assert f'href="/meetings/{meeting.id}/compliance?show=timers#entries-heading"' in html
    assert re.search(r'class="button small primary" aria-current="true">Timers <span class="count">\(8\)</span>', html)
    assert "<script" not in html.split("<main", 1)[1].split("</main>")[0]
    comment = page(client, meeting, "?show=comment").text
    assert "speaker:joined" in comment and "timer:changed" not in comment
    # The language chosen in the address stays in the links.
    spanish = page(client, meeting, "?show=timers&lang=es").text
    assert f'href="/meetings/{meeting.id}/compliance?show=votes&amp;lang=es#entries-heading"' in spanish


def test_a_kind_with_no_entries_says_so(client):
    meeting, _, _, _ = held_meeting(speakers=(), items=0)
    html = page(client, meeting, "?show=moderation").text
    assert "No entry of this kind." in html and "Intact." in html


def test_an_unknown_filter_shows_everything_and_says_why(client):
    meeting, _, _, _ = held_meeting()
    for bad in ("bogus", "<script>x</script>", "TIMERS", "x" * 500):
        response = page(client, meeting, "?show=" + bad)
        assert response.status_code == 422
        html = response.text
        assert "This log cannot be narrowed to" in html and 'id="filter-problem"' in html
        assert "<script>x" not in html
        assert "timer:changed" in html and "speaker:joined" in html  # every entry
        assert "Intact." in html
    assert page(client, meeting, "?show=").status_code == 200


def test_every_kind_of_entry_is_under_exactly_one_filter():
    for tag in Tag:
        holders = [key for key, (_label, tags) in FILTERS.items() if tags is not None and tag in tags]
        assert len(holders) == 1, (tag, holders)


def test_the_page_asks_the_same_number_of_queries_however_long_the_log(client):
    short, *_ = held_meeting(speakers=("A",), items=1)
    long, *_ = held_meeting(speakers=("A", None, "B", None), items=6)

    def queries(meeting):
        seen = []

        def count(*args):
            seen.append(args[2])

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert page(client, meeting).status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return seen

    few, many = queries(short), queries(long)
    assert len(many) == len(few), many
    assert sum("compliance_entries" not in q for q in many) <= 12  # the meeting, body, items, speakers, staff…


def test_the_names_are_in_the_readers_language(client, spanish_app):
    meeting, _, _, _ = held_meeting()
    spanish = spanish_app.test_client().get(f"/meetings/{meeting.id}/compliance?show=comment",
                                            headers={"Accept-Language": "es"}).text
    assert "Presidencia (Alex Rivera)" in spanish
    assert "<dt>punto del orden del día</dt>" in spanish
    assert "Participante 2" in spanish
    assert "Comentarios del público" in spanish
    assert "<dt>agenda item</dt>" not in spanish and "Chair (Alex Rivera)" not in spanish
