"""Validation of incoming JSON and serialisation of outgoing JSON for the meetings API.

Each payload is declared once as a `Schema`; the same declaration checks
requests (unknown fields, missing fields, wrong types -> 422 naming the field)
and produces the JSON Schema published in the OpenAPI document, so the two
cannot drift apart.
"""
from app.core.errors import ValidationFailed
from app.core.time import UTC, parse_local_or_aware, to_local
from app.meetings.models import CommentPolicy, MeetingKind, MeetingStatus, SectionKind
from app.meetings.numbering import item_numbers, section_numbers
from app.meetings.services import MAX_ESTIMATED_MINUTES, MAX_ID, RULE_PACKS
from app.minutes import rules as proceedings_rules

TYPE_NAMES = {"string": "text", "integer": "a whole number", "boolean": "true or false",
              "array": "a list", "object": "an object"}


class Field:
    def __init__(self, name, kind, *, required=False, nullable=False, max_length=None, min_length=None,
                 enum=None, minimum=None, maximum=None, items=None, shape=None, description="", fmt=None,
                 examples=None):
        self.name, self.kind, self.required, self.nullable = name, kind, required, nullable
        self.max_length, self.min_length, self.enum = max_length, min_length, enum
        self.minimum, self.maximum, self.items = minimum, maximum, items
        # An "object" field whose keys and values a Schema declares (its fields all optional).
        self.shape = shape
        self.description, self.fmt, self.examples = description, fmt, examples

    def check(self, value):
        name = self.name
        if value is None:
            if self.nullable:
                return None
            raise ValidationFailed(f"'{name}' must not be null.")
        kind = self.kind
        is_int = isinstance(value, int) and not isinstance(value, bool)
        ok = {"string": isinstance(value, str), "integer": is_int, "boolean": isinstance(value, bool),
              "array": isinstance(value, list), "object": isinstance(value, dict)}[kind]
        if not ok:
            raise ValidationFailed(f"'{name}' must be {TYPE_NAMES[kind]}.")
        if kind == "string":
            if "\x00" in value:
                raise ValidationFailed(f"'{name}' must not contain NUL characters.")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValidationFailed(f"'{name}' is not valid Unicode text.") from None
            if self.max_length is not None and len(value) > self.max_length:
                raise ValidationFailed(f"'{name}' is longer than {self.max_length} characters.")
            if self.min_length and len(value.strip()) < self.min_length:
                raise ValidationFailed(f"'{name}' is required and must not be blank.")
        if self.enum is not None and value not in self.enum:
            raise ValidationFailed(f"'{name}' must be one of: {', '.join(map(str, self.enum))}.")
        if kind == "integer":
            if (self.minimum is not None and value < self.minimum) or (
                    self.maximum is not None and value > self.maximum):
                raise ValidationFailed(f"'{name}' must be between {self.minimum} and {self.maximum}.")
        if kind == "array" and isinstance(self.items, Schema):
            value = [self.items.parse(entry, prefix=f"{name}[{index}].") for index, entry in enumerate(value)]
        if kind == "object" and self.shape is not None:
            value = self.shape.parse(value, prefix=f"{name}.")
        return value

    def json_schema(self):
        schema = {"type": self.kind}
        if self.nullable:
            schema["type"] = [self.kind, "null"]
        for key, attr in (("maxLength", "max_length"), ("minLength", "min_length"), ("minimum", "minimum"),
                          ("maximum", "maximum"), ("description", "description"), ("format", "fmt"),
                          ("examples", "examples")):
            if getattr(self, attr) not in (None, ""):
                schema[key] = getattr(self, attr)
        if self.enum is not None:
            schema["enum"] = list(self.enum) + ([None] if self.nullable else [])
        if self.items is not None:
            schema["items"] = self.items.json_schema() if isinstance(self.items, Schema) else self.items
        if self.shape is not None:
            schema.update({key: value for key, value in self.shape.json_schema().items()
                           if key != "type" and key not in schema})
        return schema


