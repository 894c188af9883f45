"""Stamp a page with a line of text at the bottom right, upright however the page is rotated.

The stamp is appended to the page's own content stream list (the original
content wrapped in q/Q so its graphics state cannot leak into ours), with a
standard Helvetica font resource. That is far cheaper than merging an overlay
page, which matters when every page of a 1000-page packet is stamped.
"""
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

FONT_NAME = NameObject("/DaisStamp")
FONT_SIZE = 8
MARGIN = 18  # points from the right edge; the text sits 6 points above the bottom edge
# Helvetica's average advance is close to half an em; a little extra keeps the box wide enough.
AVERAGE_ADVANCE = 0.52


def stamp_font():
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    })


class Stamper:
    """Stamps pages added to one PdfWriter, sharing the font and the "q" stream between them."""

    def __init__(self, writer):
        self.writer = writer
        self.font_ref = writer._add_object(stamp_font())
        save = DecodedStreamObject()
        save.set_data(b"q\n")
        self.save_ref = writer._add_object(save)

    def stamp(self, page, text):
        box = page.cropbox
        x0, y0, x1, y1 = (float(v) for v in (box.left, box.bottom, box.right, box.top))
        rotation = int(page.get("/Rotate", 0) or 0) % 360
        width = (y1 - y0) if rotation in (90, 270) else (x1 - x0)
        matrix = _display_to_user(rotation, x0, y0, x1, y1)

        encoded = _pdf_string(text)
        text_width = AVERAGE_ADVANCE * FONT_SIZE * len(text)
        x = max(4.0, width - MARGIN - text_width)
        y = 6.0
        operators = (
            f"q {' '.join(_num(v) for v in matrix)} cm\n"
            f"1 g {_num(x - 3)} {_num(y - 2.5)} {_num(text_width + 6)} {_num(FONT_SIZE + 3)} re f\n"
            f"0 g BT {FONT_NAME} {FONT_SIZE} Tf {_num(x)} {_num(y)} Td {encoded} Tj ET Q\n"
        ).encode("latin-1")
        stamp = DecodedStreamObject()
        stamp.set_data(b"Q\n" + operators)
        stamp_ref = self.writer._add_object(stamp)

        contents = page.get(NameObject("/Contents"))
        existing = []
        if contents is not None:
            resolved = contents.get_object()
            existing = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([self.save_ref, *existing, stamp_ref])
        self._add_font(page)

    def _add_font(self, page):
        resources = page.get(NameObject("/Resources"))
        if resources is None:
            resources = DictionaryObject()
            page[NameObject("/Resources")] = resources
        resources = resources.get_object()
        fonts = resources.get(NameObject("/Font"))
        if fonts is None:
            fonts = DictionaryObject()
            resources[NameObject("/Font")] = fonts
        fonts = fonts.get_object()
        if FONT_NAME not in fonts:
            fonts[FONT_NAME] = self.font_ref


def _display_to_user(rotation, x0, y0, x1, y1):
    """The cm matrix from upright display coordinates (origin bottom left) to user space.

    A viewer turns a page with /Rotate r clockwise by r degrees before showing it.
    """
    if rotation == 90:
        return (0, 1, -1, 0, x1, y0)
    if rotation == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotation == 270:
        return (0, -1, 1, 0, x0, y1)
    return (1, 0, 0, 1, x0, y0)


def _num(value):
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _pdf_string(text):
    raw = text.encode("cp1252", errors="replace").decode("latin-1")
    escaped = raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"({escaped})"

