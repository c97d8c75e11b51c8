"""Signed checkpoints of the audit log: C2SP tlog-checkpoint inside a C2SP signed-note.

This module owns the text forms a verifier outside Coffre reads:

- the **checkpoint** (c2sp.org/tlog-checkpoint, "Note text"): the origin line,
  the tree size in decimal without leading zeroes, the base64 (RFC 4648 §4,
  padded) RFC 6962 root hash, optional non-empty extension lines, each line
  ending in a newline;
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
note or checkpoint raise ``ValueError``. Pinned by the Go package's own test
note and keys (tests/audit/vectors/note.json).

Coffre's own checkpoints carry one extension line, ``Timestamp: <Unix ns>`` (the
signing time, ``timestamp_extension`` / ``checkpoint_time``), so a verifier can tell
an entry written after a checkpoint from one dated before it.

Not here (yet): C2SP tlog-cosignature (timestamped Ed25519, type 0x04). A
charter officer can already add a plain Ed25519 signature to a checkpoint
(``add_signature``). DESIGN.md asks the person's page and the officer console to
keep the largest checkpoint seen and check ``merkle.verify_consistency`` before
accepting a newer one; neither does yet: ``coffre audit verify --checkpoint FILE``
checks the log against a checkpoint someone kept.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import nacl.exceptions
import nacl.signing

ALG_ED25519 = 0x01
"""Signature type byte for Ed25519 (c2sp.org/signed-note, "Signature types")."""

MAX_SIGNATURES = 100
"""Signature lines accepted in one note (Go's limit; the spec asks for at least 16)."""

MAX_TREE_SIZE = 2**64 - 1

_SIG_PREFIX = "\u2014 "  # em dash, space
_HEX8 = re.compile(r"[0-9a-f]{8}")
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,19}")


class NoteError(Exception):
    """A note, checkpoint or key string that does not parse or does not verify."""


# --- text rules -----------------------------------------------------------------


def _valid_name(name: str) -> bool:
    """signed-note: key names are non-empty, without Unicode spaces or '+'."""
    return (
        isinstance(name, str)
        and name != ""
        and "+" not in name
        and not any(ch.isspace() or ch < " " for ch in name)
    )


def _valid_note_chars(text: str) -> bool:
    """signed-note: valid UTF-8, no ASCII control character other than newline."""
    if any(ch < " " and ch != "\n" for ch in text):
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return False
    return True


