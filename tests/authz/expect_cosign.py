"""Expectations: cosignatures of the log's checkpoints (docs/AUDIT.md, "Cosignatures"):
the status and the cosigned checkpoint are public; a key and a cosignature are the
charter officer's only."""

from __future__ import annotations

import base64

from tests.authz.matrix import Case, expect

PUBLIC = expect(200, anonymous=200)
REFUSED = (403, "not_allowed")
# A well-formed cosignature line (76 bytes: key ID, time, signature) that verifies nothing.
LINE = "\u2014 coffre.local/audit/cosigner/x " + base64.b64encode(bytes(76)).decode()

CASES = [
    Case("GET", "/api/v1/audit/cosigners", PUBLIC),
    # Nothing cosigned in the scene: everyone is told so, alike.
    Case(
        "GET",
        "/api/v1/audit/cosigned",
        expect((404, "checkpoint_not_cosigned"), anonymous=(404, "checkpoint_not_cosigned")),
    ),
    Case("GET", "/api/v1/audit/cosigner/name", expect(REFUSED, charter_officer=200)),
    Case(
        "PUT",
        "/api/v1/audit/cosigner",
        expect(REFUSED, charter_officer=(422, "cosigner_key_invalid")),
        json={"key": "not-a-cosigner-key+00000000+AAAA"},
    ),
    Case(
        "POST",
        "/api/v1/audit/cosignatures",
        expect(REFUSED, charter_officer=(409, "cosigner_not_registered")),
        json={"size": 1, "cosignature": LINE},
    ),
]
