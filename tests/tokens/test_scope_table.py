"""The route -> scope table (api/token_scopes.py) names real routes, never one that
manages the account itself, and docs/PARTNERS.md lists each with its scope."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from api.app import create_app
from api.token_scopes import SCOPES
from coffre.policy.tokens import Scope
from coffre.settings import Settings
from tests.authz.matrix import app_routes

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "/api/v1"


def test_every_listed_route_is_a_route_of_the_app() -> None:
    """A misspelt template would refuse every token on that route, silently."""
    settings = Settings(
        environment="test", secret_key=secrets.token_urlsafe(40), database_url="sqlite://"
    )
    routes = app_routes(create_app(settings))
    listed = {tuple(key.split(" ", 1)) for key in SCOPES}
    assert sorted(listed - routes) == []


def test_no_listed_route_manages_the_account_itself() -> None:
    own = re.compile(r" /api/v1/(?:tokens|sessions|auth|me(?:/|$)|totp|webhooks)")
    assert [key for key in SCOPES if own.search(key)] == []


def test_every_listed_route_is_in_the_partners_guide_with_its_scope() -> None:
    text = (ROOT / "docs/PARTNERS.md").read_text(encoding="utf-8")
    section = text[text.index("## Tokens") : text.index("### Refusals, each with its code")]
    rows = {
        Scope(scope): row
        for scope, row in re.findall(r"^\| `([a-z:]+)` \| (.+) \|$", section, re.MULTILINE)
    }
    for key, scope in SCOPES.items():
        method, template = key.split(" ", 1)
        # The guide writes the ids shorter ({id}, {doc}); compare the fixed parts.
        shape = re.sub(r"\{[a-z_]+\}", "{}", template.removeprefix(PREFIX))
        written = {
            re.sub(r"\{[a-z_]+\}", "{}", route)
            for route in re.findall(rf"`{method} ([^`]+)`", rows.get(scope, ""))
        }
        assert shape in written, f"{key} ({scope.value}) is not in docs/PARTNERS.md"
