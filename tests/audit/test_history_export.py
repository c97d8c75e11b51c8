"""The person's history (plain words, filters, their slice only, persons only) and the
full export (a ZIP that reopens, byte-for-byte documents, a verified deposit, one
``account.export`` entry, nothing left behind when it fails)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import secrets
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from client import consent
from client.api import ApiError, CoffreClient
from client.export import export_vault, history, safe_name, unique_name
from coffre.audit.models import AuditEntry
from coffre.container import Coffre
from coffre.structures.errors import NotAllowed
from coffre.vault.models import Document
from crypto import sign_statement
from tests.consent.world import MDPH, RSA, ConsentWorld, build_consent_world
from tests.factories import encrypted_document, upload
from tests.structures.world import (
    Who,
    certify_member,
    invite,
    join,
    log_in,
    material,
    pinned_root,
)

CCAS = "Mme Dupont (CCAS de Clermont-Ferrand)"


def coffre_of(api: TestClient) -> Coffre:
    return api.app.state.coffre  # type: ignore[attr-defined,no-any-return]


def count(api: TestClient, action: str) -> int:
    with coffre_of(api).db.unit_of_work() as db:
        query = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        return int(db.scalar(query) or 0)


def my_history(cw: ConsentWorld, who: Who | None = None, **filters: str) -> list[dict[str, Any]]:
    return history((who or cw.person).client(cw.api), **filters)


def summaries(items: list[dict[str, Any]]) -> list[str]:
    return [str(item["summary"]) for item in items]


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


@pytest.fixture
def story(cw: ConsentWorld) -> dict[str, str]:
    """A share, a pull with a reason, a revoke and a refused pull, a deposit, and a
    request the person declines."""
    pro = cw.professional
    grant = cw.share([cw.health], purpose=MDPH)
    assert cw.pull(str(grant["id"]), cw.health, "Constitution du dossier MDPH").status_code == 200
    cw.api.post(f"/api/v1/grants/{grant['id']}/revoke", headers=cw.person.headers)
    assert cw.pull(str(grant["id"]), cw.health, "Encore une fois").status_code == 403
    deposited = consent.deposit(
        pro.client(cw.api),
        pro.keys,
        depositor_id=pro.account_id,
        structure_id=cw.world.structure_id,
        person_id=cw.person.account_id,
        category="domicile",
        name="attestation-domiciliation.pdf",
        mime="application/pdf",
        content=b"%PDF-1.4 attestation de domiciliation",
    )
    request_id = consent.ask(
        pro.client(cw.api),
        person_login=cw.person.login,
        structure_id=cw.world.structure_id,
        purpose=RSA,
        category="domicile",
    )
    consent.decline(cw.person.client(cw.api), request_id, "Je l'apporte lundi")
    return {"grant": str(grant["id"]), "deposit": str(deposited["id"]), "request": request_id}


# -- the history ---------------------------------------------------------------------


def test_the_history_tells_the_person_what_happened_in_plain_words(
    cw: ConsentWorld, story: dict[str, str]
) -> None:
    items = my_history(cw)
    concerning = [i for i in items if i["action"].startswith(("grant.", "request.", "document.d"))]
    assert summaries(concerning) == [
        f"Vous avez refusé la demande de {CCAS} pour « Ouverture de droits au RSA ».",
        f"{CCAS} vous a demandé un document « Justificatif de domicile » pour "
        "« Ouverture de droits au RSA ».",
        f"{CCAS} a déposé un document « Justificatif de domicile » dans votre coffre.",
        f"{CCAS} a essayé d'ouvrir votre document « Santé » : c'est refusé, "
        "vous aviez retiré ce partage.",
        f"Vous avez retiré le partage fait à {CCAS} pour « Dossier MDPH ».",
        f"{CCAS} a ouvert votre document « Santé » pour « Dossier MDPH ». "
        "Motif indiqué : « Constitution du dossier MDPH ».",
        concerning[-1]["summary"],
    ]
    assert concerning[-1]["summary"].startswith(
        f"Vous avez partagé votre document « Santé » avec {CCAS} pour « Dossier MDPH », jusqu'au "
    )
    refused, _, pulled = concerning[3], concerning[4], concerning[5]
    assert pulled["outcome"] == "ok" and refused["outcome"] == "refused"
    assert refused["refusal"] == "revoked"
    assert pulled["who"] == {
        "kind": "professional",
        "name": "Mme Dupont",
        "account_id": cw.professional.account_id,
        "structure_id": cw.world.structure_id,
        "structure_name": "CCAS de Clermont-Ferrand",
    }
    assert pulled["documents"] == [
        {"id": cw.health, "category": "sante", "category_label": "Santé"}
    ]
    assert pulled["purpose"] == MDPH and pulled["purpose_label"] == "Dossier MDPH"
    assert pulled["reason"] == "Constitution du dossier MDPH"
    assert pulled["grant_id"] == story["grant"]
    # Newest first; the person's own actions are "vous"; logins are there too.
    assert [i["seq"] for i in items] == sorted((i["seq"] for i in items), reverse=True)
    assert concerning[0]["who"]["kind"] == "self" and concerning[0]["who"]["name"] == "vous"
    assert any(i["action"] == "account.login" and i["outcome"] == "ok" for i in items)
    assert {i["action"] for i in items} >= {"document.upload", "account.signup"}


def test_a_failed_login_shows_as_someone_refused(cw: ConsentWorld) -> None:
    wrong = {"login": cw.person.login, "auth_key": "A" * 43}
    assert cw.api.post("/api/v1/auth/login", json=wrong).status_code == 401
    [failed] = [
        i for i in my_history(cw) if i["action"] == "account.login" and i["outcome"] != "ok"
    ]
    assert failed["who"]["kind"] == "unknown"
    assert failed["summary"] == (
        "Une connexion à votre compte a été refusée (phrase secrète ou code faux)."
    )


def test_the_history_filters_by_document(cw: ConsentWorld, story: dict[str, str]) -> None:
    items = my_history(cw, document=cw.health)
    assert {i["action"] for i in items} == {
        "document.upload",
        "grant.create",
        "grant.pull",
        "grant.revoke",
    }
    assert all(cw.health in [d["id"] for d in i["documents"]] for i in items)
    deposit = my_history(cw, document=story["deposit"])
    assert [i["action"] for i in deposit] == ["document.deposit"]
    assert my_history(cw, document="0" * 32) == []
    assert my_history(cw, document="pas-un-identifiant") == []


def test_the_history_filters_by_professional(cw: ConsentWorld, story: dict[str, str]) -> None:
    api, world = cw.api, cw.world
    other = join(
        api,
        invite(api, world.structure_admin, world.structure_id, "professional", "M. Martin"),
        material(16, "martin"),
    )
    certify_member(api, world.structure_admin, world.structure_id, other.account_id)
    consent.share(
        cw.person.client(api),
        cw.person.keys,
        person_id=cw.person.account_id,
        professional_id=other.account_id,
        pinned_root=pinned_root(world.admin),
        purpose=RSA,
        document_ids=[cw.address],
        days=10,
    )
    martin = my_history(cw, professional=other.account_id)
    assert [i["action"] for i in martin] == ["grant.create"]
    assert martin[0]["professional"]["name"] == "M. Martin"
    dupont = my_history(cw, professional=cw.professional.account_id)
    assert {i["action"] for i in dupont} == {
        "grant.create",
        "grant.pull",
        "grant.revoke",
        "document.deposit",
        "request.create",
        "request.decline",
    }
    assert all(i["professional"]["account_id"] == cw.professional.account_id for i in dupont)


def test_another_persons_events_never_appear(cw: ConsentWorld, story: dict[str, str]) -> None:
    api = cw.api
    other = material(15, "chloe")
    assert api.post("/api/v1/accounts", json=other.signup_body).status_code == 201
    log_in(api, other)
    owner: Any = other
    theirs = upload(api, owner, encrypted_document(owner, b"facture", category="domicile"))
    grant = consent.share(
        other.client(api),
        other.keys,
        person_id=other.account_id,
        professional_id=cw.professional.account_id,
        pinned_root=pinned_root(cw.world.admin),
        purpose=RSA,
        document_ids=[theirs],
        days=5,
    )
    assert cw.pull(str(grant["id"]), theirs).status_code == 200
    mine = my_history(cw)
    theirs_items = my_history(cw, other)
    assert {i["seq"] for i in mine}.isdisjoint({i["seq"] for i in theirs_items})
    assert all(theirs not in [d["id"] for d in i["documents"]] for i in mine)
    assert any(theirs in [d["id"] for d in i["documents"]] for i in theirs_items)
    with coffre_of(api).db.unit_of_work() as db:
        about = set(
            db.scalars(select(AuditEntry.seq).where(AuditEntry.person_id == other.account_id))
        )
    assert about.isdisjoint({i["seq"] for i in mine})
    assert my_history(cw, document=theirs) == []


def test_only_persons_read_a_history_or_export(cw: ConsentWorld) -> None:
    # Every role and anonymous, on both routes, against one world per backend (a world
    # per case built 20 worlds); each refusal must leave the export trail unchanged.
    answers = []
    for role in ("professional", "officer", "admin", "structure_admin", None):
        for method, path in (("GET", "/api/v1/me/history"), ("POST", "/api/v1/me/exports")):
            before = count(cw.api, "account.export")
            headers = getattr(cw.world, role).headers if role else {}
            response = cw.api.request(method, path, headers=headers)
            expected = (401, "not_authenticated") if role is None else (403, "not_allowed")
            got = (response.status_code, response.json()["error"]["code"])
            unchanged = count(cw.api, "account.export") == before
            answers.append((role, method, path, got, unchanged, expected))
    assert [a for a in answers if a[3:5] != (a[5], True)] == []


def test_reading_the_history_is_not_recorded(cw: ConsentWorld) -> None:
    my_history(cw)
    with coffre_of(cw.api).db.unit_of_work() as db:
        before = int(db.scalar(select(func.count()).select_from(AuditEntry)) or 0)
    my_history(cw)
    with coffre_of(cw.api).db.unit_of_work() as db:
        assert int(db.scalar(select(func.count()).select_from(AuditEntry)) or 0) == before


def test_reading_what_an_export_holds_is_not_an_export(
    cw: ConsentWorld, story: dict[str, str]
) -> None:
    coffre = coffre_of(cw.api)
    person = coffre.accounts.authenticate(cw.person.token)
    before = count(cw.api, "account.export")
    data = coffre.history.for_export(person)
    assert count(cw.api, "account.export") == before
    assert {d.document.id for d in data.documents} == {
        cw.identity,
        cw.address,
        cw.health,
        story["deposit"],
    }
    [deposited] = [d for d in data.documents if d.depositor is not None]
    assert deposited.depositor.name == "Mme Dupont"
    assert [g.grant.id for g in data.grants] == [story["grant"]]
    assert data.login == cw.person.login and data.history[0].action != "account.export"
    professional = coffre.accounts.authenticate(cw.professional.token)
    with pytest.raises(NotAllowed):
        coffre.history.for_export(professional)
    with pytest.raises(NotAllowed):
        coffre.exports.record(professional)
    with pytest.raises(NotAllowed):
        coffre.history.for_person(professional)


# -- the export ----------------------------------------------------------------------


def uploaded_contents(cw: ConsentWorld) -> dict[str, bytes]:
    return {
        cw.identity: b"carte d'identite" * 100,
        cw.address: b"facture EDF" * 100,
        cw.health: b"certificat medical" * 100,
    }


def test_the_export_is_a_zip_of_every_document_byte_for_byte_with_its_manifest(
    cw: ConsentWorld, story: dict[str, str], tmp_path: Path
) -> None:
    api, person = cw.api, cw.person
    owner: Any = person
    expected = uploaded_contents(cw)
    expected[story["deposit"]] = b"%PDF-1.4 attestation de domiciliation"
    # A larger document over several chunks, and names that must not escape.
    for name, size in (
        ("../../etc/passwd", 300_000),
        ("CON.txt", 10),
        ("facture.pdf", 20),
        ("FACTURE.pdf", 30),
    ):
        plaintext = secrets.token_bytes(size)
        document = encrypted_document(owner, plaintext, name=name, category="impots")
        expected[upload(api, owner, document)] = plaintext
    exports_before = count(api, "account.export")
    seen: list[tuple[int, int]] = []
    dest = tmp_path / "out" / "mon-coffre.zip"
    dest.parent.mkdir()
    summary = export_vault(
        person.client(api),
        person.keys,
        dest,
        progress=lambda done, total: seen.append((done, total)),
        pinned_root=pinned_root(cw.world.admin),
    )
    assert count(api, "account.export") == exports_before + 1
    assert sorted(p.name for p in dest.parent.iterdir()) == ["mon-coffre.zip"]
    assert summary.documents == len(expected) and summary.deposits_verified == 1
    assert seen[-1][0] == seen[-1][1] == summary.ciphertext_bytes
    with zipfile.ZipFile(dest) as archive:
        assert archive.testzip() is None
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["format"] == "coffre-export" and manifest["version"] == 1
        assert manifest["account"] == {"id": person.account_id, "login": person.login}
        listed = {d["id"]: d for d in manifest["documents"]}
        assert set(listed) == set(expected)
        for document_id, content in expected.items():
            entry = listed[document_id]
            assert archive.read(entry["path"]) == content
            assert entry["sha256"] == hashlib.sha256(content).hexdigest()
            assert entry["size"] == len(content)
        paths = [d["path"] for d in manifest["documents"]]
        assert all(p.startswith("documents/") and ".." not in p.split("/") for p in paths)
        assert len({p.casefold() for p in paths}) == len(paths)
        impots = sorted(p.rsplit("/", 1)[1].casefold() for p in paths if "/impots/" in p)
        assert impots == ["_con.txt", "facture (2).pdf", "facture.pdf", "passwd.pdf"]
        deposit = listed[story["deposit"]]["deposit"]
        assert deposit["verified"] is True and deposit["problem"] is None
        assert deposit["depositor"]["name"] == "Mme Dupont"
        assert deposit["depositor"]["structure_name"] == "CCAS de Clermont-Ferrand"
        assert listed[story["deposit"]]["path"] == (
            "documents/domicile/attestation-domiciliation.pdf"
        )
        assert manifest["trust_root"]["pinned"] is True
        assert [g["id"] for g in manifest["grants"]] == [story["grant"]]
        assert manifest["audit"]["verifier_key"] == coffre_of(api).audit.verifier_key
        assert manifest["audit"]["checkpoint"].startswith(coffre_of(api).audit.origin)
        history_json = json.loads(archive.read("history.json"))
        actions = [i["action"] for i in history_json["items"]]
        assert actions[0] == "account.export"
        assert {"grant.pull", "grant.revoke", "document.deposit", "request.decline"} <= set(actions)
        rows = list(
            csv.reader(io.StringIO(archive.read("history.csv").decode("utf-8-sig")), delimiter=";")
        )
        assert rows[0][:4] == ["Date", "Qui", "Structure", "Ce qui s'est passé"]
        assert len(rows) == len(history_json["items"]) + 1
        assert any("Motif indiqué" in row[3] for row in rows[1:])
        assert "LISEZMOI.txt" in archive.namelist()


def test_an_unpinned_export_says_the_root_came_from_the_server(
    cw: ConsentWorld, story: dict[str, str], tmp_path: Path
) -> None:
    dest = tmp_path / "coffre.zip"
    export_vault(cw.person.client(cw.api), cw.person.keys, dest)
    with zipfile.ZipFile(dest) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["trust_root"] == {
        "fingerprint": pinned_root(cw.world.admin),
        "pinned": False,
    }
    [deposited] = [d for d in manifest["documents"] if d["deposit"] is not None]
    assert deposited["deposit"]["verified"] is True


def test_a_deposit_signed_by_someone_else_is_marked_unverified(
    cw: ConsentWorld, story: dict[str, str], tmp_path: Path
) -> None:
    # The server swaps the deposit's envelope for one signed by another key.
    other = material(17, "faussaire")
    with coffre_of(cw.api).db.unit_of_work() as db:
        document = db.get_one(Document, story["deposit"])
        assert document.deposit is not None
        envelope = json.loads(document.deposit)
        document.deposit = json.dumps(sign_statement(envelope["statement"], other.keys.sign_seed))
    dest = tmp_path / "coffre.zip"
    summary = export_vault(
        cw.person.client(cw.api), cw.person.keys, dest, pinned_root=pinned_root(cw.world.admin)
    )
    assert summary.deposits == 1 and summary.deposits_verified == 0
    with zipfile.ZipFile(dest) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    [deposited] = [d for d in manifest["documents"] if d["deposit"] is not None]
    assert deposited["deposit"]["verified"] is False
    assert "signature" in deposited["deposit"]["problem"]


class _CutAfter(httpx.BaseTransport):
    """The network drops in the middle of the ``nth`` document's content."""

    def __init__(self, nth: int) -> None:
        self.inner = httpx.HTTPTransport()
        self.nth, self.seen = nth, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if not request.url.path.endswith("/content"):
            return response
        self.seen += 1
        if self.seen != self.nth:
            return response
        # Half-way through this document, whatever its size.
        inner, after = response.stream, int(response.headers["Content-Length"]) // 2
        assert isinstance(inner, httpx.SyncByteStream)

        class Dropped(httpx.SyncByteStream):
            def __iter__(self) -> Iterator[bytes]:
                sent = 0
                for piece in inner:
                    if sent + len(piece) > after:
                        yield piece[: after - sent]
                        inner.close()
                        raise httpx.ReadError("connection reset by peer")
                    sent += len(piece)
                    yield piece

            def close(self) -> None:
                inner.close()

        return httpx.Response(response.status_code, headers=response.headers, stream=Dropped())


