"""C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, and their key strings.

This module owns the text form every signature of the audit log takes:

- the **signed note** (c2sp.org/signed-note, "Format" and "Signatures"): the
  text, a blank line, then one line per signature,
  ``U+2014 U+0020 <key name> U+0020 base64(key ID (4 bytes, big-endian) || signature)``,
  with Ed25519 signatures (RFC 8032) over the text and
  ``key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4]``;
- the **verifier key** string ``<name>+<8 hex key ID>+<base64(0x01 || public key)>``
  and the signer key string ``PRIVATE+KEY+<name>+<8 hex key ID>+<base64(0x01 || seed)>``
  of Go's ``golang.org/x/mod/sumdb/note`` (which the C2SP spec was written from).

Verification follows the rules of signed-note §Signatures as Go's
``note.Open`` applies them: signatures by unknown keys are ignored; a
signature by a known key that fails rejects the whole note; a note with no
verified signature is rejected. Everything that does not parse or verify
raises ``NoteError``; arguments our own code gets wrong while *producing* a
note raise ``ValueError``. Pinned by the Go package's own test note and keys
(tests/audit/vectors/note.json). The checkpoint text inside a note is
``auditlog.checkpoint``; the format is written down in auditlog/SPEC.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import nacl.exceptions
import nacl.signing

ALG_ED25519 = 0x01
"""Signature type byte for Ed25519 (c2sp.org/signed-note, "Signature types")."""

MAX_SIGNATURES = 100
"""Signature lines accepted in one note (Go's limit; the spec asks for at least 16)."""


_SIG_PREFIX = "\u2014 "  # em dash, space
_HEX8 = re.compile(r"[0-9a-f]{8}")


class NoteError(Exception):
    """A note, checkpoint or key string that does not parse or does not verify.

    ``code`` is stable (auditlog/SPEC.md §7): ``note_invalid`` (malformed, or a known
    key's signature fails), ``note_unknown_key`` (no signature by a key the verifier
    knows: a checkpoint signed by an unknown key), ``checkpoint_origin`` (another log).
    """

    def __init__(self, message: str, code: str = "note_invalid") -> None:
        super().__init__(message)
        self.code = code


# --- text rules -----------------------------------------------------------------


def valid_name(name: str) -> bool:
    """signed-note: key names are non-empty, without Unicode spaces or '+'."""
    return (
        isinstance(name, str)
        and name != ""
        and "+" not in name
        and not any(ch.isspace() or ch < " " for ch in name)
    )


def valid_text(text: str) -> bool:
    """signed-note: valid UTF-8, no ASCII control character other than newline."""
    if any(ch < " " and ch != "\n" for ch in text):
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return False
    return True


def b64decode(text: str) -> bytes:
    """Standard padded base64 (RFC 4648 §4), canonical only; NoteError otherwise."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise NoteError("invalid base64") from exc
    if base64.b64encode(data).decode("ascii") != text:
        raise NoteError("invalid base64: non-canonical encoding")
    return data


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# --- keys -----------------------------------------------------------------------


def key_id(name: str, public_key: bytes, alg: int = ALG_ED25519) -> int:
    """SHA-256(name || 0x0A || alg || public key)[:4] as a big-endian uint32."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([alg]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


@dataclass(frozen=True)
class Verifier:
    """An Ed25519 note verifier: a key name and a 32-byte public key."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        if not valid_name(self.name):
            raise ValueError("verifier: invalid key name")
        if not isinstance(self.public_key, bytes) or len(self.public_key) != 32:
            raise ValueError("verifier: the Ed25519 public key must be 32 bytes")

    @property
    def key_id(self) -> int:
        """The 32-bit key ID of signed-note §Signatures."""
        return key_id(self.name, self.public_key)

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True when ``signature`` is this key's Ed25519 signature of ``message``."""
        if len(signature) != 64:
            return False
        try:
            nacl.signing.VerifyKey(self.public_key).verify(message, signature)
        except nacl.exceptions.BadSignatureError:
            return False
        return True

    def __str__(self) -> str:
        return format_verifier_key(self.name, self.public_key)


@dataclass(frozen=True)
class Signer:
    """An Ed25519 note signer: a key name and a 32-byte seed (never shown in repr)."""

    name: str
    seed: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not valid_name(self.name):
            raise ValueError("signer: invalid key name")
        if not isinstance(self.seed, bytes) or len(self.seed) != 32:
            raise ValueError("signer: the Ed25519 seed must be 32 bytes")

    @property
    def verifier(self) -> Verifier:
        """The matching verifier (the key to publish)."""
        public = bytes(nacl.signing.SigningKey(self.seed).verify_key)
        return Verifier(self.name, public)

    def sign(self, message: bytes) -> bytes:
        """Ed25519 signature (64 bytes) of ``message``."""
        return nacl.signing.SigningKey(self.seed).sign(message).signature


def format_verifier_key(name: str, public_key: bytes) -> str:
    """``<name>+<hex key ID>+<base64(0x01 || public key)>`` (Go note.NewEd25519VerifierKey)."""
    v = Verifier(name, public_key)
    return f"{v.name}+{v.key_id:08x}+{b64encode(bytes([ALG_ED25519]) + v.public_key)}"


def parse_verifier_key(vkey: str) -> Verifier:
    """Inverse of ``format_verifier_key``; NoteError unless name, ID and key agree."""
    parts = vkey.split("+", 2) if isinstance(vkey, str) else []
    if len(parts) != 3:
        raise NoteError("malformed verifier key")
    name, hex_id, key64 = parts
    if not valid_name(name) or _HEX8.fullmatch(hex_id) is None:
        raise NoteError("malformed verifier key")
    key = b64decode(key64)
    if len(key) != 33 or key[0] != ALG_ED25519:
        raise NoteError("verifier key: not an Ed25519 key")
    if key_id(name, key[1:]) != int(hex_id, 16):
        raise NoteError("verifier key: key ID does not match name and key")
    return Verifier(name, key[1:])


def format_signer_key(name: str, seed: bytes) -> str:
    """``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>`` (Go note.GenerateKey)."""
    s = Signer(name, seed)
    return f"PRIVATE+KEY+{s.name}+{s.verifier.key_id:08x}+{b64encode(bytes([ALG_ED25519]) + seed)}"


def parse_signer_key(skey: str) -> Signer:
    """Inverse of ``format_signer_key``; NoteError unless name, ID and seed agree.

    Error messages never contain the key string.
    """
    parts = skey.split("+", 4) if isinstance(skey, str) else []
    if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
        raise NoteError("malformed signer key")
    _, _, name, hex_id, key64 = parts
    if not valid_name(name) or _HEX8.fullmatch(hex_id) is None:
        raise NoteError("malformed signer key")
    key = b64decode(key64)
    if len(key) != 33 or key[0] != ALG_ED25519:
        raise NoteError("signer key: not an Ed25519 key")
    signer = Signer(name, key[1:])
    if signer.verifier.key_id != int(hex_id, 16):
        raise NoteError("signer key: key ID does not match name and key")
    return signer


def generate_signer(name: str) -> Signer:
    """A fresh Ed25519 signer (libsodium's randombytes for the seed)."""
    return Signer(name, bytes(nacl.signing.SigningKey.generate()))


# --- notes ----------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    """One signature line: key name, key ID, and the signature bytes (without the ID)."""

    name: str
    key_id: int
    signature: bytes


@dataclass(frozen=True)
class OpenedNote:
    """A note whose text was verified by at least one known key."""

    text: str
    verified: tuple[Signature, ...]
    unverified: tuple[Signature, ...]

    @property
    def signed_by(self) -> frozenset[str]:
        """Names of the known keys whose signatures verified."""
        return frozenset(s.name for s in self.verified)


def _check_text(text: str) -> bytes:
    if not isinstance(text, str) or not text.endswith("\n") or not valid_text(text):
        raise ValueError(
            "note text must be non-empty, end in a newline, with no control characters"
        )
    return text.encode("utf-8")


def _signature_line(signer: Signer, message: bytes) -> str:
    sig = signer.verifier.key_id.to_bytes(4, "big") + signer.sign(message)
    return f"{_SIG_PREFIX}{signer.name} {b64encode(sig)}\n"


def sign_note(text: str, name: str, signing_seed: bytes) -> str:
    """The signed note: ``text``, a blank line, one Ed25519 signature line.

    ``text`` must end in a newline and contain no control character but newline
    (ValueError otherwise).
    """
    message = _check_text(text)
    return text + "\n" + _signature_line(Signer(name, signing_seed), message)


def add_signature(note: str, name: str, signing_seed: bytes) -> str:
    """Append one more signature (a cosigner's) over the text of an existing note.

    The existing signatures are kept as they are (not verified here); a
    previous signature by the same key (name and ID) is replaced, as Go's
    ``note.Sign`` does.
    """
    text, sigs = _split_note(note)
    signer = Signer(name, signing_seed)
    own = (signer.name, signer.verifier.key_id)
    kept = "".join(line for sig, line in sigs if (sig.name, sig.key_id) != own)
    return text + "\n" + kept + _signature_line(signer, text.encode("utf-8"))


def _split_note(note: str | bytes) -> tuple[str, list[tuple[Signature, str]]]:
    """Parse a signed note into its text and its signature lines; NoteError if malformed."""
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError("malformed note: not UTF-8") from exc
    if not isinstance(note, str) or not valid_text(note):
        raise NoteError("malformed note: control characters")
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("malformed note: no blank line before the signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if not block.endswith("\n"):
        raise NoteError("malformed note: no signature, or no final newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError("malformed note: too many signatures")
    sigs: list[tuple[Signature, str]] = []
    for line in lines:
        if not line.startswith(_SIG_PREFIX):
            raise NoteError("malformed note: a signature line must start with an em dash")
        name, sep, b64 = line[len(_SIG_PREFIX) :].partition(" ")
        if not sep or not valid_name(name) or not b64:
            raise NoteError("malformed note: bad signature line")
        raw = b64decode(b64)
        if len(raw) < 5:
            raise NoteError("malformed note: signature too short")
        sig = Signature(name, int.from_bytes(raw[:4], "big"), raw[4:])
        sigs.append((sig, line + "\n"))
    return text, sigs


def open_note(note: str | bytes, verifiers: Iterable[Verifier]) -> OpenedNote:
    """Verify a signed note against known keys (c2sp.org/signed-note §Signatures).

    Signatures whose (name, key ID) is unknown are ignored (kept in
    ``unverified``); a known key's signature that fails rejects the note;
    at least one known key must have signed. Raises NoteError otherwise.
    """
    known: dict[tuple[str, int], Verifier] = {}
    for v in verifiers:
        slot = (v.name, v.key_id)
        if slot in known and known[slot] != v:
            raise NoteError(f"ambiguous key {v.name}+{v.key_id:08x}")
        known[slot] = v
    text, sigs = _split_note(note)
    message = text.encode("utf-8")
    verified: list[Signature] = []
    unverified: list[Signature] = []
    seen: set[tuple[str, int]] = set()
    for sig, _line in sigs:
        slot = (sig.name, sig.key_id)
        verifier = known.get(slot)
        if verifier is None:
            if sig not in unverified:
                unverified.append(sig)
            continue
        if slot in seen:
            continue
        seen.add(slot)
        if not verifier.verify(message, sig.signature):
            raise NoteError(f"invalid signature for key {sig.name}+{sig.key_id:08x}")
        verified.append(sig)
    if not verified:
        raise NoteError("note has no verifiable signatures", "note_unknown_key")
    return OpenedNote(text, tuple(verified), tuple(unverified))


def verify_note(note: str | bytes, verifier: Verifier) -> str:
    """The text of ``note`` if ``verifier`` signed it; NoteError otherwise."""
    return open_note(note, [verifier]).text
