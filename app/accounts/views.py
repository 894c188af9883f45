"""Sign-in and sign-out pages."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import services
from app.accounts.forms import LoginForm
from app.core.db import transaction
from app.core.time import utcnow
from app.extensions import limiter

bp = Blueprint("accounts", __name__)


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def safe_next(target):
    """Only same-site paths: never bounce a clerk to another site after sign-in.

    Browsers read a backslash as a slash, so `/\\evil.example` is as dangerous as
    `//evil.example`; control characters are refused because some clients strip them.
    """
    if not target or not target.startswith("/") or "\\" in target:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("staff.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        with transaction():
            user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            # So a copy of this session's cookie is refused once the user signs out (auth.load_user).
            session["signed_in_at"] = utcnow().timestamp()
            return redirect(safe_next(request.args.get("next")) or url_for("staff.dashboard"))
        # One message for an unknown e-mail and a wrong password: the form must
        # not tell an attacker which addresses have accounts.
        flash(_("That e-mail and password do not match an account."), "error")
        return render_template("accounts/login.html", form=form), 401
    return render_template("accounts/login.html", form=form), (422 if form.errors else 200)


@bp.post("/logout")
@login_required
def logout():
    # Recorded, so every session this account signed in before now ends with this one:
    # a copied cookie is refused (auth.load_user), and live consoles stop acting for it.
    with transaction():
        services.end_sessions(current_user._get_current_object(), now=utcnow())
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("meetings.home"))
