"""The only URL fetcher WeasyPrint gets: the app's own static files, read from disk.

Agenda text comes from staff and, through them, from the public; a stray
`<img src="file:///etc/passwd">` or a link to an internal address must never make
the worker read a local file or open a network connection. URLs under
`/static/` (relative to the render's base URL, or under PUBLIC_BASE_URL) are
served from the static folder; every other URL is refused without being opened.
"""
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in the rendered HTML resolve against this base, so "/static/x.css"
# becomes "https://dais.invalid/static/x.css" and never points at the disk.
RENDER_BASE_URL = "https://dais.invalid/"


class FetchRefused(ValueError):
    """A URL outside the app's static files."""


class StaticOnlyFetcher(URLFetcher):
    def __init__(self, static_dir, public_base_url=""):
        super().__init__(allowed_protocols=("https", "http"), allow_redirects=False)
        self.static_dir = Path(static_dir).resolve()
        self.origins = {_origin(RENDER_BASE_URL)}
        if public_base_url:
            self.origins.add(_origin(public_base_url))
        self.refused = []  # kept for tests and for the worker's log

    def fetch(self, url, headers=None):
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            raise FetchRefused(f"only the app's static files may be loaded, not {url}")
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})

    def _static_path(self, url):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or _origin(url) not in self.origins:
            return None
        if not parts.path.startswith("/static/"):
            return None
        candidate = (self.static_dir / unquote(parts.path[len("/static/"):])).resolve()
        if not candidate.is_relative_to(self.static_dir) or not candidate.is_file():
            return None
        return candidate


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()
