"""The web pages (Jinja2 templates and static assets), mounted by the FastAPI app.

``pages/`` parse, call the domain, render; ``templates/`` hold the HTML (French
source strings, translated through gettext catalogues in ``locale/``);
``static/`` holds the page's own scripts and styles, and ``static/vendor/`` the
browser libraries vendored from the npm registry by ``scripts/install-js``.
"""

import mimetypes
from pathlib import Path

# Python 3.11 does not know .mjs; a module script with the wrong type never runs.
mimetypes.add_type("text/javascript", ".mjs")

STATIC_DIR = Path(__file__).resolve().parent / "static"
