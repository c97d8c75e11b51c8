"""The browser's crypto (web/static/js/coffre-crypto.js, libsodium.js) against the
format: every vector of crypto/vectors/v1.json passes under Node's test runner,
and what the JavaScript makes opens with the Python implementation (SPEC §13)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import crypto
from crypto import b64decode
from crypto.kdf import KdfParams

ROOT = Path(__file__).resolve().parent.parent.parent
VECTORS = json.loads((ROOT / "crypto/vectors/v1.json").read_text(encoding="utf-8"))["vectors"]
TIMEOUT = 300


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js 20+ is needed for the browser crypto tests: install node and npm")
    if not (ROOT / "node_modules/libsodium-wrappers-sumo/package.json").is_file():
        pytest.fail("node_modules is missing: run scripts/install-js first")
    return node


@cache
def _node_test_run() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_node(), "--test", "--test-reporter=tap", "web/tests-js/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


@cache
def _interop() -> dict[str, Any]:
    done = subprocess.run(
        [_node(), "web/tests-js/interop-fixture.mjs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _summary(output: str, name: str) -> int:
    found = re.findall(rf"^# {name} (\d+)$", output, re.M)
    assert found, f"no '# {name}' line in the node test output:\n{output[-4000:]}"
    return int(found[-1])


def test_the_javascript_suite_passes_every_vector_with_no_failure() -> None:
    run = _node_test_run()
    output = run.stdout
    assert run.returncode == 0, (output + run.stderr)[-8000:]
    assert _summary(output, "fail") == 0
    assert _summary(output, "pass") >= len(VECTORS)
    assert not re.search(r"^\s*not ok ", output, re.M)
    passed = set(re.findall(r"^ok \d+ - (.*)$", output, re.M))
    missing = [v["name"] for v in VECTORS if v["name"] not in passed]
    assert missing == []


def test_an_account_made_in_javascript_opens_in_python_by_passphrase_and_by_recovery() -> None:
    made = _interop()
    body = made["signup"]
    box_public, sign_public = b64decode(body["box_public_key"]), b64decode(body["sign_public_key"])
    params = KdfParams.from_json(body["kdf"])
    crypto.check_kdf_params(params)
    keys = crypto.derive_passphrase_keys(made["passphrase"], params)
    assert keys.auth_key == b64decode(body["auth_key"])
    opened = crypto.open_account(
        made["passphrase"],
        params,
        b64decode(body["wrapped_master_passphrase"]),
        b64decode(body["wrapped_keyring"]),
        box_public,
        sign_public,
    )
    assert opened.box_secret == bytes.fromhex(made["box_secret"])
    assert opened.sign_seed == bytes.fromhex(made["sign_seed"])
    secret = crypto.parse_recovery_code(made["recovery_code"])
    assert crypto.format_recovery_code(secret) == made["recovery_code"]
    assert crypto.derive_recovery_keys(secret).auth_key == b64decode(body["recovery_auth_key"])
    _, recovered = crypto.open_account_with_recovery(
        secret,
        b64decode(body["wrapped_master_recovery"]),
        b64decode(body["wrapped_keyring"]),
        box_public,
        sign_public,
    )
    assert recovered == opened
    assert crypto.fingerprint(box_public) == made["fingerprint"]


def test_a_document_encrypted_in_javascript_decrypts_in_python() -> None:
    made = _interop()
    doc_key, plaintext = bytes.fromhex(made["doc_key"]), bytes.fromhex(made["plaintext"])
    for field, chunk_size in (("stream", 1024), ("stream_default_chunks", 65536)):
        stream = bytes.fromhex(made[field])
        assert len(stream) == crypto.ciphertext_size(len(plaintext), chunk_size)
        assert crypto.decrypt_bytes(doc_key, stream) == plaintext
    meta = crypto.decrypt_metadata(doc_key, bytes.fromhex(made["metadata_blob"]))
    assert meta == crypto.DocumentMetadata(**made["metadata"])
    assert meta.size == len(plaintext)
    assert meta.sha256 == hashlib.sha256(plaintext).hexdigest()
    keys = crypto.account_keys_from_secrets(
        bytes.fromhex(made["box_secret"]), bytes.fromhex(made["sign_seed"])
    )
    sealed = bytes.fromhex(made["sealed"])
    assert crypto.open_sealed_key(sealed, keys.box_public, keys.box_secret) == doc_key


def test_a_statement_signed_in_javascript_verifies_in_python_byte_for_byte() -> None:
    made = _interop()
    envelope = made["envelope"]
    seed = bytes.fromhex(made["sign_seed_statement"])
    signer = crypto.account_keys_from_secrets(bytes(32), seed).sign_public
    assert crypto.verify_statement(envelope, signer) == envelope["statement"]
    assert crypto.sign_statement(envelope["statement"], seed) == envelope
