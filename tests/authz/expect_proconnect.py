"""Expectations: the ProConnect login routes (docs/PROCONNECT.md).

The matrix's scene runs without ProConnect configured: every route answers 404
``proconnect_disabled`` to everyone, signed in or not (a login route acts on no
object and on no role). With ProConnect on, the same routes are open to anyone and
answered by the login in progress in the browser, never by a role:
tests/proconnect/test_refusals.py checks that part against a real provider.
"""

from __future__ import annotations

from tests.authz.matrix import Case, expect

OFF = (404, "proconnect_disabled")
DISABLED = expect(OFF, anonymous=OFF)
# The professional's own link (status, undo): a session first, then ProConnect on.
SIGNED_IN = expect(OFF)

CASES = [
    Case("GET", "/api/v1/auth/proconnect/start", DISABLED),
    Case("POST", "/api/v1/auth/proconnect/start", DISABLED, json={"invitation": "A" * 30}),
    Case("GET", "/api/v1/auth/proconnect/callback", DISABLED),
    Case("GET", "/api/v1/auth/proconnect/pending", DISABLED),
    Case("POST", "/api/v1/auth/proconnect/complete", DISABLED, json={"auth_key": "A" * 43}),
    Case("POST", "/api/v1/auth/proconnect/join", DISABLED, json={"account": "{taken_signup}"}),
    Case("GET", "/api/v1/auth/proconnect/logout", DISABLED),
    Case("GET", "/api/v1/auth/proconnect/link", SIGNED_IN),
    Case("POST", "/api/v1/auth/proconnect/unlink", SIGNED_IN, json={"auth_key": "A" * 43}),
]
