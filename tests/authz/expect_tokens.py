"""Expectations: a professional's personal access tokens (docs/PARTNERS.md, "Tokens").

Any certified professional (a structure admin is one) makes tokens; a person, the
territory admin or the charter officer is refused (``tokens_not_allowed``). Everyone
signed in lists their own (none but a professional's). A token is revoked by its own
professional only; anyone else gets the answer for an unknown id. A token itself
never makes, lists or revokes tokens (``token_scope``, before any lookup).
"""

from __future__ import annotations

from tests.authz.matrix import Case, expect
from tests.authz.scene import Scene
from tests.tokens.world import make_token

NOT_ALLOWED = (403, "tokens_not_allowed")
TOKEN_NOT_FOUND = (404, "token_not_found")
BODY = {"label": "Logiciel RSA", "scopes": ["grants:read"], "days": 30}
# pro_none's membership was ended by expect_structures (which runs before): no longer a
# certified member, refused like a person.
PROFESSIONALS = ("pro_active", "pro_revoked", "pro_expired", "structure_admin")


def prepare(scene: Scene) -> None:
    """A fresh token of ``pro_active`` for each revocation."""
    pro = scene.who["pro_active"]
    scene.makers["token"] = lambda: str(make_token(scene.api, pro, ["grants:read"])["id"])


CASES = [
    Case("GET", "/api/v1/tokens", expect(200)),
    Case(
        "POST",
        "/api/v1/tokens",
        expect(NOT_ALLOWED, **dict.fromkeys(PROFESSIONALS, 201)),
        json=BODY,
    ),
    Case(
        "DELETE",
        "/api/v1/tokens/{token_id}",
        expect(TOKEN_NOT_FOUND, pro_active=204),
        ids={"token_id": "token"},
        fresh=True,
    ),
]
