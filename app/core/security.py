"""The security baseline applied to every response: cookies, headers, proxies.

The CSP allows only our own scripts and styles: templates carry no inline script
or style, so an injected `<script>` or `onerror=` can never run.
"""
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
