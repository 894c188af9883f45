"""Who may call what: every staff page and every API endpoint, as every kind of caller.

The rules are read from `app.url_map` when the test runs, so an endpoint added
later is covered without touching this file — except the table below, which is
default-deny: an endpoint that is not in ACCESS fails the test until someone
decides, in review, who may call it.

Callers: anonymous, member, chair, clerk, admin (all on the same body as the
data), and a clerk of another body. Expected answers:
  anonymous              -> 401 JSON (API) or a redirect to /login (HTML)
  a role not allowed     -> 403
  clerk of another body  -> 403 when the endpoint acts on one body's data
  an allowed role        -> neither 401 nor 403 (and no 5xx)
Every caller gets its own freshly seeded body, meeting, item and attachment, so
an allowed caller that deletes or publishes something cannot change what the
next caller sees.
"""
import hashlib
from dataclasses import dataclass, field
from functools import cache
from itertools import count

import pytest

from app import create_app
from app.accounts.models import Membership, Role, User
from app.accounts.passwords import hash_password
from app.accounts.services import issue_token
from app.extensions import db
from app.meetings.models import Attachment
from config import TestConfig
from tests.conftest import _clear_tables, csrf_from
from tests.factories import NOW, make_body, make_item, make_meeting

MEMBER, CHAIR, CLERK, ADMIN = "member", "chair", "clerk", "admin"
CALLERS = ("anonymous", "other_clerk", MEMBER, CHAIR, CLERK, ADMIN)
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Access:
    """Who may call one (method, endpoint).

    roles:  the roles (on the body the data belongs to) that may call it; admins are listed explicitly.
    scoped: True when the endpoint acts on one body's data, so a clerk of another body is refused.
    json / form: the payload sent (placeholders like "{slug}" are filled from the seeded data); it
            only needs to be complete enough for the endpoint to reach its permission check.
    """

    roles: frozenset
    scoped: bool = True
    json: dict | None = None
    form: dict = field(default_factory=dict)


def allow(*roles, **kwargs):
    return Access(frozenset(roles), **kwargs)


# Readable by anyone (anonymous included): checked only for "not 401/403".
PUBLIC = "public"
STAFF = (MEMBER, CHAIR, CLERK, ADMIN)
CLERKS = (CLERK, ADMIN)

NEW_MEETING_JSON = {"body": "{slug}", "kind": "regular", "title": "Policy matrix meeting",
                    "start": "2026-04-07T18:00:00"}
NEW_BODY_JSON = {"slug": "policy-matrix", "name": "Policy Matrix Board", "timezone": "America/Chicago",
                 "rule_pack": "generic"}

