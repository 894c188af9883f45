"""The resident's comment page in Chromium, with and without JavaScript."""
import json
import time
import urllib.request

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, query, sign_in
from tests.e2e.refusing_proxy import WebSocketRefusingProxy
from tests.e2e.test_accessibility import axe_violations


def comment_url(server):
    (published,) = query(server, "SELECT id FROM meetings WHERE status = 'published' ORDER BY start_at LIMIT 1")
    return f"{server.url}/meetings/{published.id}/comment"


def test_without_javascript_the_page_says_joining_needs_it(browser, demo_server):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(comment_url(demo_server))
        # (Playwright's text= engine does not look inside <noscript>.)
        said = page.locator("noscript p").all_inner_texts()
        assert said[0] == "Live updates need JavaScript; this page shows the state when it was loaded."
        assert "Joining the queue needs JavaScript" in said[1]
        assert page.inner_text("#connection") == ""  # never "connecting" when it cannot
        assert not page.is_visible("#join-form")  # it could only reload the page
        assert not page.is_visible("#join-loading")  # nothing is coming
    finally:
        context.close()


@pytest.fixture
def phone(browser):
    """A page on a phone-sized screen, in a browser context of its own."""
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


def test_with_javascript_the_join_form_is_there(phone, demo_server):
    phone.goto(comment_url(demo_server))
    phone.wait_for_selector("#join-form", state="visible")
    assert not phone.is_visible("noscript p") and not phone.is_visible("#join-loading")


def test_until_the_script_runs_the_page_says_the_form_is_coming(phone, demo_server):
    phone.route("**/js/live-comment.js*", lambda route: route.abort())  # as if still downloading
    phone.goto(comment_url(demo_server))
    assert phone.inner_text("#join-loading") == "Loading the form to ask to speak…"
    assert not phone.is_visible("#join-form")


def test_a_page_that_cannot_connect_says_so_and_sends_nothing(phone, demo_server):
    phone.route_web_socket("**/socket.io/**", lambda socket: socket.close())  # the network, say
    phone.route("**/socket.io/**", lambda route: route.abort())  # (long-polling too)
    phone.goto(comment_url(demo_server))
    phone.wait_for_selector("#connection:has-text('Cannot reach the server for live updates. Still trying')")
    assert phone.get_attribute("#live", "data-offline") == "true"  # the controls look unavailable
    phone.click("#join-form button[type=submit]")
    phone.wait_for_selector("#join-error:has-text('Not connected, so nothing was sent')")


def test_until_the_first_connection_the_controls_look_unavailable(phone, demo_server):
    """Join pressed while the page is still connecting would send nothing: it looks so,
    without the alarm of a lost connection."""
    phone.route_web_socket("**/socket.io/**", lambda socket: None)  # the server never answers
    phone.route("**/socket.io/**", lambda route: None)  # (long-polling neither)
    phone.goto(comment_url(demo_server))
    phone.wait_for_selector("#join-form", state="visible")
    assert phone.inner_text("#connection") == "Connecting to live updates…"
    assert phone.get_attribute("#live", "data-offline") == "connecting"
    assert phone.eval_on_selector("#join-form button[type=submit]", "b => getComputedStyle(b).filter") == "grayscale(1)"
    assert phone.eval_on_selector("#connection", "p => getComputedStyle(p).fontWeight") != "700"


def test_a_page_the_server_turns_away_says_so(phone, demo_server):
    # The page asks for a meeting the server does not know (as if it had been deleted):
    # the server refuses the connection, and retrying would not help.
    phone.add_init_script("""new MutationObserver((changes, observer) => {
        const live = document.getElementById("live");
        if (live) { live.dataset.meeting = "999999"; observer.disconnect(); }
    }).observe(document, {childList: true, subtree: true});""")
    phone.goto(comment_url(demo_server))
    phone.wait_for_selector("#connection:has-text('The server turned this page away')")
    assert phone.get_attribute("#live", "data-offline") == "true"


# -- with the chair: a staff page that sends the chair's events over a socket of its own --

def meeting_id(server):
    return comment_url(server).split("/")[-2]


def chair_sends(chair, event, payload=None):
    """Send `event` as the chair (the signed-in clerk may moderate) and return the answer."""
    reply = chair.evaluate("""([event, payload]) => new Promise((resolve) => {
        if (!window.testChair) {
            const meeting = parseInt(document.getElementById("live").dataset.meeting, 10);
            window.testChair = io("/live", {auth: {meeting: meeting}, transports: ["websocket"]});
        }
        const socket = window.testChair;
        const send = () => socket.timeout(10000).emit(event, payload, (error, reply) =>
            resolve(error ? {ok: false, error: String(error)} : reply));
        if (socket.connected) { send(); } else { socket.once("connect", send); }
    })""", [event, payload or {}])
    assert reply["ok"], (event, payload, reply)
    return reply


def clear_the_floor(chair):
    """Comment closed, nobody speaking, waiting or skipped: the demo server is shared by
    every test, and `call_next` must call the resident the test expects. (One at a
    time: removing a resident ends their other places too.)"""
    while True:
        state = chair_sends(chair, "sync")["state"]
        entries = state["queue"] + state["skipped"] + ([state["speaker"]] if state["speaker"] else [])
        if not entries:
            break
        chair_sends(chair, "remove", {"entry_id": entries[0]["entry_id"], "reason": "Clearing the floor for a test",
                                      "threat": True})
    if state["comment"]["open"]:
        chair_sends(chair, "close_comment")


@pytest.fixture
def chair(browser, demo_server):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, demo_server, "clerk@example.gov")
    page.goto(f"{demo_server.url}/staff/meetings/{meeting_id(demo_server)}/live")
    page.wait_for_selector("#connection:has-text('Connected')")
    clear_the_floor(page)
    yield page
    clear_the_floor(page)
    context.close()


@pytest.fixture
def residents(browser):
    """new_page() gives a page for one more resident, in a browser context of their own."""
    contexts = []

    def new_page():
        contexts.append(browser.new_context(viewport=PHONE))
        return contexts[-1].new_page()
    yield new_page
    for context in contexts:
        context.close()


def visit(page, server):
    page.goto(comment_url(server))
    page.wait_for_selector("#connection:has-text('Connected')")


def join(page):
    page.click("#join-form button[type=submit]")
    page.wait_for_selector("#my-position:has-text('in line')")


def eventually(check, seconds=10):
    """Poll `check()` until it is true (the pages' CSP refuses wait_for_function's strings)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


# The items a resident may sign up for now: not general comment, and not one whose
# comment has been held and closed (earlier tests close some on the shared server).
SELECTABLE_ITEMS = "#join-item option[value]:not([value='']):not([disabled])"


def items_taking_comment(page):
    return page.eval_on_selector_all(SELECTABLE_ITEMS, "options => options.map(o => o.value)")


def in_line_for_general_comment(chair, residents, server):
    """A resident's page, joined to general comment, which the chair has opened."""
    resident = residents()
    visit(resident, server)
    chair_sends(chair, "open_comment", {"item_id": None})
    join(resident)
    return resident


def call_and_start(chair, resident):
    chair_sends(chair, "call_next")
    chair_sends(chair, "timer", {"action": "start"})
    resident.wait_for_selector("#my-alert:has-text('You are live')")


def hear_out(chair, resident):
    """Call and start the resident, and stop: a turn heard (one whose time was never
    started is not thanked for: it is not counted as a comment)."""
    call_and_start(chair, resident)
    chair_sends(chair, "timer", {"action": "stop"})


# Everything #my-position says, in order, from the page's first moment.
RECORD_POSITION = """window.said = [];
new MutationObserver(() => {
    const el = document.getElementById("my-position");
    if (el && el.textContent && el.textContent !== window.said[window.said.length - 1]) {
        window.said.push(el.textContent);
    }
}).observe(document, {childList: true, subtree: true, characterData: true});"""


def test_a_speaker_the_chair_removes_is_told_so_not_thanked(chair, residents, demo_server):
    removed, away, finished = residents(), residents(), residents()
    removed.add_init_script(RECORD_POSITION)
    for page in (removed, away, finished):
        visit(page, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None})
    for page in (removed, away, finished):
        join(page)

    def remove_speaker():
        speaker = chair_sends(chair, "sync")["state"]["speaker"]["entry_id"]
        chair_sends(chair, "remove", {"entry_id": speaker, "reason": "Shouting over the chair", "threat": True})

    call_and_start(chair, removed)
    remove_speaker()
    # Told why: the reason the chair gave (it is in the public log already).
    removed.wait_for_selector("#my-position:has-text('The chair removed you from the queue. "
                              "The reason they gave: Shouting over the chair')")
    # Never thanked first, then corrected: a screen reader would hear both.
    assert not [said for said in removed.evaluate("() => window.said") if "Your turn is over" in said]
    removed.reload()
    removed.wait_for_selector("#join-note:has-text('The reason they gave: Shouting over the chair')")

    # Removed while waiting: told so once, not first "no longer in the queue".
    waiting = residents()
    waiting.add_init_script(RECORD_POSITION)
    visit(waiting, demo_server)
    join(waiting)
    entry = chair_sends(chair, "sync")["state"]["queue"][-1]["entry_id"]
    chair_sends(chair, "remove", {"entry_id": entry, "reason": "Shouting over the chair", "threat": True})
    waiting.wait_for_selector("#my-position:has-text('The reason they gave: Shouting over the chair')")
    assert not [said for said in waiting.evaluate("() => window.said") if "no longer in the queue" in said]

    # Removed while their page was closed: last seen speaking, but the server says how it ended.
    call_and_start(chair, away)
    away.goto("about:blank")
    remove_speaker()
    visit(away, demo_server)
    away.wait_for_selector("#join-note:has-text('The reason they gave: Shouting over the chair')")

    # A turn the chair ends as usual is still one to be thanked for, live and after a reload.
    hear_out(chair, finished)
    finished.wait_for_selector("#my-position:has-text('Your turn is over. Thank you for your comment.')")
    finished.reload()
    finished.wait_for_selector("#join-note:has-text('Your turn is over. Thank you for your comment.')")


def chosen_item(page):
    return page.input_value("#join-item")


