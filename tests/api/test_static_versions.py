"""The page's own scripts and styles under a versioned URL, kept a year by the browser
(web/assets.py), so that a second visit costs the page and nothing else; the
unversioned URLs keep working; a version not served is a 404 nobody keeps."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.security_headers import IMMUTABLE
from coffre.settings import Settings
from web import STATIC_DIR
from web.assets import VERSION_LENGTH, static_version

PAGES = [
    "/",
    "/charte",
    "/charte/affiche",
    "/console",
    "/administration",
    "/structure",
    "/docs",
    "/guide",
]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value and value.startswith("/static/"):
                self.urls.append(value)


def _static_urls(api: TestClient, path: str) -> list[str]:
    page = api.get(path)
    assert page.status_code == 200, path
    links = _Links()
    links.feed(page.text)
    return links.urls


def _prefix(api: TestClient) -> str:
    return str(api.app.state.static_prefix)  # type: ignore[attr-defined]


def test_every_page_names_its_own_files_under_the_running_version(api: TestClient) -> None:
    prefix = _prefix(api)
    assert re.fullmatch(rf"/static/[0-9a-f]{{{VERSION_LENGTH}}}", prefix)
    seen = set()
    for path in PAGES:
        for url in _static_urls(api, path):
            assert url.startswith((prefix + "/", "/static/vendor/", "/static/strings/")), (
                path,
                url,
            )
            seen.add(url)
    assert f"{prefix}/js/app.js" in seen
    assert f"{prefix}/css/coffre.css" in seen
    for url in seen:
        response = api.get(url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == IMMUTABLE.decode(), url


def test_a_versioned_file_is_the_unversioned_one_kept_for_a_year(api: TestClient) -> None:
    versioned = api.get(f"{_prefix(api)}/js/http.js")
    plain = api.get("/static/js/http.js")

    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert plain.status_code == 200
    assert plain.headers["cache-control"] == "no-cache"  # revalidated: old pages, bookmarks
    assert versioned.content == plain.content
    assert versioned.headers["content-type"].startswith("text/javascript")


@pytest.mark.parametrize(
    "path",
    [
        "/static/0123456789abcdef/js/app.js",  # a version not served (before an upgrade)
        "{prefix}/js/nothing-here.js",
        "{prefix}/vendor/libsodium-wrappers-sumo-0.8.4.mjs",  # vendor/ has one URL only
        "{prefix}/../web/assets.py",
    ],
)
def test_what_the_version_does_not_serve_is_a_404_nobody_keeps(api: TestClient, path: str) -> None:
    response = api.get(path.format(prefix=_prefix(api)))

    assert response.status_code == 404
    assert response.headers["cache-control"] != IMMUTABLE.decode()


def test_vendored_libraries_keep_their_own_versioned_names(api: TestClient) -> None:
    sodium = next(p.name for p in (STATIC_DIR / "vendor").glob("libsodium-wrappers-sumo-*.mjs"))
    response = api.get(f"/static/vendor/{sodium}")

    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE.decode()
    missing = api.get("/static/vendor/libsodium-wrappers-sumo-0.0.0.mjs")
    assert missing.status_code == 404
    assert missing.headers["cache-control"] == "no-cache"


def test_the_version_follows_every_own_file_but_not_the_vendored_ones(tmp_path: Path) -> None:
    static = tmp_path / "static"
    shutil.copytree(STATIC_DIR / "css", static / "css")
    (static / "js").mkdir()
    (static / "js" / "app.js").write_text("export const a = 1;\n")
    (static / "vendor").mkdir()
    (static / "vendor" / "lib-1.0.0.mjs").write_text("export default 1;\n")
    first = static_version(static)

    (static / "vendor" / "lib-1.0.1.mjs").write_text("export default 2;\n")
    assert static_version(static) == first
    (static / "js" / "app.js").write_text("export const a = 2;\n")
    changed = static_version(static)
    assert changed != first
    (static / "js" / "app.js").rename(static / "js" / "main.js")  # a rename is a change too
    assert static_version(static) not in (first, changed)
    assert len(first) == VERSION_LENGTH


def test_no_module_names_another_by_an_absolute_static_url() -> None:
    # A module under /static/<version>/js/ that imported "/static/js/x.js" would load
    # the unversioned copy (revalidated each time, and a second instance of it).
    absolute = re.compile(r"""["'`]/static/(js|css)/""")
    offenders = []
    for path in sorted((STATIC_DIR / "js").rglob("*.js")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("//", 1)[0] if line.lstrip().startswith("//") else line
            if absolute.search(code):
                offenders.append(f"{path.name}:{number}")
    assert offenders == []


def _strings_url(api: TestClient, language: str = "fr") -> str:
    page = api.get("/", headers={"Accept-Language": language})
    found = re.search(r'<link rel="preload" href="(/static/strings/[^"]+)"', page.text)
    assert found, "the page preloads its texts"
    return found.group(1)


def test_the_pages_texts_are_a_file_the_browser_keeps(api: TestClient) -> None:
    url = _strings_url(api)
    texts = api.get(url)

    assert re.fullmatch(r"/static/strings/fr-[0-9a-f]{16}\.json", url)
    assert texts.status_code == 200
    assert texts.headers["content-type"].startswith("application/json")
    assert texts.headers["cache-control"] == IMMUTABLE.decode()
    assert texts.json()["network_error"]  # the script's texts, in French
    assert texts.json()["network_error"] not in api.get("/").text  # no longer in the page
    assert f'"strings": "{url}"' in api.get("/").text  # the script's configuration names it


def test_each_language_has_its_own_texts_url(api: TestClient) -> None:
    french = _strings_url(api)
    english = _strings_url(api, "en")

    assert english.startswith("/static/strings/en-")
    assert api.get(english).json()["network_error"] != api.get(french).json()["network_error"]


@pytest.mark.parametrize(
    "name",
    ["fr-0123456789abcdef.json", "xx-0123456789abcdef.json", "fr.json", "{url}x", "{url}.gz"],
)
def test_texts_of_a_version_not_served_are_a_404_nobody_keeps(api: TestClient, name: str) -> None:
    path = name.format(url=_strings_url(api))
    if not path.startswith("/"):
        path = f"/static/strings/{path}"
    response = api.get(path)

    assert response.status_code == 404
    assert response.headers["cache-control"] == "no-cache"


def test_the_page_preloads_the_modules_of_its_first_screens_and_no_other(api: TestClient) -> None:
    prefix = _prefix(api)
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)">', api.get("/").text)

    assert f"{prefix}/js/http.js" in preloaded  # imported by app.js
    assert f"{prefix}/js/transfer.js" in preloaded  # imported by what app.js imports
    assert all(url.startswith(prefix + "/js/") for url in preloaded)
    heavy = ("coffre-crypto", "consent-p", "documents", "kdf-", "proconnect", "pro-")
    assert [url for url in preloaded if any(name in url for name in heavy)] == []


