"""The live pages render the current state without JavaScript and respect roles."""
import json
from datetime import timedelta

import pytest

from app.core.display import local_time
from app.core.time import utcnow
from app.extensions import db
from app.live import services as live
from app.meetings.models import MeetingStatus
from app.meetings.numbering import item_numbers
from tests.factories import make_item, make_meeting, make_user


@pytest.fixture
def meeting(app, now):
    meeting = make_meeting(status=MeetingStatus.IN_PROGRESS)
    item = make_item(meeting, title="Zoning of Elm Street")
    chair = make_user(role="chair", body=meeting.body)
    live.set_item(meeting, item_id=item.id, actor=chair, now=now)
    live.open_comment(meeting, item_id=item.id, actor=chair, now=now)
    live.join_queue(meeting, item_id=item.id, display_name="Ana <b>Ruiz</b>", now=now)
    live.call_next(meeting, actor=chair, now=now)
    live.join_queue(meeting, item_id=item.id, display_name="Ben", now=now)
    db.session.commit()
    return meeting


def test_comment_page_shows_the_queue_and_the_join_form(client, meeting):
    page = client.get(f"/meetings/{meeting.id}/comment")
    assert page.status_code == 200
    assert "Ana &lt;b&gt;Ruiz&lt;/b&gt;" in page.text and "Ben" in page.text
    assert 'id="join-form"' in page.text and "name not verified" in page.text
    assert 'aria-live="assertive"' in page.text and "<script>" not in page.text
    assert '<p id="comment-status" role="status">' in page.text  # comment opening is read out


@pytest.mark.parametrize("rule_pack, label", [
    ("us-ca-brown-act", "I will speak through an interpreter (you get 2 times as long to speak)"),
    ("us-ny-oml", "I will speak through an interpreter</label>"),  # no extra time promised where none is given
])
def test_the_interpreter_box_promises_the_extra_time_the_rules_give(client, meeting, rule_pack, label):
    meeting.body.rule_pack = rule_pack
    db.session.commit()
    assert label in client.get(f"/meetings/{meeting.id}/comment").text


def test_comment_page_carries_its_own_words_for_refusals(client, meeting):
    """The server's error messages are English; the page shows these by error code."""
    spanish = client.get(f"/meetings/{meeting.id}/comment?lang=es").text
    assert 'id="live-errors"' in spanish and 'data-queue-full="La fila para este punto está llena.' in spanish
    assert 'data-already-queued="Ya tiene un lugar en esta fila, o ya hizo uso de la palabra' in spanish


@pytest.mark.parametrize("rule_pack, line", [
    ("us-ca-brown-act", "Speaking through an interpreter: 2 times the time per speaker."),
    ("us-ny-oml", "Speaking through an interpreter.</p>"),
])
def test_display_says_why_an_interpreted_speakers_clock_shows_more(client, meeting, now, rule_pack, line):
    meeting.body.rule_pack = rule_pack
    chair = make_user(role="chair", body=meeting.body)
    assert 'id="speaker-interpreter" class="display-interpreter" hidden' in client.get(
        f"/meetings/{meeting.id}/display").text  # Ana: no interpreter
    live.join_queue(meeting, item_id=meeting.items[0].id, display_name="Jose", interpreter=True, now=now)
    live.call_next(meeting, actor=chair, now=now)  # Ben
    live.call_next(meeting, actor=chair, now=now)  # Jose
    db.session.commit()
    page = client.get(f"/meetings/{meeting.id}/display").text
    assert line in page and 'id="speaker-interpreter" class="display-interpreter" >' in page


def test_display_shows_item_speaker_and_countdown(client, meeting):
    page = client.get(f"/meetings/{meeting.id}/display")
    assert page.status_code == 200
    assert "Zoning of Elm Street" in page.text and "3:00" in page.text


