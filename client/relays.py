"""Relays between structures from a client (docs/NETWORK.md "Relais", SPEC §29).

The orienting professional writes the liaison note here: a fresh note key, the note
encrypted and signed (``crypto.relay_note``), the key sealed to the author and the
person. Once the relay is taken, a holder of the note key (the author, or the person)
seals it to the taker's **certified** box key (verified up to the pinned root). The
taker reads the note after checking the author's certified sign key, and may send a
return to the responsible professional and the person. The person shares the chosen
documents with the taker by an ordinary grant scoped to the relay.

Relays are plain dicts, as the API gives them (``RelayBody``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from client import consent
from client.api import CoffreClient
from client.network import trusted_keys
from crypto import AccountKeys, b64decode, b64encode
from crypto.errors import SignatureError
from crypto.relay_note import (
    Which,
    new_note_key,
    open_note,
    open_note_key,
    seal_note,
    seal_note_key,
)

Relay = dict[str, Any]


def new_relay_id() -> str:
    return consent.new_id()


def _keys_of(relay: Relay, account_id: str) -> tuple[bytes, bytes]:
    for entry in relay["keys"]:
        if entry["account_id"] == account_id:
            return b64decode(entry["box_public_key"]), b64decode(entry["sign_public_key"])
    raise KeyError(account_id)


def _certified(
    client: CoffreClient, relay: Relay, account_id: str, pinned_root: str | None
) -> tuple[bytes, bytes]:
    """A professional's (box, sign) keys: verified up to the pinned root when it is
    given (and then they must be the ones the relay names)."""
    box, sign = _keys_of(relay, account_id)
    if pinned_root is None:
        return box, sign
    certified = trusted_keys(client, account_id, pinned_root)
    if (certified.box_public, certified.sign_public) != (box, sign):
        raise SignatureError("the relay names other keys than the certified ones")
    return box, sign


def propose(
    client: CoffreClient,
    keys: AccountKeys,
    *,
    author_id: str,
    person_id: str,
    service_id: str,
    purpose: str,
    categories: Sequence[str],
    text: str,
    structure_id: str | None = None,
    relay_id: str | None = None,
) -> Relay:
    """Orient a person to a directory service, with a liaison note for the taker and
    the person. The person's box key is the one the server gives for a person the
    professional accompanies (SPEC §29.5 says what that trusts)."""
    rid = relay_id or new_relay_id()
    note_key = new_note_key()
    envelope = seal_note(
        text,
        relay_id=rid,
        which="note",
        author_id=author_id,
        author_sign_seed=keys.sign_seed,
        note_key=note_key,
    )
    person_box = b64decode(
        client.call("GET", f"/persons/{person_id}/box-key").json()["box_public_key"]
    )
    body: dict[str, Any] = {
        "id": rid,
        "person_id": person_id,
        "service_id": service_id,
        "purpose": purpose,
        "categories": list(categories),
        "note": b64encode(envelope),
        "note_keys": [
            {
                "recipient_id": author_id,
                "sealed_key": b64encode(seal_note_key(note_key, keys.box_public)),
            },
            {
                "recipient_id": person_id,
                "sealed_key": b64encode(seal_note_key(note_key, person_box)),
            },
        ],
    }
    if structure_id is not None:
        body["structure_id"] = structure_id
    relay: Relay = client.call("POST", "/relays", json=body).json()
    return relay


def get(client: CoffreClient, relay_id: str) -> Relay:
    relay: Relay = client.call("GET", f"/relays/{relay_id}").json()
    return relay


def list_relays(
    client: CoffreClient, box: str | None = None, state: str | None = None
) -> list[Relay]:
    """Every relay of the box, following the pages (``next``) to the last."""
    params = {k: v for k, v in (("box", box), ("state", state)) if v is not None}
    relays: list[Relay] = []
    while True:
        body = client.call("GET", "/relays", params=params).json()
        relays.extend(body["relays"])
        if not body.get("next"):
            return relays
        params["cursor"] = body["next"]


def _post(client: CoffreClient, path: str, body: dict[str, Any] | None = None) -> Relay:
    relay: Relay = client.call("POST", path, json=body or {}).json()
    return relay


def agree(client: CoffreClient, relay_id: str, document_ids: Sequence[str]) -> Relay:
    """The person agrees, naming their documents (one or more of each needed category)."""
    return _post(client, f"/relays/{relay_id}/agree", {"document_ids": list(document_ids)})


def refuse(client: CoffreClient, relay_id: str) -> Relay:
    return _post(client, f"/relays/{relay_id}/refuse")


def take(client: CoffreClient, relay_id: str) -> Relay:
    return _post(client, f"/relays/{relay_id}/take")


def decline(client: CoffreClient, relay_id: str, reason: str) -> Relay:
    return _post(client, f"/relays/{relay_id}/decline", {"reason": reason})


def close(client: CoffreClient, relay_id: str, reason: str | None = None) -> Relay:
    return _post(client, f"/relays/{relay_id}/close", {"reason": reason})


def _note_key(relay: Relay, which: Which, keys: AccountKeys) -> bytes:
    field = "note_key" if which == "note" else "return_key"
    sealed = relay.get(field)
    if sealed is None:
        raise LookupError(f"no {which} key for this account on this relay")
    return open_note_key(b64decode(sealed), keys.box_public, keys.box_secret)


def read_note(
    client: CoffreClient,
    keys: AccountKeys,
    relay: Relay,
    *,
    which: Which = "note",
    pinned_root: str | None = None,
) -> str:
    """Verify then open the liaison note (``note``) or the return (``return``): the
    author's sign key is certified up to ``pinned_root`` when given (SPEC §29.4)."""
    author_id = relay["orienting"]["id"] if which == "note" else relay["taken_by"]
    envelope = relay["note"] if which == "note" else relay["return_note"]
    if envelope is None:
        raise LookupError(f"this account cannot read the {which} of this relay")
    _, sign = _certified(client, relay, author_id, pinned_root)
    return open_note(
        b64decode(envelope),
        relay_id=relay["id"],
        which=which,
        author_id=author_id,
        author_sign_public=sign,
        note_key=_note_key(relay, which, keys),
    )


