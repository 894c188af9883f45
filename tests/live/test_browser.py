"""Headless Chromium: a resident page, the chair's console and the public display in
one meeting. The resident joins; the chair skips them (the resident is told, with no
stale place) and recalls them; the chair calls them, the resident sees "you're
live" and their countdown. California asks for a warning before a removal: the
console refuses to remove the unwarned speaker, the chair warns them with the
keyboard and the resident sees the warning; the speaker's time runs out on every
page. Skipped again, the resident reloads,
finds the place and withdraws from it. A refusal shows in the page's own words.
The clerk enters speaker cards from the keyboard alone.
axe-core finds no serious or critical violation."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.live_server import ROOT, LiveServer, require_database
from tests.factories import PASSWORD
from tests.live.test_js_client import _need

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("DAIS_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
SETUP = """
import json
from app import create_app
from app.extensions import db
from app.meetings.models import MeetingStatus
from tests.factories import make_item, make_meeting, make_token, make_user
app = create_app(SOCKETIO_ASYNC_MODE="threading")
with app.app_context():
    db.create_all()
    meeting = make_meeting(status=MeetingStatus.IN_PROGRESS)
    item = make_item(meeting, title="Elm Street rezoning")
    chair = make_user(role="chair", body=meeting.body)
    clerk = make_user(role="clerk", body=meeting.body)
    clerk_token = make_token(clerk)
    # Earlier sign-ups in another meeting: row ids run on, speaker numbers start again.
    from app.core.time import utcnow
    from app.live import services as live
    earlier = make_meeting(meeting.body, status=MeetingStatus.IN_PROGRESS)
    for _ in range(3):
        live.join_queue(earlier, item_id=None, now=utcnow())
    db.session.commit()
    print(json.dumps({"meeting": meeting.id, "item": item.id, "email": chair.email, "clerk_token": clerk_token,
                      "clerk_email": clerk.email}))
