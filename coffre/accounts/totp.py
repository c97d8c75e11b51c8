"""The TOTP second factor (RFC 6238, through ``pyotp``): enrolment, codes, replay refusal.

Who must use it is decided by the policy: roles in ``TOTP_REQUIRED`` at every
login; roles in ``TOTP_ALLOWED`` once they turned it on. Persons may turn it on and
off: it is never a wall for someone without a stable phone (DESIGN.md, deviation
recorded in THREATS.md).

The shared secret must be readable by the server to check codes, so it is stored
in a SecretBox (XSalsa20-Poly1305, PyNaCl) under a key derived from the newest entry
of the keyring (``COFFRE_SECRET_KEYS``) and the account id, with that entry's key id
(``coffre.secrets.stored``; ``coffre secrets rotate`` re-seals it under a newer one):
a database dump alone gives no code, and a secret cannot be moved to another
account's row. A code is accepted for the
current 30-second step or one step either side (phone clocks drift), once: the
step it matched is recorded and no code of that step or an earlier one is
accepted again.
"""

from __future__ import annotations

import base64
import hmac
import io
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno
from sqlalchemy.orm import Session as DbSession

from coffre.accounts import repository
from coffre.accounts.errors import (
    InvalidTotp,
    NotAuthenticated,
    TotpAlreadyEnabled,
    TotpMandatory,
    TotpNotAllowed,
    TotpNotEnabled,
    TotpNotEnrolled,
)
from coffre.accounts.models import Account, TotpCredential
from coffre.accounts.throttle import LoginThrottle
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.db.engine import Database, hold
from coffre.errors import CoffreError
from coffre.policy import Action, Actor, can
from coffre.secrets import stored as secret_store
from coffre.settings import Settings

DIGITS = 6
STEP_SECONDS = 30
# 160 bits, the size RFC 4226 §4 recommends (and authenticator apps expect).
SECRET_BYTES = 20
# Steps accepted either side of the current one.
VALID_WINDOW = 1
_CODE = re.compile(r"^[0-9]{6}$")


@dataclass(frozen=True)
class TotpEnrolment:
    """What the person needs to add the account to an authenticator app."""

    secret: str  # base32, for typing by hand
    otpauth_uri: str
    qr_svg: str


def normalise_code(raw: str | None) -> str | None:
    """Six ASCII digits (spaces allowed between them), or None when it cannot be a code."""
    if raw is None:
        return None
    code = re.sub(r"\s", "", raw)
    return code if _CODE.match(code) else None


def qr_svg(data: str) -> str:
    """An SVG QR code of ``data``, drawn here (nothing is sent to any other service)."""
    qr = segno.make(data, error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=4, border=4, dark="#000", light="#fff", xmldecl=False)
    return out.getvalue().decode()


class TotpCodes:
    """Sealing secrets and checking codes; works inside the caller's unit of work."""

    def __init__(self, settings: Settings) -> None:
        self._keyring = settings.keyring
        self.issuer = settings.totp_issuer

    def seal(self, credential: TotpCredential, secret: bytes) -> None:
        """Seal ``secret`` into the credential under the newest key of the ring."""
        credential.secret_kid, credential.secret_box = secret_store.seal_totp(
            self._keyring, credential.account_id, secret
        )

    def totp(self, credential: TotpCredential) -> pyotp.TOTP:
        raw = secret_store.open_totp(
            self._keyring, credential.account_id, credential.secret_kid, credential.secret_box
        )
        return pyotp.TOTP(_b32(raw), digits=DIGITS)

    def accept(self, db: DbSession, credential: TotpCredential, raw: str, now: datetime) -> bool:
        """True if ``raw`` is a valid, unused code now; its step is then marked used."""
        code = normalise_code(raw)
        if code is None:
            return False
        totp = self.totp(credential)
        current = totp.timecode(now)
        matched = [
            step
            for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1)
            if hmac.compare_digest(totp.generate_otp(step), code)
        ]
        if not matched:
            return False
        return repository.claim_totp_step(db, credential.account_id, max(matched))


def _b32(raw: bytes) -> str:
    """Base32 without padding, as authenticator apps and otpauth:// URIs expect it."""
    return base64.b32encode(raw).decode().rstrip("=")


