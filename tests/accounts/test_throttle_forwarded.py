"""The per-address login limit counts the connection's peer, not what X-Forwarded-For says
(issue 14, item 7): uvicorn alone would believe that header from 127.0.0.1, so a local
client writing a new address in it for each attempt escaped the limit.

On a real server configured as in production (cli/server.py); per address, 10 failures
are free and the 11th attempt waits (docs/THREATS.md).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from coffre.clock import FrozenClock
from coffre.settings import Settings
from crypto import b64encode
from tests.accounts.factories import WRONG_KEY
from tests.servers.app_server import serving

FREE_PER_ADDRESS = 10


def _attempt(base: str, index: int, forwarded_for: str) -> httpx.Response:
    # A different login each time: only the address's count can refuse.
    body = {"login": f"personne-{index}", "auth_key": b64encode(WRONG_KEY)}
    headers = {"X-Forwarded-For": forwarded_for}
    return httpx.post(f"{base}/api/v1/auth/login", json=body, headers=headers, timeout=30)


def _rotating(base: str) -> list[httpx.Response]:
    """The free failures and one more, each claiming another documentation address."""
    return [_attempt(base, i, f"203.0.113.{i + 1}") for i in range(FREE_PER_ADDRESS + 1)]


def test_a_local_client_rotating_x_forwarded_for_is_counted_as_one_address(
    live_server: str, settings: Settings
) -> None:
    assert settings.forwarded_allow_ips == ""  # the default: no proxy trusted
    *free, next_one = _rotating(live_server)
    assert [response.status_code for response in free] == [401] * FREE_PER_ADDRESS
    assert next_one.status_code == 429, next_one.text
    assert next_one.json()["error"]["code"] == "too_many_attempts"


@pytest.fixture
def behind_proxy(settings: Settings, clock: FrozenClock) -> Iterator[str]:
    """The same server, told that 127.0.0.1 is its reverse proxy."""
    with serving(settings.model_copy(update={"forwarded_allow_ips": "127.0.0.1"}), clock) as url:
        yield url


def test_a_named_proxy_is_believed_so_its_clients_are_counted_apart(behind_proxy: str) -> None:
    responses = _rotating(behind_proxy)
    assert [response.status_code for response in responses] == [401] * (FREE_PER_ADDRESS + 1)
    # ...while one client behind it is still held by its own count.
    *free, next_one = [_attempt(behind_proxy, 100 + i, "198.51.100.7") for i in range(11)]
    assert [response.status_code for response in free] == [401] * FREE_PER_ADDRESS
    assert next_one.status_code == 429, next_one.text


def test_the_setting_refuses_anything_but_addresses_and_networks() -> None:
    with pytest.raises(ValueError, match="COFFRE_FORWARDED_ALLOW_IPS"):
        Settings(forwarded_allow_ips="*")
    with pytest.raises(ValueError, match="COFFRE_FORWARDED_ALLOW_IPS"):
        Settings(forwarded_allow_ips="proxy.example")
    proxies = Settings(forwarded_allow_ips=" 172.30.80.2, 10.0.0.0/8 ,::1").trusted_proxies
    assert proxies == ["172.30.80.2", "10.0.0.0/8", "::1"]
    assert Settings().trusted_proxies == []