def test_the_comment_on_choice_follows_the_item_the_chair_opens(chair, residents, demo_server):
    follower, chooser, lingerer = residents(), residents(), residents()
    for page in (follower, chooser, lingerer):
        visit(page, demo_server)
    first, second = items_taking_comment(follower)[:2]
    assert chosen_item(follower) == ""  # comment is closed: general comment, as on a fresh page
    chooser.select_option("#join-item", second)  # picked by hand: left alone from now on
    lingerer.focus("#join-item")  # about to pick: the select does not move under them
    chair_sends(chair, "open_comment", {"item_id": int(first)})
    eventually(lambda: chosen_item(follower) == first)
    lingerer.wait_for_selector("#comment-status:has-text('open')")
    assert chosen_item(chooser) == second and chosen_item(lingerer) == ""
    lingerer.focus("#join-name")  # moved on without picking: the choice catches up
    eventually(lambda: chosen_item(lingerer) == first)
    join(follower)
    assert not follower.is_visible("#my-wait:has-text('not open')")  # in the line being called
    chair_sends(chair, "call_next")
    chair_sends(chair, "timer", {"action": "stop"})  # (before their time started)
    follower.wait_for_selector("#my-position:has-text('The chair ended your turn')")

    # Comment moves on to the next item: the choice follows it, and Join gets a place there.
    chair_sends(chair, "close_comment")
    chair_sends(chair, "open_comment", {"item_id": int(second)})
    eventually(lambda: chosen_item(follower) == second)
    join(follower)  # (refused as already queued, it would wait in vain for a place)


class RoutedConnection:
    """The page's live connection, routed through the test: `drop()` cuts it (as a server
    restart or a lost signal would) and waits for the page to reconnect; `hold()` cuts it
    and turns the page's attempts to reconnect away until `release()`."""

    def __init__(self, page, *, screening=False):
        self.page, self.sockets, self.held = page, [], False
        # Screening, the server's messages pass through the test, which can lose one
        # (`lose_next`) as a bad connection would, the connection itself staying up.
        self.screening, self.losing, self.lost = screening, None, []
        page.route_web_socket("**/socket.io/**", self._forward)
        # Refused WebSockets, the page falls back to long-polling: held, that is cut too.
        page.route("**/socket.io/**", lambda route: route.abort() if self.held else route.continue_())

    def _forward(self, socket):
        if self.held:
            socket.close()
            return
        server = socket.connect_to_server()
        if self.screening:
            server.on_message(lambda message: self._pass(socket, message))
            socket.on_message(lambda message: self._pass(server, message))
        self.sockets.append(socket)

    def _pass(self, to, message):
        if self.losing and isinstance(message, str) and self.losing(message):
            self.losing = None
            self.lost.append(message)
            return
        to.send(message)

    def lose_next(self, matches):
        """Lose the next message, either way, for which `matches(text)` is true."""
        self.losing = matches

    def hold(self):
        self.held = True
        for socket in self.sockets:  # the console has two: the queue's and the quorum's
            socket.close()
        self.sockets.clear()
        self.page.wait_for_selector("#connection:has-text('Connection lost')")

    def release(self):
        self.held = False
        # (socket.io-client waits up to 7.5 s between attempts, longer on a loaded machine)
        self.page.wait_for_selector("#connection:has-text('Connected')", timeout=40000)

    def drop(self):
        self.hold()
        self.release()
        self.page.wait_for_timeout(1000)  # for the answer to `resume` and `sync`


def screened_resident_in_line(chair, residents, demo_server):
    """A resident in line for general comment, whose connection can lose a message."""
    resident = residents()
    connection = RoutedConnection(resident, screening=True)
    visit(resident, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None})
    join(resident)
    return resident, connection


def test_a_lost_answer_to_where_is_my_place_is_asked_again_not_taken_for_no_place(chair, residents, demo_server):
    """Reopened, the page asks the server for its place (`resume`); the answer lost, it
    used to say "You are no longer in the queue" of a resident still in line, and then
    missed their call."""
    resident, connection = screened_resident_in_line(chair, residents, demo_server)
    connection.lose_next(lambda message: message.startswith("43/live,") and '"places"' in message)
    resident.reload()
    resident.wait_for_selector("#connection:has-text('Connected')")
    # The first answer is lost: after the wait for it, the page asks again.
    resident.wait_for_selector("#my-position:has-text('in line')", timeout=30000)
    assert connection.lost, "the answer to resume was not lost: the test proved nothing"
    assert "no longer in the queue" not in resident.inner_text("#join-note")
    call_and_start(chair, resident)


def test_a_removed_speaker_whose_answer_about_it_is_lost_is_still_told_they_were_removed(
        chair, residents, demo_server):
    """The page asks the server how a turn ended; that answer lost, it used to thank a
    speaker the chair had removed, for good."""
    resident, connection = screened_resident_in_line(chair, residents, demo_server)
    call_and_start(chair, resident)
    connection.lose_next(lambda message: message.startswith("43/live,") and '"ended"' in message)
    speaker = chair_sends(chair, "sync")["state"]["speaker"]["entry_id"]
    chair_sends(chair, "remove", {"entry_id": speaker, "reason": "Shouting over the chair", "threat": True})
    resident.wait_for_selector("#my-position:has-text('The reason they gave: Shouting over the chair')",
                               timeout=30000)
    assert connection.lost, "the answer was not lost: the test proved nothing"
    assert "Thank you for your comment" not in resident.inner_text("#you")


def test_a_browser_with_two_places_follows_the_one_the_chair_calls(chair, residents, demo_server):
    """Its second join's answer lost, the page found both places by asking, followed the
    item's and listed general comment as its other place; called there, it used to say that
    place had ended, and the resident never heard "you are live"."""
    item = new_posted_item(demo_server, "Item for a browser with two places")
    resident, connection = screened_resident_in_line(chair, residents, demo_server)
    chair_sends(chair, "close_comment")
    chair_sends(chair, "open_comment", {"item_id": int(item)})
    resident.select_option("#join-item", item)
    connection.lose_next(lambda message: message.startswith("43/live,") and '"entry"' in message)
    resident.click("#join-form button[type=submit]")
    resident.wait_for_selector("#my-others:not([hidden])", timeout=30000)
    assert connection.lost, "the join's answer was not lost: the test proved nothing"
    chair_sends(chair, "close_comment")
    chair_sends(chair, "open_comment", {"item_id": None})
    call_and_start(chair, resident)
    assert "has ended" not in resident.inner_text("#you")


def test_no_answer_to_leave_is_not_left_under_a_place_still_held(chair, residents, demo_server):
    resident, connection = screened_resident_in_line(chair, residents, demo_server)
    connection.lose_next(lambda message: message.startswith("42/live,") and '"leave_queue"' in message)
    resident.once("dialog", lambda dialog: dialog.accept())
    resident.click("#leave")
    resident.wait_for_selector("#leave-error:has-text('No answer')", timeout=30000)
    assert connection.lost, "the leave was not lost: the test proved nothing"
    chair_sends(chair, "add_in_person", {"item_id": None, "display_name": "Card after the lost leave"})
    resident.wait_for_selector("#leave-error", state="attached")
    eventually(lambda: resident.inner_text("#leave-error") == "")
    assert "in line" in resident.inner_text("#my-position")


def test_a_name_that_passes_for_a_speaker_number_is_refused_in_the_pages_language(chair, residents, demo_server):
    resident = residents()
    resident.goto(comment_url(demo_server) + "?lang=es")
    resident.wait_for_selector("#connection:has-text('Conectado')")
    chair_sends(chair, "open_comment", {"item_id": None})
    resident.fill("#join-name", "Participante 3")
    resident.click("#join-form button[type=submit]")
    resident.wait_for_selector("#join-error:has-text('Deje el nombre vacío para aparecer con su propio número')")
    assert resident.is_visible("#join-form")  # nothing joined: the form stays


def test_the_note_on_an_ended_turn_stays_after_reconnecting(chair, residents, demo_server):
    ender, thanked = residents(), residents()
    drop_ender, drop_thanked = RoutedConnection(ender).drop, RoutedConnection(thanked).drop
    for page in (ender, thanked):
        visit(page, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None})
    join(ender)
    join(thanked)
    done = "Your turn is over. Thank you for your comment."

    # Ended by the resident: the note is above the join form.
    call_and_start(chair, ender)
    ender.once("dialog", lambda dialog: dialog.accept())
    ender.click("#leave")
    ender.wait_for_selector(f"#join-note:has-text('{done}')")
    drop_ender()
    assert ender.inner_text("#join-note") == done

    # Ended by the chair: the note is in "Your place", where the focus goes from the
    # "End my turn" button that went away.
    call_and_start(chair, thanked)
    thanked.focus("#leave")
    chair_sends(chair, "timer", {"action": "stop"})
    thanked.wait_for_selector(f"#my-position:has-text('{done}')")
    assert thanked.evaluate("document.activeElement.id") == "you-heading"
    drop_thanked()
    assert thanked.inner_text("#my-position") == done
    # Opened again, the page says it above the join form, and still does after reconnecting.
    thanked.reload()
    thanked.wait_for_selector(f"#join-note:has-text('{done}')")
    drop_thanked()
    assert thanked.inner_text("#join-note") == done


def test_a_resident_called_while_away_is_told_so_not_thanked(chair, residents, demo_server):
    closed, offline = residents(), residents()
    offline.add_init_script(RECORD_POSITION)
    connection = RoutedConnection(offline)
    for page in (closed, offline):
        visit(page, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None})
    join(closed)
    join(offline)
    missed = "The chair called you while this page was not connected, and your turn has ended."

    def call_and_end():
        chair_sends(chair, "call_next")
        chair_sends(chair, "timer", {"action": "start"})
        chair_sends(chair, "timer", {"action": "stop"})

    # The page was closed while the resident was called and the turn ended.
    closed.goto("about:blank")
    call_and_end()
    visit(closed, demo_server)
    closed.wait_for_selector(f"#join-note:has-text('{missed}')")

    # The connection was down the whole time: the page learns it on coming back.
    connection.hold()
    # Meanwhile the page says what it shows may be out of date, and dims it.
    assert "may be out of date" in offline.inner_text("#connection")
    assert offline.evaluate("getComputedStyle(document.getElementById('my-place')).opacity") == "0.8"
    call_and_end()
    connection.release()
    offline.wait_for_selector(f"#my-position:has-text('{missed}')")
    assert not [said for said in offline.evaluate("() => window.said") if "Thank you" in said]
    offline.reload()
    offline.wait_for_selector(f"#join-note:has-text('{missed}')")


