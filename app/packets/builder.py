"""Build the agenda PDF and the packet PDF from a published agenda snapshot.

No database here: a snapshot in, two files out. Rendered pieces (the agenda,
the contents pages, each staff report) are cached on disk under a hash of
exactly what they show, so an unchanged piece is never rendered twice.

Packet layout: agenda, contents, then per item its staff report and its
attachments in agenda order. Every page is stamped with the meeting and its
packet page number; page labels carry the same numbers, so "packet page 143"
is the same page in every viewer and on paper.
"""
import hashlib
import io
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from app.meetings.attachments import attachment_path
from app.packets import render
from app.packets.stamp import Stamper

# PDF's own limits for a page side are 3 and 14,400 points; below a postage stamp or
# above 5 metres a page is broken, not just unusual.
MIN_PAGE_POINTS = 36
MAX_PAGE_POINTS = 14400
MAX_CONTENTS_PASSES = 4
# Contents lines per page, to guess its page count before rendering it: a right
# guess saves a second rendering of the contents.
CONTENTS_LINES_PER_PAGE = 40


class BuildFailed(Exception):
    """A build that cannot produce a complete packet; `reason` is shown on the meeting page."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass
class BuildResult:
    agenda_pages: int = 0
    packet_pages: int = 0
    agenda_bytes: int = 0
    packet_bytes: int = 0
    rendered: list = field(default_factory=list)
    reused: list = field(default_factory=list)


class PieceCache:
    """Rendered PDF pieces on disk, named by the hash of their inputs."""

    def __init__(self, directory):
        self.directory = Path(directory)

    def path(self, key):
        return self.directory / key[:2] / f"{key}.pdf"

    def get(self, key):
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            return None

    def put(self, key, data):
        write_atomically(self.path(key), data)


def piece_key(kind, view, lang):
    payload = json.dumps([render.RENDERER_VERSION, kind, lang, view], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def write_atomically(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass
class Part:
    """A run of packet pages from one PDF, with the outline it brings along."""

    reader: PdfReader
    kind: str  # agenda | contents | report | attachment
    start: int = 0  # 0-based index of its first page in the packet
    title: str = ""

    @property
    def count(self):
        return len(self.reader.pages)


class PacketBuilder:
    def __init__(self, content, *, upload_dir, cache, lang="en", render_pdf=None):
        self.content = content
        self.upload_dir = upload_dir
        self.cache = cache
        self.lang = lang
        self.render_pdf = render_pdf or render.render_pdf
        self.result = BuildResult()
        self.header = render.header_view(content)

    # -- pieces -----------------------------------------------------------------------

    def _piece(self, label, kind, view, make_html, *, tagged=False):
        key = piece_key(kind, view, self.lang)
        data = self.cache.get(key)
        if data is not None:
            self.result.reused.append(label)
            return data
        try:
            data = self.render_pdf(make_html(view, lang=self.lang), tagged=tagged)
        except Exception as exc:  # noqa: BLE001 - any rendering error fails the build, with its cause
            raise BuildFailed(f"The {label} could not be rendered: {exc}") from exc
        self.cache.put(key, data)
        self.result.rendered.append(label)
        return data

    def agenda_pdf(self):
        return self._piece("agenda", "agenda", render.agenda_view(self.content), render.agenda_html,
                           tagged=True)

    def report_pdf(self, item):
        return self._piece(f"staff report {item['number']}", "report", render.report_view(self.content, item),
                           render.report_html)

    def contents_pdf(self, entries):
        view = {"header": self.header, "entries": entries}
        return self._piece("contents", "contents", view, render.contents_html)

    # -- attachments ------------------------------------------------------------------

    def open_attachment(self, item, attachment):
        name = f"attachment \u201c{attachment['title'] or attachment['filename']}\u201d of item {item['number']}"
        path = attachment_path(self.upload_dir, attachment["sha256"])
        if not path.is_file():
            raise BuildFailed(f"The {name} is missing from file storage.")
        try:
            reader = PdfReader(path, strict=False)
            if reader.is_encrypted:
                raise BuildFailed(f"The {name} is encrypted; upload an unprotected copy.")
            pages = reader.pages
            for number, page in enumerate(pages, start=1):
                _check_page(page, number, name)
            # Reading the outline now turns a damaged outline into a clear failure, not a crash later.
            reader.outline  # noqa: B018
        except BuildFailed:
            raise
        except Exception as exc:  # noqa: BLE001 - pypdf raises many types on damaged files
            raise BuildFailed(f"The {name} could not be read: {exc}") from exc
        expected = attachment.get("page_count")
        if expected and len(pages) != expected:
            raise BuildFailed(f"The {name} now reads as {len(pages)} pages, but {expected} were counted "
                              "when it was uploaded; upload it again so no page is lost.")
        return reader

    # -- the build ----------------------------------------------------------------------

    def build(self, out_dir):
        out_dir = Path(out_dir)
        agenda_bytes = self.agenda_pdf()
        agenda = PdfReader(io.BytesIO(agenda_bytes))
        items = []  # (section, item, report reader, [(attachment, reader)])
        for section in self.content["sections"]:
            for item in section["items"]:
                report = PdfReader(io.BytesIO(self.report_pdf(item)))
                files = [(a, self.open_attachment(item, a)) for a in item["attachments"]]
                items.append((section, item, report, files))

        section_pages = _top_level_pages(agenda)
        lines = sum(1 + len(item["attachments"]) for _s, item, _r, _f in items) + len(self.content["sections"])
        contents_count, contents = max(1, -(-(lines + 4) // CONTENTS_LINES_PER_PAGE)), None
        for _pass in range(MAX_CONTENTS_PASSES):
            layout = self._layout(agenda, contents_count, items, section_pages)
            contents = PdfReader(io.BytesIO(self.contents_pdf(layout["entries"])))
            if len(contents.pages) == contents_count:
                break
            contents_count = len(contents.pages)
        else:
            raise BuildFailed("The table of contents did not settle on a page count.")

        packet_bytes = self._assemble(agenda, contents, items, layout)
        write_atomically(out_dir / "agenda.pdf", agenda_bytes)
        write_atomically(out_dir / "packet.pdf", packet_bytes)
        self.result.agenda_pages = len(agenda.pages)
        self.result.agenda_bytes = len(agenda_bytes)
        self.result.packet_pages = layout["total"]
        self.result.packet_bytes = len(packet_bytes)
        return self.result

    def _layout(self, agenda, contents_count, items, section_pages):
        """Packet page numbers (1-based) of every section, item and attachment, and the contents entries."""
        page = len(agenda.pages) + contents_count + 1
        entries, item_pages, first_in_section = [], [], {}
        for section, item, report, files in items:
            first_in_section.setdefault(section["id"], page)
            starts = {"report": page, "attachments": []}
            page += len(report.pages)
            for attachment, reader in files:
                starts["attachments"].append(page)
                page += len(reader.pages)
            item_pages.append(starts)
        sections = {}
        for index, section in enumerate(self.content["sections"]):
            agenda_page = section_pages[index] + 1 if index < len(section_pages) else 1
            sections[section["id"]] = first_in_section.get(section["id"], agenda_page)
        by_item = iter(item_pages)
        for section in self.content["sections"]:
            entries.append({"level": 1, "label": f"{section['number']}. {section['title']}",
                            "page": sections[section["id"]]})
            for item in section["items"]:
                starts = next(by_item)
                entries.append({"level": 2, "label": f"{item['number']} {item['title']}",
                                "page": starts["report"]})
                for attachment, start in zip(item["attachments"], starts["attachments"]):
                    entries.append({"level": 3, "label": attachment["title"] or attachment["filename"],
                                    "page": start})
        return {"entries": entries, "sections": sections, "items": item_pages, "total": page - 1}

    def _assemble(self, agenda, contents, items, layout):
        writer = PdfWriter()
        stamper = Stamper(writer)
        stamp_prefix = f"{self.header['body_name']} \u00b7 {self.header['date']} \u00b7 "
        parts = []

        def add(reader, kind, title=""):
            part = Part(reader, kind, start=len(writer.pages), title=title)
            for page in reader.pages:
                added = writer.add_page(page, excluded_keys=("/StructParents",))
                stamper.stamp(added, f"{stamp_prefix}Packet page {len(writer.pages)}")
            writer.set_page_label(part.start, part.start + part.count - 1, style="/D", start=part.start + 1)
            parts.append(part)
            return part

        agenda_part = add(agenda, "agenda")
        contents_part = add(contents, "contents")
        placed = []
        for section, item, report, files in items:
            report_part = add(report, "report")
            placed.append((section, item, report_part,
                           [(attachment, add(reader, "attachment")) for attachment, reader in files]))

        if len(writer.pages) != layout["total"]:
            raise BuildFailed("The packet's page count does not match its table of contents.")
        self._outline(writer, agenda_part, contents_part, placed, layout)
        title = f"{self.header['body_name']} \u00b7 {self.header['title']} \u00b7 Agenda packet \u00b7 {self.header['date']}"
        writer.add_metadata({"/Title": title, "/Author": self.header["body_name"],
                             "/Subject": f"Agenda packet, {self.header['when']}"})
        writer._root_object[NameObject("/Lang")] = TextStringObject(self.lang)
        writer._root_object[NameObject("/ViewerPreferences")] = DictionaryObject(
            {NameObject("/DisplayDocTitle"): _true()})
        writer.page_mode = "/UseOutlines"
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    def _outline(self, writer, agenda_part, contents_part, placed, layout):
        agenda_entry = writer.add_outline_item(title="Agenda", page_number=agenda_part.start, is_open=False)
        _copy_outline(writer, agenda_part.reader, agenda_part.reader.outline, agenda_entry, agenda_part.start)
        writer.add_outline_item(title="Contents", page_number=contents_part.start)
        by_section = {}
        for section, item, report_part, files in placed:
            by_section.setdefault(section["id"], []).append((item, report_part, files))
        for section in self.content["sections"]:
            section_entry = writer.add_outline_item(
                title=f"{section['number']}. {section['title']}",
                page_number=layout["sections"][section["id"]] - 1)
            for item, report_part, files in by_section.get(section["id"], []):
                item_entry = writer.add_outline_item(title=f"{item['number']} {item['title']}",
                                                     page_number=report_part.start, parent=section_entry,
                                                     is_open=False)
                writer.add_outline_item(title="Staff report", page_number=report_part.start, parent=item_entry)
                for attachment, part in files:
                    entry = writer.add_outline_item(
                        title=f"Attachment: {attachment['title'] or attachment['filename']}",
                        page_number=part.start, parent=item_entry, is_open=False)
                    _copy_outline(writer, part.reader, part.reader.outline, entry, part.start)


def _check_page(page, number, name):
    box = page.mediabox
    width, height = float(box.width), float(box.height)
    if not (MIN_PAGE_POINTS <= abs(width) <= MAX_PAGE_POINTS and MIN_PAGE_POINTS <= abs(height) <= MAX_PAGE_POINTS):
        raise BuildFailed(f"Page {number} of the {name} has an unusable size "
                          f"({abs(width):.0f} \u00d7 {abs(height):.0f} points).")
    resources = page.get("/Resources")
    fonts = resources.get_object().get("/Font") if resources is not None else None
    if fonts is None:
        return
    for font_name, font in fonts.get_object().items():
        font = font.get_object()
        if not isinstance(font, DictionaryObject) or "/Subtype" not in font:
            raise BuildFailed(f"Page {number} of the {name} uses a damaged font ({font_name}).")


def _top_level_pages(reader):
    """0-based page of each top-level bookmark: where each section starts in the agenda."""
    pages = []
    for entry in reader.outline:
        if isinstance(entry, list):
            continue
        found = reader.get_destination_page_number(entry)
        pages.append(found if found is not None else 0)
    return pages


def _copy_outline(writer, reader, entries, parent, offset):
    """Copy a source document's bookmarks under `parent`, shifted to where its pages landed."""
    last = None
    for entry in entries:
        if isinstance(entry, list):
            if last is not None:
                _copy_outline(writer, reader, entry, last, offset)
            continue
        try:
            page = reader.get_destination_page_number(entry)
        except Exception:  # noqa: BLE001 - a dangling bookmark keeps its title and points at the document start
            page = None
        last = writer.add_outline_item(title=str(entry.title or ""),
                                       page_number=offset + (page if page is not None else 0),
                                       parent=parent, is_open=False)


def _true():
    from pypdf.generic import BooleanObject

    return BooleanObject(True)


logging.getLogger("pypdf").setLevel(logging.ERROR)
