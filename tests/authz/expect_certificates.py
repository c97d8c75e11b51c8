"""Expectations: certificates with a life (coffre/structures/certificates.py,
crypto/SPEC.md §26): revoking a certificate (the territory admin, or the structure
admin for a professional of their structure; anyone else as for an unknown
membership), the root-signed revocation list and the v2 trust root (public to read,
the territory admin's to publish), and the person's grants held by a revoked key.

``prepare`` makes certified professionals to revoke, one per call. The scene's
territory has no v2 root (publishing one would turn the other areas' certifications
into v2 ones): publishing a list answers ``trust_root_missing``, reading the root too;
the v2 flows themselves are tests/structures/test_certificate_life.py's.
"""

from __future__ import annotations

from crypto import b64encode
from tests.authz.matrix import Case, expect
from tests.authz.scene import Scene
from tests.structures.world import certify_member, invite, join, material

NOT_ALLOWED = (403, "not_allowed")
NO_MEMBERSHIP = (404, "membership_not_found")
# A professional's key rotation with a box key one byte short: refused before anything
# (a professional: invalid_key_material; anyone else: not_allowed), nothing changes.
_SHORT = {
    "login": "pro-cles",
    "kdf": {
        "v": 2,
        "alg": "argon2id13",
        "salt_random": b64encode(bytes(16)),
        "opslimit": 3,
        "memlimit": 67108864,
    },
    "current_auth_key": b64encode(bytes(32)),
    "auth_key": b64encode(b"\x01" * 32),
    "recovery_auth_key": b64encode(b"\x02" * 32),
    "wrapped_master_passphrase": b64encode(b"\x01" * 73),
    "wrapped_master_recovery": b64encode(b"\x01" * 73),
    "wrapped_keyring": b64encode(b"\x01" * 105),
    "box_public_key": b64encode(b"\x03" * 31),
    "sign_public_key": b64encode(b"\x04" * 32),
}
BAD_KEYS = (422, "invalid_key_material")


def _certified_member(scene: Scene) -> str:
    w = scene.cw.world
    scene.counter += 1
    who = join(
        scene.api,
        invite(scene.api, w.structure_admin, w.structure_id, "professional", "M. Révoqué"),
        material(46, f"pro-revoque-{scene.counter}"),
    )
    return certify_member(scene.api, w.structure_admin, w.structure_id, who.account_id)


def prepare(scene: Scene) -> None:
    scene.makers["certified_membership"] = lambda: _certified_member(scene)
    scene.ids["certified_membership"] = _certified_member(scene)


CASES = [
    Case(
        "POST",
        "/api/v1/memberships/{membership_id}/certificate/revoke",
        expect(NO_MEMBERSHIP, structure_admin=200, territory_admin=200),
        state="a certified professional",
        ids={"membership_id": "certified_membership"},
        json={"reason": "left"},
        fresh=True,
    ),
    Case("GET", "/api/v1/trust/revocations", expect(200, anonymous=200)),
    Case(
        "GET",
        "/api/v1/trust/revocations/status",
        expect(NOT_ALLOWED, territory_admin=200),
    ),
    Case(
        "PUT",
        "/api/v1/trust/revocations",
        expect(NOT_ALLOWED, territory_admin=(404, "trust_root_missing")),
        state="a list signed by nobody, no v2 root yet",
        json={"list": {"statement": {}}},
    ),
    Case(
        "GET",
        "/api/v1/trust/root/v2",
        expect((404, "trust_root_missing"), anonymous=(404, "trust_root_missing")),
    ),
    Case(
        "PUT",
        "/api/v1/trust/root/v2",
        expect(NOT_ALLOWED, territory_admin=(422, "invalid_trust_root")),
        state="a first root that is not a signed root",
        json={"root": {"statement": {}}},
    ),
    Case(
        "POST",
        "/api/v1/me/keys/rotate",
        expect(
            NOT_ALLOWED,
            pro_active=BAD_KEYS,
            pro_revoked=BAD_KEYS,
            pro_expired=BAD_KEYS,
            pro_none=BAD_KEYS,
            structure_admin=BAD_KEYS,
        ),
        state="new keys with a box key one byte short",
        json=_SHORT,
    ),
    Case(
        "GET",
        "/api/v1/revoked-keys/grants",
        expect(NOT_ALLOWED, person=200, other_person=200),
    ),
]