def test_the_console_says_whether_a_remote_speakers_page_received_the_call(chair, residents, demo_server):
    # A second console (the clerk's, on a phone) whose own connection the test can cut.
    second = residents()
    sign_in(second, demo_server, "clerk@example.gov")
    connection = RoutedConnection(second)
    second.goto(f"{demo_server.url}/staff/meetings/{meeting_id(demo_server)}/live")
    second.wait_for_selector("#connection:has-text('Connected')")
    resident = in_line_for_general_comment(chair, residents, demo_server)
    # Called while their page is closed: the console waits a little, then says there is
    # no point waiting.
    resident.goto("about:blank")
    chair_sends(chair, "call_next")
    second.wait_for_selector("#speaker-page:has-text('Waiting for their page to receive the call')")
    # A console that is offline itself cannot know: it does not blame the resident's page.
    connection.hold()
    chair.wait_for_selector("#speaker-page:has-text('it may be closed or offline. If they do not answer, press Skip')",
                            timeout=20000)
    assert "Waiting for their page" in second.inner_text("#speaker-page")
    connection.release()
    second.wait_for_selector("#speaker-page:has-text('it may be closed or offline')")
    # Back on their page, which shows "you are live": the console says when.
    visit(resident, demo_server)
    resident.wait_for_selector("#my-alert:has-text('You are live')")
    chair.wait_for_selector("#speaker-page:has-text('Their page received the call at')")
    # Someone in the room has no page: nothing is said.
    chair_sends(chair, "add_in_person", {"item_id": None, "display_name": "Card"})
    chair_sends(chair, "call_next")
    chair.wait_for_selector("#speaker:has-text('Card')")
    assert not chair.is_visible("#speaker-page")


def test_a_second_call_of_the_same_place_is_received_after_reconnecting(chair, residents, demo_server):
    resident = in_line_for_general_comment(chair, residents, demo_server)
    entry_id = chair_sends(chair, "call_next")["entry_id"]
    chair.wait_for_selector("#speaker-page:has-text('Their page received the call at')")
    # Skipped, recalled and called again while the phone is offline: this call is news to it.
    resident.context.set_offline(True)
    resident.wait_for_selector("#connection:has-text('Connection lost')", timeout=30000)
    for event in ("skip", "recall"):
        chair_sends(chair, event, {"entry_id": entry_id})
    chair_sends(chair, "call_next")
    chair.wait_for_selector("#speaker-page:has-text('Waiting for their page to receive the call')")
    resident.context.set_offline(False)
    resident.wait_for_selector("#connection:has-text('Connected')", timeout=30000)
    chair.wait_for_selector("#speaker-page:has-text('Their page received the call at')")


def test_a_console_opened_after_the_call_counts_from_the_call(chair, residents, demo_server):
    resident = in_line_for_general_comment(chair, residents, demo_server)
    resident.goto("about:blank")
    chair_sends(chair, "call_next")
    silent = "#speaker-page:has-text('it may be closed or offline')"
    chair.wait_for_selector(silent, timeout=20000)
    # Reloaded (or a second console opened) after the call: no new ten seconds of waiting.
    chair.reload()
    chair.wait_for_selector(silent, timeout=3000)


def test_the_page_follows_the_place_on_the_item_comment_opens_on(chair, residents, demo_server):
    """A resident with a place in general comment (skipped) and one on an item: when
    general comment opens again, their page follows that place, so its call is seen."""
    resident = in_line_for_general_comment(chair, residents, demo_server)
    general = chair_sends(chair, "sync")["state"]["queue"][0]["entry_id"]
    chair_sends(chair, "skip", {"entry_id": general})
    chair_sends(chair, "close_comment")
    resident.wait_for_selector("#my-position:has-text('this public comment has closed')")
    resident.select_option("#join-item", items_taking_comment(resident)[0])
    resident.click("#join-form button[type=submit]")
    resident.wait_for_selector("#my-wait:has-text('not open right now')")
    chair_sends(chair, "open_comment", {"item_id": None})
    resident.wait_for_selector("#my-position:has-text('the chair can call you back')")
    chair_sends(chair, "recall", {"entry_id": general})
    chair_sends(chair, "call_next")
    resident.wait_for_selector("#my-alert:has-text('You are live')")
    chair.wait_for_selector("#speaker-page:has-text('Their page received the call at')")


COUNT_VIBRATIONS = "window.vibrations = 0; navigator.vibrate = () => { window.vibrations += 1; return true; };"
# Playwright's own evaluations count as user gestures, so a page it drives always looks
# touched: an untouched one is simulated.
NEVER_TOUCHED = "Object.defineProperty(navigator, 'userActivation', {value: {hasBeenActive: false}});"


def test_only_a_page_the_resident_has_touched_vibrates(chair, residents, demo_server):
    """Browsers refuse to vibrate for a page never touched (and say so in the console),
    such as a second tab following the same place."""
    tapped = residents()
    tapped.add_init_script(COUNT_VIBRATIONS)
    visit(tapped, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None})
    join(tapped)
    untouched = tapped.context.new_page()
    untouched.add_init_script(COUNT_VIBRATIONS + NEVER_TOUCHED)
    visit(untouched, demo_server)
    untouched.wait_for_selector("#my-position:has-text('in line')")
    chair_sends(chair, "call_next")  # "You are live" on both: an alert a phone would feel
    for page in (tapped, untouched):
        page.wait_for_selector("#my-alert:has-text('You are live')")
    assert tapped.evaluate("() => window.vibrations") >= 1
    assert untouched.evaluate("() => window.vibrations") == 0


def test_the_chamber_screen_headlines_general_comment_while_it_is_open(chair, residents, demo_server):
    resident, display = residents(), residents()
    visit(resident, demo_server)
    display.set_viewport_size({"width": 1920, "height": 1080})
    display.goto(comment_url(demo_server).replace("/comment", "/display"))
    display.wait_for_selector("#connection:has-text('Connected')")
    # Even the secondary lines are read from the back of the room (at least 24 px here).
    sizes = display.eval_on_selector_all(
        "#live > p.muted, #proceedings-live, #connection, #comment-status",
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert len(sizes) >= 3 and min(sizes) >= 24, sizes
    chair_sends(chair, "set_item", {"item_id": int(items_taking_comment(resident)[0])})
    ordinance = chair_sends(chair, "sync")["state"]["current_item"]["title"]
    display.wait_for_selector(f"#current-item:text-is('{ordinance}')")
    try:
        chair_sends(chair, "open_comment", {"item_id": None})
        display.wait_for_selector("#current-item:text-is('General public comment')")
        chair_sends(chair, "close_comment")
        display.wait_for_selector(f"#current-item:text-is('{ordinance}')")
    finally:
        chair_sends(chair, "set_item", {"item_id": None})


def test_a_timed_period_whose_time_is_up_does_not_read_as_running(residents, demo_server):
    # It stays open until the chair closes it; the pages' clock rewrites the line when
    # its time passes, with no new state (see DaisLive.tick).
    page = residents()
    visit(page, demo_server)
    said = page.evaluate("""() => [-60000, 60000].map((offset) => window.DaisLive.commentStatus({comment: {
        open: true, item_id: null, seconds_per_speaker: 120,
        period_ends_at: new Date(Date.now() + offset).toISOString()}}))""")
    assert "timed period ended at" in said[0] and "until" not in said[0]
    assert "timed period until" in said[1]
    # To the second unless it ends on the minute, as the server writes it (display.end_clock).
    said = page.evaluate("""() => ["2026-03-10T16:39:56Z", "2026-03-10T16:40:00Z"].map((end) =>
        window.DaisLive.commentStatus({comment: {open: true, item_id: null, seconds_per_speaker: 120,
                                                 period_ends_at: end}}))""")
    assert said[0].endswith("timed period ended at 9:39:56 AM"), said
    assert said[1].endswith("timed period ended at 9:40 AM"), said


def test_the_console_offers_skip_only_in_the_line_being_called(chair, residents, demo_server):
    called, elsewhere = residents(), residents()
    for page in (called, elsewhere):
        visit(page, demo_server)
    first, second = items_taking_comment(called)[:2]
    chair_sends(chair, "open_comment", {"item_id": int(first)})
    join(called)  # the choice follows the item under comment
    elsewhere.select_option("#join-item", second)
    join(elsewhere)
    entries = "#queue-rows tr:not(.queue-group)"  # (each item's line is headed by its item)
    chair.wait_for_selector(f"{entries} >> nth=1")
    rows = chair.eval_on_selector_all(entries, """rows => rows.map(row =>
        [row.querySelector(".queue-item").title, Boolean(row.querySelector("button[data-action=skip]"))])""")
    titles = dict(zip(items_taking_comment(called), called.eval_on_selector_all(
        SELECTABLE_ITEMS, "options => options.map(o => o.textContent)")))
    assert sorted(skip for _, skip in rows) == [False, True]
    assert [title for title, skip in rows if skip][0] in titles[first]


def test_leaving_just_as_the_chair_calls_is_leaving(chair, residents, demo_server):
    resident = in_line_for_general_comment(chair, residents, demo_server)

    def called_while_asking(dialog):
        chair_sends(chair, "call_next")  # the chair calls while "Leave the queue?" is open
        resident.wait_for_timeout(500)
        dialog.accept()
    resident.once("dialog", called_while_asking)
    resident.click("#leave")
    resident.wait_for_selector("#join-note:has-text('You left the queue.')")
    join(resident)  # not a turn had: the resident may sign up again


def test_two_tabs_joining_at_once_hold_one_place(chair, residents, demo_server):
    first = residents()
    second = first.context.new_page()
    for page in (first, second):
        visit(page, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None})
    for page, name in ((first, "Eve in one tab"), (second, "Eve in another")):
        page.fill("#join-name", name)
    # Both pressed together: neither waits for the other's answer.
    first.evaluate("document.querySelector('#join-form button[type=submit]').click()")
    second.evaluate("document.querySelector('#join-form button[type=submit]').click()")
    for page in (first, second):
        page.wait_for_selector("#my-position:has-text('in line')")
    names = [entry["display_name"] for entry in chair_sends(chair, "sync")["state"]["queue"]]
    assert len([name for name in names if name and name.startswith("Eve in")]) == 1, names


