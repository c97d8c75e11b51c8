"""The HTTP client: sign-up, login, and the encrypted document round trip.

Everything secret stays here: the passphrase is turned into a login value and a
wrapping key (SPEC §3), documents are encrypted before they leave (SPEC §8–§10)
and decrypted after they arrive.
"""

from __future__ import annotations

import hashlib
import mimetypes
import platform
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from client.bundle import account_bundle
from client.kdf import AnyKdf, canonical_login, derive, read_kdf, rewrap_v2
from client.memory import ReaderMemory
from crypto import (
    AccountKeys,
    DocumentMetadata,
    DocumentMetadataV2,
    KdfParams,
    b64decode,
    b64encode,
    ciphertext_size,
    encrypt_metadata,
    encrypt_stream,
    format_recovery_code,
    new_document_key,
    seal_document_key,
    unwrap_keyring,
    unwrap_master_key,
)

READ_SIZE = 256 * 1024
LOGIN_MISMATCH_FR = (
    "Le serveur a répondu pour un autre identifiant que le vôtre. Rien n'a été envoyé : "
    "reconnectez-vous avec votre identifiant."
)
# Lets the server label this session "Application Coffre sur Linux" in the list of
# devices (it keeps only that coarse label, never the header).
USER_AGENT = f"coffre-client/0.1 ({platform.system() or 'unknown'})"
Progress = Callable[[int], None]


