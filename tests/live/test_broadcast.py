"""When gathered residents' changes are sent (app.live.broadcast)."""
from app.live.broadcast import send_at


def test_residents_changes_go_out_after_a_pause_but_never_later_than_the_cap():
    assert send_at(10.0, 10.0, quiet=0.25, max_delay=2.0) == 10.25
    assert send_at(10.0, 11.9, quiet=0.25, max_delay=2.0) == 12.0  # joins keep coming: the cap wins