def test_two_consoles_adding_time_for_one_request_add_it_once(browser, chair, residents, demo_server):
    """A second console whose screen has not yet shown the first one's extension presses
    "Add 30 seconds" too: it is told someone else added time, and nothing more is added.
    The refusal goes by itself after 15 s; Stop pressed just after the other console
    stopped the speaker says nobody is speaking."""
    held = []  # the states the late console has not been shown yet, while `holding`
    holding = []

    def forward(socket):
        server = socket.connect_to_server()

        def to_page(message):
            if holding and isinstance(message, str) and message.startswith('42/live,["state"'):
                held.append(message)
            else:
                socket.send(message)
        server.on_message(to_page)

    context = browser.new_context(viewport=DESKTOP)
    context.clock.install()  # time runs as usual until fast-forwarded
    late = context.new_page()
    late.route_web_socket("**/socket.io/**", forward)
    sign_in(late, demo_server, "clerk@example.gov")
    late.goto(chair.url)
    late.wait_for_selector("#connection:has-text('Connected')")
    speaker = residents()
    visit(speaker, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None})
    join(speaker)
    chair_sends(chair, "call_next")
    late.wait_for_selector("#speaker:not(:empty)")
    allotted = chair_sends(chair, "sync")["state"]["speaker"]["allotted_seconds"]

    holding.append(True)
    chair_sends(chair, "timer", {"action": "extend", "seconds": 30, "allotted": allotted})
    late.click("[data-timer=extend]")
    late.wait_for_selector("#console-message:has-text('Someone else added time just before you')")
    assert chair_sends(chair, "sync")["state"]["speaker"]["allotted_seconds"] == allotted + 30
    holding.clear()
    late.clock.fast_forward(16000)
    eventually(lambda: late.inner_text("#console-message") == "")

    # Stop crosses the other console's: the refusal reaches this screen before the state
    # that ended the turn (held back here), and it catches up before saying why.
    holding.append(True)
    chair_sends(chair, "timer", {"action": "stop"})
    late.once("dialog", lambda dialog: dialog.accept())  # (a turn whose time never started)
    late.click("[data-timer=stop]")
    late.wait_for_selector("#console-message:has-text('has just ended, so there is no timer to change')")
    assert late.inner_text("#speaker") == "Nobody is speaking."  # caught up, though still held
    context.close()


def test_a_resident_offline_while_live_is_told_so_where_they_look(browser, chair, demo_server):
    """The connection line is at the top, scrolled away once the resident has joined: their
    place says it may be out of date, and the clock is dimmed, until they are back."""
    context = browser.new_context(viewport=PHONE, bypass_csp=True)  # (for axe's script tag)
    resident = context.new_page()
    connection = RoutedConnection(resident)
    visit(resident, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None})
    join(resident)
    assert not resident.is_visible("#you .offline-note")
    call_and_start(chair, resident)
    connection.hold()
    resident.wait_for_selector("#you .offline-note:has-text('Not connected: what is shown here may be out of date')")
    for part in ("#my-countdown", "#my-alert", "#my-place"):
        assert resident.eval_on_selector(part, "el => getComputedStyle(el).opacity") == "0.8", part
    # Dimmed, still readable: no serious contrast failure (the buttons are greyed, not faded).
    assert [v["id"] for v in axe_violations(resident)] == []
    connection.release()
    resident.wait_for_selector("#you .offline-note", state="hidden")
    assert resident.eval_on_selector("#my-countdown", "el => getComputedStyle(el).opacity") == "1"
    context.close()


def test_join_says_it_is_on_its_way_on_a_slow_connection(residents, demo_server):
    """The answer to a join can take seconds on a phone: the button says "Joining…" and
    looks unavailable until it comes, then is itself again."""
    held = []

    def forward(socket):
        server = socket.connect_to_server()

        def to_server(message):
            if isinstance(message, str) and '"join_queue"' in message:
                held.append(message)
            else:
                server.send(message)
        socket.on_message(to_server)
        held.append(server)

    resident = residents()
    resident.route_web_socket("**/socket.io/**", forward)
    visit(resident, demo_server)
    button = "#join-form button[type=submit]"
    label = resident.inner_text(button)
    resident.click(button)
    eventually(lambda: any(isinstance(m, str) for m in held))
    assert resident.inner_text(button) == "Joining…"
    assert resident.get_attribute(button, "aria-disabled") == "true"
    server = next(m for m in held if not isinstance(m, str))
    server.send(next(m for m in held if isinstance(m, str)))
    resident.wait_for_selector("#my-position:has-text('in line')")
    assert resident.inner_text(button) == label and resident.get_attribute(button, "aria-disabled") is None
    resident.once("dialog", lambda dialog: dialog.accept())  # the demo server is shared: leave
    resident.click("#leave")
    resident.wait_for_selector("#join-note:has-text('You left the queue')")


# Presses `button` the moment the text of #`watched` changes: a chair reacting to the
# screen at once, whatever the test's own round trips cost on a loaded machine.
PRESS_WHEN_CHANGED = """([watched, button]) => {
    const el = document.getElementById(watched), before = el.textContent;
    new MutationObserver((changes, observer) => {
        if (el.textContent !== before) { observer.disconnect(); document.querySelector(button).click(); }
    }).observe(el, {childList: true, subtree: true, characterData: true});
}"""


def test_a_press_aimed_at_what_the_screen_showed_a_moment_ago_is_not_sent(chair, residents, demo_server):
    """Another console calls next or adds time, and this console's chair presses the same
    button a moment later, reacting to the screen before it changed: nothing is sent, and
    the console says why. Later, calling next over a speaker whose time never started asks."""
    first, second = residents(), residents()
    for page in (first, second):
        visit(page, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None})
    join(first)
    join(second)

    def speaker():
        return chair_sends(chair, "sync")["state"]["speaker"]

    chair.evaluate(PRESS_WHEN_CHANGED, ["speaker", "#call-next"])
    called = chair_sends(chair, "call_next")["entry_id"]  # from another console
    chair.wait_for_selector("#console-message:has-text('Someone else called the next speaker just before you')")
    assert speaker()["entry_id"] == called

    chair.wait_for_timeout(1600)
    asked = []
    chair.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    chair.click("#call-next")
    eventually(lambda: asked, seconds=5)
    assert "was called but has not started speaking" in asked[0]
    chair.wait_for_timeout(300)
    assert speaker()["entry_id"] == called  # dismissed: nothing sent

    chair_sends(chair, "timer", {"action": "start"})
    chair_sends(chair, "timer", {"action": "pause"})  # the clock stands still: it changes only with the extension
    allotted = speaker()["allotted_seconds"]
    eventually(lambda: chair.get_attribute("[data-timer=resume]", "aria-disabled") is None)  # the pause is shown
    # ...on the clock too: the countdown is redrawn at the page's next tick, after the buttons.
    eventually(lambda: "paused" in chair.inner_text("#countdown"))
    chair.evaluate(PRESS_WHEN_CHANGED, ["countdown", "[data-timer=extend]"])
    chair_sends(chair, "timer", {"action": "extend", "seconds": 30, "allotted": allotted})
    chair.wait_for_selector("#console-message:has-text('Someone else added time just before you')")
    assert speaker()["allotted_seconds"] == allotted + 30


def test_on_a_tablet_the_consoles_buttons_are_a_fingers_size(browser, residents, demo_server):
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True, is_mobile=True)
    try:
        tablet = context.new_page()
        sign_in(tablet, demo_server, "clerk@example.gov")
        tablet.goto(f"{demo_server.url}/staff/meetings/{meeting_id(demo_server)}/live")
        tablet.wait_for_selector("#connection:has-text('Connected')")
        clear_the_floor(tablet)
        resident = residents()
        visit(resident, demo_server)
        chair_sends(tablet, "open_comment", {"item_id": None})
        join(resident)
        tablet.wait_for_selector("#queue-rows button[data-action=skip]")
        sizes = tablet.eval_on_selector_all(
            "#queue-rows button, #speaker-skip, #speaker-warn, #speaker-remove, select",
            "els => els.filter(e => e.offsetParent).map(e => [e.id || e.textContent.trim(), e.offsetHeight])")
        assert sizes and all(height >= 44 for _, height in sizes), sizes
        gaps = tablet.eval_on_selector_all("#queue-rows button", "els => els.map(e => getComputedStyle(e).marginRight)")
        assert gaps and all(float(gap.rstrip("px")) >= 8 for gap in gaps), gaps
        clear_the_floor(tablet)
    finally:
        context.close()


def test_removing_before_a_warning_turns_into_the_warning_right_under_the_speaker(chair, residents, demo_server):
    """This body's rules want a warning first: Remove is refused, and the warn form opens
    in its place for the same person, under the speaker's buttons (not below the queue,
    which would scroll a tablet away from the clock). Each step is confirmed in words."""
    resident = in_line_for_general_comment(chair, residents, demo_server)
    call_and_start(chair, resident)
    chair.wait_for_selector("#speaker-moderation:not([hidden])")
    chair.click("#speaker-remove")
    assert chair.evaluate("() => document.getElementById('remove-form').previousElementSibling.id") == \
        "speaker-moderation"
    chair.fill("#remove-reason", "Shouting over the chair")
    chair.click("#remove-form button[type=submit]")
    chair.wait_for_selector("#console-message:has-text('warn this participant before removing them')")
    chair.wait_for_selector("#warn-form", state="visible")
    assert not chair.is_visible("#remove-form")
    assert chair.evaluate("() => document.activeElement.id") == "warn-reason"
    assert chair.evaluate("() => document.getElementById('warn-form').previousElementSibling.id") == \
        "speaker-moderation"
    chair.fill("#warn-reason", "Shouting over the chair")
    chair.click("#warn-form button[type=submit]")
    chair.wait_for_selector("#console-done:has-text('Warning recorded.')", state="attached")
    chair.click("#speaker-remove")
    chair.fill("#remove-reason", "Kept shouting after the warning")
    # Everything the console's alert says from here (the state removing the speaker
    # comes before the answer): not that the form closed because they had gone.
    chair.evaluate("""() => { window.alertsSaid = [];
        new MutationObserver(() => window.alertsSaid.push(document.getElementById("console-message").textContent))
          .observe(document.getElementById("console-message"), { childList: true, characterData: true, subtree: true }); }""")
    chair.click("#remove-form button[type=submit]")
    chair.wait_for_selector("#console-done:has-text('Removed from the queue.')", state="attached")
    resident.wait_for_selector("#my-position:has-text('The chair removed you from the queue.')")
    assert not [said for said in chair.evaluate("window.alertsSaid") if "no longer speaking" in said]
    assert chair.is_hidden("#remove-form")


