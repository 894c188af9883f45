"""PDF attachments: validated as real PDFs, stored once per content under their SHA-256.

A file is accepted only when it starts like a PDF *and* pypdf can open it and
count its pages; an encrypted PDF is refused because the packet builder and
residents' screen readers could not open it either.
"""
import hashlib
import io
import logging
import os
import re
import tempfile
import unicodedata
from pathlib import Path

import sqlalchemy as sa
from pypdf import PdfReader

from app.core.errors import PayloadTooLarge, ValidationFailed
from app.extensions import db
from app.meetings.models import AgendaVersion, Attachment
from app.meetings.services import get_by_id, note_agenda_change

PDF_MAGIC = b"%PDF-"
# The PDF spec lets a header sit a little after the start of the file; readers accept 1 KiB.
MAGIC_WINDOW = 1024
MAX_FILENAME = 200


def validate_pdf(data, max_bytes):
    """The page count of a readable, unencrypted PDF; otherwise a clear refusal."""
    if not data:
        raise ValidationFailed("The file is empty.")
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"The file is larger than the {_megabytes(max_bytes)} limit.")
    if PDF_MAGIC not in data[:MAGIC_WINDOW]:
        raise ValidationFailed("The file is not a PDF (it does not start with a PDF header).")
    # pypdf logs every repair it makes on sloppy files; those are not our errors.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationFailed("The PDF is encrypted or password-protected; upload an unprotected copy.")
        page_count = len(reader.pages)
        for page in reader.pages:
            page.mediabox  # noqa: B018 - touching each page proves the page tree is readable
    except ValidationFailed:
        raise
    except Exception:  # noqa: BLE001 - pypdf raises many types on broken input; all mean "unreadable"
        raise ValidationFailed("The file could not be read as a PDF; it may be damaged.") from None
    if page_count < 1:
        raise ValidationFailed("The PDF has no pages.")
    return page_count


def _megabytes(size):
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} bytes"


def safe_filename(filename):
    """A plain, readable file name ending in .pdf: no paths, no control characters."""
    name = unicodedata.normalize("NFKC", str(filename or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>:|?*;]", "", name).strip(" .")
    name = re.sub(r"\s+", " ", name)
    if not name.lower().endswith(".pdf"):
        name = (name or "attachment") + ".pdf"
    if len(name) > MAX_FILENAME:
        name = name[: MAX_FILENAME - 4].rstrip() + ".pdf"
    return name if name != ".pdf" else "attachment.pdf"


def attachment_path(upload_dir, sha256):
    return Path(upload_dir) / sha256[:2] / f"{sha256}.pdf"


def store_bytes(upload_dir, sha256, data):
    """Write the file once, atomically: a reader never sees half a PDF."""
    path = attachment_path(upload_dir, sha256)
    if path.exists() and path.stat().st_size == len(data):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def add_attachment(item, *, filename, data, upload_dir, max_bytes, actor, now, title=""):
    page_count = validate_pdf(data, max_bytes)
    note_agenda_change(item.meeting, now)
    name = safe_filename(filename)
    title = (title or "").strip() or name[:-4]
    if "\x00" in title or len(title) > 300:
        raise ValidationFailed("'title' must be at most 300 characters of text.")
    sha256 = hashlib.sha256(data).hexdigest()
    store_bytes(upload_dir, sha256, data)
    attachment = Attachment(filename=name, title=title, sha256=sha256, size_bytes=len(data),
                            page_count=page_count, uploaded_at=now,
                            uploaded_by_id=getattr(actor, "id", None))
    item.attachments.append(attachment)
    db.session.flush()
    return attachment


def delete_attachment(attachment, *, actor, now):
    """Detach the file from its item; the bytes stay, as published versions may still link them."""
    note_agenda_change(attachment.item.meeting, now)
    attachment.item.attachments.remove(attachment)
    db.session.delete(attachment)
    db.session.flush()


def published_attachment(meeting_id, attachment_id):
    """The attachment as the meeting's latest published version listing it recorded it
    (id, filename, title, sha256...), or None."""
    contents = db.session.scalars(sa.select(AgendaVersion.content).where(AgendaVersion.meeting_id == meeting_id)
                                  .order_by(AgendaVersion.number.desc()))
    for content in contents:
        for section in content.get("sections", []):
            for item in section.get("items", []):
                for listed in item.get("attachments", []):
                    if listed.get("id") == attachment_id:
                        return listed
    return None


def get_attachment(attachment_id):
    return get_by_id(Attachment, attachment_id, "attachment")
