"""A professional's personal access tokens: made, listed, revoked, and checked at each
request (docs/PARTNERS.md).

A partner's integration (a CAF's software opening the RSA, a SIAO's housing tool)
calls the API with a token instead of a human session with its idle timeout. A token:

- is made by the professional from their own page (a human session: a token never
  makes, lists or revokes tokens), with a label, the scopes it needs
  (``coffre.policy.tokens.Scope``, none by default) and an expiry of 90 days at most;
- is shown once: ``coffre_pat_`` + 43 base64url characters (256 random bits); only
  its SHA-256 is stored;
- belongs to the membership in force when it was made: it is dead at once when that
  membership ends or its certificate is revoked or expires (checked at each request,
  nothing to clean up), when it expires, or when it is revoked; a key rotation
  revokes the professional's tokens for good (``end_for_new_keys``);
- makes at most ``token_rate_limit`` requests per ``token_rate_window_seconds``,
  counted by the database in one statement (``count_in_window``), so the limit holds
  across server processes.

Which routes a token may call, and with which scope, is the API's table
(``api/token_scopes.py``); ``authenticate`` checks the scope it is given.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session as DbSession

from coffre.accounts import repository as accounts_repository
from coffre.accounts import token_repository as repository
from coffre.accounts.errors import NotAuthenticated
from coffre.accounts.sessions import token_hash
from coffre.accounts.token_errors import (
    InvalidTokenRequest,
    TokenExpired,
    TokenHolderLeft,
    TokenNotFound,
    TokenRateLimited,
    TokenRevoked,
    TokenScopeRefused,
    TokensNotAllowed,
    TooManyTokens,
)
from coffre.accounts.token_models import AccessToken, RateWindow
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.db.engine import Database, hold
from coffre.db.statements import count_in_window
from coffre.ids import new_id
from coffre.policy import Action, Actor, Role, can
from coffre.policy.tokens import Scope, permits
from coffre.settings import Settings
from coffre.structures.models import Membership
from coffre.structures.standing import standing_of
from coffre.text import is_clean_text

TOKEN_PREFIX = "coffre_pat_"  # noqa: S105 (a prefix, not a secret)
# 32 random bytes, base64url without padding.
TOKEN_LENGTH = len(TOKEN_PREFIX) + 43
MAX_DAYS = 90
MAX_LABEL = 80
# Only refresh ``last_used_at`` once a minute: a read should not always be a write.
_USED_RESOLUTION = timedelta(seconds=60)


def is_access_token(token: str) -> bool:
    """The credential is a personal access token (not a session token)."""
    return token.startswith(TOKEN_PREFIX)


@dataclass(frozen=True)
class TokenView:
    """A token as its professional sees it in the list (never the token itself)."""

    id: str
    label: str
    scopes: tuple[str, ...]
    structure_id: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    expired: bool


@dataclass(frozen=True)
class IssuedToken:
    """A new token: ``token`` is shown once and never again."""

    token: str
    view: TokenView


def _view(row: AccessToken, structure_id: str, now: datetime) -> TokenView:
    return TokenView(
        id=row.id,
        label=row.label,
        scopes=tuple(row.scopes.split()),
        structure_id=structure_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        expired=row.expires_at <= now,
    )


def _membership_alive(membership: Membership | None, now: datetime) -> bool:
    return (
        membership is not None
        and membership.left_at is None
        and membership.certificate is not None
        and membership.revoked_at is None
        and (membership.not_after is None or membership.not_after > now)
    )


def read_scopes(names: Iterable[str]) -> frozenset[Scope]:
    """The scopes a request names; an unknown one refuses the whole request."""
    try:
        return frozenset(Scope(name) for name in names)
    except ValueError:
        raise InvalidTokenRequest() from None


def _check_request(label: str, scopes: frozenset[Scope], days: int) -> str:
    label = label.strip()
    if (
        not label
        or len(label) > MAX_LABEL
        or not is_clean_text(label)
        or not scopes
        or not 1 <= days <= MAX_DAYS
    ):
        raise InvalidTokenRequest()
    return label


class TokenService:
    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock

    def issue(self, actor: Actor, label: str, scopes: frozenset[Scope], days: int) -> IssuedToken:
        """Make a token for the caller's membership in force; its text is in the answer
        and nowhere else."""
        label = _check_request(label, scopes, days)
        now = self._clock.now()
        # write=True: the count of tokens in force and the new one are decided together.
        with self._db.unit_of_work(write=True) as db:
            hold(db, "access_tokens", actor.account_id)
            # The policy decides (a professional's own session, a certified member in
            # force); anyone else has no membership in force and is refused alike.
            membership = repository.membership_in_force(db, actor.account_id, now)
            if membership is None or not can(actor, Action.TOKEN_CREATE, standing_of(membership)):
                raise TokensNotAllowed()
            if (
                repository.count_in_force(db, actor.account_id, now)
                >= self._settings.tokens_per_professional
            ):
                raise TooManyTokens()
            token = TOKEN_PREFIX + secrets.token_urlsafe(32)
            row = AccessToken(
                id=new_id(),
                account_id=actor.account_id,
                membership_id=membership.id,
                token_hash=token_hash(token),
                label=label,
                scopes=" ".join(sorted(scope.value for scope in scopes)),
                created_at=now,
                expires_at=now + timedelta(days=days),
            )
            db.add(row)
            entry = audit.by(
                actor,
                "token.create",
                structure_id=membership.structure_id,
                object_type="access_token",
                object_id=row.id,
                details={"scopes": row.scopes.split(), "days": days},
            )
            audit.append(db, entry, now)
            return IssuedToken(token=token, view=_view(row, membership.structure_id, now))

    def list_tokens(self, actor: Actor) -> list[TokenView]:
        """The caller's tokens not revoked, the newest first (none for anyone else)."""
        if not can(actor, Action.TOKEN_LIST):
            return []
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            views = []
            for row in repository.tokens_of(db, actor.account_id):
                membership = repository.membership(db, row.membership_id)
                structure = membership.structure_id if membership is not None else ""
                views.append(_view(row, structure, now))
            return views

    def revoke(self, actor: Actor, token_id: str) -> None:
        """Revoke one of the caller's tokens, at once; another's reads as unknown."""
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            row = repository.token_by_id(db, token_id)
            owned = row is not None and can(actor, Action.TOKEN_REVOKE, _Owned(row.account_id))
            if row is None or not owned or not repository.revoke(db, token_id, now):
                raise TokenNotFound()
            entry = audit.by(actor, "token.revoke", object_type="access_token", object_id=token_id)
            audit.append(db, entry, now)

    def end_for_new_keys(self, db: DbSession, account_id: str, now: datetime) -> None:
        """A key rotation's hook (coffre/structures/rotation.py): the professional's
        keys were lost or seen, so their tokens (made on that device, perhaps) end for
        good. Without it, certifying the new key would clear the membership's
        revocation and bring the old tokens back to life."""
        repository.revoke_all(db, account_id, now)

    def authenticate(self, token: str, scope: Scope) -> Actor:
        """Resolve a token used on a route that needs ``scope`` to its actor, and count
        the request in the token's window.

        Refusals: an unknown token ``not_authenticated``; expired, revoked, or its
        membership or certificate ended: its own code (401); without ``scope``:
        ``token_scope`` (403); over the rate: ``rate_limited`` (429, Retry-After)."""
        if not is_access_token(token) or len(token) != TOKEN_LENGTH:
            raise NotAuthenticated()
        now = self._clock.now()
        # write=True: the window's count is written in this unit of work (SQLite takes
        # the write lock at once rather than upgrading a read, which parallel requests
        # would make fail).
        with self._db.unit_of_work(write=True) as db:
            row = repository.token_by_hash(db, token_hash(token))
            if row is None:
                raise NotAuthenticated()
            if row.revoked_at is not None:
                raise TokenRevoked()
            if row.expires_at <= now:
                raise TokenExpired()
            if not _membership_alive(repository.membership(db, row.membership_id), now):
                raise TokenHolderLeft()
            account = accounts_repository.account_by_id(db, row.account_id)
            if account is None or account.deleted_at is not None:
                raise NotAuthenticated()
            actor = Actor(
                account_id=account.id,
                role=Role(account.kind),
                session_id=row.id,
                token_id=row.id,
                scopes=frozenset(row.scopes.split()),
            )
            if not permits(actor, scope):
                raise TokenScopeRefused()
            window = self._settings.token_rate_window_seconds
            second = int(now.timestamp())
            start = second - second % window
            if (
                count_in_window(db, RateWindow, row.id, start, self._settings.token_rate_limit)
                is None
            ):
                raise TokenRateLimited(retry_after=start + window - second)
            if row.last_used_at is None or now - row.last_used_at >= _USED_RESOLUTION:
                row.last_used_at = now
            return actor


@dataclass(frozen=True)
class _Owned:
    owner_id: str
