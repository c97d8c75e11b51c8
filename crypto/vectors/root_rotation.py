"""The root-rotation vectors, crypto/vectors/root_rotation.json (SPEC §26.5).

    .venv/bin/python -m crypto.vectors.root_rotation            # rewrite root_rotation.json
    .venv/bin/python -m crypto.vectors.root_rotation --check    # compare byte for byte

Every vector is deterministic (fixed keys derived from labels; Ed25519 is
deterministic). Construction `root_rotation`: inputs `pin`, `root` (the pinned
root's envelope), `links` (the chain, oldest first), `now`, `min_rotation`;
`ok` vectors give `expected`: `pin` (QR payload of the root in force),
`sign_public` (hex), `sequence`, `changed`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from crypto.certificates_v2 import root_statement_v2
from crypto.encoding import b64decode, b64encode
from crypto.fields import format_time
from crypto.keyring import AccountKeys
from crypto.pins import pin_qr_payload, pin_spoken
from crypto.root_rotation import root_rotation_statement
from crypto.statements_v2 import ROOT_ROTATION, sign_statement_v2, statement_id
from crypto.vectors import generate
from crypto.vectors.generate import Vector
from crypto.vectors.v2 import ISSUED, NOW, OUTCOMES_V2, TERRITORY, keys, v

PATH: Final = Path(__file__).with_name("root_rotation.json")

R0 = keys("territory root")  # the same key as the §26 vectors' root
R1 = keys("rotation: second root")
R2 = keys("rotation: third root")
MALLORY = keys("rotation: someone else")


def _root(k: AccountKeys, issued_at: datetime, territory: str = TERRITORY) -> dict[str, Any]:
    statement = root_statement_v2(
        territory=territory, box_public=k.box_public, sign_public=k.sign_public, issued_at=issued_at
    )
    return sign_statement_v2(statement, k.sign_seed)


def _link(
    old: dict[str, Any],
    new: dict[str, Any],
    number: int,
    signer: AccountKeys,
    issued_at: datetime,
    **changes: Any,
) -> dict[str, Any]:
    statement = root_rotation_statement(
        previous_root=old["statement"],
        next_root=new["statement"],
        sequence=number,
        issued_at=issued_at,
    )
    statement = {**statement, **changes}
    return {"rotation": sign_statement_v2(statement, signer.sign_seed), "root": new}


def _flipped(envelope: dict[str, Any]) -> dict[str, Any]:
    """The envelope with the last bit of its signature's first byte flipped."""
    signature = bytearray(b64decode(envelope["signature"]))
    signature[0] ^= 1
    return dict(envelope, signature=b64encode(bytes(signature)))


