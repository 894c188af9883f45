"""Minutes deadlines (Illinois, New York) warned on the staff dashboard."""
from datetime import timedelta

from app.core.time import utcnow
from app.extensions import db
from app.meetings.models import MeetingStatus
from tests.factories import make_body, make_meeting, make_user


def test_dashboard_warns_of_minutes_deadlines(client, staff):
    now = utcnow()
    illinois = make_body(slug="il-board", name="Illinois Village Board", timezone="America/Chicago",
                         rule_pack="us-il-oma")
    new_york = make_body(slug="ny-board", name="New York Town Board", timezone="America/New_York",
                         rule_pack="us-ny-oml")
    california = make_body(slug="ca-council", name="California Council", rule_pack="us-ca-brown-act")
    soon = make_meeting(illinois, title="Illinois March meeting", start_at=now - timedelta(days=25),
                        status=MeetingStatus.ADJOURNED)
    make_meeting(illinois, title="Illinois recent meeting", start_at=now - timedelta(days=2),
                 status=MeetingStatus.ADJOURNED)
    late = make_meeting(new_york, title="New York work session", start_at=now - timedelta(days=20),
                        status=MeetingStatus.ADJOURNED)
    make_meeting(new_york, title="New York cancelled meeting", start_at=now - timedelta(days=20),
                 status=MeetingStatus.CANCELLED)
    make_meeting(california, title="California meeting", start_at=now - timedelta(days=60),
                 status=MeetingStatus.ADJOURNED)
    admin = make_user("admin")
    db.session.commit()

    staff.login(admin)
    page = client.get("/staff").text
    assert "Minutes deadlines" in page
    section = page.split('id="minutes-deadlines-heading"')[1].split("</section>")[0]
    assert "Due soon" in section and soon.title in section and "5 ILCS 120/2.06(b)" in section
    assert "Overdue" in section and late.title in section and "§106(3)" in section
    assert f'/staff/meetings/{soon.id}/minutes' in section
    assert section.index(late.title) < section.index(soon.title)  # the earliest deadline first
    for quiet in ("Illinois recent meeting", "New York cancelled meeting", "California meeting"):
        assert quiet not in section


def test_no_warnings_without_deadlines(client, staff):
    body = make_body(rule_pack="us-ca-brown-act")
    make_meeting(body, start_at=utcnow() - timedelta(days=60), status=MeetingStatus.ADJOURNED)
    clerk = make_user("clerk", body=body)
    db.session.commit()
    staff.login(clerk)
    response = client.get("/staff")
    assert response.status_code == 200 and "Minutes deadlines" not in response.text
