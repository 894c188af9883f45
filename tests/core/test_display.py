"""Times as the pages write them."""
import pytest

from app.core.display import end_clock


@pytest.mark.parametrize("moment, shown", [
    ("2026-03-10T16:39:56+00:00", "9:39:56 AM"),  # to the second: not "9:40", nor "9:39"
    ("2026-03-10T16:40:00+00:00", "9:40 AM"),     # on the minute: no seconds to show
    ("2026-03-10T16:40:00.250000+00:00", "9:40:00 AM"),
])
def test_an_end_is_shown_to_the_second_unless_it_falls_on_the_minute(app, moment, shown):
    with app.test_request_context():
        assert end_clock(moment, "America/Los_Angeles") == shown
