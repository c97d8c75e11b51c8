"""The page's format v2 (web/static/js/coffre-crypto-v2.js, coffre-statements-v2.js,
coffre-json.js) against the Python reference (crypto/, SPEC Part II): every vector of
crypto/vectors/v2.json passes under Node, twice (from JSON.parse and from the raw
text read by the page's strict reader); a v2 document, a consent receipt, pins and
KDF v2 keys made in JavaScript open and match in Python; and a document, a trust
chain and a receipt made in Python open in JavaScript."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import crypto
from crypto.binding import bound_parts, sign_binding
from crypto.certificates_v2 import revocation_list_statement
from crypto.consent_v2 import ConsentReceiptV2, SharedDocumentV2
from crypto.errors import CryptoError, StaleError
from crypto.jsontext import parse_json
from crypto.kdf_v2 import KdfParamsV2, derive_salt
from crypto.keyring import AccountKeys
from crypto.metadata_v2 import DocumentMetadataV2
from crypto.padding import padme
from crypto.statements_v2 import statement_id

ROOT = Path(__file__).resolve().parent.parent.parent
VECTORS = json.loads((ROOT / "crypto/vectors/v2.json").read_text(encoding="utf-8"))["vectors"]
FIXTURE = "web/tests-js/interop-v2-fixture.mjs"
TIMEOUT = 300
TERRITORY = "puy-de-dome"
ISSUED = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js 20+ is needed for the browser crypto tests: install node and npm")
    if not (ROOT / "node_modules/libsodium-wrappers-sumo/package.json").is_file():
        pytest.fail("node_modules is missing: run scripts/install-js first")
    return node


def _run(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_node(), *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _keys(label: str) -> AccountKeys:
    digest = hashlib.sha512(f"interop v2 keys {label}".encode()).digest()
    return crypto.account_keys_from_secrets(digest[:32], digest[32:])


def _id(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()[:32]


def _pattern(size: int, seed: int) -> bytes:
    """web/tests-js/helpers.mjs pattern(): (i + seed) % 251."""
    return bytes((i + seed) % 251 for i in range(size))


@cache
def _made_in_javascript() -> dict[str, Any]:
    done = _run([FIXTURE, "make"])
    assert done.returncode == 0, done.stderr[-4000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_javascript_suite_passes_every_v2_vector_twice() -> None:
    run = _run(["--test", "--test-reporter=tap", "web/tests-js/vectors-v2.test.mjs"])
    output = run.stdout
    assert run.returncode == 0, (output + run.stderr)[-8000:]
    assert not re.search(r"^\s*not ok ", output, re.M)
    passed = set(re.findall(r"^ok \d+ - (.*)$", output, re.M))
    assert [v["name"] for v in VECTORS if v["name"] not in passed] == []
    from_text = [f"{v['name']}, read from the raw JSON text" for v in VECTORS]
    assert [name for name in from_text if name not in passed] == []


def test_a_v2_document_made_in_javascript_opens_in_python() -> None:
    made = _made_in_javascript()
    h = bytes.fromhex
    stream, plaintext = h(made["stream"]), h(made["plaintext"])
    assert len(stream) == crypto.ciphertext_size_v2(len(plaintext), 1024)
    assert crypto.decrypt_bytes_v2(h(made["doc_key"]), stream) == plaintext
    opened = crypto.open_document(
        envelope=made["binding"],
        signer=h(made["sign_public"]),
        document=made["document"],
        owner=made["owner"],
        min_version=3,
        sealed_key=h(made["sealed_key"]),
        box_public=h(made["box_public"]),
        box_secret=h(made["box_secret"]),
        metadata_blob=h(made["metadata_blob"]),
        stream=stream,
    )
    assert opened.plaintext == plaintext
    assert opened.metadata == DocumentMetadataV2(**made["metadata"])
    assert len(h(made["metadata_blob"])) == 297
    # Ed25519 is deterministic: Python signs the same statement into the same envelope.
    seed = _pattern(32, 5)
    assert crypto.sign_statement_v2(made["binding"]["statement"], seed) == made["binding"]
    with pytest.raises(StaleError):
        crypto.open_document(
            envelope=made["binding"],
            signer=h(made["sign_public"]),
            document=made["document"],
            owner=made["owner"],
            min_version=4,
            sealed_key=h(made["sealed_key"]),
            box_public=h(made["box_public"]),
            box_secret=h(made["box_secret"]),
            metadata_blob=h(made["metadata_blob"]),
            stream=stream,
        )


def test_a_receipt_pins_and_kdf_keys_made_in_javascript_match_python() -> None:
    made = _made_in_javascript()
    sign_public = bytes.fromhex(made["sign_public"])
    statement = crypto.verify_statement_v2(made["receipt"], sign_public, "coffre/consent-receipt")
    receipt = crypto.read_receipt_v2(statement)
    assert receipt.statement() == statement
    assert [d.id for d in receipt.documents] == [made["document"]]
    assert crypto.sign_statement_v2(statement, _pattern(32, 5)) == made["receipt"]
    assert crypto.pin_qr_payload(sign_public) == made["pin_qr"]
    assert crypto.pin_spoken(sign_public) == made["pin_spoken"]
    kdf = made["kdf"]
    params = KdfParamsV2.from_json(kdf["params"])
    crypto.check_kdf_params_v2(params)
    keys = crypto.derive_passphrase_keys_v2(
        kdf["passphrase"], params, territory=kdf["territory"], login=kdf["login"]
    )
    assert keys.auth_key.hex() == kdf["auth_key"]
    assert keys.wrap_key.hex() == kdf["wrap_key"]


def _made_in_python() -> tuple[dict[str, Any], dict[str, Any]]:
    owner, root, admin, pro = (_keys(n) for n in ("owner", "root", "admin", "pro"))
    doc_key = crypto.new_document_key()
    plaintext = _pattern(5000, 9)
    stream = crypto.encrypt_bytes_v2(doc_key, plaintext, 1024)
    meta = DocumentMetadataV2(
        name="Relevé d'été — \U0001f600.pdf",
        mime="application/pdf",
        size=len(plaintext),
        sha256=hashlib.sha256(plaintext).hexdigest(),
    )
    blob = crypto.encrypt_metadata_v2(doc_key, meta)
    document, owner_id = _id("document"), _id("owner")
    parts = bound_parts(
        document=document,
        version=2,
        owner=owner_id,
        doc_key=doc_key,
        stream=stream,
        metadata_blob=blob,
    )
    structure, admin_id, pro_id = _id("structure"), _id("admin"), _id("pro")
    root_envelope = crypto.sign_statement_v2(
        crypto.root_statement_v2(
            territory=TERRITORY,
            box_public=root.box_public,
            sign_public=root.sign_public,
            issued_at=ISSUED,
        ),
        root.sign_seed,
    )

    def certificate(keys: AccountKeys, subject: str, role: str, issuer: str) -> dict[str, Any]:
        return crypto.certificate_statement_v2(
            territory=TERRITORY,
            subject=subject,
            role=role,
            structure=structure,
            display_name=f"{role} d'essai é",
            profession="Conseillère en insertion" if role == "professional" else None,
            box_public=keys.box_public,
            sign_public=keys.sign_public,
            issuer=issuer,
            issued_at=ISSUED,
            not_after=ISSUED + timedelta(days=90),
        )

    admin_cert = crypto.sign_statement_v2(
        certificate(admin, admin_id, "structure_admin", _id("root")), root.sign_seed
    )
    pro_cert = crypto.sign_statement_v2(
        certificate(pro, pro_id, "professional", admin_id), admin.sign_seed
    )
    revocations = crypto.sign_statement_v2(
        revocation_list_statement(
            territory=TERRITORY,
            sequence=4,
            issued_at=ISSUED + timedelta(days=80),
            next_update=ISSUED + timedelta(days=100),
            revoked=[statement_id(admin_cert["statement"])[::-1]],
        ),
        root.sign_seed,
    )
    receipt = ConsentReceiptV2(
        grant=_id("grant"),
        person=owner_id,
        professional=pro_id,
        structure=structure,
        purpose="ouverture-droits-rsa",
        charter_version=1,
        documents=(
            SharedDocumentV2(
                id=document,
                version=2,
                key_commitment=crypto.key_commitment(doc_key),
                ciphertext_sha256=parts.ciphertext_sha256,
            ),
        ),
        not_before=ISSUED,
        not_after=ISSUED + timedelta(days=30),
        max_pulls=None,
        request=_id("request"),
    )
    params = crypto.new_kdf_params_v2()
    sent = {
        "document": {
            "binding": sign_binding(parts, ISSUED, owner.sign_seed),
            "sign_public": owner.sign_public.hex(),
            "document": document,
            "owner": owner_id,
            "min_version": 2,
            "sealed_key": crypto.seal_document_key(doc_key, owner.box_public).hex(),
            "box_public": owner.box_public.hex(),
            "box_secret": owner.box_secret.hex(),
            "metadata_blob": blob.hex(),
            "stream": stream.hex(),
            "doc_key": doc_key.hex(),
        },
        "receipt": crypto.sign_statement_v2(receipt.statement(), owner.sign_seed),
        "chain": {
            "account_id": pro_id,
            "box_public": pro.box_public.hex(),
            "sign_public": pro.sign_public.hex(),
            "certificates": [pro_cert, admin_cert],
            "root": root_envelope,
            "pin": crypto.pin_spoken(root.sign_public),
            "revocation_list": revocations,
            "now": "2026-03-25T12:00:00Z",
            "later": "2026-04-01T08:05:01Z",  # not_after + 301 s
            "min_sequence": 3,
        },
        "kdf": {
            "params": params.to_json(),
            "territory": TERRITORY,
            "login": "élodie.martin",
            "passphrase": "Café fort 7 mots",
        },
    }
    expected = {
        "plaintext": plaintext.hex(),
        "streamed": plaintext.hex(),
        "metadata": {
            "name": meta.name,
            "mime": meta.mime,
            "size": meta.size,
            "sha256": meta.sha256,
        },
        "version": 2,
        "key_commitment": crypto.key_commitment(doc_key).hex(),
        "role": "professional",
        "revocation_sequence": 4,
        "later": "StaleError",
        "salt": derive_salt(TERRITORY, "élodie.martin", params.salt_random).hex(),
        "auth_key": crypto.derive_passphrase_keys_v2(
            "Café fort 7 mots", params, territory=TERRITORY, login="élodie.martin"
        ).auth_key.hex(),
        "pin_spoken": crypto.pin_spoken(pro.sign_public),
        "receipt_documents": 1,
    }
    return sent, expected


def test_a_v2_document_chain_receipt_and_kdf_made_in_python_open_in_javascript() -> None:
    sent, expected = _made_in_python()
    done = _run([FIXTURE, "open"], stdin=json.dumps(sent, ensure_ascii=False))
    assert done.returncode == 0, done.stderr[-4000:]
    assert json.loads(done.stdout) == expected


# Texts on which a lax reader and a strict one would disagree (SPEC §18.1), and
# ordinary ones: the page's reader must accept exactly what crypto/jsontext.py
# accepts, with the same value.
JSON_TEXTS = [
    b'{"a":1}',
    b' {"a" : [ 1 , 2 ] }\n',
    b"{}",
    b"[]",
    b'""',
    b"true",
    b"[true,false,null]",
    b'{"a":{"b":{"c":[]}}}',
    '{"a":"é","\u00e9":"\u2028"}'.encode(),
    b'"\\ud83d\\ude00"',
    b'"\\uD83D\\uDE00"',
    b'"\\/\\b\\f\\n\\r\\t\\"\\\\"',
    b'{"\\u0000":1}',
    b'{"__proto__":1}',
    b'{"__proto__":1,"__proto__":2}',
    b'{"a":1,"b":{"a":2}}',
    b'{"a":1,"a":1}',
    b"9007199254740991",
    b"-9007199254740991",
    b"-9007199254740992",
    b"-0",
    b"[0,-0,1,-1]",
    b"01",
    b"-01",
    b"-",
    b"[-]",
    b"1.",
    b".5",
    b"1.0",
    b"1E2",
    b"1e-2",
    b"[1e400]",
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"tru",
    b"nulll",
    b"123abc",
    b"1 2",
    b'{"a":1}garbage',
    b"[1,]",
    b'{"a":1,}',
    b"{,}",
    b'{"a"}',
    b'{"a":}',
    b"{'a':1}",
    b'"\\u00"',
    b'"\\x41"',
    b'"\\U0041"',
    b'"a\tb"',
    b'"a\nb"',
    b'"\\ud800"',
    b'"\\udc00\\ud800"',
    b'{"\\udfff":1}',
    b'"\\ud800x"',
    b"",
    b"   ",
    b"\xef\xbb\xbf{}",
    b"\xff",
    b'"\xc0\xaf"',
    b'"\xed\xa0\x80"',
    b"\xc2\xa0{}",
    b"\x0b{}",
    b"\x00",
]
PADME = [2, 3, 7, 8, 9, 255, 256, 257, 4097, 65544, 999_999, 2**30 + 1, 2**49 + 3, 2**50 + 8]


def _python_json(data: bytes) -> dict[str, Any]:
    try:
        return {"value": parse_json(data)}
    except CryptoError as error:
        return {"error": type(error).__name__}


def test_the_strict_reader_and_padme_agree_with_python_on_every_input() -> None:
    inputs = {"json": [t.hex() for t in JSON_TEXTS], "padme": PADME}
    done = _run([FIXTURE, "compare"], stdin=json.dumps(inputs))
    assert done.returncode == 0, done.stderr[-4000:]
    answers = json.loads(done.stdout)
    mismatches = [
        (text, js, _python_json(text))
        for text, js in zip(JSON_TEXTS, answers["json"], strict=True)
        if js != _python_json(text)
    ]
    assert mismatches == []
    assert answers["padme"] == [padme(n) for n in PADME]
    refused = sum("error" in a for a in answers["json"])
    assert 30 < refused < len(JSON_TEXTS)  # both kinds are exercised
