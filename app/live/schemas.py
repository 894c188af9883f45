"""Validation of /live event payloads. Anything unexpected is refused with `invalid`,
before any service runs, so a malformed event never changes the state."""
import re
import unicodedata

from app.core.errors import ValidationFailed
from app.live import timer as timers

MAX_NAME = 60
MAX_REASON = 500
MAX_TOKEN = 200
# A token a page makes for itself is a bearer secret too: at least 128 bits (22 characters
# of base64url; Dais's own have 32).
MIN_CLIENT_TOKEN = 22
MAX_ID = 2**31 - 1
STANCES = ("support", "oppose", "neutral")
CHANNELS = ("in_person", "remote")
TIMER_ACTIONS = ("start", "pause", "resume", "extend", "stop")


def _object(data, allowed, required=()):
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValidationFailed("The payload must be an object.")
    unknown = sorted(set(data) - set(allowed), key=str)
    if unknown:
        raise ValidationFailed(f"Unknown field(s): {', '.join(map(str, unknown))[:200]}.")
    missing = [name for name in required if name not in data]
    if missing:
        raise ValidationFailed(f"Missing field(s): {', '.join(missing)}.")
    return data


def _id(data, name, *, nullable=False):
    value = data.get(name)
    if value is None and nullable:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_ID:
        raise ValidationFailed(f"'{name}' must be a positive integer{' or null' if nullable else ''}.")
    return value


# The ranges the services accept, said where the payload is checked: a time out of
# range is told the range that applies to it, before anything else is looked at.
SPEAKER_SECONDS = (timers.MIN_SECONDS, timers.MAX_SECONDS)
PERIOD_SECONDS = (60, 6 * 3600)
EXTENSION_SECONDS = (1, timers.MAX_EXTENSION)
ANY_SECONDS = (1, 24 * 3600)


def _int(data, name, bounds, *, required=False):
    value = data.get(name)
    if value is None and not required:
        return None
    low, high = bounds
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationFailed(f"'{name}' must be a whole number of seconds, from {low} to {high}.")
    return value


# Zero-width (non-)joiners are format characters, but inside a word they are part of
# it: Persian and Indic spellings and emoji sequences (a family, a flag) need them.
JOINERS = frozenset("\u200c\u200d")


# Letters and symbols that print as nothing: a name of them looks blank on every screen.
BLANK_LOOKING = frozenset("\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0")
# Combining marks kept on one letter: enough for any script's accents and vowel signs,
# not for a stack that paints over the rows above and below.
MAX_MARKS = 4


def _hidden(c):
    return unicodedata.category(c)[0] in "CZ" or c in BLANK_LOOKING


def _tame_marks(text):
    """Combining marks only on a visible character, and at most MAX_MARKS on one: with
    nothing under them they print nothing (a name of them alone would look blank), and
    piled up they spill over the lines around."""
    kept, run, on_visible = [], 0, False
    for c in text:
        if unicodedata.category(c) in ("Mn", "Me"):
            run += 1
            if on_visible and run <= MAX_MARKS:
                kept.append(c)
        else:
            run, on_visible = 0, not c.isspace()
            kept.append(c)
    return "".join(kept)


# Emoji tag sequences (the flags of England, Scotland and Wales) are a black flag, a
# subdivision code in invisible tag letters and digits, and a cancel tag: kept whole
# when so, and no other tag character (a run of them could carry hidden text).
FLAG_TAGS = re.compile("\U0001F3F4[\U000E0030-\U000E0039\U000E0061-\U000E007A]{2,7}\U000E007F")
# Invisible characters that stand between words: they become spaces. Every other
# invisible one (a soft hyphen, a zero-width space, a bidi override, private use) is
# taken out, so the word around it stays whole, as it looked when typed.
SPACING = frozenset(("Cc", "Zs", "Zl", "Zp"))


def _printable(value):
    """What prints of `value`: a joiner is kept between two visible characters, a flag's
    tag sequence whole; controls, separators and blank-looking letters become spaces;
    other invisible characters go."""
    flags = {match.start() + 1: match.end() for match in FLAG_TAGS.finditer(value)}
    kept = []
    i = 0
    while i < len(value):
        c = value[i]
        if i in flags:  # the tags after a black flag, as one
            kept.append(value[i:flags[i]])
            i = flags[i]
            continue
        if not _hidden(c):
            kept.append(c)
        elif c in JOINERS and 0 < i < len(value) - 1 and not _hidden(value[i - 1]) and not _hidden(value[i + 1]):
            kept.append(c)
        elif unicodedata.category(c) in SPACING or c in BLANK_LOOKING:
            kept.append(" ")
        i += 1
    return "".join(kept)


