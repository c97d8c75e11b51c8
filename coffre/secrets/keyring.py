"""The keyring: labelled server secrets with key ids, newest first (docs/THREATS.md,
"Server secrets and their rotation").

Every server key is derived here, and only here, from one entry of the ring: libsodium's
BLAKE2b (``nacl.hash.blake2b``) keyed, with a per-purpose label — the construction
libsodium's own ``crypto_kdf`` uses. Nothing is built from lower primitives:

    root(secret)       = BLAKE2b-512(secret, person="coffre-keyring")
    key(secret, label) = BLAKE2b-256(label, key=root(secret), person="coffre-derive")

Producing (a CSRF token, a sealed secret) uses the newest entry; verifying purposes
try every entry, so adding a secret in front invalidates nothing, and retiring the old
one (removing it from the ring) ends what only it could verify.

Stored secrets are sealed with SecretBox (XSalsa20-Poly1305) under a key derived from
one entry for their purpose and their row (``context``: a secret cannot be moved to
another row) and kept with that entry's key id, so ``coffre secrets rotate`` knows
what to re-seal and ``coffre secrets status`` what still needs an old entry.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from nacl.encoding import RawEncoder
from nacl.exceptions import CryptoError
from nacl.hash import blake2b
from nacl.secret import SecretBox

from coffre.errors import Unavailable

# The key id COFFRE_SECRET_KEY (the one-secret setting of earlier versions) stands for.
LEGACY_KID = "k0"
KID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,15}$")
MIN_SECRET_CHARS = 32
_ROOT_PERSON = b"coffre-keyring"
_DERIVE_PERSON = b"coffre-derive"


class SecretKeyRetired(Unavailable):
    """A stored secret is sealed under a key id no longer in the ring (or its box does
    not open under it): the server cannot use it. Says which id, never the secret."""

    code = "secret_key_retired"

    def __init__(self, kid: str) -> None:
        super().__init__(
            message_fr=(
                f"Un secret enregistré est chiffré sous la clé « {kid} », absente de "
                "COFFRE_SECRET_KEYS (ou qui ne l'ouvre pas). Remettez cette clé dans "
                "COFFRE_SECRET_KEYS, lancez « coffre secrets rotate », puis retirez-la."
            )
        )
        self.kid = kid


@dataclass(frozen=True)
class SecretKey:
    """One entry of the ring. The secret is never shown (repr) nor logged."""

    kid: str
    secret: bytes = field(repr=False)


def parse_keyring(text: str) -> list[SecretKey]:
    """``"kid:secret,kid:secret"`` (newest first) into entries; ValueError names the
    faulty entry by its position or id, never by its secret."""
    entries: list[SecretKey] = []
    for position, item in enumerate(text.split(","), start=1):
        item = item.strip()
        if not item:
            continue
        kid, sep, secret = item.partition(":")
        kid = kid.strip()
        if not sep or not KID.match(kid):
            raise ValueError(
                f"COFFRE_SECRET_KEYS: entry {position} must be 'id:secret' with an id of 1 to "
                "16 lowercase letters, digits, '_' or '-' (e.g. 'k2:...')."
            )
        if any(entry.kid == kid for entry in entries):
            raise ValueError(f"COFFRE_SECRET_KEYS: the id {kid!r} appears twice.")
        if not secret:
            raise ValueError(f"COFFRE_SECRET_KEYS: the secret of {kid!r} is empty.")
        entries.append(SecretKey(kid, secret.encode("utf-8")))
    if not entries:
        raise ValueError("COFFRE_SECRET_KEYS: no 'id:secret' entry.")
    return entries


def _root(secret: bytes) -> bytes:
    return blake2b(secret, digest_size=64, person=_ROOT_PERSON, encoder=RawEncoder)


def _derive(root: bytes, label: bytes) -> bytes:
    return blake2b(label, digest_size=32, key=root, person=_DERIVE_PERSON, encoder=RawEncoder)


class Keyring:
    """The ring, newest first; derives keys, seals and opens stored secrets."""

    def __init__(self, keys: Sequence[SecretKey]) -> None:
        if not keys:
            raise ValueError("an empty keyring")
        self._keys = tuple(keys)
        self._roots = {key.kid: _root(key.secret) for key in self._keys}

    def __repr__(self) -> str:  # ids only: a ring printed by mistake shows no secret
        return f"Keyring({', '.join(self.kids)})"

    @property
    def kids(self) -> tuple[str, ...]:
        return tuple(key.kid for key in self._keys)

    @property
    def newest(self) -> str:
        return self._keys[0].kid

    @property
    def oldest(self) -> SecretKey:
        """The last entry: what values that must stay stable are pinned to (THREATS.md)."""
        return self._keys[-1]

    def secret(self, kid: str) -> bytes | None:
        """The raw secret of ``kid`` (only for the constructions of earlier versions)."""
        return next((key.secret for key in self._keys if key.kid == kid), None)

    def derive(self, label: str, kid: str | None = None) -> bytes:
        """The 32-byte key of purpose ``label`` under ``kid`` (the newest by default)."""
        root = self._roots.get(kid or self.newest)
        if root is None:
            raise SecretKeyRetired(kid or "?")
        return _derive(root, label.encode("utf-8"))

    def derive_all(self, label: str) -> list[bytes]:
        """The key of ``label`` under every entry, newest first (verifying purposes)."""
        return [_derive(self._roots[kid], label.encode("utf-8")) for kid in self.kids]

    def _box(self, label: str, kid: str, context: bytes) -> SecretBox:
        root = self._roots.get(kid)
        if root is None:
            raise SecretKeyRetired(kid)
        purpose = _derive(root, label.encode("utf-8"))
        return SecretBox(
            blake2b(context, digest_size=32, key=purpose, person=_DERIVE_PERSON, encoder=RawEncoder)
        )

    def seal(self, label: str, context: bytes, plaintext: bytes) -> tuple[str, bytes]:
        """``plaintext`` sealed under the newest entry: (key id, box)."""
        kid = self.newest
        return kid, bytes(self._box(label, kid, context).encrypt(plaintext))

    def open(self, label: str, kid: str, context: bytes, box: bytes) -> bytes:
        """The plaintext of a box sealed under ``kid``; SecretKeyRetired when that entry
        is gone from the ring or does not open it (tampered, or another row's box)."""
        try:
            return self._box(label, kid, context).decrypt(box)
        except CryptoError:
            raise SecretKeyRetired(kid) from None
