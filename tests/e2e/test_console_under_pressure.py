"""The chair's console as a clerk and a chair use it mid-meeting: cards typed without
waiting, refusals that stop applying, questions before an action that cannot be
taken back. In Chromium against the shared demo server."""
import time

from tests.e2e.test_comment_page import (  # noqa: F401 - fixtures
    chair, chair_sends, comment_url, in_line_for_general_comment, new_posted_item, residents)

# The console's answers, held back or made up in the page: socket.io-client's emit is
# wrapped so that for `event` the answer comes `delay_ms` late, or is `reply` and
# nothing is sent. What the console does with an answer is what is tested.
HOLD_ANSWERS = """([event, delayMs, reply]) => {
    const emit = io.Socket.prototype.emit;
    io.Socket.prototype.emit = function (...args) {
        const answer = args[args.length - 1];
        if (args[0] !== event || typeof answer !== "function") { return emit.apply(this, args); }
        if (reply) { setTimeout(() => answer(null, reply), 10); return this; }
        args[args.length - 1] = (...given) => setTimeout(() => answer(...given), delayMs);
        return emit.apply(this, args);
    };
}"""


def queue_names(chair):
    return [e["display_name"] for e in chair_sends(chair, "sync")["state"]["queue"]]


def test_the_next_card_can_be_typed_before_the_last_one_is_answered(chair):
    """On a slow link the answer comes while the clerk types the next name: it must not
    empty the form under them (it took the first letters of every card after the first)."""
    chair_sends(chair, "open_comment", {"item_id": None})
    chair.evaluate(HOLD_ANSWERS, ["add_in_person", 1500, None])
    chair.focus("#card-name")
    chair.keyboard.type("Mona Patel")
    chair.keyboard.press("Enter")
    assert chair.input_value("#card-name") == ""  # emptied as it was sent
    chair.keyboard.type("Ned Quinn")
    chair.wait_for_selector("#card-status:has-text('Added Mona Patel')")
    assert chair.input_value("#card-name") == "Ned Quinn"
    assert chair.evaluate("() => document.activeElement.id") == "card-name"
    chair.keyboard.press("Enter")
    chair.wait_for_selector("#card-status:has-text('Added Ned Quinn')")
    assert queue_names(chair) == ["Mona Patel", "Ned Quinn"]


def test_two_cards_of_one_name_are_two_cards(chair):
    chair_sends(chair, "open_comment", {"item_id": None})
    chair.evaluate(HOLD_ANSWERS, ["add_in_person", 800, None])
    for _ in range(2):
        chair.fill("#card-name", "John Lee")
        chair.press("#card-name", "Enter")
    chair.wait_for_selector("#card-status:has-text('number 2 in line')")
    assert queue_names(chair) == ["John Lee", "John Lee"]


def test_a_card_not_added_is_named_on_the_card_form_with_what_was_on_it(chair):
    """Said where the clerk is looking (once: not in the alert at the top as well), and not
    put back into the form, where the next card may already be being typed."""
    chair_sends(chair, "open_comment", {"item_id": None})
    chair.evaluate(HOLD_ANSWERS, ["add_in_person", 0, {"ok": False, "error": {"code": "rate_limited"}}])
    chair.fill("#card-name", "Ola Berg")
    chair.check("#card-form input[name=stance][value=support]")
    chair.check("#card-form input[name=interpreter]")
    chair.press("#card-name", "Enter")
    chair.wait_for_selector("#card-status:has-text('Not added: Ola Berg, supports, interpreter. Too many actions at "
                            "once. Wait a moment and try again. Enter the card again.')")
    assert chair.input_value("#card-name") == ""
    assert chair.inner_text("#console-message") == ""
    assert queue_names(chair) == []


def test_a_position_picked_by_mistake_can_be_taken_back_from_the_keyboard(chair):
    chair_sends(chair, "open_comment", {"item_id": None})
    assert chair.is_checked("#card-form input[name=stance][value='']")  # "Not given" to start with
    chair.focus("#card-form input[name=stance][value='']")
    chair.keyboard.press("ArrowDown")  # Support, picked by mistake ...
    assert chair.is_checked("#card-form input[name=stance][value=support]")
    chair.keyboard.press("ArrowUp")  # ... and back
    chair.fill("#card-name", "Quinn")
    chair.press("#card-name", "Enter")
    # Said with the item it went on: a card filed under the wrong item shows at once.
    chair.wait_for_selector("#card-status:has-text('Added Quinn (name not verified) for General public comment: "
                            "number 1 in line.')")
    assert chair_sends(chair, "sync")["state"]["queue"][0]["stance"] is None
    assert chair.is_checked("#card-form input[name=stance][value='']")  # the emptied form