def test_a_card_entered_twice_is_withdrawn_from_the_console_with_a_reason(chair, residents, demo_server):
    """The clerk takes back a duplicate card from its row: asked why (logged), the row
    goes, and it is said. A resident's own place offers no such button."""
    resident = in_line_for_general_comment(chair, residents, demo_server)
    chair_sends(chair, "add_in_person", {"item_id": None, "display_name": "Pat Smith"})
    twice = chair_sends(chair, "add_in_person", {"item_id": None, "display_name": "Pat Smith"})["entry"]["entry_id"]
    button = f"#queue-rows button[data-action=withdraw][data-entry='{twice}']"
    chair.wait_for_selector(button)
    # Named with the place in line: the two cards of one name are told apart.
    assert chair.get_attribute(button, "aria-label") == "Withdraw Pat Smith, number 3 in line"
    assert chair.locator("#queue-rows button[data-action=withdraw]").count() == 2  # the cards, not the resident
    chair.click(button)
    assert chair.evaluate("() => document.activeElement.id") == "withdraw-reason"
    chair.click("#withdraw-form button[type=submit]")  # no reason: asked for one, nothing sent
    assert chair.evaluate("() => document.activeElement.id") == "withdraw-reason"
    chair.fill("#withdraw-reason", "Entered twice")
    chair.click("#withdraw-form button[type=submit]")
    chair.wait_for_selector("#console-done:has-text('Withdrawn from the queue.')", state="attached")
    chair.wait_for_selector(button, state="detached")
    assert chair.is_hidden("#withdraw-form") and chair.inner_text("#console-message") == ""
    queue = chair_sends(chair, "sync")["state"]["queue"]
    assert twice not in [e["entry_id"] for e in queue] and len(queue) == 2
    assert "in line" in resident.text_content("#my-position")


def test_the_timer_buttons_that_do_not_apply_look_so_and_say_why(chair, residents, demo_server):
    resident = in_line_for_general_comment(chair, residents, demo_server)

    def unavailable():
        return {b: chair.get_attribute(f"[data-timer={b}]", "aria-disabled") == "true"
                for b in ("start", "pause", "resume", "extend", "stop")}

    eventually(lambda: all(unavailable().values()))  # nobody speaking
    chair_sends(chair, "call_next")
    eventually(lambda: unavailable() == {"start": False, "pause": True, "resume": True, "extend": False,
                                         "stop": False})
    chair_sends(chair, "timer", {"action": "start"})
    eventually(lambda: unavailable() == {"start": True, "pause": False, "resume": True, "extend": False,
                                         "stop": False})
    version = chair_sends(chair, "sync")["state"]["version"]
    chair.click("[data-timer=resume]", force=True)  # it looks unavailable, and a press says why
    chair.wait_for_selector("#console-message:has-text('The timer is already running.')")
    assert chair_sends(chair, "sync")["state"]["version"] == version  # nothing was sent
    chair.click("[data-timer=pause]")
    eventually(lambda: unavailable() == {"start": True, "pause": True, "resume": False, "extend": False,
                                         "stop": False})


def test_a_resident_is_not_invited_to_speak_again_where_their_turn_is_over(chair, residents, demo_server):
    """One turn per person per item: after speaking in general comment, a place kept on
    an item does not come with "you may ask to speak on general comment too", which
    the server would refuse. Opened again, the page knows it from the server."""
    item = new_posted_item(demo_server, "Item for a resident who has spoken")
    resident = residents()
    visit(resident, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None})
    join(resident)
    hear_out(chair, resident)
    resident.wait_for_selector("#my-position:has-text('Your turn is over')")
    # Greyed in the form too; still chosen, it is refused in the page, before sending.
    general = "#join-item option[value='']"
    resident.wait_for_selector(f"{general}:has-text('(your turn on this is over)')", state="attached")
    assert resident.eval_on_selector(general, "o => o.disabled")
    resident.click("#join-form button[type=submit]")
    resident.wait_for_selector("#join-error:has-text('have already spoken')")
    resident.select_option("#join-item", item)
    resident.click("#join-form button[type=submit]")
    resident.wait_for_selector("#my-wait:has-text('not open right now')")
    resident.wait_for_timeout(500)
    assert resident.inner_text("#also-join") == "" and not resident.is_visible("#join-form")
    visit(resident, demo_server)
    resident.wait_for_selector("#my-wait:has-text('not open right now')")
    resident.wait_for_timeout(500)
    assert resident.inner_text("#also-join") == "" and not resident.is_visible("#join-form")


def test_a_place_kept_for_general_comment_is_not_called_an_items(chair, residents, demo_server):
    resident = residents()
    visit(resident, demo_server)
    resident.select_option("#join-item", "")
    resident.click("#join-form button[type=submit]")  # before the chair opens it
    resident.wait_for_selector("#my-wait:has-text('General public comment is not open right now. Your place is "
                               "kept for when it opens.')")


def test_a_resident_waiting_on_an_item_may_also_ask_to_speak_where_comment_is_open(chair, residents, demo_server):
    resident = residents()
    visit(resident, demo_server)
    item = items_taking_comment(resident)[0]
    resident.select_option("#join-item", item)
    resident.click("#join-form button[type=submit]")  # signed up early
    resident.wait_for_selector("#my-wait:has-text('not open right now')")
    assert not resident.is_visible("#join-form")
    chair_sends(chair, "open_comment", {"item_id": None})
    resident.wait_for_selector("#also-join:has-text('Public comment is open on General public comment now')")
    assert resident.is_visible("#join-form") and chosen_item(resident) == ""
    # A second place: the page follows the one under comment, and "also join" goes (the
    # item's place already said "in line", so join() could not tell when it is taken).
    resident.click("#join-form button[type=submit]")
    resident.wait_for_selector("#also-join:empty", state="attached")
    places = chair_sends(chair, "sync")["state"]["queue"]
    assert sorted(str(e["item_id"]) for e in places) == sorted(["None", item])
    assert not resident.is_visible("#join-form")


def test_an_item_whose_comment_closed_takes_no_sign_ups_and_its_line_is_told(chair, residents, demo_server):
    waiting, later = residents(), residents()
    for page in (waiting, later):
        visit(page, demo_server)
    first, second = items_taking_comment(waiting)[:2]
    chair_sends(chair, "open_comment", {"item_id": int(first)})
    chair_sends(chair, "add_in_person", {"item_id": int(first), "display_name": "Card"})
    join(waiting)  # behind the card
    chair_sends(chair, "close_comment")
    waiting.wait_for_selector("#my-wait:has-text('Public comment on this item has closed. If the chair opens it "
                              "again, you keep your place.')")
    option = f"#join-item option[value='{first}']"
    later.wait_for_selector(f"{option}[disabled]", state="attached")
    assert later.text_content(option).endswith("(public comment closed)")
    assert not later.is_disabled(f"#join-item option[value='{second}']")
    chair_sends(chair, "open_comment", {"item_id": int(first)})  # opened again: it takes sign-ups again
    later.wait_for_selector(f"{option}:not([disabled])", state="attached")
    waiting.wait_for_selector("#my-position:has-text('number 2 in line')")


def two_in_line(chair, residents, demo_server, seconds_per_speaker):
    """Two residents in line for general comment, opened with this time per speaker."""
    speaker, next_up = residents(), residents()
    for page in (speaker, next_up):
        visit(page, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None, "seconds_per_speaker": seconds_per_speaker})
    join(speaker)
    join(next_up)
    return speaker, next_up


def test_the_wait_counts_down_while_the_speaker_ahead_speaks(chair, residents, demo_server):
    speaker, next_up = two_in_line(chair, residents, demo_server, 90)
    next_up.wait_for_selector("#my-wait:has-text('about 2 min')")  # the 90 s of the one ahead
    call_and_start(chair, speaker)
    next_up.wait_for_selector("#my-position:has-text('number 1')")
    # Under 89.5 s left a second later: one minute, counted down by the page's clock.
    next_up.wait_for_selector("#my-wait:has-text('about 1 min')", timeout=5000)
    # Read out is the wait worked out when the place moved: the clock alone does not
    # make the place's live region read the whole line again.
    assert next_up.text_content("#my-wait-said") == "Estimated wait: about 2 min."
    assert next_up.get_attribute("#my-wait", "aria-hidden") == "true"
    # Nor does a change that leaves the place where it was (someone joining behind).
    behind = residents()
    visit(behind, demo_server)
    join(behind)
    next_up.wait_for_selector("#queue li >> nth=1")  # the state with them in it has arrived
    assert next_up.text_content("#my-wait-said") == "Estimated wait: about 2 min."


def test_a_new_time_per_speaker_is_read_out_with_the_wait_it_makes(chair, residents, demo_server):
    """The place has not moved, but the chair has changed the time for everyone: the
    estimate read out is the new one, not the one the place had when it last moved."""
    ahead, next_up = two_in_line(chair, residents, demo_server, 60)
    next_up.wait_for_selector("#my-wait:has-text('about 1 min')")  # the 60 s of the one ahead
    assert next_up.text_content("#my-wait-said") == "Estimated wait: about 1 min."
    chair_sends(chair, "set_speaker_time", {"seconds": 180})
    next_up.wait_for_selector("#my-wait:has-text('about 3 min')")
    assert next_up.text_content("#my-wait-said") == "Estimated wait: about 3 min."


