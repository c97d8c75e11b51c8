"""What an audit leaf commits to: a salted hash of the canonical event (coffre.audit.events)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from coffre.audit.events import (
    LEAF_DATA_PREFIX,
    SALT_SIZE,
    commitment_leaf_hash,
    event_commitment,
    event_leaf_hash,
    leaf_data,
    new_salt,
    verify_event,
)
from coffre.audit.merkle import ProofError, inclusion_proof, root, verify_inclusion

SALT = bytes(range(32))
EVENT: dict[str, Any] = {
    "action": "document.pulled",
    "actor": "pro_7",
    "person": "per_42",
    "document": "doc_9",
    "purpose": "rsa_opening",
    "at": "2026-03-03T10:15:00Z",
}
# RFC 8785 of EVENT, written out by hand: keys sorted by UTF-16 code units, no spaces.
EVENT_JCS = (
    b'{"action":"document.pulled","actor":"pro_7","at":"2026-03-03T10:15:00Z",'
    b'"document":"doc_9","person":"per_42","purpose":"rsa_opening"}'
)


def test_the_commitment_is_sha256_of_salt_then_canonical_json() -> None:
    assert event_commitment(EVENT, SALT) == hashlib.sha256(SALT + EVENT_JCS).digest()


def test_the_leaf_hash_is_the_rfc_6962_leaf_of_the_prefixed_commitment() -> None:
    commitment = hashlib.sha256(SALT + EVENT_JCS).digest()
    assert LEAF_DATA_PREFIX == b"coffre/audit/v1\x00"
    assert leaf_data(commitment) == b"coffre/audit/v1\x00" + commitment
    expected = hashlib.sha256(b"\x00coffre/audit/v1\x00" + commitment).digest()
    assert event_leaf_hash(EVENT, SALT) == expected == commitment_leaf_hash(commitment)


def test_field_order_does_not_change_the_commitment() -> None:
    reversed_event = dict(reversed(list(EVENT.items())))
    assert event_commitment(reversed_event, SALT) == event_commitment(EVENT, SALT)


def test_the_same_event_under_two_salts_gives_unlinkable_commitments() -> None:
    assert event_commitment(EVENT, new_salt()) != event_commitment(EVENT, new_salt())


def test_a_fresh_salt_is_32_random_bytes() -> None:
    salts = {new_salt() for _ in range(8)}
    assert len(salts) == 8
    assert all(len(s) == SALT_SIZE == 32 for s in salts)


def test_the_stored_event_and_salt_verify_against_their_leaf() -> None:
    verify_event(EVENT, SALT, event_leaf_hash(EVENT, SALT))


@pytest.mark.parametrize(
    "change",
    [
        {"purpose": "other_purpose"},
        {"at": "2026-03-03T10:16:00Z"},
        {"actor": "pro_8"},
        {"extra": 1},
    ],
    ids=["purpose", "time", "actor", "added field"],
)
def test_a_tampered_event_raises_proof_error(change: dict[str, Any]) -> None:
    leaf = event_leaf_hash(EVENT, SALT)
    with pytest.raises(ProofError):
        verify_event({**EVENT, **change}, SALT, leaf)


def test_a_wrong_salt_raises_proof_error() -> None:
    leaf = event_leaf_hash(EVENT, SALT)
    with pytest.raises(ProofError):
        verify_event(EVENT, bytes(32), leaf)
    with pytest.raises(ProofError):
        verify_event(EVENT, SALT[:31], leaf)


def test_another_leaf_raises_proof_error() -> None:
    other = event_leaf_hash({**EVENT, "document": "doc_10"}, SALT)
    with pytest.raises(ProofError):
        verify_event(EVENT, SALT, other)


def test_deleting_bodies_at_the_end_of_retention_keeps_every_proof_valid() -> None:
    events = [({**EVENT, "seq": i}, new_salt()) for i in range(9)]
    commitments = [event_commitment(e, s) for e, s in events]
    leaves = [event_leaf_hash(e, s) for e, s in events]
    signed_root = root(leaves)
    # Retention over: bodies and salts are gone, only commitments remain.
    del events
    rebuilt = [commitment_leaf_hash(c) for c in commitments]
    assert root(rebuilt) == signed_root
    for i, leaf in enumerate(rebuilt):
        verify_inclusion(leaf, i, len(rebuilt), inclusion_proof(rebuilt, i), signed_root)


@pytest.mark.parametrize(
    "event",
    [
        {"action": "upload", "name": "avis.pdf"},
        {"action": "upload", "filename": "avis.pdf"},
        {"action": "upload", "original_filename": "avis.pdf"},
        {"action": "upload", "document_name": "avis"},
        {"action": "upload", "title": "Avis d'imposition"},
        {"action": "upload", "content": "..."},
        {"action": "upload", "file_contents": "..."},
        {"action": "login", "passphrase": "x"},
        {"action": "login", "Password": "x"},
        {"action": "login", "session_token": "x"},
        {"action": "key.changed", "key": "x"},
        {"action": "key.changed", "private_key": "x"},
        {"action": "key.changed", "recovery_secret": "x"},
        {"action": "upload", "document": {"id": "doc_1", "filename": "avis.pdf"}},
        {"action": "export", "items": [{"id": "doc_1", "name": "avis.pdf"}]},
    ],
    ids=lambda e: str(e),
)
def test_an_event_carrying_contents_names_or_secrets_is_refused(event: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="may carry"):
        event_commitment(event, SALT)


def test_identifiers_categories_and_purposes_are_allowed() -> None:
    event = {
        "action": "grant.created",
        "actor": "per_42",
        "document_id": "doc_9",
        "category": "avis_imposition",
        "purpose": "rsa_opening",
        "key_fingerprint": "c74f20a3",
        "content_type": "application/pdf",
        "expires_at": "2026-04-03T00:00:00Z",
    }
    assert len(event_commitment(event, SALT)) == 32


@pytest.mark.parametrize(
    "event",
    [{}, {"n": float("nan")}, {"n": 2**60}, {"n": object()}, {1: "x"}],
    ids=["empty", "nan", "too large an integer", "not json", "non-string key"],
)
def test_an_event_json_cannot_carry_exactly_is_refused(event: dict[Any, Any]) -> None:
    with pytest.raises(ValueError):
        event_commitment(event, SALT)


def test_a_salt_of_the_wrong_size_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        event_commitment(EVENT, b"short")
