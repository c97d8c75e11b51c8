"""Signed checkpoints: C2SP tlog-checkpoint in a C2SP signed-note, pinned by Go's sumdb/note.

Vectors: tests/audit/vectors/note.json (golang/mod sumdb/note/note_test.go and
the C2SP tlog-checkpoint example; sources cited in the file).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from coffre.audit.checkpoint import (
    Checkpoint,
    NoteError,
    Signature,
    add_signature,
    format_checkpoint,
    format_signer_key,
    format_verifier_key,
    generate_signer,
    key_id,
    open_note,
    parse_checkpoint,
    parse_signer_key,
    parse_verifier_key,
    sign_checkpoint,
    sign_note,
    verify_checkpoint,
    verify_note,
)
from coffre.audit.merkle import ProofError, consistency_proof, leaf_hash, root, verify_consistency

V = json.loads((Path(__file__).parent / "vectors" / "note.json").read_text("utf-8"))
PETER = parse_verifier_key(V["peter"]["verifier_key"])
ENOCH = parse_verifier_key(V["enoch"]["verifier_key"])
TEXT: str = V["text"]
PETER_SIG: str = V["peter"]["signature_line"]
ENOCH_SIG: str = V["enoch"]["signature_line"]
ORIGIN = "coffre.example/audit"


def _sig(line: str) -> Signature:
    name, b64 = line[2:-1].split(" ")
    raw = base64.b64decode(b64)
    return Signature(name, int.from_bytes(raw[:4], "big"), raw[4:])


# --- the Go reference keys and note ---------------------------------------------


def test_the_reference_verifier_key_parses_with_its_key_id() -> None:
    assert PETER.name == "PeterNeumann"
    assert f"{PETER.key_id:08x}" == V["peter"]["key_id"] == "c74f20a3"
    assert f"{ENOCH.key_id:08x}" == V["enoch"]["key_id"]
    assert key_id(PETER.name, PETER.public_key) == 0xC74F20A3


def test_the_reference_verifier_key_formats_back_to_the_same_string() -> None:
    assert format_verifier_key(PETER.name, PETER.public_key) == V["peter"]["verifier_key"]
    assert str(ENOCH) == V["enoch"]["verifier_key"]


def test_the_reference_signer_key_matches_its_verifier_key() -> None:
    signer = parse_signer_key(V["peter"]["signer_key"])
    assert signer.verifier == PETER
    assert format_signer_key(signer.name, signer.seed) == V["peter"]["signer_key"]
    assert V["peter"]["signer_key"] not in repr(signer)


def test_signing_the_reference_text_gives_the_reference_note_byte_for_byte() -> None:
    signer = parse_signer_key(V["peter"]["signer_key"])
    assert sign_note(TEXT, signer.name, signer.seed) == V["signed_note"]


def test_the_reference_note_verifies_and_returns_its_text() -> None:
    assert verify_note(V["signed_note"], PETER) == TEXT
    assert verify_note(V["signed_note"].encode("utf-8"), PETER) == TEXT


def test_the_reference_note_is_refused_when_any_one_byte_changes() -> None:
    note = V["signed_note"].encode("utf-8")
    for i in range(len(note)):
        changed = bytearray(note)
        changed[i] ^= 0x01
        with pytest.raises(NoteError):
            verify_note(bytes(changed), PETER)


def test_every_mangling_of_the_reference_verifier_key_is_refused() -> None:
    vkey = V["peter"]["verifier_key"]
    for i in range(len(vkey) + 1):
        for j in range(i + 1, len(vkey) + 1):
            if (i, j) != (0, len(vkey)):
                with pytest.raises(NoteError):
                    parse_verifier_key(vkey[i:j])
    for i in range(len(vkey)):
        with pytest.raises(NoteError):
            parse_verifier_key(vkey[:i] + chr(ord(vkey[i]) + 1) + vkey[i + 1 :])
    for bad in V["bad_verifier_keys"]:
        with pytest.raises(NoteError):
            parse_verifier_key(bad["key"])


def test_every_mangling_of_the_reference_signer_key_is_refused() -> None:
    skey = V["peter"]["signer_key"]
    for i in range(len(skey) + 1):
        for j in range(i + 1, len(skey) + 1):
            if (i, j) != (0, len(skey)):
                with pytest.raises(NoteError):
                    parse_signer_key(skey[i:j])
    for i in range(len(skey)):
        with pytest.raises(NoteError):
            parse_signer_key(skey[:i] + chr(ord(skey[i]) + 1) + skey[i + 1 :])


# --- opening notes (Go TestOpen) ------------------------------------------------


def test_a_signature_by_an_unknown_key_is_ignored_not_trusted() -> None:
    opened = open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [PETER])
    assert opened.text == TEXT
    assert opened.verified == (_sig(PETER_SIG),)
    assert opened.unverified == (_sig(ENOCH_SIG),)


def test_a_cosigned_note_reports_both_known_signers() -> None:
    opened = open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [PETER, ENOCH])
    assert opened.verified == (_sig(PETER_SIG), _sig(ENOCH_SIG))
    assert opened.signed_by == {"PeterNeumann", "EnochRoot"}
    assert opened.unverified == ()


def test_a_note_signed_by_another_key_is_refused() -> None:
    with pytest.raises(NoteError, match="no verifiable signatures"):
        verify_note(TEXT + "\n" + ENOCH_SIG, PETER)
    with pytest.raises(NoteError):
        open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [])


def test_a_known_key_whose_signature_fails_rejects_the_whole_note() -> None:
    # Go's TestOpen inserts "ABCD" at byte 60 of the signature line: still base64,
    # same key ID, a signature that no longer verifies.
    line = PETER_SIG.encode("utf-8")
    bad = TEXT.encode() + b"\n" + line[:60] + b"ABCD" + line[60:]
    with pytest.raises(NoteError, match="invalid signature"):
        verify_note(bad, PETER)


def test_repeated_signatures_are_counted_once() -> None:
    line = ENOCH_SIG.encode("utf-8")
    enoch_abcd = (line[:60] + b"ABCD" + line[60:]).decode("utf-8")
    note = TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG + enoch_abcd
    opened = open_note(note, [PETER])
    assert opened.verified == (_sig(PETER_SIG),)
    assert opened.unverified == (_sig(ENOCH_SIG), _sig(enoch_abcd))


def test_more_than_100_signatures_is_a_malformed_note() -> None:
    with pytest.raises(NoteError, match="malformed"):
        verify_note(TEXT + "\n" + PETER_SIG * 101, PETER)


@pytest.mark.parametrize(
    "note",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        b"\xff" + (TEXT + "\n" + PETER_SIG).encode(),
        TEXT
        + "\n"
        + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfq"
        "dngotpRZb6KE6RyyBwJnAM=",
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + PETER_SIG.replace("—", "-"),
        TEXT + "\n" + PETER_SIG.replace("— ", "—  "),
        TEXT + "\n" + "— PeterNeumann AAAA\n",
        TEXT + "\r\n" + PETER_SIG,
    ],
    ids=[
        "no signature block",
        "blank line only",
        "no final newline",
        "control character",
        "not utf-8",
        "name with a space",
        "unexpected line",
        "hyphen instead of em dash",
        "two spaces",
        "signature too short",
        "carriage return",
    ],
)
def test_a_malformed_note_raises_note_error(note: str | bytes) -> None:
    with pytest.raises(NoteError):
        verify_note(note, PETER)


@pytest.mark.parametrize("text", ["abc", "", "a\x00b\n", "two\rlines\n"])
def test_signing_text_that_is_not_a_note_text_is_a_programming_error(text: str) -> None:
    signer = generate_signer(ORIGIN)
    with pytest.raises(ValueError):
        sign_note(text, signer.name, signer.seed)


def test_a_cosigner_adds_a_signature_and_replaces_its_own_older_one() -> None:
    log, officer = generate_signer(ORIGIN), generate_signer("officer.coffre.example/aude")
    note = sign_note(TEXT, log.name, log.seed)
    cosigned = add_signature(note, officer.name, officer.seed)
    assert add_signature(cosigned, officer.name, officer.seed) == cosigned
    opened = open_note(cosigned, [log.verifier, officer.verifier])
    assert opened.signed_by == {log.name, officer.name}
    assert cosigned.count("\n— ") == 2


# --- checkpoints ----------------------------------------------------------------


def test_the_c2sp_example_checkpoint_parses_and_formats_back() -> None:
    example = V["checkpoint_example"]
    checkpoint = parse_checkpoint(example["text"])
    assert checkpoint == Checkpoint(
        example["origin"], example["size"], base64.b64decode(example["root_base64"])
    )
    assert format_checkpoint(checkpoint.origin, checkpoint.size, checkpoint.root) == example["text"]


def test_a_checkpoint_is_origin_size_and_base64_root_each_on_its_own_line() -> None:
    r = bytes(range(32))
    text = format_checkpoint(ORIGIN, 0, r, extensions=["ext one"])
    assert text == f"{ORIGIN}\n0\n{base64.b64encode(r).decode()}\next one\n"
    assert parse_checkpoint(text) == Checkpoint(ORIGIN, 0, r, ("ext one",))


ROOT_B64 = base64.b64encode(bytes(32)).decode()


@pytest.mark.parametrize(
    "text",
    [
        f"{ORIGIN}\n12\n{ROOT_B64}",
        f"{ORIGIN}\n12\n",
        f"\n12\n{ROOT_B64}\n",
        f"{ORIGIN}\n012\n{ROOT_B64}\n",
        f"{ORIGIN}\n-1\n{ROOT_B64}\n",
        f"{ORIGIN}\n+1\n{ROOT_B64}\n",
        f"{ORIGIN}\n{2**64}\n{ROOT_B64}\n",
        f"{ORIGIN}\n12\n{ROOT_B64.rstrip('=')}\n",
        f"{ORIGIN}\n12\n{base64.b64encode(bytes(31)).decode()}\n",
        f"{ORIGIN}\n12\n{ROOT_B64}\n\n",
        f"{ORIGIN}\n12\n{ROOT_B64}\next\n\n",
    ],
    ids=[
        "no final newline",
        "no root line",
        "empty origin",
        "leading zero",
        "negative size",
        "plus sign",
        "size beyond uint64",
        "unpadded base64",
        "31-byte root",
        "empty extension line",
        "trailing empty line",
    ],
)
def test_a_malformed_checkpoint_raises_note_error(text: str) -> None:
    with pytest.raises(NoteError):
        parse_checkpoint(text)


@pytest.mark.parametrize(
    ("origin", "size", "root_", "ext"),
    [
        ("", 1, bytes(32), ()),
        ("with space", 1, bytes(32), ()),
        ("a+b", 1, bytes(32), ()),
        (ORIGIN, -1, bytes(32), ()),
        (ORIGIN, 1, bytes(31), ()),
        (ORIGIN, 1, bytes(32), ("",)),
        (ORIGIN, 1, bytes(32), ("two\nlines",)),
    ],
)
def test_formatting_a_bad_checkpoint_is_a_programming_error(
    origin: str, size: int, root_: bytes, ext: tuple[str, ...]
) -> None:
    with pytest.raises(ValueError):
        format_checkpoint(origin, size, root_, ext)


def test_a_signed_checkpoint_verifies_for_its_log() -> None:
    signer = generate_signer(ORIGIN)
    checkpoint = Checkpoint(ORIGIN, 8, root([leaf_hash(b"%d" % i) for i in range(8)]))
    note = sign_checkpoint(checkpoint, signer)
    assert verify_checkpoint(note, signer.verifier, origin=ORIGIN) == checkpoint


def test_a_checkpoint_signed_by_another_key_is_refused() -> None:
    signer, impostor = generate_signer(ORIGIN), generate_signer(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, 1, leaf_hash(b"x")), impostor)
    with pytest.raises(NoteError):
        verify_checkpoint(note, signer.verifier, origin=ORIGIN)


def test_a_checkpoint_of_another_log_is_refused() -> None:
    signer = generate_signer("other.example/log")
    note = sign_checkpoint(Checkpoint("other.example/log", 1, leaf_hash(b"x")), signer)
    with pytest.raises(NoteError, match="origin"):
        verify_checkpoint(note, signer.verifier, origin=ORIGIN)


def test_a_newer_checkpoint_is_accepted_only_with_a_consistency_proof() -> None:
    signer = generate_signer(ORIGIN)
    leaves = [leaf_hash(b"%d" % i) for i in range(13)]
    old = verify_checkpoint(
        sign_checkpoint(Checkpoint(ORIGIN, 5, root(leaves[:5])), signer),
        signer.verifier,
        origin=ORIGIN,
    )
    new = verify_checkpoint(
        sign_checkpoint(Checkpoint(ORIGIN, 13, root(leaves)), signer),
        signer.verifier,
        origin=ORIGIN,
    )
    verify_consistency(old.size, new.size, old.root, new.root, consistency_proof(leaves, old.size))
    forked = [*leaves[:4], leaf_hash(b"rewritten"), *leaves[5:]]
    fork = verify_checkpoint(
        sign_checkpoint(Checkpoint(ORIGIN, 13, root(forked)), signer),
        signer.verifier,
        origin=ORIGIN,
    )
    with pytest.raises(ProofError):
        verify_consistency(
            old.size, fork.size, old.root, fork.root, consistency_proof(forked, old.size)
        )
