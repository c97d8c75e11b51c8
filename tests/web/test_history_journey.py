"""The person's history and full export in the page, against the real server.

A health certificate is shared for the MDPH file (a reason at each pull); Mme Dupont
opens it with a reason; the person stops the share; Mme Dupont tries again and is
refused. "Historique" then says all of it in plain words, with the person's own title
for the document; the filters narrow it; the lines save as a CSV file. "Tout
récupérer" builds one ZIP in the page whose documents are the bytes uploaded, with
manifest.json and history.json laid out as the CLI's export (client/export.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Locator, Page, expect

from client import CoffreClient, consent
from tests.consent.world import MDPH
from tests.structures.world import World, pinned_root
from tests.web.conftest import PageProblems, assert_accessible, png, screenshot
from tests.web.journeys import (
    OTHER_ROOT,
    PRO_LOGIN,
    PRO_PASSPHRASE,
    download,
    go,
    go_more,
    log_in_person,
    person_client,
    pin_root,
    pull,
    root_pin,
    share,
)

DUPONT = "Mme Dupont (CCAS de Clermont-Ferrand)"
WHEN = re.compile(r"^Le \d\d/\d\d/\d{4} à \d\d:\d\d$")
EXPORT_DONE = "C'est prêt : 3 document(s) et l'historique. Appuyez sur « Enregistrer le fichier »."
DEPOSIT_WARNING = (
    "Attention : pour un document déposé par un professionnel, on n'a pas pu vérifier qui l'a "
    "envoyé. La liste des documents, dans le fichier, dit lequel."
)
ATTESTATION = b"%PDF-1.4\n% attestation de domiciliation\n" * 30


@pytest.fixture
def story(world: World, live_server: str, tmp_path: Path, api: TestClient) -> dict[str, Path]:
    """A share, a pull with a reason, the share stopped, a refused pull."""
    with person_client(live_server, world) as (client, keys):
        certificate = png(tmp_path / "certificat.png", 400, 300, seed=5)
        doc_id = client.upload(certificate, "sante", box_public_key=keys.box_public, keys=keys)
        notice = tmp_path / "notice.pdf"
        notice.write_bytes(b"%PDF-1.4\n% notice CAF\n" * 40)
        client.upload(notice, "caf", box_public_key=keys.box_public, keys=keys)
        grant = share(client, keys, world, MDPH, [doc_id], days=30)
    assert pull(api, world, grant, doc_id, "Constitution du dossier MDPH").status_code == 200
    with person_client(live_server, world) as (client, _):
        client.call("POST", f"/grants/{grant['id']}/revoke")
    assert pull(api, world, grant, doc_id, "Relecture").status_code == 403
    return {"certificat.png": certificate, "notice.pdf": notice}


def test_the_history_says_who_opened_what_when_and_why(
    world: World, story: dict[str, Path], page: Page, live_server: str
) -> None:
    log_in_person(page, live_server, world)
    history = go(page, "Historique")
    lines = history.locator(".history li")
    texts = [t.split("\n", 1) for t in lines.all_inner_texts()]
    for when, _ in texts:
        assert WHEN.match(when), when
    sentences = [sentence for _, sentence in texts]
    doc = "« certificat » (Santé)"
    expected = [
        f"{DUPONT} a essayé d'ouvrir {doc} : c'est refusé, vous aviez arrêté ce partage.",
        f"Vous avez arrêté le partage avec {DUPONT}, pour « Dossier MDPH ».",
        f"{DUPONT} a ouvert {doc}, pour « Dossier MDPH ». "
        "La raison donnée : « Constitution du dossier MDPH ».",
        f"Vous avez partagé {doc} avec {DUPONT}, pour « Dossier MDPH ».",
    ]
    # Log-ins (the person's and the client's) are lines too, between the others.
    events = [s for s in sentences if s != "Connexion à votre coffre."]
    assert events[: len(expected)] == expected
    assert "Vous avez ajouté « notice » (CAF)." in sentences
    assert "Vous avez ajouté « certificat » (Santé)." in sentences
    assert_accessible(page, "history")
    screenshot(page, "60-history")

    # -- filters: one professional, then one document --------------------------------
    history.get_by_label("Quel professionnel ?").select_option(label=DUPONT)
    history.get_by_role("button", name="Afficher").click()
    expect(page.locator("#status")).to_have_text("4 ligne(s) affichée(s).")
    expect(lines).to_have_count(4)
    history.get_by_label("Quel professionnel ?").select_option(index=0)
    history.get_by_label("Quel document ?").select_option(label="notice (CAF)")
    history.get_by_role("button", name="Afficher").click()
    expect(lines).to_have_count(1)
    expect(lines).to_contain_text("Vous avez ajouté « notice » (CAF).")

    # -- the lines shown, as a CSV file -----------------------------------------------
    history.get_by_label("Quel document ?").select_option(index=0)
    history.get_by_role("button", name="Afficher").click()
    expect(lines).to_have_count(len(sentences))
    name, raw = download(
        page, history.get_by_role("link", name="Enregistrer ces lignes pour un tableur")
    )
    assert name == "historique-coffre.csv"
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0][:4] == ["Date", "Qui", "Structure", "Ce qui s'est passé"]
    assert len(rows) == 1 + len(sentences)
    refused, pulled = [row for row in rows if row[4] == "grant.pull"]
    assert refused[9] == "refusé"
    assert refused[3] == expected[0]
    assert pulled[1:3] == ["Mme Dupont", "CCAS de Clermont-Ferrand"]
    assert pulled[8] == "Constitution du dossier MDPH"
    assert pulled[7] == "Dossier MDPH"


def deposit_attestation(live_server: str, world: World) -> None:
    """Mme Dupont deposits an attestation (signed) into the person's vault."""
    with CoffreClient(live_server) as client:
        logged = client.login(PRO_LOGIN, PRO_PASSPHRASE)
        consent.deposit(
            client,
            logged.keys,
            depositor_id=world.professional.account_id,
            structure_id=world.structure_id,
            person_id=world.person.account_id,
            category="domicile",
            name="Attestation.pdf",
            mime="application/pdf",
            content=ATTESTATION,
        )


