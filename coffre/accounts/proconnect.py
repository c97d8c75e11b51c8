"""ProConnect: the relying party of the state's OpenID Connect federation for public
agents, and the link between a ProConnect identity and a professional account.

The flow (docs/PROCONNECT.md):

1. ``start``: a fresh ``state``, ``nonce`` and PKCE verifier (S256, RFC 7636) are
   kept server-side in a ``ProConnectFlow`` row, bound to the browser by the SHA-256
   of a random token that only the browser holds (an HttpOnly cookie); the browser
   goes to the provider's authorization endpoint.
2. ``callback``: once, for the browser holding the token and the matching ``state``,
   the code is exchanged (with the verifier and the client secret), the ID token is
   checked (signature against the provider's JWKS, RS256 or ES256 only; issuer;
   audience and ``azp``; expiry; ``nonce``), then the userinfo answer (signed JWT as
   ProConnect sends it, or JSON) for ``given_name``, ``usual_name``, ``email``,
   ``siret``. The identity must be linked to an account, or come with a usable
   professional invitation; otherwise it is refused (``proconnect_not_linked``).
3. ``complete``: ProConnect proves who the professional is, not that this page may
   open their keys. No session exists yet: the page asks for the passphrase, derives
   the login value and its key-encryption key on the device (SPEC §3, §19) and sends
   the login value here; ``AccountService.login`` checks it (throttled, second factor
   included) and only then opens the session and the keyring. A first login links
   the identity to the account in the same step, consuming the invitation.
3'. ``join``: a professional invited by their structure who has no account yet
   (the invitation page's "Rejoindre avec ProConnect"): back from ProConnect, the
   page makes their keys and passphrase on the device as at any sign-up; the account,
   its membership and the link are made in one transaction, the invitation spent.

The ``siret`` claim must be the SIRET of the structure the login is for (the
invitation's, or one the linked account is a member of): checked at the callback,
before any passphrase (coffre/accounts/proconnect_links.py). The ID token is kept,
for the browser only, as the ``id_token_hint`` of ProConnect's logout.

The HTTP exchange with the provider sits behind ``ProviderClient`` (api/ implements it
with authlib's httpx client): the domain holds the rules, not the transport. The
checks of the ID token and the userinfo answer are coffre/accounts/proconnect_tokens.py's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from coffre.accounts import repository as accounts_repository
from coffre.accounts.credentials import Credentials
from coffre.accounts.kdf import AccountKdf, kdf_of
from coffre.accounts.proconnect_errors import (
    ProConnectDisabled,
    ProConnectFlowUsed,
    ProConnectIssuerInvalid,
    ProConnectLinkRefused,
    ProConnectNotLinked,
    ProConnectProviderRefused,
    ProConnectSiretMismatch,
    ProConnectStateInvalid,
    ProConnectTokenInvalid,
)
from coffre.accounts.proconnect_links import (
    ProConnectLinks,
    siret_fits_account,
    siret_fits_structure,
)
from coffre.accounts.proconnect_models import ProConnectFlow, ProConnectLink
from coffre.accounts.proconnect_tokens import ProviderClient, check_id_token, userinfo_identity
from coffre.accounts.service import AccountService, LoginResult, SignupData
from coffre.accounts.sessions import SessionKind, token_hash
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.db.engine import Database
from coffre.errors import CoffreError
from coffre.ids import new_id
from coffre.policy import Role
from coffre.settings import Settings
from coffre.structures import repository as structures_repository
from coffre.structures.codes import code_hash
from coffre.structures.joining import MEMBER_INVITATIONS, add_member, usable_member_invitation
from coffre.structures.models import Invitation

# ProConnect's scopes for the claims we use (docs/PROCONNECT.md).
SCOPES = "openid given_name usual_name email siret uid"
FLOW_SECONDS = 10 * 60  # from the click to the passphrase; then start again


@dataclass(frozen=True)
class StartedLogin:
    browser_token: str  # for the HttpOnly cookie; only its hash is kept
    authorization_url: str


@dataclass(frozen=True)
class ReturnedLogin:
    """What the callback established: an identity linked, or to link by invitation."""

    linking: bool
    given_name: str
    usual_name: str


@dataclass(frozen=True)
class PendingLogin:
    """What the page shows before the passphrase: who ProConnect says this is, and,
    for a linked account, its login and KDF parameters (no secret)."""

    linking: bool
    given_name: str
    usual_name: str
    login: str | None
    kdf: AccountKdf | None
    # A first login whose invitation can still make a new account (``join``).
    joining: bool = False


@dataclass(frozen=True)
class OpenedLogin:
    """A session opened after ProConnect, and the ID token for ProConnect's logout."""

    login: LoginResult
    id_token: str


