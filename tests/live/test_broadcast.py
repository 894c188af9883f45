"""When gathered residents' changes are sent (app.live.broadcast)."""
from app.live.broadcast import send_at


def test_residents_changes_go_out_after_a_pause_but_never_later_than_the_cap():
    assert send_at(10.0, 10.0, quiet=0.25, max_delay=2.0) == 10.25
    assert send_at(10.0, 11.9, quiet=0.25, max_delay=2.0) == 12.0  # joins keep coming: the cap wins


def test_the_kept_state_is_served_until_the_version_changes_with_the_countdown_brought_up_to_date(app, now):
    from datetime import timedelta

    import sqlalchemy as sa

    from app.core.db import transaction
    from app.extensions import db
    from app.live import services
    from app.live.sockets import APP_KEY
    from app.meetings.models import MeetingStatus
    from tests.factories import make_item, make_meeting, make_user

    meeting = make_meeting(status=MeetingStatus.IN_PROGRESS)
    item = make_item(meeting)
    chair = make_user(role="chair", body=meeting.body)
    db.session.commit()
    with transaction():
        services.open_comment(meeting, item_id=item.id, seconds_per_speaker=120, actor=chair, now=now)
        services.join_queue(meeting, item_id=item.id, now=now)
        services.call_next(meeting, actor=chair, now=now)
        services.timer(meeting, action="start", actor=chair, now=now)
    broadcaster = app.extensions[APP_KEY]
    first = broadcaster.state_for(meeting, now)
    assert first["speaker"]["remaining_seconds"] == 120

    queries = []

    def count(*args):
        queries.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        later = broadcaster.state_for(meeting, now + timedelta(seconds=50))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert queries == []  # served from the kept copy
    assert later["speaker"]["remaining_seconds"] == 70 and later["version"] == first["version"]
    assert first["speaker"]["remaining_seconds"] == 120  # the kept copy itself is not changed

    with transaction():
        services.timer(meeting, action="pause", actor=chair, now=now + timedelta(seconds=60))
    paused = broadcaster.state_for(meeting, now + timedelta(seconds=90))
    assert paused["version"] == first["version"] + 1 and paused["speaker"]["paused"] is True
    assert paused["speaker"]["remaining_seconds"] == 60
