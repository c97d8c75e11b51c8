"""The checkpoint key: its file, its history in the database, and its rotation
(auditlog/SPEC.md §6; docs/AUDIT.md, "The checkpoint key").

The log signs with its own Ed25519 key, read from ``COFFRE_AUDIT_KEY_FILE`` (the Go
signer key string ``PRIVATE+KEY+<origin>+<key ID>+<base64>``, ``auditlog.note``).
Development and test make one there when it is absent; production refuses to start
without it. It is never derived from another secret.

``audit_keys`` keeps the history, oldest first: the first key, then each later key
with its rotation statement signed by the key before it and by itself
(``auditlog.keys``). ``ensure_history`` writes it the first time the log signs:

- a new deployment: the key file's key, alone;
- a deployment from before this version, whose checkpoints were signed by the key
  Coffre derived from ``COFFRE_SECRET_KEY`` (BLAKE2b-256 keyed by the secret over
  ``coffre/audit/checkpoint-key/v1``): that derived key first, then the key file's
  key with the statement the derived key signs — so whoever kept the old key follows
  to the new one. The derived key is used for nothing else, ever again.

A key file that is not in the history (replaced by hand) is refused
(``audit_key_invalid``): ``coffre audit key rotate`` is the one way to change keys.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from auditlog.checkpoint import verify_checkpoint
from auditlog.keys import follow, sign_rotation
from auditlog.note import (
    NoteError,
    Signer,
    Verifier,
    format_signer_key,
    format_verifier_key,
    generate_signer,
    parse_signer_key,
    parse_verifier_key,
)
from coffre.audit.errors import AuditKeyInvalid
from coffre.audit.models import AuditCheckpoint, AuditKey
from coffre.secrets.keyring import LEGACY_KID
from coffre.settings import Settings

log = logging.getLogger(__name__)

LEGACY_KEY_LABEL = b"coffre/audit/checkpoint-key/v1"
"""Label of the key earlier versions derived from ``COFFRE_SECRET_KEY``."""


def legacy_signer(settings: Settings) -> Signer:
    """The checkpoint key of earlier versions (only to sign the move to the key file),
    derived from COFFRE_SECRET_KEY: the ring's "k0" (its oldest entry if "k0" is gone)."""
    ring = settings.keyring
    legacy = ring.secret(LEGACY_KID) or ring.oldest.secret
    seed = hashlib.blake2b(LEGACY_KEY_LABEL, key=legacy[:64], digest_size=32).digest()
    return Signer(settings.audit_origin, seed)


def load_signer(settings: Settings) -> Signer:
    """The key in ``COFFRE_AUDIT_KEY_FILE``; made there in development and test.

    AuditKeyInvalid when it is missing in production, unreadable, or named after
    another origin. The message never contains the key."""
    path = settings.audit_key_file
    if not path.exists():
        if settings.environment == "production":
            raise AuditKeyInvalid(
                message_fr=(
                    f"COFFRE_AUDIT_KEY_FILE : pas de clé dans {path}. Créez-la une fois avec "
                    f"« coffre audit key new {path} » (lisible par le serveur seul) et "
                    "gardez-la : c'est elle qui signe le journal (docs/AUDIT.md)."
                )
            )
        with contextlib.suppress(FileExistsError):  # another process made it first
            write_key_file(path, generate_signer(settings.audit_origin))
            log.info("development audit checkpoint key created (COFFRE_AUDIT_KEY_FILE)")
    try:
        signer = parse_signer_key(path.read_text("utf-8").strip())
    except (OSError, UnicodeDecodeError, NoteError):
        raise AuditKeyInvalid(
            message_fr=f"COFFRE_AUDIT_KEY_FILE : {path} n'est pas une clé de signature lisible."
        ) from None
    if signer.name != settings.audit_origin:
        raise AuditKeyInvalid(
            message_fr=(
                f"COFFRE_AUDIT_KEY_FILE : la clé de {path} est celle du journal "
                f"« {signer.name} », pas de « {settings.audit_origin} » (COFFRE_AUDIT_ORIGIN)."
            )
        )
    return signer