"""


def focus_moves_to(page, element_id, timeout_ms=5000):
    """Whether keyboard focus reaches the element (the console moves it as a new state is drawn)."""
    for _ in range(timeout_ms // 100):
        if page.evaluate("document.activeElement.id") == element_id:
            return True
        page.wait_for_timeout(100)
    return False


def sign_in(page, url, email):
    page.goto(url + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("#submit")


def serious_violations(page):
    page.evaluate(AXE.read_text())  # evaluated by the driver, so the page's CSP allows it
    return page.evaluate("""axe.run().then(r => r.violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))""")


def test_resident_chair_and_display_in_one_meeting(tmp_path):
    require_database()
    _need(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}")
    _need(AXE.exists(), "axe-core is not installed (make install-test)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with LiveServer(tmp_path) as server:
        setup = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=server.env,
                               capture_output=True, text=True, timeout=120)
        assert setup.returncode == 0, setup.stderr
        ids = json.loads(setup.stdout.strip().splitlines()[-1])
        server.start()
        base = f"{server.url}/meetings/{ids['meeting']}"
        errors = []
        with playwright_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=["--no-sandbox", "--disable-gpu"])
            try:
                chair = browser.new_page()
                # A context of its own, so the resident can open a second tab.
                resident = browser.new_context(viewport={"width": 375, "height": 740}).new_page()
                display = browser.new_page(viewport={"width": 1280, "height": 720})  # a 720p projector
                for name, page in (("chair", chair), ("resident", resident), ("display", display)):
                    page.on("pageerror", lambda error, name=name: errors.append((name, str(error))))

                sign_in(chair, server.url, ids["email"])
                chair.goto(f"{server.url}/staff/meetings/{ids['meeting']}/live")
                resident.goto(base + "/comment")
                # A second tab of the resident's browser, open before they join.
                other_tab = resident.context.new_page()
                other_tab.goto(base + "/comment")
                display.goto(base + "/display")
                for page in (chair, resident, display):
                    page.wait_for_selector("#connection:has-text('Connected')")

                chair.select_option("#item-select", str(ids["item"]))
                chair.click("#item-form button[type=submit]")
                # An item taken off the agenda while the page was open: the refusal is in the
                # page's own words, not the server's.
                resident.evaluate("""() => {
                    const gone = document.createElement("option");
                    gone.value = "999999"; gone.textContent = "Withdrawn item";
                    document.getElementById("join-item").appendChild(gone);
                }""")
                resident.select_option("#join-item", "999999")
                resident.click("#join-form button[type=submit]")
                resident.wait_for_selector("#join-error:has-text('no longer on the agenda')")

                resident.select_option("#join-item", str(ids["item"]))
                resident.check("input[name=stance][value=support]")
                resident.dblclick("#join-form button[type=submit]")  # a double tap joins once
                # Signed up before comment opens: the place is kept, and the page says so.
                resident.wait_for_selector("#my-position:has-text('number 1')")
                assert "Nobody is ahead of you." in resident.inner_text("#my-position")
                resident.wait_for_selector("#queue li.mine[aria-current=true]:has-text('(you)')")
                resident.wait_for_timeout(300)
                assert resident.inner_text("#join-error") == ""
                # The other tab follows the same place instead of offering a second one.
                other_tab.wait_for_selector("#my-position:has-text('number 1')")
                assert not other_tab.is_visible("#join-section")
                resident.wait_for_selector("#my-wait:has-text('not open right now')")
                # Read out with the place: a screen reader hears when comment opens or closes.
                assert "not open right now" in resident.inner_text("#my-place[role=status][aria-atomic=true]")
                # Anonymous: the page says how the queue lists them, numbered within the meeting.
                assert resident.inner_text("#my-name") == "You are listed as Speaker 1 (a label, not your place in line)."
                assert resident.inner_text("#my-alert") == ""
                plain_title = resident.title()

                # The item just set is what comment would open on, without picking it again.
                assert chair.input_value("#open-item") == str(ids["item"])
                chair.fill("#open-seconds", "20")  # short, so the test sees the time run out
                chair.click("#open-form button[type=submit]")
                display.wait_for_selector("#comment-status:has-text('open')")
                display.wait_for_selector("#comment-status:has-text('0:20 per speaker')")
                assert chair.input_value("#time-seconds") == "20"  # the time in force, ready to change
                # Only what applies now: no opening form, the time and close controls, and
                # focus moved on to Call next.
                chair.wait_for_selector("#open-form", state="hidden")
                assert chair.is_visible("#close-comment") and chair.is_visible("#time-form")
                assert chair.evaluate("document.activeElement.id") == "call-next"
                resident.wait_for_selector("#my-alert:has-text('You are next')")
                # A background tab shows it too, in the tab's title.
                assert resident.title() == f"You are next. Get ready to speak. — {plain_title}"

                # Skipped, the resident is told so and that a recall is possible; no stale
                # place, wait or "you are next". Recalled, the waiting view returns.
                chair.click("#queue-rows button[data-action=skip]")
                resident.wait_for_selector("#my-position:has-text('The chair skipped your turn')")
                # The button went with the row: focus goes to the queue's heading, not to the
                # top of the page (nor to the next person's Skip, which a second Enter would press).
                assert focus_moves_to(chair, "queue-heading")
                assert "number" not in resident.inner_text("#my-position")
                assert resident.inner_text("#my-alert") == "" and not resident.is_visible("#my-wait")
                assert resident.title() == plain_title
                skipped_violations = serious_violations(resident)
                chair.click("#skipped-list button[data-action=recall]")
                resident.wait_for_selector("#my-alert:has-text('You are next')")
                assert focus_moves_to(chair, "queue-heading")
                # Nobody ahead and nobody speaking: "you are next", and no wait to estimate.
                assert "number 1" in resident.inner_text("#my-position") and not resident.is_visible("#my-wait")

                # A timer button with nobody speaking says why nothing happens, in words.
                chair.click("[data-timer=pause]", force=True)  # it looks unavailable, and a press says why
                chair.wait_for_selector("#console-message:has-text('Nobody is speaking, so there is no timer')")
                chair.wait_for_selector("#queue-rows th")  # a speaker row, not the "nobody is waiting" one
                # A double click calls one speaker: the second click must not end their turn.
                chair.dblclick("#call-next")
                resident.wait_for_selector("#my-alert:has-text('You are live')")
                assert resident.inner_text("#leave") == "End my turn"  # the same button, said for what it does now
                # Their page has received the call, and the console says so.
                chair.wait_for_selector("#speaker-page:has-text('Their page received the call at')")
                chair.wait_for_timeout(1200)
                assert "Speaker" in chair.inner_text("#speaker") and resident.is_visible("#my-countdown")
                chair.click("[data-timer=start]")
                # Said in words for a chair using a screen reader (the screen shows it already).
                chair.wait_for_selector("#console-done[role=status]:has-text('Timer started.')", state="attached")
                resident.wait_for_selector("#my-alert:has-text('You are live')")
                assert resident.title().startswith("You are live")
                resident.wait_for_selector("#my-clock:has-text('0:1')")
                resident.wait_for_selector("#speaker-time:has-text('0:1')")
                display.wait_for_selector("#current-item:has-text('Elm Street rezoning')")
                display.wait_for_selector("#countdown:has-text('0:1')")
                # The whole screen is readable without scrolling: the countdown and who is next.
                assert display.evaluate("document.documentElement.scrollHeight") <= 720
                # Paused and resumed by the chair: the speaker, who may not see a clock, is told.
                chair.click("[data-timer=pause]")
                resident.wait_for_selector("#my-alert:has-text('The chair paused your time')")
                chair.wait_for_selector("#console-done:has-text('Timer paused.')", state="attached")
                chair.click("[data-timer=resume]")
                # Resumed: said as such (not "you are live" again, nor nothing at all).
                resident.wait_for_selector("#my-alert:has-text('The chair resumed your time. Please go on.')")
                # Running again, Resume looks unavailable; pressed anyway, it says why nothing
                # changed, not the general "not possible".
                chair.wait_for_selector("[data-timer=pause]:not([aria-disabled=true])")
                assert chair.get_attribute("[data-timer=resume]", "aria-disabled") == "true"
                chair.click("[data-timer=resume]", force=True)
                chair.wait_for_selector("#console-message:has-text('The timer is already running.')")

                # A recess (the clerk, on the proceedings API) pauses the speaker's time and keeps
                # their turn, and their page says so; reconvened, the chair resumes the time.
                def proceedings(action):
                    reply = chair.request.post(f"{server.url}/api/v1/meetings/{ids['meeting']}/proceedings",
                                               data=json.dumps({"action": action}),
                                               headers={"Authorization": f"Bearer {ids['clerk_token']}",
                                                        "Content-Type": "application/json"})
                    assert reply.ok, reply.text()
                proceedings("recess")
                resident.wait_for_selector("#my-alert:has-text('The meeting is in recess. You keep your turn')")
                # What a recess stops looks unavailable on the console, and a press says why.
                chair.wait_for_selector("#call-next[aria-disabled=true]")
                assert chair.get_attribute("[data-timer=resume]", "aria-disabled") == "true"
                chair.click("#call-next", force=True)
                chair.wait_for_selector("#console-message:has-text('The meeting is in recess')")
                proceedings("reconvene")
                chair.wait_for_selector("#call-next:not([aria-disabled])")
                # Still paused, by the recess and not by the chair: the page does not say it was.
                resident.wait_for_selector("#my-alert:has-text('The meeting has reconvened. Your time is paused "
                                           "until the chair resumes it.')")
                chair.click("[data-timer=resume]")
                resident.wait_for_selector("#my-alert:has-text('The chair resumed your time.')")

                # The test body follows California's rules: no removal before a warning.
                chair.click("#speaker-remove")
                chair.wait_for_selector("#remove-threat-check", state="visible")
                chair.fill("#remove-reason", "Shouting over the chair")
                chair.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # as far down as a chair may be
                chair.keyboard.press("Enter")
                # Refused (warning_required): the console's own words show, the warn form takes the
                # remove form's place, the speaker stays.
                chair.wait_for_selector("#console-message:has-text('warn this participant before removing')")
                # ...where the chair is looking, not at the top of a console scrolled away from.
                assert chair.evaluate("""() => { const box = document.getElementById("console-message")
                    .getBoundingClientRect(); return box.top >= 0 && box.bottom <= window.innerHeight; }""")
                assert chair.evaluate("window.scrollY") > 0
                assert chair.is_visible("#warn-form") and not chair.is_visible("#remove-form")
                chair.keyboard.press("Escape")
                chair.wait_for_selector("#warn-form", state="hidden")
                assert chair.evaluate("document.activeElement.id") == "speaker-remove"

                chair.click("#speaker-warn")
                assert chair.evaluate("document.activeElement.id") == "warn-reason"
                chair.keyboard.type("Shouting over the chair")
                chair.keyboard.press("Enter")
                chair.wait_for_selector("#speaker-warned:has-text('Warned')", state="visible")
                chair.wait_for_selector("#warn-form", state="hidden")
                # The person warned is told what for, once (not a bare warning, then again with it).
                resident.wait_for_selector("#my-warning:has-text('The reason they gave: Shouting over the chair.')")
                chair.click("#speaker-remove")  # open, so axe checks the form with its checkbox
                chair.wait_for_selector("#remove-reason", state="visible")

                # The countdown runs out: said in words on the display and the console, and
                # announced once to the speaker.
                resident.wait_for_selector("#my-alert:has-text('Your time is up')")
                display.wait_for_selector("#countdown[data-phase=over]:has-text('time is up')")
                chair.wait_for_selector("#countdown[data-phase=over]:has-text('time is up')")
                found = {name: serious_violations(page)
                         for name, page in (("resident", resident), ("chair", chair), ("display", display))}
                # More time after time is up is said as such, not as a new "you are live".
                chair.click("[data-timer=extend]")
                resident.wait_for_selector("#my-alert:has-text('The chair gave you more time')")
                # A speaker who does not answer is skipped from the speaker's own controls.
                chair.click("#speaker-skip")
                resident.wait_for_selector("#my-position:has-text('The chair skipped your turn')")
                chair.wait_for_selector("#speaker-moderation", state="hidden")
                assert focus_moves_to(chair, "speaker-heading")
                # Reloaded while skipped, the page finds the place again; the resident withdraws,
                # and the chair has nobody left to recall.
                chair.wait_for_selector("#skipped-list button[data-action=recall]")
                resident.reload()
                resident.wait_for_selector("#my-position:has-text('The chair skipped your turn')")
                # Offline, nothing is sent (Socket.IO would send it late, on reconnecting).
                resident.context.set_offline(True)
                resident.wait_for_selector("#connection:has-text('Connection lost')")
                resident.click("#leave")
                resident.wait_for_selector("#leave-error:has-text('Not connected, so nothing was sent')")
                resident.context.set_offline(False)
                resident.wait_for_selector("#connection:has-text('Connected')")
                resident.wait_for_timeout(500)
                assert resident.is_visible("#you") and chair.is_visible("#skipped-list button[data-action=recall]")
                # Leaving asks first (it cannot be undone): cancelled, the place stays.
                asked_resident = []
                resident.once("dialog", lambda dialog: (asked_resident.append(dialog.message), dialog.dismiss()))
                resident.click("#leave")
                resident.wait_for_timeout(300)
                assert asked_resident and asked_resident[0].startswith("Leave the queue?")
                assert resident.is_visible("#you") and chair.is_visible("#skipped-list button[data-action=recall]")
                resident.once("dialog", lambda dialog: dialog.accept())
                resident.click("#leave")
                # Skipped after their time ran out, they have had their turn: withdrawing ends it
                # as heard (a place left could be taken again, for a second turn).
                resident.wait_for_selector("#join-note:has-text('Your turn is over. Thank you for your comment.')")
                assert focus_moves_to(resident, "join-heading")  # not thrown to the top of the page
                assert "Connected" in resident.inner_text("#connection")
                chair.wait_for_selector("#skipped-list button[data-action=recall]", state="detached")
                # The remove form the chair left open for them closes, saying why.
                chair.wait_for_selector("#remove-form", state="hidden")
                assert "no longer speaking or in line" in chair.inner_text("#console-message")
                assert resident.is_visible("#join-section") and not resident.is_visible("#you")
                # The other tab says what happened (the leave was pressed in this one).
                other_tab.wait_for_selector("#join-section", state="visible")
                other_tab.wait_for_selector("#you:has-text('Your turn is over'), #join-note:has-text('Your turn is over')")
                # Joined again (same token) for general comment (their turn on the item is over),
                # the other tab follows the new place too.
                resident.select_option("#join-item", "")
                resident.click("#join-form button[type=submit]")
                resident.wait_for_selector("#my-position:has-text('number 1')")
                other_tab.wait_for_selector("#my-position:has-text('number 1')")
                # The chair's warning was given to the person: it holds on the new place.
                resident.wait_for_selector("#my-warning:has-text('Shouting over the chair')")
                # Removed by the chair (a threat: no warning needed), the resident is told so,
                # not only that their place is gone.
                chair.click("#queue-rows button[data-action=remove]")
                chair.fill("#remove-reason", "Threatened the council")
                chair.check("#remove-threat-check")
                chair.click("#remove-form button[type=submit]")
                resident.wait_for_selector("#my-position:has-text('The chair removed you from the queue')")
                other_tab.close()

                # The clerk's speaker cards from the keyboard alone: type, Enter, and the next
                # card; a stance by Tab and the arrow keys (from "Not given"), then Tab to the button.
                # Reloaded, the console shows the item in force in its picker.
                chair.reload()
                chair.wait_for_selector("#connection:has-text('Connected')")
                assert chair.input_value("#item-select") == str(ids["item"])
                chair.focus("#card-name")
                chair.keyboard.type("Card One")
                chair.keyboard.press("Enter")
                # Pressed twice: still one card. The second Enter lands on the form emptied as
                # the card was sent, and is asked about, not dropped unsaid (the question stays
                # once the card is answered); Enter once more adds a card without a name.
                chair.keyboard.press("Enter")
                chair.wait_for_selector("#card-status:has-text('Added Card One'):has-text('Press Enter again')")
                assert chair.evaluate("document.activeElement.id") == "card-name"
                chair.keyboard.press("Enter")
                chair.wait_for_selector("#card-status:has-text('Added Speaker')")
                chair.keyboard.type("Card Two")
                # Support (the one after "Not given"), interpreter, remote (a caller on the phone line), Add.
                for key in ("Tab", "ArrowDown", "Tab", "Space", "Tab", "Space", "Tab", "Enter"):
                    chair.keyboard.press(key)
                # What went in is read back, so a stance or interpreter on the wrong card shows.
                chair.wait_for_selector(
                    "#card-status:has-text('Added Card Two (name not verified), supports, interpreter, remote, for ')")
                chair.wait_for_selector("#queue-rows tr:has-text('Card Two'):has-text('supports'):has-text('remote')")
                assert not chair.is_checked("#card-remote")  # cleared with the rest of the form
                # Cards of 20 s each (40 s for the interpreted one) on the item under comment.
                chair.wait_for_selector("#queue-summary:has-text('3 waiting on the item under comment: about 1 min')")
                # A name typed as one long word wraps on a phone instead of widening the page.
                chair.fill("#card-name", "W" * 60)
                chair.keyboard.press("Enter")
                resident.wait_for_selector("#queue li:has-text('WWWWWWWWWW')")
                assert resident.evaluate("document.documentElement.scrollWidth") <= 375
                chair.wait_for_selector("#queue-summary:has-text('4 waiting')")
                # One line per queue row on a laptop: the item title, the same on every row of
                # its item, is cut short on screen and whole on hover.
                assert chair.evaluate("""() => [...document.querySelectorAll("#queue-rows .queue-item")].every(
                    (el) => getComputedStyle(el).whiteSpace === "nowrap" && el.title === el.textContent)""")
                heights = chair.evaluate("""() => [...document.querySelectorAll("#queue-rows tr")].map(
                    (row) => [row.textContent, row.getBoundingClientRect().height])""")
                # At most two lines (the name, "name not verified"), unless there is more to say;
                # a card's five buttons (Correct and Withdraw too) may take a second line, no more.
                assert all(height < (90 if "Withdraw" in text else 64) for text, height in heights
                           if "WWWWWWWWWW" not in text and "interpreter" not in text), heights

                # Closing with people still waiting asks first; cancelling keeps comment open.
                asked = []
                chair.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
                chair.click("#close-comment")
                chair.wait_for_timeout(300)
                assert asked and asked[0].startswith("4 still waiting")
                assert "open" in chair.inner_text("#comment-status")
                chair.once("dialog", lambda dialog: dialog.accept())
                chair.click("#close-comment")
                chair.wait_for_selector("#comment-status:has-text('closed')")
                # Comment closed: nobody is "next" on the chamber screen.
                display.wait_for_selector("#queue li.live-empty")
                chair.click("#call-next")
                chair.wait_for_selector("#console-message:has-text('Public comment is closed: open it before calling')")

                # A timed period that this (California) body's rules keep open: the console
                # says until when beside Close, and answers a press itself instead of asking
                # "close?" (three are waiting again) only to be refused.
                chair.select_option("#open-item", str(ids["item"]))
                chair.fill("#open-period", "5")
                # Its comment was held and closed just now: opening it again is asked first.
                reopened = []
                chair.once("dialog", lambda dialog: (reopened.append(dialog.message), dialog.accept()))
                chair.click("#open-form button[type=submit]")
                chair.wait_for_selector("#close-note:has-text('this timed period can close at')")
                assert "has already been held and closed. Open it again?" in reopened[0]
                # The period was for this opening: the next one is not timed unless asked again.
                assert chair.input_value("#open-period") == ""
                # Residents and the chamber are told when its time is up, in the body's time.
                for page in (resident, display):
                    page.wait_for_selector("#comment-status:has-text('timed period until')")
                asked.clear()
                chair.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
                chair.click("#close-comment")
                chair.wait_for_selector("#console-message:has-text('cannot close before')")
                assert asked == [] and "open" in chair.inner_text("#comment-status")
                chair.wait_for_selector("#queue-summary:has-text('4 waiting')")

                # The clerk's Adjourn says what it would end: the comment open, how many wait,
                # and until when the rules keep its timed period open.
                clerk = browser.new_page()
                sign_in(clerk, server.url, ids["clerk_email"])
                clerk.goto(f"{server.url}/staff/meetings/{ids['meeting']}/proceedings")
                clerk.wait_for_selector("#proceedings-live[data-version]", state="attached")  # the live state
                asked = []
                clerk.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
                clerk.click("button[name=action][value=adjourn]")
                clerk.wait_for_timeout(300)
                [question] = asked
                assert question.startswith("Public comment is open on Elm Street rezoning. 4 people are still in "
                                           "line. Its timed period runs until ")
                assert ": until then the chair cannot close it. Adjourn the meeting?" in question
                assert question.endswith("Adjourn the meeting? This cannot be undone: public comment closes, the "
                                         "speaker's turn ends and the places still waiting are not called.")
                clerk.close()

                # Adjourned: the chamber screen's headline no longer shows the last item as
                # before the body, live or reloaded.
                assert display.inner_text("#current-item") == "Elm Street rezoning"
                proceedings("adjourn")
                display.wait_for_selector("#current-item:text-is('No item is being considered.')")
                display.reload()
                assert display.inner_text("#current-item") == "No item is being considered."
            finally:
                browser.close()
    assert errors == []
    assert found == {"resident": [], "chair": [], "display": []}
    assert skipped_violations == []