def test_an_export_cut_off_mid_way_leaves_nothing_behind(
    cw: ConsentWorld, story: dict[str, str], live_server: str, tmp_path: Path
) -> None:
    # A real server and a real connection: the second document's stream breaks.
    transport = _CutAfter(nth=2)
    with httpx.Client(transport=transport, base_url=live_server) as http:
        client = CoffreClient(live_server, http=http, token=cw.person.token)
        dest = tmp_path / "out" / "coffre.zip"
        dest.parent.mkdir()
        with pytest.raises(httpx.ReadError):
            export_vault(client, cw.person.keys, dest)
    assert transport.seen == 2
    assert list(dest.parent.iterdir()) == []


def test_an_export_whose_document_is_gone_from_storage_leaves_nothing_behind(
    cw: ConsentWorld, story: dict[str, str], tmp_path: Path
) -> None:
    coffre = coffre_of(cw.api)
    with coffre.db.unit_of_work() as db:
        key = db.get_one(Document, cw.health).object_key
    assert key is not None
    coffre.store.delete(key)
    dest = tmp_path / "out" / "coffre.zip"
    dest.parent.mkdir()
    dest.write_bytes(b"an older export")
    with pytest.raises(ApiError) as failed:
        export_vault(cw.person.client(cw.api), cw.person.keys, dest)
    assert failed.value.code == "object_not_found"
    assert sorted(p.name for p in dest.parent.iterdir()) == ["coffre.zip"]
    assert dest.read_bytes() == b"an older export"


