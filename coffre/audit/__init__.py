"""The audit log: an append-only, verifiable record of every operation.

This package's core (pure functions over bytes; no database, no HTTP) is the
verifiable form of DESIGN.md "Traceability":

- ``merkle``: the RFC 6962 / RFC 9162 §2.1 Merkle tree — leaf and node hashes,
  roots, inclusion and consistency proofs, and the ``CompactRange`` frontier
  that keeps appending O(log n);
- ``events``: what a leaf commits to — a salted hash of the RFC 8785 canonical
  event, so the body can be deleted when its retention ends and every proof
  stays valid;
- ``checkpoint``: C2SP tlog-checkpoint text signed as a C2SP signed-note
  (Ed25519), and the verifier key strings of Go's sumdb/note.

Failures to verify raise ``ProofError`` (tree, event) or ``NoteError``
(note, checkpoint, key string); a caller's programming error raises ValueError.
"""

from coffre.audit.checkpoint import (
    Checkpoint,
    NoteError,
    OpenedNote,
    Signer,
    Verifier,
    add_signature,
    format_checkpoint,
    format_signer_key,
    format_verifier_key,
    open_note,
    parse_checkpoint,
    parse_signer_key,
    parse_verifier_key,
    sign_checkpoint,
    sign_note,
    verify_checkpoint,
    verify_note,
)
from coffre.audit.events import (
    commitment_leaf_hash,
    event_commitment,
    event_leaf_hash,
    leaf_data,
    new_salt,
    verify_event,
)
from coffre.audit.merkle import (
    EMPTY_ROOT,
    CompactRange,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

__all__ = [
    "EMPTY_ROOT",
    "Checkpoint",
    "CompactRange",
    "NoteError",
    "OpenedNote",
    "ProofError",
    "Signer",
    "Verifier",
    "add_signature",
    "commitment_leaf_hash",
    "consistency_proof",
    "event_commitment",
    "event_leaf_hash",
    "format_checkpoint",
    "format_signer_key",
    "format_verifier_key",
    "inclusion_proof",
    "leaf_data",
    "leaf_hash",
    "new_salt",
    "node_hash",
    "open_note",
    "parse_checkpoint",
    "parse_signer_key",
    "parse_verifier_key",
    "root",
    "sign_checkpoint",
    "sign_note",
    "verify_checkpoint",
    "verify_consistency",
    "verify_event",
    "verify_inclusion",
    "verify_note",
]