def export_in_page(page: Page) -> Locator:
    """ "Tout récupérer" from "Plus", then the button: waits for the ZIP's link."""
    screen = go_more(page, "Tout récupérer", "export")
    assert_accessible(page, "export")
    screen.get_by_role("button", name="Tout récupérer").click()
    save = screen.get_by_role("link", name="Enregistrer le fichier")
    expect(save).to_be_visible(timeout=30_000)
    expect(page.locator("#export-step")).to_have_text(EXPORT_DONE)
    return save


def test_everything_comes_out_in_one_zip_built_in_the_page(
    world: World, story: dict[str, Path], page: Page, live_server: str, tmp_path: Path
) -> None:
    # A deposit too: its proof of origin is checked in the page and said in the manifest.
    deposit_attestation(live_server, world)
    log_in_person(page, live_server, world)
    pin_root(page, root_pin(world.admin))
    save = export_in_page(page)
    # It ends there: no error after "C'est prêt", no warning (the deposit verified).
    expect(page.locator("#export-progress")).to_be_visible()
    expect(page.locator("#export-progress")).to_have_attribute("value", "100")
    expect(page.locator("#export-error")).to_be_hidden()
    expect(page.locator("#status")).to_have_text("")
    assert_accessible(page, "export-done")
    screenshot(page, "61-export")
    name, raw = download(page, save)
    assert re.fullmatch(r"coffre-\d{4}-\d\d-\d\d\.zip", name)

    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert archive.testzip() is None  # every CRC right
        names = set(archive.namelist())
        # The share's consent receipt, a file of its own (docs/CONSENT.md).
        receipts = {n for n in names if n.startswith("receipts/")}
        assert len(receipts) == 1
        [receipt] = [json.loads(archive.read(n)) for n in receipts]
        assert receipt["verified_by_server"] is True and receipt["format"] in (1, 2)
        assert names - receipts == {
            "documents/sante/certificat.png",
            "documents/caf/notice.pdf",
            "documents/domicile/Attestation.pdf",
            "manifest.json",
            "history.json",
            "history.csv",
            "LISEZMOI.txt",
            # The carnet, empty here (SPEC §30; tests/web/test_organiser.py fills it).
            "organiser.json",
            "rendez-vous.ics",
        }
        assert (
            archive.read("documents/sante/certificat.png") == story["certificat.png"].read_bytes()
        )
        assert archive.read("documents/caf/notice.pdf") == story["notice.pdf"].read_bytes()
        assert archive.read("documents/domicile/Attestation.pdf") == ATTESTATION
        manifest = json.loads(archive.read("manifest.json"))
        history = json.loads(archive.read("history.json"))
        readme = archive.read("LISEZMOI.txt").decode("utf-8")
        csv_text = archive.read("history.csv").decode("utf-8-sig")

    assert manifest["format"] == "coffre-export" and manifest["version"] == 1
    assert manifest["account"] == {"id": world.person.account_id, "login": world.person.login}
    listed = {d["path"]: d for d in manifest["documents"]}
    for path in ("documents/sante/certificat.png", "documents/caf/notice.pdf"):
        assert listed[path]["deposit"] is None
    deposited = listed["documents/domicile/Attestation.pdf"]
    assert deposited["deposit"]["verified"] is True
    assert deposited["deposit"]["problem"] is None
    assert deposited["deposit"]["depositor"]["name"] == "Mme Dupont"
    assert manifest["trust_root"] == {"fingerprint": root_pin(world.admin), "pinned": True}
    assert manifest["history"] == {"json": "history.json", "csv": "history.csv"}
    assert manifest["audit"]["verifier_key"]
    [grant] = manifest["grants"]
    assert grant["purpose"] == MDPH and grant["state"] == "revoked"
    assert history["format"] == "coffre-history"
    pulls = [i for i in history["items"] if i["action"] == "grant.pull"]
    assert [p["outcome"] for p in pulls] == ["refused", "ok"]
    assert pulls[1]["reason"] == "Constitution du dossier MDPH"
    assert f"pour le compte {world.person.login}" in readme
    assert csv_text.startswith("Date;Qui;Structure;Ce qui s'est passé;")

    # The export is in the trail; the CLI's export of the same vault has the same layout.
    from client.export import export_vault

    with person_client(live_server, world) as (client, keys):
        actions = [i["action"] for i in client.call("GET", "/me/history").json()["items"]]
        assert "account.export" in actions
        cli_zip = tmp_path / "cli.zip"
        export_vault(client, keys, cli_zip, pinned_root=pinned_root(world.admin))
    with zipfile.ZipFile(cli_zip) as archive:
        assert set(archive.namelist()) == names
        cli_manifest = json.loads(archive.read("manifest.json"))
    assert set(cli_manifest) == set(manifest)
    cli_listed = {d["path"]: d for d in cli_manifest["documents"]}
    assert set(cli_listed) == set(listed)
    for path, item in listed.items():
        assert set(item) == set(cli_listed[path])
        for key in ("id", "name", "mime", "size", "sha256", "category", "ciphertext_sha256"):
            assert item[key] == cli_listed[path][key]


