"""The chair removed the wrong person: from the console's list of those removed, one
Enter and a reason give them their place back, and their own page shows it again. In
Chromium against the shared demo server."""
from tests.e2e.test_comment_page import (  # noqa: F401 - fixtures
    chair, chair_sends, holding_two_places, in_line_for_general_comment, residents)


def test_a_participant_removed_by_mistake_is_reinstated_from_the_keyboard(chair, residents, demo_server):
    resident = in_line_for_general_comment(chair, residents, demo_server)
    [entry] = chair_sends(chair, "sync")["state"]["queue"]
    assert chair_sends(chair, "remove", {"entry_id": entry["entry_id"], "reason": "Wrong row",
                                         "threat": True})["ok"]
    resident.wait_for_selector("#my-position:has-text('The reason they gave: Wrong row')")

    reinstate = f"#removed-list button[data-action=reinstate][data-entry='{entry['entry_id']}']"
    chair.wait_for_selector(reinstate)
    assert chair.get_attribute(reinstate, "aria-label") == f"Reinstate Speaker {entry['number']}"
    chair.focus(reinstate)
    chair.keyboard.press("Enter")
    chair.wait_for_selector("#reinstate-form", state="visible")
    assert chair.evaluate("() => document.activeElement.id") == "reinstate-reason"
    assert chair.inner_text("#reinstate-label").endswith(f"Speaker {entry['number']}")
    chair.keyboard.press("Enter")  # no reason: nothing is sent
    assert chair.is_visible("#reinstate-form")
    assert entry["entry_id"] in [e["entry_id"] for e in chair_sends(chair, "sync")["state"]["removed"]]
    chair.keyboard.type("Removed the wrong person")
    chair.keyboard.press("Enter")
    chair.wait_for_selector("#reinstate-form", state="hidden")
    chair.wait_for_selector("#console-done:has-text('Reinstated at their place in line.')", state="attached")
    # (Others removed on general comment by earlier tests of the shared meeting stay listed.)
    chair.wait_for_selector(reinstate, state="detached")
    chair.wait_for_selector(f"#queue-rows button[data-action=remove][data-entry='{entry['entry_id']}']")
    assert chair.evaluate("() => document.activeElement.id") == "queue-heading"

    # The resident's page, which said they were removed, shows the place again.
    resident.wait_for_selector("#my-position:has-text('number 1 in line')")
    assert "removed" not in resident.inner_text("#my-place")
    assert resident.is_visible("#leave")
    # And so does the page opened again.
    resident.reload()
    resident.wait_for_selector("#my-position:has-text('number 1 in line')")


def test_reinstated_the_place_on_another_item_is_back_on_the_page(chair, residents, demo_server):
    """Removed on general comment, the resident's place on an item ended with it; the
    reinstatement undoes the whole removal, and their page lists that place again."""
    resident, item, title = holding_two_places(chair, residents, demo_server)
    resident.wait_for_selector("#others-list li:has-text('in line')")
    mine = max(e["entry_id"] for e in chair_sends(chair, "sync")["state"]["queue"] if e["item_id"] is None)
    assert chair_sends(chair, "remove", {"entry_id": mine, "reason": "Wrong row", "threat": True})["ok"]
    resident.wait_for_selector("#my-position:has-text('The reason they gave: Wrong row')")
    resident.wait_for_selector("#my-others", state="hidden")
    assert chair_sends(chair, "reinstate", {"entry_id": mine, "reason": "Removed the wrong person"})["ok"]
    resident.wait_for_selector("#my-position:has-text('in line')")
    resident.wait_for_selector("#others-list li:has-text('in line')")
    assert title in resident.text_content("#others-list li")
    assert int(item) in [e["item_id"] for e in chair_sends(chair, "sync")["state"]["queue"]]
