"""Issue 20, "Done when" (partners' part), with the real `coffre` command against the real
server on loopback: a partner is provisioned with a token and a key file, a person
grants two documents, `coffre pull` pulls and decrypts them byte-identical with their
receipts verified, while the person sees the pulls and the reported outcome; expired,
revoked and out-of-purpose grants are refused; a pull interrupted half-way is resumed;
a forged receipt stops the pull before anything is decrypted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from client import CoffreClient, consent
from client.keyfile import write_key_file
from coffre.clock import FrozenClock
from coffre.settings import Settings
from tests import cli_in_process
from tests.client.hostile import client_on
from tests.consent.world import (
    RSA,
    ConsentWorld,
    build_consent_world,
    consent_charter,
    publish,
)
from tests.structures.world import TERRITORY, pinned_root

COFFRE = Path(sys.executable).parent / "coffre"
KEY_PASSPHRASE = "fichier clés caf tournesol"
IDENTITY = b"carte d'identite" * 100  # the consent world's documents (tests/consent/world.py)
ADDRESS = b"facture EDF" * 100
ALL_SCOPES = ["grants:read", "grants:pull", "grants:report", "requests", "deposits"]


@dataclass
class Partner:
    """The CAF agent's machine: a token, the professional's key file, a folder."""

    cw: ConsentWorld
    server: str
    home: Path
    key_file: Path
    token: str
    person: CoffreClient

    def cli(
        self, *args: str, process: bool = False, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        """``coffre *args`` as the partner runs it: in this process (tests/cli_in_process.py:
        same entry point, arguments, environment, output and exit code), or as the real
        command in a process of its own with ``process=True``."""
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.home),
            "COFFRE_SERVER": self.server,
            "COFFRE_CLI_HOME": str(self.home / "cli"),
            "COFFRE_TOKEN": self.token,
            "COFFRE_KEY_FILE": str(self.key_file),
            "COFFRE_KEY_PASSPHRASE": KEY_PASSPHRASE,
            "COFFRE_LANG": "fr",
            "COLUMNS": "200",
            **extra,
        }
        if not process:
            return cli_in_process.run(list(args), env)
        return subprocess.run(
            [str(COFFRE), *args], env=env, capture_output=True, text=True, timeout=120, check=False
        )

    def share(self, documents: list[str], *, days: int = 30, purpose: str = RSA) -> str:
        grant = consent.share(
            self.person,
            self.cw.person.keys,
            person_id=self.cw.person.account_id,
            professional_id=self.cw.professional.account_id,
            pinned_root=pinned_root(self.cw.world.admin),
            purpose=purpose,
            document_ids=documents,
            days=days,
        )
        return str(grant["id"])

    def history(self, action: str) -> list[dict[str, Any]]:
        items = self.cw.api.get("/api/v1/me/history", headers=self.cw.person.headers).json()
        return [item for item in items["items"] if item["action"] == action]


def make_token(api: TestClient, headers: dict[str, str], scopes: list[str] = ALL_SCOPES) -> str:
    made = api.post(
        "/api/v1/tokens", json={"label": "Agent CAF", "scopes": scopes, "days": 30}, headers=headers
    )
    assert made.status_code == 201, made.text
    token = str(made.json()["token"])
    assert token.startswith("coffre_pat_")
    return token


@pytest.fixture
def partner(api: TestClient, live_server: str, tmp_path: Path) -> Iterator[Partner]:
    cw = build_consent_world(api, tmp_path)
    home = tmp_path / "partner"
    home.mkdir()
    key_file = home / "pro.key"
    pro = cw.professional
    write_key_file(
        key_file,
        pro.keys,
        account_id=pro.account_id,
        login=pro.login,
        territory=TERRITORY,
        passphrase=KEY_PASSPHRASE,
    )
    token = make_token(api, pro.headers)
    with client_on(live_server, cw.person.token, tmp_path / "person.json") as person:
        person.migrate_to_v2(cw.person.keys)  # format v2: receipts name versions and keys
        yield Partner(cw, live_server, home, key_file, token, person)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "receipt.json" and not p.name.startswith(".coffre-")
    }


def test_the_cli_pulls_two_granted_documents_byte_identical_with_receipts_verified(
    partner: Partner, tmp_path: Path
) -> None:
    cw = partner.cw
    grant_id = partner.share([cw.identity, cw.address])
    inbox = tmp_path / "inbox"

    listed = partner.cli("grants", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [g["id"] for g in json.loads(listed.stdout)] == [grant_id]

    # The real command, in a process of its own (the other calls run in this process).
    pulled = partner.cli("pull", "--into", str(inbox), process=True)
    assert pulled.returncode == 0, pulled.stderr + pulled.stdout
    assert pulled.stdout.count("Reçu vérifié") == 2
    files = _files(inbox)
    assert files == {
        f"{grant_id}/{cw.identity}-identite.txt": IDENTITY,
        f"{grant_id}/{cw.address}-domicile.txt": ADDRESS,
    }
    receipt = inbox / grant_id / "receipt.json"
    verified = partner.cli("receipt", "verify", str(receipt))
    assert verified.returncode == 0, verified.stdout
    assert f"signé par la personne {cw.person.account_id}" in verified.stdout
    assert "Partage " + grant_id in verified.stdout

    reported = partner.cli("outcome", grant_id, "right_opened")
    assert reported.returncode == 0, reported.stderr
    # The person sees both pulls and the outcome in their history.
    pulls = partner.history("grant.pull")
    assert all(item["outcome"] == "ok" and item["grant_id"] == grant_id for item in pulls)
    pulled_ids = sorted(d["id"] for item in pulls for d in item["documents"])
    assert pulled_ids == sorted([cw.identity, cw.address])
    [outcome] = partner.history("grant.outcome")
    assert "droit ouvert" in outcome["summary"]

    again = partner.cli("pull", "--into", str(inbox))
    assert again.returncode == 0, again.stderr
    assert "0 document(s) récupéré(s), 2 déjà présent(s)" in again.stdout
    assert len(partner.history("grant.pull")) == 2  # nothing pulled twice
    assert outcome["report"] == "right_opened" and outcome["grant_id"] == grant_id


def test_a_pull_interrupted_half_way_resumes_without_pulling_twice(
    partner: Partner, tmp_path: Path
) -> None:
    cw = partner.cw
    grant_id = partner.share([cw.identity, cw.address])
    inbox = tmp_path / "inbox"
    first = partner.cli("pull", grant_id, cw.identity, "--into", str(inbox))
    assert first.returncode == 0, first.stderr + first.stdout
    # What a run killed while writing the second document leaves: its temporary file.
    partial = inbox / grant_id / ".coffre-k9x2.part"
    partial.write_bytes(ADDRESS[:100])

    resumed = partner.cli("pull", "--into", str(inbox))
    assert resumed.returncode == 0, resumed.stderr + resumed.stdout
    assert "1 document(s) récupéré(s), 1 déjà présent(s)" in resumed.stdout
    assert not partial.exists()
    assert sorted(_files(inbox).values()) == sorted([IDENTITY, ADDRESS])
    assert len(partner.history("grant.pull")) == 2


def _refused(partner: Partner, grant_id: str, folder: Path) -> subprocess.CompletedProcess[str]:
    run = partner.cli("pull", grant_id, "--into", str(folder))
    assert run.returncode == 1, run.stdout + run.stderr
    assert _files(folder) == {}
    return run


def test_revoked_expired_and_out_of_purpose_grants_are_refused(
    partner: Partner, clock: FrozenClock, tmp_path: Path
) -> None:
    cw = partner.cw
    revoked = partner.share([cw.identity])
    consent.revoke(partner.person, revoked)
    run = _refused(partner, revoked, tmp_path / "revoked")
    assert "grant_not_active" in run.stdout

    # A new charter version takes proof of address out of the RSA purpose.
    outside = partner.share([cw.address])
    narrowed = consent_charter(cw.world.structure_id, version=2).replace(
        'categories = ["identite", "domicile"]', 'categories = ["identite"]'
    )
    publish(cw.api, cw.world, narrowed)
    run = _refused(partner, outside, tmp_path / "outside")
    assert "grant_not_active" in run.stdout

    # The person sees the refused attempt; nothing was pulled.
    attempts = partner.history("grant.pull")
    assert attempts and all(item["outcome"] == "refused" for item in attempts)

    expiring = partner.share([cw.identity], days=1)
    clock.advance(days=2)
    run = _refused(partner, expiring, tmp_path / "expired")
    assert "grant_not_active" in run.stdout


def test_a_forged_receipt_stops_the_pull_before_anything_is_decrypted(
    partner: Partner, settings: Settings, tmp_path: Path
) -> None:
    cw = partner.cw
    grant_id = partner.share([cw.identity, cw.address])
    engine = create_engine(settings.database_url)
    try:
        with engine.begin() as conn:
            stored = conn.execute(
                text("SELECT receipt FROM grants WHERE id = :id"), {"id": grant_id}
            ).scalar_one()
            envelope = json.loads(stored)
            # The server (or whoever holds its database) widens what the person signed.
            envelope["statement"]["not_after"] = "2099-01-01T00:00:00Z"
            conn.execute(
                text("UPDATE grants SET receipt = :r WHERE id = :id"),
                {"r": json.dumps(envelope, separators=(",", ":")), "id": grant_id},
            )
    finally:
        engine.dispose()
    inbox = tmp_path / "inbox"
    run = partner.cli("pull", "--into", str(inbox))
    assert run.returncode == 1
    assert "receipt_forged" in run.stderr, run.stdout + run.stderr
    assert _files(inbox) == {}
    assert not list(inbox.rglob("*.part"))


def test_the_example_partner_script_pulls_checks_and_reports_the_outcome(
    partner: Partner, tmp_path: Path
) -> None:
    cw = partner.cw
    grant_id = partner.share([cw.identity, cw.address])
    inbox = tmp_path / "caf"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(partner.home),
        "COFFRE_SERVER": partner.server,
        "COFFRE_TOKEN": partner.token,
        "COFFRE_KEY_FILE": str(partner.key_file),
        "COFFRE_KEY_PASSPHRASE": KEY_PASSPHRASE,
    }
    script = Path(__file__).resolve().parents[2] / "examples" / "partner.py"
    run = subprocess.run(
        [sys.executable, str(script), "--inbox", str(inbox), "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"partage {grant_id} : 2 pièce(s), résultat right_opened" in run.stdout
    assert sorted(_files(inbox).values()) == sorted([IDENTITY, ADDRESS])
    [outcome] = partner.history("grant.outcome")
    assert outcome["report"] == "right_opened"


def test_the_cli_asks_for_a_document_and_deposits_one_the_person_opens(
    partner: Partner, tmp_path: Path
) -> None:
    cw = partner.cw
    partner.share([cw.identity])  # the person is now linked to the professional
    asked = partner.cli(
        "request",
        "--person",
        cw.person.login,
        "--structure",
        cw.world.structure_id,
        "--purpose",
        RSA,
        "--category",
        "domicile",
    )
    assert asked.returncode == 0, asked.stdout + asked.stderr
    waiting = cw.api.get("/api/v1/requests", headers=cw.person.headers).json()["requests"]
    assert [(r["purpose"], r["category"]) for r in waiting] == [(RSA, "domicile")]
    assert waiting[0]["id"] in asked.stdout

    letter = tmp_path / "attestation-caf.pdf"
    letter.write_bytes(b"%PDF-1.4 attestation de droits CAF " * 200)
    deposited = partner.cli(
        "deposit",
        cw.person.account_id,
        str(letter),
        "--structure",
        cw.world.structure_id,
        "--category",
        "caf",
    )
    assert deposited.returncode == 0, deposited.stdout + deposited.stderr
    document_id = deposited.stdout.split("Document déposé : ")[1].split()[0]
    opened = tmp_path / "ouvert.pdf"
    partner.person.download(
        document_id, opened, cw.person.keys, pinned_root=pinned_root(cw.world.admin)
    )
    assert opened.read_bytes() == letter.read_bytes()


def test_the_key_file_is_exported_from_a_session_and_opens_for_the_pull(
    partner: Partner, tmp_path: Path
) -> None:
    """`coffre key export` after `coffre login`: the account's passphrase unlocks the keys
    on this machine, the file gets its own passphrase; the pull then opens with it."""
    from tests.factories import PASSPHRASE

    passphrase = f"{PASSPHRASE} 12"  # the professional's (tests/structures/world.py, slot 12)
    cw = partner.cw
    grant_id = partner.share([cw.identity])
    own = "une autre phrase pour le fichier"
    logged = partner.cli("login", "--login", cw.professional.login, COFFRE_PASSPHRASE=passphrase)
    assert logged.returncode == 0, logged.stdout + logged.stderr
    exported = tmp_path / "exported.key"
    run = partner.cli(
        "key",
        "export",
        "-o",
        str(exported),
        COFFRE_PASSPHRASE=passphrase,
        COFFRE_KEY_PASSPHRASE=own,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    wrong = partner.cli("pull", "--into", str(tmp_path / "non"), COFFRE_KEY_FILE=str(exported))
    assert wrong.returncode == 1 and "impossible d'ouvrir" in wrong.stderr
    pulled = partner.cli(
        "pull",
        "--into",
        str(tmp_path / "inbox"),
        COFFRE_KEY_FILE=str(exported),
        COFFRE_KEY_PASSPHRASE=own,
    )
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    assert _files(tmp_path / "inbox") == {f"{grant_id}/{cw.identity}-identite.txt": IDENTITY}


def test_a_token_without_the_pull_scope_lists_but_pulls_nothing(
    partner: Partner, tmp_path: Path
) -> None:
    cw = partner.cw
    grant_id = partner.share([cw.identity])
    reader = make_token(cw.api, cw.professional.headers, scopes=["grants:read"])
    listed = partner.cli("grants", "--json", COFFRE_TOKEN=reader)
    assert listed.returncode == 0 and grant_id in listed.stdout
    run = partner.cli("pull", "--into", str(tmp_path / "inbox"), COFFRE_TOKEN=reader)
    assert run.returncode == 1 and "token_scope" in run.stdout, run.stdout + run.stderr
    assert _files(tmp_path / "inbox") == {}
    assert partner.history("grant.pull") == []


def test_a_receipt_signed_by_another_key_than_the_remembered_one_opens_nothing(
    partner: Partner, settings: Settings, tmp_path: Path
) -> None:
    """Trust on first use, then remembered: a server that later mints the person's
    receipt with a key of its own (statement unchanged, signature valid under that key)
    is caught before anything is decrypted, with the new key's code to compare."""
    from nacl.signing import SigningKey

    from client import PersonKeyChanged
    from client.keyfile import open_key_file
    from client.memory import ReaderMemory
    from client.partner import PartnerClient
    from crypto.pins import pin_spoken
    from crypto.statements_v2 import sign_statement_v2

    cw = partner.cw
    grant_id = partner.share([cw.identity, cw.address])
    keys = open_key_file(partner.key_file, KEY_PASSPHRASE)
    memory = ReaderMemory(tmp_path / "memory.json")
    with PartnerClient(partner.server, partner.token, keys, memory=memory) as coffre:
        coffre.pull(grant_id, cw.identity, tmp_path)  # first use: the key is remembered
        seed = SigningKey.generate()
        engine = create_engine(settings.database_url)
        try:
            with engine.begin() as conn:
                stored = conn.execute(
                    text("SELECT receipt FROM grants WHERE id = :id"), {"id": grant_id}
                ).scalar_one()
                minted = sign_statement_v2(json.loads(stored)["statement"], bytes(seed))
                conn.execute(
                    text("UPDATE grants SET receipt = :r WHERE id = :id"),
                    {"r": json.dumps(minted, separators=(",", ":")), "id": grant_id},
                )
        finally:
            engine.dispose()
        target = tmp_path / "second"
        target.mkdir()
        with pytest.raises(PersonKeyChanged) as changed:
            coffre.pull(grant_id, cw.address, target)
    assert pin_spoken(bytes(seed.verify_key)) in changed.value.message
    assert list(target.iterdir()) == []


