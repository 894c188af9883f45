"""The resident's page on a link that loses answers or drops mid-turn. In Chromium
against the shared demo server; answers are lost in the page (socket.io-client's emit
wrapped), so what is tested is what the page does without them."""
from tests.e2e.test_comment_page import (  # noqa: F401 - fixtures
    chair, chair_sends, residents, visit)

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
