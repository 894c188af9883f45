"""Session and bearer-token authentication, wired into Flask-Login."""
from flask import g, jsonify, redirect, request, url_for

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


def init_app(app):
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id):
        try:
            return db.session.get(User, int(user_id))
        except (TypeError, ValueError):
            return None

    @login_manager.request_loader
    def load_user_from_token(req):
        token = bearer_token()
        if token is None:
            return None
        g.authenticated_by_token = True
        return services.user_for_token(token)

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            error = Unauthorized("Sign in or send a valid 'Authorization: Bearer' token.")
            return jsonify(error.to_dict()), error.status
        return redirect(url_for("accounts.login", next=request.full_path))
