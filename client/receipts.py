"""Verifying a consent receipt offline (docs/CONSENT.md, "What a verifier gets and checks").

Input: what ``GET /api/v1/grants/{grant_id}/receipt`` answers (as a dict, or the bytes
of its JSON: the file ``coffre receipt verify FILE`` reads and the export holds), or the
receipt alone as stored (the ``Coffre-Receipt`` pull header, decoded by
``receipt_from_header``) with the person's key given by the caller.

What is checked, in this order; the first failure raises ``ReceiptInvalid`` with a
stable code (``CODES``):

1. the file's shape, then the receipt's format: a v1 (SPEC §16) or v2 (SPEC §24.5)
   ``coffre/consent-receipt`` envelope, else ``receipt_unknown_format``;
2. the person's key: the one the caller trusts (``person_key``: remembered from an
   earlier grant) or matches the pin the caller compared with the person's phone
   (``person_pin``, SPEC §25), else ``receipt_person_key_mismatch``; with neither, the
   file's key is taken as it is (trust on first use, ``person_key_confirmed`` False);
3. the signature under that key (SPEC §11 or §23.3): ``receipt_forged``;
4. the grant the receipt is presented for (the file's ``grant_id``, or the caller's
   ``grant_id``) is the one the person signed: ``receipt_replayed`` (a genuine receipt
   reused for another grant);
5. the person and professional the caller expects: ``receipt_other_person``,
   ``receipt_other_professional``;
6. with a ``trust_root`` pin: the professional the receipt names is certified, for the
   structure the receipt names, by the territory's root that the pin names (or by a
   root it rotated to, SPEC §26.5): ``receipt_root_not_pinned`` when no root in the
   file is the pinned one, ``receipt_not_certified`` when the chain does not verify.

What this does not prove (docs/CONSENT.md): that the person's key is the person's,
unless the pin was compared face to face (persons have no certificate); that the
certificate was not revoked since (revocation lists are checked online, SPEC §26.4);
that the grant is still in force (revoked, expired, pulls used: the server's gate).
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from crypto import b64decode, verify_statement
from crypto.certificates import root_pinned, verify_chain
from crypto.consent import ConsentReceipt, read_receipt
from crypto.consent_v2 import ConsentReceiptV2, read_receipt_v2
from crypto.errors import CryptoError, SignatureError, UnsupportedVersionError
from crypto.jsontext import parse_json
from crypto.pins import matches_pin, pin_spoken
from crypto.root_rotation import follow_root_rotations
from crypto.statements_v2 import (
    CONSENT_RECEIPT,
    KEY_CERTIFICATE,
    envelope_signer,
    verify_statement_v2,
)

RECEIPT_TYPE: Final = CONSENT_RECEIPT  # the same name in v1 (SPEC §16) and v2 (§23.1)
MAX_FILE_BYTES: Final = 256 * 1024

CODES: Final = {
    "receipt_malformed": "Ce fichier n'est pas un reçu de consentement lisible.",
    "receipt_unknown_format": "Ce reçu est d'un format que cet outil ne connaît pas.",
    "receipt_person_key_mismatch": (
        "La clé qui a signé ce reçu n'est pas celle que vous avez vérifiée pour cette "
        "personne : ne vous y fiez pas et comparez le code de la personne avec elle."
    ),
    "receipt_forged": "La signature de ce reçu ne correspond pas : il a été modifié ou forgé.",
    "receipt_replayed": (
        "Ce reçu a été signé pour un autre partage : il est présenté pour un partage "
        "qu'il ne concerne pas."
    ),
    "receipt_other_person": "Ce reçu a été signé par une autre personne.",
    "receipt_other_professional": "Ce reçu a été signé pour un autre professionnel.",
    "receipt_root_not_pinned": (
        "Aucune clé de confiance de ce reçu n'est celle que vous avez vérifiée pour le "
        "territoire : le professionnel nommé n'est pas prouvé."
    ),
    "receipt_not_certified": (
        "Le professionnel que nomme ce reçu n'est pas certifié par la clé de confiance du "
        "territoire pour cette structure."
    ),
}


class ReceiptInvalid(Exception):
    """A receipt that must not be relied on; ``code`` is stable (``CODES``)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.message_fr = CODES[code]
        self.detail = detail