def test_the_wait_read_out_stays_while_the_speaker_ahead_runs_over(chair, residents, demo_server):
    """The speaker ahead out of time leaves nothing to estimate, but the place has not
    moved: the line read out is not read again."""
    speaker, next_up = two_in_line(chair, residents, demo_server, 10)
    call_and_start(chair, speaker)
    next_up.wait_for_selector("#my-position:has-text('number 1')")
    said = next_up.text_content("#my-wait-said")
    assert said == "Estimated wait: about 1 min."
    next_up.wait_for_selector("#my-wait", state="hidden", timeout=15000)  # the ten seconds are up
    assert next_up.text_content("#my-wait-said") == said


def test_a_speaker_called_but_not_started_is_told_to_wait_for_their_time(chair, residents, demo_server):
    resident = in_line_for_general_comment(chair, residents, demo_server)
    chair_sends(chair, "call_next")
    resident.wait_for_selector("#my-alert:has-text('You are live: the chair has called you. Speak when the chair "
                               "starts your time.')")
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.dismiss()
    resident.once("dialog", answer)
    resident.click("#leave")
    eventually(lambda: asked)
    assert asked[0].startswith("Give your turn back? Your time has not started")
    chair_sends(chair, "timer", {"action": "start"})
    resident.wait_for_selector("#my-alert:has-text('You are live. Please speak now.')")


def test_back_late_in_the_last_30_seconds_the_page_says_less_than_30_seconds_left(chair, residents, demo_server):
    """"30 seconds left" was read out with 12 seconds to go by a page back online late."""
    resident = residents()
    connection = RoutedConnection(resident)
    visit(resident, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None})
    chair_sends(chair, "set_speaker_time", {"seconds": 60})
    join(resident)
    call_and_start(chair, resident)
    connection.hold()
    left = chair_sends(chair, "sync")["state"]["speaker"]["remaining_seconds"]
    chair.wait_for_timeout((left - 22) * 1000)  # back with about 20 seconds to go
    connection.release()
    resident.wait_for_selector("#my-alert:has-text('Less than 30 seconds left.')")
    assert resident.inner_text("#my-alert") == "Less than 30 seconds left."
    chair_sends(chair, "timer", {"action": "stop"})


def test_the_page_connects_by_long_polling_where_websockets_are_refused(residents, chair, demo_server):
    """Some carriers' and offices' proxies refuse WebSocket upgrades: the page must still
    connect (over HTTP long-polling) and the resident join."""
    proxy = WebSocketRefusingProxy(int(demo_server.url.rsplit(":", 1)[1]))
    try:
        resident = residents()
        resident.goto(comment_url(demo_server).replace(demo_server.url, proxy.url))
        resident.wait_for_selector("#connection:has-text('Connected')")
        assert proxy.refused
        chair_sends(chair, "open_comment", {"item_id": None})
        join(resident)
    finally:
        proxy.close()


def test_the_chamber_screen_says_it_is_offline_on_a_small_projector(chair, residents, demo_server):
    """1280x720: who is next fits beside the clock (and says how many more wait), and
    offline the screen says so at its top, not below its bottom edge."""
    display = residents()
    display.set_viewport_size({"width": 1280, "height": 720})
    connection = RoutedConnection(display)
    display.goto(comment_url(demo_server).replace("/comment", "/display"))
    display.wait_for_selector("#connection:has-text('Connected')")
    chair_sends(chair, "open_comment", {"item_id": None})
    for name in ("Maria Guadalupe Hernandez-Villanueva de la Cruz y Montenegro", "María José Núñez",
                 "Oluwaseun Adeyemi-Okonkwo Babatunde-Olamide Ogunleye", "Li Wei", "Ana", "Tom", "Extra Person"):
        chair_sends(chair, "add_in_person", {"item_id": None, "display_name": name, "channel": "remote"})
    display.wait_for_selector("#queue li:has-text('and 2 more waiting')")
    fits = "() => document.documentElement.scrollHeight <= window.innerHeight"
    assert display.evaluate(fits)
    # However long the name, the line keeps "· remote" whole, after the name.
    cut = """() => [...document.querySelectorAll("#queue .next-channel")].map(channel => {
        const line = channel.closest("li").getBoundingClientRect(), box = channel.getBoundingClientRect();
        return [channel.textContent, box.right <= line.right + 0.5 && box.width > 0]; })"""
    assert display.evaluate(cut) == [["· remote", True]] * 5
    # That the names are not verified is said once, above the list, not cut off with a name.
    assert display.is_visible(".next-note:has-text('Names as given by the speakers, not verified.')")
    assert "not verified" not in display.inner_text("#queue")
    chair_sends(chair, "call_next")  # the first card: a name long enough for three lines
    display.wait_for_selector("#speaker:has-text('Maria Guadalupe')")
    # Said whole beside the heading, not after a name cut at two lines ("(na…").
    assert display.is_visible("#speaker-heading #speaker-note:has-text('(name not verified)')")
    assert "not verified" not in display.inner_text("#speaker")
    clock = display.locator("#countdown").bounding_box()
    assert clock["y"] + clock["height"] <= 720  # the clock stays on the screen
    display.set_viewport_size({"width": 1024, "height": 768})  # a smaller projector: next still beside the clock
    eventually(lambda: display.evaluate(fits))  # (once the page's resize handler has fitted the title)
    assert display.locator("#queue").bounding_box()["x"] > display.locator("#countdown").bounding_box()["x"]
    lines = display.evaluate("""() => { const el = document.getElementById("speaker");
        return el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight); }""")
    assert lines <= 2.2  # a long name is cut short at two lines, not pushing the clock down
    display.set_viewport_size({"width": 1280, "height": 720})
    connection.hold()
    box = display.locator("#connection").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 720
    connection.release()


# Each name of the "Next" list: its text laid out whole inside its own box and its line
# (no ellipsis, nothing clipped), and its channel after it.
WHOLE_NAMES = """() => [...document.querySelectorAll("#queue .next-name")].map(name => {
    const li = name.closest("li"), text = document.createRange();
    text.selectNodeContents(name);
    const words = text.getBoundingClientRect(), box = name.getBoundingClientRect(), line = li.getBoundingClientRect();
    const channel = li.querySelector(".next-channel").getBoundingClientRect();
    return [name.textContent, name.scrollWidth <= name.clientWidth && li.scrollWidth <= li.clientWidth
            && words.right <= Math.min(box.right, line.right) + 0.5 && words.bottom <= line.bottom + 0.5
            && channel.width > 0 && channel.right <= line.right + 0.5 && channel.bottom >= words.bottom - 0.5]; })"""


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_chamber_screen_shows_long_names_whole(chair, residents, demo_server, lang):
    """A name of some forty letters is read out by the clerk and looked for by the
    resident: on a 1280x720 or 1024x768 projector it wraps, never cut short, with its
    channel after it, and the list still fits beside the clock."""
    names = ["María Guadalupe Hernández de la Fuente", "Vecino con un nombre bastante largo aquí",
             "Oluwaseun Adeyemi-Okonkwo Babatunde", "Li Wei", "Ana"]
    display = residents()
    display.set_viewport_size({"width": 1280, "height": 720})
    display.goto(comment_url(demo_server).replace("/comment", "/display") + f"?lang={lang}")
    display.wait_for_function("() => document.getElementById('connection').textContent"
                              " && !document.getElementById('live').hasAttribute('data-offline')")  # connected
    chair_sends(chair, "open_comment", {"item_id": None})
    for number, name in enumerate(names):
        chair_sends(chair, "add_in_person", {"item_id": None, "display_name": name,
                                             "channel": "in_person" if number % 2 else "remote"})
    display.wait_for_selector("#queue li:has-text('Ana')")
    for size in ({"width": 1280, "height": 720}, {"width": 1024, "height": 768}):
        display.set_viewport_size(size)
        assert display.evaluate(WHOLE_NAMES) == [[name, True] for name in names], size
        assert display.evaluate("() => document.documentElement.scrollHeight <= window.innerHeight"), size


def test_a_resident_called_while_scrolled_away_sees_their_countdown(chair, residents, demo_server):
    """On a phone, a resident who scrolled down to the webinar and phone details while
    waiting is brought to their countdown when the chair calls them (and left where they
    scroll to after that)."""
    resident = in_line_for_general_comment(chair, residents, demo_server)
    resident.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    assert resident.locator("#leave").bounding_box()["y"] < 0  # their place is out of sight
    call_and_start(chair, resident)
    box = resident.locator("#my-countdown").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 740, box
    resident.evaluate("() => window.scrollTo(0, 0)")  # the resident looks at something else
    chair_sends(chair, "timer", {"action": "pause"})
    resident.wait_for_selector("#my-clock:has-text('paused')")
    assert resident.evaluate("() => window.scrollY") == 0
    chair_sends(chair, "timer", {"action": "stop"})


