"""Security headers, set in one place on every response (pages, API, errors, static files)."""
from __future__ import annotations

from flask import Flask, Response, current_app, request

# No inline script or style anywhere: templates use static/css and static/js only.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # Bootstrap's CSS draws its form icons as data: SVGs
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
# Static files hold nothing private and may be cached; every other answer may hold data.
CACHEABLE_ENDPOINTS = frozenset({"static", "bootstrap.static"})


def add_security_headers(response: Response) -> Response:
    """after_request: anti-framing, CSP, nosniff, referrer policy, no-store, HSTS over HTTPS."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers["Strict-Transport-Security"] = HSTS
    return response


def register_security_headers(app: Flask) -> None:
    """Add the headers to every response of `app`."""
    app.after_request(add_security_headers)
