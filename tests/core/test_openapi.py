"""The OpenAPI document: valid 3.1, in step with the URL map, and no 5xx on generated input."""
import time
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import validate

from app.core.openapi import api_rules, _openapi_path
from app.core.time import utcnow
from app.extensions import db
from app.meetings.models import MeetingStatus
from tests.factories import make_body, make_item, make_meeting


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def test_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_api_rule_is_described_and_nothing_else(app, document):
    served = {(path, method.lower()) for method, rule in api_rules(app) for path in [_openapi_path(rule)[0]]}
    described = {(path, method) for path, operations in document["paths"].items() for method in operations}
    assert served == described
    undocumented = sorted(f"{m.upper()} {p}" for p, ops in document["paths"].items()
                          for m, o in ops.items() if o.get("x-undocumented"))
    assert undocumented == [], "describe these in app/core/openapi.py or the module's OPENAPI_OPERATIONS"


def test_security_and_error_shape_are_declared(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["cookieAuth"]["in"] == "cookie"
    error = document["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message"]
    create = document["paths"]["/api/v1/meetings"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["required"] == ["body", "title", "start"]
    assert {"401", "403", "422", "201"} <= set(create["responses"])
    upload = document["paths"]["/api/v1/items/{item_id}/attachments"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]


MAX_EXAMPLES = 20
CONFORMANCE = [status_code_conformance, response_schema_conformance, content_type_conformance]


def seed(clerk, upload_dir):
    """Fresh targets for one operation: a draft and a published meeting, items, an attachment."""
    from app.meetings.attachments import add_attachment
    from tests.meetings.test_attachments import make_pdf

    from app.minutes.models import Motion, Threshold

    ids = {"meeting_id": [], "item_id": [], "section_id": [], "attachment_id": [],
           "motion_id": [], "member_id": []}
    body = db.session.get(type(make_body()), clerk.memberships[0].body_id)
    for status in (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED):
        meeting = make_meeting(body, status=status, start_at=utcnow() + timedelta(days=30))
        item = make_item(meeting, title="Approve the street resurfacing services agreement")
        attachment = add_attachment(item, filename="report.pdf", data=make_pdf(), upload_dir=upload_dir,
                                    max_bytes=10**6, actor=clerk, now=utcnow())
        member = body.members[0]
        motion = Motion(meeting_id=meeting.id, item_id=item.id, covered_item_ids=[item.id], text="Move.",
                        threshold=Threshold.MAJORITY_OF_VOTES_CAST, mover_id=member.id, made_at=utcnow())
        db.session.add(motion)
        db.session.flush()
        ids["meeting_id"].append(meeting.id)
        ids["item_id"].append(item.id)
        ids["section_id"].append(item.section_id)
        ids["attachment_id"].append(attachment.id)
        ids["motion_id"].append(motion.id)
        ids["member_id"].append(member.id)
    db.session.commit()
    return body.slug, ids


def aim(case, slug, ids):
    """Point most generated ids at seeded rows, so the handlers past the look-up run too."""
    for name, value in list((case.path_parameters or {}).items()):
        if name in ids and isinstance(value, int) and value % 4:
            case.path_parameters[name] = ids[name][value % 2]
        elif name == "slug" and len(str(value)) % 2:
            case.path_parameters[name] = slug
    if isinstance(case.body, dict):
        if "body" in case.body and len(str(case.body["body"])) % 2 == 0:
            case.body["body"] = slug
        if isinstance(case.body.get("section_id"), int) and case.body["section_id"] % 3:
            case.body["section_id"] = ids["section_id"][case.body["section_id"] % 2]


EDGE_IDS = (0, 2**31, 2**63, 10**30)


def edges(operation, headers, failures):
    """Ids beyond any database integer and impossible slugs: random generation may not hit them."""
    names = [p.name for p in operation.path_parameters]
    if not names:
        return
    for edge in EDGE_IDS:
        values = {name: (edge if name.endswith("_id") else "x\x00" + str(edge)) for name in names}
        case = operation.Case(path_parameters=values)
        try:
            response = case.call(headers=headers)
        except Exception as exc:  # noqa: BLE001
            db.session.rollback()
            failures.append(f"{case.method} {case.formatted_path} -> {exc.__class__.__name__}: {exc!s:.200}")
            continue
        if response.status_code >= 500:
            failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}")


def test_no_server_errors_on_generated_input(app, staff):
    """Schemathesis drives every operation with a clerk's token against seeded data."""
    body = make_body(slug="city-council")
    clerk = staff.user("clerk", body=body)
    headers = staff.token_headers(clerk)
    admin = staff.token_headers(staff.user("admin"))

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, mismatches, statuses = [], [], {}
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        slug, ids = seed(clerk, app.config["UPLOAD_DIR"])

        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                              operation.as_strategy(GenerationMode.NEGATIVE)))
        def exercise(case):
            aim(case, slug, ids)
            try:
                response = case.call(headers=admin if operation.label == "POST /api/v1/bodies" else headers)
            except Exception as exc:  # noqa: BLE001 - TESTING propagates what would be a 500
                db.session.rollback()
                failures.append(f"{case.method} {case.formatted_path} -> {exc.__class__.__name__}: {exc!s:.200}"
                                f" body={case.body!r:.200}")
                return
            statuses.setdefault(operation.label, set()).add(response.status_code)
            if response.status_code < 500:
                try:
                    case.validate_response(response, checks=CONFORMANCE)
                except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - a group of check failures
                    mismatches.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                                      f"{exc!s:.400}")
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                                f"{case.body!r:.300}")

        exercise()
        db.session.rollback()
        edges(operation, headers, failures)
    assert failures == [], "\n".join(failures[:20])
    # Every answer has a documented status and matches its documented schema.
    assert mismatches == [], "\n".join(mismatches[:10])
    # The generated input reached real handlers, not only the 404 of an unknown id.
    reached = {label for label, codes in statuses.items() if codes & {200, 201, 204, 409, 422}}
    assert len(reached) >= len(statuses) - 2, statuses
    assert time.monotonic() - started < 120
