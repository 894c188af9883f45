"""The remote-access watcher's two checks, over plain HTTP as a resident's browser makes them.

1. The public comment service: an Engine.IO polling handshake
   (`<base>/socket.io/?EIO=4&transport=polling`) must answer 200 with an Engine.IO
   *open* packet (`0{"sid": ...}`). That is the first request of every resident's
   Socket.IO connection, so it fails whenever residents could not join the queue.
2. The meeting's comment page (`<base>/meetings/<id>/comment`) must answer 200.

Each check returns None when it passes, or a Failure naming the check and what it got.
"""
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

ENGINEIO = "engineio_handshake"
COMMENT_PAGE = "comment_page"
# A resident's browser is what is being stood in for; the header only labels the requests in logs.
HEADERS = {"User-Agent": "Dais remote-access check", "Accept": "*/*"}
MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class Failure:
    check: str       # ENGINEIO or COMMENT_PAGE
    detail: str      # a sentence for the record: which address, and what it answered


def handshake_url(base_url):
    return f"{base_url.rstrip('/')}/socket.io/?EIO=4&transport=polling"


def comment_page_url(base_url, meeting_id):
    return f"{base_url.rstrip('/')}/meetings/{meeting_id}/comment"


def _get(url, timeout, data=None):
    """(status, body) of one request; urllib's HTTPError is an answer too. Network errors raise OSError."""
    request = urllib.request.Request(url, data=data, headers=HEADERS, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
            return response.status, response.read(MAX_BODY)
    except urllib.error.HTTPError as error:
        return error.code, b""


def _unreachable(error):
    reason = getattr(error, "reason", None) or error
    return f"could not be reached ({reason})"


def check_engineio(base_url, *, timeout):
    url = handshake_url(base_url)
    if not url.startswith(("http://", "https://")):
        return Failure(ENGINEIO, f"the public address {base_url!r} is not an http(s) address")
    what = f"the public comment service handshake at {url}"
    body, failure = _fetch(ENGINEIO, what, url, timeout)
    if failure is not None:
        return failure
    sid = _open_packet_sid(body)
    if sid is None:
        return Failure(ENGINEIO, f"{what} answered without an Engine.IO open packet")
    _close(base_url, sid, timeout)
    return None


def _open_packet_sid(body):
    """The session id of an Engine.IO v4 open packet (`0` then JSON with `sid`), or None."""
    text = body.decode("utf-8", "replace")
    if not text.startswith("0"):
        return None
    try:
        packet = json.loads(text[1:])
    except ValueError:
        return None
    sid = packet.get("sid") if isinstance(packet, dict) else None
    return sid if isinstance(sid, str) and sid else None


def _close(base_url, sid, timeout):
    """Send the Engine.IO close packet, so each check leaves no session waiting for its timeout.
    Best effort: behind several processes it may reach another one, which simply refuses it."""
    try:
        _get(f"{handshake_url(base_url)}&sid={urllib.parse.quote(sid)}", timeout, data=b"1")
    except (OSError, ValueError):
        pass


def check_comment_page(base_url, meeting_id, *, timeout):
    url = comment_page_url(base_url, meeting_id)
    _body, failure = _fetch(COMMENT_PAGE, f"the comment page {url}", url, timeout)
    return failure


def _fetch(check, what, url, timeout):
    """(body, None) for a 200 answer, else (None, the Failure saying what went wrong)."""
    try:
        status, body = _get(url, timeout)
    except (OSError, ValueError) as error:
        return None, Failure(check, f"{what} {_unreachable(error)}")
    if status != 200:
        return None, Failure(check, f"{what} answered HTTP {status}")
    return body, None