ACCESS = {
    # accounts
    "GET accounts_api.me": allow(*STAFF, scoped=False),
    # staff pages (HTML)
    "GET staff.dashboard": allow(*STAFF, scoped=False),
    # The form only offers bodies the caller may create meetings on; another body's slug
    # is refused by validation (422), so this one is not body-scoped here.
    "GET staff.new_meeting": allow(*CLERKS, scoped=False),
    "POST staff.new_meeting": allow(*CLERKS, scoped=False, form={"body": "{slug}", "kind": "regular",
                                                                 "title": "Policy matrix meeting"}),
    "GET staff.edit_agenda": allow(*CLERKS),
    "POST staff.update_details": allow(*CLERKS),
    "POST staff.add_section": allow(*CLERKS),
    "POST staff.add_item": allow(*CLERKS),
    "GET staff.edit_item": allow(*CLERKS),
    "POST staff.edit_item": allow(*CLERKS),
    "GET staff.delete_item": allow(*CLERKS),
    "POST staff.delete_item": allow(*CLERKS),
    "POST staff.move_item": allow(*CLERKS, form={"direction": "up"}),
    "POST staff.upload_attachment": allow(*CLERKS),
    "POST staff.delete_attachment": allow(*CLERKS),
    "POST staff.publish": allow(*CLERKS),
    "POST staff.cancel": allow(*CLERKS, form={"reason": "Lack of quorum"}),
    # bodies: every clerk sees the bodies they keep; only admins create bodies
    "GET staff.list_bodies": allow(*CLERKS, scoped=False),
    "POST staff.create_body": allow(ADMIN, scoped=False),
    "POST staff.add_member": allow(*CLERKS),
    # a body's settings: its clerk (comment time and order, default thresholds); timezone and
    # rule pack only for admins, which tests/meetings/test_body_settings.py checks field by field
    "GET staff.edit_body": allow(*CLERKS),
    "POST staff.edit_body": allow(*CLERKS, form={"settings-comment_seconds": "120",
                                                 "settings-comment_policy": "fifo"}),
    # the chair's and clerk's console for the live meeting
    "GET live.console": allow(CHAIR, CLERK, ADMIN),
    # bodies and meetings API
    "GET meetings_api.list_bodies": PUBLIC,
    "GET meetings_api.get_body": PUBLIC,
    "PATCH meetings_api.update_body": allow(*CLERKS, json={"comment_seconds": 120,
                                                           "default_thresholds": {"table": "two_thirds"}}),
    "POST meetings_api.create_body": allow(ADMIN, scoped=False, json=NEW_BODY_JSON),
    "GET meetings_api.list_meetings": PUBLIC,
    "POST meetings_api.create_meeting": allow(*CLERKS, json=NEW_MEETING_JSON),
    "GET meetings_api.get_meeting": PUBLIC,
    "PATCH meetings_api.update_meeting": allow(*CLERKS, json={"title": "Renamed"}),
    "POST meetings_api.publish_meeting": allow(*CLERKS),
    "POST meetings_api.cancel_meeting": allow(*CLERKS, json={"reason": "Lack of quorum"}),
    "POST meetings_api.postpone_meeting": allow(*CLERKS, json={"reason": "Lack of quorum"}),
    "POST meetings_api.add_section": allow(*CLERKS, json={"title": "Reports", "kind": "reports"}),
    "POST meetings_api.add_item": allow(*CLERKS, json={"section_id": "{section_id}", "title": "New item"}),
    "PATCH meetings_api.update_item": allow(*CLERKS, json={"title": "Renamed item"}),
    "DELETE meetings_api.delete_item": allow(*CLERKS),
    "PUT meetings_api.reorder_items": allow(*CLERKS, json={"order": []}),
    "POST meetings_api.add_attachment": allow(*CLERKS),
    "DELETE meetings_api.delete_attachment": allow(*CLERKS),
    # compliance log: public by design, anyone may verify it
    "GET compliance_api.get_log": PUBLIC,
    # proceedings and minutes: the clerk keeps the record; staff of the body may read it
    "GET minutes_api.get_proceedings": allow(*STAFF),
    "POST minutes_api.proceedings_action": allow(*CLERKS, json={"action": "call_to_order"}),
    "PUT minutes_api.record_attendance": allow(*CLERKS, json={"status": "present", "mode": "in_person"}),
    "POST minutes_api.declare_recusal": allow(*CLERKS, json={"item_id": "{item_id}", "member_id": "{member_id}",
                                                             "reason": "Owns property next to the site"}),
    "POST minutes_api.pull_from_consent": allow(*CLERKS, json={"item_id": "{item_id}"}),
    "POST minutes.console_pull": allow(*CLERKS),
    "POST minutes_api.make_motion": allow(*CLERKS, json={"item_id": "{item_id}", "text": "Move to approve.",
                                                         "mover_id": "{member_id}"}),
    "GET minutes_api.get_motion": PUBLIC,
    "POST minutes_api.record_vote": allow(*CLERKS, json={"votes": {}}),
    "GET minutes_api.get_minutes": PUBLIC,
    "POST minutes_api.save_revision": allow(*CLERKS, json={"html": "<p>Minutes.</p>"}),
    "POST minutes_api.approve_minutes": allow(*CLERKS, json={"approving_motion_id": "{motion_id}"}),
    "GET minutes.console": allow(*CLERKS),
    "POST minutes.console_action": allow(*CLERKS, form={"action": "call_to_order"}),
    "POST minutes.console_attendance": allow(*CLERKS),
    "POST minutes.console_recusal": allow(*CLERKS),
    "POST minutes.console_motion": allow(*CLERKS),
    "POST minutes.console_vote": allow(*CLERKS),
    "GET minutes.edit_minutes": allow(*CLERKS),
    "POST minutes.edit_minutes": allow(*CLERKS),
}


LISTING_APP = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")


def _in_scope(rule, method):
    if rule.rule.startswith("/staff"):
        return True
    if rule.rule.startswith("/api/v1"):
        # Every API write; GET rules too, because some are staff-only (the table says which).
        return not rule.rule.endswith("/openapi.json")
    return False


