"""The public compliance report page: /meetings/<id>/compliance."""
import re
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.meetings.publishing import publish_agenda
from tests.factories import NOW, make_item, make_meeting, make_user


def published_meeting(**overrides):
    clerk = make_user("clerk")
    meeting = make_meeting(**overrides)
    make_item(meeting, title="Adopt the budget")
    publish_agenda(meeting, actor=clerk, now=NOW, override_reason="Storm closed City Hall.")
    db.session.commit()
    return meeting


def test_page_lists_every_entry_with_hash_and_local_time(client):
    meeting = published_meeting(start_at=NOW + timedelta(hours=24))
    response = client.get(f"/meetings/{meeting.id}/compliance")
    assert response.status_code == 200
    html = response.text
    for entry in meeting_entries(meeting.id):
        assert f'id="entry-{entry.seq}"' in html
        assert f'<code class="hash" title="{entry.hash}">{entry.hash}</code>' in html  # cut short on screen
    assert "Agenda posted" in html and "agenda:posted" in html
    # NOW in the body's timezone, to the second (a warning and the removal after it
    # are seconds apart); moments inside the entries' details too, not as raw UTC.
    assert "Mar 2, 2026 9:00:00 AM PST" in html
    assert not re.search(r"<dd>\d{4}-\d\d-\d\dT", html)
    assert "Intact." in html


def test_the_fields_of_each_entry_are_named_in_the_readers_language(client, spanish_app):
    """The data keeps its English keys (they are hashed); the page names them."""
    meeting = published_meeting(start_at=NOW + timedelta(hours=24))
    english = client.get(f"/meetings/{meeting.id}/compliance").text
    assert "<dt>agenda version</dt>" in english and "<dt>notice hours</dt>" in english
    spanish = spanish_app.test_client().get(f"/meetings/{meeting.id}/compliance",
                                            headers={"Accept-Language": "es"}).text
    assert "<dt>versión del orden del día</dt>" in spanish and "<dt>horas de aviso</dt>" in spanish
    assert "<dt>agenda version</dt>" not in spanish
    # So are the codes among the values (a rule's severity here, said as what it does);
    # other text stays as it is.
    assert "<dt>if not met</dt><dd>publishing is refused</dd>" in english
    assert "severity" not in english and "<dd>block</dd>" not in english
    assert "<dt>si no se cumple</dt><dd>se rechaza la publicación</dd>" in spanish
    assert "Storm closed City Hall." in spanish


def test_the_rules_and_their_evidence_are_in_the_readers_language(client, spanish_app):
    """The log keeps each check's English summary, as hashed; the page translates it."""
    meeting = published_meeting(start_at=NOW + timedelta(hours=24))
    english = client.get(f"/meetings/{meeting.id}/compliance").text
    assert "The agenda says how to watch and take part remotely." in english
    assert "<li>webinar link</li>" in english
    spanish = spanish_app.test_client().get(f"/meetings/{meeting.id}/compliance",
                                            headers={"Accept-Language": "es"}).text
    for said in ("El orden del día indica cómo ver la reunión y participar a distancia.",
                 "Cada punto del orden del día tiene un título (su breve descripción general).",
                 "Práctica de Dais para reuniones híbridas (participación pública a distancia)",
                 "<li>instrucciones para participar a distancia</li>", "<li>enlace al seminario web</li>",
                 "<li>línea telefónica</li>"):
        assert said in spanish
    for english_text in ("The agenda says how", "Every agenda item has a title", "remote_url", "dial_in"):
        assert english_text not in spanish


def test_reasons_dais_gives_itself_are_named_typed_ones_stay_as_typed(client, spanish_app):
    from app.core.time import utcnow
    from app.live import services as live
    from app.meetings import services as meetings
    from app.meetings.models import MeetingStatus

    meeting = published_meeting(start_at=NOW + timedelta(hours=24))
    meeting.status = MeetingStatus.IN_PROGRESS
    chair = make_user("chair", body=meeting.body)
    live.join_queue(meeting, item_id=None, now=utcnow())
    meetings.change_status(meeting, MeetingStatus.ADJOURNED, actor=chair, now=utcnow())
    db.session.commit()
    spanish = spanish_app.test_client().get(f"/meetings/{meeting.id}/compliance",
                                            headers={"Accept-Language": "es"}).text
    assert "Los lugares que seguían en la fila terminaron con la reunión" in spanish
    assert "<dt>motivo</dt><dd>levantada</dd>" in spanish
    assert "Storm closed City Hall." in spanish  # the clerk's own reason


