"""The third-party browser libraries, vendored by ``scripts/install-js`` from the npm registry.

Their file names carry their version, so a browser can cache them for ever and a
new version is a new URL (prepaid data: libsodium alone is ~190 KB gzipped).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

VENDOR_DIR = Path(__file__).parent / "static" / "vendor"
PATTERNS = {
    "sodium": "libsodium-wrappers-sumo-*.mjs",
    "qrcode": "qrcode-generator-*.js",
    # Reading a QR code from a photo (the structure admin's certification screen).
    "jsqr": "jsqr-*.js",
    "pdflib": "pdf-lib-*.min.js",
    "fflate": "fflate-*.mjs",
    # The passphrase strength meter (passphrase-meter.js): zxcvbn-ts and its dictionaries.
    "zxcvbn_core": "zxcvbn-core-*.js",
    "zxcvbn_common": "zxcvbn-common-*.js",
    "zxcvbn_fr": "zxcvbn-fr-*.js",
    # The API docs (/docs): Swagger UI's bundle and stylesheet.
    "swagger_js": "swagger-ui-bundle-*.js",
    "swagger_css": "swagger-ui-style-*.css",
    # pdf.js (pdf-view.js, pdf-lighter.js): its module and worker; for the directories pdf.js
    # fetches from on demand (decoders, standard fonts), one file each: the page takes its
    # directory (a directory URL itself would serve nothing).
    "pdfjs": "pdfjs-main-*.min.mjs",
    "pdfjs_worker": "pdfjs-worker-*.min.mjs",
    "pdfjs_wasm": "pdfjs-wasm-*/openjpeg.wasm",
    "pdfjs_fonts": "pdfjs-fonts-*/LiberationSans-Regular.ttf",
}


class VendorMissing(RuntimeError):
    """A vendored library is missing: run scripts/install (it runs scripts/install-js)."""


@cache
def vendored_libraries() -> dict[str, str]:
    """Library name -> URL path under /static/vendor/."""
    found: dict[str, str] = {}
    for name, pattern in PATTERNS.items():
        matches = sorted(VENDOR_DIR.glob(pattern))
        if not matches:
            raise VendorMissing(f"{pattern} is missing from {VENDOR_DIR}: run scripts/install")
        found[name] = f"/static/vendor/{matches[-1].relative_to(VENDOR_DIR).as_posix()}"
    return found