def test_a_pull_stopped_mid_stream_leaves_nothing_half_written_and_resumes(
    partner: Partner, tmp_path: Path
) -> None:
    """Ctrl-C while the second document streams in: its temporary file is removed, the
    first stays recorded; the next run pulls the second only. (The server counted the
    interrupted pull: the person sees three pulls, which is what happened.)"""
    from client.keyfile import open_key_file
    from client.partner import PartnerClient
    from client.partner_sync import pull_into

    cw = partner.cw
    grant_id = partner.share([cw.identity, cw.address])
    inbox = tmp_path / "inbox"
    keys = open_key_file(partner.key_file, KEY_PASSPHRASE)
    started: list[str] = []

    def stop_on_the_second(_grant: Any, document: Any) -> Any:
        started.append(document.id)
        if len(started) < 2:
            return None

        def interrupt(_n: int) -> None:
            raise KeyboardInterrupt

        return interrupt

    with PartnerClient(partner.server, partner.token, keys) as coffre:
        with pytest.raises(KeyboardInterrupt):
            pull_into(coffre, inbox, on_document=stop_on_the_second)
        assert len(_files(inbox)) == 1 and not list(inbox.rglob("*.part"))
        report = pull_into(coffre, inbox)
    assert (len(report.pulled), report.skipped) == (1, 1)
    assert sorted(_files(inbox).values()) == sorted([IDENTITY, ADDRESS])
    assert len(partner.history("grant.pull")) == 3

    one = tmp_path / "un-seul.txt"
    single = partner.cli("pull", grant_id, cw.address, "-o", str(one))
    assert single.returncode == 0, single.stdout + single.stderr
    assert one.read_bytes() == ADDRESS