def test_page_shows_rule_checks_with_their_evidence(client):
    meeting = published_meeting(start_at=NOW + timedelta(hours=24))
    html = client.get(f"/meetings/{meeting.id}/compliance").text
    assert "ca.posting.regular" in html and "Cal. Gov. Code §54954.2(a)(1)" in html
    assert "Missed" in html and "2 days late" in html  # deadline was 72 h before, 48 h late
    assert "Storm closed City Hall." in html
    assert "ca.agenda.accommodation_notice" in html and "Passed" in html
    assert "California — Ralph M. Brown Act" in html


def test_page_reports_tampering(client):
    meeting = published_meeting()
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("ALTER TABLE compliance_entries DISABLE TRIGGER compliance_entries_insert_only"))
        try:
            conn.execute(sa.text("UPDATE compliance_entries SET actor = 'nobody' WHERE meeting_id = :m AND seq = 2"),
                         {"m": meeting.id})
        finally:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("ALTER TABLE compliance_entries ENABLE TRIGGER compliance_entries_insert_only"))
    html = client.get(f"/meetings/{meeting.id}/compliance").text
    assert "Tampering detected." in html and "entry seq=2" in html


def test_draft_meeting_log_is_not_public(client, staff):
    meeting = make_meeting()
    db.session.commit()
    url = f"/meetings/{meeting.id}/compliance"
    assert client.get(url).status_code == 404
    staff.login(staff.user("clerk", body=meeting.body))
    assert client.get(url).status_code == 200


def test_page_has_no_inline_script_or_style(client):
    meeting = published_meeting()
    html = client.get(f"/meetings/{meeting.id}/compliance").text
    assert not re.search(r"<script(?![^>]*\bsrc=)", html, re.I)  # only external scripts
    assert " style=" not in html.lower()
    assert html.count("<h1") == 1


def test_unknown_meeting_is_404(client):
    assert client.get("/meetings/424242/compliance").status_code == 404


def meeting_entries(meeting_id):
    from app.compliance.services import entries_for

    return entries_for(meeting_id)


def test_a_place_staff_withdrew_is_named_so_in_the_log(client):
    from app.core.time import utcnow
    from app.live import services as live
    from app.meetings.models import MeetingStatus

    meeting = published_meeting(start_at=NOW + timedelta(hours=24))
    meeting.status = MeetingStatus.IN_PROGRESS
    clerk = make_user("clerk", body=meeting.body)
    card = live.add_in_person(meeting, item_id=None, display_name="Pat Smith", actor=clerk, now=utcnow())
    live.withdraw_card(meeting, entry_id=card.id, reason="Entered twice", actor=clerk, now=utcnow())
    db.session.commit()
    html = client.get(f"/meetings/{meeting.id}/compliance").text
    assert "Speaker withdrawn by staff" in html and "Entered twice" in html
    assert "Speaker left the queue" not in html


def test_a_turn_ended_before_its_time_started_is_not_called_finished_in_the_log(client):
    from app.core.time import utcnow
    from app.live import services as live
    from app.meetings.models import MeetingStatus

    meeting = published_meeting(start_at=NOW + timedelta(hours=24))
    meeting.status = MeetingStatus.IN_PROGRESS
    chair = make_user("chair", body=meeting.body)
    live.open_comment(meeting, item_id=None, actor=chair, now=utcnow())
    for name in ("Unheard", "Heard"):
        live.add_in_person(meeting, item_id=None, display_name=name, actor=chair, now=utcnow())
    live.call_next(meeting, actor=chair, now=utcnow())
    live.call_next(meeting, actor=chair, now=utcnow())  # before Unheard's time was started
    live.timer(meeting, action="start", actor=chair, now=utcnow())
    live.timer(meeting, action="stop", actor=chair, now=utcnow() + timedelta(seconds=40))
    db.session.commit()
    html = client.get(f"/meetings/{meeting.id}/compliance").text
    assert html.count("Speaker's turn ended with no time used") == 1
    assert html.count("Speaker finished") == 1
