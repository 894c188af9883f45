"""The OpenAPI 3.1 document of the JSON API, served at /api/v1/openapi.json.

The document is assembled from the app's real URL map: each /api/v1 rule is
looked up in the operation catalogue below (request schemas come from the
same declarations the handlers validate with), and path parameters are taken
from the rule itself. A feature module may add or refine operations with a
module-level `OPENAPI_OPERATIONS = {("GET", "/api/v1/things/{}"): {...}}`.
A rule that nobody described still appears, marked `x-undocumented`, so the
document never silently omits an endpoint (a test keeps that list empty).
"""
import importlib
import re

from flask import Blueprint, current_app, jsonify

from app.core.api import API_PREFIX
from app.meetings import schemas as meeting_schemas

bp = Blueprint("openapi", __name__, url_prefix=API_PREFIX)

# Modules whose blueprints live under /api/v1 and may describe their own operations.
CONTRIBUTORS = ("app.accounts.api", "app.meetings.api", "app.compliance.api", "app.live.api",
                "app.minutes.api")

ERROR_STATUSES = {
    "400": "Malformed request (for example, the body is not JSON): code `bad_request`.",
    "401": "Not signed in, or the API token is not valid: code `unauthorized`.",
    "403": "Signed in, but the role does not allow this on this body: code `forbidden`.",
    "404": "No such object, or not visible to the caller: code `not_found`.",
    "409": "The object is in the wrong state (`invalid_state`), a duplicate (`conflict`) "
           "or the posting deadline has passed (`deadline_passed`).",
    "413": "The upload is too large: code `too_large`.",
    "422": "Wrong type, missing or unknown field, or a value out of range: code `invalid`; "
           "the message names the field.",
}
PUBLIC = [{}, {"bearerAuth": []}, {"cookieAuth": []}]
STAFF = [{"bearerAuth": []}, {"cookieAuth": []}]


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema):
    return {"application/json": {"schema": schema}}


def page_of(name):
    return {"type": "object", "required": ["items", "page", "per_page", "total", "pages"],
            "properties": {"items": {"type": "array", "items": ref(name)}, "page": {"type": "integer"},
                           "per_page": {"type": "integer"}, "total": {"type": "integer"},
                           "pages": {"type": "integer"}}}


PAGE_PARAMS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100,
                                                    "default": 20}},
]


def op(summary, *, tag, ok="200", response=None, request=None, errors=(), public=False, params=(),
       description="", request_content=None):
    operation = {"summary": summary, "tags": [tag], "security": PUBLIC if public else STAFF}
    if description:
        operation["description"] = description
    if params:
        operation["parameters"] = list(params)
    if request is not None:
        request_content = json_content(request)
    if request_content is not None:
        operation["requestBody"] = {"required": True, "content": request_content}
    responses = {ok: {"description": "No content" if ok == "204" else "Success"}}
    if response is not None:
        responses[ok]["content"] = json_content(response)
    statuses = set(errors) | ({"400", "422"} if request_content else set()) | (
        set() if public else {"401", "403"})
    for status in sorted(statuses):
        responses[status] = {"$ref": f"#/components/responses/E{status}"}
    operation["responses"] = responses
    return operation


def _schema(s, partial=False):
    return s.json_schema(partial=partial)


M = meeting_schemas
ACTION_ENUM = ["call_to_order", "recess", "reconvene", "adjourn", "remote_access_down", "remote_access_restored"]
ANY_OBJECT = {"type": "object"}

