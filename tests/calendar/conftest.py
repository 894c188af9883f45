import pytest

from tests.factories import NOW


@pytest.fixture(autouse=True)
def feeds_clock(monkeypatch):
    """Feeds keep a year of history counted from now: pin now so the suite ages well."""
    monkeypatch.setattr("app.calendar.views.utcnow", lambda: NOW)
    return NOW