def browser_hash(token: str) -> bytes:
    return hashlib.sha256(b"coffre/proconnect-browser\x00" + token.encode()).digest()


class ProConnectService:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock,
        accounts: AccountService,
        provider: ProviderClient | None,
    ) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock
        self._accounts = accounts
        self._provider = provider
        self.links = ProConnectLinks(db, Credentials(accounts, settings), clock)

    @property
    def enabled(self) -> bool:
        return self._provider is not None and self._settings.proconnect_enabled

    def _client(self) -> ProviderClient:
        if self._provider is None or not self._settings.proconnect_enabled:
            raise ProConnectDisabled()
        return self._provider

    # -- 1. start ------------------------------------------------------------
    def start(self, invitation_code: str | None = None) -> StartedLogin:
        """A new login bound to this browser; where to send it (the provider)."""
        provider = self._client()
        invitation_hash = None
        if invitation_code:
            invitation_hash = code_hash(invitation_code)
            if invitation_hash is None:
                raise ProConnectLinkRefused()
        endpoint = str(provider.metadata()["authorization_endpoint"])
        now = self._clock.now()
        browser_token = secrets.token_urlsafe(32)
        flow = ProConnectFlow(
            id=new_id(),
            browser_hash=browser_hash(browser_token),
            state=generate_token(43),
            nonce=generate_token(43),
            code_verifier=generate_token(64),
            invitation_hash=invitation_hash,
            created_at=now,
            expires_at=now + timedelta(seconds=FLOW_SECONDS),
        )
        refused = False
        with self._db.unit_of_work() as db:
            if invitation_hash is not None:
                # Said now, not after the trip to ProConnect: a person's invitation, or
                # one that has ended, will link nobody (a used one may still link the
                # account it made: checked at the last step).
                invitation = _invitation(db, invitation_hash)
                refused = (
                    invitation is None
                    or invitation.kind not in MEMBER_INVITATIONS
                    or invitation.expires_at <= now
                )
            if refused:  # audited, and no flow is made
                audit.append(db, _refusal_entry(ProConnectLinkRefused()), now)
            else:
                # Logins abandoned on the way are removed here: they hold no secret of use.
                db.execute(delete(ProConnectFlow).where(ProConnectFlow.expires_at <= now))
                db.add(flow)
        if refused:
            raise ProConnectLinkRefused()
        url = prepare_grant_uri(
            endpoint,
            client_id=self._settings.proconnect_client_id,
            response_type="code",
            redirect_uri=self._settings.proconnect_redirect_uri,
            scope=SCOPES,
            state=flow.state,
            nonce=flow.nonce,
            code_challenge=create_s256_code_challenge(flow.code_verifier),
            code_challenge_method="S256",
        )
        return StartedLogin(browser_token=browser_token, authorization_url=url)

    # -- 2. callback ---------------------------------------------------------
    def callback(
        self,
        browser_token: str | None,
        *,
        state: str | None,
        code: str | None,
        error: str | None = None,
        issuer: str | None = None,
    ) -> ReturnedLogin:
        """Check the provider's answer for the login of this browser, once."""
        provider = self._client()
        flow = self._claim_return(browser_token, state)
        try:
            return self._verify_return(provider, flow, code=code, error=error, issuer=issuer)
        except CoffreError as refusal:
            self._record_refusal(refusal)
            raise

    def _claim_return(self, browser_token: str | None, state: str | None) -> ProConnectFlow:
        """The flow of this browser, marked returned (single use) before anything else:
        whatever happens next, this state cannot be presented again."""
        now = self._clock.now()
        refusal: CoffreError | None = None
        with self._db.unit_of_work() as db:
            flow = _flow_of(db, browser_token)
            if flow is None or flow.expires_at <= now:
                refusal = ProConnectStateInvalid()
            elif flow.returned_at is not None:
                refusal = ProConnectFlowUsed()
            elif not state or not hmac.compare_digest(state.encode(), flow.state.encode()):
                # A state that is not this browser's: a forged or crossed callback. The
                # flow is not burnt (the browser's own answer may still come).
                refusal = ProConnectStateInvalid()
            elif not _mark(db, ProConnectFlow.returned_at, flow.id, now):
                refusal = ProConnectFlowUsed()
            else:
                flow.returned_at = now
            if refusal is not None:
                audit.append(db, _refusal_entry(refusal), now)
        if refusal is not None:
            raise refusal
        assert flow is not None
        return flow

    def _verify_return(
        self,
        provider: ProviderClient,
        flow: ProConnectFlow,
        *,
        code: str | None,
        error: str | None,
        issuer: str | None,
    ) -> ReturnedLogin:
        expected_issuer = self._settings.proconnect_issuer
        if error or not code:
            raise ProConnectProviderRefused()
        # RFC 9207: when the provider names itself in the answer, it must be ours.
        if issuer is not None and issuer != expected_issuer:
            raise ProConnectIssuerInvalid()
        tokens = provider.exchange_code(code=code, code_verifier=flow.code_verifier)
        id_token = tokens.get("id_token")
        access_token = tokens.get("access_token")
        if not isinstance(id_token, str) or not isinstance(access_token, str):
            raise ProConnectTokenInvalid()
        claims = check_id_token(provider, self._settings, id_token, flow.nonce, self._clock.now())
        subject = str(claims["sub"])
        identity = userinfo_identity(provider, self._settings, access_token, subject)
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            link = _link_of(db, expected_issuer, subject)
            if link is None and flow.invitation_hash is None:
                raise ProConnectNotLinked()
            self._check_siret(db, link, flow, identity["siret"])
            row = db.get(ProConnectFlow, flow.id)
            if row is None:
                raise ProConnectStateInvalid()
            row.issuer = expected_issuer
            row.subject = subject
            row.account_id = link.account_id if link is not None else None
            # The names for the page, and the ID token for the browser's logout cookie
            # once a session opens; deleted at the last step (``_finish``, ``join``).
            row.claims = json.dumps({**identity, "id_token": id_token})
            row.expires_at = now + timedelta(seconds=FLOW_SECONDS)
        return ReturnedLogin(
            linking=link is None,
            given_name=identity["given_name"],
            usual_name=identity["usual_name"],
        )

    def _check_siret(
        self, db: DbSession, link: ProConnectLink | None, flow: ProConnectFlow, siret: str
    ) -> None:
        """The organisation ProConnect names must be the structure's (docs/PROCONNECT.md)."""
        if link is not None:
            fits = siret_fits_account(db, link.account_id, siret)
        else:
            invitation = _invitation(db, flow.invitation_hash)
            if invitation is None or invitation.structure_id is None:
                return  # refused at the link, as an unusable invitation
            fits = siret_fits_structure(db, invitation.structure_id, siret)
        if not fits:
            raise ProConnectSiretMismatch()

    def _record_refusal(self, refusal: CoffreError) -> None:
        with self._db.unit_of_work() as db:
            audit.append(db, _refusal_entry(refusal), self._clock.now())

    # -- 3. the page: who is this, then the passphrase -----------------------
    def pending(self, browser_token: str | None) -> PendingLogin:
        """The login this browser brought back from ProConnect, waiting for the passphrase."""
        self._client()
        with self._db.unit_of_work() as db:
            flow = self._returned_flow(db, browser_token)
            identity = json.loads(flow.claims or "{}")
            login: str | None = None
            kdf: AccountKdf | None = None
            joining = flow.account_id is None and usable_member_invitation(
                _invitation(db, flow.invitation_hash), self._clock.now()
            )
            if flow.account_id is not None:
                account = accounts_repository.account_by_id(db, flow.account_id)
                if account is None or account.deleted_at is not None:
                    raise ProConnectStateInvalid()
                login, kdf = account.login, kdf_of(account)
            return PendingLogin(
                linking=flow.account_id is None,
                given_name=str(identity.get("given_name", "")),
                usual_name=str(identity.get("usual_name", "")),
                login=login,
                kdf=kdf,
                joining=joining,
            )

    def complete(
        self,
        browser_token: str | None,
        *,
        auth_key: bytes,
        login: str | None = None,
        totp_code: str | None = None,
        address: str | None = None,
        user_agent: str | None = None,
    ) -> OpenedLogin:
        """The passphrase's login value for the account ProConnect named (or, for a
        first login, the account the professional names): the session opens only if
        ``AccountService.login`` accepts it; a first login links in the same step."""
        self._client()
        with self._db.unit_of_work() as db:
            flow = self._returned_flow(db, browser_token)
            account_login = None
            if flow.account_id is not None:
                account = accounts_repository.account_by_id(db, flow.account_id)
                account_login = account.login if account is not None else None
                if account_login is None:
                    raise ProConnectStateInvalid()
            flow_id = flow.id
        # Throttled, second factor included, audited as any login (account.login).
        result = self._accounts.login(
            account_login or login or "",
            auth_key,
            totp_code=totp_code,
            address=address,
            user_agent=user_agent,
            kind=SessionKind.WEB,
        )
        try:
            id_token = self._finish(flow_id, result)
        except CoffreError as refusal:
            # The session was opened by the login check: end it, nothing is kept.
            self._revoke(result.token)
            self._record_refusal(refusal)
            raise
        except IntegrityError as exc:
            self._revoke(result.token)
            self._record_refusal(ProConnectLinkRefused())
            raise ProConnectLinkRefused() from exc
        return OpenedLogin(result, id_token)

    def _finish(self, flow_id: str, result: LoginResult) -> str:
        now = self._clock.now()
        account = result.account
        with self._db.unit_of_work(write=True) as db:
            flow = db.get(ProConnectFlow, flow_id)
            if flow is None or not _mark(db, ProConnectFlow.done_at, flow_id, now):
                raise ProConnectFlowUsed()
            identity = json.loads(flow.claims or "{}")
            issuer, subject = flow.issuer or "", flow.subject or ""
            link = _link_of(db, issuer, subject)
            if link is None:
                link = self._link(db, flow, account.id, identity, now)
            elif link.account_id != account.id:
                raise ProConnectStateInvalid()
            link.last_login_at = now
            link.siret = str(identity.get("siret") or "") or link.siret
            flow.claims = None  # the names were for the page only
            audit.append(db, _login_entry(account.id, account.kind, link.id), now)
            return str(identity.get("id_token") or "")

    def _link(
        self,
        db: DbSession,
        flow: ProConnectFlow,
        account_id: str,
        identity: Mapping[str, Any],
        now: datetime,
    ) -> ProConnectLink:
        """A first login: the invitation names the structure; the account proved its
        passphrase. It must be a professional of that structure (or the account the
        invitation made), and neither it nor the invitation may be linked already."""
        account = accounts_repository.account_by_id(db, account_id)
        invitation = _invitation(db, flow.invitation_hash)
        if (
            account is None
            or account.kind != Role.PROFESSIONAL.value
            or invitation is None
            or invitation.kind not in MEMBER_INVITATIONS
            or invitation.structure_id is None
            or invitation.expires_at <= now
        ):
            raise ProConnectLinkRefused()
        if invitation.used_at is None:
            member = structures_repository.active_membership(
                db, account_id, invitation.structure_id
            )
            if member is None or not structures_repository.use_invitation(
                db, invitation.id, account_id, now
            ):
                raise ProConnectLinkRefused()
        elif invitation.used_by != account_id:
            raise ProConnectLinkRefused()
        return _add_link(db, flow, account_id, invitation, identity, now)

    # -- 3'. a new professional: their account, made here -------------------
    def join(
        self,
        browser_token: str | None,
        data: SignupData,
        *,
        address: str | None = None,
        user_agent: str | None = None,
    ) -> OpenedLogin:
        """Back from ProConnect with a member invitation and no account yet: the
        account the page made on the device (keys wrapped by the passphrase chosen
        there), its membership and the link, in one transaction; then the session, by
        the login value as at any login. Nothing is made if any step is refused."""
        self._client()
        now = self._clock.now()
        try:
            with self._db.unit_of_work(write=True) as db:
                flow = self._returned_flow(db, browser_token)
                # Decided first, by the row's lock: of parallel joins of one login,
                # one goes on and the others are replays (whatever they read before).
                if not _mark(db, ProConnectFlow.done_at, flow.id, now):
                    raise ProConnectFlowUsed()
                invitation = _invitation(db, flow.invitation_hash)
                if flow.account_id is not None or invitation is None:
                    raise ProConnectLinkRefused()
                if not usable_member_invitation(invitation, now):
                    raise ProConnectLinkRefused()
                identity = json.loads(flow.claims or "{}")
                self._check_siret(db, None, flow, str(identity.get("siret") or ""))
                account = add_member(db, self._accounts, invitation, data, now)
                link = _add_link(db, flow, account.id, invitation, identity, now, joined=True)
                link.last_login_at = now
                flow.claims = None
                audit.append(db, _login_entry(account.id, account.kind, link.id), now)
                id_token = str(identity.get("id_token") or "")
        except IntegrityError as exc:
            self._record_refusal(ProConnectLinkRefused())
            raise ProConnectLinkRefused() from exc
        except CoffreError as refusal:
            if refusal.code.startswith("proconnect_"):
                self._record_refusal(refusal)
            raise
        result = self._accounts.login(
            data.login,
            data.auth_key,
            address=address,
            user_agent=user_agent,
            kind=SessionKind.WEB,
        )
        return OpenedLogin(result, id_token)

    # -- logout: ProConnect's too ----------------------------------------------
    def logout_url(self, id_token: str | None) -> str | None:
        """Where to send the browser to end its ProConnect session (OpenID Connect
        RP-Initiated Logout 1.0, as ProConnect documents it: ``id_token_hint``,
        ``state``, ``post_logout_redirect_uri``); None when there is nothing to end.
        The provider comes back to Coffre's home page, registered with ProConnect."""
        if not self.enabled or not id_token or len(id_token) > 4096:
            return None
        endpoint = self._client().metadata().get("end_session_endpoint")
        if not isinstance(endpoint, str) or not endpoint:
            return None
        url: str = add_params_to_uri(
            endpoint,
            [
                ("id_token_hint", id_token),
                ("state", generate_token(32)),
                ("post_logout_redirect_uri", self.post_logout_redirect_uri),
            ],
        )
        return url

    @property
    def post_logout_redirect_uri(self) -> str:
        """Coffre's home page: the origin of the registered redirect URI, then ``/``."""
        redirect = urlsplit(self._settings.proconnect_redirect_uri)
        return urlunsplit((redirect.scheme, redirect.netloc, "/", "", ""))

    def _returned_flow(self, db: DbSession, browser_token: str | None) -> ProConnectFlow:
        flow = _flow_of(db, browser_token)
        if flow is None or flow.returned_at is None or flow.expires_at <= self._clock.now():
            raise ProConnectStateInvalid()
        if flow.done_at is not None or flow.subject is None:
            raise ProConnectFlowUsed()
        return flow

    def _revoke(self, token: str) -> None:
        with self._db.unit_of_work() as db:
            session = accounts_repository.session_by_token_hash(db, token_hash(token))
            if session is not None and session.revoked_at is None:
                session.revoked_at = self._clock.now()


