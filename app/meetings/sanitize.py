"""Rich text from staff is cleaned on the way in, so every page can render it as is."""
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "h3", "h4", "h5",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "caption", "sub", "sup",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
# No javascript:, data: or relative-protocol tricks: only links a resident can follow safely.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def clean_html(text):
    """Sanitized HTML: only the tags above survive; links get rel="noopener noreferrer"."""
    if not text:
        return ""
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
