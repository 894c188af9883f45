"""Template helpers: local-time display and the current language."""
import re
from datetime import datetime

from flask_babel import format_date, format_datetime, format_time, get_locale
from flask_babel import gettext as _

from app.core.time import to_local, utcnow


def local_time(value, tz_name, fmt="full"):
    """Format a UTC datetime in the body's timezone, with the zone abbreviation."""
    if value is None:
        return ""
    local = to_local(value, tz_name)
    if fmt == "iso":
        return local.isoformat()
    # Locale-aware date and time patterns; the zone abbreviation (PST/PDT) is added
    # explicitly because residents compare it with the clock on the wall.
    zone = local.tzname()
    return _plain_spaces(_format(local, fmt, zone))


def _plain_spaces(text):
    # CLDR puts a narrow no-break space before AM/PM; some screen readers and
    # older phone fonts stumble on it, so show an ordinary space.
    return text.replace("\u202f", " ")


def _format(local, fmt, zone):
    if fmt == "full":
        return _("%(date)s at %(time)s", date=format_date(local, "full", rebase=False),
                 time=f"{format_time(local, 'short', rebase=False)} {zone}")
    if fmt == "date":
        return format_date(local, "full", rebase=False)
    if fmt == "short":
        return (f"{format_date(local, 'medium', rebase=False)} "
                f"{format_time(local, 'short', rebase=False)} {zone}")
    if fmt == "time":
        return f"{format_time(local, 'short', rebase=False)} {zone}"
    if fmt == "clock":  # as a clock on the wall shows it: the page already names the day
        return format_time(local, "short", rebase=False)
    if fmt == "clock_seconds":
        return format_time(local, "medium", rebase=False)
    if fmt == "seconds":  # the log: a warning and the removal after it are seconds apart
        return (f"{format_date(local, 'medium', rebase=False)} "
                f"{format_time(local, 'medium', rebase=False)} {zone}")
    return format_datetime(local, fmt, rebase=False)


def moment_or_text(value, tz_name, fmt="seconds"):
    """A value that is a moment (ISO 8601 with its offset, as the log and the live state
    store them) in the body's local time (`fmt` of `local_time`: by default the date
    and the time to the second); any other text as it is."""
    if isinstance(value, str) and len(value) >= 20 and value[10:11] == "T":
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return local_time(moment, tz_name, fmt)
    return value


def has_passed(iso_moment, now=None):
    """Whether a moment given as ISO 8601 text with its offset (as the live state gives
    them) is now or earlier."""
    moment = datetime.fromisoformat(iso_moment.replace("Z", "+00:00"))
    return moment <= (now or utcnow())


def end_clock(iso_moment, tz_name):
    """When something ends (a timed comment period), as the wall clock shows it: to the
    second unless it ends on the minute. The same words before and after it ends, and the
    same second the console gives for when comment may close: "until 9:39" for 9:39:56
    would be read as up early, "until 9:40" contradicted by "ended at 9:39" a moment later."""
    moment = datetime.fromisoformat(iso_moment.replace("Z", "+00:00"))
    return local_time(moment, tz_name, "clock_seconds" if moment.second or moment.microsecond else "clock")


# A phone number as people write them: digits with spaces, dots, dashes or brackets,
# perhaps after a "+". The first one in a dial-in text is the line to call.
PHONE = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")


def dial_in_parts(text):
    """(before, number, tel, after): the dial-in text around its first phone number, with
    that number as a tel: address (digits, and a leading "+"), so a phone can call it
    with a tap; (text, "", "", "") when there is none."""
    match = PHONE.search(text or "")
    if match is None:
        return text, "", "", ""
    number = match.group(0)
    tel = ("+" if number.startswith("+") else "") + re.sub(r"\D", "", number)
    return text[:match.start()], number, f"tel:{tel}", text[match.end():]


def init_app(app):
    app.jinja_env.filters["end_clock"] = end_clock
    app.jinja_env.filters["dial_in_parts"] = dial_in_parts
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["moment_or_text"] = moment_or_text
    app.jinja_env.filters["has_passed"] = has_passed

    @app.context_processor
    def inject_locale():
        return {"current_locale": str(get_locale() or "en")}