def test_display_headline_is_the_item_under_comment_when_none_is_set(client, now):
    # The chair opened comment without setting the current item: the largest line on the
    # chamber screen must not say that nothing is being considered.
    meeting = make_meeting(status=MeetingStatus.IN_PROGRESS)
    item = make_item(meeting, title="Accessory dwelling units")
    live.open_comment(meeting, item_id=item.id, actor=make_user(role="chair", body=meeting.body), now=now)
    db.session.commit()
    page = client.get(f"/meetings/{meeting.id}/display").text
    # With its agenda number, which the room finds on the printed agenda.
    number = item_numbers(meeting.sections)[item.id]
    assert (f'<p class="display-item"><span id="current-number" class="item-number">{number}</span> '
            '<span id="current-item">Accessory dwelling units</span></p>') in page
    # The status under it does not say the title a second time.
    assert '<p id="comment-status" data-without-item>Public comment is open · 3:00 per speaker</p>' in page
    assert "No item is being considered." not in page.split('id="live-strings"')[0]


def test_display_headline_is_general_comment_while_it_is_open(client, now):
    # An ordinance is the current item, and the chair opens general public comment: the
    # room reads what it is hearing now in the largest type, not the ordinance.
    meeting = make_meeting(status=MeetingStatus.IN_PROGRESS)
    item = make_item(meeting, title="Ordinance 2026-14")
    chair = make_user(role="chair", body=meeting.body)
    live.set_item(meeting, item_id=item.id, actor=chair, now=now)
    live.open_comment(meeting, item_id=None, actor=chair, now=now)
    db.session.commit()
    page = client.get(f"/meetings/{meeting.id}/display").text
    # General comment has no agenda number (the ordinance's is not shown).
    assert ('<span id="current-number" class="item-number" hidden></span> '
            '<span id="current-item">General public comment</span></p>') in page
    live.close_comment(meeting, actor=chair, now=now)
    db.session.commit()
    page = client.get(f"/meetings/{meeting.id}/display").text
    number = item_numbers(meeting.sections)[item.id]
    assert (f'<span id="current-number" class="item-number">{number}</span> '
            '<span id="current-item">Ordinance 2026-14</span></p>') in page


@pytest.mark.parametrize("running", [True, False])
def test_every_live_page_says_when_a_timed_period_ends(client, staff, now, running):
    # A 30-minute period opened at 9:00 AM in the body's time zone (Los Angeles), on a day
    # long past: its time is up, but it stays open until the chair closes it. Opened just
    # now, it is still running.
    meeting = make_meeting(status=MeetingStatus.IN_PROGRESS)
    item = make_item(meeting, title="Budget hearing")
    chair = make_user(role="chair", body=meeting.body)
    opened = utcnow() if running else now
    live.open_comment(meeting, item_id=item.id, period_seconds=1800, actor=chair, now=opened)
    db.session.commit()
    staff.login(chair)
    # To the second unless it ends on the minute, before and after it ends alike.
    end = opened + timedelta(minutes=30)
    ends = local_time(end, "America/Los_Angeles", "clock_seconds" if end.second or end.microsecond else "clock")
    said = f"timed period until {ends}" if running else "timed period ended at 9:30 AM"
    number = item_numbers(meeting.sections)[item.id]
    for path, status in (("comment", f"open: {number} Budget hearing · "), ("display", "open · ")):
        page = client.get(f"/meetings/{meeting.id}/{path}").text
        assert f"{status}3:00 per speaker · {said}</p>" in page
        assert 'data-timezone="America/Los_Angeles"' in page  # the scripts write it the same way
    assert said in client.get(f"/staff/meetings/{meeting.id}/live").text


def test_draft_meetings_have_no_public_live_pages(client, app):
    draft = make_meeting(status=MeetingStatus.DRAFT)
    db.session.commit()
    assert client.get(f"/meetings/{draft.id}/comment").status_code == 404
    assert client.get(f"/meetings/{draft.id}/display").status_code == 404


@pytest.mark.parametrize("status, notice, joinable", [
    (MeetingStatus.IN_PROGRESS, None, True),
    (MeetingStatus.RECESSED, "The meeting is in recess. Places in the queue are kept.", True),
    (MeetingStatus.ADJOURNED, "The meeting has adjourned. Public comment is over.", False),
    (MeetingStatus.CANCELLED, "The meeting was cancelled. There is no public comment.", False),
])
def test_comment_page_says_what_the_meetings_status_means(client, app, status, notice, joinable):
    meeting = make_meeting(status=status)
    make_item(meeting)
    db.session.commit()
    page = client.get(f"/meetings/{meeting.id}/comment").text
    if notice:
        assert f'role="status" >{notice}</p>' in page
    else:
        assert '<p id="meeting-notice" class="notice notice-warn" role="status" hidden></p>' in page
    assert ('id="join-section" hidden' not in page) == joinable


