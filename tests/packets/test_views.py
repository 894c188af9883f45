"""Downloads (Content-Disposition, ETag/304, Range/206), drafts, status while building or failed."""
import re
from datetime import timedelta

import pytest
from flask import render_template_string
from flask_babel import refresh

from app.core.db import transaction
from app.extensions import db
from app.meetings.attachments import attachment_path
from app.meetings.publishing import publish_agenda
from app.meetings.services import update_item
from app.packets.models import BuildStatus, PacketBuild
from app.packets.tasks import build_packet, enqueue_packet_build, huey
from tests.factories import NOW, make_meeting


def test_a_draft_meeting_has_no_pdfs(packet_app, client):
    meeting = make_meeting()
    db.session.commit()
    for path in ("agenda.pdf", "packet.pdf", "packet.json"):
        assert client.get(f"/meetings/{meeting.id}/{path}").status_code == 404
    assert client.get("/meetings/99999/packet.pdf").status_code == 404


def test_before_the_first_build_the_pdf_is_being_prepared(agenda, client):
    response = client.get(f"/meetings/{agenda.meeting.id}/packet.pdf")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "being prepared" in response.text
    assert client.get(f"/meetings/{agenda.meeting.id}/packet.json").json == {
        "state": "building", "version": 1, "reason": "", "download": None}


