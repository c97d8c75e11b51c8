"""The headers every response carries: caching rules, the Content-Security-Policy, the
Permissions-Policy, HSTS (when configured), no sniffing, no framing, no referrer.

One policy for every path, the API docs included (/docs serves vendored Swagger UI with
a start-up script of our own: web/pages/api_docs.py), so that no page of the vault's
origin loads anything from elsewhere or runs an inline script.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from coffre.settings import Settings

# The page runs no inline script and loads nothing from elsewhere. libsodium.js needs
# 'wasm-unsafe-eval' to compile its WebAssembly; decrypted previews are blob: URLs.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "worker-src 'self'",
        "connect-src 'self' blob:",
        "style-src 'self'",
        "img-src 'self' blob:",
        "frame-src blob:",
        "font-src 'self'",
        # The web app manifest (/manifest.webmanifest: web/pages/installed_app.py).
        "manifest-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

# No powerful feature for anyone, this origin included (but the camera on the person's
# page, below). Photographing a document goes through the file input's capture
# attribute (the phone's own camera app hands back a file), which needs no camera
# permission; fullscreen stays for the page itself (a PDF preview's own button).
PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "autoplay=()",
        "camera=()",
        "display-capture=()",
        "encrypted-media=()",
        "fullscreen=(self)",
        "geolocation=()",
        "gyroscope=()",
        "hid=()",
        "idle-detection=()",
        "magnetometer=()",
        "microphone=()",
        "midi=()",
        "payment=()",
        "picture-in-picture=()",
        "publickey-credentials-get=()",
        "screen-wake-lock=()",
        "serial=()",
        "usb=()",
        "xr-spatial-tracking=()",
    ]
)
# The person's page (/) alone may ask for the camera, for one thing: scanning the
# territory's QR code on the trust screen (web/static/js/trust-scan.js; the stream is
# read in the page and never sent). Every other page and answer keeps camera=().
CAMERA_PATHS = frozenset({"/"})
CAMERA_PERMISSIONS_POLICY = PERMISSIONS_POLICY.replace("camera=()", "camera=(self)")


def strict_transport_security(settings: Settings) -> bytes | None:
    """The HSTS header value, or None when off (``COFFRE_HSTS_SECONDS``, docs/SETTINGS.md)."""
    seconds = settings.hsts_max_age
    if seconds <= 0:
        return None
    return f"max-age={seconds}; includeSubDomains".encode()


# Kept for a year and never asked for again: a new content is a new URL (prepaid data).
IMMUTABLE = b"public, max-age=31536000, immutable"
# The public audit log (auditlog/SPEC.md §4: C2SP tlog-tiles) holds no secret and says
# itself how long each answer may be kept (a full tile for ever, a partial one a minute,
# the checkpoint revalidated): its successful answers keep their own Cache-Control.
PUBLIC_LOG_PREFIX = "/api/v1/audit/log/"


def _cache_control(path: str, status: int, static_prefix: str, *, keep: bool = True) -> bytes:
    if path.startswith("/static/"):
        versioned = path.startswith(
            ("/static/vendor/", "/static/strings/", "/static/screens/", static_prefix + "/")
        )
        # Vendored file names carry their version (web/vendor.py), the page's own files
        # and its texts the hash of their content (web/assets.py, web/page_strings.py).
        # Only what was found is kept: a 404
        # under such a URL (a version no longer served) must be asked again.
        if keep and versioned and (200 <= status < 300 or status == 304):
            return IMMUTABLE
        return b"no-cache"
    # Pages and API answers may hold decrypted-to-be data or keys: never cached.
    return b"no-store"


class SecurityHeaders:
    """Adds the headers above to every HTTP response (pages, API, static files, errors)."""

    def __init__(self, app: ASGIApp, *, settings: Settings, static_prefix: str) -> None:
        self.app = app
        self.static_prefix = static_prefix  # "/static/<version>" (web/assets.py)
        # In development a script edited under a running server keeps its version's URL:
        # revalidated there, kept a year everywhere else.
        self.keep_static = settings.environment != "development"
        fixed = [
            (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        hsts = strict_transport_security(settings)
        if hsts is not None:
            fixed.append((b"strict-transport-security", hsts))
        self._headers = fixed
        self._names = {name for name, _ in fixed} | {b"cache-control", b"permissions-policy"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        path: str = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                given = message.get("headers", [])
                headers = [h for h in given if h[0].lower() not in self._names]
                cache = _cache_control(
                    path, message["status"], self.static_prefix, keep=self.keep_static
                )
                if path.startswith(PUBLIC_LOG_PREFIX) and message["status"] in (200, 304):
                    own = [v for k, v in given if k.lower() == b"cache-control"]
                    cache = own[0] if own else cache
                headers.append((b"cache-control", cache))
                policy = CAMERA_PERMISSIONS_POLICY if path in CAMERA_PATHS else PERMISSIONS_POLICY
                headers.append((b"permissions-policy", policy.encode()))
                headers += self._headers
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