def rotation_vectors() -> list[Vector]:
    t1, t2 = ISSUED + timedelta(days=3), ISSUED + timedelta(days=9)
    root0 = _root(R0, ISSUED)
    root1 = _root(R1, t1)
    root2 = _root(R2, t2)
    link1 = _link(root0, root1, 1, R0, t1)
    link2 = _link(root1, root2, 2, R1, t2)
    mallory_root = _root(MALLORY, t2)
    pin0 = pin_qr_payload(R0.sign_public)

    def case(
        label: str,
        outcome: str,
        links: list[dict[str, Any]],
        *,
        root: dict[str, Any] = root0,
        pin: str = pin0,
        now: datetime = NOW,
        min_rotation: int = 0,
        final: AccountKeys | None = None,
        sequence: int = 0,
        changed: bool = True,
    ) -> Vector:
        inputs = {
            "pin": pin,
            "root": root,
            "links": links,
            "now": format_time(now),
            "min_rotation": min_rotation,
        }
        expected = None
        if outcome == "ok":
            assert final is not None
            expected = {
                "pin": pin_qr_payload(final.sign_public),
                "sign_public": final.sign_public.hex(),
                "sequence": sequence,
                "changed": changed,
            }
        return v(f"root rotation {label}", "root_rotation", inputs, outcome, expected)

    bad_next_root = _root(R1, t2)  # R1's key, but not the root statement link1 names
    cantal_root1 = _root(R1, t1, territory="cantal")
    same_key_statement = {
        "v": 2,
        "type": ROOT_ROTATION,
        "territory": TERRITORY,
        "sequence": 1,
        "previous_root": statement_id(root0["statement"]),
        "next_root": statement_id(_root(R0, t1)["statement"]),
        "next_sign_public_key": root0["statement"]["sign_public_key"],
        "issued_at": format_time(t1),
    }
    same_key = {
        "rotation": sign_statement_v2(same_key_statement, R0.sign_seed),
        "root": _root(R0, t1),
    }
    return [
        case("without any rotation", "ok", [], final=R0, sequence=0, changed=False),
        case("once, from the pinned root", "ok", [link1], final=R1, sequence=1),
        case("twice, from the pinned root", "ok", [link1, link2], final=R2, sequence=2),
        case(
            "twice, root pinned by its spoken form",
            "ok",
            [link1, link2],
            pin=pin_spoken(R0.sign_public),
            final=R2,
            sequence=2,
        ),
        case(
            "from a root pinned after the first rotation",
            "ok",
            [link1, link2],
            root=root1,
            pin=pin_qr_payload(R1.sign_public),
            min_rotation=1,
            final=R2,
            sequence=2,
        ),
        case(
            "when the pinned root is already the newest",
            "ok",
            [link1, link2],
            root=root2,
            pin=pin_qr_payload(R2.sign_public),
            min_rotation=2,
            final=R2,
            sequence=2,
            changed=False,
        ),
        case(
            "to a root that no rotation joins to the pinned one",
            "bad_signature",
            [{"rotation": link2["rotation"], "root": root2}],
        ),
        case(
            "signed by the new root instead of the pinned one",
            "unexpected_signer",
            [_link(root0, root1, 1, R1, t1)],
        ),
        case(
            "signed by someone else's key",
            "unexpected_signer",
            [_link(root0, mallory_root, 1, MALLORY, t1)],
        ),
        case(
            "whose signature was altered",
            "bad_signature",
            [{"rotation": _flipped(link1["rotation"]), "root": root1}],
        ),
        case(
            "to a root other than the one it names",
            "bad_signature",
            [{"rotation": link1["rotation"], "root": bad_next_root}],
        ),
        case(
            "to a root not signed by its own key",
            "unexpected_signer",
            [
                {
                    "rotation": link1["rotation"],
                    "root": sign_statement_v2(root1["statement"], MALLORY.sign_seed),
                }
            ],
        ),
        case(
            "to a root of another territory",
            "bad_signature",
            [
                {
                    "rotation": _link(
                        root0, root1, 1, R0, t1, next_root=statement_id(cantal_root1["statement"])
                    )["rotation"],
                    "root": cantal_root1,
                }
            ],
        ),
        case(
            "whose second link skips a sequence number",
            "bad_signature",
            [link1, _link(root1, root2, 3, R1, t2)],
        ),
        case(
            "already followed (rolled back)",
            "rolled_back",
            [link1],
            min_rotation=1,
        ),
        case(
            "issued in the future",
            "not_yet_valid",
            [_link(root0, root1, 1, R0, NOW + timedelta(minutes=6))],
        ),
        case(
            "keeping the same sign key",
            "invalid_input",
            [same_key],
        ),
        case(
            "with an extra member",
            "invalid_input",
            [_link(root0, root1, 1, R0, t1, reason="compromise")],
        ),
        case(
            "with sequence 0",
            "invalid_input",
            [_link(root0, root1, 1, R0, t1, sequence=0)],
        ),
        case(
            "of version 1",
            "wrong_version",
            [
                {
                    "rotation": dict(
                        link1["rotation"], statement=dict(link1["rotation"]["statement"], v=1)
                    ),
                    "root": root1,
                }
            ],
        ),
    ]


def build() -> dict[str, Any]:
    vectors = rotation_vectors()
    outcomes = sorted({vec["outcome"] for vec in vectors})
    return {
        "format": "Coffre crypto format v2: root rotation (crypto/SPEC.md §26.5)",
        "description": (
            "Test vectors for crypto/SPEC.md §26.5 (a new trust root signed by the old "
            "one). Statements and envelopes are JSON as signed. Every vector is "
            "deterministic. Generated by crypto/vectors/root_rotation.py."
        ),
        "outcomes": {name: OUTCOMES_V2[name] for name in outcomes},
        "vectors": vectors,
    }


def render() -> str:
    return generate.render(build())


def main(argv: list[str] | None = None) -> int:
    return generate.rewrite_or_check(PATH, render(), argv, __doc__)


if __name__ == "__main__":
    raise SystemExit(main())
