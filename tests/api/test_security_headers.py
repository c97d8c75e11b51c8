"""The headers every answer carries (api/security_headers.py), HSTS by setting, the API
docs served from the vault's own origin under the same CSP, and 405 answers that say
which methods the address takes."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.security_headers import CONTENT_SECURITY_POLICY
from coffre.settings import Settings

# Answers of every kind: a page, API JSON, an error, a static file, a vendored one.
ANSWERS = [
    ("GET", "/api/v1/health", 200),
    ("GET", "/api/v1/me", 401),
    ("GET", "/api/v1/nothing-here", 404),
    ("PUT", "/api/v1/documents", 405),
    ("POST", "/api/v1/auth/prelogin", 422),
    ("GET", "/static/js/http.js", 200),
    ("GET", "/docs", 200),
    ("GET", "/openapi.json", 200),
    ("GET", "/charte", 200),
]
DENIED = ["camera", "microphone", "geolocation", "payment", "usb", "serial", "display-capture"]


def _permissions(header: str) -> dict[str, str]:
    return dict(part.strip().split("=", 1) for part in header.split(","))


@pytest.mark.parametrize(("method", "path", "status"), ANSWERS)
def test_every_answer_carries_the_permissions_policy_and_the_csp(
    api: TestClient, method: str, path: str, status: int
) -> None:
    response = api.request(method, path, json={} if method != "GET" else None)
    assert response.status_code == status
    policy = _permissions(response.headers["permissions-policy"])
    for feature in DENIED:
        assert policy[feature] == "()", feature
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"


def test_only_the_persons_page_may_ask_for_the_camera_and_only_to_scan_the_trust_qr_code(
    api: TestClient,
) -> None:
    # Photographing a document goes through the file input (the phone's camera app
    # returns a file). The one script that asks for getUserMedia scans the territory's
    # QR code on the trust screen, and only the person's page (/) lets it.
    from pathlib import Path

    scripts = Path(__file__).resolve().parents[2] / "web" / "static" / "js"
    assert [p.name for p in scripts.glob("*.js") if "getUserMedia" in p.read_text()] == [
        "trust-scan.js"
    ]
    page = api.get("/")
    assert 'capture="environment"' in page.text
    policy = _permissions(page.headers["permissions-policy"])
    assert policy["camera"] == "(self)"
    for feature in DENIED:
        if feature != "camera":
            assert policy[feature] == "()", feature
    for path in ("/charte", "/charte/affiche", "/structure", "/api/v1/health"):
        assert _permissions(api.get(path).headers["permissions-policy"])["camera"] == "()"


def test_no_hsts_by_default_outside_production(api: TestClient) -> None:
    assert "strict-transport-security" not in api.get("/api/v1/health").headers


def test_hsts_follows_its_setting(settings: Settings) -> None:
    configured = settings.model_copy(update={"hsts_seconds": 600})
    with TestClient(create_app(configured)) as client:
        for path in ("/api/v1/health", "/", "/static/js/http.js", "/api/v1/nothing-here"):
            header = client.get(path).headers["strict-transport-security"]
            assert header == "max-age=600; includeSubDomains"


def test_hsts_is_on_for_a_year_in_production_unless_turned_off() -> None:
    secret = "x" * 40
    assert Settings(environment="production", secret_key=secret).hsts_max_age == 31536000
    off = Settings(environment="production", secret_key=secret, hsts_seconds=0)
    assert off.hsts_max_age == 0
    assert Settings(environment="development").hsts_max_age == 0


class _Resources(HTMLParser):
    """Every URL the page loads, and the text of every script element."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href"):
            if values.get(name):
                self.urls.append(str(values[name]))
        if tag == "script":
            self._in_script = True
            if not values.get("src") and values.get("type") != "application/json":
                self.inline_scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data)


def test_the_api_docs_load_nothing_from_elsewhere_and_run_no_inline_script(
    api: TestClient,
) -> None:
    response = api.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    page = _Resources()
    page.feed(response.text)
    assert page.inline_scripts == []
    assert any(url.startswith("/static/vendor/swagger-ui-bundle-") for url in page.urls)
    assert any(url.startswith("/static/vendor/swagger-ui-style-") for url in page.urls)
    for url in page.urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, url  # same origin, no CDN
        assert api.get(url).status_code == 200, url
    # The start-up script asks no other host either (the default validator badge does).
    script = api.get("/static/js/api-docs.js").text
    assert "validatorUrl: null" in script
    assert "http" not in script.replace("/openapi.json", "")


def test_the_schema_stays_for_partners_and_redoc_is_gone(api: TestClient) -> None:
    schema = api.get("/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Coffre"
    assert api.get("/redoc").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/api/v1/documents", "GET, POST"),
        ("POST", "/api/v1/me", "DELETE, GET"),
        ("GET", "/api/v1/auth/login", "POST"),
        ("POST", "/static/js/http.js", "GET, HEAD"),
        ("DELETE", "/docs", "GET"),
    ],
)
def test_a_405_says_which_methods_the_address_takes(
    api: TestClient, method: str, path: str, allow: str
) -> None:
    response = api.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json()["error"]["code"] == "method_not_allowed"
