"""The migration to format v2 by the Python client (SPEC §14.7; issue 15 "done when"):
a vault of v1 documents, shared with a professional and holding a v1 deposit, moves
to v2 without uploading any content; every document then opens for its owner (v1
streams under v2 bindings), the v1 deposit verifies as v1, a new v2 share pulls and
verifies at the professional, the v1 grant still pulls, and every v1 write is refused.
A run stopped halfway is finished by the next one."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from client import ApiError, consent
from client.migration import bind_v1_document
from coffre.settings import Settings
from crypto import b64encode
from tests.client.hostile import HostileServer, Traffic, client_on
from tests.consent.world import RSA, ConsentWorld, build_consent_world
from tests.factories import encrypted_document, upload
from tests.structures.world import pinned_root

BIG = 3 * 1024 * 1024


@pytest.fixture
def hostile(settings: Settings) -> Iterator[HostileServer]:
    server = HostileServer(settings)
    yield server
    server.close()


@pytest.fixture
def vault(api: TestClient, tmp_path: Path) -> tuple[ConsentWorld, dict[str, bytes], str, str]:
    """The v1 vault: three small documents and a 3 MiB one, a v1 grant of the identity
    card to Mme Dupont, and a v1 deposit from her."""
    cw = build_consent_world(api, tmp_path)
    contents = {
        cw.identity: b"carte d'identite" * 100,
        cw.address: b"facture EDF" * 100,
        cw.health: b"certificat medical" * 100,
    }
    big = encrypted_document(cw.person, secrets.token_bytes(BIG), name="releve.pdf")
    contents[upload(api, cw.person, big)] = big.plaintext
    grant = cw.share([cw.identity])
    pro = cw.professional
    deposited = consent.deposit(
        pro.client(api),
        pro.keys,
        depositor_id=pro.account_id,
        structure_id=cw.world.structure_id,
        person_id=cw.person.account_id,
        category="domicile",
        name="attestation-domiciliation.pdf",
        mime="application/pdf",
        content=b"%PDF-1.4 attestation de domiciliation",
        crypto_format=1,
    )
    contents[str(deposited["id"])] = b"%PDF-1.4 attestation de domiciliation"
    return cw, contents, str(grant["id"]), str(deposited["id"])


def test_a_v1_vault_moves_to_v2_without_uploading_any_content_and_everything_still_opens(
    vault: tuple[ConsentWorld, dict[str, bytes], str, str],
    api: TestClient,
    live_server: str,
    hostile: HostileServer,
    tmp_path: Path,
) -> None:
    cw, contents, v1_grant, deposit_id = vault
    person = cw.person
    stored = sum(int(hostile.row(d)["ciphertext_size"]) for d in contents)
    traffic = Traffic()
    with client_on(live_server, person.token, tmp_path / "person.json", traffic) as client:
        summary = client.migrate_to_v2(person.keys)

        # No content went up: one small PUT of a signed binding per v1 document.
        assert (summary.bound, summary.deposits_kept_v1, summary.switched) == (4, 1, True)
        assert traffic.sent("POST", "/documents") == []
        assert [r for r in traffic.requests if r[1].endswith("/content") and r[0] != "GET"] == []
        assert len(traffic.sent("PUT", "/binding")) == 4
        assert traffic.body_bytes < 4 * 2000 < stored // 100
        assert summary.content_bytes_downloaded == 4 * 33
        assert client.crypto_format() == 2

        # Every document opens for its owner: v1 streams under v2 bindings, and the v1
        # deposit, unbound, verified as v1 under the depositor's certified key.
        rows = {d: hostile.row(d) for d in contents}
        assert {d: (r["format"], r["version"]) for d, r in rows.items() if d != deposit_id} == {
            d: (1, 1) for d in contents if d != deposit_id
        }
        assert rows[deposit_id]["binding"] is None
        root = pinned_root(cw.world.admin)
        for document_id, content in contents.items():
            target = tmp_path / f"{document_id}.out"
            client.download(document_id, target, person.keys, pinned_root=root)
            assert target.read_bytes() == content
        entries = {e.id: e.version for e in client.list_documents(person.keys, pinned_root=root)}
        assert entries[deposit_id] is None and entries[cw.identity] == 1

        # A new share is a v2 receipt; the professional pulls and verifies it.
        grant = consent.share(
            client,
            person.keys,
            person_id=person.account_id,
            professional_id=cw.professional.account_id,
            pinned_root=root,
            purpose=RSA,
            document_ids=[cw.address, cw.identity],
            days=30,
        )
    with client_on(live_server, cw.professional.token, tmp_path / "pro.json") as pro:
        copy = consent.pull(pro, cw.professional.keys, str(grant["id"]), cw.address)
        assert copy.content == contents[cw.address] and copy.version == 1
        # The grant made in v1 still pulls: its v1 receipt verified as v1 under the
        # person's key, the document's migration binding checked as well.
        old = consent.pull(pro, cw.professional.keys, v1_grant, cw.identity)
        assert old.content == contents[cw.identity] and old.version == 1

    _every_v1_write_is_refused(cw, api, deposit_id)


def _every_v1_write_is_refused(cw: ConsentWorld, api: TestClient, deposit_id: str) -> None:
    person, pro = cw.person, cw.professional

    def refused(response: object) -> None:
        assert getattr(response, "status_code", None) == 409, getattr(response, "text", "")
        assert response.json()["error"]["code"] == "format_v1_refused"  # type: ignore[attr-defined]

    document = encrypted_document(person)
    headers = {**person.headers, **document.headers}
    refused(api.post("/api/v1/documents", content=document.ciphertext, headers=headers))
    blob = document.headers["Coffre-Metadata"]
    refused(
        api.patch(
            f"/api/v1/documents/{cw.health}",
            json={"encrypted_metadata": blob},
            headers=person.headers,
        )
    )
    refused(
        api.put(
            f"/api/v1/documents/{cw.health}/content",
            content=document.ciphertext,
            headers={**headers, "Coffre-Sealed-Key": document.headers["Coffre-Sealed-Key"]},
        )
    )
    with pytest.raises(ApiError) as v1_deposit:
        consent.deposit(
            pro.client(api),
            pro.keys,
            depositor_id=pro.account_id,
            structure_id=cw.world.structure_id,
            person_id=person.account_id,
            category="domicile",
            name="x.pdf",
            mime="application/pdf",
            content=b"%PDF-1.4 x",
            crypto_format=1,
        )
    assert v1_deposit.value.code == "format_v1_refused"
    # A v1 receipt: the document list as a v1 client would sign it.
    from datetime import timedelta

    from crypto import sign_statement
    from crypto.consent import ConsentReceipt, SharedDocument

    doc = api.get(f"/api/v1/documents/{cw.identity}", headers=person.headers).json()
    start = api.app.state.coffre.clock.now()  # type: ignore[attr-defined]
    receipt = ConsentReceipt(
        grant=secrets.token_hex(16),
        person=person.account_id,
        professional=pro.account_id,
        structure=cw.world.structure_id,
        purpose=RSA,
        charter_version=1,
        documents=(SharedDocument(cw.identity, doc["ciphertext_sha256"]),),
        not_before=start,
        not_after=start + timedelta(days=3),
        max_pulls=None,
        request=None,
    )
    envelope = sign_statement(receipt.statement(), person.keys.sign_seed)
    refused(
        api.post(
            "/api/v1/grants",
            json={"receipt": envelope, "sealed_keys": {cw.identity: b64encode(b"x" * 80)}},
            headers=person.headers,
        )
    )
    assert deposit_id


def test_a_migration_stopped_halfway_is_finished_by_the_next_run_and_a_third_does_nothing(
    vault: tuple[ConsentWorld, dict[str, bytes], str, str],
    live_server: str,
    hostile: HostileServer,
    tmp_path: Path,
) -> None:
    cw, contents, _grant, deposit_id = vault
    person = cw.person
    with client_on(live_server, person.token, tmp_path / "person.json") as client:
        documents = client.call("GET", "/documents").json()["documents"]
        first = next(d for d in documents if d["id"] == cw.identity)
        assert bind_v1_document(client, person.keys, first) == (33, True)  # stopped after one
        assert bind_v1_document(client, person.keys, first) == (33, False)  # bound: skipped
        assert client.crypto_format(refresh=True) == 1

        summary = client.migrate_to_v2(person.keys)
        assert (summary.bound, summary.already_v2, summary.switched) == (3, 1, True)
        again = client.migrate_to_v2(person.keys)
        assert (again.bound, again.switched) == (0, False)
        assert all(hostile.row(d)["version"] == 1 for d in contents if d != deposit_id)
        for document_id, content in contents.items():
            target = tmp_path / f"{document_id}.out"
            client.download(
                document_id, target, person.keys, pinned_root=pinned_root(cw.world.admin)
            )
            assert target.read_bytes() == content


def test_twenty_migrations_of_one_vault_at_once_bind_each_document_once_and_all_finish(
    vault: tuple[ConsentWorld, dict[str, bytes], str, str],
    live_server: str,
    hostile: HostileServer,
    tmp_path: Path,
) -> None:
    """Twenty devices of the person unlocking at the same moment: every run ends with the
    account in v2, each document was bound by exactly one of them."""
    cw, contents, _grant, deposit_id = vault

    def run(n: int) -> tuple[int, bool]:
        with client_on(live_server, cw.person.token, tmp_path / f"device-{n}.json") as client:
            summary = client.migrate_to_v2(cw.person.keys)
            assert client.crypto_format() == 2
            return summary.bound, summary.switched

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(run, range(20)))
    assert sum(bound for bound, _ in results) == 4
    bindings = {d: hostile.row(d)["binding"] for d in contents if d != deposit_id}
    assert all(b is not None for b in bindings.values())
