"""The wheel built from a fresh clone serves the whole page (issue 14, item 5).

What the image does, without Docker: a fresh ``git clone`` of this repository's HEAD
(committed files only: what CI and the Dockerfile see), the documented build step
(``scripts/install-js``: ``npm ci`` of the runtime packages, as in the image, and the
vendored libraries; ``pybabel compile``, as ``scripts/install`` does), ``pip wheel``,
then the wheel installed with ``--no-deps`` into an empty virtual environment. Its
dependencies come from the already-installed set through a ``.pth`` file (fast, no
download), which adds their directories only: the editable install of the work tree
living there is not activated.
The server is then run from the installed package (``coffre db upgrade`` and
``coffre serve``, the Dockerfile's command) in a directory outside the repository,
on SQLite and a local object directory, and every asset the pages reference must
answer 200: the HTML's scripts, styles, icons and the vendored libraries named in the
page's configuration, then, transitively, each JavaScript module's static and
dynamic imports, workers and ``new URL(..., import.meta.url)`` files, and CSS urls.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from tests.servers.ports import free_port

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# /docs: Swagger UI, from vendored files too (the item 7).
PAGES = ("/", "/charte", "/console", "/docs")
STEP_TIMEOUT = 180


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything pointing back at the work tree or its settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("COFFRE_", "PYTHON", "VIRTUAL_ENV")) and key != "FORWARDED_ALLOW_IPS"
    }
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a fresh clone plus the documented build step."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "clone"
    _run(["git", "clone", "--quiet", str(REPO), str(source)], cwd=work)
    assert not (source / "web/static/vendor").exists()  # git-ignored: made by the build step
    # Runtime packages only, as in the image (the linters and test tools are not vendored).
    _run(["bash", "scripts/install-js"], cwd=source, env=_clean_env(npm_config_omit="dev"))
    _run([str(BIN / "pybabel"), "compile", "-d", "web/locale", "-D", "messages"], cwd=source)
    _run([str(BIN / "pybabel"), "compile", "-d", "cli/locale", "-D", "cli"], cwd=source)
    dist = work / "dist"
    # The build backend (setuptools, wheel) is in the hash-pinned lock: no index needed.
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
    _run([*pip_wheel, "--no-build-isolation", "-w", str(dist), "."], source)
    (built,) = dist.glob("coffre-*.whl")
    return built


@pytest.fixture(scope="module")
def environment(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty virtual environment holding the wheel; returns its bin/ directory."""
    venv = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=venv)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    _run([*pip, "install", "--quiet", "--no-deps", "--no-index", str(wheel)], cwd=venv)
    site = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=venv
    ).strip()
    # The dependencies already installed for the tests: their directories on sys.path,
    # after the new environment's own; .pth files inside them (the editable install of
    # the work tree) are not run, and the work tree itself is not among them.
    dependencies = [entry for entry in sys.path if Path(entry).name == "site-packages"]
    assert dependencies, sys.path
    (Path(site) / "coffre_test_dependencies.pth").write_text("\n".join(dependencies) + "\n")
    return venv / "bin"


@pytest.fixture(scope="module")
def served(environment: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``coffre serve`` from the installed package, outside the repository."""
    home = tmp_path_factory.mktemp("served")
    env = _clean_env(
        COFFRE_DATABASE_URL=f"sqlite:///{home / 'coffre.sqlite3'}",
        COFFRE_STORAGE_BACKEND="local",
        COFFRE_STORAGE_DIR=str(home / "objects"),
        # A keyring of its own: the development secret is refused unless
        # COFFRE_ENVIRONMENT=development is set explicitly (coffre/settings.py).
        COFFRE_SECRET_KEYS=f"k1:{secrets.token_urlsafe(48)}",
    )
    where = _run(
        [str(environment / "python"), "-c", "import api, web; print(api.__file__, web.__file__)"],
        cwd=home,
        env=env,
    )
    for module_file in where.split():
        assert Path(module_file).is_relative_to(environment.parent), where
    _run([str(environment / "coffre"), "db", "upgrade"], cwd=home, env=env)
    port = free_port()
    command = [str(environment / "coffre"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = home / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=home, env=env, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the installed server did not start"
            time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=20)


class _Assets(HTMLParser):
    """The files an HTML page makes the browser fetch (not the links a person follows)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "img", "source", "audio", "video") and values.get("src"):
            self.found.append(values["src"] or "")
        if tag == "link" and values.get("href"):
            rel = set((values.get("rel") or "").lower().split())
            if rel & {
                "stylesheet",
                "icon",
                "modulepreload",
                "preload",
                "manifest",
                "apple-touch-icon",
            }:
                self.found.append(values["href"] or "")


