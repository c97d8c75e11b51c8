"""Checkpoints of the audit log: C2SP tlog-checkpoint text, signed as a C2SP signed note.

This module owns the **checkpoint** (c2sp.org/tlog-checkpoint, "Note text"): the
origin line, the tree size in decimal without leading zeroes, the base64
(RFC 4648 §4, padded) RFC 6962 root hash, optional non-empty extension lines,
each line ending in a newline; it is signed as a note (``auditlog.note``) by the
log's key, whose name SHOULD equal the origin.

Coffre's own checkpoints carry one extension line, ``Timestamp: <Unix ns>`` (the
signing time, ``timestamp_extension`` / ``checkpoint_time``), so a verifier can tell
an entry written after a checkpoint from one dated before it.

Cosignatures (C2SP tlog-cosignature) are ``auditlog.cosignature``. Everything that
does not parse or verify raises ``NoteError``; arguments our own code gets wrong
while producing a checkpoint raise ``ValueError``. auditlog/SPEC.md §3.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from auditlog.note import (
    NoteError,
    Signer,
    Verifier,
    b64decode,
    b64encode,
    open_note,
    sign_note,
    valid_name,
    valid_text,
)

MAX_TREE_SIZE = 2**64 - 1
"""The largest tree size a checkpoint may name (a uint64)."""

_DECIMAL = re.compile(r"0|[1-9][0-9]{0,19}")


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
    if not valid_name(origin):
        raise ValueError("checkpoint: origin must be non-empty, without spaces or '+'")
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_TREE_SIZE:
        raise ValueError("checkpoint: size must be an integer in [0, 2**64)")
    if not isinstance(root, bytes) or len(root) != 32:
        raise ValueError("checkpoint: root must be 32 bytes")
    for line in ext:
        if not isinstance(line, str) or not line or "\n" in line or not valid_text(line):
            raise ValueError("checkpoint: extension lines must be non-empty single lines")
    lines = [origin, str(size), b64encode(root), *ext]
    return "".join(line + "\n" for line in lines)


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse checkpoint note text (already verified); NoteError if malformed."""
    if not isinstance(text, str) or not text.endswith("\n") or not valid_text(text):
        raise NoteError("malformed checkpoint")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or any(line == "" for line in lines):
        raise NoteError("malformed checkpoint: three non-empty lines at least")
    origin, size_line, root_line, *ext = lines
    if _DECIMAL.fullmatch(size_line) is None or int(size_line) > MAX_TREE_SIZE:
        raise NoteError("malformed checkpoint: tree size")
    root = b64decode(root_line)
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
    if len(lines) > 1:
        raise NoteError("malformed checkpoint: timestamp")
    return parse_timestamp_line(lines[0])


def parse_timestamp_line(line: str) -> datetime:
    """The time of a ``Timestamp: <Unix ns>`` line; NoteError if it is not exactly one."""
    value = line[len(TIMESTAMP_PREFIX) :] if line.startswith(TIMESTAMP_PREFIX) else ""
    if _DECIMAL.fullmatch(value) is None:
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
    return verify_checkpoint_by(note, (verifier,), origin=origin)


def verify_checkpoint_by(
    note: str | bytes, verifiers: Iterable[Verifier], *, origin: str
) -> Checkpoint:
    """Verify a signed checkpoint by any of ``verifiers`` (the log's key history,
    ``auditlog.keys.follow``) for the log ``origin``; NoteError if none signed it, or
    if one of them signed it and the signature fails."""
    checkpoint = parse_checkpoint(open_note(note, verifiers).text)
    if checkpoint.origin != origin:
        raise NoteError("checkpoint: unexpected origin", "checkpoint_origin")
    return checkpoint
