"""The stored secrets, sealed under a key id of the ring (coffre/secrets/keyring.py).

- TOTP seeds (``totp_credentials``): sealed for their account id. A row without a key
  id was sealed by an earlier version (SecretBox under HMAC-SHA-256 of the secret "k0",
  i.e. COFFRE_SECRET_KEY, over the purpose and the account id): still opened as such
  while "k0" is in the ring; ``coffre secrets rotate`` re-seals it.
- Webhook signing secrets (``webhook_endpoints``): sealed for their endpoint id; kept
  in clear by earlier versions until ``coffre secrets rotate`` seals them.
- The login verifiers' key (``server_secrets``, ``login-verifier``): see
  ``coffre.secrets.models``.

Functions take the caller's session and never log a secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox
from sqlalchemy import exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import Account
from coffre.secrets.keyring import LEGACY_KID, Keyring, SecretKeyRetired
from coffre.secrets.models import ServerSecret

TOTP_LABEL = "coffre/totp-secret/v2"
WEBHOOK_LABEL = "coffre/webhook-secret/v1"
SERVER_LABEL = "coffre/server-secret/v1"
VERIFIER_KEY = "login-verifier"
_MADE = "coffre.secrets.verifier_key_made"  # Session.info: made in this unit of work
# The construction of earlier versions (coffre/accounts/totp.py before the keyring).
_LEGACY_TOTP_PURPOSE = b"coffre/v1/totp-secret"


def seal_totp(keyring: Keyring, account_id: str, seed: bytes) -> tuple[str, bytes]:
    return keyring.seal(TOTP_LABEL, account_id.encode(), seed)


def open_totp(keyring: Keyring, account_id: str, kid: str | None, box: bytes) -> bytes:
    """The seed of a TOTP credential; SecretKeyRetired when its key is gone."""
    if kid is not None:
        return keyring.open(TOTP_LABEL, kid, account_id.encode(), box)
    legacy = keyring.secret(LEGACY_KID)
    if legacy is None:
        raise SecretKeyRetired(LEGACY_KID)
    key = hmac.new(
        legacy, _LEGACY_TOTP_PURPOSE + b"\n" + account_id.encode(), hashlib.sha256
    ).digest()
    try:
        return SecretBox(key).decrypt(box)
    except CryptoError:
        raise SecretKeyRetired(LEGACY_KID) from None


def seal_webhook(keyring: Keyring, endpoint_id: str, secret: str) -> tuple[str, bytes]:
    return keyring.seal(WEBHOOK_LABEL, endpoint_id.encode(), secret.encode("ascii"))


def open_webhook(
    keyring: Keyring, endpoint_id: str, kid: str | None, box: bytes | None, plain: str | None
) -> str:
    """An endpoint's signing secret: its box, or the clear value of an earlier version."""
    if kid is not None and box is not None:
        return keyring.open(WEBHOOK_LABEL, kid, endpoint_id.encode(), box).decode("ascii")
    if plain is None:
        raise SecretKeyRetired(kid or "?")
    return plain


def seal_server(keyring: Keyring, name: str, value: bytes) -> tuple[str, bytes]:
    return keyring.seal(SERVER_LABEL, name.encode(), value)


def open_server(keyring: Keyring, row: ServerSecret) -> bytes:
    return keyring.open(SERVER_LABEL, row.kid, row.name.encode(), row.box)


def legacy_verifier_key(keyring: Keyring) -> bytes:
    """The verifiers' key of a deployment from before the keyring: COFFRE_SECRET_KEY
    itself ("k0"), as the HMAC key it always was (its verifiers stay valid)."""
    legacy = keyring.secret(LEGACY_KID)
    if legacy is None:
        raise SecretKeyRetired(LEGACY_KID)
    return legacy


def made_in(db: DbSession) -> bool:
    """Whether this unit of work stored the verifiers' key (not committed yet)."""
    return bool(db.info.get(_MADE))


def accounts_exist(db: DbSession) -> bool:
    return bool(db.scalar(select(exists().where(Account.id.is_not(None)))))


def _insert_if_absent(db: DbSession, row: dict[str, object]) -> None:
    dialect = db.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.execute(insert(ServerSecret).values(**row).on_conflict_do_nothing(index_elements=["name"]))


def verifier_key(
    db: DbSession, keyring: Keyring, now: datetime, *, create: bool
) -> tuple[bytes | None, bool]:
    """The login verifiers' key and whether it is stored (committed or in this unit of
    work). Not stored yet:

    - accounts exist (a deployment from before the keyring): their verifiers were made
      with COFFRE_SECRET_KEY, so that is the key ("k0"); it is not stored here (the
      caller may be in a read-only unit of work) but by ``coffre secrets rotate``,
      after which "k0" may be retired;
    - no account yet: ``create`` stores a fresh random key in the caller's unit of
      work (parallel creators: the first one's stands); without ``create`` None (there
      is nothing a verifier could match).
    """
    row = db.get(ServerSecret, VERIFIER_KEY)
    if row is not None:
        return open_server(keyring, row), True
    if accounts_exist(db):
        return legacy_verifier_key(keyring), False
    if not create:
        return None, False
    store_server_secret(db, keyring, VERIFIER_KEY, secrets.token_bytes(32), now)
    db.info[_MADE] = True
    row = db.get(ServerSecret, VERIFIER_KEY, populate_existing=True)
    if row is None:  # just inserted, or a parallel creator's: cannot be missing
        raise SecretKeyRetired(VERIFIER_KEY)
    return open_server(keyring, row), True


def store_server_secret(
    db: DbSession, keyring: Keyring, name: str, value: bytes, now: datetime
) -> None:
    """Store ``value`` sealed under the newest entry, unless ``name`` is already stored."""
    kid, box = seal_server(keyring, name, value)
    _insert_if_absent(db, {"name": name, "kid": kid, "box": box, "created_at": now})
