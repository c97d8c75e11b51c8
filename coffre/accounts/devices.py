"""A session's device label, from the User-Agent header: "Firefox sur Android".

The label helps a person recognise a lost phone or a shared computer in their list
of sessions. It is built from a small fixed vocabulary (browser family, system
family), never from the header's free text: no version, no device model, no
language, so the label cannot carry personal data and the raw header is never
stored.
"""

from __future__ import annotations

UNKNOWN_DEVICE = "Appareil inconnu"

# Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS: tuple[tuple[str, str], ...] = (
    ("coffre-client", "Application Coffre"),
    ("edg/", "Edge"),
    ("edga/", "Edge"),
    ("edgios/", "Edge"),
    ("opr/", "Opera"),
    ("opera", "Opera"),
    ("samsungbrowser", "Samsung Internet"),
    ("firefox/", "Firefox"),
    ("fxios", "Firefox"),
    ("crios", "Chrome"),
    ("chromium", "Chromium"),
    ("chrome/", "Chrome"),
    ("safari/", "Safari"),
    ("python-httpx", "Client Python"),
    ("python-requests", "Client Python"),
    ("curl/", "curl"),
)
_SYSTEMS: tuple[tuple[str, str], ...] = (
    ("android", "Android"),
    ("iphone", "iPhone"),
    ("ipad", "iPad"),
    ("cros", "ChromeOS"),
    ("windows", "Windows"),
    ("mac os x", "macOS"),
    ("darwin", "macOS"),
    ("macintosh", "macOS"),
    ("linux", "Linux"),
)


def _first(text: str, table: tuple[tuple[str, str], ...]) -> str | None:
    for needle, name in table:
        if needle in text:
            return name
    return None


def device_label(user_agent: str | None) -> str:
    """A short, coarse label for a User-Agent ("Chrome sur Android"), or "Appareil inconnu"."""
    text = (user_agent or "")[:512].lower()
    browser = _first(text, _BROWSERS)
    system = _first(text, _SYSTEMS)
    if browser and system:
        return f"{browser} sur {system}"
    return browser or system or UNKNOWN_DEVICE
