"""A new territory's v2 trust (crypto/SPEC.md §26.1, §26.3): the first v2 root and the
first revocation list, checked before ``coffre territory bootstrap`` stores them with
the territory admin, in the same transaction.

Both are signed on the territory admin's machine with their account's sign key (the
root key); the server only checks them. A territory made before v2 publishes them
later through ``coffre territory publish-root`` (``CertificateService.publish_root``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from coffre.structures.certificates import InvalidRevocationList, InvalidTrustRoot
from coffre.structures.models import RevocationList, TrustRootV2
from crypto import CryptoError
from crypto.certificates_v2 import verify_revocation_list, verify_root_v2
from crypto.pins import pin_qr_payload


@dataclass(frozen=True)
class FirstTrust:
    """The envelopes the bootstrap signed: the v2 root and the first (empty) list."""

    root: dict[str, Any]
    revocations: dict[str, Any]


def first_root_row(
    root: dict[str, Any], *, sign_public: bytes, territory: str, now: datetime
) -> TrustRootV2:
    """Rotation 0 of the v2 root: self-signed by ``sign_public`` for ``territory``;
    InvalidTrustRoot otherwise."""
    try:
        statement = verify_root_v2(root, pin_qr_payload(sign_public))
    except (CryptoError, KeyError, TypeError) as exc:
        raise InvalidTrustRoot() from exc
    if str(statement.get("territory")) != territory:
        raise InvalidTrustRoot()
    return TrustRootV2(
        sequence=0,
        territory=territory,
        root=json.dumps(root),
        link=None,
        sign_public_key=sign_public,
        created_at=now,
    )


def first_list_row(
    envelope: dict[str, Any],
    *,
    root_sign_public: bytes,
    territory: str,
    now: datetime,
    uploaded_by: str,
) -> RevocationList:
    """The first revocation list: signed by the first root, valid now, naming nothing
    (nothing is certified yet); InvalidRevocationList otherwise."""
    try:
        checked = verify_revocation_list(
            envelope, root_sign_public=root_sign_public, territory=territory, now=now
        )
    except (CryptoError, KeyError, TypeError) as exc:
        raise InvalidRevocationList() from exc
    if checked.revoked:
        raise InvalidRevocationList()
    return RevocationList(
        sequence=checked.sequence,
        envelope=json.dumps(envelope),
        issued_at=checked.issued_at,
        next_update=checked.next_update,
        uploaded_at=now,
        uploaded_by=uploaded_by,
    )
