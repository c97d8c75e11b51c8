"""The audit trail in the database: one entry per operation, in its transaction; any
tampering, deletion or reordering found by ``verify`` (and ``coffre audit verify``)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from client import consent
from coffre.audit import trail
from coffre.audit.log import verify_export
from coffre.audit.models import AuditEntry
from coffre.container import Coffre
from tests.consent.world import ConsentWorld, build_consent_world
from tests.factories import encrypted_document, person_material, upload


def coffre_of(api: TestClient) -> Coffre:
    return api.app.state.coffre  # type: ignore[attr-defined,no-any-return]


def entries(api: TestClient) -> list[AuditEntry]:
    with coffre_of(api).db.unit_of_work() as db:
        return list(db.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all())


def one_entry(api: TestClient, operation: Callable[[], Any]) -> AuditEntry:
    """Run ``operation`` and return the one entry it appended (fails if not exactly one)."""
    before = len(entries(api))
    operation()
    after = entries(api)
    assert len(after) == before + 1, [e.action for e in after[before:]]
    return after[-1]


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def test_every_operation_writes_exactly_one_entry(cw: ConsentWorld, tmp_path: Path) -> None:
    api, person, pro = cw.api, cw.person, cw.professional
    ph, xh = person.headers, pro.headers
    seen: dict[str, AuditEntry] = {}

    def check(action: str, operation: Callable[[], Any]) -> AuditEntry:
        entry = one_entry(api, operation)
        assert entry.action == action, (action, entry.action)
        seen[action] = entry
        return entry

    # Sign-up and login (success, wrong passphrase, unknown login), logout.
    other = person_material(3, "bilal")
    check("account.signup", lambda: api.post("/api/v1/accounts", json=other.signup_body))
    login = {"login": other.login, "auth_key": other.signup_body["auth_key"]}
    token = check("account.login", lambda: api.post("/api/v1/auth/login", json=login))
    assert token.outcome == "ok" and token.person_id is not None
    wrong = {"login": other.login, "auth_key": "A" * 43}
    failed = check("account.login", lambda: api.post("/api/v1/auth/login", json=wrong))
    assert failed.outcome == "failed" and failed.actor_id is not None
    nobody = {"login": "personne-inconnue", "auth_key": "A" * 43}
    unknown = check("account.login", lambda: api.post("/api/v1/auth/login", json=nobody))
    assert unknown.outcome == "failed" and unknown.actor_id is None
    # Documents: upload, download, rename, delete.
    owner: Any = cw.person  # has the keys and headers the factories use
    document = encrypted_document(owner)
    new_id: list[str] = []
    check("document.upload", lambda: new_id.append(upload(api, owner, document)))
    d = new_id[0]
    check("document.download", lambda: api.get(f"/api/v1/documents/{d}/content", headers=ph))
    meta = document.headers["Coffre-Metadata"]
    check(
        "document.update",
        lambda: api.patch(f"/api/v1/documents/{d}", json={"encrypted_metadata": meta}, headers=ph),
    )
    # Consent: grant, pull (and a refused pull), revoke, request, decline, deposit.
    grant: dict[str, Any] = {}
    check("grant.create", lambda: grant.update(cw.share()))
    pulled = check("grant.pull", lambda: cw.pull(str(grant["id"]), cw.identity))
    assert pulled.outcome == "ok" and pulled.person_id == person.account_id
    assert pulled.structure_id == cw.world.structure_id and pulled.purpose == grant["purpose"]
    check("grant.revoke", lambda: api.post(f"/api/v1/grants/{grant['id']}/revoke", headers=ph))
    refused = check("grant.pull", lambda: cw.pull(str(grant["id"]), cw.identity))
    assert refused.outcome == "refused"
    request: list[str] = []
    check(
        "request.create",
        lambda: request.append(
            consent.ask(
                pro.client(api),
                person_login=person.login,
                structure_id=cw.world.structure_id,
                purpose="ouverture-droits-rsa",
                category="domicile",
            )
        ),
    )
    check(
        "request.decline",
        lambda: api.post(f"/api/v1/requests/{request[0]}/decline", json={}, headers=ph),
    )
    check(
        "document.deposit",
        lambda: consent.deposit(
            pro.client(api),
            pro.keys,
            depositor_id=pro.account_id,
            structure_id=cw.world.structure_id,
            person_id=person.account_id,
            category="domicile",
            name="attestation.pdf",
            mime="application/pdf",
            content=b"attestation",
        ),
    )
    check("document.delete", lambda: api.delete(f"/api/v1/documents/{d}", headers=ph))
    # Network and roles.
    admin = cw.world.admin.headers
    check(
        "structure.admit",
        lambda: api.post(
            "/api/v1/structures",
            json={"name": "SIAO 63", "kind": "siao", "address": "Clermont", "territory": "63"},
            headers=admin,
        ),
    )
    check(
        "membership.end",
        lambda: api.post(
            f"/api/v1/memberships/{cw.world.memberships['professional']}/end",
            headers=cw.world.structure_admin.headers,
        ),
    )
    check("account.logout", lambda: api.post("/api/v1/auth/logout", headers=xh))
    # Nothing in any entry names a document or carries a secret.
    for entry in entries(api):
        assert entry.body is not None
        assert "avis-imposition" not in entry.body and "attestation.pdf" not in entry.body
    assert coffre_of(api).audit.verify().ok


def test_an_operation_that_fails_leaves_no_entry_and_an_entry_that_fails_undoes_the_operation(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = person_material(5, "dora")
    assert api.post("/api/v1/accounts", json=person.signup_body).status_code == 201
    before = len(entries(api))
    # A refused operation (login taken): no entry.
    assert api.post("/api/v1/accounts", json=person.signup_body).status_code == 409
    assert len(entries(api)) == before

    def broken_salt() -> bytes:
        raise RuntimeError("audit write failed")

    monkeypatch.setattr(trail, "new_salt", broken_salt)
    other = person_material(6, "emile")
    with pytest.raises(RuntimeError):
        api.post("/api/v1/accounts", json=other.signup_body)
    monkeypatch.undo()
    assert len(entries(api)) == before
    # The account was not created either: the same login signs up fine now.
    assert api.post("/api/v1/accounts", json=other.signup_body).status_code == 201


def _tamper(api: TestClient, seq: int, **values: object) -> None:
    with coffre_of(api).db.unit_of_work() as db:
        db.execute(update(AuditEntry).where(AuditEntry.seq == seq).values(**values))


@pytest.fixture
def filled(api: TestClient) -> TestClient:
    for slot, login in ((7, "fanny"), (8, "gael"), (9, "hugo")):
        body = person_material(slot, login).signup_body
        assert api.post("/api/v1/accounts", json=body).status_code == 201
        api.post("/api/v1/auth/login", json={"login": login, "auth_key": body["auth_key"]})
    coffre_of(api).audit.checkpoint()
    assert coffre_of(api).audit.verify().ok
    return api


def test_an_edited_entry_is_found(filled: TestClient) -> None:
    row = entries(filled)[2]
    assert row.body is not None
    _tamper(filled, 2, body=row.body.replace('"ok"', '"failed"'))
    report = coffre_of(filled).audit.verify()
    assert not report.ok and report.problem_seq == 2
    assert "modifiée" in (report.problem or "")


def test_an_edited_column_is_found(filled: TestClient) -> None:
    _tamper(filled, 3, actor_id="0" * 32)
    report = coffre_of(filled).audit.verify()
    assert not report.ok and report.problem_seq == 3


def test_a_deleted_entry_is_found(filled: TestClient) -> None:
    with coffre_of(filled).db.unit_of_work() as db:
        db.delete(db.get_one(AuditEntry, 1))
    report = coffre_of(filled).audit.verify()
    assert not report.ok and report.problem_seq == 1 and "manque" in (report.problem or "")


def test_a_deleted_last_entry_is_found(filled: TestClient) -> None:
    last = entries(filled)[-1].seq
    with coffre_of(filled).db.unit_of_work() as db:
        db.delete(db.get_one(AuditEntry, last))
    report = coffre_of(filled).audit.verify()
    assert not report.ok and "supprimées" in (report.problem or "")


def test_two_swapped_entries_are_found(filled: TestClient) -> None:
    rows = entries(filled)
    a, b = rows[1], rows[2]
    _tamper(
        filled, 1, body=b.body, salt=b.salt, leaf_hash=b.leaf_hash, chain=b.chain, action=b.action
    )
    _tamper(
        filled, 2, body=a.body, salt=a.salt, leaf_hash=a.leaf_hash, chain=a.chain, action=a.action
    )
    report = coffre_of(filled).audit.verify()
    assert not report.ok and report.problem_seq == 1


def test_a_rewrite_with_recomputed_hashes_is_caught_by_the_signed_checkpoint(
    filled: TestClient,
) -> None:
    """Someone with the database but not the checkpoint key recomputes every hash."""
    import json

    from coffre.audit.events import commitment_leaf_hash, event_commitment

    rows = entries(filled)
    chain = trail.GENESIS
    with coffre_of(filled).db.unit_of_work() as db:
        for row in rows:
            event = json.loads(row.body or "{}")
            if row.seq == 2:
                event["outcome"] = "failed"
            assert row.salt is not None
            commitment = event_commitment(event, row.salt)
            leaf = commitment_leaf_hash(commitment)
            chain = trail.chain_next(chain, leaf)
            db.execute(
                update(AuditEntry)
                .where(AuditEntry.seq == row.seq)
                .values(
                    body=json.dumps(event, sort_keys=True, ensure_ascii=False),
                    outcome=event["outcome"],
                    commitment=commitment,
                    leaf_hash=leaf,
                    chain=chain,
                )
            )
    report = coffre_of(filled).audit.verify()
    assert not report.ok and "point de contrôle" in (report.problem or "")


def test_an_export_verifies_and_a_tampered_export_does_not(
    filled: TestClient, tmp_path: Path
) -> None:
    lines = list(coffre_of(filled).audit.export_lines())
    key = coffre_of(filled).audit.verifier_key
    assert verify_export(lines, key).ok
    tampered = [
        line.replace('\\"ok\\"', '\\"failed\\"', 1) if i == 3 else line
        for i, line in enumerate(lines)
    ]
    assert tampered != lines
    assert not verify_export(tampered, key).ok
    dropped = lines[:2] + lines[3:]
    assert not verify_export(dropped, key).ok
    from coffre.audit.checkpoint import format_verifier_key

    other_key = format_verifier_key(coffre_of(filled).audit.origin, bytes(range(32)))
    assert not verify_export(lines, other_key).ok


def test_the_cli_names_the_first_broken_link(filled: TestClient, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cli.main import app

    export = tmp_path / "audit.jsonl"
    export.write_text("".join(coffre_of(filled).audit.export_lines()), encoding="utf-8")
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify", "--file", str(export)])
    assert ok.exit_code == 0 and "Journal intact" in ok.output
    text = export.read_text(encoding="utf-8").splitlines(keepends=True)
    del text[2]
    export.write_text("".join(text), encoding="utf-8")
    broken = runner.invoke(app, ["audit", "verify", "--file", str(export)])
    assert broken.exit_code == 1 and "ALTÉRÉ" in broken.output


def test_concurrent_operations_get_one_sequence_without_gaps(api: TestClient) -> None:
    coffre = coffre_of(api)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(8):
                with coffre.db.unit_of_work() as db:
                    trail.append(
                        db,
                        trail.Entry(action="test.concurrent", details={"n": n, "i": i}),
                        coffre.clock.now(),
                    )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    seqs = [e.seq for e in entries(api)]
    assert seqs == list(range(len(seqs))) and len(seqs) >= 32
    coffre.audit.checkpoint()
    assert coffre.audit.verify().ok