def give_note_to_taker(
    client: CoffreClient, keys: AccountKeys, relay: Relay, *, pinned_root: str
) -> Relay:
    """The author (or the person) seals the note key to the taker's certified box key."""
    taker = relay["taken_by"]
    if taker is None:
        raise LookupError("the relay is not taken")
    box, _ = _certified(client, relay, taker, pinned_root)
    sealed = seal_note_key(_note_key(relay, "note", keys), box)
    body = {"which": "note", "recipient_id": taker, "sealed_key": b64encode(sealed)}
    updated: Relay = client.call("PUT", f"/relays/{relay['id']}/note-keys", json=body).json()
    return updated


def send_return(
    client: CoffreClient,
    keys: AccountKeys,
    relay: Relay,
    text: str,
    *,
    author_id: str,
    pinned_root: str,
) -> Relay:
    """The taker's return, to the responsible professional (certified key) and the
    person."""
    note_key = new_note_key()
    envelope = seal_note(
        text,
        relay_id=relay["id"],
        which="return",
        author_id=author_id,
        author_sign_seed=keys.sign_seed,
        note_key=note_key,
    )
    responsible = relay["responsible"]["id"]
    responsible_box, _ = _certified(client, relay, responsible, pinned_root)
    person_box, _ = _keys_of(relay, relay["person"]["id"])
    readers = {author_id: keys.box_public, responsible: responsible_box}
    readers[relay["person"]["id"]] = person_box
    body = {
        "note": b64encode(envelope),
        "note_keys": [
            {"recipient_id": rid, "sealed_key": b64encode(seal_note_key(note_key, box))}
            for rid, box in sorted(readers.items())
        ],
    }
    return _post(client, f"/relays/{relay['id']}/return", body)


def share_with_taker(
    client: CoffreClient,
    keys: AccountKeys,
    relay: Relay,
    *,
    pinned_root: str,
    days: int,
) -> dict[str, Any]:
    """The person shares the documents chosen for the relay with the professional who
    took it: an ordinary grant (keys verified up to the root), scoped to the relay."""
    if relay["taken_by"] is None or not relay["documents"]:
        raise LookupError("the relay is not taken, or names no document")
    return consent.share(
        client,
        keys,
        person_id=relay["person"]["id"],
        professional_id=relay["taken_by"],
        pinned_root=pinned_root,
        purpose=relay["purpose"],
        document_ids=relay["documents"],
        days=days,
        relay_id=relay["id"],
    )
