"""Static files are linked with a hash of their bytes and cached for good under it."""
import re

from flask import url_for

from app.core.static_files import ONE_YEAR, content_version


def test_pages_link_static_files_with_their_content_version(client):
    links = re.findall(r'/static/[^"]+', client.get("/meetings").text)
    assert links and all(re.search(r"\?v=[0-9a-f]{12}$", link) for link in links)
    response = client.get(links[0])
    assert response.status_code == 200 and f"max-age={ONE_YEAR}" in response.headers["Cache-Control"]
    # Without a version the browser revalidates, as before.
    unversioned = client.get(links[0].split("?")[0])
    assert unversioned.status_code == 200 and f"max-age={ONE_YEAR}" not in unversioned.headers.get("Cache-Control", "")


def test_the_version_follows_the_bytes(tmp_path):
    path = tmp_path / "live.js"
    known = {}
    path.write_text("one")
    first = content_version(path, known)
    assert content_version(path, known) == first
    path.write_text("two, longer")
    assert content_version(path, known) != first
    assert content_version(tmp_path / "missing.js", known) is None


def test_no_version_outside_the_static_folder(app):
    with app.test_request_context():
        assert "v=" not in url_for("static", filename="../config.py")
        assert "v=" in url_for("static", filename="css/dais.css")


def test_every_page_names_its_icon_so_browsers_do_not_ask_for_a_missing_favicon_ico(client):
    (icon,) = re.findall(r'<link rel="icon" href="(/static/favicon\.svg\?v=[0-9a-f]{12})"', client.get("/meetings").text)
    response = client.get(icon)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
