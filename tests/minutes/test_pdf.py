"""The minutes PDF: approved revision (else the latest draft, marked DRAFT), tagged, cached, resumable."""
import io

from pypdf import PdfReader

from tests.minutes.test_api import held_meeting, later_approval


def _read(response):
    reader = PdfReader(io.BytesIO(response.data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_no_minutes_no_pdf(client, auth, meeting, members, item):
    held_meeting(client, auth, meeting, members, item)
    assert client.get(f"/meetings/{meeting.id}/minutes.pdf").status_code == 404
    assert client.get("/meetings/99999/minutes.pdf").status_code == 404


def test_draft_then_approved_minutes_pdf(app, client, auth, body, meeting, members, item, tmp_path):
    app.config["PACKET_CACHE_DIR"] = tmp_path / "pieces"
    held_meeting(client, auth, meeting, members, item)
    url = f"/api/v1/meetings/{meeting.id}/minutes"
    draft = client.get(url, headers=auth).json["draft"]
    assert client.post(f"{url}/revisions", json={"html": draft}, headers=auth).status_code == 201

    response = client.get(f"/meetings/{meeting.id}/minutes.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].endswith("-minutes-draft.pdf")
    reader, text = _read(response)
    assert "DRAFT" in text and f"{members[2].name}: No" in text and "3-1" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"] and reader.trailer["/Root"]["/Lang"] == "en"
    assert "minutes" in reader.metadata.title and meeting.title in reader.metadata.title
    assert len(reader.pages) >= 1
    draft_etag = response.headers["ETag"]

    assert client.get(f"/meetings/{meeting.id}/minutes.pdf",
                      headers={"If-None-Match": draft_etag}).status_code == 304
    partial = client.get(f"/meetings/{meeting.id}/minutes.pdf", headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206 and len(partial.data) == 100 and partial.data == response.data[:100]

    page = client.get(f"/meetings/{meeting.id}/minutes")
    assert f'href="/meetings/{meeting.id}/minutes.pdf"' in page.text

    assert client.post(f"{url}/revisions", json={"html": "<h2>Minutes</h2><p>The council met and voted.</p>"},
                       headers=auth).status_code == 201
    approving = later_approval(client, auth, body, members)
    assert client.post(f"{url}/approve", json={"approving_motion_id": approving["id"]},
                       headers=auth).status_code == 200
    approved = client.get(f"/meetings/{meeting.id}/minutes.pdf")
    assert approved.status_code == 200 and approved.headers["ETag"] != draft_etag
    assert approved.headers["Content-Disposition"].endswith("-minutes.pdf")
    reader, text = _read(approved)
    assert "The council met and voted." in text and "DRAFT" not in text
    assert f"motion {approving['id']}" in text and len(reader.pages) == 1
