"""Cosignatures of the audit log's checkpoints: C2SP tlog-cosignature v1 (Ed25519).

A cosignature is a second signature line on a checkpoint note, by someone who is not
the log (in Coffre: the charter officer, from the console), stating that, as of the
time it carries, this is the largest tree they have seen for the log and that it
extends every tree they saw before (c2sp.org/tlog-cosignature, "Ed25519 signed
message"). Clients that know the cosigner's key refuse a split view: a log that
shows one person a tree and the officer another cannot have both cosigned.

Byte by byte (SPEC.md "Cosignatures"):

- key ID = ``SHA-256(name || 0x0A || 0x04 || 32-byte public key)[:4]`` (signature
  type 0x04, so a cosigner key never passes for a plain note key, type 0x01);
- signed message = ``"cosignature/v1\\n" || "time " || decimal(t) || "\\n" ||
  checkpoint body`` (the whole note text, extension lines included, final newline
  included, signature lines excluded; ``t`` in POSIX seconds, no leading zeroes);
- signature line = ``U+2014 U+0020 <name> U+0020 base64(key ID (4) || t (8 bytes,
  big-endian) || Ed25519 signature (64))`` (the ``timestamped_signature`` struct);
- verifier key string ``<name>+<8 hex key ID>+<base64(0x04 || public key)>``
  (c2sp.org/signed-note "vkeys", with signature type 0x04).

Coffre's cosigner key (``derive_cosigner_seed``): the officer's own key, derived one-way
from their account's signing seed (crypto/SPEC.md §6) under the label
``coffre/audit/cosigner/v1`` with keyed BLAKE2b-256. It is a distinct Ed25519 key, as the
spec requires of each cosigner (the v1 message does not commit to the name), and a
cosignature can never be replayed as one of the account's other signatures; yet
nothing new has to be sealed or kept: whoever opens the keyring (the passphrase, the
recovery code) gets the same cosigner key back.

Everything that does not parse or verify raises ``CosignatureError``; arguments our
own code gets wrong while *producing* a cosignature raise ``ValueError``. Imports
nothing of Coffre's server (like ``crypto/``): the client, ``coffre-verify`` and a
third party use this same code.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import nacl.encoding
import nacl.exceptions
import nacl.hash
import nacl.signing

ALG_COSIGNATURE_V1 = 0x04
"""Signature type byte of an Ed25519 cosignature v1 (c2sp.org/tlog-cosignature)."""

HEADER = "cosignature/v1"
"""First line of the signed message (domain separation)."""

TIMESTAMP_MAX = 2**63 - 1
"""The spec's bound on a cosignature's time."""

COSIGNER_SEED_LABEL = b"coffre/audit/cosigner/v1"
"""Label of the cosigner seed's derivation from an account's signing seed."""

SIGNATURE_BYTES = 4 + 8 + 64
"""Key ID, timestamp, Ed25519 signature."""

_SIG_PREFIX = "\u2014 "  # em dash, space (c2sp.org/signed-note)
_HEX8 = re.compile(r"[0-9a-f]{8}")


class CosignatureError(Exception):
    """A cosignature, cosigner key or signed message that does not parse or verify.

    ``code``: ``cosignature_malformed`` (does not parse), ``cosignature_invalid`` (parses,
    names a known key, and does not verify)."""

    def __init__(self, message: str, code: str = "cosignature_malformed") -> None:
        super().__init__(message)
        self.code = code


def _valid_name(name: object) -> bool:
    """signed-note: key names are non-empty, without Unicode spaces or '+'."""
    return (
        isinstance(name, str)
        and name != ""
        and "+" not in name
        and not any(ch.isspace() or ch < " " for ch in name)
    )


def _b64decode(text: str) -> bytes:
    """Standard padded base64, canonical only; CosignatureError otherwise."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise CosignatureError("invalid base64") from exc
    if base64.b64encode(data).decode("ascii") != text:
        raise CosignatureError("invalid base64: non-canonical encoding")
    return data


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _check_body(body: str) -> bytes:
    """A checkpoint note body: ends in a newline, no control character but newline,
    no blank line (it would end the text of the note)."""
    if (
        not isinstance(body, str)
        or not body.endswith("\n")
        or "\n\n" in body
        or any(ch < " " and ch != "\n" for ch in body)
    ):
        raise CosignatureError("checkpoint body: lines ending in a newline, no blank line")
    try:
        return body.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CosignatureError("checkpoint body: not UTF-8") from exc