def write_key_file(path: Path, signer: Signer) -> None:
    """Write a key file (mode 0600) unless one exists; FileExistsError if it does."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".audit-key-")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:  # mkstemp: mode 0600
            file.write(format_signer_key(signer.name, signer.seed) + "\n")
            file.flush()
            os.fsync(file.fileno())
        # A hard link appears whole or not at all and never replaces a key another
        # process (a second worker starting) made meanwhile.
        os.link(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def history(db: DbSession) -> list[AuditKey]:
    return list(db.scalars(select(AuditKey).order_by(AuditKey.seq)).all())


def verifiers_of(rows: list[AuditKey], origin: str) -> tuple[Verifier, ...]:
    """Every key of the history, each reached from the first through its statement.

    AuditKeyInvalid if a statement does not continue the history."""
    if not rows:
        return ()
    try:
        first = parse_verifier_key(rows[0].verifier_key)
        keys = follow(first, [r.statement for r in rows[1:] if r.statement], origin=origin)
    except NoteError as exc:
        raise AuditKeyInvalid(
            message_fr="L'historique des clés du journal (audit_keys) ne se vérifie pas."
        ) from exc
    if [format_verifier_key(k.name, k.public_key) for k in keys] != [r.verifier_key for r in rows]:
        raise AuditKeyInvalid(
            message_fr="L'historique des clés du journal (audit_keys) ne se vérifie pas."
        )
    return keys


def ensure_history(db: DbSession, signer: Signer, legacy: Signer, now: datetime) -> None:
    """Write the history the first time (see the module's docstring); AuditKeyInvalid if
    the key file's key is not in it. Call it with the head's lock held."""
    rows = history(db)
    current = format_verifier_key(signer.name, signer.verifier.public_key)
    if rows:
        if current not in {r.verifier_key for r in rows}:
            raise AuditKeyInvalid(
                message_fr=(
                    "La clé de COFFRE_AUDIT_KEY_FILE n'est pas une clé de ce journal : "
                    "remettez la clé précédente, puis changez-la avec « coffre audit key "
                    "rotate » (docs/AUDIT.md)."
                )
            )
        return
    latest = db.scalars(
        select(AuditCheckpoint).order_by(AuditCheckpoint.size.desc()).limit(1)
    ).first()
    legacy_signed = False
    if latest is not None:
        with contextlib.suppress(NoteError):
            verify_checkpoint(latest.note, legacy.verifier, origin=signer.name)
            legacy_signed = True
    if legacy_signed and legacy.verifier != signer.verifier:
        legacy_key = format_verifier_key(legacy.name, legacy.verifier.public_key)
        db.add(AuditKey(seq=0, verifier_key=legacy_key, statement=None, created_at=now))
        statement = sign_rotation(signer.name, legacy, signer, now)
        db.add(AuditKey(seq=1, verifier_key=current, statement=statement, created_at=now))
    else:
        db.add(AuditKey(seq=0, verifier_key=current, statement=None, created_at=now))
    db.flush()


def rotate(db: DbSession, old: Signer, new: Signer, now: datetime) -> str:
    """Append the statement passing from ``old`` (the key file in use) to ``new``; returns
    it. AuditKeyInvalid if ``old`` is not the history's latest key."""
    rows = history(db)
    old_key = format_verifier_key(old.name, old.verifier.public_key)
    if not rows or rows[-1].verifier_key != old_key:
        raise AuditKeyInvalid(
            message_fr=(
                "Seule la dernière clé du journal peut passer la main : "
                "COFFRE_AUDIT_KEY_FILE doit être la clé en service."
            )
        )
    statement = sign_rotation(old.name, old, new, now)
    seq = int(db.scalar(select(func.max(AuditKey.seq))) or 0) + 1
    new_key = format_verifier_key(new.name, new.verifier.public_key)
    db.add(AuditKey(seq=seq, verifier_key=new_key, statement=statement, created_at=now))
    db.flush()
    return statement