class ApiError(Exception):
    """An error answered by the server: a stable code and a French message."""

    def __init__(
        self, status: int, code: str, message: str, rows: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        # The rows of an imported file that were refused (line, field, French reason).
        self.rows = rows or []


@dataclass(frozen=True)
class SignupOutcome:
    account_id: str
    recovery_code: str


@dataclass(frozen=True)
class ResetOutcome:
    """A reset code was used: the new vault opens from ``completes_at`` (until then the
    old passphrase or kit can cancel); the new recovery code is shown now, once."""

    account_id: str
    recovery_code: str
    completes_at: datetime
    message: str


@dataclass(frozen=True)
class PendingReset:
    """A reset of one's account: a code not used yet ("code") or a reset that waits."""

    stage: str
    since: datetime
    until: datetime


@dataclass(frozen=True)
class LoginOutcome:
    token: str
    account_id: str
    login: str
    keys: AccountKeys
    # The account's role requires TOTP and it has none yet: this session may only
    # enrol (``enable_totp`` then ``confirm_totp``).
    totp_enrolment_required: bool = False


@dataclass(frozen=True)
class SessionEntry:
    """One of the account's live sessions (a device)."""

    id: str
    label: str
    kind: str
    created_at: datetime
    last_seen_at: datetime
    current: bool


@dataclass(frozen=True)
class TotpEnrolment:
    """What an authenticator app needs: the secret, its otpauth:// URI, a QR code (SVG)."""

    secret: str
    otpauth_uri: str
    qr_svg: str


@dataclass(frozen=True)
class DocumentEntry:
    id: str
    category: str
    created_at: datetime
    ciphertext_size: int
    metadata: DocumentMetadata | DocumentMetadataV2
    # The binding's version (SPEC §24), None for an unbound v1 document.
    version: int | None = None


def _kdf_from(body: object) -> AnyKdf:
    """The server's KDF parameters, checked (SPEC §3.1, §19.1) before any derivation."""
    return read_kdf(body)


def _file_chunks(path: Path, progress: Progress | None = None) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(READ_SIZE):
            if progress is not None:
                progress(len(chunk))
            yield chunk


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    for chunk in _file_chunks(path):
        digest.update(chunk)
    return digest.hexdigest()


class CoffreClient:
    """A session with one Coffre server."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        http: httpx.Client | None = None,
        timeout: float = 60.0,
        memory: ReaderMemory | None = None,
        territory: str | None = None,
    ) -> None:
        self._http = http or httpx.Client(base_url=base_url, timeout=timeout)
        # A given httpx client (a partner's, or a test client) carries its own base URL.
        self._prefix = "/api/v1"
        self.token = token
        # What this device remembers against rollback (SPEC §24.4); the CLI keeps it in
        # a file next to its session, a script in memory unless it passes one.
        self.memory = memory if memory is not None else ReaderMemory()
        self._account: dict[str, Any] | None = None
        self._territory = territory
        # The login as it was typed at login or sign-up here, canonical (client/kdf.py).
        self._typed_login: str | None = None

    def salt_login(self, server_login: str) -> str:
        """The login a v2 salt is derived for (SPEC §19.2): the one typed at login here;
        with none (a saved session), the server's. A server that names another login
        than the one typed is refused: it could make two accounts share one salt."""
        if self._typed_login is None:
            return server_login
        if self._typed_login != server_login:
            raise ApiError(0, "login_mismatch", LOGIN_MISMATCH_FR)
        return self._typed_login

    @property
    def territory(self) -> str:
        """The territory in every v2 passphrase salt (SPEC §19.2): the one this client was
        configured with, else the server's (GET /territory, asked once). Either way two
        accounts never share a salt: the salt also holds the login."""
        if self._territory is None:
            self._territory = str(self._request("GET", "/territory").json()["territory"])
        return self._territory

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CoffreClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------
    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT, **(extra or {})}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    @staticmethod
    def _raise_for(response: httpx.Response) -> None:
        if response.is_success:
            return
        try:
            error = response.json()["error"]
            code, message = str(error["code"]), str(error["message"])
            rows = error.get("rows") if isinstance(error.get("rows"), list) else None
        except (ValueError, KeyError, TypeError, AttributeError):
            code, message, rows = "http_error", f"HTTP {response.status_code}", None
        raise ApiError(response.status_code, code, message, rows)

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = self._headers(kwargs.pop("headers", None))
        response = self._http.request(method, self._prefix + path, headers=headers, **kwargs)
        if not response.is_success:
            response.read()
        self._raise_for(response)
        return response

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Any API call under /api/v1 with this session; raises ApiError on refusal."""
        return self._request(method, path, **kwargs)

    @contextmanager
    def stream(self, method: str, path: str, **kwargs: Any) -> Iterator[httpx.Response]:
        """Like ``call``, with the body read piece by piece (``response.iter_bytes()``)."""
        headers = self._headers(kwargs.pop("headers", None))
        url = self._prefix + path
        with self._http.stream(method, url, headers=headers, **kwargs) as response:
            if not response.is_success:
                response.read()
            self._raise_for(response)
            yield response

    # -- accounts ---------------------------------------------------------
    def signup(self, login: str, passphrase: str) -> SignupOutcome:
        """Create an account; returns the recovery code the person must keep (SPEC §4)."""
        body, new = account_bundle(login, passphrase, self.territory)
        account = self._request("POST", "/accounts", json=body).json()
        return SignupOutcome(
            account_id=account["id"], recovery_code=format_recovery_code(new.recovery_secret)
        )

    def login(self, login: str, passphrase: str, totp_code: str | None = None) -> LoginOutcome:
        """Derive the login value locally, log in, and unwrap the key ring locally.

        An account with TOTP on needs ``totp_code``; without it the server answers
        ``totp_required`` (an ``ApiError``), after checking the passphrase.

        A v1 account (SPEC §3) is moved to KDF v2 (SPEC §19) in the same step: the master
        key just opened is wrapped again under v2 keys of the same passphrase and sent
        with the v1 login value (``POST /me/kdf-upgrade``); the session stays valid.
        """
        territory = self.territory
        typed = canonical_login(login)
        prelogin = self._request("POST", "/auth/prelogin", json={"login": login}).json()
        params = _kdf_from(prelogin["kdf"])  # refused below the floor (SPEC §3, §19.1)
        derived = derive(passphrase, params, territory=territory, login=login)
        body: dict[str, Any] = {"login": login, "auth_key": b64encode(derived.auth_key)}
        if totp_code is not None:
            body["totp_code"] = totp_code
        result = self._request("POST", "/auth/login", json=body).json()
        self.token = result["token"]
        self._typed_login = typed
        keys, master_key = self._open_keyring(derived.wrap_key, result["keyring"])
        if isinstance(params, KdfParams) and not result.get("totp_enrolment_required"):
            self._upgrade_kdf(derived.auth_key, master_key, passphrase, login)
        account = result["account"]
        return LoginOutcome(
            token=result["token"],
            account_id=account["id"],
            login=account["login"],
            keys=keys,
            totp_enrolment_required=bool(result.get("totp_enrolment_required", False)),
        )

    def unlock(self, passphrase: str) -> AccountKeys:
        """Unwrap the key ring of the current session with the passphrase (a v1 account
        is moved to KDF v2 here too, as at login)."""
        me = self._request("GET", "/me").json()
        login = self.salt_login(me["account"]["login"])
        params = _kdf_from(me["keyring"]["kdf"])
        derived = derive(passphrase, params, territory=self.territory, login=login)
        keys, master_key = self._open_keyring(derived.wrap_key, me["keyring"])
        # Moved only with a login typed here: a v2 login value is then sent.
        if isinstance(params, KdfParams) and self._typed_login is not None:
            self._upgrade_kdf(derived.auth_key, master_key, passphrase, login)
        return keys

    def _upgrade_kdf(
        self, v1_auth_key: bytes, master_key: bytes, passphrase: str, login: str
    ) -> None:
        """SPEC §19: same passphrase, fresh random part, the salt from territory and login."""
        new = rewrap_v2(master_key, passphrase, territory=self.territory, login=login)
        self._request(
            "POST",
            "/me/kdf-upgrade",
            json={"current_auth_key": b64encode(v1_auth_key), **new.body()},
        )

    def public_box_key(self) -> bytes:
        me = self._request("GET", "/me").json()
        return b64decode(me["account"]["box_public_key"])

    @staticmethod
    def _open_keyring(wrap_key: bytes, keyring: dict[str, Any]) -> tuple[AccountKeys, bytes]:
        """(keys, master key); unwrapping checks the key pairs against the public keys (SPEC §6)."""
        master_key = unwrap_master_key(
            b64decode(keyring["wrapped_master_passphrase"]), wrap_key, "passphrase"
        )
        keys = unwrap_keyring(
            b64decode(keyring["wrapped_keyring"]),
            master_key,
            b64decode(keyring["box_public_key"]),
            b64decode(keyring["sign_public_key"]),
        )
        return keys, master_key

    def logout(self) -> None:
        self._request("POST", "/auth/logout")
        self.token = None

    # -- sessions and second factor -----------------------------------------
    def sessions(self) -> list[SessionEntry]:
        """The account's live sessions, most recently used first."""
        body = self._request("GET", "/sessions").json()
        return [
            SessionEntry(
                id=s["id"],
                label=s["label"],
                kind=s["kind"],
                created_at=datetime.fromisoformat(s["created_at"]),
                last_seen_at=datetime.fromisoformat(s["last_seen_at"]),
                current=bool(s["current"]),
            )
            for s in body["sessions"]
        ]

    def revoke_session(self, session_id: str) -> None:
        """End one session (ending the current one logs this client out)."""
        self._request("DELETE", f"/sessions/{quote(session_id, safe='')}")
        # No cookie here: a revoked current session just stops working.

    def revoke_other_sessions(self) -> int:
        """End every session but this one; returns how many were ended."""
        return int(self._request("POST", "/sessions/revoke-others").json()["revoked"])

    def enable_totp(self) -> TotpEnrolment:
        """Start TOTP enrolment: add the secret to an app, then ``confirm_totp``."""
        body = self._request("POST", "/me/totp").json()
        return TotpEnrolment(
            secret=body["secret"], otpauth_uri=body["otpauth_uri"], qr_svg=body["qr_svg"]
        )

    def confirm_totp(self, code: str) -> None:
        """Turn TOTP on with a first code from the app."""
        self._request("POST", "/me/totp/confirm", json={"code": code})

    def disable_totp(self, code: str) -> None:
        """Turn TOTP off with a current code (refused where the role requires it)."""
        self._request("DELETE", "/me/totp", json={"code": code})

    # -- regaining access and leaving (client/credentials.py) ---------------
    def recover(
        self, login: str, recovery_code: str, new_passphrase: str, totp_code: str | None = None
    ) -> LoginOutcome:
        """Forgot the passphrase, have the recovery code: set a new one, keep every document."""
        from client import credentials

        return credentials.recover(self, login, recovery_code, new_passphrase, totp_code=totp_code)

    def change_passphrase(self, current: str, new: str) -> int:
        """Change the passphrase; returns how many other sessions were ended."""
        from client import credentials

        return credentials.change_passphrase(self, current, new)

    def reset_with_code(self, login: str, code: str, new_passphrase: str) -> ResetOutcome:
        """Without the recovery code: a fresh, empty vault once the waiting period has
        passed (the old documents are destroyed then)."""
        from client import credentials

        return credentials.reset_with_code(self, login, code, new_passphrase)

    def pending_reset(self) -> PendingReset | None:
        """A reset of this account that waits, or a reset code not used yet."""
        pending = self._request("GET", "/me/reset").json()["pending"]
        if pending is None:
            return None
        return PendingReset(
            stage=pending["stage"],
            since=datetime.fromisoformat(pending["since"]),
            until=datetime.fromisoformat(pending["until"]),
        )

    def cancel_reset(self) -> str:
        """Cancel the waiting reset of this account (and any code not used yet); returns
        the server's sentence."""
        return str(self._request("POST", "/me/reset/cancel").json()["message"])

    def delete_account(self, passphrase: str) -> None:
        """Erase the account and every document in it."""
        from client import credentials

        credentials.delete_account(self, passphrase)

    # -- documents (v2: client/documents_v2.py, migration: client/migration.py) ----
    def account(self, *, refresh: bool = False) -> dict[str, Any]:
        """The session's account body (``GET /me``), fetched once per client."""
        if self._account is None or refresh:
            self._account = dict(self._request("GET", "/me").json()["account"])
        return self._account

    def account_id(self) -> str:
        return str(self.account()["id"])

    def crypto_format(self, *, refresh: bool = False) -> int:
        """1 or 2: the account's crypto format as the server tells it (1 if it says none)."""
        return int(self.account(refresh=refresh).get("crypto_format") or 1)

    def migrate_to_v2(self, keys: AccountKeys) -> Any:
        """Bind every v1 document without re-uploading it, then switch the account to
        format v2 (SPEC §14.7); idempotent and resumable. Returns a MigrationSummary."""
        from client.migration import migrate_to_v2

        return migrate_to_v2(self, keys)

    def upload(
        self,
        path: Path,
        category: str,
        *,
        box_public_key: bytes | None = None,
        keys: AccountKeys | None = None,
        name: str | None = None,
        mime: str | None = None,
        progress: Progress | None = None,
    ) -> str:
        """Encrypt ``path`` in a stream and upload it; returns the document id.

        A v2 account's upload is bound and signed (SPEC §24.2): it needs ``keys``."""
        if self.crypto_format() == 2:
            if keys is None:
                raise ValueError("a format v2 account signs its uploads: pass keys")
            from client.documents_v2 import upload_v2

            return upload_v2(self, path, category, keys, name=name, mime=mime, progress=progress)
        if box_public_key is None:
            if keys is None:
                raise ValueError("pass box_public_key or keys")
            box_public_key = keys.box_public
        size = path.stat().st_size
        metadata = DocumentMetadata(
            name=name or path.name,
            mime=mime or mimetypes.guess_type(path.name)[0] or "application/octet-stream",
            size=size,
            sha256=_sha256_file(path),
        )
        doc_key = new_document_key()
        headers = {
            "Content-Type": "application/octet-stream",
            "Content-Length": str(ciphertext_size(size)),
            "Coffre-Category": category,
            "Coffre-Metadata": b64encode(encrypt_metadata(doc_key, metadata)),
            "Coffre-Sealed-Key": b64encode(seal_document_key(doc_key, box_public_key)),
        }
        body = encrypt_stream(doc_key, _file_chunks(path, progress))
        document = self._request("POST", "/documents", content=body, headers=headers).json()
        return str(document["id"])

    def rename(self, document_id: str, name: str, keys: AccountKeys) -> int | None:
        """Rename a document (a bound one gets its next version); returns that version."""
        from client.documents_v2 import rename

        return rename(self, keys, document_id, name)

    def rekey(self, document_id: str, keys: AccountKeys) -> int:
        """Re-encrypt a document under a new key, as v2; returns its new version."""
        from client.documents_v2 import rekey

        return rekey(self, keys, document_id)

    def list_documents(
        self, keys: AccountKeys, *, pinned_root: str | None = None
    ) -> list[DocumentEntry]:
        """Every live document, its binding checked and metadata decrypted locally."""
        from client.documents_v2 import OwnerReader

        documents = self._request("GET", "/documents").json()["documents"]
        reader = OwnerReader(self, keys, pinned_root=pinned_root)
        return [self._entry(doc, reader) for doc in documents]

    def document(
        self, document_id: str, keys: AccountKeys, *, pinned_root: str | None = None
    ) -> DocumentEntry:
        from client.documents_v2 import OwnerReader

        doc = self._request("GET", f"/documents/{document_id}").json()
        return self._entry(doc, OwnerReader(self, keys, pinned_root=pinned_root))

    @staticmethod
    def _entry(doc: dict[str, Any], reader: Any) -> DocumentEntry:
        opened = reader.open(doc)
        return DocumentEntry(
            id=doc["id"],
            category=doc["category"],
            created_at=datetime.fromisoformat(doc["created_at"]),
            ciphertext_size=int(doc["ciphertext_size"]),
            metadata=opened.metadata,
            version=opened.version,
        )

    def download(
        self,
        document_id: str,
        dest: Path,
        keys: AccountKeys,
        *,
        progress: Progress | None = None,
        pinned_root: str | None = None,
    ) -> DocumentMetadata | DocumentMetadataV2:
        """Download, check (SPEC §24.4), decrypt and write ``dest``; nothing is written
        unless it all checks out. ``pinned_root`` checks deposits' origins (else the root
        this device first saw)."""
        from client.documents_v2 import OwnerReader
        from crypto.stream import write_verified

        doc = self._request("GET", f"/documents/{document_id}").json()
        reader = OwnerReader(self, keys, pinned_root=pinned_root)
        url = f"{self._prefix}/documents/{document_id}/content"
        with self._http.stream("GET", url, headers=self._headers()) as response:
            if not response.is_success:
                response.read()
            self._raise_for(response)

            def chunks() -> Iterator[bytes]:
                for chunk in response.iter_bytes():
                    if progress is not None:
                        progress(len(chunk))
                    yield chunk

            opened = reader.open(doc, chunks())
            write_verified(opened.plaintext, dest)
        return opened.metadata

    def delete(self, document_id: str) -> None:
        self._request("DELETE", f"/documents/{document_id}")
