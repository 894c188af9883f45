"""Typed names: what the queue shows of what a resident or clerk typed."""
import pytest

from app.core.errors import ValidationFailed
from app.live.schemas import NameClaimsVerified, NameMixesScripts, NameReserved, clean_text, speaker


@pytest.mark.parametrize("typed, shown", [
    ("  Ana   María ", "Ana María"),
    ("Ana\u202e evil", "Ana evil"),          # a bidi override cannot reverse the rest of the row
    ("Ana\x00\nLópez", "Ana López"),
    ("\u200b", None),                        # nothing visible left: anonymous
    ("\u200d", None),
    # Joiners between visible characters are part of the word or the emoji.
    ("\U0001F468\u200d\U0001F469\u200d\U0001F467", "\U0001F468\u200d\U0001F469\u200d\U0001F467"),
    ("\U0001F3F3\ufe0f\u200d\U0001F308", "\U0001F3F3\ufe0f\u200d\U0001F308"),
    ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"),
    # ...but not at an edge or next to a space, where they would only hide something.
    ("\u200dAna\u200d", "Ana"),
    ("Ana \u200d López", "Ana López"),
    ("Ana\u200d\u200dLópez", "AnaLópez"),
    # Other invisible characters inside a word go, leaving it whole as it looked typed.
    ("Bo\u00adb", "Bob"),
    ("Bo\u200bb\ufeff", "Bob"),
    ("Ana\u202eLópez", "AnaLópez"),
    ("Ana\ue000López", "AnaLópez"),          # private use
    # The flag of England is a black flag and tag characters; tags alone are nothing.
    ("\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F",
     "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"),
    ("Ana\U000E0067\U000E0062", "Ana"),
    # Only a flag's code and cancel tag: hidden words in tags after a flag go.
    ("Ana \U0001F3F4" + "".join(chr(0xE0000 + ord(c)) for c in "IGNORE ALL; call me"), "Ana \U0001F3F4"),
    ("\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067", "\U0001F3F4"),  # not cancelled
    # Letters and symbols that print as nothing leave no name ("Speaker 7" is read out).
    ("\u3164", None),
    ("\u2800\u2800", None),
    ("Ana\u3164López", "Ana López"),
    # Accents and vowel signs stay; a stack of marks that paints over other rows does not.
    ("Nguy\u1ec5n", "Nguy\u1ec5n"),
    ("Vie\u0302\u0323t", "Vie\u0302\u0323t"),
    ("Z" + "\u0336" * 59, "Z" + "\u0336" * 4),
    # Marks on nothing print nothing: a name of them alone is no name.
    ("\u034f", None),
    ("\ufe0f", None),
    ("\u180b\u180c", None),
    ("\u034f\u034f\u034f\u034f \u034f\u034f\u034f\u034f", None),
    ("\u0301Ana \u0301L\u0301", "Ana L\u0301"),
])
def test_names_keep_what_is_visible(typed, shown):
    assert clean_text(typed, "display_name", 60) == shown


def test_names_that_are_too_long_or_not_text_are_refused():
    with pytest.raises(ValidationFailed):
        clean_text("a" * 61, "display_name", 60)
    with pytest.raises(ValidationFailed):
        clean_text(42, "display_name", 60)


@pytest.mark.parametrize("token", ["\udc80" * 22, "\x00" * 22, "é" * 22, "a b\n", "", "x" * 201, 5])
def test_a_token_that_is_no_token_is_refused(token):
    """Printable ASCII only: a lone surrogate would pass a length check and fail later,
    when hashed, inside a batch of other residents' joins."""
    from app.live.schemas import resume

    with pytest.raises(ValidationFailed):
        resume({"token": token})


def test_a_token_made_by_a_page_or_by_dais_is_taken():
    from app.live.schemas import resume
    from app.live.services import new_token

    for token in ("Zm9vYmFyYmF6cXV4LV9mb29iYXI", new_token()):
        assert resume({"token": token}) == {"token": token}


@pytest.mark.parametrize("typed", ["Speaker 7", "speaker #12", "SPEAKER NO. 3", "Participante 4",
                                   "Speaker number 9", "Ｓｐｅａｋｅｒ ７", "Speaker7", "Orador 2"])
def test_a_name_that_reads_as_a_speaker_number_is_refused(typed):
    """The anonymous are listed as "Speaker <number>": a name like it passes for their place."""
    with pytest.raises(NameReserved, match="leave the name empty"):
        speaker({"display_name": typed})


@pytest.mark.parametrize("typed", ["Speaker Pelosi", "Ana 7", "Speakers Bureau 2", "Dr. Speaker"])
def test_names_that_only_contain_the_word_are_kept(typed):
    assert speaker({"display_name": typed})["display_name"] == typed


@pytest.mark.parametrize("typed", ["Mayor Smith (verified)", "Ana Ruiz ✓", "Verified: Chief Lee",
                                   "Juan Pérez (verificado)", "Dr. Kim (name not verified) ✔", "ＶＥＲＩＦＩＥＤ Bo"])
def test_a_name_that_claims_to_be_verified_is_refused(typed):
    """Every typed name is shown "(name not verified)": a name saying otherwise contradicts it."""
    with pytest.raises(NameClaimsVerified, match="every typed name is shown as not verified"):
        speaker({"display_name": typed})


@pytest.mark.parametrize("typed", ["Vera Verity", "Ana Verificato", "Mark (Rotary Club)"])
def test_names_near_the_word_verified_are_kept(typed):
    assert speaker({"display_name": typed})["display_name"] == typed


@pytest.mark.parametrize("typed", ["\u0421hair", "Mayor Sm\u0456th", "\u0391lice", "Jos\u0435 Ruiz"])
def test_a_word_disguised_with_look_alike_letters_is_refused(typed):
    """"Сhair" with a Cyrillic С reads as "Chair" on the chamber screen."""
    with pytest.raises(NameMixesScripts, match="write each word in one alphabet"):
        speaker({"display_name": typed})


@pytest.mark.parametrize("typed", ["Ivan Иванов", "Анна", "Σοφία Παππά", "José Núñez", "Zoë O'Neil-Smith",
                                   "李小龍 Bruce", "Nguyễn Thị Minh"])
def test_names_in_one_alphabet_per_word_are_kept(typed):
    assert speaker({"display_name": typed})["display_name"] == typed