@dataclass(frozen=True)
class VerifiedReceipt:
    """What a verified receipt proves, and how far."""

    grant_id: str
    format: int
    receipt: ConsentReceipt | ConsentReceiptV2
    stored: str  # the receipt as stored (the text that was verified)
    person_sign_public_key: bytes
    person_pin: str  # SPEC §25.3, to compare with the person's phone
    # True when the key was the caller's trusted one or matched the caller's pin; False:
    # taken from the file (trust on first use, SPEC §14.6).
    person_key_confirmed: bool
    # True: certified by the pinned root for the receipt's structure; None: not checked
    # (no trust root given, or the file holds no chain: the membership ended).
    professional_certified: bool | None
    professional_name: str | None = None  # from the verified certificate
    profession: str | None = None


def receipt_from_header(value: str) -> str:
    """The receipt as stored, from a pull's ``Coffre-Receipt`` header (base64url of
    its UTF-8 text, no padding); ReceiptInvalid ``receipt_malformed`` otherwise."""
    try:
        return b64decode(value).decode("utf-8")
    except (CryptoError, UnicodeDecodeError) as exc:
        raise ReceiptInvalid("receipt_malformed", "not base64url of UTF-8 text") from exc


def verify_receipt(
    data: bytes | str | dict[str, Any],
    trust_root: str | None = None,
    *,
    grant_id: str | None = None,
    person_id: str | None = None,
    professional_id: str | None = None,
    person_key: bytes | None = None,
    person_pin: str | None = None,
    now: datetime | None = None,
) -> VerifiedReceipt:
    """Verify one receipt offline (see the module's doc for the order and the codes).

    ``data``: the receipt answer (dict or JSON bytes/text), or the receipt alone as
    stored (an envelope, e.g. from ``receipt_from_header``), which carries no person's
    key: the caller gives ``person_key``. ``trust_root``: the pin the client keeps for
    the territory (v2 spoken or QR form, or a v1 fingerprint)."""
    body = _body(data)
    stored = body.get("receipt")
    if not isinstance(stored, str):
        raise ReceiptInvalid("receipt_malformed", "no receipt text")
    envelope = _envelope(stored)
    version = _version(envelope)
    declared = body.get("format", version)
    if declared != version:
        raise ReceiptInvalid("receipt_unknown_format", "format and statement disagree")
    signer = _signer(body, person_key, person_pin)
    receipt = _signed(envelope, version, signer)
    presented = body.get("grant_id")
    for named in (presented, grant_id):
        if named is not None and named != receipt.grant:
            raise ReceiptInvalid("receipt_replayed", "presented for another grant")
    if person_id is not None and person_id != receipt.person:
        raise ReceiptInvalid("receipt_other_person")
    if professional_id is not None and professional_id != receipt.professional:
        raise ReceiptInvalid("receipt_other_professional")
    certified: bool | None = None
    name = profession = None
    if trust_root is not None:
        certified, name, profession = _certified(body, receipt, trust_root, now)
    return VerifiedReceipt(
        grant_id=receipt.grant,
        format=version,
        receipt=receipt,
        stored=stored,
        person_sign_public_key=signer,
        person_pin=pin_spoken(signer),
        person_key_confirmed=person_key is not None or person_pin is not None,
        professional_certified=certified,
        professional_name=name,
        profession=profession,
    )


# -- reading -------------------------------------------------------------------------