def test_comment_page_says_where_the_resident_will_speak(client, meeting):
    """A resident who came straight to the queue by a shared link learns where to be
    when called: the webinar and the phone line, with the clerk's instructions."""
    page = client.get(f"/meetings/{meeting.id}/comment").text
    assert "Where you will speak" in page and "Join the webinar or call in to comment." in page
    assert '<a href="https://example.org/webinar" rel="noopener noreferrer">' in page and '<a href="tel:+15550100">+1 555 0100</a>' in page
    assert '<p class="prewrap">Join the webinar' in page  # in the page's own language: nothing to mark
    # In the room only, or once the meeting is over, there is nothing to say.
    in_room = make_meeting(status=MeetingStatus.IN_PROGRESS, remote_url="", dial_in="", remote_instructions="")
    over = make_meeting(status=MeetingStatus.ADJOURNED)
    db.session.commit()
    for other in (in_room, over):
        assert "Where you will speak" not in client.get(f"/meetings/{other.id}/comment").text


def test_the_clerks_words_on_where_to_speak_are_marked_in_their_language(client, meeting):
    """On a Spanish page the instructions and the words around the phone number are the
    clerk's English: marked so, a screen reader reads them with an English voice."""
    meeting.dial_in = "Call +1 555 0100, webinar ID 815"
    db.session.commit()
    spanish = client.get(f"/meetings/{meeting.id}/comment?lang=es").text
    assert '<p class="prewrap" lang="en">Join the webinar or call in to comment.</p>' in spanish
    assert '<span lang="en">Call </span><a href="tel:+15550100">+1 555 0100</a><span lang="en">, webinar ID 815' \
        in spanish


def test_the_item_title_in_what_the_page_says_is_marked_in_its_language(client, meeting):
    """On a Spanish page the agenda item's title (the clerk's English) in the comment status
    and the queue heading is marked lang="en"; general comment, the page's own words, is not."""
    spanish = client.get(f"/meetings/{meeting.id}/comment?lang=es").text
    number = item_numbers(meeting.sections)[meeting.items[0].id]  # before it, as on the agenda
    assert f': {number} <span lang="en">Zoning of Elm Street</span> · ' in spanish
    assert 'sobre: <span lang="en">Zoning of Elm Street</span></p>' in spanish
    assert '<div id="item-titles" hidden lang="en">' in spanish


def test_console_of_a_draft_says_it_must_be_published(client, staff, app):
    draft = make_meeting(status=MeetingStatus.DRAFT)
    db.session.commit()
    staff.login(staff.user("clerk", draft.body))
    page = client.get(f"/staff/meetings/{draft.id}/live").text
    assert "The meeting must be published before the queue can be used." in page


def test_item_menus_give_each_item_its_agenda_number(client, staff, meeting):
    number = item_numbers(meeting.sections)[meeting.items[0].id]
    staff.login(staff.user("clerk", meeting.body))
    console = client.get(f"/staff/meetings/{meeting.id}/live").text
    assert console.count(f">{number} Zoning of Elm Street</option>") == 4  # current item, comment, cards, a correction
    assert f">{number} Zoning of Elm Street</option>" in client.get(f"/meetings/{meeting.id}/comment").text


def test_console_needs_a_sign_in(client, meeting):
    assert client.get(f"/staff/meetings/{meeting.id}/live").status_code == 302


@pytest.mark.parametrize("role, status", [("member", 403), ("clerk", 200), ("chair", 200)])
def test_console_is_for_the_body_chair_and_clerk(client, staff, meeting, role, status):
    staff.login(staff.user(role, meeting.body))
    page = client.get(f"/staff/meetings/{meeting.id}/live")
    assert page.status_code == status
    if status == 200:
        assert 'id="call-next"' in page.text and 'id="card-form"' in page.text
        # A screen reader hears who was called and when comment opens or closes.
        assert '<span id="speaker" role="status">' in page.text and '<p id="comment-status" role="status">' in page.text
        # Who Call next will call, beside it (Ana speaks, Ben waits).
        assert ('<p id="next-up" class="muted">Next: Ben <span class="muted name-note">(name not verified)</span>'
                ' · remote</p>') in page.text