class Schema:
    def __init__(self, name, fields, description=""):
        self.name, self.description = name, description
        self.fields = {field.name: field for field in fields}

    def parse(self, data, *, prefix="", partial=False):
        """The payload's fields, checked. `partial` (PATCH) makes every field optional but one required."""
        if not isinstance(data, dict):
            raise ValidationFailed(f"'{prefix.rstrip('.') or 'body'}' must be a JSON object.")
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise ValidationFailed(f"Unknown field '{prefix}{unknown[0]}'.")
        if partial and not data:
            raise ValidationFailed("Send at least one field to change.")
        result = {}
        for name, field in self.fields.items():
            if name not in data:
                if field.required and not partial:
                    raise ValidationFailed(f"'{prefix}{name}' is required.")
                continue
            try:
                result[name] = field.check(data[name])
            except ValidationFailed as exc:
                if prefix:
                    raise ValidationFailed(exc.message.replace(f"'{name}'", f"'{prefix}{name}'", 1)) from None
                raise
        return result

    def json_schema(self, *, partial=False):
        schema = {"type": "object", "additionalProperties": False,
                  "properties": {name: field.json_schema() for name, field in self.fields.items()}}
        required = [name for name, field in self.fields.items() if field.required]
        if partial:
            schema["minProperties"] = 1
        elif required:
            schema["required"] = required
        if self.description:
            schema["description"] = self.description
        return schema


ID = {"minimum": 1, "maximum": MAX_ID}
TEXT = 20000

SECTION_TEMPLATE = Schema("SectionTemplate", [
    Field("title", "string", required=True, min_length=1, max_length=200),
    Field("kind", "string", enum=[k.value for k in SectionKind]),
])
MEMBER_IN = Schema("MemberInput", [
    Field("name", "string", required=True, min_length=1, max_length=200),
    Field("title", "string", max_length=100),
    Field("seat", "string", max_length=100),
])
DEFAULT_THRESHOLDS = Schema("DefaultThresholds", [
    Field(kind, "string", enum=list(proceedings_rules.THRESHOLDS)) for kind in proceedings_rules.MOTION_KINDS
], description="The vote threshold a motion of each kind takes when it names none. Kinds left out keep "
               "their current default (Robert's Rules: majority_of_votes_cast).")
THRESHOLDS_HELP = "Default vote threshold per kind of motion; only the kinds given change."
BODY_CREATE = Schema("BodyCreate", [
    Field("slug", "string", required=True, min_length=1, max_length=80,
          description="Lower-case letters, digits and single hyphens."),
    Field("name", "string", required=True, min_length=1, max_length=200),
    Field("timezone", "string", required=True, max_length=64, description="IANA timezone name."),
    Field("rule_pack", "string", enum=list(RULE_PACKS)),
    Field("comment_seconds", "integer", minimum=10, maximum=3600),
    Field("comment_policy", "string", enum=[p.value for p in CommentPolicy]),
    Field("agenda_template", "array", items=SECTION_TEMPLATE, nullable=True),
    Field("default_thresholds", "object", shape=DEFAULT_THRESHOLDS, description=THRESHOLDS_HELP),
    Field("members", "array", items=MEMBER_IN),
])
BODY_UPDATE = Schema("BodyUpdate", [
    Field("timezone", "string", max_length=64,
          description="IANA timezone name (admins). Meetings keep their moment in time."),
    Field("rule_pack", "string", enum=list(RULE_PACKS), description="The open-meeting rules (admins)."),
    Field("comment_seconds", "integer", minimum=10, maximum=3600),
    Field("comment_policy", "string", enum=[p.value for p in CommentPolicy]),
    Field("default_thresholds", "object", shape=DEFAULT_THRESHOLDS, description=THRESHOLDS_HELP),
])

