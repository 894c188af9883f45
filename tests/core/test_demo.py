"""`flask seed-demo`: a realistic demo city, seeded once, with verifiable logs."""
import sqlalchemy as sa

from app.accounts.services import authenticate
from app.extensions import db
from app.meetings.attachments import attachment_path
from app.meetings.models import Attachment, Body, Meeting, MeetingStatus


def table_counts():
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_seed_demo_builds_the_city_once(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "clerk@example.gov" in first.output and "demo-password-123" in first.output
    counts = table_counts()

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "nothing changed" in second.output
    assert "demo-password-123" not in second.output
    assert table_counts() == counts

    council = db.session.scalar(sa.select(Body).where(Body.slug == "city-council"))
    assert council.timezone == "America/Los_Angeles" and council.rule_pack == "us-ca-brown-act"
    assert len(council.members) == 5
    # The council's rules: main motions by a majority of the full council; the commission keeps Robert's.
    assert council.default_thresholds["main"] == "majority_of_full_body"
    assert council.default_thresholds["table"] == "majority_of_votes_cast"
    planning = db.session.scalar(sa.select(Body).where(Body.slug == "planning-commission"))
    assert set(planning.default_thresholds.values()) == {"majority_of_votes_cast"}
    assert db.session.scalar(sa.select(sa.func.count(Body.id))) >= 2
    statuses = [m.status for m in db.session.scalars(sa.select(Meeting))]
    assert MeetingStatus.ADJOURNED in statuses
    assert MeetingStatus.PUBLISHED in statuses
    assert MeetingStatus.DRAFT in statuses
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) >= 3
    for attachment in db.session.scalars(sa.select(Attachment)):
        assert attachment_path(app.config["UPLOAD_DIR"], attachment.sha256).stat().st_size == attachment.size_bytes

    for email in ("clerk@example.gov", "chair@example.gov"):
        assert authenticate(email, "demo-password-123") is not None

    verify = runner.invoke(args=["compliance", "verify"])
    assert verify.exit_code == 0, verify.output


def test_seed_demo_if_empty_leaves_existing_data_alone(app, runner):
    from tests.factories import make_body

    make_body(slug="existing")
    db.session.commit()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "nothing changed" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Body.id))) == 1


def test_demo_agenda_was_posted_on_time(app, runner):
    from app.compliance.services import entries_for

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    for meeting in db.session.scalars(sa.select(Meeting).where(Meeting.status != MeetingStatus.DRAFT)):
        checks = [e.data for e in entries_for(meeting.id) if e.tag == "deadline:checked"]
        assert checks and all(check["met"] for check in checks), meeting.title


def test_the_readme_demo_meeting_takes_public_comment(app, runner, client, staff):
    """The README sends people to meeting 3 of a fresh demo to try the live queue."""
    from app.accounts.models import User
    from app.extensions import socketio

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    third = db.session.scalars(sa.select(Meeting).order_by(Meeting.id)).all()[2]
    assert third.body.slug == "city-council" and third.status == MeetingStatus.PUBLISHED
    chair = db.session.scalar(sa.select(User).where(User.email == "chair@example.gov"))
    staff.login(chair, "demo-password-123")
    assert client.get(f"/staff/meetings/{third.id}/live").status_code == 200
    item = next(item for section in third.sections for item in section.items if item.accepts_public_comment)
    console = socketio.test_client(app, namespace="/live", auth={"meeting": third.id}, flask_test_client=client)
    assert console.emit("open_comment", {"item_id": item.id}, namespace="/live", callback=True)["ok"]
    resident = socketio.test_client(app, namespace="/live", auth={"meeting": third.id})
    joined = resident.emit("join_queue", {"item_id": item.id}, namespace="/live", callback=True)
    assert joined["ok"] and joined["entry"]["position"] == 1
    assert app.test_client().get(f"/meetings/{third.id}/comment").status_code == 200
