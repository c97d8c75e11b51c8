"""Signed statements and fingerprints (SPEC §11, §12)."""

import copy
import json
import re

import pytest

import crypto
from crypto import InvalidInputError, SignatureError, UnsupportedVersionError

SEED = bytes(range(32))
STATEMENT = {"v": 1, "type": "deposit", "document": "d-42", "structure": "Secours populaire"}


def signer_of(seed: bytes) -> bytes:
    return crypto.account_keys_from_secrets(bytes(32), seed).sign_public


def test_a_signed_statement_verifies_and_returns_the_statement() -> None:
    envelope = crypto.sign_statement(STATEMENT, SEED)
    assert crypto.verify_statement(envelope, signer_of(SEED)) == STATEMENT


def test_an_envelope_survives_a_json_round_trip() -> None:
    envelope = crypto.sign_statement(STATEMENT, SEED)
    assert crypto.verify_statement(json.loads(json.dumps(envelope))) == STATEMENT


def test_key_order_does_not_change_the_signature() -> None:
    reordered = dict(reversed(list(STATEMENT.items())))
    assert (
        crypto.sign_statement(reordered, SEED)["signature"]
        == (crypto.sign_statement(STATEMENT, SEED)["signature"])
    )


def test_an_altered_statement_fails_verification() -> None:
    envelope = copy.deepcopy(crypto.sign_statement(STATEMENT, SEED))
    envelope["statement"]["document"] = "d-43"
    with pytest.raises(SignatureError):
        crypto.verify_statement(envelope)


def test_a_statement_signed_by_someone_else_is_refused() -> None:
    envelope = crypto.sign_statement(STATEMENT, bytes(range(1, 33)))
    with pytest.raises(SignatureError):
        crypto.verify_statement(envelope, expected_signer=signer_of(SEED))


def test_a_signature_moved_under_another_signer_fails() -> None:
    envelope = crypto.sign_statement(STATEMENT, SEED)
    envelope["signer"] = crypto.b64encode(signer_of(bytes(range(1, 33))))
    with pytest.raises(SignatureError):
        crypto.verify_statement(envelope)


@pytest.mark.parametrize(
    "envelope",
    [
        None,
        {},
        {"statement": STATEMENT, "signer": "AA"},
        {"statement": STATEMENT, "signer": "AA", "signature": "AA", "extra": 1},
        {"statement": STATEMENT, "signer": "AA", "signature": "AA"},
        {"statement": [], "signer": "A" * 43, "signature": "A" * 86},
        {"statement": {"v": 1}, "signer": "A" * 43, "signature": "A" * 86},
    ],
)
def test_a_malformed_envelope_is_invalid_input(envelope: object) -> None:
    with pytest.raises(InvalidInputError):
        crypto.verify_statement(envelope)  # type: ignore[arg-type]


@pytest.mark.parametrize("statement", [{"type": "x"}, {"v": True, "type": "x"}, {"v": 1}])
def test_a_statement_without_version_or_type_cannot_be_signed(statement: dict[str, object]) -> None:
    with pytest.raises(InvalidInputError):
        crypto.sign_statement(statement, SEED)


def test_a_statement_of_another_version_is_unsupported() -> None:
    with pytest.raises(UnsupportedVersionError):
        crypto.sign_statement({"v": 2, "type": "x"}, SEED)


def test_fingerprint_is_six_groups_of_four_digits_and_depends_on_the_key() -> None:
    a, b = crypto.fingerprint(bytes(32)), crypto.fingerprint(bytes(31) + b"\x01")
    assert re.fullmatch(r"(\d{4} ){5}\d{4}", a)
    assert a != b


def test_fingerprint_refuses_a_key_of_the_wrong_size() -> None:
    with pytest.raises(InvalidInputError):
        crypto.fingerprint(bytes(33))
