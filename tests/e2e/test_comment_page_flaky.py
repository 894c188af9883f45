"""The resident's page on a link that loses answers or drops mid-turn. In Chromium
against the shared demo server; answers are lost in the page (socket.io-client's emit
wrapped), so what is tested is what the page does without them."""
import time

from tests.e2e.test_comment_page import (  # noqa: F401 - fixtures
    chair, chair_sends, new_posted_item, residents, visit)

# For `event`, the server is sent the event but the page never gets its answer
# (`lost`: it hears "no answer" at once instead of after the call's timeout).
LOSE_ANSWERS = """([event, lost]) => {
    const emit = io.Socket.prototype.emit;
    io.Socket.prototype.emit = function (...args) {
        const answer = args[args.length - 1];
        if (args[0] !== event || typeof answer !== "function") { return emit.apply(this, args); }
        args[args.length - 1] = () => { if (lost) { answer(new Error("operation has timed out")); } };
        return emit.apply(this, args);
    };
}"""


def test_a_join_whose_answer_is_lost_shows_its_place_once_found(chair, residents, demo_server):
    resident = residents()
    visit(resident, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None})
    resident.evaluate(LOSE_ANSWERS, ["join_queue", True])
    resident.click("#join-form button[type=submit]")
    # The join went in; the page asks for its places rather than show only "no answer".
    resident.wait_for_selector("#my-position:has-text('number 1 in line')")
    assert resident.is_visible("#leave")


def test_a_page_closed_before_the_join_was_answered_finds_the_place_when_opened_again(
        chair, residents, demo_server):
    resident = residents()
    visit(resident, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None})
    resident.evaluate(LOSE_ANSWERS, ["join_queue", False])
    resident.click("#join-form button[type=submit]")  # "Joining…" for good: the answer never comes
    resident.wait_for_selector("#join-form button[type=submit]:has-text('Joining')")
    chair.wait_for_selector("#queue-rows tr")  # it went in
    visit(resident, demo_server)  # opened again (a reload: same browser, same storage)
    resident.wait_for_selector("#my-position:has-text('number 1 in line')")


def test_a_page_back_after_the_time_ran_out_says_first_that_the_resident_was_called(chair, residents, demo_server):
    """"Your time is up" alone is news of a turn the resident never heard begin."""
    resident = residents()
    visit(resident, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None, "seconds_per_speaker": 10})
    resident.click("#join-form button[type=submit]")
    resident.wait_for_selector("#my-position:has-text('in line')")
    resident.goto("about:blank")  # the phone in a pocket, the page closed
    chair_sends(chair, "call_next")
    chair_sends(chair, "timer", {"action": "start"})
    time.sleep(11)
    resident.add_init_script("""window.alerts = [];
new MutationObserver(() => { const el = document.getElementById("my-alert");
  if (el && el.textContent !== window.alerts[window.alerts.length - 1]) { window.alerts.push(el.textContent); } })
  .observe(document, {childList: true, subtree: true, characterData: true});""")
    visit(resident, demo_server)
    resident.wait_for_selector("#my-alert:has-text('You are live: the chair called you, and your time has run out. "
                               "Please finish your comment.')")
    resident.wait_for_timeout(1500)  # the clock ticks on: said once, not replaced by "your time is up"
    assert resident.evaluate("window.alerts")[1:] == [
        "You are live: the chair called you, and your time has run out. Please finish your comment."]


def test_a_turn_ended_before_its_time_started_is_not_thanked(chair, residents, demo_server):
    resident = residents()
    visit(resident, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None})
    resident.click("#join-form button[type=submit]")
    resident.wait_for_selector("#my-position:has-text('in line')")
    chair_sends(chair, "call_next")
    resident.wait_for_selector("#my-alert:has-text('You are live: the chair has called you')")
    chair_sends(chair, "timer", {"action": "stop"})  # could not be heard (a caller not unmuted)
    resident.wait_for_selector("#my-position:has-text('The chair ended your turn before your time was started, so "
                               "it is not counted as a comment.')")
    assert "Thank you" not in resident.inner_text("#you")
    resident.reload()  # and so it stays (said above the join form that is back)
    resident.wait_for_selector("#join-note:has-text('The chair ended your turn before your time was started')")


def test_a_page_opened_again_says_the_turn_it_followed_ended_though_another_place_is_kept(
        chair, residents, demo_server):
    """Called while the page was closed, on one of two places: reopened, the page follows
    the other place, and says what became of the one it followed."""
    item = new_posted_item(demo_server, "Item for a resident away when called")
    resident = residents()
    visit(resident, demo_server)
    chair_sends(chair, "open_comment", {"item_id": None})
    resident.select_option("#join-item", item)  # kept for when it opens
    resident.click("#join-form button[type=submit]")
    resident.wait_for_selector("#my-wait:has-text('not open right now')")
    resident.select_option("#join-item", "")  # and general comment, open now: followed from here
    resident.click("#join-form button[type=submit]")
    # (Followed once answered: the item's place is then listed among the others. The
    # item's own "number 1 in line" showed already, and did not wait for the answer.)
    resident.wait_for_selector("#my-others:has-text('number 1 in line')")
    resident.goto("about:blank")
    chair_sends(chair, "call_next")
    chair_sends(chair, "timer", {"action": "start"})
    chair_sends(chair, "timer", {"action": "stop"})
    visit(resident, demo_server)
    resident.wait_for_selector("#my-note:has-text('General public comment: The chair called you while this page "
                               "was not connected, and your turn has ended.')")
    assert "not open right now" in resident.inner_text("#my-wait")  # the place kept on the item
