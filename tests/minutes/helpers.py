"""Steps of a meeting through the API and the live services, for the minutes tests."""
import sqlalchemy as sa

from app.compliance.models import ComplianceEntry
from app.core.db import transaction
from app.core.time import utcnow
from app.extensions import db
from app.live import services as live
from app.meetings.models import Meeting


def act(client, auth, meeting, action, **extra):
    return client.post(f"/api/v1/meetings/{meeting.id}/proceedings", json={"action": action, **extra},
                       headers=auth)


def attend(client, auth, meeting, member, status="present", mode="in_person", **extra):
    return client.put(f"/api/v1/meetings/{meeting.id}/attendance/{member.id}",
                      json={"status": status, "mode": mode, **extra}, headers=auth)


def all_present(client, auth, meeting, members):
    for member in members:
        assert attend(client, auth, meeting, member).status_code == 200


def comment_period(meeting, item):
    """Open and close public comment on the item, as the chair would over /live."""
    with transaction():
        live.open_comment(meeting, item_id=item.id, actor="chair", now=utcnow())
    with transaction():
        live.close_comment(meeting, actor="chair", now=utcnow())


def move(client, auth, meeting, item, members, **extra):
    payload = {"item_id": item.id, "text": "Approve the contract.", "mover_id": members[0].id,
               "seconder_id": members[1].id, **extra}
    response = client.post(f"/api/v1/meetings/{meeting.id}/motions", json=payload, headers=auth)
    assert response.status_code == 201, response.text
    return response.json


def vote(client, auth, motion_id, votes, **extra):
    return client.post(f"/api/v1/motions/{motion_id}/vote",
                       json={"votes": {str(k): v for k, v in votes.items()}, **extra}, headers=auth)


def tags(meeting):
    return [e.tag for e in db.session.scalars(sa.select(ComplianceEntry).where(
        ComplianceEntry.meeting_id == meeting.id).order_by(ComplianceEntry.seq))]


def fingerprint(meeting_id):
    """Everything an error must leave untouched."""
    from app.minutes.models import (Attendance, MinutesApproval, MinutesRevision, Motion, ProceedingsEvent,
                                    Recusal, Vote)

    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting_id)
    counts = tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                   for model in (Attendance, ProceedingsEvent, Motion, Vote, Recusal, MinutesRevision,
                                 MinutesApproval, ComplianceEntry))
    results = tuple(db.session.scalars(sa.select(Motion.result).order_by(Motion.id)))
    return meeting.status, meeting.state_version, counts, results
