"""How the public log page names what the entries hold by id, and the kinds of entry a
reader can narrow it to.

Presentation only: an entry keeps the data and actor it was hashed with, and the JSON
export and the API give them as they are. The page resolves them when it is rendered,
with a fixed number of queries for the whole page, never one per entry:

- an agenda item id becomes its number and title as the public agenda shows them
  ("6.a Budget amendment"): from the published agenda versions, newest first (an item
  since taken off the agenda keeps the number it was posted with, and says it was
  removed), then from the agenda being edited (a draft's items), else "item 22";
- a queue entry id becomes the speaker as the public pages show them now: their display
  name, or "Speaker 3" (always so once the chair hid the name; the page then does not
  show the hidden name the earlier entries still hold, which stays in the export);
- an actor `user:ID:email` becomes the person's role on the meeting's body and name,
  "Chair (Alex Rivera)" (their role now, not when the entry was written): a staff
  member's e-mail is not shown on a public page. `resident` and `system` become words.
"""
import sqlalchemy as sa
from flask_babel import gettext, lazy_pgettext
from markupsafe import Markup, escape

from app.compliance.tags import Tag
from app.core.languages import doc_lang
from app.extensions import db

# The kinds of entry the page can be narrowed to (`?show=`), in the order offered. Every
# tag is in exactly one of them (a test checks), so their counts add up to the whole log.
FILTERS = {
    "all": (lazy_pgettext("log filter", "Everything"), None),
    "comment": (lazy_pgettext("log filter", "Public comment"), frozenset({
        Tag.COMMENT_OPENED, Tag.COMMENT_CLOSED, Tag.SPEAKER_JOINED, Tag.SPEAKER_CALLED, Tag.SPEAKER_RECALLED,
        Tag.SPEAKER_SKIPPED, Tag.SPEAKER_FINISHED, Tag.SPEAKER_LEFT, Tag.SPEAKER_MOVED, Tag.QUEUE_ENDED})),
    "moderation": (lazy_pgettext("log filter", "Moderation"), frozenset({
        Tag.SPEAKER_WARNED, Tag.SPEAKER_REMOVED, Tag.SPEAKER_REINSTATED, Tag.SPEAKER_NAME_HIDDEN,
        Tag.SPEAKER_CORRECTED})),
    "timers": (lazy_pgettext("log filter", "Timers"), frozenset({Tag.TIMER_CHANGED, Tag.COMMENT_TIME_CHANGED})),
    "agenda": (lazy_pgettext("log filter", "Agenda"), frozenset({
        Tag.AGENDA_POSTED, Tag.AGENDA_AMENDED, Tag.DEADLINE_CHECKED, Tag.DEADLINE_OVERRIDDEN,
        Tag.CONTENT_CHECKED, Tag.ITEM_CURRENT, Tag.CONSENT_PULLED})),
    "votes": (lazy_pgettext("log filter", "Votes, attendance and minutes"), frozenset({
        Tag.ATTENDANCE_RECORDED, Tag.MOTION_MADE, Tag.VOTE_RECORDED, Tag.VOTE_OVERRIDDEN, Tag.VOTE_REFUSED,
        Tag.RECUSAL_DECLARED, Tag.MINUTES_REVISED, Tag.MINUTES_APPROVED})),
    "notices": (lazy_pgettext("log filter", "Meeting status and notices"), frozenset({
        Tag.MEETING_CREATED, Tag.MEETING_RESCHEDULED, Tag.MEETING_CANCELLED, Tag.MEETING_POSTPONED,
        Tag.PROCEEDINGS_CHANGED, Tag.REMOTE_ACCESS_DOWN, Tag.REMOTE_ACCESS_RESTORED,
        Tag.CLOSED_SESSION_ANNOUNCED, Tag.CLOSED_SESSION_REPORTED})),
}
DEFAULT_FILTER = "all"


