"""A whole meeting recorded in the browser: the clerk's proceedings console, the chair's
console and a resident's comment page, then the minutes drafted from the record.

Call to order, roll call with a remote member (and the legal basis California asks
for), an item with remote and in-person public comment, a motion and a roll-call vote,
the consent calendar, adjournment; axe-core on the proceedings console, the minutes
editor and the public minutes page.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import AXE_PATH, CHROMIUM, CHROMIUM_ARGS, DESKTOP, _unavailable
from tests.e2e.live_server import ROOT, LiveServer, require_database
from tests.e2e.test_accessibility import axe_violations, describe
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

SETUP = """
import json
from datetime import timedelta
from app import create_app
from app.core.time import utcnow
from app.extensions import db
from app.meetings.models import MeetingStatus, SectionKind
from tests.factories import make_body, make_item, make_meeting, make_user
app = create_app(SOCKETIO_ASYNC_MODE="threading")
with app.app_context():
    db.create_all()
    body = make_body(slug="flow-council", name="Flow City Council")
    meeting = make_meeting(body, title="Regular Meeting (browser flow)", status=MeetingStatus.PUBLISHED,
                           start_at=utcnow() - timedelta(minutes=1))
    consent = next(s for s in meeting.sections if s.kind == SectionKind.CONSENT)
    consent_items = [make_item(meeting, consent, title=title, accepts_public_comment=False)
                     for title in ("Minutes of the last meeting", "Warrant register")]
    item = make_item(meeting, title="Library roof repair contract")
    later = make_item(meeting, title="Parks master plan")  # comment never opened on it
    clerk = make_user(role="clerk", body=body)
    chair = make_user(role="chair", body=body)
    db.session.commit()
    print(json.dumps({"meeting": meeting.id, "item": item.id, "later": later.id, "consent": [i.id for i in consent_items],
                      "members": [[m.id, m.name] for m in body.members],
                      "clerk": clerk.email, "chair": chair.email}))
