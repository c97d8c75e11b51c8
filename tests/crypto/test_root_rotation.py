"""Root rotation (SPEC §26.5): every vector of crypto/vectors/root_rotation.json has
its outcome, the file is what its generator writes, and a client pinned on the old
root follows a rotation made with fresh keys while refusing an unchained root."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import crypto
from crypto import errors
from crypto.certificates_v2 import root_statement_v2
from crypto.pins import pin_qr_payload
from crypto.root_rotation import follow_root_rotations, root_rotation_statement
from crypto.statements_v2 import sign_statement_v2
from crypto.vectors import root_rotation as rotation_vectors

VECTORS_FILE = Path(crypto.__file__).parent / "vectors" / "root_rotation.json"
DOCUMENT = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
VECTORS = DOCUMENT["vectors"]

Vector = dict[str, Any]


def _now(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def run(v: Vector) -> None:
    i = v["inputs"]
    rotated = follow_root_rotations(
        pin=i["pin"],
        root=i["root"],
        links=i["links"],
        now=_now(i["now"]),
        min_rotation=i["min_rotation"],
    )
    if v["outcome"] != "ok":
        return
    e = v["expected"]
    assert rotated.pin == e["pin"]
    assert rotated.sign_public == bytes.fromhex(e["sign_public"])
    assert rotated.sequence == e["sequence"]
    assert rotated.changed is e["changed"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_root_rotation_vector_has_its_expected_outcome(vector: Vector) -> None:
    error_name = DOCUMENT["outcomes"][vector["outcome"]]
    if error_name is None:
        run(vector)
        return
    with pytest.raises(errors.CryptoError) as caught:
        run(vector)
    assert type(caught.value) is getattr(errors, error_name), str(caught.value)


def test_the_vectors_file_is_what_its_generator_writes() -> None:
    assert VECTORS_FILE.read_text(encoding="utf-8") == rotation_vectors.render()
    names = [v["name"] for v in VECTORS]
    assert len(names) == len(set(names))
    assert all(v["construction"] == "root_rotation" and v["deterministic"] for v in VECTORS)
    assert {"ok", "bad_signature", "unexpected_signer", "rolled_back"} <= set(DOCUMENT["outcomes"])


def _root(keys: Any, when: datetime) -> dict[str, Any]:
    statement = root_statement_v2(
        territory="puy-de-dome",
        box_public=keys.box_public,
        sign_public=keys.sign_public,
        issued_at=when,
    )
    return sign_statement_v2(statement, keys.sign_seed)


def test_a_client_pinned_on_the_old_root_follows_a_fresh_rotation_and_refuses_a_forged_one() -> (
    None
):
    now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    old_keys, new_keys, mallory = (crypto.generate_account_keys() for _ in range(3))
    old, new = _root(old_keys, now - timedelta(days=100)), _root(new_keys, now)
    rotation = root_rotation_statement(
        previous_root=old["statement"], next_root=new["statement"], sequence=1, issued_at=now
    )
    link = {"rotation": sign_statement_v2(rotation, old_keys.sign_seed), "root": new}
    pin = pin_qr_payload(old_keys.sign_public)
    rotated = follow_root_rotations(pin=pin, root=old, links=[link], now=now)
    assert rotated.changed and rotated.sign_public == new_keys.sign_public
    assert rotated.pin == pin_qr_payload(new_keys.sign_public) and rotated.sequence == 1
    # Someone holding another key makes the same rotation to their own root: refused.
    forged_root = _root(mallory, now)
    forged = root_rotation_statement(
        previous_root=old["statement"],
        next_root=forged_root["statement"],
        sequence=1,
        issued_at=now,
    )
    forged_link = {"rotation": sign_statement_v2(forged, mallory.sign_seed), "root": forged_root}
    with pytest.raises(errors.SignatureError):
        follow_root_rotations(pin=pin, root=old, links=[forged_link], now=now)
    # A root that no rotation joins to the pinned one: refused, not silently pinned.
    with pytest.raises(errors.SignatureError):
        follow_root_rotations(
            pin=pin, root=old, links=[{"rotation": link["rotation"], "root": forged_root}], now=now
        )
    # Once followed, the same rotation is not followed again from a client that kept it.
    with pytest.raises(errors.StaleError):
        follow_root_rotations(pin=pin, root=old, links=[link], now=now, min_rotation=1)


def test_a_rotation_cannot_change_the_territory_or_keep_the_key() -> None:
    now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    keys = crypto.generate_account_keys()
    old = _root(keys, now - timedelta(days=1))
    again = _root(keys, now)
    with pytest.raises(errors.InvalidInputError):
        root_rotation_statement(
            previous_root=old["statement"], next_root=again["statement"], sequence=1, issued_at=now
        )
