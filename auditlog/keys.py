"""The log key's history: rotation statements, signed notes that pass trust from a key to the next.

A log's checkpoint key can change (a new key file, a move away from a key derived from
another secret, a suspected leak). A verifier that trusts one key must be able to
follow to the next without asking anyone: the **rotation statement** (auditlog/SPEC.md
§6) is a signed note (``auditlog.note``) whose text is, each line ending in a newline::

    coffre/audit/key-rotation/v1
    <origin>
    <old verifier key>
    <new verifier key>
    Timestamp: <Unix nanoseconds>

signed by the **old** key (it vouches for the new one) and by the **new** key (it is
held by whoever made the statement). Both key names are the origin. The history is
the list of statements, oldest first; ``follow`` walks it from a key the verifier
already trusts (the first one it kept, or a key published with the charter) and
returns every key it reaches. A statement signed only by the new key, one whose old
key is not the previous statement's new key, or one for another log breaks the walk:
``NoteError`` with code ``key_rotation_invalid``.

What this proves: whoever held the old key agreed to the new one, at the stated
time. What it cannot: a thief of the old key can also sign a statement; a verifier
who sees two statements from the same old key (a fork of the key history) must stop
trusting the log (``follow`` refuses a history that names a key twice).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from auditlog.checkpoint import parse_timestamp_line, timestamp_extension
from auditlog.note import (
    NoteError,
    Signer,
    Verifier,
    add_signature,
    format_verifier_key,
    open_note,
    parse_verifier_key,
    sign_note,
)

HEADER = "coffre/audit/key-rotation/v1"
"""First line of a rotation statement (domain separation, version)."""


@dataclass(frozen=True)
class Rotation:
    """A verified rotation statement: ``old`` vouched for ``new`` at ``at``."""

    origin: str
    old: Verifier
    new: Verifier
    at: datetime
    note: str


def rotation_text(origin: str, old: Verifier, new: Verifier, at: datetime) -> str:
    """The statement's text (ValueError if the keys are not named after the origin)."""
    if old.name != origin or new.name != origin:
        raise ValueError("key rotation: both keys must be named after the origin")
    if old == new:
        raise ValueError("key rotation: the new key must differ from the old one")
    lines = [
        HEADER,
        origin,
        format_verifier_key(old.name, old.public_key),
        format_verifier_key(new.name, new.public_key),
        timestamp_extension(at),
    ]
    return "".join(line + "\n" for line in lines)


def sign_rotation(origin: str, old: Signer, new: Signer, at: datetime) -> str:
    """The rotation statement signed by the old key, then by the new one."""
    text = rotation_text(origin, old.verifier, new.verifier, at)
    note = sign_note(text, old.name, old.seed)
    return add_signature(note, new.name, new.seed)


def _invalid(message: str) -> NoteError:
    return NoteError(f"key rotation: {message}", "key_rotation_invalid")


def verify_rotation(note: str, trusted: Verifier, *, origin: str) -> Rotation:
    """The rotation ``note`` from the ``trusted`` key; NoteError (key_rotation_invalid)
    unless it is for ``origin``, names ``trusted`` as its old key and both keys signed."""
    try:
        opened = open_note(note, [trusted])
        lines = opened.text[:-1].split("\n")
        if len(lines) != 5 or lines[0] != HEADER:
            raise _invalid("not a rotation statement")
        _, named_origin, old_text, new_text, stamp = lines
        if named_origin != origin:
            raise _invalid("another log's statement")
        old, new = parse_verifier_key(old_text), parse_verifier_key(new_text)
        if old != trusted:
            raise _invalid("the old key is not the trusted one")
        if new.name != origin or new == old:
            raise _invalid("the new key must be another key named after the origin")
        open_note(note, [new])  # the new key signed too (raises if its signature fails)
        at = parse_timestamp_line(stamp)
    except NoteError as exc:
        if exc.code == "key_rotation_invalid":
            raise
        raise _invalid(str(exc)) from exc
    return Rotation(origin, old, new, at, note)


def _old_key_named(note: str) -> Verifier:
    """The old key a statement names (not verified yet: ``verify_rotation`` does)."""
    if not isinstance(note, str) or "\n\n" not in note:
        raise _invalid("not a signed note")
    lines = note[: note.rfind("\n\n")].split("\n")
    if len(lines) != 5 or lines[0] != HEADER:
        raise _invalid("not a rotation statement")
    try:
        return parse_verifier_key(lines[2])
    except NoteError as exc:
        raise _invalid(str(exc)) from exc


def follow(trusted: Verifier, statements: Sequence[str], *, origin: str) -> tuple[Verifier, ...]:
    """Every key of the log's history, oldest first, if ``trusted`` is one of them.

    ``statements``: the whole history's rotation statements, oldest first. Each must be
    signed by the key before it (which it names as its old key) and by the key after
    it, and continue the previous one; no key may come back. As every statement carries
    both keys' signatures, trusting any key of the chain — the first one kept, or the
    current one published with the charter — reaches every other. No statement: the
    trusted key alone. NoteError: ``key_rotation_invalid`` for a broken history,
    ``note_unknown_key`` when the trusted key is not in it."""
    if not statements:
        return (trusted,)
    keys: list[Verifier] = []
    for note in statements:
        old = _old_key_named(note)
        if keys and old != keys[-1]:
            raise _invalid("a statement does not continue the previous one")
        rotation = verify_rotation(note, old, origin=origin)
        if not keys:
            keys.append(rotation.old)
        if rotation.new in keys:
            raise _invalid("a key comes back in the history")
        keys.append(rotation.new)
    if trusted not in keys:
        raise NoteError("key history: the trusted key is not in it", "note_unknown_key")
    return tuple(keys)