@pytest.mark.parametrize("role", ["clerk", "chair"])
def test_console_links_the_staff_pages_that_run_the_meeting_with_it(client, staff, meeting, role):
    """The clerk moves between the live console, the proceedings console (call to order,
    roll call, recess, adjourn) and the agenda; each link is shown only to a role that may
    open the page, as the agenda builder links the consoles and the minutes editor."""
    staff.login(staff.user(role, meeting.body))
    console = client.get(f"/staff/meetings/{meeting.id}/live").text
    proceedings, agenda = f"/staff/meetings/{meeting.id}/proceedings", f"/staff/meetings/{meeting.id}/agenda"
    assert (proceedings in console) == (role == "clerk")
    assert (agenda in console) == (role == "clerk")
    if role == "clerk":
        builder = client.get(agenda).text
        assert f"/staff/meetings/{meeting.id}/live" in builder and proceedings in builder
        assert f"/staff/meetings/{meeting.id}/minutes" in builder
        for link in (proceedings, f"/staff/meetings/{meeting.id}/minutes"):
            assert client.get(link).status_code == 200
        assert f"/staff/meetings/{meeting.id}/live" in client.get(proceedings).text


@pytest.mark.parametrize("status, said", [(MeetingStatus.PUBLISHED, True), (MeetingStatus.IN_PROGRESS, False)])
def test_console_says_when_the_meeting_has_not_been_called_to_order(client, staff, status, said):
    meeting = make_meeting(status=status)
    db.session.commit()
    staff.login(staff.user("clerk", meeting.body))
    page = client.get(f"/staff/meetings/{meeting.id}/live").text
    notice = page.split('id="order-notice"')[1].split("</p>")[0]
    assert ("hidden" not in notice.split(">")[0]) == said
    assert "has not been called to order" in notice
    assert f"/staff/meetings/{meeting.id}/proceedings" in notice


def quorum_line(page):
    """What the quorum line of a page says, without the script's words in its attributes."""
    line = page.split('<strong id="live-quorum-state">')[1].split("</p>")[0]
    state, rest = line.split("</strong>")
    detail_open = rest.split(">")[0]
    return state, "hidden" not in detail_open, rest


def test_console_and_display_show_quorum_and_remote_access(client, staff):
    from app.extensions import db
    from app.meetings.models import MeetingStatus
    from tests.factories import make_meeting

    meeting = make_meeting(status=MeetingStatus.IN_PROGRESS)
    chair = staff.user("chair", body=meeting.body)
    db.session.commit()
    display = client.get(f"/meetings/{meeting.id}/display").text
    assert 'id="proceedings-live"' in display and "data-quorum-no=" in display
    staff.login(chair)
    console = client.get(f"/staff/meetings/{meeting.id}/live").text
    assert 'id="proceedings-live"' in console and "proceedings-live.js" in console


def test_before_the_roll_call_no_page_claims_there_is_no_quorum(client, staff, now):
    """With nobody's attendance recorded every member counts absent: the display, the
    live console and the proceedings console say the roll call has not been taken (the
    script does the same from the state's `attendance_recorded`), and the count once it has."""
    from app.minutes import services as minutes

    meeting = make_meeting(status=MeetingStatus.IN_PROGRESS)
    clerk = staff.user("clerk", body=meeting.body)
    db.session.commit()
    staff.login(clerk)
    pages = (f"/meetings/{meeting.id}/display", f"/staff/meetings/{meeting.id}/live",
             f"/staff/meetings/{meeting.id}/proceedings")
    assert live.public_state(meeting, now=now)["proceedings"]["attendance_recorded"] is False
    for path in pages:
        state, detail_shown, _ = quorum_line(client.get(path).text)
        assert (state, detail_shown) == ("Roll call not taken yet.", False), path

    minutes.record_attendance(meeting, meeting.body.members[0], status="present", actor=clerk, now=now)
    db.session.commit()
    assert live.public_state(meeting, now=now)["proceedings"]["attendance_recorded"] is True
    for path in pages:
        state, detail_shown, rest = quorum_line(client.get(path).text)
        assert (state, detail_shown) == ("No quorum", True), path
        assert "1 present (0 remote) of 5 seats; 3 needed." in rest


