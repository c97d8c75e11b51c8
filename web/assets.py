"""The page's own scripts and styles under a versioned URL: ``/static/<version>/js/app.js``.

``<version>`` is a hash of the content of web/static/ (vendored libraries aside),
computed once when the app is built: a browser may keep those files for a year
without asking again (``immutable``), and any change to any of them is a new URL.
Because the page's ES modules import each other by relative paths ("./http.js"),
the versioned prefix of the entry module versions its whole module graph at once;
a module must never name itself or another by an absolute ``/static/js/`` URL.

Vendored libraries stay at ``/static/vendor/<name>-<version>``: they carry their
own version (web/vendor.py), and putting them under the hash would make every
deploy of our own code download libsodium (~190 KB gzipped) again.

``/static/…`` without a version keeps working, revalidated on each use, for a page
loaded before an upgrade or a bookmark. A version that is not the running one is a
404 (never cached): after an upgrade, an old page's late import fails (the page says
the connection failed; a reload fixes it) rather than mixing two versions of the
crypto code.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from jinja2 import pass_context
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from web import STATIC_DIR

# Sub-folders of web/static/ not versioned by the hash (they version themselves).
UNVERSIONED = frozenset({"vendor"})
VERSION_LENGTH = 16  # hex digits of SHA-256: 64 bits, no collision between two builds


def static_version(static_dir: Path) -> str:
    """A hash of every file's path and content under ``static_dir``, vendor/ aside."""
    digest = hashlib.sha256()
    for path in sorted(static_dir.rglob("*")):
        relative = path.relative_to(static_dir)
        if not path.is_file() or relative.parts[0] in UNVERSIONED:
            continue
        digest.update(relative.as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:VERSION_LENGTH]


class VersionedStatic(StaticFiles):
    """web/static/ under its version, vendor/ aside (one URL for each vendored file)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        if Path(path).parts[:1] and Path(path).parts[0] in UNVERSIONED:
            raise HTTPException(status_code=404)  # as StaticFiles says a file is missing
        return await super().get_response(path, scope)


@pass_context
def static_url(context: Any, path: str) -> str:
    """Template helper: the versioned URL of ``path`` under web/static/ (``js/app.js``),
    for the app that renders the page (``app.state.static_prefix``)."""
    prefix: str = context["request"].app.state.static_prefix
    return f"{prefix}/{path.lstrip('/')}"


_STATIC_IMPORT = re.compile(r'^import\s[^;]*?from\s+"\./([a-z0-9-]+\.js)";', re.MULTILINE)


def static_imports(static_dir: Path, entry: str) -> list[str]:
    """The modules ``entry`` (``js/app.js``) imports statically, directly or not, as
    paths under web/static/ (``js/http.js``), in a stable order: the page names them in
    ``<link rel="modulepreload">`` so the browser fetches them at once, not one level of
    imports per round trip (150 ms each on the issue's mobile network)."""
    found: list[str] = []
    pending = [entry]
    while pending:
        current = pending.pop(0)
        source = (static_dir / current).read_text(encoding="utf-8")
        folder = current.rsplit("/", 1)[0]
        for name in _STATIC_IMPORT.findall(source):
            path = f"{folder}/{name}"
            if path not in found and path != entry:
                found.append(path)
                pending.append(path)
    return found


@pass_context
def module_preloads(context: Any, entry: str) -> list[str]:
    """Template helper: the versioned URLs of what ``entry`` imports statically (see
    ``static_imports``), worked out once per app."""
    state = context["request"].app.state
    known: dict[str, list[str]] | None = getattr(state, "module_preloads", None)
    if known is None:
        known = state.module_preloads = {}
    if entry not in known:
        prefix: str = state.static_prefix
        known[entry] = [f"{prefix}/{path}" for path in static_imports(STATIC_DIR, entry)]
    return known[entry]
