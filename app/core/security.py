"""The security baseline applied to every response: cookies, headers, proxies.

The CSP allows only our own scripts and styles: templates carry no inline script
or style, so an injected `<script>` or `onerror=` can never run.
"""
from urllib.parse import urlsplit

from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    # 'self' covers ws:// and wss:// to our own host (CSP Level 3), which is all
    # the Socket.IO client needs.
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

# Served files (uploaded PDFs) get a sandbox: no script, no same-origin access.
ATTACHMENT_CSP = "default-src 'none'; object-src 'none'; sandbox"

PRIVATE_PREFIXES = ("/staff", "/login")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def browser_origins(public_base_url):
    """The origins whose pages may open the live socket (a browser sends its page's
    origin, and the server refuses others). The public address's origin, without its
    path; where that is a loopback address (a local run), every loopback name for the
    same port too, since a browser at http://localhost:5000 sends that origin, not
    http://127.0.0.1:5000's."""
    parts = urlsplit(public_base_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    host = f"[{parts.hostname}]" if parts.hostname and ":" in parts.hostname else parts.hostname
    if host not in LOOPBACK_HOSTS:
        return [origin]
    port = f":{parts.port}" if parts.port else ""
    return [origin] + [f"{parts.scheme}://{name}{port}" for name in LOOPBACK_HOSTS if name != host]


def init_app(app):
    config = app.config
    served_over_https = config["PUBLIC_BASE_URL"].startswith("https://")
    # An explicit SESSION_COOKIE_SECURE (environment or override) wins; otherwise
    # the public address decides, so a local http:// run can still sign in.
    if config.get("SESSION_COOKIE_SECURE") is None:
        config["SESSION_COOKIE_SECURE"] = served_over_https
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
    if served_over_https:
        config["PREFERRED_URL_SCHEME"] = "https"
    proxies = int(config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.path.startswith(PRIVATE_PREFIXES):
            # Staff pages hold unpublished drafts: keep them out of shared caches
            # and the back-button cache of a shared computer.
            headers.setdefault("Cache-Control", "no-store")
        if config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