OPERATIONS = {
    ("GET", "/api/v1/openapi.json"): op("This OpenAPI document", tag="meta", public=True,
                                         response=ANY_OBJECT),
    ("GET", "/api/v1/me"): op(
        "The caller's account and roles per body", tag="accounts",
        response={"type": "object", "required": ["id", "email", "is_admin", "roles"],
                  "properties": {"id": {"type": "integer"}, "email": {"type": "string"},
                                 "name": {"type": "string"}, "is_admin": {"type": "boolean"},
                                 "authenticated_by": {"enum": ["token", "session"]},
                                 "roles": {"type": "array", "items": ANY_OBJECT}}}),
    ("GET", "/api/v1/bodies"): op("List bodies", tag="bodies", public=True, params=PAGE_PARAMS,
                                  response=page_of("Body"), errors={"422"}),
    ("POST", "/api/v1/bodies"): op("Create a body (admins)", tag="bodies", ok="201",
                                   request=_schema(M.BODY_CREATE), response=ref("BodyWithMembers"),
                                   errors={"409"}),
    ("GET", "/api/v1/bodies/{}"): op("A body with its members and their ids", tag="bodies", public=True,
                                     response=ref("BodyWithMembers"), errors={"404"}),
    ("GET", "/api/v1/meetings"): op(
        "List meetings (drafts only for the body's staff)", tag="meetings", public=True,
        params=[{"name": "body", "in": "query", "schema": {"type": "string"}, "description": "Body slug."},
                {"name": "from", "in": "query", "schema": {"type": "string"},
                 "description": "First day (YYYY-MM-DD, the body's local date) or an ISO-8601 time."},
                {"name": "to", "in": "query", "schema": {"type": "string"},
                 "description": "Last day, inclusive (YYYY-MM-DD) or an ISO-8601 time."},
                *PAGE_PARAMS],
        response=page_of("Meeting"), errors={"404", "422"}),
    ("POST", "/api/v1/meetings"): op("Create a draft meeting with sections from the body's template",
                                     tag="meetings", ok="201", request=_schema(M.MEETING_CREATE),
                                     response=ref("MeetingWithAgenda"), errors={"404"}),
    ("GET", "/api/v1/meetings/{}"): op("A meeting with its agenda and current version", tag="meetings",
                                       public=True, response=ref("MeetingWithAgenda"), errors={"404"}),
    ("PATCH", "/api/v1/meetings/{}"): op(
        "Change a meeting's details", tag="meetings", request=_schema(M.MEETING_UPDATE, partial=True),
        response=ref("MeetingWithAgenda"), errors={"404", "409"},
        description="A change of time or place increments `sequence` and is logged as rescheduled."),
    ("POST", "/api/v1/meetings/{}/publish"): op(
        "Publish the agenda (first version posted, later versions amended)", tag="meetings", ok="201",
        request_content=json_content(_schema(M.PUBLISH)), response=ref("Version"),
        errors={"404", "409", "422"}),
    ("POST", "/api/v1/meetings/{}/cancel"): op("Cancel a draft or published meeting", tag="meetings",
                                               request=_schema(M.REASON), response=ref("Meeting"),
                                               errors={"404", "409"}),
    ("POST", "/api/v1/meetings/{}/postpone"): op("Postpone a draft or published meeting", tag="meetings",
                                                 request=_schema(M.REASON), response=ref("Meeting"),
                                                 errors={"404", "409"}),
    ("POST", "/api/v1/meetings/{}/sections"): op("Add an agenda section", tag="agenda", ok="201",
                                                 request=_schema(M.SECTION_CREATE),
                                                 response=ref("MeetingWithAgenda"), errors={"404", "409"}),
    ("POST", "/api/v1/meetings/{}/items"): op("Add an agenda item", tag="agenda", ok="201",
                                              request=_schema(M.ITEM_CREATE), response=ref("Item"),
                                              errors={"404", "409"}),
    ("PATCH", "/api/v1/items/{}"): op("Change an agenda item (or move it with section_id)", tag="agenda",
                                      request=_schema(M.ITEM_UPDATE, partial=True), response=ref("Item"),
                                      errors={"404", "409"}),
    ("DELETE", "/api/v1/items/{}"): op("Delete an agenda item", tag="agenda", ok="204",
                                       errors={"404", "409"}),
    ("PUT", "/api/v1/meetings/{}/items/order"): op(
        "Reorder items and move them between sections in one call", tag="agenda",
        request=_schema(M.ITEM_ORDER), response=ref("MeetingWithAgenda"), errors={"404", "409"},
        description="Every item of the meeting must be listed exactly once; otherwise 422 and nothing changes."),
    ("POST", "/api/v1/items/{}/attachments"): op(
        "Attach a PDF to an item", tag="agenda", ok="201", response=ref("Attachment"),
        errors={"404", "409", "413"},
        request_content={"multipart/form-data": {
            "schema": {"type": "object", "required": ["file"], "additionalProperties": False,
                       "properties": {"file": {"type": "string", "contentMediaType": "application/pdf",
                                               "contentEncoding": "binary"},
                                      "title": {"type": "string", "maxLength": 300}}}}},
        description="The file must be a readable, unencrypted PDF no larger than the configured cap."),
    ("DELETE", "/api/v1/attachments/{}"): op("Remove an attachment from its item", tag="agenda", ok="204",
                                             errors={"404", "409"}),
    ("GET", "/api/v1/meetings/{}/compliance"): op(
        "The meeting's compliance log with every hash, and whether it verifies", tag="compliance",
        public=True, errors={"404"},
        response={"type": "object", "required": ["meeting_id", "entries", "verified"],
                  "properties": {"meeting_id": {"type": "integer"}, "verified": {"type": "boolean"},
                                 "problem": {"type": ["string", "null"]},
                                 "entries": {"type": "array", "items": {
                                     "type": "object",
                                     "properties": {k: {} for k in ("meeting_id", "seq", "prev_hash", "recorded_at",
                                                                     "actor", "tag", "data", "hash")}}}}}),
    # Proceedings and minutes, as the public contract names them.
    ("POST", "/api/v1/meetings/{}/proceedings"): op(
        "Record a proceedings action", tag="proceedings", response=ANY_OBJECT, errors={"404", "409"},
        request={"type": "object", "required": ["action"], "additionalProperties": False,
                 "properties": {"action": {"enum": ACTION_ENUM}, "override_reason": {"type": "string"}}}),
    ("PUT", "/api/v1/meetings/{}/attendance/{}"): op(
        "Record a member's attendance", tag="proceedings", response=ANY_OBJECT, errors={"404", "409"},
        request={"type": "object", "required": ["status"], "additionalProperties": False,
                 "properties": {"status": {"enum": ["present", "absent"]},
                                "mode": {"enum": ["in_person", "remote"]},
                                "remote_basis": {"type": "string"}}}),
    ("POST", "/api/v1/meetings/{}/motions"): op(
        "Make a motion", tag="proceedings", ok="201", response=ANY_OBJECT, errors={"404", "409"},
        request={"type": "object", "required": ["item_id", "text", "mover_id"], "additionalProperties": False,
                 "properties": {"item_id": {"type": "integer"}, "text": {"type": "string"},
                                "mover_id": {"type": "integer"}, "seconder_id": {"type": ["integer", "null"]},
                                "threshold": {"type": "string"}}}),
    ("POST", "/api/v1/motions/{}/vote"): op(
        "Record the votes on a motion", tag="proceedings", response=ANY_OBJECT, errors={"404", "409"},
        request={"type": "object", "required": ["votes"], "additionalProperties": False,
                 "properties": {"votes": {"type": "object", "additionalProperties": {
                     "enum": ["aye", "no", "abstain", "absent", "recused"]}},
                     "override_reason": {"type": "string"}}}),
    ("GET", "/api/v1/meetings/{}/minutes"): op("The meeting's minutes", tag="minutes", public=True,
                                               response=ANY_OBJECT, errors={"404"}),
    ("POST", "/api/v1/meetings/{}/minutes/revisions"): op(
        "Save a minutes revision", tag="minutes", ok="201", response=ANY_OBJECT, errors={"404", "409"},
        request=ANY_OBJECT),
    ("POST", "/api/v1/meetings/{}/minutes/approve"): op(
        "Approve the minutes by a later meeting's motion", tag="minutes", response=ANY_OBJECT,
        errors={"404", "409"},
        request={"type": "object", "required": ["approving_motion_id"], "additionalProperties": False,
                 "properties": {"approving_motion_id": {"type": "integer"}}}),
}