START_HELP = "ISO-8601 date and time; without an offset it is the body's local time."
MEETING_DETAILS = [
    Field("kind", "string", enum=[k.value for k in MeetingKind]),
    Field("title", "string", min_length=1, max_length=300),
    Field("start", "string", max_length=64, description=START_HELP,
          examples=["2026-12-01T18:00", "2026-12-02T02:00:00Z"]),
    Field("end", "string", max_length=64, nullable=True, description=START_HELP, examples=["2026-12-01T21:00"]),
    Field("location", "string", max_length=500),
    Field("remote_url", "string", max_length=500),
    Field("dial_in", "string", max_length=200),
    Field("remote_instructions", "string", max_length=TEXT),
    Field("accommodation_notice", "string", max_length=TEXT),
]
MEETING_CREATE = Schema("MeetingCreate", [
    Field("body", "string", required=True, max_length=80, description="The body's slug.",
          examples=["city-council"]),
    *[Field(f.name, f.kind, required=f.name in ("title", "start"), nullable=f.nullable,
            max_length=f.max_length, min_length=f.min_length, enum=f.enum, description=f.description,
            examples=f.examples)
      for f in MEETING_DETAILS],
])
MEETING_UPDATE = Schema("MeetingUpdate", MEETING_DETAILS)
PUBLISH = Schema("PublishRequest", [
    Field("override_reason", "string", max_length=2000, nullable=True,
          description="Required when the posting deadline has passed; logged."),
])
REASON = Schema("ReasonRequest", [Field("reason", "string", required=True, min_length=1, max_length=2000)])
SECTION_CREATE = Schema("SectionCreate", [
    Field("title", "string", required=True, min_length=1, max_length=200),
    Field("kind", "string", required=True, enum=[k.value for k in SectionKind]),
])
ITEM_FIELDS = [
    Field("section_id", "integer", **ID),
    Field("title", "string", min_length=1, max_length=500, description="The brief general description."),
    Field("body_html", "string", max_length=200000, description="Rich text; sanitized on the way in."),
    Field("recommended_action", "string", max_length=TEXT),
    Field("department", "string", max_length=200),
    Field("fiscal_impact", "string", max_length=TEXT),
    Field("accepts_public_comment", "boolean"),
    Field("estimated_minutes", "integer", nullable=True, minimum=0, maximum=MAX_ESTIMATED_MINUTES),
]
ITEM_CREATE = Schema("ItemCreate", [
    Field(f.name, f.kind, required=f.name in ("section_id", "title"), nullable=f.nullable,
          max_length=f.max_length, min_length=f.min_length, minimum=f.minimum, maximum=f.maximum,
          description=f.description)
    for f in ITEM_FIELDS
])
ITEM_UPDATE = Schema("ItemUpdate", ITEM_FIELDS)
SECTION_ORDER = Schema("SectionOrder", [
    Field("section_id", "integer", required=True, **ID),
    Field("item_ids", "array", required=True, items={"type": "integer", **ID}),
])
ITEM_ORDER = Schema("ItemOrder", [
    Field("sections", "array", required=True, items=SECTION_ORDER,
          description="Every item of the meeting exactly once."),
])

REQUEST_SCHEMAS = [BODY_CREATE, MEETING_CREATE, PUBLISH, REASON, SECTION_CREATE, ITEM_CREATE, ITEM_ORDER]
PARTIAL_SCHEMAS = [BODY_UPDATE, MEETING_UPDATE, ITEM_UPDATE]


def parse_time(field, text, tz_name):
    try:
        return parse_local_or_aware(text, tz_name)
    except (ValueError, OverflowError, TypeError):
        raise ValidationFailed(f"'{field}' must be an ISO-8601 date and time, e.g. 2026-03-10T18:00.") from None


def meeting_changes(payload, tz_name):
    """API field names -> service field names (start/end are parsed in the body's timezone)."""
    changes = {}
    for name, value in payload.items():
        if name == "start":
            changes["start_at"] = parse_time("start", value, tz_name)
        elif name == "end":
            changes["end_at"] = None if value is None else parse_time("end", value, tz_name)
        elif name != "body":
            changes[name] = value
    return changes


# ---------------------------------------------------------------- serialisation

def iso(value):
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value is not None else None


def local_iso(value, tz_name):
    return to_local(value, tz_name).isoformat() if value is not None else None


def member_json(member):
    return {"id": member.id, "name": member.name, "title": member.title, "seat": member.seat,
            "is_active": member.is_active}


