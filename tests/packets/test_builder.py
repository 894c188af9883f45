"""Agenda and packet PDFs read back with pypdf: pages, outline, labels, stamps, tags, text, caching."""
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, NumberObject

from app.extensions import db
from app.meetings.attachments import attachment_path
from app.meetings.publishing import publish_agenda
from app.meetings.services import update_item
from app.packets import render, services
from app.packets.models import BuildStatus
from app.packets.tasks import build_packet
from tests.factories import NOW
from tests.packets.conftest import make_pdf

STAMP = "City Council \u00b7 2026-03-09 \u00b7 Packet page {}"


def read(build, kind="packet"):
    return PdfReader(services.build_dir(build) / f"{kind}.pdf")


def outline_tree(reader, entries=None):
    """[(title, 1-based page, children)] from a pypdf outline."""
    entries = reader.outline if entries is None else entries
    tree = []
    for entry in entries:
        if isinstance(entry, list):
            title, page, _children = tree[-1]
            tree[-1] = (title, page, outline_tree(reader, entry))
        else:
            tree.append((entry.title, reader.get_destination_page_number(entry) + 1, []))
    return tree


@pytest.fixture
def render_calls(agenda, monkeypatch, tmp_path):
    """Counts WeasyPrint renders, starting from an empty piece cache."""
    monkeypatch.setitem(agenda.app.config, "PACKET_CACHE_DIR", tmp_path / "fresh-pieces")
    calls = []
    real = render.render_pdf

    def counting(html, **kwargs):
        calls.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(render, "render_pdf", counting)
    return calls


def test_the_packet_reads_back_with_outline_labels_and_stamps(agenda):
    build = build_packet(agenda.meeting.id)
    assert build.status == BuildStatus.READY, build.reason
    packet = read(build)
    # agenda (1) + contents (1) + three one-page staff reports + 3 + 1 + 2 attachment pages
    assert len(packet.pages) == build.packet_pages == 11
    assert packet.page_labels == [str(n) for n in range(1, 12)]
    for number, page in enumerate(packet.pages, start=1):
        assert STAMP.format(number) in page.extract_text(), f"page {number} is not stamped"

    tree = outline_tree(packet)
    titles = [title for title, _page, _children in tree]
    assert titles[:2] == ["Agenda", "Contents"]
    assert titles[2:] == ["1. Call to Order", "2. Roll Call", "3. Public Comment on Non-Agenda Items",
                          "4. Consent Calendar", "5. Public Hearings", "6. New Business", "7. Adjournment"]
    new_business = dict((t, (p, c)) for t, p, c in tree)["6. New Business"]
    assert new_business[0] == 4
    budget, parks = new_business[1]
    assert budget == ("6.a Adopt the 2026 budget", 4, [
        ("Staff report", 4, []),
        ("Attachment: Budget book", 5, [("Revenue", 5, [("Property tax", 6, [])]), ("Expenses", 7, [])]),
        ("Attachment: Rotated map", 8, []),
    ])
    assert parks == ("6.b Parks master plan", 9, [("Staff report", 9, []), ("Attachment: Plan", 10, [])])
    consent = dict((t, (p, c)) for t, p, c in tree)["4. Consent Calendar"]
    assert consent[1][0][:2] == ("4.a Approve the minutes of March 2", 3)
    # the agenda's own bookmarks come along under "Agenda"
    assert [t for t, _p, _c in tree[0][2]][3] == "4. Consent Calendar"

    assert packet.metadata.title == "City Council \u00b7 Regular Meeting \u00b7 Agenda packet \u00b7 2026-03-09"
    assert packet.trailer["/Root"]["/Lang"] == "en"


def test_the_contents_page_lists_packet_page_numbers(agenda):
    packet = read(build_packet(agenda.meeting.id))
    contents = packet.pages[1].extract_text()
    assert "Agenda packet contents" in contents
    lines = contents.splitlines()
    for line in ("6.a Adopt the 2026 budget 4", "Budget book 5", "Rotated map 8", "6.b Parks master plan 9",
                 "Plan 10", "4.a Approve the minutes of March 2 3", "6. New Business 4", "1. Call to Order 1"):
        assert line in lines, line


def test_staff_reports_carry_the_item_text(agenda):
    packet = read(build_packet(agenda.meeting.id))
    report = packet.pages[3].extract_text()
    for text in ("Staff report: 6.a Adopt the 2026 budget", "Finance", "Recommended action", "Approve.",
                 "The proposed budget balances.", "General", "$1,000 from the General Fund.", "Budget book"):
        assert text in report


def test_the_agenda_pdf_is_tagged_with_language_title_bookmarks_and_page_numbers(agenda):
    build = build_packet(agenda.meeting.id)
    pdf = read(build, "agenda")
    root = pdf.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en"
    assert pdf.metadata.title == "City Council \u00b7 Regular Meeting \u00b7 Agenda \u00b7 2026-03-09"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    tree = outline_tree(pdf)
    assert len(tree) == 7 and tree[5][0] == "6. New Business"
    assert [t for t, _p, _c in tree[5][2]] == ["6.a Adopt the 2026 budget", "6.b Parks master plan"]
    text = pdf.pages[0].extract_text()
    for expected in ("Regular Meeting", "Council Chambers, 100 Main St", "6.a Adopt the 2026 budget",
                     "Recommended action: Approve.", "Agenda \u00b7 Page 1 of 1"):
        assert expected in text
    assert build.agenda_pages == len(pdf.pages) == 1


