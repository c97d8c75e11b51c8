"""C2SP tlog-cosignature v1 (auditlog/cosignature.py): every vector of
auditlog/vectors/cosignature.json gives its outcome, and the file is what its
generator writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import auditlog
from auditlog import cosignature as cs
from auditlog.vectors import cosignature as generator

VECTORS: dict[str, Any] = json.loads(
    (Path(auditlog.__file__).parent / "vectors" / "cosignature.json").read_text("utf-8")
)
KEY = cs.parse_cosigner_key(VECTORS["cosigner_key"])


def test_vectors_file_is_what_the_generator_writes() -> None:
    assert generator.main(["--check"]) == 0


def test_cosigner_key_is_derived_from_the_account_signing_seed() -> None:
    seed = cs.derive_cosigner_seed(bytes.fromhex(VECTORS["account_sign_seed"]))
    assert seed.hex() == VECTORS["cosigner_seed"]
    cosigner = cs.Cosigner(VECTORS["cosigner_name"], seed)
    assert cosigner.key == KEY
    assert f"{KEY.key_id:08x}" == VECTORS["cosigner_key_id"]
    assert KEY.public_key.hex() == VECTORS["cosigner_public_key"]


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["name"])
def test_vector(vector: dict[str, Any]) -> None:
    note = vector["body"] + "\n" + vector["line"]
    outcome = vector["outcome"]
    if outcome == "ok":
        assert cs.verify_cosignatures(note, [KEY]) == {KEY.name: vector["time"]}
    elif outcome == "ignored":
        assert cs.verify_cosignatures(note, [KEY]) == {}
    elif outcome == "cosignature_malformed":
        with pytest.raises(cs.CosignatureError) as caught:
            cs.parse_line(vector["line"])
        assert caught.value.code == outcome
        assert cs.verify_cosignatures(note, [KEY]) == {}  # not a cosignature line: skipped
    else:
        with pytest.raises(cs.CosignatureError) as caught:
            cs.verify_cosignatures(note, [KEY])
        assert caught.value.code == outcome


def test_signed_message_is_the_header_the_time_and_the_body() -> None:
    body = VECTORS["vectors"][0]["body"]
    assert cs.signed_message(body, 1765000123).decode() == VECTORS["signed_message"]


def test_cosigned_note_keeps_the_log_signature_and_verifies() -> None:
    note = VECTORS["cosigned_note"]
    assert cs.verify_cosignatures(note, [KEY]) == {KEY.name: 1765000123}
    body, lines = cs.split_note(note)
    assert len(lines) == 2


def test_adding_again_replaces_the_cosigners_older_line() -> None:
    note = VECTORS["cosigned_note"]
    body, _ = cs.split_note(note)
    cosigner = cs.Cosigner(VECTORS["cosigner_name"], bytes.fromhex(VECTORS["cosigner_seed"]))
    again = cs.add_cosignature(note, cosigner.cosign(body, 1765000999))
    _, lines = cs.split_note(again)
    assert len(lines) == 2
    assert cs.verify_cosignatures(again, [KEY]) == {KEY.name: 1765000999}


@pytest.mark.parametrize(
    "vkey",
    [
        "",
        "name+00000000+AA==",
        VECTORS["cosigner_key"].replace("+BN", "+AdJ", 1),  # type 0x01, not 0x04
        VECTORS["cosigner_key"].replace(VECTORS["cosigner_key_id"], "00000000"),
    ],
)
def test_malformed_cosigner_keys_are_refused(vkey: str) -> None:
    with pytest.raises(cs.CosignatureError):
        cs.parse_cosigner_key(vkey)


def test_a_body_with_a_blank_line_is_refused() -> None:
    with pytest.raises(cs.CosignatureError):
        cs.signed_message("a\n\nb\n", 1)