def body_json(body, *, with_members=False):
    data = {"id": body.id, "slug": body.slug, "name": body.name, "timezone": body.timezone,
            "rule_pack": body.rule_pack, "comment_seconds": body.comment_seconds,
            "comment_policy": body.comment_policy.value, "agenda_template": body.agenda_template or [],
            "default_thresholds": {kind: proceedings_rules.threshold_for(kind, body.default_thresholds)
                                   for kind in proceedings_rules.MOTION_KINDS}}
    if with_members:
        data["members"] = [member_json(m) for m in body.members]
    return data


def version_json(version):
    if version is None:
        return None
    return {"number": version.number, "content_hash": version.content_hash, "posted_at": iso(version.posted_at),
            "deadline_at": iso(version.deadline_at), "is_amendment": version.is_amendment,
            "override_reason": version.override_reason or ""}


def attachment_json(attachment, meeting_id):
    from flask import url_for

    return {"id": attachment.id, "item_id": attachment.item_id, "filename": attachment.filename,
            "title": attachment.title, "sha256": attachment.sha256, "size_bytes": attachment.size_bytes,
            "page_count": attachment.page_count, "uploaded_at": iso(attachment.uploaded_at),
            "url": url_for("meeting_files.download_attachment", meeting_id=meeting_id,
                           attachment_id=attachment.id, filename=attachment.filename)}


def item_json(item, number=None):
    if number is None:
        number = item_numbers(item.meeting.sections).get(item.id)
    return {"id": item.id, "number": number, "section_id": item.section_id, "position": item.position,
            "title": item.title, "body_html": item.body_html, "recommended_action": item.recommended_action,
            "department": item.department, "fiscal_impact": item.fiscal_impact,
            "accepts_public_comment": item.accepts_public_comment,
            "estimated_minutes": item.estimated_minutes,
            "attachments": [attachment_json(a, item.meeting_id) for a in item.attachments]}


def agenda_json(meeting):
    numbers = item_numbers(meeting.sections)
    section_no = section_numbers(meeting.sections)
    return [{"id": section.id, "number": section_no[section.id], "title": section.title,
             "kind": section.kind.value, "position": section.position,
             "items": [item_json(item, numbers[item.id]) for item in section.items]}
            for section in meeting.sections]


def posted_agenda_json(meeting, content):
    """The agenda exactly as last posted (the public's view while amendments are pending)."""
    from flask import url_for

    sections = []
    for position, section in enumerate(content.get("sections", [])):
        items = []
        for index, item in enumerate(section.get("items", [])):
            fields = ("title", "body_html", "recommended_action", "department", "fiscal_impact")
            items.append({
                "id": item["id"], "number": item["number"], "section_id": section["id"], "position": index,
                **{name: item.get(name) or "" for name in fields},
                "accepts_public_comment": bool(item.get("accepts_public_comment", True)),
                "estimated_minutes": item.get("estimated_minutes"),
                "attachments": [{
                    "id": a["id"], "item_id": item["id"], "filename": a["filename"], "title": a.get("title", ""),
                    "sha256": a["sha256"], "size_bytes": a["size_bytes"], "page_count": a["page_count"],
                    "uploaded_at": None,
                    "url": url_for("meeting_files.download_attachment", meeting_id=meeting.id,
                                   attachment_id=a["id"], filename=a["filename"]),
                } for a in item.get("attachments", [])],
            })
        sections.append({"id": section["id"], "number": section["number"], "title": section["title"],
                         "kind": section["kind"], "position": position, "items": items})
    return sections


def meeting_json(meeting, *, with_agenda=False, as_posted=False):
    """`as_posted`: show the last posted version's agenda, not unpublished edits (for the public)."""
    tz_name = meeting.body.timezone
    data = {"id": meeting.id, "body": meeting.body.slug, "body_name": meeting.body.name,
            "kind": meeting.kind.value, "title": meeting.title, "status": meeting.status.value,
            "start": iso(meeting.start_at), "start_local": local_iso(meeting.start_at, tz_name),
            "end": iso(meeting.end_at), "end_local": local_iso(meeting.end_at, tz_name),
            "timezone": tz_name, "location": meeting.location, "remote_url": meeting.remote_url,
            "dial_in": meeting.dial_in, "remote_instructions": meeting.remote_instructions,
            "accommodation_notice": meeting.accommodation_notice, "sequence": meeting.sequence,
            "created_at": iso(meeting.created_at), "revised_at": iso(meeting.revised_at),
            "has_unpublished_changes": meeting.has_unpublished_changes,
            "current_version": version_json(meeting.current_version)}
    if with_agenda:
        version = meeting.current_version
        if as_posted and version is not None:
            data["agenda_source"] = "posted"
            data["sections"] = posted_agenda_json(meeting, version.content)
        else:
            data["agenda_source"] = "working"
            data["sections"] = agenda_json(meeting)
    return data


