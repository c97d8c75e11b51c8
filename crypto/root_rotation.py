"""Root rotation (SPEC §26.5): a new trust root named and signed by the old one.

A territory changes its root key by publishing a ``coffre/root-rotation``
statement signed by the OLD root key; it names the old root and the new one
(statement ids, §23.2) and the new sign key, and carries a sequence (1 for the
first rotation of the territory, then +1). A client that pinned the old root
follows the chain of rotations from its pinned root to the newest one and pins
that; a root that no chain joins to the pinned one is refused.

    link  = {"rotation": envelope, "root": envelope of the new root (§26.1)}
    chain = [link, …], oldest first
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from crypto.certificates_v2 import verify_root_v2
from crypto.encoding import b64encode
from crypto.errors import CryptoError, InvalidInputError, SignatureError, StaleError
from crypto.fields import (
    CLOCK_SKEW,
    V2,
    check_now,
    format_time,
    read_code,
    read_int,
    read_key,
    read_object,
    read_sha256,
    read_time,
)
from crypto.pins import pin_qr_payload
from crypto.statements_v2 import ROOT_ROTATION, TRUST_ROOT, statement_id, verify_statement_v2

ROTATIONS_MAX: Final = 100
_ROTATION: Final = frozenset(
    {
        "v",
        "type",
        "territory",
        "sequence",
        "previous_root",
        "next_root",
        "next_sign_public_key",
        "issued_at",
    }
)
_ROOT: Final = frozenset(
    {"v", "type", "territory", "box_public_key", "sign_public_key", "issued_at"}
)
_LINK: Final = frozenset({"rotation", "root"})


def root_rotation_statement(
    *,
    previous_root: dict[str, Any],
    next_root: dict[str, Any],
    sequence: int,
    issued_at: datetime,
) -> dict[str, Any]:
    """The rotation from `previous_root` to `next_root` (both root STATEMENTS,
    §26.1), to be signed by the previous root's sign seed (SPEC §26.5)."""
    previous = read_object(previous_root, _ROOT, TRUST_ROOT)
    following = read_object(next_root, _ROOT, TRUST_ROOT)
    if previous["territory"] != following["territory"]:
        raise InvalidInputError("a rotation keeps the territory")
    if previous["sign_public_key"] == following["sign_public_key"]:
        raise InvalidInputError("a rotation changes the root's sign key")
    statement = {
        "v": V2,
        "type": ROOT_ROTATION,
        "territory": read_code(previous["territory"], "territory"),
        "sequence": read_int(sequence, "sequence", 1),
        "previous_root": statement_id(previous),
        "next_root": statement_id(following),
        "next_sign_public_key": b64encode(
            read_key(following["sign_public_key"], "sign_public_key")
        ),
        "issued_at": format_time(issued_at),
    }
    _read_rotation(statement)
    return statement


@dataclass(frozen=True)
class _Rotation:
    territory: str
    sequence: int
    previous_root: str
    next_root: str
    next_sign_public: bytes
    issued_at: datetime


def _read_rotation(statement: object) -> _Rotation:
    s = read_object(statement, _ROTATION, ROOT_ROTATION)
    previous_root = read_sha256(s["previous_root"], "previous_root")
    next_root = read_sha256(s["next_root"], "next_root")
    if previous_root == next_root:
        raise InvalidInputError("a rotation names two different roots")
    return _Rotation(
        territory=read_code(s["territory"], "territory"),
        sequence=read_int(s["sequence"], "sequence", 1),
        previous_root=previous_root,
        next_root=next_root,
        next_sign_public=read_key(s["next_sign_public_key"], "next_sign_public_key"),
        issued_at=read_time(s["issued_at"], "issued_at"),
    )


@dataclass(frozen=True)
class RotatedRoot:
    """Where a chain of rotations leads from a pinned root."""

    root: dict[str, Any]  # the envelope of the root now in force
    territory: str
    sign_public: bytes
    box_public: bytes
    pin: str  # the QR payload (§25.2) of the root now in force: the client's new pin
    sequence: int  # the last rotation followed (the client's new min_rotation)
    changed: bool  # True when the root in force is not the pinned one