def test_an_unchanged_agenda_is_never_rebuilt(agenda, render_calls):
    first = build_packet(agenda.meeting.id)
    assert first.pieces_rendered == 5 and len(render_calls) == 5  # agenda, contents, three reports
    render_calls.clear()
    assert build_packet(agenda.meeting.id) is None
    assert render_calls == []


def test_changing_one_item_rerenders_only_that_item(agenda, render_calls):
    build_packet(agenda.meeting.id)
    render_calls.clear()
    update_item(agenda.budget, {"body_html": "<p>The revised budget balances too.</p>"},
                actor=agenda.clerk, now=NOW + timedelta(hours=1))
    publish_agenda(agenda.meeting, actor=agenda.clerk, now=NOW + timedelta(hours=1))
    db.session.commit()

    second = build_packet(agenda.meeting.id)
    assert second.status == BuildStatus.READY and second.version_number == 2
    assert len(render_calls) == 1 and "The revised budget balances too." in render_calls[0]
    assert (second.pieces_rendered, second.pieces_reused) == (1, 4)
    assert "The revised budget balances too." in read(second).pages[3].extract_text()


def test_forced_rebuild_reuses_every_piece(agenda, render_calls):
    build_packet(agenda.meeting.id)
    render_calls.clear()
    again = build_packet(agenda.meeting.id, force=True)
    assert again.status == BuildStatus.READY and render_calls == []
    assert (again.pieces_rendered, again.pieces_reused) == (0, 5)


def _replace_stored(agenda, item_index, data):
    item = [agenda.budget, agenda.parks][item_index]
    path = attachment_path(agenda.app.config["UPLOAD_DIR"], item.attachments[0].sha256)
    path.write_bytes(data)


@pytest.mark.parametrize("damage, reason", [
    (lambda path: path.unlink(), "is missing from file storage"),
    (lambda path: path.write_bytes(b"%PDF-1.7\nnot really a pdf"), "could not be read"),
    (lambda path: path.write_bytes(make_pdf(1)), "now reads as 1 pages, but 3 were counted"),
    (lambda path: path.write_bytes(make_pdf(3, size=(10, 10))), "has an unusable size (10 \u00d7 10 points)"),
])
def test_an_attachment_that_breaks_the_build_fails_it_with_a_reason(agenda, damage, reason):
    path = attachment_path(agenda.app.config["UPLOAD_DIR"], agenda.budget.attachments[0].sha256)
    damage(path)
    build = build_packet(agenda.meeting.id)
    assert build.status == BuildStatus.FAILED
    assert "attachment \u201cBudget book\u201d of item 6.a" in build.reason and reason in build.reason
    status = services.status_for(agenda.meeting, now=NOW)
    assert status["state"] == "failed" and status["reason"] == build.reason
    assert status["download"] is None


def test_a_damaged_font_fails_the_build(agenda):
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    page = writer.add_blank_page(width=612, height=792)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): NumberObject(7)})})
    buffer = io.BytesIO()
    writer.write(buffer)
    _replace_stored(agenda, 1, buffer.getvalue())
    build = build_packet(agenda.meeting.id)
    assert build.status == BuildStatus.FAILED
    assert build.reason == ("Page 2 of the attachment \u201cPlan\u201d of item 6.b uses a damaged font (/F1).")


def _amend(agenda, hours, **changes):
    update_item(agenda.parks, changes, actor=agenda.clerk, now=NOW + timedelta(hours=hours))
    publish_agenda(agenda.meeting, actor=agenda.clerk, now=NOW + timedelta(hours=hours))
    db.session.commit()


def test_an_agenda_amended_back_to_earlier_content_is_built_again(agenda):
    first = build_packet(agenda.meeting.id)
    _amend(agenda, 1, title="Parks plan (changed)")
    second = build_packet(agenda.meeting.id)
    _amend(agenda, 2, title="Parks master plan")  # back to version 1's content
    third = build_packet(agenda.meeting.id)
    assert third is not None and third.build_key == first.build_key != second.build_key
    assert (third.pieces_rendered, third.pieces_reused) == (0, 5)
    assert services.latest_ready_build(agenda.meeting.id).id == third.id
    assert "6.b Parks master plan" in read(third).pages[0].extract_text()


def test_only_the_two_newest_good_builds_keep_their_files(agenda):
    builds = [build_packet(agenda.meeting.id)]
    for hours in (1, 2):
        _amend(agenda, hours, title=f"Parks plan, revision {hours}")
        builds.append(build_packet(agenda.meeting.id))
    on_disk = [services.build_dir(b).exists() for b in builds]
    assert on_disk == [False, True, True]
