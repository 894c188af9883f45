"""Template helpers: local-time display and the current language."""
from flask_babel import format_datetime, get_locale

from app.core.time import to_local


def local_time(value, tz_name, fmt="full"):
    """Format a UTC datetime in the body's timezone, with the zone abbreviation."""
    if value is None:
        return ""
    local = to_local(value, tz_name)
    if fmt == "iso":
        return local.isoformat()
    patterns = {
        "full": "EEEE, MMMM d, y 'at' h:mm a zzz",
        "date": "EEEE, MMMM d, y",
        "short": "MMM d, y h:mm a zzz",
        "time": "h:mm a zzz",
    }
    return format_datetime(local, patterns.get(fmt, fmt), rebase=False)


def init_app(app):
    app.jinja_env.filters["local_time"] = local_time

    @app.context_processor
    def inject_locale():
        return {"current_locale": str(get_locale() or "en")}