def _check_timestamp(timestamp: int) -> int:
    if isinstance(timestamp, bool) or not isinstance(timestamp, int):
        raise CosignatureError("cosignature: the time must be an integer")
    if not 0 <= timestamp <= TIMESTAMP_MAX:
        raise CosignatureError("cosignature: the time is out of range")
    return timestamp


def key_id(name: str, public_key: bytes) -> int:
    """``SHA-256(name || 0x0A || 0x04 || public key)[:4]`` as a big-endian uint32."""
    data = name.encode("utf-8") + b"\n" + bytes([ALG_COSIGNATURE_V1]) + public_key
    return int.from_bytes(hashlib.sha256(data).digest()[:4], "big")


def signed_message(body: str, timestamp: int) -> bytes:
    """What a cosigner signs: the header line, the time line, the checkpoint body."""
    text = _check_body(body)
    t = _check_timestamp(timestamp)
    return f"{HEADER}\ntime {t}\n".encode("ascii") + text


@dataclass(frozen=True)
class Cosignature:
    """One cosignature line, parsed (not verified): name, key ID, time, signature."""

    name: str
    key_id: int
    timestamp: int
    signature: bytes

    @property
    def line(self) -> str:
        """The note signature line (with its final newline)."""
        raw = self.key_id.to_bytes(4, "big") + self.timestamp.to_bytes(8, "big") + self.signature
        return f"{_SIG_PREFIX}{self.name} {_b64encode(raw)}\n"


@dataclass(frozen=True)
class CosignerKey:
    """A cosigner's public key: its name and the 32-byte Ed25519 public key."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        if not _valid_name(self.name):
            raise CosignatureError("cosigner key: invalid name")
        if not isinstance(self.public_key, bytes) or len(self.public_key) != 32:
            raise CosignatureError("cosigner key: the Ed25519 public key must be 32 bytes")

    @property
    def key_id(self) -> int:
        return key_id(self.name, self.public_key)

    @property
    def vkey(self) -> str:
        """``<name>+<hex key ID>+<base64(0x04 || public key)>``."""
        key = _b64encode(bytes([ALG_COSIGNATURE_V1]) + self.public_key)
        return f"{self.name}+{self.key_id:08x}+{key}"

    def matches(self, cosignature: Cosignature) -> bool:
        """True when the line names this key (name and key ID): else it is someone else's."""
        return cosignature.name == self.name and cosignature.key_id == self.key_id

    def verify(self, body: str, cosignature: Cosignature) -> int:
        """The cosignature's time if this key cosigned ``body`` then; CosignatureError if not."""
        if not self.matches(cosignature):
            raise CosignatureError("cosignature: another cosigner's line", "cosignature_invalid")
        message = signed_message(body, cosignature.timestamp)
        try:
            nacl.signing.VerifyKey(self.public_key).verify(message, cosignature.signature)
        except (nacl.exceptions.BadSignatureError, ValueError) as exc:
            raise CosignatureError(
                "cosignature: the signature does not verify", "cosignature_invalid"
            ) from exc
        return cosignature.timestamp

    def __str__(self) -> str:
        return self.vkey


@dataclass(frozen=True)
class Cosigner:
    """A cosigner's private side: its name and 32-byte Ed25519 seed (never in repr)."""

    name: str
    seed: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not _valid_name(self.name):
            raise ValueError("cosigner: invalid name")
        if not isinstance(self.seed, bytes) or len(self.seed) != 32:
            raise ValueError("cosigner: the Ed25519 seed must be 32 bytes")

    @property
    def key(self) -> CosignerKey:
        public = bytes(nacl.signing.SigningKey(self.seed).verify_key)
        return CosignerKey(self.name, public)

    def cosign(self, body: str, timestamp: int) -> Cosignature:
        """Cosign the checkpoint ``body`` at ``timestamp`` (POSIX seconds)."""
        message = signed_message(body, timestamp)
        signature = nacl.signing.SigningKey(self.seed).sign(message).signature
        return Cosignature(self.name, self.key.key_id, timestamp, signature)