def _body(data: bytes | str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(data, bytes | str):
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if len(raw) > MAX_FILE_BYTES:
            raise ReceiptInvalid("receipt_malformed", "file too large")
        try:
            parsed = json.loads(raw)
        except ValueError as exc:
            raise ReceiptInvalid("receipt_malformed", "not JSON") from exc
        if isinstance(parsed, dict) and "statement" in parsed:
            # The receipt alone (a pull header): the text itself is what was stored.
            return {"receipt": raw.decode("utf-8")}
        data = parsed
    if not isinstance(data, dict):
        raise ReceiptInvalid("receipt_malformed", "not a JSON object")
    if "statement" in data:
        return {"receipt": json.dumps(data)}
    if "format" in data and data["format"] not in (1, 2):
        raise ReceiptInvalid("receipt_unknown_format", "unknown format")
    return data


def _envelope(stored: str) -> dict[str, Any]:
    try:
        # Strict for both: a v1 receipt stored by the server is plain JSON too.
        envelope = parse_json(stored.encode("utf-8"))
    except CryptoError as exc:
        raise ReceiptInvalid("receipt_malformed", "the receipt is not strict JSON") from exc
    if not isinstance(envelope, dict) or not isinstance(envelope.get("statement"), dict):
        raise ReceiptInvalid("receipt_malformed", "not an envelope")
    return envelope


def _version(envelope: dict[str, Any]) -> int:
    statement = envelope["statement"]
    version = statement.get("v")
    if isinstance(version, bool) or version not in (1, 2):
        raise ReceiptInvalid("receipt_unknown_format", "unknown statement version")
    if statement.get("type") != RECEIPT_TYPE:
        raise ReceiptInvalid("receipt_unknown_format", "not a consent receipt")
    return int(version)


def _signer(body: dict[str, Any], trusted: bytes | None, pin: str | None) -> bytes:
    given = body.get("person_key")
    key: bytes | None = None
    if isinstance(given, dict) and isinstance(given.get("sign_public_key"), str):
        try:
            key = b64decode(given["sign_public_key"])
        except CryptoError as exc:
            raise ReceiptInvalid("receipt_malformed", "person key") from exc
    if trusted is not None:
        if key is not None and not hmac.compare_digest(key, trusted):
            raise ReceiptInvalid("receipt_person_key_mismatch", "not the trusted key")
        key = trusted
    if key is None or len(key) != 32:
        raise ReceiptInvalid("receipt_malformed", "no person key")
    if pin is not None:
        try:
            matched = matches_pin(key, pin)
        except CryptoError as exc:
            raise ReceiptInvalid("receipt_person_key_mismatch", "unreadable pin") from exc
        if not matched:
            raise ReceiptInvalid("receipt_person_key_mismatch", "the pin does not match")
    return key


def _signed(
    envelope: dict[str, Any], version: int, signer: bytes
) -> ConsentReceipt | ConsentReceiptV2:
    try:
        if version == 2:
            return read_receipt_v2(verify_statement_v2(envelope, signer, CONSENT_RECEIPT))
        return read_receipt(verify_statement(envelope, expected_signer=signer))
    except SignatureError as exc:
        raise ReceiptInvalid("receipt_forged", str(exc)) from exc
    except UnsupportedVersionError as exc:
        raise ReceiptInvalid("receipt_unknown_format", str(exc)) from exc
    except CryptoError as exc:
        raise ReceiptInvalid("receipt_malformed", str(exc)) from exc


# -- the professional, up to the pinned root -------------------------------------------


def _certified(
    body: dict[str, Any],
    receipt: ConsentReceipt | ConsentReceiptV2,
    pin: str,
    now: datetime | None,
) -> tuple[bool | None, str | None, str | None]:
    professional = body.get("professional")
    if not isinstance(professional, dict):
        return None, None, None
    if professional.get("account_id") != receipt.professional:
        raise ReceiptInvalid("receipt_other_professional", "the keys are another account's")
    certificates = professional.get("certificates")
    if not isinstance(certificates, list) or not certificates:
        return None, None, None  # the membership ended: nothing to check it against
    try:
        box = b64decode(str(professional["box_public_key"]))
        sign = b64decode(str(professional["sign_public_key"]))
        first = certificates[0]["statement"]
        if first.get("v") == 2:
            leaf = _chain_v2(body, receipt.professional, box, sign, certificates, pin, now)
        else:
            root = body.get("trust_root")
            if not isinstance(root, dict) or not _pinned(root, pin):
                raise ReceiptInvalid("receipt_root_not_pinned")
            verify_chain(
                account_id=receipt.professional,
                box_public=box,
                sign_public=sign,
                certificates=certificates,
                root=root,
                pinned_fingerprint=pin,
            )
            leaf = certificates[0]["statement"]
    except ReceiptInvalid:
        raise
    except (CryptoError, KeyError, TypeError, AttributeError) as exc:
        raise ReceiptInvalid("receipt_not_certified", str(exc)) from exc
    if leaf.get("structure") != receipt.structure:
        raise ReceiptInvalid("receipt_not_certified", "certified for another structure")
    profession = leaf.get("profession")
    return True, str(leaf.get("display_name", "")), profession if profession else None


def _pinned(root: dict[str, Any], pin: str) -> bool:
    try:
        return root_pinned(envelope_signer(root), pin)
    except CryptoError:
        return False


def _chain_v2(
    body: dict[str, Any],
    account_id: str,
    box: bytes,
    sign: bytes,
    certificates: list[dict[str, Any]],
    pin: str,
    now: datetime | None,
) -> dict[str, Any]:
    """SPEC §26.4 steps 1, 3 and 4 (signatures, roles, subject, keys, territory) under
    the pinned root or the root it rotated to; not step 2 and 5 (the revocation list and
    the certificates' dates are for the online check at each pull)."""
    roots = body.get("trust_roots_v2")
    if not isinstance(roots, dict):
        raise ReceiptInvalid("receipt_root_not_pinned", "no v2 root in the file")
    links = roots.get("links") or []
    candidates = [roots.get("first")] + [link.get("root") for link in links]
    pinned = next((r for r in candidates if isinstance(r, dict) and _pinned(r, pin)), None)
    if pinned is None:
        raise ReceiptInvalid("receipt_root_not_pinned")
    rotated = follow_root_rotations(pin=pin, root=pinned, links=links, now=now or datetime.now(UTC))
    keys = {envelope_signer(pinned), rotated.sign_public}
    territory = rotated.territory
    if not 1 <= len(certificates) <= 2:
        raise SignatureError("a chain holds one or two certificates")
    top = certificates[-1]
    top_signer = envelope_signer(top)
    if top_signer not in keys:
        raise SignatureError("the chain is not signed by the pinned root")
    top_statement = verify_statement_v2(top, top_signer, KEY_CERTIFICATE)
    if len(certificates) == 1:
        leaf = top_statement
        if leaf.get("role") not in ("structure_admin", "charter_officer"):
            raise SignatureError("the root certifies structure admins and officers only")
    else:
        admin = top_statement
        if admin.get("role") != "structure_admin":
            raise SignatureError("the issuer is not a certified structure admin")
        leaf = verify_statement_v2(
            certificates[0], b64decode(str(admin["sign_public_key"])), KEY_CERTIFICATE
        )
        if leaf.get("role") != "professional":
            raise SignatureError("a structure admin certifies professionals only")
        if leaf.get("issuer") != admin.get("subject") or leaf.get("structure") != admin.get(
            "structure"
        ):
            raise SignatureError("not issued by its structure's admin")
        if admin.get("territory") != territory:
            raise SignatureError("another territory's certificate")
    if leaf.get("territory") != territory or leaf.get("subject") != account_id:
        raise SignatureError("the certificate is not about this account")
    if (b64decode(str(leaf["box_public_key"])), b64decode(str(leaf["sign_public_key"]))) != (
        box,
        sign,
    ):
        raise SignatureError("the keys offered are not the certified keys")
    return leaf
