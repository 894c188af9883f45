"""Static files are linked with a version of their content (`/static/x.js?v=<hash>`).

Browsers (and nginx, docs/deploy.md) may then keep them for a long time, which
spares a resident on a slow phone the scripts on every visit, and still fetch a
changed script or stylesheet the moment a new release links it: nobody's page
runs last release's script against this release's server.
"""
import hashlib
from pathlib import Path

from flask import request

ONE_YEAR = 365 * 24 * 3600


def content_version(path, known):
    """A short hash of the file's bytes, worked out again only when the file changed."""
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (stat.st_mtime_ns, stat.st_size)
    cached = known.get(path)
    if cached is None or cached[0] != key:
        cached = (key, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
        known[path] = cached
    return cached[1]


def init_app(app):
    root = Path(app.static_folder).resolve()
    known = {}

    @app.url_defaults
    def add_version(endpoint, values):
        filename = values.get("filename")
        if endpoint != "static" or "v" in values or not filename:
            return
        path = (root / filename).resolve()
        if path.is_relative_to(root):
            version = content_version(path, known)
            if version:
                values["v"] = version

    default_max_age = app.get_send_file_max_age

    def send_file_max_age(filename):
        # A versioned URL names exactly these bytes: cache it for good. Anything else
        # keeps Flask's default (revalidate every time).
        if request.args.get("v"):
            return ONE_YEAR
        return default_max_age(filename)

    app.get_send_file_max_age = send_file_max_age
