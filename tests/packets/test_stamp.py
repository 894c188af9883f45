"""The packet-page stamp lands at the bottom right of the page as shown, whatever its /Rotate."""
import io

import pytest
from pypdf import PdfReader, PdfWriter

from app.packets.stamp import Stamper

TEXT = "City Council \u00b7 2026-03-09 \u00b7 Packet page 7"


def _display_point(rotation, width, height, x, y):
    """Where user-space (x, y) appears once a viewer turns the page clockwise by `rotation`."""
    return {0: (x, y), 90: (y, width - x), 180: (width - x, height - y), 270: (height - y, x)}[rotation]


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_the_stamp_is_at_the_bottom_right_of_the_displayed_page(rotation):
    width, height = 612, 1008
    writer = PdfWriter()
    page = writer.add_blank_page(width=width, height=height)
    if rotation:
        page.rotate(rotation)
    Stamper(writer).stamp(page, TEXT)
    buffer = io.BytesIO()
    writer.write(buffer)
    stamped = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]

    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            tx, ty = tm[4], tm[5]
            found.append((text, cm[0] * tx + cm[2] * ty + cm[4], cm[1] * tx + cm[3] * ty + cm[5]))

    stamped.extract_text(visitor_text=visit)
    assert [text for text, _x, _y in found] == [TEXT]
    _text, x, y = found[0]
    shown_width = height if rotation in (90, 270) else width
    u, v = _display_point(rotation, width, height, x, y)
    assert 0 < v < 12, "the stamp sits just above the bottom edge"
    assert shown_width / 2 < u < shown_width - 18, "the stamp starts in the right half and fits the page"


def test_existing_graphics_state_cannot_move_the_stamp():
    """A page whose content leaves a transformation in effect (no closing Q) does not drag the stamp."""
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    content = DecodedStreamObject()
    content.set_data(b"q 0.5 0 0 0.5 300 300 cm\n")  # unbalanced on purpose
    page[NameObject("/Contents")] = writer._add_object(content)
    Stamper(writer).stamp(page, TEXT)
    buffer = io.BytesIO()
    writer.write(buffer)
    positions = []
    PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text(
        visitor_text=lambda text, cm, tm, *_: positions.append(cm) if text.strip() else None)
    assert positions and tuple(positions[0]) == (1, 0, 0, 1, 0, 0)
