"""PDF attachments: only real, readable, unencrypted PDFs; stored once by SHA-256; served safely."""
import hashlib
import io
import pytest
import sqlalchemy as sa
from pypdf import PdfWriter

from app import create_app
from app.core.errors import InvalidState, PayloadTooLarge, ValidationFailed
from app.core.security import ATTACHMENT_CSP
from app.extensions import db
from app.meetings import attachments
from app.meetings.models import Attachment, MeetingStatus
from config import TestConfig
from tests.factories import make_body, make_item, make_meeting, make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def make_pdf(pages=1, password=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- validate_pdf (no database)

def test_a_real_pdf_is_accepted_with_its_page_count():
    assert attachments.validate_pdf(make_pdf(3), 10**6) == 3


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (PNG, "not a PDF"),
    (b"<html><script>alert(1)</script></html>", "not a PDF"),
    (b"%PDF-1.7\n this is not really a pdf at all", "could not be read"),
    (make_pdf(2)[: len(make_pdf(2)) // 3], "could not be read"),
])
def test_non_pdfs_and_broken_pdfs_are_refused_clearly(data, message):
    with pytest.raises(ValidationFailed, match=message):
        attachments.validate_pdf(data, 10**6)


def test_encrypted_pdfs_are_refused():
    with pytest.raises(ValidationFailed, match="encrypted"):
        attachments.validate_pdf(make_pdf(password="secret"), 10**6)


def test_size_cap():
    data = make_pdf()
    assert attachments.validate_pdf(data, len(data)) == 1
    with pytest.raises(PayloadTooLarge):
        attachments.validate_pdf(data, len(data) - 1)


@pytest.mark.parametrize("given, expected", [
    ("report.pdf", "report.pdf"), ("../../etc/passwd", "passwd.pdf"), ("C:\\Users\\me\\Staff Report.PDF",
                                                                     "Staff Report.PDF"),
    ("", "attachment.pdf"), ('evil"\r\nX: y.pdf', "evilX y.pdf"), ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
])
def test_safe_filename(given, expected):
    assert attachments.safe_filename(given) == expected


# ---------------------------------------------------------------- storing

@pytest.fixture
def clerk_item(app):
    body = make_body()
    clerk = make_user("clerk", body=body)
    meeting = make_meeting(body, status=MeetingStatus.PUBLISHED)
    return clerk, make_item(meeting)


def test_stored_by_sha256_and_deduplicated(app, clerk_item, now):
    clerk, item = clerk_item
    data = make_pdf(2)
    sha = hashlib.sha256(data).hexdigest()
    upload_dir = app.config["UPLOAD_DIR"]
    first = attachments.add_attachment(item, filename="report.pdf", data=data, upload_dir=upload_dir,
                                       max_bytes=10**6, actor=clerk, now=now)
    second = attachments.add_attachment(item, filename="copy.pdf", data=data, upload_dir=upload_dir,
                                        max_bytes=10**6, actor=clerk, now=now)
    path = upload_dir / sha[:2] / f"{sha}.pdf"
    assert path.read_bytes() == data
    assert first.sha256 == second.sha256 == sha and first.page_count == 2 and first.size_bytes == len(data)
    assert [p.name for p in (upload_dir / sha[:2]).iterdir()] == [f"{sha}.pdf"]  # no temp files left
    assert item.meeting.has_unpublished_changes is True
    assert first.title == "report" and first.uploaded_by_id == clerk.id


def test_refused_upload_stores_nothing(app, clerk_item, now):
    clerk, item = clerk_item
    with pytest.raises(ValidationFailed):
        attachments.add_attachment(item, filename="x.pdf", data=PNG, upload_dir=app.config["UPLOAD_DIR"],
                                   max_bytes=10**6, actor=clerk, now=now)
    assert not app.config["UPLOAD_DIR"].exists() or not any(app.config["UPLOAD_DIR"].rglob("*.pdf"))
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0


def test_no_attachments_on_a_cancelled_meeting(app, clerk_item, now):
    clerk, item = clerk_item
    item.meeting.status = MeetingStatus.CANCELLED
    with pytest.raises(InvalidState):
        attachments.add_attachment(item, filename="x.pdf", data=make_pdf(), upload_dir=app.config["UPLOAD_DIR"],
                                   max_bytes=10**6, actor=clerk, now=now)


# ---------------------------------------------------------------- serving

def _upload(app, item, clerk, now, data=None):
    attachment = attachments.add_attachment(item, filename="Staff Report.pdf", data=data or make_pdf(),
                                            upload_dir=app.config["UPLOAD_DIR"], max_bytes=10**6,
                                            actor=clerk, now=now)
    db.session.commit()
    return attachment, f"/meetings/{item.meeting_id}/attachments/{attachment.id}/{attachment.filename}"


def test_public_download_is_inline_sandboxed_and_nosniff(app, client, clerk_item, now):
    clerk, item = clerk_item
    data = make_pdf(2)
    attachment, url = _upload(app, item, clerk, now, data)
    response = client.get(url)
    assert response.status_code == 200 and response.data == data
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert "Staff" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == ATTACHMENT_CSP
    assert client.get(url, headers={"If-None-Match": f'"{attachment.sha256}"'}).status_code == 304


def test_wrong_meeting_or_unknown_ids_are_not_found(app, client, clerk_item, now):
    clerk, item = clerk_item
    attachment, url = _upload(app, item, clerk, now)
    other = make_meeting(status=MeetingStatus.PUBLISHED)
    db.session.commit()
    assert client.get(f"/meetings/{other.id}/attachments/{attachment.id}/x.pdf").status_code == 404
    assert client.get(f"/meetings/{item.meeting_id}/attachments/999999/x.pdf").status_code == 404
    assert client.get(f"/meetings/{item.meeting_id}/attachments/{2**40}/x.pdf").status_code == 404
    moved = client.get(f"/meetings/{item.meeting_id}/attachments/{attachment.id}/other-name.pdf")
    assert moved.status_code == 301 and moved.headers["Location"].endswith(url.replace(" ", "%20"))


def test_draft_attachments_are_for_that_body_staff_only(app, client, staff, clerk_item, now):
    clerk, item = clerk_item
    item.meeting.status = MeetingStatus.DRAFT
    attachment, url = _upload(app, item, clerk, now)
    assert client.get(url).status_code == 404
    outsider = staff.user("clerk")
    # Fresh clients: each caller is judged by its token alone, with no cookie jar carried over.
    assert app.test_client().get(url, headers=staff.token_headers(outsider)).status_code == 404
    response = app.test_client().get(url, headers=staff.token_headers(clerk))
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]


