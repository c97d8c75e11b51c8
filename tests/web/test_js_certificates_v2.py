"""The page's certificates with a life (web/static/js/certificates-v2.js) both ways
with crypto/ in Python: a certificate chain, a renewal, a revocation list and a root
rotation made in the page verify in Python (SPEC §26.4, §26.5) and are the very
envelopes Python makes from the same inputs (Ed25519 is deterministic); what Python
makes verifies in the page; a list or rotation the page signs with another key is
refused by Python."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from nacl.bindings import crypto_box_seed_keypair, crypto_sign_seed_keypair

from crypto.certificates_v2 import (
    certificate_statement_v2,
    revocation_list_statement,
    root_statement_v2,
    verify_chain_v2,
)
from crypto.errors import SignatureError, StaleError
from crypto.pins import pin_qr_payload
from crypto.root_rotation import follow_root_rotations, root_rotation_statement
from crypto.statements_v2 import sign_statement_v2, statement_id
from tests.web.node import run_module

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
TERRITORY = "puy-de-dome"

# Reads stdin {"make": {...}} or {"verify": {...}}; prints JSON.
SCRIPT = """
import sodium from "libsodium-wrappers-sumo";
import { createCertificatesV2 } from "%s";
await sodium.ready;
const certs = createCertificatesV2(sodium);
const input = JSON.parse(await new Promise((done) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => done(text));
}));
const h = (x) => sodium.from_hex(x);
const d = (x) => new Date(x);
let out;
if (input.make) {
  const m = input.make;
  const cert = (c, seed) => certs.issueCertificate({ ...c, boxPublic: h(c.boxPublic),
    signPublic: h(c.signPublic), issuedAt: d(c.issuedAt), days: c.days }, h(seed));
  const admin = cert(m.admin, m.root_seed);
  const pro = cert(m.pro, m.admin_seed);
  const renewed = certs.renewCertificate(pro, { issuer: m.pro.issuer,
    issuedAt: d(m.renew_at), days: 365 }, h(m.admin_seed));
  const list = certs.signRevocationList({ territory: m.territory, sequence: 2,
    revoked: [certs.certificateId(pro)], issuedAt: d(m.renew_at) }, h(m.root_seed));
  const forged = certs.signRevocationList({ territory: m.territory, sequence: 3,
    revoked: [], issuedAt: d(m.renew_at) }, h(m.admin_seed));
  const rotation = certs.signRootRotation({ previousRoot: m.root.statement,
    nextRoot: m.next_root.statement, sequence: 1, issuedAt: d(m.renew_at) }, h(m.root_seed));
  const unchained = certs.signRootRotation({ previousRoot: m.root.statement,
    nextRoot: m.next_root.statement, sequence: 1, issuedAt: d(m.renew_at) }, h(m.next_seed));
  out = { admin, pro, renewed, list, forged, rotation, unchained };
} else {
  const v = input.verify;
  const result = {};
  try {
    const c = certs.verifyChain({ accountId: v.account_id, boxPublic: h(v.box),
      signPublic: h(v.sign), certificates: v.certificates, root: v.root, pin: v.pin,
      revocationList: v.list, now: d(v.now) });
    result.chain = { role: c.role, notAfter: c.notAfter };
  } catch (error) { result.chain = error.constructor.name; }
  try {
    const r = certs.followRootRotations({ pin: v.pin, root: v.root, links: v.links,
      now: d(v.now) });
    result.rotation = { pin: r.pin, changed: r.changed, sequence: r.sequence };
  } catch (error) { result.rotation = error.constructor.name; }
  out = result;
}
process.stdout.write(JSON.stringify(out));
"""


def _node(payload: dict[str, Any]) -> Any:
    return run_module("certificates-v2.js", SCRIPT, payload)


def _keys(n: int) -> dict[str, bytes]:
    seed = bytes([n]) * 32
    return {
        "seed": seed,
        "sign": crypto_sign_seed_keypair(seed)[0],
        "box": crypto_box_seed_keypair(seed)[0],
    }


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _root(k: dict[str, bytes], issued_at: datetime = T0) -> dict[str, Any]:
    statement = root_statement_v2(
        territory=TERRITORY, box_public=k["box"], sign_public=k["sign"], issued_at=issued_at
    )
    return sign_statement_v2(statement, k["seed"])


def _cert_fields(k: dict[str, bytes], **fields: Any) -> dict[str, Any]:
    return {
        "territory": TERRITORY,
        "boxPublic": k["box"].hex(),
        "signPublic": k["sign"].hex(),
        **fields,
    }


ROOT_K, ADMIN_K, PRO_K, NEXT_K = _keys(1), _keys(2), _keys(3), _keys(9)
ADMIN_ID, PRO_ID, ROOT_ID, STRUCTURE = "2" * 32, "3" * 32, "1" * 32, "a" * 32
RENEW_AT = T0 + timedelta(days=29)


@pytest.fixture(scope="module")
def made() -> dict[str, Any]:
    root, next_root = _root(ROOT_K), _root(NEXT_K, RENEW_AT)
    return {
        "root": root,
        "next_root": next_root,
        **_node(
            {
                "make": {
                    "territory": TERRITORY,
                    "root_seed": ROOT_K["seed"].hex(),
                    "admin_seed": ADMIN_K["seed"].hex(),
                    "next_seed": NEXT_K["seed"].hex(),
                    "root": root,
                    "next_root": next_root,
                    "renew_at": _iso(RENEW_AT),
                    "admin": _cert_fields(
                        ADMIN_K,
                        subject=ADMIN_ID,
                        role="structure_admin",
                        structure=STRUCTURE,
                        displayName="Admin",
                        profession=None,
                        issuer=ROOT_ID,
                        issuedAt=_iso(T0),
                    ),
                    "pro": _cert_fields(
                        PRO_K,
                        subject=PRO_ID,
                        role="professional",
                        structure=STRUCTURE,
                        displayName="Camille Pro",
                        profession="Assistante sociale",
                        issuer=ADMIN_ID,
                        issuedAt=_iso(T0),
                        days=30,
                    ),
                }
            }
        ),
    }


def _pro_statement(issued_at: datetime, days: int) -> dict[str, Any]:
    return certificate_statement_v2(
        territory=TERRITORY,
        subject=PRO_ID,
        role="professional",
        structure=STRUCTURE,
        display_name="Camille Pro",
        profession="Assistante sociale",
        box_public=PRO_K["box"],
        sign_public=PRO_K["sign"],
        issuer=ADMIN_ID,
        issued_at=issued_at,
        not_after=issued_at + timedelta(days=days),
    )


def test_what_the_page_signs_is_what_python_signs(made: dict[str, Any]) -> None:
    assert made["pro"] == sign_statement_v2(_pro_statement(T0, 30), ADMIN_K["seed"])
    assert made["renewed"] == sign_statement_v2(_pro_statement(RENEW_AT, 365), ADMIN_K["seed"])
    expected_list = revocation_list_statement(
        territory=TERRITORY,
        sequence=2,
        issued_at=RENEW_AT,
        next_update=RENEW_AT + timedelta(days=31),
        revoked=[statement_id(made["pro"]["statement"])],
    )
    assert made["list"] == sign_statement_v2(expected_list, ROOT_K["seed"])
    rotation = root_rotation_statement(
        previous_root=made["root"]["statement"],
        next_root=made["next_root"]["statement"],
        sequence=1,
        issued_at=RENEW_AT,
    )
    assert made["rotation"] == sign_statement_v2(rotation, ROOT_K["seed"])


def _verify_py(made: dict[str, Any], chain: list[Any], list_: dict[str, Any], now: datetime) -> Any:
    return verify_chain_v2(
        account_id=PRO_ID,
        box_public=PRO_K["box"],
        sign_public=PRO_K["sign"],
        certificates=chain,
        root=made["root"],
        pin=pin_qr_payload(ROOT_K["sign"]),
        revocation_list=list_,
        now=now,
    )


def test_the_page_s_chain_list_and_rotation_verify_in_python(made: dict[str, Any]) -> None:
    renewed = [made["renewed"], made["admin"]]
    assert (
        _verify_py(made, renewed, made["list"], RENEW_AT + timedelta(days=2)).role == "professional"
    )
    with pytest.raises(StaleError):  # the first certificate is on the page's list
        _verify_py(made, [made["pro"], made["admin"]], made["list"], RENEW_AT)
    with pytest.raises(SignatureError):  # a list signed by the structure admin
        _verify_py(made, renewed, made["forged"], RENEW_AT)
    pin = pin_qr_payload(ROOT_K["sign"])
    link = {"rotation": made["rotation"], "root": made["next_root"]}
    rotated = follow_root_rotations(pin=pin, root=made["root"], links=[link], now=RENEW_AT)
    assert rotated.changed and rotated.pin == pin_qr_payload(NEXT_K["sign"])
    forged = {"rotation": made["unchained"], "root": made["next_root"]}
    with pytest.raises(SignatureError):
        follow_root_rotations(pin=pin, root=made["root"], links=[forged], now=RENEW_AT)


def test_what_python_signs_verifies_in_the_page(made: dict[str, Any]) -> None:
    pro = sign_statement_v2(_pro_statement(RENEW_AT, 365), ADMIN_K["seed"])
    clean = revocation_list_statement(
        territory=TERRITORY,
        sequence=1,
        issued_at=RENEW_AT,
        next_update=RENEW_AT + timedelta(days=31),
        revoked=[],
    )
    rotation = root_rotation_statement(
        previous_root=made["root"]["statement"],
        next_root=made["next_root"]["statement"],
        sequence=1,
        issued_at=RENEW_AT,
    )
    common = {
        "account_id": PRO_ID,
        "box": PRO_K["box"].hex(),
        "sign": PRO_K["sign"].hex(),
        "root": made["root"],
        "pin": pin_qr_payload(ROOT_K["sign"]),
        "now": _iso(RENEW_AT),
    }
    ok = _node(
        {
            "verify": {
                **common,
                "certificates": [pro, made["admin"]],
                "list": sign_statement_v2(clean, ROOT_K["seed"]),
                "links": [
                    {
                        "rotation": sign_statement_v2(rotation, ROOT_K["seed"]),
                        "root": made["next_root"],
                    }
                ],
            }
        }
    )
    assert ok["chain"]["role"] == "professional"
    assert ok["rotation"] == {"pin": pin_qr_payload(NEXT_K["sign"]), "changed": True, "sequence": 1}
    refused = _node(
        {
            "verify": {
                **common,
                "certificates": [pro, made["admin"]],
                "list": sign_statement_v2(clean, ADMIN_K["seed"]),
                "links": [
                    {
                        "rotation": sign_statement_v2(rotation, NEXT_K["seed"]),
                        "root": made["next_root"],
                    }
                ],
            }
        }
    )
    assert refused == {"chain": "SignatureError", "rotation": "SignatureError"}