def test_a_refusal_goes_once_the_meeting_has_moved_on_from_it(chair, residents, demo_server):
    resident = in_line_for_general_comment(chair, residents, demo_server)
    chair_sends(chair, "call_next")
    chair_sends(chair, "timer", {"action": "start"})
    resident.wait_for_selector("#my-alert:has-text('You are live')")
    chair.click("[data-timer=resume]", force=True)  # running already: refused, in words
    chair.wait_for_selector("#console-message:has-text('The timer is already running.')")
    chair_sends(chair, "add_in_person", {"item_id": None, "display_name": "Card"})
    chair.wait_for_selector("#queue-rows tr")  # a state that changes nothing the refusal was about
    assert chair.inner_text("#console-message") == "The timer is already running."
    time.sleep(3)  # up for a few seconds at least: the state that caused it may come just after it
    chair_sends(chair, "timer", {"action": "pause"})  # another console pauses: it no longer applies
    chair.wait_for_selector("#console-message:empty", state="attached", timeout=5000)  # not the 15 s that end any message


def test_a_timer_press_for_a_speaker_replaced_meanwhile_says_nothing_was_changed(chair, residents, demo_server):
    resident = in_line_for_general_comment(chair, residents, demo_server)
    chair_sends(chair, "call_next")
    resident.wait_for_selector("#my-alert:has-text('You are live')")
    chair.evaluate(HOLD_ANSWERS, ["timer", 0, {"ok": False, "error": {"code": "speaker_changed"}}])
    chair.click("[data-timer=start]")
    chair.wait_for_selector("#console-message:has-text('Someone else called the next speaker just before you, so the "
                            "timer was not changed.')")
    assert "Call next" not in chair.inner_text("#console-message")


def test_opening_comment_again_on_an_item_where_it_was_held_asks_first(chair):
    # Any item: on the shared demo server, other tests may have held comment on it already.
    item = chair.eval_on_selector("#open-item option[value]:not([value=''])", "o => o.value")
    chair_sends(chair, "open_comment", {"item_id": int(item)})
    chair_sends(chair, "close_comment")
    option = f"#open-item option[value='{item}']"
    chair.wait_for_selector(f"{option}:has-text('(public comment closed)')", state="attached")
    chair.select_option("#open-item", item)
    asked = []
    chair.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    chair.click("#open-form button[type=submit]")
    assert asked and "has already been held and closed. Open it again?" in asked[0]
    assert chair_sends(chair, "sync")["state"]["comment"]["open"] is False  # dismissed: nothing sent
    chair.once("dialog", lambda dialog: dialog.accept())
    chair.click("#open-form button[type=submit]")
    chair.wait_for_selector("#open-form", state="hidden")
    assert chair_sends(chair, "sync")["state"]["comment"]["item_id"] == int(item)


def test_removing_the_speaker_puts_focus_on_the_speaker_heading(chair, residents, demo_server):
    resident = in_line_for_general_comment(chair, residents, demo_server)
    chair_sends(chair, "call_next")
    resident.wait_for_selector("#my-alert:has-text('You are live')")
    chair.click("#speaker-warn")
    chair.fill("#warn-reason", "Shouting")
    chair.press("#warn-reason", "Enter")
    chair.wait_for_selector("#console-done:has-text('Warning recorded.')", state="attached")
    chair.click("#speaker-remove")
    chair.fill("#remove-reason", "Kept shouting after a warning")
    chair.press("#remove-reason", "Enter")
    chair.wait_for_selector("#console-done:has-text('Removed from the queue.')", state="attached")
    assert chair.evaluate("() => document.activeElement.id") == "speaker-heading"


def test_each_part_of_the_console_is_a_tab_and_an_enter_away(chair):
    """Not past every queue row's buttons: the links under the heading go to each part,
    and the next Tab is that part's first control."""
    chair_sends(chair, "open_comment", {"item_id": None})
    for name in ("One", "Two", "Three"):
        chair_sends(chair, "add_in_person", {"item_id": None, "display_name": name})
    chair.wait_for_selector("#queue-rows tr >> nth=2")
    chair_sends(chair, "close_comment")
    chair.wait_for_selector("#open-form", state="visible")
    for heading, first in (("speaker-heading", "call-next"), ("comment-heading", "open-item"),
                           ("card-heading", "card-item")):
        chair.focus(f"nav.console-jumps a[href='#{heading}']")
        chair.keyboard.press("Enter")
        assert chair.evaluate("document.activeElement.id") == heading
        chair.keyboard.press("Tab")
        assert chair.evaluate("document.activeElement.id") == first, heading


