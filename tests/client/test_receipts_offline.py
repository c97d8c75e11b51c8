"""client/receipts.py on its own (no server): a v2 receipt signed here verifies; each
way it can be wrong is refused with its stable code, before anything is trusted."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from client.documents_v2 import envelope_text
from client.receipts import CODES, ReceiptInvalid, receipt_from_header, verify_receipt
from coffre.consent.receipts import receipt_header
from crypto import b64encode
from crypto.consent_v2 import ConsentReceiptV2, SharedDocumentV2
from crypto.keyring import generate_account_keys
from crypto.pins import pin_spoken
from crypto.statements_v2 import sign_statement_v2

PERSON = generate_account_keys()
OTHER = generate_account_keys()
GRANT = secrets.token_hex(16)


def _statement(**change: Any) -> dict[str, Any]:
    start = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    fields: dict[str, Any] = {
        "grant": GRANT,
        "person": "a" * 32,
        "professional": "b" * 32,
        "structure": "c" * 32,
        "purpose": "ouverture-droits-rsa",
        "charter_version": 1,
        "documents": (SharedDocumentV2("d" * 32, 1, bytes(32), "e" * 64),),
        "not_before": start,
        "not_after": start + timedelta(days=30),
        "max_pulls": None,
        "request": None,
    } | change
    return ConsentReceiptV2(**fields).statement()


def _answer(text: str, key: bytes = PERSON.sign_public) -> dict[str, Any]:
    return {
        "grant_id": GRANT,
        "format": 2,
        "receipt": text,
        "person_key": {"sign_public_key": b64encode(key), "pin": pin_spoken(key)},
    }


SIGNED = envelope_text(sign_statement_v2(_statement(), PERSON.sign_seed))


def _code(data: Any, **kw: Any) -> str:
    with pytest.raises(ReceiptInvalid) as refused:
        verify_receipt(data, **kw)
    assert refused.value.message_fr == CODES[refused.value.code]
    return refused.value.code


def test_a_receipt_signed_by_the_person_verifies_from_the_answer_or_the_header() -> None:
    answer = verify_receipt(json.dumps(_answer(SIGNED)).encode(), person_id="a" * 32)
    header = verify_receipt(
        receipt_from_header(receipt_header(SIGNED)), person_key=PERSON.sign_public
    )

    assert answer.grant_id == header.grant_id == GRANT
    assert answer.person_key_confirmed is False and header.person_key_confirmed is True
    assert answer.professional_certified is None  # no trust root given: not checked


def test_every_way_a_receipt_is_wrong_has_its_code() -> None:
    envelope = json.loads(SIGNED)
    envelope["statement"]["purpose"] = "dossier-mdph"
    by_other = envelope_text(sign_statement_v2(_statement(), OTHER.sign_seed))

    assert _code(_answer(json.dumps(envelope))) == "receipt_forged"
    assert _code(_answer(by_other)) == "receipt_forged"
    assert _code(_answer(by_other, OTHER.sign_public), person_key=PERSON.sign_public) == (
        "receipt_person_key_mismatch"
    )
    assert _code(_answer(SIGNED), person_pin=pin_spoken(OTHER.sign_public)) == (
        "receipt_person_key_mismatch"
    )
    assert _code({**_answer(SIGNED), "grant_id": "f" * 32}) == "receipt_replayed"
    assert _code(SIGNED, person_key=PERSON.sign_public, grant_id="f" * 32) == "receipt_replayed"
    assert _code(_answer(SIGNED), person_id="f" * 32) == "receipt_other_person"
    assert _code(_answer(SIGNED), professional_id="f" * 32) == "receipt_other_professional"
    assert _code({**_answer(SIGNED), "format": 3}) == "receipt_unknown_format"
    wrong_type = json.loads(SIGNED)
    wrong_type["statement"]["type"] = "coffre/deposit"
    assert _code(_answer(json.dumps(wrong_type))) == "receipt_unknown_format"
    assert _code(SIGNED) == "receipt_malformed"  # the receipt alone names no key
    assert _code(b"{" + b" " * 300_000 + b"}") == "receipt_malformed"
    assert _code(_answer(SIGNED + " x")) == "receipt_malformed"


def test_a_header_that_is_not_base64url_text_is_malformed() -> None:
    with pytest.raises(ReceiptInvalid) as refused:
        receipt_from_header("not base64 !")
    assert refused.value.code == "receipt_malformed"