_PARAM = re.compile(r"<(?:([a-zA-Z_][a-zA-Z0-9_]*)(?:\([^)]*\))?:)?([a-zA-Z_][a-zA-Z0-9_]*)>")


def _openapi_path(rule):
    """Flask's `/meetings/<int:meeting_id>` -> (`/meetings/{meeting_id}`, shape key, parameters)."""
    params = []

    def to_param(match):
        converter, name = match.group(1) or "default", match.group(2)
        schema = {"type": "integer", "minimum": 0} if converter == "int" else {"type": "string"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"

    path = _PARAM.sub(to_param, rule.rule)
    return path, _PARAM.sub("{}", rule.rule), params


def _catalogue():
    operations = dict(OPERATIONS)
    for module_name in CONTRIBUTORS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        operations.update(getattr(module, "OPENAPI_OPERATIONS", {}))
    return operations


def api_rules(app):
    """(method, rule) for every /api/v1 endpoint the app serves."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API_PREFIX + "/") or rule.rule == API_PREFIX:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((method, rule))
    return found


def build_document(app):
    catalogue = _catalogue()
    paths = {}
    for method, rule in api_rules(app):
        path, shape, params = _openapi_path(rule)
        operation = catalogue.get((method, shape))
        if operation is None:
            operation = op(f"{method} {path}", tag="undocumented", response=ANY_OBJECT)
            operation["x-undocumented"] = True
        operation = dict(operation, operationId=rule.endpoint.replace(".", "_") + "_" + method.lower())
        if params:
            operation["parameters"] = params + list(operation.get("parameters", []))
            operation["responses"] = dict(operation["responses"])
            operation["responses"].setdefault("404", {"$ref": "#/components/responses/E404"})
        paths.setdefault(path, {})[method.lower()] = operation

    error = {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string", "examples": ["invalid", "not_found"]},
                       "message": {"type": "string"}, "details": {}}}}}
    components = {
        "schemas": {"Error": error, **meeting_schemas.RESPONSE_SCHEMAS},
        "responses": {f"E{status}": {"description": text, "content": json_content(ref("Error"))}
                      for status, text in ERROR_STATUSES.items()},
        "securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer",
                           "description": "A staff API token from `flask users token EMAIL`."},
            "cookieAuth": {"type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME",
                                                                                     "session"),
                           "description": "A browser session from /login; writes need the X-CSRFToken header."},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Dais API", "version": "1",
                 "description": "Public meetings of local governments: bodies, meetings, agendas, "
                                "compliance. Errors are {\"error\": {\"code\", \"message\"}}; lists are "
                                "paginated. Times are UTC (ISO-8601 with Z); `start` without an offset "
                                "is read in the body's timezone."},
        "servers": [{"url": app.config.get("PUBLIC_BASE_URL", "/")}],
        "paths": dict(sorted(paths.items())),
        "components": components,
    }


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(build_document(current_app._get_current_object()))