def derive_cosigner_seed(sign_seed: bytes) -> bytes:
    """Coffre's cosigner seed from an account's Ed25519 signing seed (module docstring)."""
    if not isinstance(sign_seed, bytes) or len(sign_seed) != 32:
        raise ValueError("cosigner: the signing seed must be 32 bytes")
    return nacl.hash.blake2b(
        COSIGNER_SEED_LABEL, key=sign_seed, digest_size=32, encoder=nacl.encoding.RawEncoder
    )


def parse_cosigner_key(vkey: str) -> CosignerKey:
    """Inverse of ``CosignerKey.vkey``; CosignatureError unless name, ID and key agree."""
    parts = vkey.split("+", 2) if isinstance(vkey, str) else []
    if len(parts) != 3:
        raise CosignatureError("malformed cosigner key")
    name, hex_id, key64 = parts
    if not _valid_name(name) or _HEX8.fullmatch(hex_id) is None:
        raise CosignatureError("malformed cosigner key")
    raw = _b64decode(key64)
    if len(raw) != 33 or raw[0] != ALG_COSIGNATURE_V1:
        raise CosignatureError("cosigner key: not an Ed25519 cosignature v1 key")
    key = CosignerKey(name, raw[1:])
    if key.key_id != int(hex_id, 16):
        raise CosignatureError("cosigner key: key ID does not match name and key")
    return key


def parse_line(line: str) -> Cosignature:
    """One signature line (with or without its newline) read as a v1 cosignature.

    CosignatureError when it is not a note signature line or its signature is not
    76 bytes (a plain note signature of the log, for instance, is 68)."""
    if not isinstance(line, str):
        raise CosignatureError("cosignature: not text")
    text = line[:-1] if line.endswith("\n") else line
    if "\n" in text or not text.startswith(_SIG_PREFIX):
        raise CosignatureError("cosignature: not a signature line")
    name, sep, b64 = text[len(_SIG_PREFIX) :].partition(" ")
    if not sep or not _valid_name(name) or not b64:
        raise CosignatureError("cosignature: bad signature line")
    raw = _b64decode(b64)
    if len(raw) != SIGNATURE_BYTES:
        raise CosignatureError("cosignature: not a timestamped Ed25519 signature")
    timestamp = _check_timestamp(int.from_bytes(raw[4:12], "big"))
    return Cosignature(name, int.from_bytes(raw[:4], "big"), timestamp, raw[12:])


def split_note(note: str) -> tuple[str, list[str]]:
    """A signed note's body (the text up to its blank line) and its signature lines."""
    if not isinstance(note, str):
        raise CosignatureError("note: not text")
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise CosignatureError("note: no blank line before the signatures")
    body, block = note[: cut + 1], note[cut + 2 :]
    return body, [line + "\n" for line in block[:-1].split("\n")]


def verify_cosignatures(note: str, keys: Iterable[CosignerKey]) -> dict[str, int]:
    """The known cosigners whose cosignature of ``note``'s body verifies: name -> time.

    As signed-note asks: lines of unknown keys are ignored; a line naming a known key
    (name and key ID) that does not verify rejects the whole note (CosignatureError).
    """
    body, lines = split_note(note)
    known = {(k.name, k.key_id): k for k in keys}
    found: dict[str, int] = {}
    for line in lines:
        try:
            cosignature = parse_line(line)
        except CosignatureError:
            continue  # the log's own signature, or another kind of line
        key = known.get((cosignature.name, cosignature.key_id))
        if key is None:
            continue
        found[key.name] = max(found.get(key.name, 0), key.verify(body, cosignature))
    return found


def add_cosignature(note: str, cosignature: Cosignature) -> str:
    """``note`` with ``cosignature``'s line appended; an older line by the same key
    (name and key ID) is replaced."""
    body, lines = split_note(note)
    kept = []
    for line in lines:
        try:
            other = parse_line(line)
        except CosignatureError:
            kept.append(line)
            continue
        if (other.name, other.key_id) != (cosignature.name, cosignature.key_id):
            kept.append(line)
    return body + "\n" + "".join(kept) + cosignature.line
