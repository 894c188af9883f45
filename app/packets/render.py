"""HTML for the agenda, the packet's contents and the staff reports, and its rendering by WeasyPrint.

Every render goes through `render_pdf`, with the static-only fetcher, one shared
font configuration and the print stylesheet parsed once per process.
"""
import functools
import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import force_locale

from app.meetings.sanitize import clean_html
from app.packets.fetcher import RENDER_BASE_URL, StaticOnlyFetcher

# Bump when a template or the stylesheet changes how pieces look: cached pieces
# and finished builds made by an older renderer are then rebuilt.
RENDERER_VERSION = "2"


@functools.lru_cache(maxsize=1)
def _weasy():
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    return HTML, CSS, FontConfiguration()


@functools.lru_cache(maxsize=4)
def _stylesheet(path):
    HTML, CSS, fonts = _weasy()
    return CSS(string=Path(path).read_text(encoding="utf-8"), font_config=fonts)


def stylesheet_path():
    return Path(current_app.root_path).parent / "templates" / "packets" / "print.css"


def make_fetcher():
    return StaticOnlyFetcher(current_app.static_folder, current_app.config.get("PUBLIC_BASE_URL", ""))


def render_pdf(html, *, tagged=False, fetcher=None):
    """PDF bytes for one HTML document; `tagged` makes a PDF/UA-1 document (structure tree, /Lang)."""
    HTML, CSS, fonts = _weasy()
    document = HTML(string=html, base_url=RENDER_BASE_URL, url_fetcher=fetcher or make_fetcher())
    options = {"pdf_variant": "pdf/ua-1"} if tagged else {}
    return document.write_pdf(stylesheets=[_stylesheet(str(stylesheet_path()))], font_config=fonts,
                               **options)


def page_count(pdf_bytes):
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf_bytes)).pages)


# --- what each piece shows (also what its cache key is made of) -------------------------

def header_view(content):
    """The meeting facts printed on every piece."""
    meeting, body = content["meeting"], content["body"]
    start = datetime.fromisoformat(meeting["start_at"]).astimezone(ZoneInfo(body["timezone"]))
    hour = start.strftime("%I").lstrip("0")
    return {
        "body_name": body["name"],
        "title": meeting["title"],
        "kind": meeting["kind"],
        "date": start.date().isoformat(),
        "when": f"{start:%A, %B} {start.day}, {start:%Y}, {hour}:{start:%M %p %Z}",
        "location": meeting["location"],
    }


def agenda_view(content):
    """Everything the agenda document shows: staff-report bodies are left out on purpose,
    so editing a report does not re-render the agenda."""
    meeting = content["meeting"]
    return {
        "header": header_view(content),
        "remote_url": meeting["remote_url"],
        "dial_in": meeting["dial_in"],
        "remote_instructions": meeting["remote_instructions"],
        "accommodation_notice": meeting["accommodation_notice"],
        "sections": [
            {
                "number": section["number"],
                "title": section["title"],
                "items": [
                    {"number": item["number"], "title": item["title"], "department": item["department"],
                     "recommended_action": item["recommended_action"],
                     "attachments": [a["title"] or a["filename"] for a in item["attachments"]]}
                    for item in section["items"]
                ],
            }
            for section in content["sections"]
        ],
    }


def report_view(content, item):
    return {
        "header": header_view(content),
        "item": {name: item[name] for name in ("number", "title", "department", "recommended_action",
                                               "fiscal_impact", "body_html")},
        "attachments": [a["title"] or a["filename"] for a in item["attachments"]],
    }


def agenda_html(view, *, lang):
    with force_locale(lang):
        return render_template("packets/agenda.html", lang=lang, **view)


def report_html(view, *, lang):
    item = dict(view["item"], body_html=clean_html(view["item"]["body_html"] or ""))
    with force_locale(lang):
        return render_template("packets/staff_report.html", lang=lang, header=view["header"], item=item,
                               attachments=view["attachments"])


def contents_html(view, *, lang):
    with force_locale(lang):
        return render_template("packets/contents.html", lang=lang, **view)
