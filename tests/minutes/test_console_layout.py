"""The proceedings console and the minutes editor are laid out like the other staff pages:
each label above its field, buttons styled as buttons (tall enough for a finger), every
class a form uses styled in dais.css, and Adjourn, which cannot be undone, apart from the
routine actions."""
import re
from html.parser import HTMLParser
from pathlib import Path

from app.extensions import db
from tests.conftest import csrf_from
from tests.minutes.helpers import act, all_present, comment_period, move, vote
from tests.minutes.test_api import held_meeting

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "dais.css").read_text()
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    @property
    def classes(self):
        return set((self.attrs.get("class") or "").split())

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def walk(self):
        for child in self.children:
            yield child
            yield from child.walk()


class Tree(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.root = self.current = Node("#root", {}, None)
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        for node in [self.current, *self.current.ancestors()]:
            if node.tag == tag:
                self.current = node.parent
                return


def forms(html):
    """The page's own forms (in <main>; the header's sign-out form is the site's)."""
    main = next(n for n in Tree(html).root.walk() if n.tag == "main")
    return [n for n in main.walk() if n.tag == "form"]


def styled(name):
    return re.search(r"\." + re.escape(name) + r"(?![\w-])", CSS) is not None


def check_forms(html):
    """The problems of the page's forms, in words (empty when it is laid out right)."""
    problems = []
    for form in forms(html):
        for node in [form, *form.walk()]:
            problems += [f"class {name!r} on <{node.tag}> has no style in dais.css"
                         for name in sorted(node.classes) if not styled(name)]
            if node.tag == "button" and "button" not in node.classes:
                problems.append(f"<button {node.attrs.get('value') or ''}> is not a .button")
            if node.tag == "label" and "visually-hidden" not in node.classes:
                wraps_a_box = any(c.tag == "input" and c.attrs.get("type") in ("checkbox", "radio")
                                  for c in node.walk())
                if not wraps_a_box and not any("field" in a.classes for a in node.ancestors()):
                    problems.append(f"label for {node.attrs.get('for')!r} is not in a .field")
    return problems


def console(client, meeting):
    return client.get(f"/staff/meetings/{meeting.id}/proceedings").text


def test_console_forms_before_the_call_to_order(client, staff, clerk, meeting):
    staff.login(clerk)
    assert check_forms(console(client, meeting)) == []


def test_console_forms_in_session_with_a_motion_to_vote_on(client, staff, clerk, auth, meeting, members, item,
                                                           consent_items):
    act(client, auth, meeting, "call_to_order")
    all_present(client, auth, meeting, members)
    move(client, auth, meeting, item, members)
    staff.login(clerk)
    html = console(client, meeting)
    assert 'name="vote-' in html and 'id="pull-item"' in html and 'id="motion-text"' in html
    assert check_forms(html) == []


RECORDING_FORMS = {"attendance": 'name="attendance"', "pull": 'id="pull-item"', "motion": 'id="motion-text"',
                   "vote": 'name="vote-', "recusal": 'id="recusal-reason"'}


def recording_forms(html):
    return {name for name, mark in RECORDING_FORMS.items() if mark in html}


def test_the_console_offers_only_what_the_status_lets_the_clerk_record(client, staff, clerk, auth, meeting,
                                                                       members, item, consent_items):
    """A form the server would refuse (before the call to order, motions in recess,
    anything after adjournment) is not offered; a note says why."""
    staff.login(clerk)
    html = console(client, meeting)
    assert recording_forms(html) == set() and "once the meeting is called to order" in html

    act(client, auth, meeting, "call_to_order")
    all_present(client, auth, meeting, members)
    motion = move(client, auth, meeting, item, members)
    html = console(client, meeting)
    assert recording_forms(html) == set(RECORDING_FORMS) and 'id="record-notice"' not in html
    # Votes are offered in words, in the page's language, not as stored values, on the
    # motion named by what was moved (not by its database id).
    assert '<option value="aye">Aye</option>' in html and '<option value="no">No</option>' in html
    assert "<legend>Roll call on: Approve the contract.</legend>" in html

    assert act(client, auth, meeting, "recess").status_code == 200
    html = console(client, meeting)
    assert recording_forms(html) == {"attendance", "pull", "recusal"} and "In recess" in html

    act(client, auth, meeting, "reconvene")
    comment_period(meeting, item)
    assert vote(client, auth, motion["id"], {m.id: "aye" for m in members}).status_code == 200
    assert act(client, auth, meeting, "adjourn").status_code == 200
    html = console(client, meeting)
    assert recording_forms(html) == set() and "The meeting has ended" in html
    # The record lists what happened, not the buttons' commands.
    assert "<li>Called to order: <time" in html and "<li>Recess began: <time" in html
    assert "<li>Meeting adjourned: <time" in html
    assert "Approve the contract." in html and check_forms(html) == []


def test_adjourn_stands_apart_from_the_routine_actions(client, staff, clerk, auth, meeting):
    act(client, auth, meeting, "call_to_order")
    staff.login(clerk)
    nodes = list(Tree(console(client, meeting)).root.walk())
    actions = {n.attrs["value"]: n for n in nodes if n.tag == "button" and n.attrs.get("name") == "action"}
    assert {"recess", "adjourn", "remote_access_down"} <= set(actions)
    adjourn = actions.pop("adjourn")
    assert "danger" in adjourn.classes and "actions-apart" in adjourn.parent.classes
    assert [c for c in adjourn.parent.walk() if c.tag == "button"] == [adjourn]
    for routine in actions.values():
        assert "danger" not in routine.classes and routine.parent is not adjourn.parent


def test_minutes_editor_forms(client, staff, clerk, auth, meeting, members, item):
    held_meeting(client, auth, meeting, members, item)
    staff.login(clerk)
    url = f"/staff/meetings/{meeting.id}/minutes"
    client.post(url, data={"html": "<p>The council met.</p>", "csrf_token": csrf_from(client.get(url).text)})
    html = client.get(url).text
    assert 'id="approving-motion"' in html and check_forms(html) == []