def test_a_receipt_saved_with_the_cli_verifies_offline_against_the_pinned_root(
    partner: Partner, tmp_path: Path
) -> None:
    from crypto.pins import pin_spoken

    cw = partner.cw
    grant_id = partner.share([cw.identity])
    saved = tmp_path / "recu.json"
    got = partner.cli("receipt", "get", grant_id, "-o", str(saved))
    assert got.returncode == 0, got.stdout + got.stderr
    person_pin = pin_spoken(cw.person.keys.sign_public)
    checked = partner.cli(
        "receipt",
        "verify",
        str(saved),
        "--root",
        pinned_root(cw.world.admin),
        "--person-pin",
        person_pin,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Reçu valide" in checked.stdout and "non comparée" not in checked.stdout
    assert "Professionnel certifié par la clé de confiance du territoire : Mme Dupont" in (
        checked.stdout
    )
    body = json.loads(saved.read_text())
    body["grant_id"] = "0" * 32  # presented for another grant
    saved.write_text(json.dumps(body))
    replayed = partner.cli("receipt", "verify", str(saved))
    assert replayed.returncode == 1 and "receipt_replayed" in replayed.stdout


def test_twenty_runs_started_together_on_one_folder_pull_each_document_once(
    partner: Partner, tmp_path: Path
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from client.keyfile import open_key_file
    from client.partner import PartnerClient
    from client.partner_sync import PullReport, pull_into

    cw = partner.cw
    partner.share([cw.identity, cw.address])
    inbox = tmp_path / "inbox"
    keys = open_key_file(partner.key_file, KEY_PASSPHRASE)

    def run(_: int) -> PullReport:
        with PartnerClient(partner.server, partner.token, keys) as coffre:
            return pull_into(coffre, inbox)

    with ThreadPoolExecutor(max_workers=20) as pool:
        reports = list(pool.map(run, range(20)))
    assert sum(len(r.pulled) for r in reports) == 2
    assert sum(r.skipped for r in reports) == 2 * 19
    assert sorted(_files(inbox).values()) == sorted([IDENTITY, ADDRESS])
    assert len(partner.history("grant.pull")) == 2


def test_the_library_follows_the_cursor_through_every_page_with_the_filters(
    partner: Partner, clock: FrozenClock
) -> None:
    from client.partner import PartnerClient

    cw = partner.cw
    made = []
    for _ in range(3):
        made.append(partner.share([cw.identity]))
        clock.advance(seconds=1)
    consent.revoke(partner.person, made[1])
    with PartnerClient(partner.server, partner.token) as coffre:
        every = [g.id for g in coffre.grants(page_size=1)]
        active = [g.id for g in coffre.grants(state="active", page_size=1)]
        page, cursor = coffre.grants_page(limit=1)
        one = coffre.grant(made[2])
    assert sorted(every) == sorted(made) and len(every) == 3
    assert sorted(active) == sorted([made[0], made[2]])
    assert len(page) == 1 and cursor is not None
    assert one.id == made[2] and one.purpose == RSA and one.person_id == cw.person.account_id
    assert [d.id for d in one.documents] == [cw.identity]


def test_the_reason_the_charter_requires_is_given_with_the_pull(
    partner: Partner, tmp_path: Path
) -> None:
    from tests.consent.world import MDPH

    cw = partner.cw
    grant_id = partner.share([cw.health], purpose=MDPH)
    inbox = tmp_path / "inbox"
    without = partner.cli("pull", "--into", str(inbox))
    assert without.returncode == 1 and "reason_required" in without.stdout, without.stdout
    assert _files(inbox) == {}
    given = partner.cli("pull", "--into", str(inbox), "--reason", "Constitution du dossier MDPH")
    assert given.returncode == 0, given.stdout + given.stderr
    assert list(_files(inbox).values()) == [b"certificat medical" * 100]
    [pulled] = [p for p in partner.history("grant.pull") if p["outcome"] == "ok"]
    assert pulled["reason"] == "Constitution du dossier MDPH" and pulled["grant_id"] == grant_id