def _flow_of(db: DbSession, browser_token: str | None) -> ProConnectFlow | None:
    if not browser_token or len(browser_token) > 128:
        return None
    query = select(ProConnectFlow).where(ProConnectFlow.browser_hash == browser_hash(browser_token))
    return db.scalars(query).one_or_none()


def _link_of(db: DbSession, issuer: str, subject: str) -> ProConnectLink | None:
    query = select(ProConnectLink).where(
        ProConnectLink.issuer == issuer, ProConnectLink.subject == subject
    )
    return db.scalars(query).one_or_none()


def _invitation(db: DbSession, hashed: bytes | None) -> Invitation | None:
    if hashed is None:
        return None
    return structures_repository.invitation_by_hash(db, hashed)


def _mark(db: DbSession, column: Any, flow_id: str, now: datetime) -> bool:
    """Set a once-only time on the flow: True for the one caller that found it unset."""
    query = (
        update(ProConnectFlow)
        .where(ProConnectFlow.id == flow_id, column.is_(None))
        .values({column.key: now})
        .execution_options(synchronize_session=False)
    )
    result = db.execute(query)
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def _add_link(
    db: DbSession,
    flow: ProConnectFlow,
    account_id: str,
    invitation: Invitation,
    identity: Mapping[str, Any],
    now: datetime,
    *,
    joined: bool = False,
) -> ProConnectLink:
    link = ProConnectLink(
        id=new_id(),
        account_id=account_id,
        issuer=flow.issuer or "",
        subject=flow.subject or "",
        invitation_id=invitation.id,
        siret=str(identity.get("siret") or "") or None,
        created_at=now,
    )
    db.add(link)
    db.flush()  # a second link of the account or the invitation: IntegrityError
    details: dict[str, Any] = {"invitation": invitation.id}
    if joined:
        details["joined"] = True  # the account was made by this ProConnect login
    audit.append(
        db,
        audit.Entry(
            action="proconnect.link",
            actor_id=account_id,
            actor_role=Role.PROFESSIONAL.value,
            structure_id=invitation.structure_id,
            object_type="proconnect_link",
            object_id=link.id,
            details=details,
        ),
        now,
    )
    return link


def _login_entry(account_id: str, role: str, link_id: str) -> audit.Entry:
    return audit.Entry(
        action="proconnect.login",
        actor_id=account_id,
        actor_role=role,
        object_type="proconnect_link",
        object_id=link_id,
    )


def _refusal_entry(refusal: CoffreError) -> audit.Entry:
    # Who it was is not known (or not proven): only that a ProConnect login was refused.
    return audit.Entry(action="proconnect.login", outcome="refused", details={"code": refusal.code})
