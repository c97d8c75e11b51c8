"""Test factories: accounts and encrypted documents, built with the real crypto format.

Argon2id costs ~0.2 s per derivation by design, so the key material of a few
persons is made once per test session and re-used across (separate) databases.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from crypto import (
    AccountKeys,
    DocumentMetadata,
    b64encode,
    create_account,
    encrypt_bytes,
    encrypt_metadata,
    new_document_key,
    seal_document_key,
)

PASSPHRASE = "cheval agrafe pile correct soleil riviere"


@dataclass(frozen=True)
class Person:
    login: str
    passphrase: str
    keys: AccountKeys
    signup_body: dict[str, Any]
    auth_key: bytes
    token: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        assert self.token is not None
        return {"Authorization": f"Bearer {self.token}"}


@functools.cache
def _material(slot: int) -> tuple[Any, str]:
    new = create_account(f"{PASSPHRASE} {slot}")
    return new, f"{PASSPHRASE} {slot}"


def person_material(slot: int = 0, login: str | None = None) -> Person:
    new, passphrase = _material(slot)
    login = login or f"personne-{secrets.token_hex(4)}"
    body = {
        "login": login,
        "kdf": new.kdf_params.to_json(),
        "auth_key": b64encode(new.auth_key),
        "recovery_auth_key": b64encode(new.recovery_auth_key),
        "wrapped_master_passphrase": b64encode(new.wrapped_master_passphrase),
        "wrapped_master_recovery": b64encode(new.wrapped_master_recovery),
        "wrapped_keyring": b64encode(new.wrapped_keyring),
        "box_public_key": b64encode(new.keys.box_public),
        "sign_public_key": b64encode(new.keys.sign_public),
    }
    return Person(login, passphrase, new.keys, body, new.auth_key)


def make_person(api: TestClient, slot: int = 0, login: str | None = None) -> Person:
    """Sign up and log in a person; returns them with a session token."""
    person = person_material(slot, login)
    response = api.post("/api/v1/accounts", json=person.signup_body)
    assert response.status_code == 201, response.text
    login_response = api.post(
        "/api/v1/auth/login", json={"login": person.login, "auth_key": b64encode(person.auth_key)}
    )
    assert login_response.status_code == 200, login_response.text
    return Person(
        person.login,
        person.passphrase,
        person.keys,
        person.signup_body,
        person.auth_key,
        login_response.json()["token"],
    )


@dataclass(frozen=True)
class EncryptedDocument:
    plaintext: bytes
    doc_key: bytes
    ciphertext: bytes
    headers: dict[str, str]


def encrypted_document(
    owner: Person,
    plaintext: bytes | None = None,
    *,
    name: str = "avis-imposition-2025.pdf",
    category: str = "impots",
    chunk_size: int = 65536,
) -> EncryptedDocument:
    plaintext = plaintext if plaintext is not None else secrets.token_bytes(100_000)
    doc_key = new_document_key()
    metadata = DocumentMetadata(
        name=name,
        mime="application/pdf",
        size=len(plaintext),
        sha256=hashlib.sha256(plaintext).hexdigest(),
    )
    headers = {
        "Content-Type": "application/octet-stream",
        "Coffre-Category": category,
        "Coffre-Metadata": b64encode(encrypt_metadata(doc_key, metadata)),
        "Coffre-Sealed-Key": b64encode(seal_document_key(doc_key, owner.keys.box_public)),
    }
    ciphertext = encrypt_bytes(doc_key, plaintext, chunk_size)
    return EncryptedDocument(plaintext, doc_key, ciphertext, headers)


def upload(api: TestClient, owner: Person, document: EncryptedDocument) -> str:
    response = api.post(
        "/api/v1/documents",
        content=document.ciphertext,
        headers={**owner.headers, **document.headers},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def typo_caught_by_the_check_character(code: str) -> str:
    """A one-letter typo of a recovery code that its check character catches.

    Any single typo slips past a 5-bit check character once in 32 times: pick one
    that is caught, so the tests do not depend on luck.
    """
    from crypto import InvalidInputError, parse_recovery_code

    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567":
        if letter == code[0]:
            continue
        typo = letter + code[1:]
        try:
            parse_recovery_code(typo)
        except InvalidInputError:
            return typo
    raise AssertionError("no single-letter typo is caught: the check character is broken")
