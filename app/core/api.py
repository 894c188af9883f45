"""Helpers shared by every feature's JSON API blueprint (all under /api/v1)."""
from flask import Blueprint, g, request
from flask_login import current_user

from app.accounts.auth import bearer_token
from app.core.errors import BadRequest, Unauthorized, ValidationFailed
from app.extensions import csrf

API_PREFIX = "/api/v1"


def make_api_blueprint(name, import_name):
    """A JSON blueprint: CSRF applies to cookie sessions only, never to bearer tokens."""
    bp = Blueprint(name, import_name, url_prefix=API_PREFIX)
    csrf.exempt(bp)

    @bp.before_request
    def protect_cookie_sessions():
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and bearer_token() is None:
            if current_user.is_authenticated:
                csrf.protect()

    return bp


def json_body(required=True):
    """The request's JSON object, or a clear 400/422 when it is missing or malformed."""
    if not request.data and not required:
        return {}
    if not request.is_json:
        raise BadRequest("Send a JSON body with 'Content-Type: application/json'.")
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser goes: malformed for any purpose here
        data = None
    if data is None:
        raise BadRequest("The request body is not valid JSON.")
    if not isinstance(data, dict):
        raise ValidationFailed("The JSON body must be an object.")
    return data


def api_user():
    """The authenticated staff user, or Unauthorized."""
    if not current_user.is_authenticated:
        if bearer_token() is not None:
            raise Unauthorized("The API token is not valid.")
        raise Unauthorized("Sign in or send a valid 'Authorization: Bearer' token.")
    return current_user._get_current_object()


def via_token():
    return bool(g.get("authenticated_by_token"))
