"""The territory admin's side of the client: admit a structure, invite its admin or the
charter officer, who adheres since when, preview and publish the charter, and the
next charter version ending an adhesion (docs/CHARTER.md, "Administration du
territoire"). Speaks HTTP only; the SIRET is checked here too (format and Luhn key,
as coffre/structures/siret.py and the page do) before anything is sent."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from client.api import CoffreClient

TOML = {"Content-Type": "text/plain; charset=utf-8"}
SHA256_HEADER = "X-Coffre-Charter-Sha256"
BASE_HEADER = "X-Coffre-Charter-Base"
LA_POSTE_SIREN = "356000000"


def normalise_siret(value: str) -> str:
    return re.sub(r"[\s.\u00a0\u202f]", "", value)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def siret_problem(value: str) -> str | None:
    """None for a valid SIRET; ``format`` or ``key`` (same rule as the server's module)."""
    digits = normalise_siret(value)
    if not re.fullmatch(r"[0-9]{14}", digits):
        return "format"
    if digits.startswith(LA_POSTE_SIREN):
        by_five = sum(int(c) for c in digits) % 5 == 0
        return None if by_five or _luhn_ok(digits) else "key"
    return None if _luhn_ok(digits) else "key"


def territory_code(client: CoffreClient) -> str:
    """The département the territory's root was made for (``GET /trust/root``)."""
    return str(client.call("GET", "/trust/root").json()["territory"])


def admit(
    client: CoffreClient, *, name: str, kind: str, address: str, siret: str | None
) -> dict[str, Any]:
    body = {
        "name": name,
        "kind": kind,
        "address": address,
        "territory": territory_code(client),
        "siret": normalise_siret(siret) if siret else None,
    }
    result: dict[str, Any] = client.call("POST", "/structures", json=body).json()
    return result


def invite_admin(
    client: CoffreClient, structure_id: str, display_name: str, profession: str
) -> dict[str, Any]:
    body = {"kind": "structure_admin", "display_name": display_name, "profession": profession}
    answer = client.call("POST", f"/structures/{structure_id}/invitations", json=body)
    result: dict[str, Any] = answer.json()
    return result


def invite_officer(client: CoffreClient, display_name: str, profession: str) -> dict[str, Any]:
    body = {"display_name": display_name, "profession": profession}
    result: dict[str, Any] = client.call("POST", "/invitations/charter-officer", json=body).json()
    return result


def adhesions(client: CoffreClient) -> dict[str, Any]:
    result: dict[str, Any] = client.call("GET", "/territory/adhesions").json()
    return result


def structures(client: CoffreClient) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = client.call("GET", "/structures").json()["structures"]
    return listed


def preview(client: CoffreClient, source: bytes) -> dict[str, Any]:
    """What publishing ``source`` would do: nothing is published."""
    result: dict[str, Any] = client.call(
        "POST", "/charters/preview", content=source, headers=TOML
    ).json()
    return result


def publish(client: CoffreClient, source: bytes, previewed: dict[str, Any]) -> dict[str, Any]:
    """Publish exactly the bytes previewed (``charter_changed`` if they or the latest
    version changed since)."""
    base = previewed["compared_with"]["version"] if previewed["compared_with"] else 0
    headers = {
        **TOML,
        SHA256_HEADER: hashlib.sha256(source).hexdigest(),
        BASE_HEADER: str(base),
    }
    if headers[SHA256_HEADER] != previewed["sha256"]:
        raise ValueError("the bytes are not the ones previewed")
    result: dict[str, Any] = client.call(
        "POST", "/charters", content=source, headers=headers
    ).json()
    return result


def end_adhesion_draft(
    client: CoffreClient, structure_id: str, until: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"structure_id": structure_id}
    if until:
        body["until"] = until
    result: dict[str, Any] = client.call("POST", "/charters/drafts/end-adhesion", json=body).json()
    return result
