"""A browser made of httpx: follows Coffre's and the provider's redirects by hand and
fills the provider's login and consent forms, as a professional would."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import httpx

_FORM = re.compile(r"<form[^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>", re.S | re.I)
_INPUT = re.compile(r"<input([^>]*)>", re.I)
_ATTR = re.compile(r'(\w+)="([^"]*)"')


@dataclass
class Browser:
    server: str
    agent: str
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))
    pages: list[str] = field(default_factory=list)

    def start(self, invitation: str | None = None) -> str:
        """Click "Se connecter avec ProConnect"; the provider's authorization URL."""
        url = f"{self.server}/api/v1/auth/proconnect/start"
        if invitation is None:
            response = self.client.get(url)
        else:
            # The invitation page's script posts the code, then goes where it is told.
            response = self.client.post(url, json={"invitation": invitation})
            assert response.status_code == 200, response.text
            return str(response.json()["authorization_url"])
        assert response.status_code == 303, response.text
        return response.headers["location"]

    def at_provider(self, authorization_url: str) -> str:
        """Log in and consent at the provider; the callback URL it sends us back to."""
        url = authorization_url
        for _ in range(20):
            self.pages.append(url)
            if url.startswith(self.server):
                return url
            response = self.client.get(url)
            if response.status_code in (302, 303):
                url = urljoin(url, response.headers["location"])
                continue
            assert response.status_code == 200, response.text
            url = self._submit(url, response.text)
        raise AssertionError(f"too many redirects: {self.pages}")

    def _submit(self, url: str, page: str) -> str:
        match = _FORM.search(page)
        assert match is not None, page
        action, inner = match.groups()
        fields: dict[str, str] = {}
        for attrs in _INPUT.findall(inner):
            named = dict(_ATTR.findall(attrs))
            if "name" in named:
                fields[named["name"]] = html.unescape(named.get("value", ""))
        if "login" in fields:
            fields["login"] = self.agent
            fields["password"] = "mot-de-passe-agent"  # noqa: S105 - the provider's test form
        response = self.client.post(urljoin(url, html.unescape(action)), data=fields)
        assert response.status_code in (302, 303), response.text
        return urljoin(url, response.headers["location"])

    def callback(self, url: str) -> str:
        """Follow the provider's redirect to Coffre; where Coffre sends the page."""
        response = self.client.get(url)
        assert response.status_code == 303, response.text
        return response.headers["location"]

    def through(
        self, invitation: str | None = None, tamper: Callable[[str], str] | None = None
    ) -> str:
        """Start, log in at the provider, come back: Coffre's redirect for the page."""
        authorization = self.start(invitation)
        if tamper is not None:
            authorization = tamper(authorization)
        return self.callback(self.at_provider(authorization))

    def pending(self) -> httpx.Response:
        return self.client.get(f"{self.server}/api/v1/auth/proconnect/pending")

    def complete(self, body: dict[str, str]) -> httpx.Response:
        return self.client.post(f"{self.server}/api/v1/auth/proconnect/complete", json=body)


def with_param(url: str, name: str, value: str) -> str:
    """The URL with one query parameter changed."""
    parts = urlsplit(url)
    query = [(k, value if k == name else v) for k, v in parse_qsl(parts.query)]
    return urlunsplit(parts._replace(query=urlencode(query)))