def checked_rules():
    """(key, rule, method) for every rule the matrix covers, from the real url_map."""
    found = []
    for rule in LISTING_APP.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if _in_scope(rule, method):
                found.append((f"{method} {rule.endpoint}", rule.rule, method))
    return sorted(found)


RULES = checked_rules()


def test_every_staff_page_and_api_endpoint_is_in_the_table():
    missing = [f"{key}  ({rule})" for key, rule, _ in RULES if key not in ACCESS]
    assert not missing, (
        "These endpoints are not in tests/test_policy_matrix.py ACCESS. Decide who may call each "
        "(allow(*CLERKS), allow(*STAFF, scoped=False), PUBLIC, ...) and add it:\n  " + "\n  ".join(missing))


def test_the_table_names_only_endpoints_that_exist():
    existing = {key for key, _, _ in RULES}
    # An entry for a blueprint that is not registered (a feature not wired in yet) waits;
    # an entry naming a missing endpoint of a registered blueprint is stale.
    registered = [key for key in ACCESS if key.split()[1].split(".")[0] in LISTING_APP.blueprints]
    stale = sorted(set(registered) - existing)
    assert not stale, "Remove (or rename) these entries of ACCESS; no such endpoint: " + ", ".join(stale)


# ---------------------------------------------------------------- seeded data per caller

_emails = count(1)


@cache
def _password_hash():
    # One argon2 hash for the whole module: hashing is slow on purpose.
    return hash_password("policy-matrix-password")


def _user(role, body):
    user = User(email=f"matrix{next(_emails)}@example.gov", name=f"Matrix {role}",
                password_hash=_password_hash(), is_admin=(role == ADMIN), created_at=NOW)
    db.session.add(user)
    if role != ADMIN:
        db.session.add(Membership(user=user, body_id=body.id, role=Role(role)))
    db.session.flush()
    return user


