"""The clerk corrects a speaker card from the keyboard: the row shows the new name at
the same place in line, not at the back. In Chromium, against a meeting of its own on
the demo server (the shared demo meeting is left to the other tests)."""
from datetime import date, timedelta

import pytest

from tests.e2e.conftest import DESKTOP, sign_in
from tests.e2e.test_comment_page import chair_sends, clerk_api


@pytest.fixture
def console(browser, demo_server):
    """The clerk's console for a new published meeting with one item taking comment."""
    start = (date.today() + timedelta(days=30)).isoformat() + "T18:00"
    meeting = clerk_api(demo_server, "POST", "/api/v1/meetings",
                        {"body": "planning-commission", "title": "Card corrections rehearsal", "start": start})
    section = clerk_api(demo_server, "POST", f"/api/v1/meetings/{meeting['id']}/sections",
                        {"title": "Business", "kind": "business"})["sections"][-1]
    item = clerk_api(demo_server, "POST", f"/api/v1/meetings/{meeting['id']}/items",
                     {"section_id": section["id"], "title": "Sidewalk repairs", "accepts_public_comment": True})
    clerk_api(demo_server, "POST", f"/api/v1/meetings/{meeting['id']}/publish",
              {"override_reason": "Published for an end-to-end test"})
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, demo_server, "clerk@example.gov")
    page.goto(f"{demo_server.url}/staff/meetings/{meeting['id']}/live")
    page.wait_for_selector("#connection:has-text('Connected')")
    page.item_id = item["id"]
    yield page
    context.close()


def focused(page):
    return page.evaluate("() => [document.activeElement.id, document.activeElement.dataset.action || '',"
                         " document.activeElement.dataset.entry || '']")


def test_a_card_is_corrected_by_keyboard_and_keeps_its_place(console):
    chair_sends(console, "open_comment", {"item_id": None})
    for name in ("Ana Ruiz", "Bo Chen"):
        chair_sends(console, "add_in_person", {"item_id": None, "display_name": name})
    # Typed in by the clerk, with a slip heard as the card is read back.
    console.focus("#card-name")
    console.keyboard.type("Jon Smiht")
    console.keyboard.press("Enter")
    console.wait_for_selector("#card-status:has-text('Added Jon Smiht')")
    chair_sends(console, "add_in_person", {"item_id": None, "display_name": "Dee Park"})
    queue = chair_sends(console, "sync")["state"]["queue"]
    typo = queue[2]
    assert (typo["display_name"], typo["position"]) == ("Jon Smiht", 3)

    # From the card form, the rows are a link away, and each row is one Tab stop: Enter on
    # the link, two Tabs to the third row, the arrow keys to its Correct button.
    presses = 0
    console.focus("#card-name")
    while focused(console)[0] != "card-to-queue":
        console.keyboard.press("Tab")
        presses += 1
        assert presses < 10, focused(console)
    console.keyboard.press("Enter")
    console.keyboard.press("Tab")
    console.keyboard.press("Tab")
    row = f"#queue-rows button[data-entry='{typo['entry_id']}']"
    assert console.evaluate("() => document.activeElement.closest('[role=toolbar]').getAttribute('aria-label')") \
        == "Actions for Jon Smiht"
    while focused(console)[1] != "correct":
        console.keyboard.press("ArrowRight")
        presses += 1
        assert presses < 20, focused(console)
    assert focused(console)[2] == str(typo["entry_id"])
    console.keyboard.press("Enter")
    console.wait_for_selector("#correct-form", state="visible")
    # Filled in with the card as it stands; Enter sends only what changed.
    assert focused(console)[0] == "correct-name" and console.input_value("#correct-name") == "Jon Smiht"
    assert console.inner_text("#correct-label") == "Correct the card of Jon Smiht (name not verified)"
    console.keyboard.press("Enter")  # nothing changed: said, nothing sent
    console.wait_for_selector("#console-message:has-text('Nothing to correct')")
    console.keyboard.press("Control+A")
    console.keyboard.type("John Smith")
    console.keyboard.press("Tab")  # to the position: Not given, then Support with the arrow
    console.keyboard.press("ArrowDown")
    console.keyboard.press("Enter")
    console.wait_for_selector("#correct-form", state="hidden")
    console.wait_for_selector("#console-done:has-text('Corrected the card of John Smith (name not verified): "
                              "name, stance.')", state="attached")
    # Back on the button that opened the form, in the same row, at the same place.
    assert focused(console)[1:] == ["correct", str(typo["entry_id"])]
    console.wait_for_selector("#queue-rows tr:nth-child(3) th:has-text('John Smith')")
    rows = console.eval_on_selector_all("#queue-rows tr", "rows => rows.map(r => r.innerText.split('\\t')[0] + "
                                                          "' ' + r.querySelector('th').innerText)")
    assert rows == ["1 Ana Ruiz (name not verified)", "2 Bo Chen (name not verified)",
                    "3 John Smith (name not verified)", "4 Dee Park (name not verified)"]
    after = chair_sends(console, "sync")["state"]["queue"][2]
    assert (after["entry_id"], after["position"], after["stance"]) == (typo["entry_id"], 3, "support")

    # A refusal is said in the alert, and the form stays open to fix.
    console.click(f"{row}[data-action=correct]")
    console.fill("#correct-name", "Speaker 4")
    console.press("#correct-name", "Enter")
    console.wait_for_selector("#console-message:has-text('is how people who give no name are listed')")
    assert console.is_visible("#correct-form") and focused(console)[0] == "correct-name"
    console.keyboard.press("Escape")
    assert focused(console)[1:] == ["correct", str(typo["entry_id"])]
    # Moved to the item: in its own line, where it stands by sign-up time (alone there).
    console.click(f"{row}[data-action=correct]")
    console.select_option("#correct-item", str(console.item_id))
    console.press("#correct-name", "Enter")
    console.wait_for_selector("#console-done:has-text(': item.')", state="attached")
    moved = [e for e in chair_sends(console, "sync")["state"]["queue"] if e["entry_id"] == typo["entry_id"]]
    assert moved[0]["item_id"] == console.item_id and moved[0]["position"] == 1