QUOTED = r"""["']([^"'\s]+)["']"""
MODULE_REFERENCES = [
    re.compile(r"\bfrom\s*" + QUOTED),  # import … from "x", export … from "x" (minified too)
    re.compile(r"\bimport\s*" + QUOTED),  # import "x"
    re.compile(r"\bimport\(\s*" + QUOTED + r"\s*\)"),
    re.compile(r"\bnew\s+(?:Shared)?Worker\(\s*" + QUOTED),
    re.compile(r"\bimportScripts\(\s*" + QUOTED),
    re.compile(r"\bnew\s+URL\(\s*" + QUOTED + r"\s*,\s*import\.meta\.url"),
]
STATIC_PATH = re.compile(r"""["'(](/static/[^"'\s)?#]+)""")
CSS_URL = re.compile(r"""url\(\s*["']?([^"')\s]+)""")


BLOCK_COMMENT = re.compile(r"""(?<![*"'\w\\])/\*[\s\S]*?\*/""")


def _without_comments(source: str) -> str:
    """Drops /* */ comments (JSDoc types name modules that are not fetched) and whole-line
    // comments (examples quoted in them). A heuristic, not a parser: "*/*" is kept."""
    source = BLOCK_COMMENT.sub(" ", source)
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("//"))


def _references(url: str, response: httpx.Response) -> set[str]:
    """Same-origin URLs of the files ``response`` (a page, a module, a style) needs."""
    path = urlsplit(url).path
    text = response.text
    found: list[str] = []
    if path.startswith("/static/vendor/") and path.endswith(".js"):
        pass  # classic scripts (UMD bundles): no imports; their text quotes code samples
    elif path.endswith((".js", ".mjs")):
        source = _without_comments(text)
        for pattern in MODULE_REFERENCES:
            found += [
                match
                for match in pattern.findall(source)
                if match.startswith(("./", "../", "/")) and not match.endswith("/")
            ]
        found += STATIC_PATH.findall(source)
    elif path.endswith(".css"):
        found += [match for match in CSS_URL.findall(text) if not match.startswith("data:")]
    elif "html" in response.headers.get("content-type", ""):
        parser = _Assets()
        parser.feed(text)
        found += parser.found
        found += STATIC_PATH.findall(text)  # e.g. the vendored libraries in the page's config
    origin = urlsplit(url)._replace(path="", query="", fragment="").geturl()
    resolved = {urljoin(url, reference).split("#")[0] for reference in found}
    return {ref for ref in resolved if ref.startswith(origin + "/")}


def test_the_wheel_from_a_fresh_clone_serves_every_page_and_asset(served: str) -> None:
    seen: dict[str, int] = {}
    queue = [served + page for page in PAGES]
    with httpx.Client(timeout=10) as client:
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            response = client.get(url)
            seen[url] = response.status_code
            if response.status_code != 200:
                continue
            if url.endswith((".js", ".mjs")):
                # A module script served with another type never runs.
                assert "javascript" in response.headers["content-type"], url
            queue += sorted(_references(url, response) - seen.keys())
    failed = {url: status for url, status in seen.items() if status != 200}
    assert not failed, failed
    assets = [url for url in seen if "/static/" in url]
    # The crawl itself is checked: the vendored libraries, a worker, the catalogues' pages.
    for expected in ("libsodium-wrappers-sumo-", "libsodium-sumo-", "kdf-worker.js", "fflate-"):
        assert any(expected in url for url in assets), (expected, sorted(assets))
    assert any(url.endswith(".svg") for url in assets), sorted(assets)


def test_the_wheel_carries_the_compiled_catalogues(served: str) -> None:
    english = httpx.get(served + "/", headers={"Accept-Language": "en"}, timeout=10)
    french = httpx.get(served + "/", headers={"Accept-Language": "fr"}, timeout=10)
    assert english.status_code == french.status_code == 200
    # Without the .mo file the English page falls back to the French source strings.
    assert "Skip to content" in english.text
    assert "Aller au contenu" in french.text


def test_the_image_builds_its_wheel_from_the_same_inputs() -> None:
    """The Dockerfile copies every package the wheel is made of and runs the same build
    step as the test above (a package added to pyproject.toml but not copied would be
    missing from the image only)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    packages = {
        pattern.rstrip("*")
        for pattern in project["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    dockerfile = (REPO / "Dockerfile").read_text()
    copied = set(re.findall(r"^COPY (\w+) \./\1$", dockerfile, flags=re.MULTILINE))
    assert packages <= copied, packages - copied
    assert "bash scripts/install-js" in dockerfile
    assert "pybabel compile -d web/locale -D messages" in dockerfile
    assert "pybabel compile -d cli/locale -D cli" in dockerfile
    assert "COPY --from=js /src/web/static/vendor ./web/static/vendor" in dockerfile