def test_the_spanish_display_heads_its_list_of_up_to_five_a_continuacion(app, spanish_app):
    """"Siguiente" is one person; the list under it has up to five. Nor does the Spanish
    display say "No hay quórum" before the roll call."""
    meeting = make_meeting(status=MeetingStatus.IN_PROGRESS)
    db.session.commit()
    page = spanish_app.test_client().get(f"/meetings/{meeting.id}/display?lang=es").text
    assert '<h2 id="next-heading">A continuación</h2>' in page
    state, detail_shown, _ = quorum_line(page)
    assert not detail_shown and "No hay quórum" not in state


def test_socket_io_pings_often_enough_to_notice_a_silent_phone(client):
    # The engine.io handshake tells every client how often to expect a ping and how long to wait for it.
    opened = client.get("/socket.io/?EIO=4&transport=polling")
    assert opened.status_code == 200 and opened.text.startswith("0")
    handshake = json.loads(opened.text[1:])
    assert (handshake["pingInterval"], handshake["pingTimeout"]) == (10_000, 10_000)


def test_the_public_live_pages_show_the_agenda_as_posted(client, app):
    """An item the clerk has added or renamed since the agenda was posted is not news
    before its amendment is posted: not listed, not signed up for, not retitled."""
    from datetime import timedelta

    from app.core.errors import NotFound
    from app.meetings import services as meetings
    from app.meetings.models import SectionKind
    from app.meetings.publishing import publish_agenda

    meeting = make_meeting(status=MeetingStatus.DRAFT, start_at=utcnow() + timedelta(days=30))
    posted = make_item(meeting, title="Repaving of Elm Street")
    clerk = make_user(role="clerk", body=meeting.body)
    db.session.commit()
    publish_agenda(meeting, actor=clerk, now=utcnow())
    db.session.commit()
    business = next(s for s in meeting.sections if s.kind == SectionKind.BUSINESS)
    posted_number = item_numbers(meeting.sections)[posted.id]
    draft = meetings.add_item(meeting, section_id=business.id, title="Settlement with Acme (not posted)",
                              actor=clerk, now=utcnow())
    meetings.update_item(posted, {"title": "Repaving of Elm and Oak Streets"}, actor=clerk, now=utcnow())
    meetings.move_item(draft, direction="up", actor=clerk, now=utcnow())  # the posted item is renumbered
    db.session.commit()
    db.session.expire_all()
    assert item_numbers(meeting.sections)[posted.id] != posted_number

    for page in ("comment", "display"):
        html = client.get(f"/meetings/{meeting.id}/{page}").text
        assert "Acme" not in html and "Oak" not in html and "Repaving of Elm Street" in html, page
    with pytest.raises(NotFound):
        live.join_queue(meeting, item_id=draft.id, now=utcnow())
    db.session.rollback()
    chair = make_user(role="chair", body=meeting.body)
    db.session.commit()
    live.set_item(meeting, item_id=posted.id, actor=chair, now=utcnow())
    live.open_comment(meeting, item_id=posted.id, actor=chair, now=utcnow())
    state = live.public_state(meeting, now=utcnow())
    assert state["current_item"]["title"] == state["comment"]["item_title"] == "Repaving of Elm Street"
    assert state["current_item"]["number"] == state["comment"]["item_number"] == posted_number  # as posted
    live.join_queue(meeting, item_id=posted.id, now=utcnow())
    live.close_comment(meeting, actor=chair, now=utcnow() + timedelta(minutes=5))
    # Brought up by the chair, an item not yet posted takes residents' sign-ups as cards.
    live.open_comment(meeting, item_id=draft.id, actor=chair, now=utcnow() + timedelta(minutes=6))
    # Never posted: its number as the agenda stands.
    assert live.public_state(meeting, now=utcnow())["comment"]["item_number"] == posted_number
    live.join_queue(meeting, item_id=draft.id, now=utcnow())
    live.close_comment(meeting, actor=chair, now=utcnow() + timedelta(minutes=12))
    db.session.commit()

    publish_agenda(meeting, actor=clerk, now=utcnow())  # the amendment is posted: now it is news
    db.session.commit()
    html = client.get(f"/meetings/{meeting.id}/comment").text
    assert "Settlement with Acme (not posted)" in html and "Repaving of Elm and Oak Streets" in html