def test_the_chamber_screen_gives_the_agenda_number_and_fills_a_large_screen(chair, residents, demo_server):
    """The room finds the item on the printed agenda by its number; the status line under
    the title does not say the title again; a long title is shown whole on a 1024x768
    projector with the clock still on screen; and a 1920x1080 screen is filled as a
    1280x720 projector is, in larger type, not left half empty."""
    title = ("Ordinance Updating Accessory Dwelling Unit Regulations to Conform with State Law "
             "(shown on the chamber screen)")
    item = new_posted_item(demo_server, title)
    agenda = clerk_api(demo_server, "GET", f"/api/v1/meetings/{meeting_id(demo_server)}")
    (number,) = [entry["number"] for section in agenda["sections"] for entry in section["items"]
                 if str(entry["id"]) == item]
    display = residents()
    display.set_viewport_size({"width": 1280, "height": 720})
    display.goto(comment_url(demo_server).replace("/comment", "/display"))
    display.wait_for_selector("#connection:has-text('Connected')")
    chair_sends(chair, "open_comment", {"item_id": int(item)})
    display.wait_for_selector("#current-item:has-text('shown on the chamber screen')")
    assert display.inner_text("#current-number") == number
    assert display.inner_text("#comment-status").startswith("Public comment is open · ")
    chair_sends(chair, "add_in_person", {"item_id": int(item), "display_name": "María Guadalupe Hernández de la Fuente",
                                         "interpreter": True, "channel": "remote"})
    for _ in range(5):
        chair_sends(chair, "add_in_person", {"item_id": int(item), "display_name": "Card", "channel": "remote"})
    chair_sends(chair, "call_next")
    display.wait_for_selector("#speaker-interpreter:has-text('Speaking through an interpreter')")
    sizes = {}
    whole = "() => { const p = document.querySelector('.display-item'); return p.scrollHeight <= p.clientHeight + 1; }"
    for width, height in ((1024, 768), (1280, 720), (1920, 1080)):
        display.set_viewport_size({"width": width, "height": height})
        # The title is not cut short (fitted on the page's resize event, which comes after
        # the viewport has changed, not with it).
        eventually(lambda: display.evaluate(whole))
        clock = display.locator("#countdown").bounding_box()
        assert clock["y"] + clock["height"] <= height, width
        sizes[width] = display.evaluate("""() => ["countdown", "queue"].map(id =>
            parseFloat(getComputedStyle(document.getElementById(id)).fontSize))""")
    assert all(large >= 1.4 * small for small, large in zip(sizes[1280], sizes[1920])), sizes
    # Reloaded, the page says the same from the server.
    display.reload()
    display.wait_for_selector("#connection:has-text('Connected')")
    assert display.inner_text("#current-number") == number
    eventually(lambda: display.evaluate(whole))
    chair_sends(chair, "timer", {"action": "stop"})
    clear_the_floor(chair)
    display.wait_for_selector("#comment-status:text-is('Public comment is closed')")


def clerk_api(server, method, path, body=None):
    """The clerk's JSON API on the demo server, with an API token made for the call."""
    token = server.flask("users", "token", "clerk@example.gov").stdout.strip().splitlines()[-1]
    request = urllib.request.Request(server.url + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def new_posted_item(server, title):
    """An item nobody has held comment on: on the shared demo meeting the earlier tests
    may have held and closed comment on every item, which then takes no sign-ups."""
    meeting = meeting_id(server)
    (section,) = query(server, "SELECT id FROM agenda_sections WHERE meeting_id = :m AND kind = 'business' "
                               "ORDER BY position LIMIT 1", m=int(meeting))
    item = clerk_api(server, "POST", f"/api/v1/meetings/{meeting}/items",
                     {"section_id": section.id, "title": title, "accepts_public_comment": True})
    post_amendment(server, meeting)
    return str(item["id"])


def post_amendment(server, meeting):
    """The clerk posts the agenda as it stands (late for the shared demo meeting, so with why)."""
    clerk_api(server, "POST", f"/api/v1/meetings/{meeting}/publish",
              {"override_reason": "Amended agenda posted for the end-to-end tests"})


def test_a_place_moved_to_general_comment_is_followed_there(chair, residents, demo_server):
    """An item leaves the agenda: the resident signed up for it now waits in general
    comment, and their page says so (not "not open" while general comment is open)."""
    meeting = meeting_id(demo_server)
    (section,) = query(demo_server, "SELECT id FROM agenda_sections WHERE meeting_id = :m AND kind = 'business' "
                                    "ORDER BY position LIMIT 1", m=int(meeting))
    item = clerk_api(demo_server, "POST", f"/api/v1/meetings/{meeting}/items",
                     {"section_id": section.id, "title": "Item withdrawn before the meeting",
                      "accepts_public_comment": True})
    post_amendment(demo_server, meeting)  # offered to residents once posted
    resident = residents()
    visit(resident, demo_server)
    resident.select_option("#join-item", str(item["id"]))
    resident.click("#join-form button[type=submit]")
    resident.wait_for_selector("#my-wait:has-text('not open right now')")
    clerk_api(demo_server, "DELETE", f"/api/v1/items/{item['id']}")
    # Posted again without it (on SQLite a new item may take the id of the newest one removed).
    post_amendment(demo_server, meeting)
    chair_sends(chair, "open_comment", {"item_id": None})
    resident.wait_for_selector("#my-alert:has-text('You are next')")
    assert resident.inner_text("#queue-item") == "Waiting to speak on: General public comment"
    assert not resident.is_visible("#join-form")


def test_an_item_added_after_the_pages_loaded_is_offered_renamed_and_closed_on_them(chair, residents,
                                                                                     demo_server):
    """The "Comment on" lists of open pages follow the agenda: an item added since they
    loaded is offered once comment opens on it, under its current title, and greyed on
    both the resident's page and the clerk's card form once its comment is held."""
    meeting = meeting_id(demo_server)
    resident = residents()
    visit(resident, demo_server)
    (section,) = query(demo_server, "SELECT id FROM agenda_sections WHERE meeting_id = :m AND kind = 'business' "
                                    "ORDER BY position LIMIT 1", m=int(meeting))
    item = clerk_api(demo_server, "POST", f"/api/v1/meetings/{meeting}/items",
                     {"section_id": section.id, "title": "Late item", "accepts_public_comment": True})
    option = f"#join-item option[value='{item['id']}']"
    card_option = f"#card-item option[value='{item['id']}']"
    assert resident.query_selector(option) is None and chair.query_selector(card_option) is None
    chair_sends(chair, "open_comment", {"item_id": item["id"]})
    resident.wait_for_selector(f"{option}:has-text('Late item')", state="attached")
    assert chosen_item(resident) == str(item["id"])  # what a page loaded now would preselect
    chair.wait_for_selector(f"{card_option}:has-text('Late item')", state="attached")
    clerk_api(demo_server, "PATCH", f"/api/v1/items/{item['id']}", {"title": "Late item, as amended"})
    resident.wait_for_selector(f"{option}:has-text('Late item, as amended')", state="attached")
    join(resident)
    assert [e["item_id"] for e in chair_sends(chair, "sync")["state"]["queue"]] == [item["id"]]
    chair_sends(chair, "call_next")
    chair_sends(chair, "timer", {"action": "start"})
    chair_sends(chair, "timer", {"action": "stop"})
    chair_sends(chair, "close_comment")
    for page, selector in ((resident, option), (chair, card_option)):
        page.wait_for_selector(f"{selector}[disabled]", state="attached")
        assert page.text_content(selector) == "Late item, as amended (public comment closed)"
    # Still selected on the card form, greyed: a card is refused there, not sent without
    # an item (which would file it under general comment).
    assert chair.input_value("#card-item") == str(item["id"])
    chair.fill("#card-name", "Card for a closed item")
    chair.press("#card-name", "Enter")
    chair.wait_for_selector("#card-status:has-text('held and closed')")
    assert chair_sends(chair, "sync")["state"]["queue"] == []


def test_a_hand_picked_item_whose_comment_closed_is_refused_at_once(chair, residents, demo_server):
    resident = residents()
    visit(resident, demo_server)
    picked = items_taking_comment(resident)[0]
    resident.select_option("#join-item", picked)
    chair_sends(chair, "open_comment", {"item_id": int(picked)})
    chair_sends(chair, "close_comment")
    resident.wait_for_selector(f"#join-item option[value='{picked}'][disabled]", state="attached")
    resident.click("#join-form button[type=submit]")
    resident.wait_for_selector("#join-error:has-text('Public comment on this item has closed')")
    assert chair_sends(chair, "sync")["state"]["queue"] == []  # not signed up for general comment either


def holding_two_places(chair, residents, demo_server):
    """A resident signed up early on an item and then, once general comment opened, in
    general comment too: the page follows the general comment place. Returns the page,
    the item's id (text) and its title."""
    resident = residents()
    visit(resident, demo_server)
    item = items_taking_comment(resident)[0]
    title = resident.text_content(f"#item-titles span[data-id='{item}']")
    resident.select_option("#join-item", item)
    resident.click("#join-form button[type=submit]")
    resident.wait_for_selector("#my-wait:has-text('not open right now')")
    assert not resident.is_visible("#my-others")  # one place: no other to list
    chair_sends(chair, "open_comment", {"item_id": None})
    resident.wait_for_selector("#also-join:not(:empty)")
    # The second place. The item's place already says "in line", so join() cannot tell
    # them apart: the page shows the new one once "also join" is gone.
    resident.click("#join-form button[type=submit]")
    resident.wait_for_selector("#also-join:empty", state="attached")
    return resident, item, title


def test_after_leaving_one_place_the_page_follows_the_other(chair, residents, demo_server):
    resident, item, _ = holding_two_places(chair, residents, demo_server)
    resident.once("dialog", lambda dialog: dialog.accept())
    resident.click("#leave")
    # Back on the item's place, which waits while comment is open on general comment,
    # and the page says which place went and which is kept.
    resident.wait_for_selector("#also-join:not(:empty)")
    resident.wait_for_selector("#my-wait:has-text('not open right now')")
    resident.wait_for_selector("#my-note:has-text('You left the queue for General public comment. Your place for')")
    assert resident.evaluate("document.activeElement.id") == "you-heading"
    chair_sends(chair, "close_comment")
    chair_sends(chair, "open_comment", {"item_id": int(item)})
    chair_sends(chair, "call_next")
    resident.wait_for_selector("#my-alert:has-text('You are live')")


def test_the_other_place_is_listed_with_its_own_leave(chair, residents, demo_server):
    """A browser with two places follows one; the other is listed under it, with its
    place in line and a Leave of its own, and leaving it keeps the one followed."""
    resident, item, title = holding_two_places(chair, residents, demo_server)
    # The page follows the general comment place; the item's is listed, with its place.
    resident.wait_for_selector("#others-list li:has-text('number 1 in line')")
    assert title in resident.text_content("#others-list li")
    leave = resident.locator("#others-list button")
    assert leave.get_attribute("aria-label") == f"Leave this place: {title}"  # the words on it, first
    # A page opened again finds both: the one under comment followed, the other listed.
    resident.reload()
    resident.wait_for_selector("#others-list li:has-text('number 1 in line')")
    assert "General public comment" in resident.text_content("#queue-item")
    asked = []
    resident.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    resident.click("#others-list button")
    resident.wait_for_selector("#my-others", state="hidden")
    assert asked == [f"Leave the queue for {title}? If you join again, you will go to the end of the line."]
    resident.wait_for_selector(f"#my-note:has-text('You left the queue for {title}. Your place for General public "
                               "comment is kept.')")
    assert "in line" in resident.text_content("#my-position")  # still following general comment
    state = chair_sends(chair, "sync")["state"]
    assert not [e for e in state["queue"] if e["item_id"] == int(item)]


def test_stop_before_the_time_starts_asks_first_and_keeps_the_turn_if_told_no(chair, residents, demo_server):
    """Stop sits beside Start: pressed before the time started it would end a turn nobody
    has had, for good on that item. The console asks, as Call next does."""
    resident = in_line_for_general_comment(chair, residents, demo_server)
    chair_sends(chair, "call_next")
    resident.wait_for_selector("#my-alert:has-text('You are live')")
    chair.wait_for_selector("#speaker-moderation:not([hidden])")
    asked = []
    chair.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    chair.click("[data-timer=stop]")
    eventually(lambda: asked)
    assert "has not started speaking" in asked[0] and "Skip" in asked[0]
    assert chair_sends(chair, "sync")["state"]["speaker"] is not None  # told no: still their turn
    chair.once("dialog", lambda dialog: dialog.accept())
    chair.click("[data-timer=stop]")
    eventually(lambda: chair_sends(chair, "sync")["state"]["speaker"] is None)


def test_the_stance_is_for_one_sign_up_and_not_carried_to_the_next(chair, residents, demo_server):
    resident = residents()
    visit(resident, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None})
    resident.fill("#join-name", "Lucía")
    resident.check("input[name=stance][value=oppose]")
    join(resident)
    assert chair_sends(chair, "sync")["state"]["queue"][0]["stance"] == "oppose"
    resident.once("dialog", lambda dialog: dialog.accept())
    resident.click("#leave")
    resident.wait_for_selector("#join-form", state="visible")
    assert resident.eval_on_selector_all("input[name=stance]:checked", "checked => checked.length") == 0
    assert resident.input_value("#join-name") == "Lucía"  # the person's own: kept


