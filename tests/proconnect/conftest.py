"""ProConnect tests: a local OpenID provider (tests/servers/oidc_provider.mjs) for the
session, and Coffre configured to use it, on a real uvicorn server and a TestClient
sharing one database."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from coffre.clock import FrozenClock
from coffre.settings import Settings
from tests.proconnect.browser import Browser
from tests.servers.app_server import serving
from tests.servers.oidc_provider import OidcProvider, running_provider
from tests.servers.ports import free_port
from tests.web.conftest import page, phone, problems  # noqa: F401 - page fixtures


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    log = tmp_path_factory.mktemp("oidc") / "oidc-provider.log"
    with running_provider(log) as provider:
        yield provider


@pytest.fixture
def forge(oidc_provider: OidcProvider) -> Iterator[OidcProvider]:
    """The provider, its forging knob put back to "none" after the test."""
    try:
        yield oidc_provider
    finally:
        oidc_provider.forge("none")


@pytest.fixture
def pc_port() -> int:
    return free_port()


@pytest.fixture
def pc_settings(settings: Settings, oidc_provider: OidcProvider, pc_port: int) -> Settings:
    return settings.model_copy(
        update={
            # Plain http on loopback: the httpx "browser" must send the cookies back.
            "cookie_secure": False,
            "proconnect_issuer": oidc_provider.issuer,
            "proconnect_client_id": oidc_provider.client_id,
            "proconnect_client_secret": oidc_provider.client_secret,
            "proconnect_redirect_uri": (
                f"http://127.0.0.1:{pc_port}/api/v1/auth/proconnect/callback"
            ),
        }
    )


@pytest.fixture
def pc_api(pc_settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    with TestClient(create_app(pc_settings, clock=clock)) as client:
        yield client


@pytest.fixture
def pc_server(pc_settings: Settings, clock: FrozenClock, pc_port: int) -> Iterator[str]:
    """Coffre with ProConnect on, on a real server at the redirect URI's port."""
    with serving(pc_settings, clock, port=pc_port) as url:
        yield url


@pytest.fixture
def browsers(pc_server: str) -> Iterator[Callable[..., Browser]]:
    """Make browsers (httpx clients with their own cookies) against ``pc_server``."""
    made: list[Browser] = []

    def make(agent: str | None = None, client: httpx.Client | None = None) -> Browser:
        browser = Browser(pc_server, agent or f"agent-{secrets.token_hex(4)}")
        if client is not None:
            browser.client = client
        made.append(browser)
        return browser

    yield make
    for browser in made:
        browser.client.close()