# ---------------------------------------------------------------- response schemas (OpenAPI)

def _obj(properties, required=None):
    return {"type": "object", "properties": properties, "required": required or list(properties)}


STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
DATETIME = {"type": "string", "format": "date-time"}
NULLABLE_DATETIME = {"type": ["string", "null"], "format": "date-time"}

RESPONSE_SCHEMAS = {
    "Member": _obj({"id": INT, "name": STR, "title": STR, "seat": STR, "is_active": BOOL}),
    "Body": _obj({"id": INT, "slug": STR, "name": STR, "timezone": STR, "rule_pack": STR,
                  "comment_seconds": INT, "comment_policy": STR,
                  "agenda_template": {"type": "array", "items": SECTION_TEMPLATE.json_schema()},
                  "default_thresholds": _obj({kind: {"enum": list(proceedings_rules.THRESHOLDS)}
                                              for kind in proceedings_rules.MOTION_KINDS})}),
    "Version": _obj({"number": INT, "content_hash": STR, "posted_at": DATETIME,
                     "deadline_at": NULLABLE_DATETIME, "is_amendment": BOOL, "override_reason": STR}),
    "Attachment": _obj({"id": INT, "item_id": INT, "filename": STR, "title": STR, "sha256": STR,
                        "size_bytes": INT, "page_count": INT, "uploaded_at": NULLABLE_DATETIME,
                        "url": {"type": "string", "description": "Public download URL."}}),
    "Item": _obj({"id": INT, "number": {"type": "string", "examples": ["5.a"]}, "section_id": INT,
                  "position": INT, "title": STR, "body_html": STR, "recommended_action": STR,
                  "department": STR, "fiscal_impact": STR, "accepts_public_comment": BOOL,
                  "estimated_minutes": {"type": ["integer", "null"]},
                  "attachments": {"type": "array", "items": {"$ref": "#/components/schemas/Attachment"}}}),
    "Section": _obj({"id": INT, "number": STR, "title": STR, "kind": {"enum": [k.value for k in SectionKind]},
                     "position": INT,
                     "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}}),
    "Meeting": _obj({"id": INT, "body": STR, "body_name": STR, "kind": {"enum": [k.value for k in MeetingKind]},
                     "title": STR, "status": {"enum": [s.value for s in MeetingStatus]},
                     "start": DATETIME, "start_local": STR, "end": NULLABLE_DATETIME,
                     "end_local": {"type": ["string", "null"]}, "timezone": STR, "location": STR,
                     "remote_url": STR, "dial_in": STR, "remote_instructions": STR,
                     "accommodation_notice": STR, "sequence": INT, "created_at": DATETIME,
                     "revised_at": DATETIME, "has_unpublished_changes": BOOL,
                     "current_version": {"oneOf": [{"$ref": "#/components/schemas/Version"},
                                                   {"type": "null"}]}}),
}
RESPONSE_SCHEMAS["BodyWithMembers"] = {"allOf": [
    {"$ref": "#/components/schemas/Body"},
    _obj({"members": {"type": "array", "items": {"$ref": "#/components/schemas/Member"}}}),
]}
RESPONSE_SCHEMAS["MeetingWithAgenda"] = {"allOf": [
    {"$ref": "#/components/schemas/Meeting"},
    _obj({"sections": {"type": "array", "items": {"$ref": "#/components/schemas/Section"}},
          "agenda_source": {"enum": ["posted", "working"],
                            "description": "`posted`: the current published version (what the public "
                                           "sees); `working`: the editable agenda (staff, drafts)."}}),
]}
