"""Security headers on every response, pages and errors alike."""
from urllib.parse import urlsplit

from flask import Flask, request
from flask_login import current_user

# No inline script or style anywhere: every asset is a vendored file under /static.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of an address (what a CSP source names)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def csp_with_stripe(js_url: str, api_base: str) -> str:
    """The policy for the one page that takes a card: Stripe.js may load from its origin
    (and frame its card fields there), and talk to Stripe's API; nothing else is loosened."""
    js, api = origin_of(js_url), origin_of(api_base)
    extra = {"script-src": js, "connect-src": api, "frame-src": js}
    parts = []
    for directive in CSP.split("; "):
        name = directive.split(" ", 1)[0]
        parts.append(f"{directive} {extra.pop(name)}" if name in extra else directive)
    parts += [f"{name} 'self' {origin}" for name, origin in extra.items()]
    return "; ".join(parts)


# Where Stripe's hosted onboarding lives in production (AccountLink URLs).
STRIPE_CONNECT_ORIGIN = "https://connect.stripe.com"


def csp_with_form_targets(*urls: str) -> str:
    """The policy for a page whose form ends in a redirect to another site (Stripe's hosted
    onboarding): ``form-action`` also allows those origins, nothing else is loosened."""
    origins = " ".join(dict.fromkeys(origin_of(url) for url in urls))
    return CSP.replace("form-action 'self'", f"form-action 'self' {origins}")


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        # A signed-in user's responses carry their data: no shared cache may keep them, and
        # the browser must not either (the back button after log-out on a shared computer).
        # Static files are the same for everyone and stay cacheable.
        if (request.endpoint != "static" and current_user and current_user.is_authenticated
                and "no-store" not in headers.get("Cache-Control", "")):
            headers["Cache-Control"] = "private, no-store"
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
