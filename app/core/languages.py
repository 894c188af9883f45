"""The language the body's own documents are written in.

Pages are served in the visitor's language (English or Spanish), but what the clerk
writes — meeting and item titles, staff reports, recommended actions, minutes — and the
PDFs built from it are in one language: the body's. It is configured once,
`PACKET_LANGUAGE`, else `BABEL_DEFAULT_LOCALE` (a column per body would ask every clerk
a question nobody has yet needed to answer differently).

Where a page's language differs, that content carries `lang` (WCAG 3.1.2), so a screen
reader reads "Parks master plan" with English sounds on a Spanish page instead of Spanish
ones, and links to the PDFs say which language they are in.
"""
from babel import Locale
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape


def documents_language(config=None):
    """The body's documents' language tag, e.g. "en"."""
    config = current_app.config if config is None else config
    return config.get("PACKET_LANGUAGE") or config.get("BABEL_DEFAULT_LOCALE") or "en"


def _primary(tag):
    return str(tag or "").replace("_", "-").split("-")[0].lower()


def differs(page_language, documents=None):
    """True when the page is in another language than the documents (en-US and en are one)."""
    return _primary(page_language) != _primary(documents or documents_language())


def language_name(tag, in_language):
    """The name of language `tag` as written in `in_language` ("inglés" for en in es)."""
    try:
        return Locale.parse(_primary(tag)).get_display_name(Locale.parse(_primary(in_language))) or tag
    except (ValueError, TypeError, LookupError):
        return tag


def documents_language_tag():
    """The same as an HTML `lang`/`hreflang` value: BCP 47 ("es-MX"), not Babel's "es_MX"."""
    return documents_language().replace("_", "-")


def _page_language():
    return str(get_locale() or "en")


def doc_lang():
    """` lang="en"` for an element of clerk-written content, when the page is in another language."""
    documents = documents_language_tag()
    return Markup(f' lang="{escape(documents)}"') if differs(_page_language(), documents) else Markup("")


def documents_language_note():
    """"(in English)" after a link to one of the body's documents, when the page is in another language."""
    documents, page = documents_language(), _page_language()
    if not differs(page, documents):
        return ""
    return _("(in %(language)s)", language=language_name(documents, page))


def init_app(app):
    # Globals, not a context processor: the macros that draw an agenda or a motion are
    # imported without the page's context.
    app.jinja_env.globals.update(documents_lang=documents_language_tag, doc_lang=doc_lang,
                                 documents_language_note=documents_language_note)
