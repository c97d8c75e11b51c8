"""A v2 deposit read by the person's Python client (SPEC §24.3, §24.4): the deposit
statement is the document's binding, checked under the depositor's key certified up to
the territory's root. A hostile server cannot pass off a document it made as a
professional's deposit, nor swap the deposit's content; the person's later rename
takes over with their own binding."""

from __future__ import annotations

import json
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from client import CoffreClient, consent
from client.export import export_vault
from coffre.settings import Settings
from crypto.binding import BoundParts, deposit_statement
from crypto.errors import BindingError, SignatureError
from crypto.statements_v2 import sign_statement_v2
from tests.client.hostile import STREAM, HostileServer, client_on
from tests.consent.world import ConsentWorld, build_consent_world
from tests.factories_v2 import envelope_text, now_utc
from tests.structures.world import pinned_root

ATTESTATION = b"%PDF-1.4 attestation de domiciliation"


@dataclass
class Deposited:
    cw: ConsentWorld
    person: CoffreClient
    hostile: HostileServer
    document_id: str
    root: str


@pytest.fixture
def deposited(
    api: TestClient, live_server: str, settings: Settings, tmp_path: Path
) -> Iterator[Deposited]:
    cw = build_consent_world(api, tmp_path)
    hostile = HostileServer(settings)
    pro = cw.professional
    with (
        client_on(live_server, cw.person.token, tmp_path / "person.json") as person,
        client_on(live_server, pro.token, tmp_path / "pro.json") as pro_client,
    ):
        person.migrate_to_v2(cw.person.keys)
        pro_client.migrate_to_v2(pro.keys)  # no documents of their own: v2 at once
        consent.share(  # the link a deposit needs: the person shared with this professional
            person,
            cw.person.keys,
            person_id=cw.person.account_id,
            professional_id=pro.account_id,
            pinned_root=pinned_root(cw.world.admin),
            purpose="ouverture-droits-rsa",
            document_ids=[cw.identity],
            days=30,
        )
        answer = consent.deposit(
            pro_client,
            pro.keys,
            depositor_id=pro.account_id,
            structure_id=cw.world.structure_id,
            person_id=cw.person.account_id,
            category="domicile",
            name="attestation-domiciliation.pdf",
            mime="application/pdf",
            content=ATTESTATION,
        )
        yield Deposited(cw, person, hostile, str(answer["id"]), pinned_root(cw.world.admin))
    hostile.close()


def test_a_v2_deposit_opens_for_the_person_under_the_depositors_certified_key(
    deposited: Deposited, tmp_path: Path
) -> None:
    d = deposited
    row = d.hostile.row(d.document_id)
    assert (row["format"], row["version"], row["binding"] == row["deposit"]) == (2, 1, True)
    target = tmp_path / "attestation.pdf"
    d.person.download(d.document_id, target, d.cw.person.keys, pinned_root=d.root)
    assert target.read_bytes() == ATTESTATION
    # The person renames it: their own binding, version 2, takes over (SPEC §24.3).
    assert d.person.rename(d.document_id, "domiciliation.pdf", d.cw.person.keys) == 2
    entry = d.person.document(d.document_id, d.cw.person.keys, pinned_root=d.root)
    assert (entry.metadata.name, entry.version) == ("domiciliation.pdf", 2)


def test_a_deposit_made_by_the_server_in_a_professionals_name_is_refused(
    deposited: Deposited, tmp_path: Path
) -> None:
    """The statement names the professional as depositor but is signed by a key the
    server chose: that key is not the one certified for them."""
    d = deposited
    parts = BoundParts.read(json.loads(d.hostile.row(d.document_id)["binding"])["statement"])
    forged = envelope_text(
        sign_statement_v2(
            deposit_statement(
                parts,
                depositor=d.cw.professional.account_id,
                structure=d.cw.world.structure_id,
                category="domicile",
                deposited_at=now_utc(),
            ),
            secrets.token_bytes(32),
        )
    )
    d.hostile.set(d.document_id, binding=forged, deposit=forged)
    with pytest.raises(SignatureError):
        d.person.download(d.document_id, tmp_path / "x.pdf", d.cw.person.keys, pinned_root=d.root)
    assert not (tmp_path / "x.pdf").exists()


def test_the_server_cannot_swap_a_deposits_content_with_another_document(
    deposited: Deposited, tmp_path: Path
) -> None:
    d = deposited
    d.hostile.swap(d.document_id, d.cw.identity, *STREAM)
    with pytest.raises(BindingError):
        d.person.download(d.document_id, tmp_path / "x.pdf", d.cw.person.keys, pinned_root=d.root)
    assert not (tmp_path / "x.pdf").exists()


def test_the_export_says_a_v2_deposit_is_verified_and_writes_it_byte_for_byte(
    deposited: Deposited, tmp_path: Path
) -> None:
    d = deposited
    summary = export_vault(d.person, d.cw.person.keys, tmp_path / "coffre.zip", pinned_root=d.root)
    assert (summary.deposits, summary.deposits_verified) == (1, 1)
    with zipfile.ZipFile(tmp_path / "coffre.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
        [entry] = [e for e in manifest["documents"] if e["id"] == d.document_id]
        assert entry["deposit"]["verified"] is True
        assert archive.read(entry["path"]) == ATTESTATION