def filter_entries(entries, key):
    """The entries of kind `key` (a FILTERS key), in their order."""
    tags = FILTERS[key][1]
    return list(entries) if tags is None else [entry for entry in entries if entry["tag"] in tags]


def filter_counts(entries):
    """{filter key: how many of `entries` it shows}."""
    return {key: len(filter_entries(entries, key)) for key in FILTERS}


# The data fields that hold ids the page names, and what they are ids of.
ITEM_FIELDS = frozenset({"item_id", "to_item_id", "item_ids"})
SPEAKER_FIELDS = frozenset({"entry_id"})
ACTOR_FIELDS = frozenset({"by"})  # deadline:overridden names who published, as the actor is written

ROLE_LABELS = {
    "chair": lazy_pgettext("log actor", "Chair"),
    "clerk": lazy_pgettext("log actor", "Clerk"),
    "member": lazy_pgettext("log actor", "Member"),
    "admin": lazy_pgettext("log actor", "Administrator"),
}
ROLE_ORDER = ("chair", "clerk", "member", "admin")


def parse_actor(actor):
    """("user", id) for a staff actor `user:ID:email`, else ("word", actor)."""
    if isinstance(actor, str) and actor.startswith("user:"):
        user_id = actor.split(":", 2)[1]
        if user_id.isdigit():
            return "user", int(user_id)
    return "word", actor


def _ids(value):
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, list):
        return [inner for inner in value if isinstance(inner, int) and not isinstance(inner, bool)]
    return []


def _walk(value, key=None):
    """(field, value) for every field at every depth of an entry's data."""
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            yield inner_key, inner
            yield from _walk(inner, inner_key)
    elif isinstance(value, list):
        for inner in value:
            yield from _walk(inner, key)


