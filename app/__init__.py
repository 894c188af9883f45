"""The Dais application factory."""
import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from app.core import secret_key
from app.core.db import tune_sqlite
from app.core.startup import check_database_url
from app.core.security import browser_origins
from app.extensions import babel, csrf, db, limiter, migrate, socketio
from app.live import wire
from config import Config, message_queue_channel


class IdBeyondDatabase(int):
    """An id no database integer can hold: 0 to every query and comparison (no row has
    it), and the number asked for in messages ("No meeting with id 99999999999")."""

    def __new__(cls, asked):
        number = super().__new__(cls, 0)
        number.asked = asked
        return number

    def __str__(self):
        return str(self.asked)

    def __format__(self, spec):
        return format(self.asked, spec)


class DatabaseIdConverter(IntegerConverter):
    """Ids beyond a database integer cannot exist: they count as 0, which no row has, so
    the view answers 404 as for any unknown id, never with a database error.

    (Refusing them at routing instead, with `max`, gives 405 for a path served by two
    rules with different methods: Werkzeug checks a rule's method before its
    converters, so the rule for the other method counts as a match.)
    """

    def to_python(self, value):
        number = super().to_python(value)
        return number if number <= 2**31 - 1 else IdBeyondDatabase(number)


def select_locale():
    from flask import has_request_context, session

    # Commands, workers and services outside a request speak the default language.
    if not has_request_context():
        return "en"
    languages = ("en", "es")
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in languages:
        session["lang"] = chosen
        return chosen
    return request.accept_languages.best_match(languages) or "en"


def create_app(config=None, **overrides):
    """Build the app from a config class (default: the environment) plus overrides."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.from_object(config or Config)
    app.config.update(overrides)
    check_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)
    app.config["SECRET_KEY"] = secret_key.choose(app.config.get("SECRET_KEY"), app.config["INSTANCE_DIR"])
    app.url_map.converters["int"] = DatabaseIdConverter

    db.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(app.config.get("MIGRATIONS_DIR", _root() / "migrations")))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config.get("REDIS_URL"),
        channel=message_queue_channel(app.config.get("SOCKETIO_CHANNEL"), app.config.get("REDIS_URL")),
        cors_allowed_origins=browser_origins(app.config["PUBLIC_BASE_URL"]),
        max_http_buffer_size=64 * 1024,
        serializer=wire.Packet,
        ping_interval=app.config["LIVE_PING_INTERVAL"],
        ping_timeout=app.config["LIVE_PING_TIMEOUT"],
    )

    from app.accounts import auth
    from app.core import security

    auth.init_app(app)
    security.init_app(app)
    _import_models()
    _register_blueprints(app)
    _register_socket_namespaces(app)
    _register_error_handlers(app)
    _register_template_helpers(app)

    from app import cli

    cli.init_app(app)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return app


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent


def _import_models():
    # Every model must be imported before migrations or create_all look at metadata.
    from app.accounts import models as _accounts  # noqa: F401
    from app.compliance import models as _compliance  # noqa: F401
    from app.live import models as _live  # noqa: F401
    from app.meetings import models as _meetings  # noqa: F401
    from app.minutes import models as _minutes  # noqa: F401
    from app.packets import models as _packets  # noqa: F401


def _register_blueprints(app):
    from app.accounts import api as accounts_api, views as accounts_views
    from app.calendar import views as calendar_views
    from app.compliance import api as compliance_api, views as compliance_views
    from app.core import health, openapi
    from app.live import views as live_views
    from app.meetings import api as meetings_api, files, staff_views, views as meetings_views
    from app.minutes import api as minutes_api, views as minutes_views
    from app.packets import views as packets_views

    for module in (accounts_views, accounts_api, meetings_views, staff_views, meetings_api, files,
                   calendar_views, live_views, minutes_api, packets_views, minutes_views,
                   compliance_views, compliance_api, health, openapi):
        app.register_blueprint(module.bp)


def _register_socket_namespaces(app):
    from app.live.sockets import register_namespace

    register_namespace(socketio, app)


def _register_error_handlers(app):
    from app.core.errors import DomainError

    def wants_json():
        return request.path.startswith("/api/")

    @app.errorhandler(DomainError)
    def domain_error(error):
        if wants_json():
            return jsonify(error.to_dict()), error.status
        return render_template("errors.html", code=error.code, message=error.message,
                               status=error.status), error.status

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = _l("The form expired or was sent from another site. Reload the page and try again.")
        if wants_json():
            return jsonify({"error": {"code": "csrf_failed", "message": str(message)}}), 400
        return render_template("errors.html", code="csrf_failed", message=message, status=400), 400

    @app.errorhandler(HTTPException)
    def http_error(error):
        codes = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type",
                 429: "rate_limited"}
        code = codes.get(error.code, "http_error")
        if wants_json():
            return jsonify({"error": {"code": code, "message": error.description}}), error.code
        return render_template("errors.html", code=code, message=error.description,
                               status=error.code), error.code


def _register_template_helpers(app):
    from app.core import display, languages, static_files

    display.init_app(app)
    languages.init_app(app)
    static_files.init_app(app)
    # Links to staff pages are shown only to those who may open them: `may(action, body_id)`.
    from flask_login import current_user

    from app.accounts.policy import can
    app.jinja_env.globals["may"] = lambda action, body_id=None: can(current_user, action, body_id)
