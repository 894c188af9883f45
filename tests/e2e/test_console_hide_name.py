"""The chair hides a name a resident typed to insult or impersonate: the console, the
chamber display and the resident's own page show "Speaker <number>" from then on, and
the resident keeps their place. In Chromium against the shared demo server."""
from tests.e2e.test_comment_page import (  # noqa: F401 - fixtures
    chair, chair_sends, comment_url, eventually, in_line_for_general_comment, residents)


def test_the_chair_hides_a_name_and_every_page_shows_the_number(browser, chair, residents, demo_server):
    display = residents()
    display.goto(comment_url(demo_server).replace("/comment", "/display"))
    display.wait_for_selector("#connection:has-text('Connected')")
    resident = residents()
    resident.goto(comment_url(demo_server))
    resident.wait_for_selector("#connection:has-text('Connected')")
    resident.fill("#join-name", "City Attorney (verified)")
    chair_sends(chair, "open_comment", {"item_id": None})
    # A name saying it is verified is refused outright; one passing for staff without
    # saying so is the chair's to hide.
    resident.click("#join-form button[type=submit]")
    resident.wait_for_selector("#join-error:has-text('so a name cannot say it is verified')")
    resident.fill("#join-name", "\u0421ity Attorney")  # a Cyrillic С
    resident.click("#join-form button[type=submit]")
    resident.wait_for_selector("#join-error:has-text('Write each word in one alphabet.')")
    assert chair_sends(chair, "sync")["state"]["queue"] == []
    resident.fill("#join-name", "City Attorney")
    resident.click("#join-form button[type=submit]")
    resident.wait_for_selector("#my-position:has-text('in line')")
    [entry] = chair_sends(chair, "sync")["state"]["queue"]
    label = f"Speaker {entry['number']}"
    display.wait_for_selector("#queue:has-text('City Attorney')")

    # From the keyboard: the row's button opens the form, Enter sends the reason.
    hide = f"#queue-rows button[data-action=hide][data-entry='{entry['entry_id']}']"
    chair.wait_for_selector(hide)
    assert chair.get_attribute(hide, "aria-label") == "Hide name City Attorney, number 1 in line"
    chair.focus(hide)
    chair.keyboard.press("Enter")
    chair.wait_for_selector("#hide-form", state="visible")
    assert chair.evaluate("() => document.activeElement.id") == "hide-reason"
    chair.keyboard.press("Enter")  # no reason: nothing is sent
    assert chair.is_visible("#hide-form") and chair_sends(chair, "sync")["state"]["queue"][0]["display_name"]
    chair.keyboard.type("Impersonates staff")
    chair.keyboard.press("Enter")
    chair.wait_for_selector("#hide-form", state="hidden")
    chair.wait_for_selector(f"#queue-rows th:has-text('{label}')")
    assert not chair.is_visible(hide)  # nothing left to hide
    assert chair.evaluate("() => document.activeElement.id") == "queue-heading"

    display.wait_for_selector(f"#queue .next-name:has-text('{label}')")
    assert "City Attorney" not in display.inner_text("#queue")
    resident.wait_for_selector(f"#my-name:has-text('You are listed as {label} (a label, not your place in line).')")
    assert resident.inner_text("#my-name-note") == "The chair hid the name you gave."
    assert "number 1 in line" in resident.inner_text("#my-position")  # the place is kept
    # Reopened, the page still says why they are listed by number.
    resident.reload()
    resident.wait_for_selector(f"#my-name:has-text('You are listed as {label}')")
    resident.wait_for_selector("#my-name-note:has-text('The chair hid the name you gave.')")
    chair.reload()
    chair.wait_for_selector("#connection:has-text('Connected')")
    chair.wait_for_selector(f"#queue-rows th:has-text('{label}')")
    assert "Name hidden by the chair" in chair.inner_text(f"#queue-rows tr:has(th:has-text('{label}'))")
    [still] = chair_sends(chair, "sync")["state"]["queue"]
    assert (still["entry_id"], still["position"], still["display_name"]) == (entry["entry_id"], 1, None)
    # A card's name staff wrote themselves has Withdraw instead (a fifth button would not
    # fit on the row beside it on a laptop).
    card = chair_sends(chair, "add_in_person", {"item_id": None, "display_name": "Card Writer"})["entry"]
    withdraw = f"#queue-rows button[data-action=withdraw][data-entry='{card['entry_id']}']"
    chair.wait_for_selector(withdraw)
    assert chair.locator(f"#queue-rows button[data-action=hide][data-entry='{card['entry_id']}']").count() == 0
