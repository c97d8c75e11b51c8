"""The client's side of certificates with a life (crypto/SPEC.md §26, §26.5).

One check before anything is sealed to a professional (``client.network.trusted_keys``
calls ``verify_v2_chain`` for v2 certificates): the territory's root in force,
reached from the pinned root through signed rotations; the root-signed revocation
list, never older than one this client already saw; each certificate of the chain
valid now and not revoked.

What the client keeps between checks (per server and pin, in memory; the CLI keeps it
in its state file): the highest revocation-list sequence and rotation sequence seen,
and the pin of the root in force after a rotation. ``TrustMemory`` holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary

from client.api import CoffreClient
from crypto import b64decode
from crypto.certificates_v2 import CertifiedKeysV2, verify_chain_v2
from crypto.errors import CryptoError, SignatureError, StaleError
from crypto.pins import matches_pin
from crypto.root_rotation import RotatedRoot, follow_root_rotations
from crypto.statements_v2 import envelope_signer

UNCHAINED_FR = (
    "Attention : la clé de confiance que présente le serveur n'est pas signée par celle "
    "que vous avez vérifiée. Ne confiez rien et prévenez l'administration du territoire."
)
ROTATED_FR = "Le coffre a changé de clé de confiance, signée par l'ancienne."
NOT_LIVE_FR = (
    "Rien n'a été partagé : la clé de ce professionnel n'est plus certifiée (certificat "
    "expiré ou révoqué), ou la liste de révocation du territoire n'est pas à jour. "
    "Demandez-lui de faire renouveler son certificat par l'administrateur de sa structure ; "
    "si cela continue, prévenez l'administration du territoire."
)
NO_LIST_FR = (
    "Rien n'a été partagé : le territoire n'a pas encore publié de liste de révocation. "
    "Prévenez l'administration du territoire, puis réessayez."
)


class RootNotTrusted(SignatureError):
    """The root or the list cannot be trusted; the message (French) is for the person."""


class CertificateNotLive(StaleError):
    """A certificate ended or revoked, or a list out of date (SPEC §26.4); the message
    (French) is for the person. Still a StaleError for the callers that catch it."""


@dataclass
class TrustMemory:
    """What one client remembers of one territory's trust (see the module's doc)."""

    pin: str
    min_sequence: int = 1
    min_rotation: int = 0
    notices: list[str] = field(default_factory=list)
    # The time checks are made at (None: this machine's clock).
    clock: Callable[[], datetime] | None = None

    def now(self) -> datetime:
        return self.clock() if self.clock is not None else datetime.now(UTC)


_MEMORY: WeakKeyDictionary[CoffreClient, dict[str, TrustMemory]] = WeakKeyDictionary()


def memory_for(client: CoffreClient, pin: str) -> TrustMemory:
    """This client's memory for the pin it was given (kept as long as the client)."""
    memories = _MEMORY.setdefault(client, {})
    if pin not in memories:
        memories[pin] = TrustMemory(pin=pin)
    return memories[pin]


def is_v2_chain(certificates: object) -> bool:
    if not isinstance(certificates, list) or not certificates:
        return False
    first = certificates[0]
    statement = first.get("statement") if isinstance(first, dict) else None
    return isinstance(statement, dict) and statement.get("v") == 2


def _is_pinned(envelope: object, pin: str) -> bool:
    try:
        return matches_pin(envelope_signer(envelope), pin)
    except CryptoError:  # a malformed root is not the pinned one
        return False


def root_in_force(
    client: CoffreClient, memory: TrustMemory, now: datetime | None = None
) -> RotatedRoot:
    """The territory's v2 root in force, reached from the pinned one through its
    rotations (SPEC §26.5). A root the pinned one does not lead to: SignatureError
    with a clear French message (the pin is kept, nothing is sealed)."""
    chain = client.call("GET", "/trust/root/v2").json()
    candidates = [chain["first"]] + [link["root"] for link in chain["links"]]
    pinned = next((e for e in candidates if _is_pinned(e, memory.pin)), None)
    if pinned is None:
        raise RootNotTrusted(UNCHAINED_FR)
    try:
        rotated = follow_root_rotations(
            pin=memory.pin,
            root=pinned,
            links=chain["links"],
            now=now or memory.now(),
            min_rotation=memory.min_rotation,
        )
    except SignatureError as exc:
        raise RootNotTrusted(UNCHAINED_FR) from exc
    if rotated.changed:
        memory.pin = rotated.pin
        memory.notices.append(ROTATED_FR)
    memory.min_rotation = max(memory.min_rotation, rotated.sequence)
    return rotated


def verify_v2_chain(
    client: CoffreClient,
    account_id: str,
    keys: dict[str, Any],
    memory: TrustMemory,
    now: datetime | None = None,
) -> CertifiedKeysV2:
    """SPEC §26.4 on what the server serves, with this client's memory: the chain of
    ``keys`` (GET /professionals/{id}/keys) under the root in force and the list.
    SignatureError / StaleError (expired, revoked, stale list) / InvalidInputError."""
    moment = now or memory.now()
    root = root_in_force(client, memory, moment)
    listing = client.call("GET", "/trust/revocations").json()
    if listing["list"] is None:
        raise RootNotTrusted(NO_LIST_FR)
    try:
        certified = verify_chain_v2(
            account_id=account_id,
            box_public=b64decode(keys["box_public_key"]),
            sign_public=b64decode(keys["sign_public_key"]),
            certificates=keys["certificates"],
            root=root.root,
            pin=root.pin,
            revocation_list=listing["list"],
            now=moment,
            min_sequence=memory.min_sequence,
        )
    except StaleError as exc:
        raise CertificateNotLive(NOT_LIVE_FR) from exc
    memory.min_sequence = max(memory.min_sequence, certified.revocation_sequence)
    return certified