def test_lines_for_several_items_are_each_headed_by_their_item(chair, demo_server):
    """Each line is numbered from 1: without its item above it, a second "1" reads as a
    mistake (and the Item column is cut short)."""
    item = new_posted_item(demo_server, "Item with a card of its own: a resolution adopting the budget for "
                                        "the next two fiscal years and the five-year capital improvement plan")
    chair.reload()  # the console lists the item it was opened with
    chair.wait_for_selector("#connection:has-text('Connected')")
    chair_sends(chair, "open_comment", {"item_id": None})
    chair_sends(chair, "add_in_person", {"item_id": int(item), "display_name": "Early on the item"})
    chair_sends(chair, "add_in_person", {"item_id": None, "display_name": "Now in general"})
    chair.wait_for_selector("#queue-rows tr.queue-group >> nth=1")
    rows = chair.eval_on_selector_all("#queue-rows tr", "rows => rows.map(row => row.innerText.trim())")
    assert rows[0] == "Speaking order for General public comment (public comment open)"
    assert rows[1].startswith("1\tNow in general")
    title = chair.inner_text(f"#item-titles span[data-id='{item}']")
    assert rows[2] == f"Waiting for {title}"
    assert rows[3].startswith("1\tEarly on the item")
    # A heading's long title wraps: it must not widen the table until the Skip, Warn and
    # Remove buttons need sideways scrolling.
    fits = chair.eval_on_selector(".queue-scroll", "box => box.scrollWidth <= box.clientWidth + 1")
    assert fits, "the queue table is wider than its box"
    # One line alone needs no heading.
    chair_sends(chair, "remove", {"entry_id": chair_sends(chair, "sync")["state"]["queue"][1]["entry_id"],
                                  "reason": "Entered for a test", "threat": True})
    chair.wait_for_selector("#queue-rows tr.queue-group", state="detached")


def test_closing_comment_with_someone_skipped_and_not_recalled_asks_first(chair, residents, demo_server):
    """Once comment closes, a skipped place is no longer listed: the chair is told first."""
    in_line_for_general_comment(chair, residents, demo_server)
    [entry] = chair_sends(chair, "sync")["state"]["queue"]
    assert chair_sends(chair, "skip", {"entry_id": entry["entry_id"]})["ok"]
    chair.wait_for_selector("#skipped-list button[data-action=recall]")
    asked = []
    chair.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    chair.click("#close-comment")
    assert asked == ["1 skipped and not recalled will not be heard unless you recall them first. "
                     "Close public comment?"]
    assert chair_sends(chair, "sync")["state"]["comment"]["open"] is True  # dismissed: nothing sent


def test_each_opening_starts_from_the_bodys_usual_time(chair):
    """A time shortened for a crowd on one item does not carry over to the next opening."""
    usual = chair.get_attribute("#open-seconds", "data-usual")
    assert chair.input_value("#open-seconds") == usual and int(usual) != 60
    chair.select_option("#open-item", "")
    chair.fill("#open-seconds", "60")
    chair.click("#open-form button[type=submit]")
    chair.wait_for_selector("#open-form", state="hidden")
    assert chair_sends(chair, "sync")["state"]["comment"]["seconds_per_speaker"] == 60
    chair_sends(chair, "close_comment")
    chair.wait_for_selector("#open-form", state="visible")
    assert chair.input_value("#open-seconds") == usual
    chair.reload()
    chair.wait_for_selector("#connection:has-text('Connected')")
    assert chair.input_value("#open-seconds") == usual  # not the last time used either


def test_the_chamber_display_says_why_an_interpreted_speakers_clock_shows_more(chair, residents, demo_server):
    display = residents()
    display.set_viewport_size({"width": 1280, "height": 720})
    display.goto(comment_url(demo_server).replace("/comment", "/display"))
    display.wait_for_selector("#connection:has-text('Connected')")
    assert not display.is_visible("#speaker-interpreter")
    for name in ("José María Hernández-Villanueva de la Cruz y Montenegro", "Li Wei", "Ana", "Tom", "Bo", "Extra"):
        chair_sends(chair, "add_in_person", {"item_id": None, "display_name": name, "interpreter": name != "Li Wei"})
    chair_sends(chair, "open_comment", {"item_id": None})
    chair_sends(chair, "call_next")
    display.wait_for_selector("#speaker-interpreter:has-text('Speaking through an interpreter')")
    # With a name over two lines, the clock stays on a small projector's screen (the line
    # takes from the clock's size what it adds).
    for size in ({"width": 1280, "height": 720}, {"width": 1024, "height": 768}):
        display.set_viewport_size(size)
        clock = display.locator("#countdown").bounding_box()
        assert clock["y"] + clock["height"] <= size["height"], size
    chair_sends(chair, "timer", {"action": "stop"})
    display.wait_for_selector("#speaker-interpreter", state="hidden")


def test_who_call_next_will_call_is_shown_beside_it(chair, residents, demo_server):
    """On a laptop the queue is below the fold: the next in line is named under the buttons."""
    in_line_for_general_comment(chair, residents, demo_server)
    [entry] = chair_sends(chair, "sync")["state"]["queue"]
    chair.wait_for_selector(f"#next-up:text-is('Next: Speaker {entry['number']} · remote')")
    chair_sends(chair, "add_in_person", {"item_id": None, "display_name": "Jose", "interpreter": True})
    chair_sends(chair, "call_next")
    chair.wait_for_selector("#next-up:text-is('Next: Jose (name not verified) · in the room · interpreter')")
    chair_sends(chair, "call_next")
    chair.wait_for_selector("#next-up:empty", state="attached")
    chair.reload()  # drawn by the server too, before the first state
    chair.wait_for_selector("#connection:has-text('Connected')")
    assert chair.inner_text("#next-up") == ""