"""


def login(page, server, email):
    page.goto(server.url + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("#submit")
    assert "/login" not in page.url


def submit(page, selector):
    with page.expect_navigation():
        page.click(selector)
    error = page.query_selector(".flash-error")
    assert error is None, error.inner_text()


def test_a_whole_meeting_and_its_minutes(tmp_path):
    require_database()
    if not Path(CHROMIUM).exists():
        _unavailable(f"Chromium not found at {CHROMIUM}")
    if not AXE_PATH.exists():
        _unavailable("axe-core is not installed (make install-test)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with LiveServer(tmp_path, label="e2e_flow") as server:
        setup = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=server.env,
                               capture_output=True, text=True, timeout=120)
        assert setup.returncode == 0, setup.stderr
        ids = json.loads(setup.stdout.strip().splitlines()[-1])
        server.start()
        meeting, item = ids["meeting"], ids["item"]
        members = ids["members"]
        console_url = f"{server.url}/staff/meetings/{meeting}/proceedings"
        errors, problems = [], []
        with playwright_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                clerk = browser.new_context(viewport=DESKTOP, bypass_csp=True).new_page()
                chair = browser.new_context(viewport=DESKTOP).new_page()
                resident = browser.new_context(viewport={"width": 375, "height": 740}).new_page()
                for name, page in (("clerk", clerk), ("chair", chair), ("resident", resident)):
                    page.on("pageerror", lambda error, name=name: errors.append((name, str(error))))
                login(clerk, server, ids["clerk"])
                login(chair, server, ids["chair"])

                # Before the call to order the chair's console says so, until the clerk calls it.
                sockets = []
                chair.on("websocket", lambda socket: sockets.append(socket.url))
                chair.goto(f"{server.url}/staff/meetings/{meeting}/live")
                chair.wait_for_selector("#order-notice:has-text('has not been called to order')")
                # Nobody's attendance is recorded yet: not "No quorum", and no count of nobody.
                chair.wait_for_selector("#proceedings-live[data-version]", state="attached")  # the live state
                assert chair.inner_text("#live-quorum-state") == "Roll call not taken yet."
                assert not chair.is_visible("#live-quorum-count")

                # Call to order and roll call: four in person, one remote with the legal basis.
                clerk.goto(console_url)
                submit(clerk, "button[name=action][value=call_to_order]")
                chair.wait_for_selector("#order-notice", state="hidden")
                for index, (member_id, _name) in enumerate(members):
                    form = f"form:has(#att-{member_id})"
                    if index == len(members) - 1:
                        clerk.select_option(f"#att-{member_id}", "present:remote")
                        clerk.fill(f"#basis-{member_id}", "Just cause: childcare (Gov. Code §54953(f))")
                    else:
                        clerk.select_option(f"#att-{member_id}", "present:in_person")
                    submit(clerk, f"{form} button[type=submit]")
                clerk.wait_for_selector("#live-quorum-state:has-text('Quorum present')")
                assert "5 present (1 remote)" in clerk.inner_text("#live-quorum-count")
                # The chair's console, open all along, follows the roll call over its one
                # connection (the quorum line shares the page's own).
                chair.wait_for_selector("#live-quorum-state:has-text('Quorum present')")
                assert "5 present (1 remote)" in chair.inner_text("#live-quorum-count")
                assert chair.is_visible("#live-quorum-count")
                assert len([url for url in sockets if "/socket.io/" in url]) == 1, sockets

                # Public comment on the item: a resident joins remotely, the chair adds a speaker card.
                chair.goto(f"{server.url}/staff/meetings/{meeting}/live")
                resident.goto(f"{server.url}/meetings/{meeting}/comment")
                for page in (chair, resident):
                    page.wait_for_selector("#connection:has-text('Connected')")
                chair.select_option("#open-item", str(item))
                chair.click("#open-form button[type=submit]")
                resident.wait_for_selector("#comment-status:has-text('open')")
                resident.select_option("#join-item", str(item))
                resident.fill("#join-name", "Ana Resident")
                resident.click("#join-form button[type=submit]")
                resident.wait_for_selector("#my-position:has-text('number 1')")
                chair.select_option("#card-item", str(item))
                chair.fill("#card-name", "Bo In-Person")
                chair.check("#card-form input[name=stance][value=oppose]")
                chair.click("#card-form button[type=submit]")
                chair.wait_for_selector("#card-status:has-text('Added Bo In-Person (name not verified), opposes, for ')")
                chair.wait_for_selector("#queue-rows tr:nth-child(2)")
                # A recess: the first in line is not told to get ready, nor given a wait to
                # expect, until the meeting resumes.
                resident.wait_for_selector("#my-alert:has-text('You are next')")
                clerk.goto(console_url)
                submit(clerk, "button[name=action][value=recess]")
                resident.wait_for_selector("#my-wait:has-text('No estimated wait during the recess')")
                assert resident.inner_text("#my-alert") == ""
                assert "No estimated wait during the recess" in resident.inner_text("#my-wait-said")
                submit(clerk, "button[name=action][value=reconvene]")
                resident.wait_for_selector("#my-alert:has-text('You are next')")
                assert not resident.is_visible("#my-wait")
                chair.click("#call-next")
                resident.wait_for_selector("#my-alert:has-text('You are live')")
                # Call next rests a moment after each call, so a double click calls one speaker.
                chair.wait_for_selector("#call-next:not([aria-disabled=true])")
                # Ana's time never started: calling next asks first (Skip would keep her place).
                asked = []
                chair.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
                chair.click("#call-next")
                chair.wait_for_selector("#speaker:has-text('Bo In-Person')")
                assert asked == ["Ana Resident (name not verified) was called but has not started speaking. End "
                                 "their turn and call the next speaker? To come back to them later, press Skip instead."]
                # Her turn ended unheard: not thanked for a comment the minutes do not count.
                unheard = "The chair ended your turn before your time was started"
                resident.wait_for_selector(f"#my-position:has-text('{unheard}')")
                # Opened again in this browser, the page no longer finds a place, and says why
                # instead of nothing.
                again = resident.context.new_page()
                again.goto(f"{server.url}/meetings/{meeting}/comment")
                again.wait_for_selector(f"#join-note:has-text('{unheard}')")
                assert not again.is_visible("#you")
                again.close()
                # Closing while Bo speaks asks first: his turn would end.
                asked = []
                chair.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
                chair.click("#close-comment")
                chair.wait_for_selector("#comment-status:has-text('closed')")
                assert asked == ["The turn of Bo In-Person (name not verified), speaking now, will end. "
                                 "Close public comment?"]

                # A motion and a roll-call vote on the item: 4-1.
                clerk.goto(console_url)
                clerk.select_option("#motion-item", str(item))
                clerk.fill("#motion-text", "Award the library roof contract.")
                clerk.select_option("#motion-mover", str(members[0][0]))
                clerk.select_option("#motion-seconder", str(members[1][0]))
                submit(clerk, "#motion-heading ~ form button[type=submit]")
                votes = ["aye", "aye", "no", "aye", "aye"]
                motion_form = "form:has(select[id^=vote-])"
                for (member_id, _name), choice in zip(members, votes):
                    clerk.select_option(f"{motion_form} select[name=vote-{member_id}]", choice)
                submit(clerk, f"{motion_form} button[type=submit]")
                assert "Adopted" in clerk.inner_text("main")

                # The consent calendar: one motion decides both items, by roll call (a member is remote).
                clerk.select_option("#motion-item", str(ids["consent"][0]))
                clerk.fill("#motion-text", "Approve the consent calendar.")
                clerk.select_option("#motion-mover", str(members[3][0]))
                clerk.select_option("#motion-seconder", str(members[4][0]))
                submit(clerk, "#motion-heading ~ form button[type=submit]")
                for member_id, _name in members:
                    clerk.select_option(f"{motion_form} select[name=vote-{member_id}]", "aye")
                submit(clerk, f"{motion_form} button[type=submit]")
                found = axe_violations(clerk)
                if found:
                    problems.append(describe("proceedings console", found))

                # General comment at the end of the meeting: a second resident is speaking when
                # the meeting adjourns, and is thanked for it, not told their place ended.
                last = browser.new_context(viewport={"width": 375, "height": 740}).new_page()
                last.on("pageerror", lambda error: errors.append(("last speaker", str(error))))
                last.goto(f"{server.url}/meetings/{meeting}/comment")
                last.wait_for_selector("#connection:has-text('Connected')")
                chair.select_option("#open-item", "")
                chair.click("#open-form button[type=submit]")
                last.wait_for_selector("#comment-status:has-text('open')")
                # Signed up for a later item too, which the meeting never reaches.
                last.select_option("#join-item", str(ids["later"]))
                last.click("#join-form button[type=submit]")
                last.wait_for_selector("#my-wait:has-text('not open right now')")
                last.select_option("#join-item", "")
                last.click("#join-form button[type=submit]")
                # (Answered once the later item's place is listed among the others: that
                # place's own "number 1" showed before.)
                last.wait_for_selector("#my-others:has-text('number 1 in line')")
                chair.wait_for_selector("#call-next:not([aria-disabled=true])")
                chair.click("#call-next")
                last.wait_for_selector("#my-alert:has-text('You are live')")

                assert resident.is_visible("#speak-where")  # where to speak, while it is news
                # Adjourning cannot be undone, so it asks first: cancelling changes nothing.
                asked = []
                clerk.wait_for_selector("#proceedings-live[data-version]", state="attached")  # the live state
                clerk.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
                clerk.click("button[name=action][value=adjourn]")
                clerk.wait_for_timeout(300)
                # With comment open, it first says on what (nobody is waiting: the last speaks).
                assert asked == ["General public comment is open. Adjourn the meeting? This "
                                 "cannot be undone: public comment closes, the speaker's turn ends and the "
                                 "places still waiting are not called."]
                assert "adjourned" not in clerk.inner_text("#quorum-status")
                clerk.once("dialog", lambda dialog: dialog.accept())
                submit(clerk, "button[name=action][value=adjourn]")
                assert "adjourned" in clerk.inner_text("#quorum-status")
                # The resident's page, still open, says public comment is over and offers no join.
                resident.wait_for_selector("#meeting-notice:has-text('The meeting has adjourned')")
                assert not resident.is_visible("#speak-where")
                # The chair's console keeps the record on screen without its controls.
                chair.wait_for_selector("#call-next", state="hidden")
                assert not chair.is_visible("#card-form") and chair.is_visible("#queue-heading")
                assert not resident.is_visible("#join-section")
                assert unheard in resident.inner_text("#my-position")  # what it said stays
                # Called but their time never started when the meeting adjourned: nothing to thank for.
                last.wait_for_selector("#my-position:has-text('Your place ended with the meeting.')")
                assert not last.is_visible("#my-others")  # the later item's place is not "in line" either

                # The minutes drafted from the record carry every member's vote.
                clerk.goto(f"{server.url}/staff/meetings/{meeting}/minutes")
                draft = clerk.input_value("#minutes-html")
                assert "Library roof repair contract" in draft
                assert f"{members[2][1]}: No" in draft and f"{members[0][1]}: Aye" in draft
                assert "Adopted by roll call, 4-1" in draft and "Adopted by roll call, 5-0" in draft
                assert "Minutes of the last meeting" in draft and "Warrant register" in draft
                assert "1 person asked to speak but was not heard: public comment on this was not opened." in draft
                assert "remote" in draft.lower()
                found = axe_violations(clerk)
                if found:
                    problems.append(describe("minutes editor", found))
                submit(clerk, "form:has(#minutes-html) button[type=submit]")

                clerk.goto(f"{server.url}/meetings/{meeting}/minutes")
                text = clerk.inner_text("main")
                assert "Award the library roof contract." in text and members[2][1] in text
                found = axe_violations(clerk)
                if found:
                    problems.append(describe("public minutes", found))
                pdf = clerk.request.get(f"{server.url}/meetings/{meeting}/minutes.pdf")
                assert pdf.status == 200 and pdf.body()[:5] == b"%PDF-"
            finally:
                browser.close()
    assert errors == []
    assert not problems, "\n".join(problems)