def test_an_unverified_deposit_is_said_in_french_at_the_end_of_the_export(
    world: World, story: dict[str, Path], page: Page, live_server: str
) -> None:
    # Another territory key pinned: the depositor's keys cannot be verified up to it.
    deposit_attestation(live_server, world)
    log_in_person(page, live_server, world)
    pin_root(page, OTHER_ROOT)
    save = export_in_page(page)
    expect(page.locator("#status")).to_have_text(DEPOSIT_WARNING)
    expect(page.locator("#export-error")).to_be_hidden()
    expect(page.locator("#export-progress")).to_be_visible()
    expect(page.locator("#export-progress")).to_have_attribute("value", "100")
    expect(save).to_be_focused()
    assert_accessible(page, "export-deposit-warning")
    screenshot(page, "62-export-deposit-warning")

    _, raw = download(page, save)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert archive.read("documents/domicile/Attestation.pdf") == ATTESTATION
        manifest = json.loads(archive.read("manifest.json"))
    listed = {d["path"]: d for d in manifest["documents"]}
    deposited = listed["documents/domicile/Attestation.pdf"]["deposit"]
    assert deposited["verified"] is False
    assert deposited["problem"].startswith("les clés du déposant n'ont pas pu être vérifiées")
    assert manifest["trust_root"] == {"fingerprint": OTHER_ROOT, "pinned": True}


def test_an_export_that_breaks_says_so_in_french_not_with_the_script_error(
    world: World, page: Page, live_server: str, problems: dict[str, PageProblems]
) -> None:
    # The ZIP writer (fflate, loaded when the export starts) cannot be fetched: the
    # browser's own error ("Failed to fetch dynamically imported module…") is not for
    # the person.
    problems["page"].allow("net::ERR_FAILED")
    page.route("**/static/vendor/fflate-*.mjs", lambda route: route.abort())
    log_in_person(page, live_server, world)
    screen = go_more(page, "Tout récupérer", "export")
    screen.get_by_role("button", name="Tout récupérer").click()
    expect(page.locator("#export-error")).to_have_text(
        "La récupération n'a pas marché. Vous pouvez réessayer."
    )
    expect(page.locator("#export-progress")).to_be_hidden()
    expect(screen.get_by_role("link", name="Enregistrer le fichier")).to_be_hidden()
    expect(screen.get_by_role("button", name="Tout récupérer")).to_be_enabled()
