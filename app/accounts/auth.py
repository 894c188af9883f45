"""Session and bearer-token authentication, wired into Flask-Login."""
from flask import g, jsonify, redirect, request, session, url_for

from app.accounts import services
from app.accounts.models import User
from app.core.errors import Unauthorized
from app.extensions import db, login_manager


def bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def _wants_json():
    return request.path.startswith("/api/")


def _login_redirect():
    # full_path ends in a bare "?" when there is no query string; keep the target tidy.
    target = request.full_path.rstrip("?") if request.method == "GET" else request.path
    return redirect(url_for("accounts.login", next=target))


def init_app(app):
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"

    @app.before_request
    def forget_the_previous_caller():
        # Flask reuses an app context that is already pushed (as tests do), and with
        # it `g`, where Flask-Login caches the user and Flask-WTF the CSRF token of
        # the previous request's session: start every request clean.
        for name in ("_login_user", "authenticated_by_token", app.config["WTF_CSRF_FIELD_NAME"]):
            g.pop(name, None)

    @login_manager.user_loader
    def load_user(user_id):
        # A request that carries a bearer token is judged by that token alone: a
        # stale or revoked token must not fall back to a browser session (which
        # would also skip the CSRF check that only cookie sessions get).
        if bearer_token() is not None:
            return None
        try:
            user = db.session.get(User, int(user_id))
        except (TypeError, ValueError):
            return None
        if user is not None and user.signed_out_at is not None \
                and session.get("signed_in_at", 0) <= user.signed_out_at.timestamp():
            return None  # a session from before the user signed out (a copied cookie)
        return user

    @login_manager.request_loader
    def load_user_from_token(req):
        token = bearer_token()
        if token is None:
            return None
        user = services.user_for_token(token)
        g.authenticated_by_token = user is not None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        if _wants_json():
            error = Unauthorized("Sign in or send a valid 'Authorization: Bearer' token.")
            return jsonify(error.to_dict()), error.status
        return _login_redirect()

    # policy.require() raises Unauthorized for anonymous callers; on an HTML page
    # the helpful answer is the sign-in form, not an error page.
    @app.errorhandler(Unauthorized)
    def unauthorized_error(error):
        if _wants_json():
            return jsonify(error.to_dict()), error.status
        return _login_redirect()