class LogNames:
    """The names the page gives to the ids and actors of one meeting's entries."""

    def __init__(self, meeting, entries):
        item_ids, user_ids, wants_speakers = set(), set(), False
        for entry in entries:
            kind, user_id = parse_actor(entry["actor"])
            if kind == "user":
                user_ids.add(user_id)
            for key, value in _walk(entry["data"]):
                if key in ITEM_FIELDS:
                    item_ids.update(_ids(value))
                elif key in SPEAKER_FIELDS and _ids(value):
                    wants_speakers = True
                elif key in ACTOR_FIELDS and parse_actor(value)[0] == "user":
                    user_ids.add(parse_actor(value)[1])
        self.items = self._items(meeting, item_ids) if item_ids else {}
        self.speakers = self._speakers(meeting) if wants_speakers else {}
        self.people = self._people(meeting, user_ids) if user_ids else {}

    # Lookups: one query each, only when the log holds such ids.

    @staticmethod
    def _items(meeting, wanted):
        from app.meetings.models import AgendaItem, AgendaVersion

        found = {}  # id: (number, title, still on the agenda)
        rows = db.session.execute(
            sa.select(AgendaVersion.content).where(AgendaVersion.meeting_id == meeting.id)
            .order_by(AgendaVersion.number.desc())).scalars()
        for position, content in enumerate(rows):
            for section in (content or {}).get("sections", []):
                for item in section.get("items", []):
                    if item.get("id") in wanted and item["id"] not in found:
                        found[item["id"]] = (item.get("number"), item.get("title"), position == 0)
        missing = set(wanted) - set(found)
        if missing:
            # Not on any posted agenda (a draft's, or added since the last posting): as being edited.
            from app.meetings.services import numbers_as_they_stand

            numbers = numbers_as_they_stand(meeting.id)
            for item_id, title in db.session.execute(
                    sa.select(AgendaItem.id, AgendaItem.title).where(AgendaItem.id.in_(missing))):
                if item_id in numbers:
                    found[item_id] = (numbers[item_id], title, True)
        return found

    @staticmethod
    def _speakers(meeting):
        from app.live.models import QueueEntry

        return {row.id: row for row in db.session.execute(
            sa.select(QueueEntry.id, QueueEntry.number, QueueEntry.display_name)
            .where(QueueEntry.meeting_id == meeting.id))}

    @staticmethod
    def _people(meeting, wanted):
        from app.accounts.models import Membership, User

        people = {}
        for user_id, name, is_admin, role in db.session.execute(
                sa.select(User.id, User.name, User.is_admin, Membership.role)
                .outerjoin(Membership, sa.and_(Membership.user_id == User.id,
                                               Membership.body_id == meeting.body_id))
                .where(User.id.in_(sorted(wanted)))):
            person = people.setdefault(user_id, {"name": name, "roles": set()})
            if role is not None:
                person["roles"].add(str(role))
            if is_admin:
                person["roles"].add("admin")
        return people

    # Names, as the page shows them.

    def item(self, item_id, data=None):
        if item_id is None:
            # No item: general comment, except where an item:current entry says none is current.
            if isinstance(data, dict) and "title" in data:
                return Markup("—")
            return escape(gettext("General public comment"))
        if not isinstance(item_id, int) or isinstance(item_id, bool):
            return escape(item_id)
        if item_id not in self.items:
            return escape(gettext("item %(id)s", id=item_id))
        number, title, current = self.items[item_id]
        label = Markup('<span class="item-ref">{number} <span{lang}>{title}</span></span>').format(
            number=number or "", lang=doc_lang(), title=title or "")
        if not current:
            label += Markup(' <span class="muted">({})</span>').format(gettext("removed from the agenda"))
        return label

    def items_list(self, value, data=None):
        if not isinstance(value, list):
            return self.item(value, data)
        if not value:
            return Markup("—")
        return Markup("<ul>{}</ul>").format(Markup("").join(Markup("<li>{}</li>").format(self.item(i))
                                                             for i in value))

    def speaker(self, entry_id, number=None):
        row = self.speakers.get(entry_id)
        if row is not None:
            return row.display_name or gettext("Speaker %(number)s", number=row.number)
        if number is not None:
            return gettext("Speaker %(number)s", number=number)
        return gettext("speaker %(id)s", id=entry_id) if entry_id is not None else "—"

    def name_hidden(self, entry_id):
        """True when the chair hid this speaker's name: the page no longer shows it."""
        row = self.speakers.get(entry_id)
        return row is not None and not row.display_name

    def person(self, actor):
        kind, value = parse_actor(actor)
        if kind == "word":
            if value == "resident":
                return gettext("The resident")
            if value == "system":
                return gettext("The system")
            if value is None or "@" in str(value):
                return gettext("A staff member")
            return str(value)
        person = self.people.get(value)
        if person is None:  # an account no longer there
            return gettext("A staff member")
        role = next((ROLE_LABELS[r] for r in ROLE_ORDER if r in person["roles"]), None)
        if role is None:
            return person["name"] or gettext("A staff member")
        if not person["name"]:
            return str(role)
        return gettext("%(role)s (%(name)s)", role=role, name=person["name"])

    def resolves(self, key):
        return key in ITEM_FIELDS or key in SPEAKER_FIELDS or key in ACTOR_FIELDS

    def field(self, key, value, data=None):
        """The name for `value` under field `key` (one of those `resolves` names)."""
        if key in ITEM_FIELDS:
            return self.items_list(value, data)
        if key in SPEAKER_FIELDS:
            return self.speaker(value, (data or {}).get("number"))
        return self.person(value)

    def subject(self, data):
        """Who and what an entry is about, for its row: the speaker, then the agenda item."""
        parts = []
        if not isinstance(data, dict):
            return parts
        if data.get("entry_id") is not None:
            parts.append(escape(self.speaker(data["entry_id"], data.get("number"))))
        if "item_id" in data and (data["item_id"] is not None or data.get("general") or "entry_id" in data):
            parts.append(self.item(data["item_id"]))
        return parts
