"""Expectations: sign-up, log-in, one's own account, sessions, second factor, recovery,
reset and erasure (docs/ROLES.md, docs/ACCOUNTS.md).

Routes about "me" act on the caller's own account only: every signed-in role reaches
them (the wrong credentials in the bodies are deliberate: the call is answered by the
account's checks, never by a role). Log-out ends the caller's session: it comes last.
"""

from __future__ import annotations

from tests.authz.matrix import Case, expect
from tests.authz.scene import Scene

WRONG_KEY = "A" * 43
NEW_PASSPHRASE = {
    "kdf": {
        "alg": "argon2id13",
        "salt": "A" * 22,
        "opslimit": 3,
        "memlimit": 67108864,
    },
    "auth_key": WRONG_KEY,
    "wrapped_master_passphrase": "A" * 96,
}
ANYONE = expect(200, anonymous=200)
# Open routes given a malformed body: answered the same to anyone, signed in or not.
OPEN_MALFORMED = expect((422, "invalid_request"), anonymous=(422, "invalid_request"))
# Well-formed bodies carrying unusable keys: past the caller's checks, refused by the
# account's (the same to every role).
BAD_KEYS = (422, "invalid_key_material")
SIGNED_IN = expect(200)


def prepare(scene: Scene) -> None:
    """A reset code for the person, issued by the territory admin."""
    issued = scene.api.post(
        "/api/v1/reset-codes",
        json={"login": scene.ids["person_login"]},
        headers=scene.headers("territory_admin"),
    )
    assert issued.status_code == 201, issued.text


CASES = [
    Case("GET", "/api/v1/health", ANYONE),
    Case("GET", "/api/v1/ready", ANYONE),
    Case("GET", "/api/v1/territory", ANYONE),
    # Sign-up is open; a login in use is refused the same to everyone.
    Case(
        "POST",
        "/api/v1/accounts",
        expect((409, "login_taken"), anonymous=(409, "login_taken")),
        json="{taken_signup}",
    ),
    Case("POST", "/api/v1/auth/prelogin", ANYONE, json={"login": "{person_login}"}),
    Case(
        "POST",
        "/api/v1/auth/login",
        OPEN_MALFORMED,
        json={"login": "personne-inconnue"},
    ),
    Case(
        "POST",
        "/api/v1/auth/web-login",
        OPEN_MALFORMED,
        json={"login": "personne-inconnue"},
    ),
    Case("GET", "/api/v1/me", SIGNED_IN),
    Case(
        "POST",
        "/api/v1/auth/recover",
        OPEN_MALFORMED,
        json={"login": "personne-inconnue"},
    ),
    Case(
        "POST",
        "/api/v1/auth/recover/passphrase",
        expect(BAD_KEYS, anonymous=BAD_KEYS),
        json={**NEW_PASSPHRASE, "token": "nope"},
    ),
    Case(
        "POST",
        "/api/v1/auth/web-recover/passphrase",
        expect(BAD_KEYS, anonymous=BAD_KEYS),
        json={**NEW_PASSPHRASE, "token": "nope"},
    ),
    Case(
        "POST",
        "/api/v1/me/passphrase",
        expect(BAD_KEYS),
        json={**NEW_PASSPHRASE, "current_auth_key": WRONG_KEY},
    ),
    Case(
        "POST",
        "/api/v1/me/recovery-code",
        expect(BAD_KEYS),
        json={
            "current_auth_key": WRONG_KEY,
            "recovery_auth_key": WRONG_KEY,
            "wrapped_master_recovery": "A" * 96,
        },
    ),
    Case(
        "POST",
        "/api/v1/me/kdf-upgrade",
        expect(BAD_KEYS),
        json={**NEW_PASSPHRASE, "current_auth_key": WRONG_KEY},
    ),
    Case(
        "POST",
        "/api/v1/auth/reset",
        OPEN_MALFORMED,
        json={"reset_code": "nope"},
    ),
    Case("GET", "/api/v1/me/reset", SIGNED_IN),
    # The person has a reset code waiting (prepare): they cancel their own; the others
    # have nothing to cancel.
    Case("POST", "/api/v1/me/reset/cancel", expect((404, "reset_not_pending"), person=200)),
    # Erasure is a person's (with their passphrase's key); other accounts are erased by
    # an operator.
    Case(
        "DELETE",
        "/api/v1/me",
        expect(
            (403, "account_erasure_refused"),
            person=(403, "wrong_passphrase"),
            other_person=(403, "wrong_passphrase"),
        ),
        json={"auth_key": WRONG_KEY},
    ),
    Case("GET", "/api/v1/sessions", SIGNED_IN),
    Case(
        "DELETE",
        "/api/v1/sessions/{session_id}",
        expect((404, "session_not_found"), person=204),
        state="another session of the person",
        ids={"session_id": "person_session"},
        fresh=True,
    ),
    Case("POST", "/api/v1/sessions/revoke-others", SIGNED_IN),
    # TOTP: the accounts that must use it have it already.
    Case(
        "POST",
        "/api/v1/me/totp",
        expect(
            201,
            territory_admin=(409, "totp_already_enabled"),
            charter_officer=(409, "totp_already_enabled"),
        ),
    ),
    # Each account confirms its own enrolment (the others enrolled just above; a wrong
    # code) and turns its own TOTP off (not on; never for the roles that require it).
    Case(
        "POST",
        "/api/v1/me/totp/confirm",
        expect(
            (401, "invalid_totp"),
            territory_admin=(409, "totp_not_enrolled"),
            charter_officer=(409, "totp_not_enrolled"),
        ),
        json={"code": "000000"},
    ),
    Case(
        "DELETE",
        "/api/v1/me/totp",
        expect(
            (409, "totp_not_enabled"),
            territory_admin=(403, "totp_mandatory"),
            charter_officer=(403, "totp_mandatory"),
        ),
        json={"code": "000000"},
    ),
    Case("POST", "/api/v1/auth/logout", expect(204)),
]