def test_the_professionals_screens_are_a_file_fetched_with_their_modules(api: TestClient) -> None:
    page = api.get("/").text
    found = re.search(r'"proScreens": "(/static/screens/fr-[0-9a-f]{16}\.html)"', page)
    assert found, "the script's configuration names the professionals' screens"
    screens = api.get(found.group(1))

    assert 'data-screen="shared"' not in page  # a person's page does not carry them
    assert 'data-screen="documents"' in page
    assert screens.status_code == 200
    assert screens.headers["content-type"].startswith("text/html")
    assert screens.headers["cache-control"] == IMMUTABLE.decode()
    assert 'data-screen="shared"' in screens.text
    assert "Partagés avec moi" in screens.text
    english = re.search(
        r'"proScreens": "([^"]+)"', api.get("/", headers={"Accept-Language": "en"}).text
    )
    assert english and english.group(1) != found.group(1)
    stale = api.get("/static/screens/fr-0123456789abcdef.html")
    assert stale.status_code == 404
    assert stale.headers["cache-control"] == "no-cache"


def test_in_development_the_versioned_files_are_revalidated(settings: Settings) -> None:
    # A script edited under a running development server keeps its version's URL.
    development = settings.model_copy(update={"environment": "development"})
    with TestClient(create_app(development)) as client:
        response = client.get(f"{_prefix(client)}/js/http.js")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
