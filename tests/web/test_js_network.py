"""The page's network module (web/static/js/network.js) against the Python reference.

Key chains made by ``crypto/certificates.py`` are written to a JSON file with the
outcome ``verify_chain`` gives for each; ``web/tests-js/network.test.mjs`` reads it
(``COFFRE_CHAIN_FIXTURES``) and must reach the same outcome (SPEC §15). A consent
receipt and a deposit built and signed in JavaScript are the statements Python builds,
byte for byte (SPEC §16). The same Node run covers the watermark module's tests.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from crypto import (
    b64decode,
    b64encode,
    canonical_json,
    fingerprint,
    sign_statement,
    verify_statement,
)
from crypto.certificates import certificate_statement, root_statement, verify_chain
from crypto.errors import CryptoError
from crypto.keyring import AccountKeys, account_keys_from_secrets

ROOT = Path(__file__).resolve().parent.parent.parent
TEST_FILES = ["web/tests-js/network.test.mjs", "web/tests-js/watermark.test.mjs"]
TIMEOUT = 300
ISSUED = "2025-01-01T00:00:00Z"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
FIXTURE_ENV = "COFFRE_CHAIN_FIXTURES"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js 20+ is needed for the browser network tests: install node and npm")
    for package in ("libsodium-wrappers-sumo", "pdf-lib"):
        if not (ROOT / "node_modules" / package / "package.json").is_file():
            pytest.fail("node_modules is missing: run scripts/install-js first")
    return node


def _id(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()[:32]


def _keys(label: str) -> AccountKeys:
    digest = hashlib.sha512(f"test keys {label}".encode()).digest()
    return account_keys_from_secrets(digest[:32], digest[32:])


# --- Chains made by crypto/certificates.py ----------------------------------------------------

S1, S2 = _id("structure 1"), _id("structure 2")
ROOT_ID, ADMIN_ID, ADMIN2_ID = _id("root"), _id("admin"), _id("other admin")
PRO_ID, OFFICER_ID = _id("professional"), _id("officer")
TERRITORY, ADMIN, ADMIN2, PRO, OFFICER, OUTSIDER = (
    _keys(name) for name in ("root", "a1", "a2", "pro", "officer", "outsider")
)


def _cert(
    subject: str,
    keys: AccountKeys,
    signer: AccountKeys,
    role: str,
    structure: str | None,
    issuer: str,
    display_name: str = "Léa Martin",
) -> dict[str, Any]:
    profession = "assistant-social" if role == "professional" else None
    statement = certificate_statement(
        subject=subject,
        role=role,
        structure_id=structure,
        display_name=display_name,
        profession=profession,
        box_public=keys.box_public,
        sign_public=keys.sign_public,
        issuer=issuer,
        issued_at=ISSUED,
    )
    return sign_statement(statement, signer.sign_seed)


def _root(signer: AccountKeys = TERRITORY) -> dict[str, Any]:
    statement = root_statement(
        territory="63",
        box_public=TERRITORY.box_public,
        sign_public=TERRITORY.sign_public,
        issued_at=ISSUED,
    )
    return sign_statement(statement, signer.sign_seed)


def _chain(
    certificates: list[dict[str, Any]],
    account: str = PRO_ID,
    keys: AccountKeys = PRO,
    **changes: Any,
) -> dict[str, Any]:
    """A chain as GET /api/v1/professionals/{id}/keys serves it (the fields verified)."""
    body = {
        "account_id": account,
        "box_public_key": b64encode(keys.box_public),
        "sign_public_key": b64encode(keys.sign_public),
        "certificates": certificates,
        "root": _root(),
    }
    return body | changes


def _chain_cases() -> dict[str, tuple[str, dict[str, Any], str]]:
    """name -> (declared outcome, chain, pinned fingerprint)."""
    admin = _cert(ADMIN_ID, ADMIN, TERRITORY, "structure_admin", S1, ROOT_ID)
    admin2 = _cert(ADMIN2_ID, ADMIN2, TERRITORY, "structure_admin", S2, ROOT_ID)
    pro = _cert(PRO_ID, PRO, ADMIN, "professional", S1, ADMIN_ID)
    officer = _cert(OFFICER_ID, OFFICER, TERRITORY, "charter_officer", None, ROOT_ID)
    pro_by_admin2 = _cert(PRO_ID, PRO, ADMIN2, "professional", S1, ADMIN2_ID)
    admin_by_outsider = _cert(ADMIN_ID, ADMIN, OUTSIDER, "structure_admin", S1, ROOT_ID)
    pro_naming_admin2 = _cert(PRO_ID, PRO, ADMIN, "professional", S1, ADMIN2_ID)
    admin_as_professional = _cert(ADMIN_ID, ADMIN, TERRITORY, "professional", S1, ROOT_ID)
    pro_by_root = _cert(PRO_ID, PRO, TERRITORY, "professional", S1, ROOT_ID)
    tampered = json.loads(json.dumps(pro))
    tampered["statement"]["display_name"] = "Quelqu'un d'autre"
    not_a_root = json.loads(json.dumps(_root()))
    not_a_root["statement"]["type"] = "coffre/key-certificate"
    pinned = fingerprint(TERRITORY.sign_public)
    ok, bad, malformed = "ok", "SignatureError", "InvalidInputError"
    swapped_box = b64encode(OUTSIDER.box_public)
    swapped_sign = b64encode(OUTSIDER.sign_public)
    return {
        "professional_through_admin": (ok, _chain([pro, admin]), pinned),
        "structure_admin": (ok, _chain([admin], ADMIN_ID, ADMIN), pinned),
        "charter_officer": (ok, _chain([officer], OFFICER_ID, OFFICER), pinned),
        "swapped_box_key": (bad, _chain([pro, admin], box_public_key=swapped_box), pinned),
        "swapped_sign_key": (bad, _chain([pro, admin], sign_public_key=swapped_sign), pinned),
        "wrong_root_fingerprint": (bad, _chain([pro, admin]), fingerprint(OUTSIDER.sign_public)),
        "root_not_self_signed": (bad, _chain([pro, admin], root=_root(OUTSIDER)), pinned),
        "not_a_root": (malformed, _chain([pro, admin], root=not_a_root), pinned),
        "other_account": (bad, _chain([pro, admin], account_id=_id("x")), pinned),
        "signed_by_admin_of_another_structure": (bad, _chain([pro_by_admin2, admin2]), pinned),
        "admin_certificate_signed_by_non_root": (bad, _chain([pro, admin_by_outsider]), pinned),
        "issuer_is_not_the_signing_admin": (bad, _chain([pro_naming_admin2, admin]), pinned),
        "second_certificate_not_an_admin": (bad, _chain([pro, admin_as_professional]), pinned),
        "tampered_display_name": (bad, _chain([tampered, admin]), pinned),
        "root_role_mismatch_professional_by_root": (bad, _chain([pro_by_root]), pinned),
        "root_role_mismatch_admin_with_two": (
            bad,
            _chain([admin, admin2], ADMIN_ID, ADMIN),
            pinned,
        ),
        "professional_without_admin_certificate": (bad, _chain([pro]), pinned),
        "no_certificate": (bad, _chain([]), pinned),
    }


def _python_outcome(chain: dict[str, Any], pinned: str) -> tuple[str, dict[str, Any] | None]:
    """What the reference says: ("ok", leaf statement) or (error class name, None)."""
    try:
        verify_chain(
            account_id=chain["account_id"],
            box_public=b64decode(chain["box_public_key"]),
            sign_public=b64decode(chain["sign_public_key"]),
            certificates=chain["certificates"],
            root=chain["root"],
            pinned_fingerprint=pinned,
        )
    except CryptoError as error:
        return type(error).__name__, None
    leaf: dict[str, Any] = chain["certificates"][0]["statement"]
    return "ok", leaf


@pytest.fixture(scope="module")
def chain_fixture(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    cases = []
    for index, (name, (declared, chain, pinned)) in enumerate(_chain_cases().items()):
        outcome, leaf = _python_outcome(chain, pinned)
        cases.append(
            {
                "name": name,
                "declared": declared,
                "outcome": outcome,
                "leaf": leaf,
                "chain": chain,
                "pinned_fingerprint": pinned,
                "keys_as_bytes": index % 2 == 1,
            }
        )
    path = tmp_path_factory.mktemp("chains") / "chains.json"
    path.write_text(json.dumps({"cases": cases}, ensure_ascii=False), encoding="utf-8")
    return {"path": path, "cases": cases}


@pytest.fixture(scope="module")
def node_run(chain_fixture: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_node(), "--test", "--test-reporter=tap", *TEST_FILES],
        cwd=ROOT,
        env={**os.environ, FIXTURE_ENV: str(chain_fixture["path"])},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _summary(output: str, name: str) -> int:
    found = re.findall(rf"^# {name} (\d+)$", output, re.M)
    assert found, f"no '# {name}' line in the node test output:\n{output[-4000:]}"
    return int(found[-1])


def test_the_python_reference_gives_each_chain_its_declared_outcome(
    chain_fixture: dict[str, Any],
) -> None:
    wrong = [
        (c["name"], c["outcome"]) for c in chain_fixture["cases"] if c["outcome"] != c["declared"]
    ]
    assert wrong == []
    assert {c["outcome"] for c in chain_fixture["cases"]} == {
        "ok",
        "SignatureError",
        "InvalidInputError",
    }


def test_javascript_reaches_the_python_outcome_for_every_chain_and_passes_the_watermark_tests(
    node_run: subprocess.CompletedProcess[str], chain_fixture: dict[str, Any]
) -> None:
    output = node_run.stdout
    assert node_run.returncode == 0, (output + node_run.stderr)[-8000:]
    assert _summary(output, "fail") == 0
    assert _summary(output, "skipped") == 0
    assert _summary(output, "pass") >= len(chain_fixture["cases"]) + 10
    assert not re.search(r"^\s*not ok ", output, re.M)
    passed = set(re.findall(r"^ok \d+ - (.*)$", output, re.M))
    missing = [
        c["name"]
        for c in chain_fixture["cases"]
        if f"python chain {c['name']}: {c['outcome']}" not in passed
    ]
    assert missing == []
    assert any(name.startswith("a two-page PDF keeps its pages") for name in passed)


# --- Statements built and signed in JavaScript (SPEC §16) --------------------------------------

PERSON_SEED = hashlib.sha256(b"test person sign seed").digest()
DEPOSITOR_SEED = hashlib.sha256(b"test depositor sign seed").digest()
PARIS = timezone(timedelta(hours=1))
DOCS = sorted((_id(f"doc {n}"), hashlib.sha256(bytes([n])).hexdigest()) for n in range(4))
NOT_BEFORE = datetime(2025, 3, 5, 10, 30, 15, 789000, tzinfo=PARIS)
NOT_AFTER = datetime(2025, 4, 4, 10, 30, 15, tzinfo=PARIS)
DEPOSITED_AT = datetime(2025, 6, 1, 8, 0, 0, 999000, tzinfo=UTC)
IDS = {"grant": _id("grant"), "person": _id("person"), "request": _id("request")}

# Given to the module with camelCase names and the documents unsorted: it sorts them.
JS_INPUT = {
    "receipt": {
        **{k: IDS[k] for k in ("grant", "person", "request")},
        "professional": PRO_ID,
        "structure": S1,
        "purpose": "ouverture-droits-rsa",
        "charterVersion": 3,
        "documents": [{"id": i, "ciphertextSha256": h} for i, h in reversed(DOCS)],
        "notBefore": NOT_BEFORE.isoformat(timespec="milliseconds"),
        "notAfter": NOT_AFTER.isoformat(),
        "maxPulls": 5,
    },
    "deposit": {
        "document": _id("deposited"),
        "person": IDS["person"],
        "depositor": PRO_ID,
        "structure": S1,
        "category": "domicile",
        "ciphertextSha256": DOCS[0][1],
        "depositedAt": DEPOSITED_AT.isoformat(timespec="milliseconds"),
    },
    "personSeed": PERSON_SEED.hex(),
    "depositorSeed": DEPOSITOR_SEED.hex(),
}

_SIGN_IN_JAVASCRIPT = """
import {{ sodium, coffre }} from {helpers};
import * as network from {network};
const input = JSON.parse(process.argv[2]);
const seed = (hex) => sodium.from_hex(hex);
const r = input.receipt;
const receipt = network.consentReceipt({{
  ...r, notBefore: new Date(r.notBefore), notAfter: new Date(r.notAfter),
}});
const d = input.deposit;
const deposit = network.depositStatement({{ ...d, depositedAt: new Date(d.depositedAt) }});
process.stdout.write(JSON.stringify({{
  receipt: coffre.signStatement(receipt, seed(input.personSeed)),
  deposit: coffre.signStatement(deposit, seed(input.depositorSeed)),
  id: network.newId(sodium),
}}));
"""


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def _python_receipt() -> dict[str, Any]:
    """SPEC §16 written out here, not through crypto/consent.py."""
    return {
        "v": 1,
        "type": "coffre/consent-receipt",
        "grant": IDS["grant"],
        "person": IDS["person"],
        "professional": PRO_ID,
        "structure": S1,
        "purpose": "ouverture-droits-rsa",
        "charter_version": 3,
        "documents": [{"id": i, "ciphertext_sha256": h} for i, h in DOCS],
        "not_before": _utc(NOT_BEFORE),
        "not_after": _utc(NOT_AFTER),
        "max_pulls": 5,
        "request": IDS["request"],
    }


def _python_deposit() -> dict[str, Any]:
    return {
        "v": 1,
        "type": "coffre/deposit",
        "document": _id("deposited"),
        "person": IDS["person"],
        "depositor": PRO_ID,
        "structure": S1,
        "category": "domicile",
        "ciphertext_sha256": DOCS[0][1],
        "deposited_at": _utc(DEPOSITED_AT),
    }


@pytest.fixture(scope="module")
def signed_in_javascript(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    script = tmp_path_factory.mktemp("sign") / "sign.mjs"
    script.write_text(
        _SIGN_IN_JAVASCRIPT.format(
            helpers=json.dumps((ROOT / "web/tests-js/helpers.mjs").as_uri()),
            network=json.dumps((ROOT / "web/static/js/network.js").as_uri()),
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        [_node(), str(script), json.dumps(JS_INPUT)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize(
    ("kind", "seed", "expected"),
    [("receipt", PERSON_SEED, _python_receipt), ("deposit", DEPOSITOR_SEED, _python_deposit)],
)
def test_a_statement_built_and_signed_in_javascript_is_the_python_one_byte_for_byte(
    signed_in_javascript: dict[str, Any],
    kind: str,
    seed: bytes,
    expected: Callable[[], dict[str, Any]],
) -> None:
    envelope = signed_in_javascript[kind]
    statement = expected()
    signer = account_keys_from_secrets(bytes(32), seed).sign_public
    assert canonical_json(envelope["statement"]) == canonical_json(statement)
    assert verify_statement(envelope, expected_signer=signer) == statement
    assert sign_statement(statement, seed) == envelope


def test_an_id_made_in_javascript_has_the_format_of_every_id(
    signed_in_javascript: dict[str, Any],
) -> None:
    assert re.fullmatch(r"[0-9a-f]{32}", signed_in_javascript["id"])
