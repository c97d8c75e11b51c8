"""The page as an installed app (issue 19): the web app manifest and the service worker.

``/manifest.webmanifest`` makes the vault page installable on Android (Chromium's
criteria: a name, ``start_url``, ``display: standalone``, PNG icons of 192 and 512 px,
served over a secure context; the page links it: vault/_installed_app_head.html).
The icons are web/static/icons/coffre-<size>.png, drawn from the favicon by
scripts/make-icons.py.

``/sw.js`` is web/static/js/sw.js with one line before it: the static files' version
(a new version is a new script, so the browser installs it and the old shell cache goes)
and the notification icon's URL. It is served at the origin's root so that its scope is
the whole origin (``Service-Worker-Allowed: /`` says so explicitly); never cached
(``no-store``, api/security_headers.py), so an update is seen at once.
"""

from __future__ import annotations

import json
from functools import cache

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import STATIC_DIR

router = APIRouter(include_in_schema=False)

MANIFEST_PATH = "/manifest.webmanifest"
WORKER_PATH = "/sw.js"
ICON_SIZES = (192, 512)
# The favicon's blue (web/static/favicon.svg, --accent in coffre.css) and the page's white.
THEME_COLOUR = "#1f4fbf"
BACKGROUND_COLOUR = "#ffffff"


def _icon(prefix: str, size: int) -> str:
    return f"{prefix}/icons/coffre-{size}.png"


def manifest(static_prefix: str) -> dict[str, object]:
    """The manifest's members (https://www.w3.org/TR/appmanifest/)."""
    icons: list[dict[str, str]] = []
    for purpose in ("any", "maskable"):  # the icon's blue fills the square: both fit
        icons += [
            {
                "src": _icon(static_prefix, size),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": purpose,
            }
            for size in ICON_SIZES
        ]
    return {
        "id": "/",
        "name": "Coffre",
        "short_name": "Coffre",
        "lang": "fr",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }


@router.get(MANIFEST_PATH)
def web_app_manifest(request: Request) -> Response:
    body = json.dumps(manifest(request.app.state.static_prefix), ensure_ascii=False)
    return Response(body.encode("utf-8"), media_type="application/manifest+json")


@cache
def _worker_source() -> str:
    return (STATIC_DIR / "js" / "sw.js").read_text(encoding="utf-8")


def worker_script(static_prefix: str) -> str:
    """sw.js with its settings first (see the module's docstring)."""
    settings = {
        "version": static_prefix.rsplit("/", 1)[-1],
        "icon": _icon(static_prefix, ICON_SIZES[0]),
    }
    return f"self.coffreShell = {json.dumps(settings)};\n{_worker_source()}"


@router.get(WORKER_PATH)
def service_worker(request: Request) -> Response:
    return Response(
        worker_script(request.app.state.static_prefix).encode("utf-8"),
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/"},
    )