def clean_text(value, name, max_length):
    """Printable text with whitespace collapsed; control and bidi-override characters removed,
    so a typed name cannot break or disguise the queue display."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationFailed(f"'{name}' must be text.")
    if len(value) > max_length * 4:
        raise ValidationFailed(f"'{name}' must be at most {max_length} characters.")
    text = " ".join(_tame_marks(_printable(value)).split())
    if len(text) > max_length:
        raise ValidationFailed(f"'{name}' must be at most {max_length} characters.")
    return text or None


def _stance(data):
    value = data.get("stance")
    if value is None:
        return None
    if value not in STANCES:
        raise ValidationFailed(f"'stance' must be one of {', '.join(STANCES)}.")
    return value


def _bool(data, name):
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise ValidationFailed(f"'{name}' must be true or false.")
    return value


def is_token_text(value, min_length=1):
    """A token is printable ASCII (Dais's and the pages' own are base64url): anything else
    is no token, and would fail later, in hashing, inside a whole batch of joins."""
    return (isinstance(value, str) and min_length <= len(value) <= MAX_TOKEN
            and value.isascii() and value.isprintable())


def _token(data, *, required):
    value = data.get("token")
    if value is None and not required:
        return None
    if not is_token_text(value):
        raise ValidationFailed("'token' must be the token you received when you joined.")
    return value


class NameReserved(ValidationFailed):
    code = "name_reserved"


# How the pages list a speaker who gave no name ("Speaker 7", in Spanish "Participante 7"),
# with the spellings one might type for it: a name like that would pass for someone else's
# place in line on the chamber display.
NUMBER_LABEL = re.compile(r"(speaker|participant|participante|orador|oradora)\W*"
                          r"(no\W*|n\W*o\W*|number\W*|n[uú]mero\W*)?\d+")


class NameClaimsVerified(ValidationFailed):
    code = "name_claims_verified"


# Every typed name is shown as "(name not verified)": a name that says it is verified
# (or that it is not: a second note of its own), in English or Spanish or with a check
# mark, would contradict that on the chamber display. Typed as a claim, it is refused.
VERIFICATION_CLAIM = re.compile(r"\b(un)?verif(y|ied|icad[oa]s?)\b|[\u2713\u2714\u2611\u2705]")


class NameMixesScripts(ValidationFailed):
    code = "name_mixes_scripts"


# Alphabets with letters that look alike ("Сhair" with a Cyrillic С reads as "Chair"):
# one word written in two of them is a disguise, not a spelling (a name may still have
# words in different alphabets, as "Ivan Иванов").
LOOK_ALIKE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def _mixes_scripts(name):
    for word in name.split():
        scripts = {unicodedata.name(char, "").split(" ", 1)[0] for char in word if char.isalpha()}
        if len(scripts & set(LOOK_ALIKE_SCRIPTS)) > 1:
            return True
    return False


def _display_name(data):
    name = clean_text(data.get("display_name"), "display_name", MAX_NAME)
    folded = unicodedata.normalize("NFKC", name).casefold() if name else ""
    if name and NUMBER_LABEL.fullmatch(folded.strip(" .#")):
        raise NameReserved(f"'{name}' is how the queue lists people who give no name, so it would pass for "
                           "someone else's place: leave the name empty to be listed by your own number, or "
                           "give a name of your own.")
    if VERIFICATION_CLAIM.search(folded):
        raise NameClaimsVerified("A name cannot say it is verified: every typed name is shown as not verified. "
                                 "Give the name alone.")
    if _mixes_scripts(folded):
        raise NameMixesScripts("A word of this name mixes letters of different alphabets (a Cyrillic or Greek "
                               "letter that looks Latin, say): write each word in one alphabet.")
    return name


def speaker(data):
    data = _object(data, ("item_id", "display_name", "stance", "interpreter"))
    return {"item_id": _id(data, "item_id", nullable=True),
            "display_name": _display_name(data),
            "stance": _stance(data), "interpreter": _bool(data, "interpreter")}


def card(data):
    """A speaker the clerk adds: `channel` is `in_person` (a speaker card, the default)
    or `remote` (a caller on the phone line or the webinar who has no comment page)."""
    data = _object(data, ("item_id", "display_name", "stance", "interpreter", "channel"))
    channel = data.get("channel", "in_person")
    if channel not in CHANNELS:
        raise ValidationFailed(f"'channel' must be one of {', '.join(CHANNELS)}.")
    return {**speaker({k: v for k, v in data.items() if k != "channel"}), "channel": channel}


# What staff may correct on a card they entered: everything the clerk typed from it.
CARD_FIELDS = ("display_name", "stance", "interpreter", "item_id")


def correct_card(data):
    """`{entry_id}` and the card's fields to correct, each only when sent: a field left out
    stays as it is, a null name or stance clears it, a null item is general comment. The
    fields are held to `add_in_person`'s rules (a reserved name is refused as there)."""
    data = _object(data, ("entry_id", *CARD_FIELDS), required=("entry_id",))
    sent = [name for name in CARD_FIELDS if name in data]
    if not sent:
        raise ValidationFailed("Say what to correct: display_name, stance, interpreter or item_id.")
    if "interpreter" in data and not isinstance(data["interpreter"], bool):
        raise ValidationFailed("'interpreter' must be true or false.")
    checked = speaker({name: data[name] for name in sent})
    return {"entry_id": _id(data, "entry_id"), **{name: checked[name] for name in sent}}


