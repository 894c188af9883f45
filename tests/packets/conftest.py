"""Fixtures for packet tests: the packets blueprint, small PDFs, a published meeting with attachments."""
import io

import pytest
from pypdf import PdfWriter

from app.extensions import db
from app.meetings.attachments import add_attachment
from app.meetings.models import SectionKind
from app.meetings.publishing import publish_agenda
from tests.factories import NOW, make_body, make_item, make_meeting, make_user


@pytest.fixture(scope="session")
def shared_pieces(tmp_path_factory):
    return tmp_path_factory.mktemp("packet-pieces")


@pytest.fixture
def packet_app(app, shared_pieces):
    """The app, with rendered pieces cached across tests (the fixture agenda is the same every
    time), which keeps the suite fast; tests that count renders use their own cache.
    """
    app.config["PACKET_CACHE_DIR"] = shared_pieces
    return app


def make_pdf(pages=1, *, outline=(), size=(612, 792), rotate=0):
    """A small PDF of blank pages; `outline` is [(title, page, [(child title, page), ...]), ...]."""
    writer = PdfWriter()
    for _ in range(pages):
        page = writer.add_blank_page(width=size[0], height=size[1])
        if rotate:
            page.rotate(rotate)
    for title, page, children in outline:
        parent = writer.add_outline_item(title=title, page_number=page)
        for child_title, child_page in children:
            writer.add_outline_item(title=child_title, page_number=child_page, parent=parent)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class Agenda:
    """A published meeting: two items in New Business and one on Consent, three attachments."""

    def __init__(self, app):
        self.app = app
        self.clerk = make_user("clerk")
        self.body = make_body(name="City Council", slug="city-council")
        self.meeting = make_meeting(self.body, title="Regular Meeting")
        consent = next(s for s in self.meeting.sections if s.kind == SectionKind.CONSENT)
        self.minutes = make_item(self.meeting, consent, title="Approve the minutes of March 2",
                                 body_html="<p>Minutes of the previous meeting.</p>")
        self.budget = make_item(self.meeting, title="Adopt the 2026 budget", department="Finance",
                                body_html="<p>The proposed budget balances.</p>"
                                          "<table><tr><th>Fund</th><th>Amount</th></tr>"
                                          "<tr><td>General</td><td>$1,000</td></tr></table>",
                                fiscal_impact="$1,000 from the General Fund.")
        self.parks = make_item(self.meeting, title="Parks master plan", department="Parks",
                               body_html="<p>Twenty parks, one plan.</p>")
        self.attach(self.budget, "Budget book", make_pdf(3, outline=[
            ("Revenue", 0, [("Property tax", 1)]), ("Expenses", 2, [])]))
        self.attach(self.budget, "Rotated map", make_pdf(1, rotate=90, size=(612, 1008)))
        self.attach(self.parks, "Plan", make_pdf(2))
        self.version = publish_agenda(self.meeting, actor=self.clerk, now=NOW)
        db.session.commit()

    def attach(self, item, title, data):
        return add_attachment(item, filename=f"{title}.pdf", title=title, data=data,
                              upload_dir=self.app.config["UPLOAD_DIR"], max_bytes=10**7,
                              actor=self.clerk, now=NOW)


@pytest.fixture
def agenda(packet_app):
    return Agenda(packet_app)