def test_packet_download_headers_etag_and_ranges(agenda, client):
    build_packet(agenda.meeting.id)
    url = f"/meetings/{agenda.meeting.id}/packet.pdf"
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"] == "inline; filename=city-council-2026-03-09-packet.pdf"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    etag = response.headers["ETag"]
    assert etag.endswith('-packet"')

    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    partial = client.get(url, headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206 and partial.data == response.data[:100]
    assert partial.headers["Content-Range"] == f"bytes 0-99/{len(response.data)}"
    tail = client.get(url, headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.data == response.data[-50:]
    assert client.get(url, headers={"Range": f"bytes={len(response.data) + 10}-"}).status_code == 416

    agenda_pdf = client.get(f"/meetings/{agenda.meeting.id}/agenda.pdf")
    assert agenda_pdf.status_code == 200
    assert agenda_pdf.headers["Content-Disposition"] == "inline; filename=city-council-2026-03-09-agenda.pdf"
    assert agenda_pdf.headers["ETag"] != etag


def test_the_last_good_packet_stays_downloadable_while_an_amendment_builds(agenda, client):
    first = build_packet(agenda.meeting.id)
    old = client.get(f"/meetings/{agenda.meeting.id}/packet.pdf")
    update_item(agenda.parks, {"title": "Parks and trails master plan"}, actor=agenda.clerk,
                now=NOW + timedelta(hours=2))
    publish_agenda(agenda.meeting, actor=agenda.clerk, now=NOW + timedelta(hours=2))
    db.session.commit()

    during = client.get(f"/meetings/{agenda.meeting.id}/packet.pdf")
    assert during.status_code == 200 and during.data == old.data
    status = client.get(f"/meetings/{agenda.meeting.id}/packet.json").json
    assert status["state"] == "building" and status["version"] == 2
    assert status["download"]["version"] == 1 and status["download"]["is_current"] is False
    assert status["download"]["packet_url"] == f"/meetings/{agenda.meeting.id}/packet.pdf"

    second = build_packet(agenda.meeting.id)
    assert second.build_key != first.build_key
    after = client.get(f"/meetings/{agenda.meeting.id}/packet.pdf")
    assert after.data != old.data and after.headers["ETag"] != old.headers["ETag"]
    assert client.get(f"/meetings/{agenda.meeting.id}/packet.json").json["download"]["is_current"] is True


def test_a_failed_build_shows_its_reason_and_keeps_the_previous_packet(agenda, client):
    build_packet(agenda.meeting.id)
    attachment_path(agenda.app.config["UPLOAD_DIR"], agenda.parks.attachments[0].sha256).unlink()
    update_item(agenda.parks, {"title": "Parks plan, revised"}, actor=agenda.clerk, now=NOW + timedelta(hours=3))
    publish_agenda(agenda.meeting, actor=agenda.clerk, now=NOW + timedelta(hours=3))
    db.session.commit()
    failed = build_packet(agenda.meeting.id)
    assert failed.status == BuildStatus.FAILED

    status = client.get(f"/meetings/{agenda.meeting.id}/packet.json").json
    assert status["state"] == "failed" and "is missing from file storage" in status["reason"]
    assert status["download"]["version"] == 1
    assert client.get(f"/meetings/{agenda.meeting.id}/packet.pdf").status_code == 200


def test_a_failed_first_build_answers_503_with_the_reason(agenda, client):
    attachment_path(agenda.app.config["UPLOAD_DIR"], agenda.parks.attachments[0].sha256).unlink()
    build_packet(agenda.meeting.id)
    response = client.get(f"/meetings/{agenda.meeting.id}/packet.pdf")
    assert response.status_code == 503
    assert "could not be built" in response.text and "is missing from file storage" in response.text


def test_a_built_packet_whose_files_are_gone_is_built_again(agenda, client, monkeypatch):
    """Restored without the instance directory: the download says "being prepared" and
    asks the worker, once, instead of saying so forever."""
    import shutil

    from app.packets.services import build_dir

    first = build_packet(agenda.meeting.id)
    shutil.rmtree(build_dir(first))
    monkeypatch.setitem(agenda.app.config, "PACKET_QUEUE", "huey")
    monkeypatch.setattr(huey, "immediate", True)
    url = f"/meetings/{agenda.meeting.id}/packet.pdf"
    gone = client.get(url)
    assert gone.status_code == 503 and "being prepared" in gone.text
    db.session.expire_all()
    again = client.get(url)
    assert again.status_code == 200 and again.data.startswith(b"%PDF-")
    assert db.session.query(PacketBuild).count() == 2


def test_a_download_while_the_current_version_builds_asks_for_no_other_build(agenda, client, monkeypatch):
    asked = []
    monkeypatch.setattr("app.packets.views.enqueue_packet_build", asked.append)
    assert client.get(f"/meetings/{agenda.meeting.id}/packet.pdf").status_code == 503
    assert asked == []


def _status_snippet(app, meeting):
    with app.test_request_context("/"):
        return render_template_string('{% include "packets/_status.html" %}', meeting=meeting)


def test_the_status_snippet_for_the_meeting_page(agenda):
    html = _status_snippet(agenda.app, agenda.meeting)
    assert 'role="status"' in html and "being prepared" in html and "packet-building" in html
    build_packet(agenda.meeting.id)
    html = _status_snippet(agenda.app, agenda.meeting)
    assert "packet-ready" in html
    assert f'href="/meetings/{agenda.meeting.id}/packet.pdf"' in html and "11 pages" in html
    assert f'href="/meetings/{agenda.meeting.id}/agenda.pdf"' in html


def test_the_page_counts_are_singular_for_one_page(agenda):
    """A one-page agenda is "1 page", not "1 pages" (ngettext, so Spanish says "1 página")."""
    build = build_packet(agenda.meeting.id)
    assert (build.agenda_pages, build.packet_pages) == (1, 11)
    html = _status_snippet(agenda.app, agenda.meeting)
    assert "Agenda (PDF, 1 page)</a>" in html
    assert "Agenda packet with staff reports and attachments (PDF, 11 pages)</a>" in html


def test_the_pdf_links_say_their_language_on_a_page_in_another(agenda):
    """The PDFs are built in the body's language (PACKET_LANGUAGE, else the default
    locale): a Spanish page says so beside each link, and hreflang says it to software."""
    build_packet(agenda.meeting.id)
    with agenda.app.test_request_context("/?lang=es"):
        spanish = render_template_string('{% include "packets/_status.html" %}', meeting=agenda.meeting)
    links = re.findall(r'<a href="[^"]+" type="application/pdf"([^>]*)>([^<]*)</a>', spanish)
    assert len(links) == 2
    for attributes, words in links:
        assert attributes == ' hreflang="en"' and words.endswith(" (en inglés)")
    refresh()  # the locale is chosen again, as by a new request
    english = _status_snippet(agenda.app, agenda.meeting)
    assert english.count('hreflang="en"') == 2 and "inglés" not in english and "(in English)" not in english


def test_the_status_snippet_shows_nothing_for_a_draft(packet_app):
    meeting = make_meeting()
    assert _status_snippet(packet_app, meeting).strip() == ""


# ------------------------------------------------------------------ enqueue and CLI

def test_enqueue_is_off_in_tests_unless_asked(agenda):
    assert enqueue_packet_build(agenda.meeting.id) is None
    assert db.session.query(PacketBuild).count() == 0


def test_enqueue_runs_the_huey_task(agenda, monkeypatch):
    monkeypatch.setitem(agenda.app.config, "PACKET_QUEUE", "huey")
    monkeypatch.setattr(huey, "immediate", True)
    enqueue_packet_build(agenda.meeting.id)
    assert client_status(agenda) == "ready"


def test_enqueue_after_commit_from_a_transaction(agenda, monkeypatch):
    monkeypatch.setitem(agenda.app.config, "PACKET_QUEUE", "inline")
    from app.core.db import after_commit

    with transaction():
        after_commit(lambda: enqueue_packet_build(agenda.meeting.id))
    assert client_status(agenda) == "ready"


def client_status(agenda):
    from app.packets.services import status_for

    db.session.expire_all()
    return status_for(agenda.meeting, now=NOW)["state"]


def test_cli_builds_synchronously(agenda, runner):
    result = runner.invoke(args=["packets", "build", str(agenda.meeting.id)])
    assert result.exit_code == 0, result.output
    assert "packet 11 pages" in result.output
    again = runner.invoke(args=["packets", "build", str(agenda.meeting.id)])
    assert again.exit_code == 0 and "already built" in again.output


def test_cli_exits_non_zero_when_the_build_fails(agenda, runner):
    attachment_path(agenda.app.config["UPLOAD_DIR"], agenda.parks.attachments[0].sha256).unlink()
    result = runner.invoke(args=["packets", "build", str(agenda.meeting.id)])
    assert result.exit_code == 1 and "is missing from file storage" in result.output


@pytest.mark.parametrize("meeting_id", ["99999"])
def test_cli_on_an_unknown_meeting(packet_app, runner, meeting_id):
    result = runner.invoke(args=["packets", "build", meeting_id])
    assert result.exit_code == 0 and "Nothing to build" in result.output


def test_a_build_that_never_finished_is_reported_as_failed(agenda):
    from app.packets import services

    db.session.add(PacketBuild(meeting_id=agenda.meeting.id, version_number=1,
                               content_hash=agenda.version.content_hash,
                               build_key=services.build_key_for(agenda.version),
                               status=BuildStatus.BUILDING, started_at=NOW - timedelta(minutes=31)))
    db.session.commit()
    status = services.status_for(agenda.meeting, now=NOW)
    assert status["state"] == "failed" and "worker may have stopped" in status["reason"]
    assert services.status_for(agenda.meeting, now=NOW - timedelta(minutes=29))["state"] == "building"
    # a new enqueue builds it
    assert build_packet(agenda.meeting.id).status == BuildStatus.READY


def test_the_queue_is_sqlite_in_the_instance_folder_or_redis_when_configured(tmp_path):
    from huey import RedisHuey, SqliteHuey

    from app.packets.tasks import make_huey

    class Local:
        REDIS_URL = None
        INSTANCE_DIR = tmp_path / "instance"

    class WithRedis(Local):
        REDIS_URL = "redis://127.0.0.1:6379/3"

    local = make_huey(Local)
    assert isinstance(local, SqliteHuey) and local.storage.filename == str(tmp_path / "instance" / "huey.sqlite3")
    assert isinstance(make_huey(WithRedis), RedisHuey)