def test_the_card_just_added_is_a_few_tabs_from_its_correction(console):
    chair_sends(console, "open_comment", {"item_id": None})
    console.focus("#card-name")
    console.keyboard.type("Mira Olsen")
    console.keyboard.press("Enter")
    console.wait_for_selector("#card-correct", state="visible")
    tabs = 0
    while focused(console)[0] != "card-correct":
        console.keyboard.press("Tab")
        tabs += 1
        assert tabs < 10
    assert tabs == 5  # the position, interpreter, remote, Add, then this
    console.keyboard.press("Enter")
    console.wait_for_selector("#correct-form", state="visible")
    console.check("#correct-interpreter")
    console.press("#correct-name", "Enter")
    console.wait_for_selector("#console-done:has-text(': interpreter.')", state="attached")
    assert focused(console)[0] == "card-correct"
    [entry] = chair_sends(console, "sync")["state"]["queue"]
    assert entry["interpreter"] is True and entry["display_name"] == "Mira Olsen"


def test_a_skipped_card_opens_its_correction_with_what_it_says(console):
    """Skipped, a card still shows its stance and interpreter in the form: untouched, they
    are not "corrected" to nothing, and unticking the interpreter takes it off."""
    chair_sends(console, "open_comment", {"item_id": None})
    chair_sends(console, "add_in_person", {"item_id": None, "display_name": "Lena Ortiz", "stance": "support",
                                           "interpreter": True})
    chair_sends(console, "call_next")
    [entry] = [chair_sends(console, "sync")["state"]["speaker"]]
    chair_sends(console, "skip", {"entry_id": entry["entry_id"]})
    button = f"#skipped-list button[data-action=correct][data-entry='{entry['entry_id']}']"
    console.click(button)
    console.wait_for_selector("#correct-form", state="visible")
    assert console.is_checked("#correct-form input[name=stance][value=support]")
    assert console.is_checked("#correct-interpreter")
    console.uncheck("#correct-interpreter")
    console.press("#correct-name", "Enter")
    console.wait_for_selector("#console-done:has-text(': interpreter.')", state="attached")
    [skipped] = chair_sends(console, "sync")["state"]["skipped"]
    assert (skipped["stance"], skipped["interpreter"]) == ("support", False)


def test_a_card_called_while_its_correction_is_open_is_said_to_be_gone(console):
    """Another console calls the card while the clerk types its correction: the refusal
    says what happened to the card, not the console's general "not possible right now"."""
    chair_sends(console, "open_comment", {"item_id": None})
    chair_sends(console, "add_in_person", {"item_id": None, "display_name": "Rae Lind"})
    [entry] = chair_sends(console, "sync")["state"]["queue"]
    console.click(f"#queue-rows button[data-action=correct][data-entry='{entry['entry_id']}']")
    console.wait_for_selector("#correct-form", state="visible")
    chair_sends(console, "call_next")
    console.fill("#correct-name", "Rae Lindqvist")
    console.press("#correct-name", "Enter")
    console.wait_for_selector("#console-message:has-text('This card is no longer in line: it was called, "
                              "withdrawn or removed meanwhile. Nothing was corrected.')")
    assert chair_sends(console, "sync")["state"]["speaker"]["display_name"] == "Rae Lind"
