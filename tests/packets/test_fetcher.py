"""WeasyPrint may load the app's own static files and nothing else: no file://, no outside URL."""
import http.server
import io
import threading

import pytest
from pypdf import PdfReader

from app.packets import render
from app.packets.fetcher import RENDER_BASE_URL, FetchRefused, StaticOnlyFetcher


@pytest.fixture
def outside_server():
    """An HTTP server that counts every request made to it."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            hits.append(self.path)
            body = b"body::after { content: 'FETCHED FROM OUTSIDE'; }"
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


def test_file_and_outside_urls_are_refused_and_nothing_is_fetched(packet_app, tmp_path, outside_server):
    origin, hits = outside_server
    secret = tmp_path / "secret.css"
    secret.write_text("body::after { content: 'LOCAL FILE CONTENT'; }")
    image = tmp_path / "secret.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n")
    html = f"""<!DOCTYPE html><html lang="en"><head><title>t</title>
      <link rel="stylesheet" href="file://{secret}">
      <link rel="stylesheet" href="{origin}/steal.css">
      <style>@import url("{origin}/imported.css"); h1 {{ background: url("file://{image}"); }}</style>
      </head><body><h1>Agenda</h1><img src="{origin}/pixel.png" alt="pixel">
      <img src="file:///etc/passwd" alt="passwd"></body></html>"""
    fetcher = StaticOnlyFetcher(packet_app.static_folder, packet_app.config["PUBLIC_BASE_URL"])

    pdf = render.render_pdf(html, fetcher=fetcher)

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Agenda" in text
    assert "LOCAL FILE CONTENT" not in text and "FETCHED FROM OUTSIDE" not in text
    assert hits == []
    assert set(fetcher.refused) >= {f"file://{secret}", f"{origin}/steal.css", f"{origin}/imported.css",
                                     f"{origin}/pixel.png", "file:///etc/passwd"}


def test_the_apps_static_files_are_served_from_disk(packet_app):
    fetcher = StaticOnlyFetcher(packet_app.static_folder, "https://dais.example.gov")
    for url in (f"{RENDER_BASE_URL}static/css/dais.css", "https://dais.example.gov/static/css/dais.css"):
        response = fetcher.fetch(url)
        assert response.content_type == "text/css" and len(response.read()) > 100


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    f"{RENDER_BASE_URL}static/../config.py",
    f"{RENDER_BASE_URL}static/%2e%2e/config.py",
    f"{RENDER_BASE_URL}templates/packets/print.css",
    f"{RENDER_BASE_URL}static/does-not-exist.css",
    "https://evil.example/static/css/dais.css",
    "http://169.254.169.254/latest/meta-data/",
    "data:text/css,body{}",
    "ftp://example.org/x.css",
])
def test_everything_else_is_refused(packet_app, url):
    fetcher = StaticOnlyFetcher(packet_app.static_folder, "https://dais.example.gov")
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