def test_setting_the_current_item_is_confirmed_in_words_and_cards_are_a_link_away(chair, demo_server):
    item = chair.eval_on_selector("#item-select option[value]:not([value=''])", "o => o.value")
    title = chair.text_content(f"#item-select option[value='{item}']")
    previous = chair.input_value("#item-select")
    try:
        chair.select_option("#item-select", item)
        chair.click("#item-form button[type=submit]")
        chair.wait_for_selector("#console-done:has-text('Current item set:')", state="attached")
        assert title.split(" ", 1)[-1] in chair.text_content("#console-done")
    finally:
        chair.select_option("#item-select", previous)
        chair.click("#item-form button[type=submit]")
    if not previous:
        chair.wait_for_selector("#console-done:has-text('No item is being considered.')", state="attached")
    # A clerk entering cards from the keyboard goes straight to the form.
    chair.click("a[href='#card-heading']")
    assert chair.evaluate("document.activeElement.id") == "card-heading"
    chair.keyboard.press("Tab")
    assert chair.evaluate("document.activeElement.id") == "card-item"


def test_the_kept_place_left_after_a_turn_is_not_said_to_keep_the_spent_one(chair, residents, demo_server):
    resident, item, title = holding_two_places(chair, residents, demo_server)
    hear_out(chair, resident)
    resident.wait_for_selector("#my-wait:has-text('You still have a place in line for')")
    resident.once("dialog", lambda dialog: dialog.accept())
    resident.click("#others-list button")
    resident.wait_for_selector(f"#my-note:text-is('You left the queue for {title}.')")
    resident.wait_for_selector("#my-others", state="hidden")
    assert "still have a place" not in resident.text_content("#my-wait")


def test_another_place_that_ends_elsewhere_is_said(chair, residents, demo_server):
    resident, item, title = holding_two_places(chair, residents, demo_server)
    resident.wait_for_selector("#others-list li")
    # Left from another tab of the same browser (a removal by the chair would end both).
    other_tab = resident.context.new_page()
    visit(other_tab, demo_server)
    other_tab.wait_for_selector("#others-list li button")
    other_tab.once("dialog", lambda dialog: dialog.accept())
    other_tab.click("#others-list li button")
    resident.wait_for_selector(f"#my-note:text-is('Your place in line for {title} has ended.')")
    resident.wait_for_selector("#my-others", state="hidden")
    assert "in line" in resident.text_content("#my-position")  # the followed place is untouched


def test_after_a_turn_the_page_says_the_other_place_is_kept_and_follows_it(chair, residents, demo_server):
    resident, item, title = holding_two_places(chair, residents, demo_server)
    hear_out(chair, resident)
    resident.wait_for_selector("#my-position:has-text('Your turn is over')")
    resident.wait_for_selector("#my-wait:has-text('You still have a place in line for')")
    assert title in resident.text_content("#my-wait")
    chair_sends(chair, "close_comment")
    chair_sends(chair, "open_comment", {"item_id": int(item)})
    chair_sends(chair, "call_next")
    resident.wait_for_selector("#my-alert:has-text('You are live')")


# Every text #join-error takes, empty ones included, from the page's first moment.
RECORD_JOIN_ERRORS = """window.joinErrors = [""];
new MutationObserver(() => {
    const el = document.getElementById("join-error");
    if (el && el.textContent !== window.joinErrors[window.joinErrors.length - 1]) {
        window.joinErrors.push(el.textContent);
    }
}).observe(document, {childList: true, subtree: true, characterData: true});"""


def test_the_same_refusal_twice_is_said_twice(chair, residents, demo_server):
    """A second press refused for the same reason is read out again: left as it stood,
    the alert would not change, and a screen reader user would hear nothing."""
    resident = residents()
    resident.add_init_script(RECORD_JOIN_ERRORS)
    visit(resident, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None})
    resident.fill("#join-name", "Speaker 3")
    resident.click("#join-form button[type=submit]")
    resident.wait_for_selector("#join-error:has-text('Speaker 7')")
    said = resident.inner_text("#join-error")
    resident.click("#join-form button[type=submit]")
    eventually(lambda: resident.evaluate("window.joinErrors").count(said) == 2)
    assert resident.evaluate("window.joinErrors") == ["", said, "", said]


def test_on_a_phone_the_meeting_pages_ways_to_take_part_are_a_thumbs_size(residents, demo_server):
    """The link to the comment queue, the webinar and the phone number: the meeting page's
    calls to action for a resident on a phone."""
    page = residents()
    page.goto(f"{demo_server.url}/meetings/{meeting_id(demo_server)}")
    sizes = page.eval_on_selector_all(
        "a[href$='/comment'], .remote-links dd a",
        "els => els.filter(e => e.offsetParent).map(e => [e.textContent.trim(), e.offsetHeight])")
    assert len(sizes) == 3 and all(height >= 44 for _, height in sizes), sizes


def test_a_resumed_turn_is_said_so_with_where_its_time_stands(chair, residents, demo_server):
    """Resumed after a pause, the speaker hears that it was resumed, and, in the last 30
    seconds, that less than 30 are left: not "30 seconds left" again with fewer left."""
    resident = residents()
    visit(resident, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None, "seconds_per_speaker": 33})
    join(resident)
    call_and_start(chair, resident)
    chair_sends(chair, "timer", {"action": "pause"})
    resident.wait_for_selector("#my-alert:has-text('The chair paused your time.')")
    chair_sends(chair, "timer", {"action": "resume"})
    resident.wait_for_selector("#my-alert:text-is('The chair resumed your time. Please go on.')")
    resident.wait_for_selector("#my-alert:text-is('30 seconds left.')", timeout=15000)
    chair_sends(chair, "timer", {"action": "pause"})
    resident.wait_for_selector("#my-alert:has-text('The chair paused your time.')")
    chair_sends(chair, "timer", {"action": "resume"})
    resident.wait_for_selector("#my-alert:text-is('The chair resumed your time. Less than 30 seconds left.')")
    resident.wait_for_timeout(1500)  # said once: not followed by "30 seconds left"
    assert resident.inner_text("#my-alert") == "The chair resumed your time. Less than 30 seconds left."


def test_on_a_spanish_page_both_titles_of_the_offer_to_speak_elsewhere_are_marked_english(
        chair, residents, demo_server):
    """Waiting on one item while comment opens on another, the resident is offered to ask
    to speak there too: the sentence names both items, each in the clerk's English."""
    waited_on = new_posted_item(demo_server, "Library hours for the winter")
    opened = new_posted_item(demo_server, "Street lighting on Mission Street")
    resident = residents()
    resident.goto(comment_url(demo_server) + "?lang=es")
    resident.wait_for_selector("#connection:not(:empty)")
    resident.select_option("#join-item", waited_on)
    resident.click("#join-form button[type=submit]")
    resident.wait_for_selector("#you:not([hidden])")
    chair_sends(chair, "open_comment", {"item_id": int(opened)})
    resident.wait_for_selector("#also-join span[lang=en]:text-is('Street lighting on Mission Street')")
    assert resident.locator("#also-join span[lang=en]").all_inner_texts() == [
        "Library hours for the winter", "Street lighting on Mission Street"]
    assert "Library hours for the winter" in resident.inner_text("#also-join")


def test_on_a_spanish_page_the_item_title_the_status_says_is_marked_english(chair, residents, demo_server):
    """The clerk's English title inside a Spanish sentence read out by a live region: marked
    lang="en", so a screen reader switches voice for it."""
    resident = residents()
    resident.goto(comment_url(demo_server) + "?lang=es")
    resident.wait_for_selector("#connection:not(:empty)")
    item = items_taking_comment(resident)[0]
    title = resident.text_content(f"#item-titles span[data-id='{item}']")
    chair_sends(chair, "open_comment", {"item_id": int(item)})
    resident.wait_for_selector(f"#comment-status span[lang=en]:text-is('{title}')")
    assert resident.inner_text("#comment-status").startswith("El comentario público está abierto: ")
    resident.wait_for_selector(f"#queue-item span[lang=en]:text-is('{title}')")
    chair_sends(chair, "close_comment")
    chair_sends(chair, "open_comment", {"item_id": None})  # general comment: the page's own words
    resident.wait_for_selector("#comment-status:has-text('Comentario público general')")
    assert resident.locator("#comment-status span[lang]").count() == 0