def _read_links(links: object) -> list[dict[str, Any]]:
    if not isinstance(links, list) or len(links) > ROTATIONS_MAX:
        raise InvalidInputError(f"a rotation chain is a list of at most {ROTATIONS_MAX} links")
    for link in links:
        if not isinstance(link, dict) or set(link) != _LINK:
            raise InvalidInputError("a rotation link has exactly rotation and root")
    return links


def _envelope_statement_id(envelope: object) -> str | None:
    statement = envelope.get("statement") if isinstance(envelope, dict) else None
    if not isinstance(statement, dict):
        return None
    try:
        return statement_id(statement)
    except CryptoError:  # a malformed statement names no root
        return None


def follow_root_rotations(
    *,
    pin: str,
    root: dict[str, Any],
    links: list[dict[str, Any]],
    now: datetime,
    min_rotation: int = 0,
) -> RotatedRoot:
    """Follow the rotations from the pinned root (SPEC §26.5).

    `root` is the envelope of the pinned root (`pin` names its sign key);
    `links` the territory's chain, oldest first (links before the one that
    leaves the pinned root are skipped); `min_rotation` the highest rotation
    sequence this client has followed (0 at first).

    SignatureError: a root or rotation not signed by the key in force, a
    chain that does not start at the pinned root (an unchained root), a root
    that is not the one the rotation names, another territory; StaleError: a
    rotation not newer than `min_rotation` (rolled back) or not valid yet;
    InvalidInputError: malformed statements.
    """
    moment = check_now(now)
    floor = read_int(min_rotation, "min_rotation", 0)
    current_envelope = root
    current = verify_root_v2(root, pin)
    chain = _read_links(links)
    current_id = statement_id(current)
    start = 0
    if chain:
        ids = [_envelope_statement_id(link["root"]) for link in chain]
        if current_id == ids[-1]:
            start = len(chain)  # the pinned root is already the newest one
        else:
            starts = [
                k
                for k, link in enumerate(chain)
                if isinstance(link["rotation"], dict)
                and isinstance(link["rotation"].get("statement"), dict)
                and link["rotation"]["statement"].get("previous_root") == current_id
            ]
            if not starts:
                raise SignatureError("the new trust root is not chained from the pinned one")
            start = starts[0]
    sequence = floor
    for position, link in enumerate(chain[start:]):
        current_sign = read_key(current["sign_public_key"], "sign_public_key")
        rotation = _read_rotation(
            verify_statement_v2(link["rotation"], current_sign, ROOT_ROTATION)
        )
        if rotation.territory != current["territory"]:
            raise SignatureError("the rotation is another territory's")
        if rotation.previous_root != current_id:
            raise SignatureError("the rotation does not leave the root in force")
        if position == 0:
            if rotation.sequence <= floor:
                raise StaleError("a rotation not newer than one already followed")
        elif rotation.sequence != sequence + 1:
            raise SignatureError("the rotations are not consecutive")
        if moment + CLOCK_SKEW < rotation.issued_at:
            raise StaleError("the rotation is not valid yet")
        nested = link["root"]
        nested_statement = nested.get("statement") if isinstance(nested, dict) else None
        following = read_object(nested_statement, _ROOT, TRUST_ROOT)
        following_sign = read_key(following["sign_public_key"], "sign_public_key")
        if following_sign != rotation.next_sign_public:
            raise SignatureError("the new root's key is not the one the rotation names")
        if following_sign == current_sign:
            raise InvalidInputError("a rotation changes the root's sign key")
        verify_root_v2(nested, pin_qr_payload(following_sign))
        if statement_id(following) != rotation.next_root:
            raise SignatureError("the new root is not the one the rotation names")
        if following["territory"] != current["territory"]:
            raise SignatureError("the new root is another territory's")
        sequence = rotation.sequence
        current_envelope, current, current_id = nested, following, rotation.next_root
    sign_public = read_key(current["sign_public_key"], "sign_public_key")
    return RotatedRoot(
        root=current_envelope,
        territory=current["territory"],
        sign_public=sign_public,
        box_public=read_key(current["box_public_key"], "box_public_key"),
        pin=pin_qr_payload(sign_public),
        sequence=sequence,
        changed=current_envelope is not root,
    )
