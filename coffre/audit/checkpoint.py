"""Signed checkpoints now live in ``auditlog.note`` (C2SP signed-note, key strings) and
``auditlog.checkpoint`` (C2SP tlog-checkpoint), a package that imports nothing of Coffre.
Kept so the server's imports read as before; the server's signing and its key are
``coffre.audit.log``."""

from auditlog.checkpoint import (
    MAX_TREE_SIZE,
    TIMESTAMP_PREFIX,
    Checkpoint,
    checkpoint_time,
    format_checkpoint,
    parse_checkpoint,
    sign_checkpoint,
    timestamp_extension,
    verify_checkpoint,
)
from auditlog.note import (
    ALG_ED25519,
    MAX_SIGNATURES,
    NoteError,
    OpenedNote,
    Signature,
    Signer,
    Verifier,
    add_signature,
    format_signer_key,
    format_verifier_key,
    generate_signer,
    key_id,
    open_note,
    parse_signer_key,
    parse_verifier_key,
    sign_note,
    verify_note,
)

__all__ = [
    "ALG_ED25519",
    "MAX_SIGNATURES",
    "MAX_TREE_SIZE",
    "TIMESTAMP_PREFIX",
    "Checkpoint",
    "NoteError",
    "OpenedNote",
    "Signature",
    "Signer",
    "Verifier",
    "add_signature",
    "checkpoint_time",
    "format_checkpoint",
    "format_signer_key",
    "format_verifier_key",
    "generate_signer",
    "key_id",
    "open_note",
    "parse_checkpoint",
    "parse_signer_key",
    "parse_verifier_key",
    "sign_checkpoint",
    "sign_note",
    "timestamp_extension",
    "verify_checkpoint",
    "verify_note",
]
