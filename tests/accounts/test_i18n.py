"""Spanish ships: the catalog is complete, current and used by the pages."""
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.conftest import SPANISH_PO

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2), "N_": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|\{\w+\}")  # gettext and str.format placeholders


@pytest.fixture(scope="module")
def catalog():
    with SPANISH_PO.open("rb") as handle:
        return read_po(handle, locale="es")


def _source_ids():
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    ids = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def test_every_string_in_the_code_and_templates_has_a_spanish_translation(catalog):
    translated = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog if m.id and
                  (all(m.string) if isinstance(m.string, tuple) else m.string) and not m.fuzzy}
    missing = sorted(_source_ids() - translated)
    assert not missing, (
        "Untranslated strings; re-extract and translate (docs/architecture.md, 'Translations'):\n  "
        + "\n  ".join(missing))


def test_translations_keep_every_placeholder(catalog):
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == expected, f"{ids[0]!r} -> {string!r}"


def test_lang_es_shows_the_home_page_in_spanish(spanish_app):
    client = spanish_app.test_client()
    html = client.get("/?lang=es").text
    assert '<html lang="es">' in html
    assert "Saltar al contenido principal" in html and "Reuniones" in html
    assert "Skip to main content" not in html
    # The choice sticks for the rest of the visit.
    assert "Acceso del personal" in client.get("/login").text


def test_spanish_from_the_browser_preference_and_back_to_english(spanish_app):
    client = spanish_app.test_client()
    page = client.get("/login", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert '<html lang="es">' in page.text and "Contraseña" in page.text
    english = client.get("/login?lang=en")
    assert '<html lang="en">' in english.text and "Password" in english.text


def test_unknown_language_falls_back_to_english(spanish_app):
    page = spanish_app.test_client().get("/login?lang=xx")
    assert '<html lang="en">' in page.text and "Staff sign-in" in page.text