def _attachment(item, upload_dir):
    data = b"%PDF-1.4\n% policy matrix\n%%EOF\n"
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        from app.meetings.attachments import attachment_path

        path = attachment_path(upload_dir, sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except ImportError:
        pass
    attachment = Attachment(item_id=item.id, filename="staff-report.pdf", title="Staff report",
                            sha256=sha256, size_bytes=len(data), page_count=1, uploaded_at=NOW)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def _motion(meeting, item, mover):
    """A motion on the item, when the minutes feature is present (motion URLs need one)."""
    try:
        from app.minutes.models import Motion, Threshold
    except ModuleNotFoundError:
        return None
    motion = Motion(meeting_id=meeting.id, item_id=item.id, covered_item_ids=[item.id],
                    text="Move to approve.", threshold=Threshold.MAJORITY_OF_VOTES_CAST,
                    mover_id=mover.id, made_at=NOW)
    db.session.add(motion)
    db.session.flush()
    return motion


def seed_world(app, caller):
    """A body with a draft meeting, an item with an attachment and a motion, and the caller's account."""
    with app.app_context():
        body = make_body()
        meeting = make_meeting(body)
        item = make_item(meeting)
        attachment = _attachment(item, app.config["UPLOAD_DIR"])
        motion = _motion(meeting, item, body.members[0])
        user = token = None
        if caller == "other_clerk":
            user = _user(CLERK, make_body())
        elif caller != "anonymous":
            user = _user(caller, body)
        if user is not None:
            token = issue_token(user, now=NOW, label="policy-matrix")
        world = {
            "slug": body.slug, "body_id": body.id, "meeting_id": meeting.id, "item_id": item.id,
            "section_id": item.section_id, "attachment_id": attachment.id, "member_id": body.members[0].id,
            "filename": attachment.filename, "number": 1, "motion_id": motion.id if motion else None,
            "user_id": user.id if user else None, "token": token,
        }
        db.session.commit()
        db.session.remove()
    return world


# URL arguments by name: teach `url_values` a new name here when a rule needs one.
URL_ARGUMENTS = {"slug": "slug", "body_slug": "slug", "body_id": "body_id", "meeting_id": "meeting_id",
                 "item_id": "item_id", "section_id": "section_id", "attachment_id": "attachment_id",
                 "member_id": "member_id", "filename": "filename", "number": "number",
                 "motion_id": "motion_id"}


def url_values(rule, world):
    unknown = sorted(set(rule.arguments) - set(URL_ARGUMENTS))
    assert not unknown, (f"{rule.rule}: tests/test_policy_matrix.py does not know how to fill {unknown}; "
                         "seed the object in seed_world() and add it to URL_ARGUMENTS")
    return {name: world[URL_ARGUMENTS[name]] for name in rule.arguments}


def fill(value, world):
    """Replace "{name}" placeholders in a payload with seeded values (whole ones keep their type)."""
    if isinstance(value, dict):
        return {key: fill(item, world) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, world) for item in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in world:
        return world[value[1:-1]]
    if isinstance(value, str):
        return value.format(**world)
    return value


# ---------------------------------------------------------------- calling as each caller

def sign_in(app, client, user_id):
    """Put the user in the session as Flask-Login does (the real form is tested in tests/accounts)."""
    with client.session_transaction(environ_base=client.environ_base) as session:
        with app.test_request_context(environ_base=client.environ_base):
            session["_id"] = app.login_manager._session_identifier_generator()
        session["_user_id"] = str(user_id)
        session["_fresh"] = True


def call(app, rule, method, access, caller, world):
    client = app.test_client()
    with app.test_request_context():
        from flask import url_for

        url = url_for(rule.endpoint, **url_values(rule, world))
    is_api = rule.rule.startswith("/api/")
    if is_api:
        headers = {"Authorization": f"Bearer {world['token']}"} if world["token"] else {}
        payload = fill(access.json if isinstance(access, Access) and access.json is not None else {}, world)
        kwargs = {"json": payload} if method in WRITE_METHODS else {}
        return client.open(url, method=method, headers=headers, **kwargs)
    if world["user_id"] is not None:
        sign_in(app, client, world["user_id"])
    if method not in WRITE_METHODS:
        return client.open(url, method=method)
    # A valid CSRF token for this session, so the answer is about permission, not about CSRF.
    page = client.get("/login" if world["user_id"] is None else "/no-such-page-for-a-csrf-token")
    form = dict(fill(access.form, world)) if isinstance(access, Access) else {}
    form["csrf_token"] = csrf_from(page.text)
    return client.open(url, method=method, data=form)


def expectation(access, caller, is_api):
    if access == PUBLIC:
        return "allowed"
    if caller == "anonymous":
        return "401" if is_api else "login"
    if caller == "other_clerk":
        if access.scoped:
            return "403"
        return "allowed" if CLERK in access.roles else "403"
    return "allowed" if caller in access.roles else "403"


def check(response, expected, is_api):
    status = response.status_code
    if expected == "401":
        return status == 401 and response.is_json and response.json["error"]["code"] == "unauthorized"
    if expected == "login":
        return status == 302 and response.headers["Location"].startswith("/login")
    if expected == "403":
        if status != 403:
            return False
        return (not is_api) or response.json["error"]["code"] == "forbidden"
    return status not in (401, 403) and status < 500 and not (
        status == 302 and response.headers["Location"].startswith("/login"))


@pytest.fixture
def matrix_app(database_url, tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url,
                     INSTANCE_DIR=tmp_path / "instance", UPLOAD_DIR=tmp_path / "uploads")
    yield app
    with app.app_context():
        db.session.remove()
        _clear_tables()
        db.engine.dispose()


@pytest.mark.parametrize("key, path, method", RULES, ids=[key for key, _, _ in RULES])
def test_policy(matrix_app, key, path, method):
    access = ACCESS.get(key)
    if access is None:
        pytest.fail(f"{key} ({path}) is not in ACCESS; see test_every_staff_page_and_api_endpoint_is_in_the_table")
    rule = next(r for r in matrix_app.url_map.iter_rules() if f"{method} {r.endpoint}" == key)
    is_api = path.startswith("/api/")
    callers = ("anonymous",) if access == PUBLIC else CALLERS
    wrong = []
    for caller in callers:
        world = seed_world(matrix_app, caller)
        response = call(matrix_app, rule, method, access, caller, world)
        expected = expectation(access, caller, is_api)
        if not check(response, expected, is_api):
            where = response.headers.get("Location", "")
            wrong.append(f"{caller}: expected {expected}, got {response.status_code} {where}".rstrip()
                         + f" {response.get_data(as_text=True)[:200]!r}")
    assert not wrong, f"{method} {path} ({key}):\n  " + "\n  ".join(wrong)


def test_admins_are_never_refused_by_the_table():
    for key, access in ACCESS.items():
        assert access == PUBLIC or ADMIN in access.roles, f"{key}: admins may do everything"


def test_the_callers_cover_every_role():
    assert {role.value for role in Role} == {MEMBER, CHAIR, CLERK, ADMIN}