# ---------------------------------------------------------------- through the API

@pytest.fixture
def small_cap_app(database_url, tmp_path):
    """The real app with a tiny attachment cap: proves the 413 without a 25 MB upload."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, INSTANCE_DIR=tmp_path / "i",
                     UPLOAD_DIR=tmp_path / "u", MAX_ATTACHMENT_BYTES=2000)
    with app.app_context():
        yield app
        db.session.remove()
        from tests.conftest import _clear_tables
        _clear_tables()
        db.engine.dispose()


def _api_upload(client, item_id, headers, data, filename="report.pdf", **form):
    return client.post(f"/api/v1/items/{item_id}/attachments", headers=headers,
                       data={"file": (io.BytesIO(data), filename), **form}, content_type="multipart/form-data")


def test_api_upload_and_refusals(app, client, staff, clerk_item):
    clerk, item = clerk_item
    headers = staff.token_headers(clerk)
    response = _api_upload(client, item.id, headers, make_pdf(2), title="Staff report")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["page_count"] == 2 and body["title"] == "Staff report"
    assert client.get(body["url"]).status_code == 200
    for data, name in [(b"", "empty.pdf"), (PNG, "image.pdf"), (b"<html></html>", "page.pdf"),
                       (make_pdf(password="x"), "locked.pdf"), (b"%PDF-1.4 junk", "broken.pdf")]:
        refused = _api_upload(client, item.id, headers, data, name)
        assert refused.status_code == 422, (name, refused.json)
        assert refused.json["error"]["code"] == "invalid" and refused.json["error"]["message"]
    missing = client.post(f"/api/v1/items/{item.id}/attachments", headers=headers, data={},
                          content_type="multipart/form-data")
    assert missing.status_code == 422 and "file" in missing.json["error"]["message"]
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 1


def test_api_upload_over_the_cap_is_413_and_stores_nothing(small_cap_app):
    client = small_cap_app.test_client()
    body = make_body()
    clerk = make_user("clerk", body=body)
    item = make_item(make_meeting(body))
    from tests.factories import make_token
    headers = {"Authorization": f"Bearer {make_token(clerk)}"}
    db.session.commit()
    big = make_pdf(40)
    assert len(big) > 2000
    response = _api_upload(client, item.id, headers, big)
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0
    assert _api_upload(client, item.id, headers, make_pdf(1)).status_code == 201


def test_api_upload_permissions(app, client, staff, clerk_item):
    clerk, item = clerk_item
    assert _api_upload(client, item.id, {}, make_pdf()).status_code == 401
    other_clerk = staff.user("clerk")
    assert _api_upload(client, item.id, staff.token_headers(other_clerk), make_pdf()).status_code == 403
    chair = staff.user("chair", body=item.meeting.body)
    assert _api_upload(client, item.id, staff.token_headers(chair), make_pdf()).status_code == 403
    assert _api_upload(client, 999999, staff.token_headers(clerk), make_pdf()).status_code == 404


def test_api_delete_attachment(app, client, staff, clerk_item, now):
    clerk, item = clerk_item
    attachment, url = _upload(app, item, clerk, now)
    headers = staff.token_headers(clerk)
    assert client.delete(f"/api/v1/attachments/{attachment.id}", headers=headers).status_code == 204
    assert client.get(url).status_code == 404
    assert client.delete(f"/api/v1/attachments/{attachment.id}", headers=headers).status_code == 404


def test_links_in_published_versions_survive_deleting_the_attachment(app, client, now):
    from app.meetings.publishing import publish_agenda
    from tests.factories import NOW

    body = make_body()
    clerk = make_user("clerk", body=body)
    item = make_item(make_meeting(body))
    data = make_pdf(2)
    published, url = _upload(app, item, clerk, NOW, data)
    publish_agenda(item.meeting, actor=clerk, now=NOW)
    never_published, unpublished_url = _upload(app, item, clerk, NOW)
    attachments.delete_attachment(published, actor=clerk, now=now)
    attachments.delete_attachment(never_published, actor=clerk, now=now)
    db.session.commit()
    # Version 1 is a public record that links the file: the link keeps working.
    response = client.get(url)
    assert response.status_code == 200 and response.data == data
    assert response.headers["Content-Security-Policy"] == ATTACHMENT_CSP
    moved = client.get(url.rsplit("/", 1)[0] + "/renamed.pdf")
    assert moved.status_code == 301 and moved.headers["Location"].endswith(url.replace(" ", "%20"))
    # Nothing published ever listed the other one, and another meeting's id finds nothing.
    assert client.get(unpublished_url).status_code == 404
    other = make_meeting(body, status=MeetingStatus.PUBLISHED)
    db.session.commit()
    assert client.get(url.replace(f"/meetings/{item.meeting_id}/", f"/meetings/{other.id}/")).status_code == 404