class TotpService:
    """Enrolment (start, confirm) and turning the second factor off."""

    def __init__(
        self, db: Database, settings: Settings, clock: Clock, throttle: LoginThrottle
    ) -> None:
        self._db = db
        self._clock = clock
        self._codes = TotpCodes(settings)
        self._throttle = throttle

    def _account(self, db: DbSession, actor: Actor) -> Account:
        account = repository.account_by_id(db, actor.account_id)
        if account is None:
            raise NotAuthenticated()
        return account

    def enrol(self, actor: Actor) -> TotpEnrolment:
        """Start (or restart) enrolment with a fresh secret; it counts once confirmed."""
        if not can(actor, Action.TOTP_ENROL):
            raise TotpNotAllowed()
        now = self._clock.now()
        raw = secrets.token_bytes(SECRET_BYTES)
        # write=True: enrolment, confirmation and turning off hold the account's TOTP key
        # before reading the credential, so they run one after another (parallel
        # enrolments make one row; a new secret never slips under a confirmation).
        with self._db.unit_of_work(write=True) as db:
            account = self._account(db, actor)
            hold(db, "totp", account.id)
            credential = repository.totp_credential(db, account.id)
            if credential is not None and credential.confirmed_at is not None:
                raise TotpAlreadyEnabled()
            if credential is None:
                credential = TotpCredential(account_id=account.id)
                db.add(credential)
            self._codes.seal(credential, raw)
            credential.created_at = now
            credential.confirmed_at = None
            credential.last_used_step = None
            login = account.login
            audit.append(db, audit.by(actor, "account.totp_enrol"), now)
        secret = _b32(raw)
        uri = pyotp.TOTP(secret, digits=DIGITS).provisioning_uri(
            name=login, issuer_name=self._codes.issuer
        )
        return TotpEnrolment(secret=secret, otpauth_uri=uri, qr_svg=qr_svg(uri))

    def confirm(self, actor: Actor, code: str) -> None:
        """Turn TOTP on with a first valid code; lifts an enrolment-only session.

        Other enrolment-only sessions of the account are ended: they never showed a
        second factor.
        """
        now = self._clock.now()
        refusal: CoffreError | None = None
        # write=True: the login's throttle is checked and charged under its lock.
        with self._db.unit_of_work(write=True) as db:
            account = self._account(db, actor)
            attempt = self._throttle.attempt(account.login, None)
            self._throttle.check(db, attempt, now)
            hold(db, "totp", account.id)
            credential = repository.totp_credential(db, account.id)
            if credential is None or credential.confirmed_at is not None:
                raise TotpNotEnrolled()
            if not self._codes.accept(db, credential, code, now):
                self._throttle.record_failure(db, attempt, now)
                refusal = InvalidTotp()
            else:
                credential.confirmed_at = now
                audit.append(db, audit.by(actor, "account.totp_on"), now)
                repository.lift_restriction(db, actor.session_id)
                repository.revoke_sessions(
                    db, account.id, now, keep=actor.session_id, restricted_only=True
                )
        # The failure is committed before the refusal is raised.
        if refusal is not None:
            raise refusal

    def disable(self, actor: Actor, code: str) -> None:
        """Turn TOTP off, with a current code; refused where the policy requires it."""
        if not can(actor, Action.TOTP_DISABLE):
            raise TotpMandatory()
        now = self._clock.now()
        refusal: CoffreError | None = None
        # write=True: the login's throttle is checked and charged under its lock.
        with self._db.unit_of_work(write=True) as db:
            account = self._account(db, actor)
            attempt = self._throttle.attempt(account.login, None)
            self._throttle.check(db, attempt, now)
            hold(db, "totp", account.id)
            credential = repository.totp_credential(db, account.id)
            if credential is None or credential.confirmed_at is None:
                raise TotpNotEnabled()
            if not self._codes.accept(db, credential, code, now):
                self._throttle.record_failure(db, attempt, now)
                refusal = InvalidTotp()
            else:
                db.delete(credential)
                audit.append(db, audit.by(actor, "account.totp_off"), now)
        if refusal is not None:
            raise refusal
