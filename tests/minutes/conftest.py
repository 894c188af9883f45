"""Fixtures for proceedings and minutes: a California council in session-ready state."""
from datetime import timedelta

import pytest

from app.core.time import utcnow
from app.extensions import db
from app.meetings.models import MeetingStatus, SectionKind
from tests.factories import make_body, make_item, make_meeting


_HASHES = {}


@pytest.fixture(autouse=True)
def one_password_hash(monkeypatch):
    # These tests sign in with tokens; hashing each user's password would be most of their time.
    from app.accounts import services as accounts
    from app.accounts.passwords import hash_password

    def cached(password):
        if password not in _HASHES:
            _HASHES[password] = hash_password(password)
        return _HASHES[password]

    monkeypatch.setattr(accounts, "hash_password", cached)


@pytest.fixture
def body(app):
    body = make_body(slug="city-council")
    db.session.commit()
    return body


@pytest.fixture
def members(body):
    return list(body.members)


@pytest.fixture
def clerk(staff, body):
    return staff.user("clerk", body=body)


@pytest.fixture
def auth(staff, clerk):
    return staff.token_headers(clerk)


@pytest.fixture
def meeting(body):
    meeting = make_meeting(body, start_at=utcnow() - timedelta(minutes=5), title="Regular Meeting",
                           status=MeetingStatus.PUBLISHED)
    db.session.commit()
    return meeting


@pytest.fixture
def item(meeting):
    item = make_item(meeting, title="Street resurfacing contract")
    db.session.commit()
    return item


@pytest.fixture
def consent_items(meeting):
    section = next(s for s in meeting.sections if s.kind == SectionKind.CONSENT)
    items = [make_item(meeting, section, title=f"Consent {n}", accepts_public_comment=False) for n in (1, 2)]
    db.session.commit()
    return items