def _b64decode(text: str) -> bytes:
    """Standard padded base64 (RFC 4648 §4), canonical only; NoteError otherwise."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise NoteError("invalid base64") from exc
    if base64.b64encode(data).decode("ascii") != text:
        raise NoteError("invalid base64: non-canonical encoding")
    return data


def _b64encode(data: bytes) -> str:
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
        if not _valid_name(self.name):
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
        if not _valid_name(self.name):
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
    return f"{v.name}+{v.key_id:08x}+{_b64encode(bytes([ALG_ED25519]) + v.public_key)}"


def parse_verifier_key(vkey: str) -> Verifier:
    """Inverse of ``format_verifier_key``; NoteError unless name, ID and key agree."""
    parts = vkey.split("+", 2) if isinstance(vkey, str) else []
    if len(parts) != 3:
        raise NoteError("malformed verifier key")
    name, hex_id, key64 = parts
    if not _valid_name(name) or _HEX8.fullmatch(hex_id) is None:
        raise NoteError("malformed verifier key")
    key = _b64decode(key64)
    if len(key) != 33 or key[0] != ALG_ED25519:
        raise NoteError("verifier key: not an Ed25519 key")
    if key_id(name, key[1:]) != int(hex_id, 16):
        raise NoteError("verifier key: key ID does not match name and key")
    return Verifier(name, key[1:])


def format_signer_key(name: str, seed: bytes) -> str:
    """``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>`` (Go note.GenerateKey)."""
    s = Signer(name, seed)
    return f"PRIVATE+KEY+{s.name}+{s.verifier.key_id:08x}+{_b64encode(bytes([ALG_ED25519]) + seed)}"


def parse_signer_key(skey: str) -> Signer:
    """Inverse of ``format_signer_key``; NoteError unless name, ID and seed agree.

    Error messages never contain the key string.
    """
    parts = skey.split("+", 4) if isinstance(skey, str) else []
    if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
        raise NoteError("malformed signer key")
    _, _, name, hex_id, key64 = parts
    if not _valid_name(name) or _HEX8.fullmatch(hex_id) is None:
        raise NoteError("malformed signer key")
    key = _b64decode(key64)
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
    if not isinstance(text, str) or not text.endswith("\n") or not _valid_note_chars(text):
        raise ValueError(
            "note text must be non-empty, end in a newline, with no control characters"
        )
    return text.encode("utf-8")


def _signature_line(signer: Signer, message: bytes) -> str:
    sig = signer.verifier.key_id.to_bytes(4, "big") + signer.sign(message)
    return f"{_SIG_PREFIX}{signer.name} {_b64encode(sig)}\n"


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
    if not isinstance(note, str) or not _valid_note_chars(note):
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
        if not sep or not _valid_name(name) or not b64:
            raise NoteError("malformed note: bad signature line")
        raw = _b64decode(b64)
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
        raise NoteError("note has no verifiable signatures")
    return OpenedNote(text, tuple(verified), tuple(unverified))


def verify_note(note: str | bytes, verifier: Verifier) -> str:
    """The text of ``note`` if ``verifier`` signed it; NoteError otherwise."""
    return open_note(note, [verifier]).text


# --- checkpoints ----------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: origin, size and RFC 6962 root, plus opaque extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()


def format_checkpoint(origin: str, size: int, root: bytes, extensions: Iterable[str] = ()) -> str:
    """The checkpoint note text of c2sp.org/tlog-checkpoint, "Note text".

    Our own origins are held to the RECOMMENDED form (no spaces, no '+'), so
    the log's key name can equal its origin. ValueError on bad arguments.
    """
    ext = tuple(extensions)
    if not _valid_name(origin):
        raise ValueError("checkpoint: origin must be non-empty, without spaces or '+'")
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_TREE_SIZE:
        raise ValueError("checkpoint: size must be an integer in [0, 2**64)")
    if not isinstance(root, bytes) or len(root) != 32:
        raise ValueError("checkpoint: root must be 32 bytes")
    for line in ext:
        if not isinstance(line, str) or not line or "\n" in line or not _valid_note_chars(line):
            raise ValueError("checkpoint: extension lines must be non-empty single lines")
    lines = [origin, str(size), _b64encode(root), *ext]
    return "".join(line + "\n" for line in lines)


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse checkpoint note text (already verified); NoteError if malformed."""
    if not isinstance(text, str) or not text.endswith("\n") or not _valid_note_chars(text):
        raise NoteError("malformed checkpoint")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or any(line == "" for line in lines):
        raise NoteError("malformed checkpoint: three non-empty lines at least")
    origin, size_line, root_line, *ext = lines
    if _DECIMAL.fullmatch(size_line) is None or int(size_line) > MAX_TREE_SIZE:
        raise NoteError("malformed checkpoint: tree size")
    root = _b64decode(root_line)
    if len(root) != 32:
        raise NoteError("malformed checkpoint: root hash is not 32 bytes")
    return Checkpoint(origin, int(size_line), root, tuple(ext))


TIMESTAMP_PREFIX = "Timestamp: "
"""Extension line carrying the signing time, in Unix nanoseconds (the form Sigstore's
Rekor puts in its checkpoints). Opaque to other verifiers (c2sp.org/tlog-checkpoint:
extension lines are ignored by clients that do not know them); ours read it to check
that no entry claims a time before a checkpoint that does not include it."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def timestamp_extension(at: datetime) -> str:
    """The ``Timestamp: <Unix ns>`` extension line for an aware datetime."""
    if at.tzinfo is None:
        raise ValueError("checkpoint: the signing time must be timezone-aware")
    return f"{TIMESTAMP_PREFIX}{(at - _EPOCH) // timedelta(microseconds=1) * 1000}"


def checkpoint_time(checkpoint: Checkpoint) -> datetime | None:
    """The signing time a checkpoint carries, None when it has none; NoteError if malformed.

    Only the first ``Timestamp:`` line counts; a second one makes the checkpoint malformed
    (two readers must not pick different times)."""
    lines = [e for e in checkpoint.extensions if e.startswith(TIMESTAMP_PREFIX)]
    if not lines:
        return None
    value = lines[0][len(TIMESTAMP_PREFIX) :]
    if len(lines) > 1 or _DECIMAL.fullmatch(value) is None:
        raise NoteError("malformed checkpoint: timestamp")
    try:
        return _EPOCH + timedelta(microseconds=int(value) // 1000)
    except OverflowError as exc:
        raise NoteError("malformed checkpoint: timestamp out of range") from exc


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    """The signed checkpoint note (the log's key name SHOULD equal the origin)."""
    text = format_checkpoint(
        checkpoint.origin, checkpoint.size, checkpoint.root, checkpoint.extensions
    )
    return sign_note(text, signer.name, signer.seed)


def verify_checkpoint(note: str | bytes, verifier: Verifier, *, origin: str) -> Checkpoint:
    """Verify a signed checkpoint by ``verifier`` for the log ``origin``; NoteError if not."""
    checkpoint = parse_checkpoint(verify_note(note, verifier))
    if checkpoint.origin != origin:
        raise NoteError("checkpoint: unexpected origin")
    return checkpoint
