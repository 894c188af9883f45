"""Times as the pages write them."""
import pytest

from app.core.display import dial_in_parts, end_clock


@pytest.mark.parametrize("moment, shown", [
    ("2026-03-10T16:39:56+00:00", "9:39:56 AM"),  # to the second: not "9:40", nor "9:39"
    ("2026-03-10T16:40:00+00:00", "9:40 AM"),     # on the minute: no seconds to show
    ("2026-03-10T16:40:00.250000+00:00", "9:40:00 AM"),
])
def test_an_end_is_shown_to_the_second_unless_it_falls_on_the_minute(app, moment, shown):
    with app.test_request_context():
        assert end_clock(moment, "America/Los_Angeles") == shown


@pytest.mark.parametrize("text, parts", [
    ("+1 669 555 0142, webinar ID 123 456 789",
     ("", "+1 669 555 0142", "tel:+16695550142", ", webinar ID 123 456 789")),
    ("Call (555) 010-2030 and press 1", ("Call ", "(555) 010-2030", "tel:5550102030", " and press 1")),
    ("Ask the clerk for the line", ("Ask the clerk for the line", "", "", "")),
    ("", ("", "", "", "")),
])
def test_the_dial_in_number_is_found_to_be_tapped(text, parts):
    assert dial_in_parts(text) == parts