def empty(data):
    _object(data, ())
    return {}


def call_next(data):
    """`current_speaker`, optional: the speaker the chair's screen showed (null: nobody)."""
    data = _object(data, ("current_speaker",))
    if "current_speaker" not in data:
        return {}
    return {"current_speaker": _id(data, "current_speaker", nullable=True)}


def leave_queue(data):
    data = _object(data, ("token", "entry_id"))
    return {"token": _token(data, required=False), "entry_id": _id(data, "entry_id", nullable=True)}


def seen_call(data):
    data = _object(data, ("token",))
    return {"token": _token(data, required=False)}


def resume(data):
    data = _object(data, ("token",), required=("token",))
    return {"token": _token(data, required=True)}


def set_item(data):
    data = _object(data, ("item_id",), required=("item_id",))
    return {"item_id": _id(data, "item_id", nullable=True)}


def open_comment(data):
    data = _object(data, ("item_id", "seconds_per_speaker", "period_seconds"))
    return {"item_id": _id(data, "item_id", nullable=True),
            "seconds_per_speaker": _int(data, "seconds_per_speaker", SPEAKER_SECONDS),
            "period_seconds": _int(data, "period_seconds", PERIOD_SECONDS)}


def entry(data):
    data = _object(data, ("entry_id",), required=("entry_id",))
    return {"entry_id": _id(data, "entry_id")}


def _entry_and_reason(data, missing, extra=()):
    """`{entry_id, reason}` (and the `extra` fields, left for the caller to check): the
    reason is required, since the log keeps it with the action."""
    data = _object(data, ("entry_id", "reason", *extra), required=("entry_id", "reason"))
    reason = clean_text(data.get("reason"), "reason", MAX_REASON)
    if not reason:
        raise ValidationFailed(missing)
    return data, {"entry_id": _id(data, "entry_id"), "reason": reason}


def remove(data):
    data, checked = _entry_and_reason(data, "A reason is required to remove a participant.", ("threat",))
    threat = data.get("threat", False)
    if not isinstance(threat, bool):
        raise ValidationFailed("'threat' must be true or false.")
    return {**checked, "threat": threat}


def withdraw_card(data):
    return _entry_and_reason(data, "Say why the card is withdrawn: it is logged with it.")[1]


def warn(data):
    return _entry_and_reason(data, "Say what the disruption is: the warning is logged with it.")[1]


def reinstate(data):
    return _entry_and_reason(data, "Say why this participant is reinstated: it is logged with it.")[1]


def hide_name(data):
    return _entry_and_reason(data, "Say why the name is hidden: it is logged with it.")[1]


def timer(data):
    """`seconds` and, optionally, `allotted` (the speaker's time the chair's screen
    showed) are for `extend` only; `current_speaker`, optional, is the speaker it showed."""
    data = _object(data, ("action", "seconds", "allotted", "current_speaker"), required=("action",))
    action = data.get("action")
    if action not in TIMER_ACTIONS:
        raise ValidationFailed(f"'action' must be one of {', '.join(TIMER_ACTIONS)}.")
    seconds = _int(data, "seconds", EXTENSION_SECONDS, required=(action == "extend"))
    allotted = _int(data, "allotted", ANY_SECONDS)
    for name, value in (("seconds", seconds), ("allotted", allotted)):
        if action != "extend" and value is not None:
            raise ValidationFailed(f"'{name}' is only for 'extend'.")
    speaker = {"current_speaker": _id(data, "current_speaker")} if "current_speaker" in data else {}
    return {"action": action, "seconds": seconds, "allotted": allotted, **speaker}


def seconds(data):
    data = _object(data, ("seconds",), required=("seconds",))
    return {"seconds": _int(data, "seconds", SPEAKER_SECONDS, required=True)}