# -- safe names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("avis.pdf", "avis.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\x.dll", "x.dll"),
        ("..", "document"),
        ("", "document"),
        ("  . ", "document"),
        ("con", "_con"),
        ("NUL.txt", "_NUL.txt"),
        ("com1.tar.gz", "_com1.tar.gz"),
        ("LPT9", "_LPT9"),
        ("console.txt", "console.txt"),
        ("a:b*c?.pdf", "a_b_c_.pdf"),
        ("facture\u202efdp.exe", "facturefdp.exe"),
        ("ligne\nretour.pdf", "ligne_retour.pdf"),
        ("fin. . .", "fin"),
        (".bashrc", "bashrc"),
        ("e\u0301te\u0301.pdf", "été.pdf"),
    ],
)
def test_file_names_are_made_safe(given: str, safe: str) -> None:
    assert safe_name(given) == safe


def test_long_names_keep_their_extension_and_duplicates_get_a_number() -> None:
    long = safe_name("é" * 300 + ".pdf")
    assert long.endswith(".pdf") and len(long.encode("utf-8")) <= 180
    taken: set[str] = set()
    assert [unique_name(n, taken) for n in ("a.pdf", "A.pdf", "a.pdf", "b")] == [
        "a.pdf",
        "A (2).pdf",
        "a (3).pdf",
        "b",
    ]


# -- the commands --------------------------------------------------------------------


def test_the_history_and_export_commands(live_server: str, tmp_path: Path) -> None:
    from tests.test_cli_roundtrip import _cli

    home = tmp_path / "home"
    home.mkdir()
    source = tmp_path / "quittance.pdf"
    source.write_bytes(b"%PDF-1.4 " + secrets.token_bytes(200_000))
    assert _cli(live_server, home, "signup", "--login", "yasmine").returncode == 0
    uploaded = _cli(live_server, home, "upload", str(source), "--category", "logement")
    assert uploaded.returncode == 0, uploaded.stderr
    shown = _cli(live_server, home, "history")
    assert shown.returncode == 0, shown.stderr
    assert "Vous avez ajouté votre document « Logement »." in shown.stdout
    dest = tmp_path / "export.zip"
    exported = _cli(live_server, home, "export", "-o", str(dest))
    assert exported.returncode == 0, exported.stderr
    assert "1 document(s)" in exported.stdout
    with zipfile.ZipFile(dest) as archive:
        assert archive.read("documents/logement/quittance.pdf") == source.read_bytes()
    again = _cli(live_server, home, "export", "-o", str(dest))
    assert again.returncode == 1 and "--force" in again.stdout
