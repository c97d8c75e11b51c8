"""The demo territory (client/demo/, ``coffre demo``) loads on a fresh app, twice without
changing anything, and every demo role can then log in and find what the README says.

One load per backend (it makes ~20 accounts with real keys, encrypts and signs every
paper): the test reads as the README's section "Se connecter à la démo", in order.
"""

from __future__ import annotations

import subprocess
import sys
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pyotp
import pytest
from typer.testing import CliRunner

from cli.demo import run
from cli.main import app
from client import CoffreClient, referents, relays
from client.demo import cast, story
from client.demo.build import Demo, DemoRefused
from client.demo.totp import TotpBook
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.settings import Settings
from tests.structures.world import bootstrap_territory


def log_in(
    opened: ExitStack, server: str, login: str, book: TotpBook | None = None
) -> CoffreClient:
    client = opened.enter_context(CoffreClient(server))
    code = book.code(login) if book is not None else None
    client.login(login, cast.DEMO_PASSPHRASE, totp_code=code)
    return client


def test_the_demo_loads_once_and_every_role_logs_in(
    settings: Settings,
    live_server: str,
    clock: FrozenClock,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    state = tmp_path / "demo-totp.json"
    said: list[str] = []
    first = run(settings, live_server, state, now=clock.now, say=said.append)
    assert first.created["structures"] == len(cast.STRUCTURES)
    assert first.created["services"] == 19
    assert first.created["persons"] == len(cast.PERSONS)
    assert first.created["grants"] == len(story.SHARES)
    assert first.created["deposits"] == 1
    assert first.refused_as_expected  # the share to OPHIS, outside the charter

    # Loaded again: nothing new, nothing twice (the admin is not even logged in).
    again = run(settings, live_server, state, now=clock.now, say=said.append)
    assert again.created == {}
    assert again.refused_as_expected == []
    # The README's first command runs scripts/demo.py: on a loaded server it says so.
    script = Path(__file__).resolve().parents[2] / "scripts" / "demo.py"
    served = subprocess.run(
        [sys.executable, str(script), live_server],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert served.returncode == 0, served.stderr
    assert "déjà chargée" in served.stdout

    opened = ExitStack()
    request.addfinalizer(opened.close)
    # A TOTP code is good once: the logins below use the next 30-second step.
    clock.advance(seconds=30)
    book = TotpBook(state, clock.now)
    admin = log_in(opened, live_server, cast.TERRITORY_ADMIN_LOGIN, book)
    structures = admin.call("GET", "/structures").json()["structures"]
    assert sorted(s["name"] for s in structures) == sorted(s.name for s in cast.STRUCTURES)
    officer = log_in(opened, live_server, cast.OFFICER_LOGIN, book)
    assert officer.account()["kind"] == "charter_officer"

    # Every professional is a certified member of their structure (as its admin, or the
    # territory admin for the structure admins, certified them), with a v2 certificate
    # that ends (the territory started on a v2 root with its first revocation list).
    members = 0
    for structure in structures:
        listing = admin.call("GET", f"/structures/{structure['id']}/members").json()["members"]
        assert listing and all(m["certified"] for m in listing), structure["name"]
        assert all(m["certificate_state"] == "valid" and m["not_after"] for m in listing)
        members += len(listing)
    assert members == len(cast.PROFESSIONALS)
    assert admin.call("GET", "/trust/root/v2").json()["sequence"] == 0
    assert admin.call("GET", "/trust/revocations").json()["sequence"] == 1

    # Persons: their papers (decrypted here) and the deposit, their shares.
    ines = opened.enter_context(CoffreClient(live_server))
    logged = ines.login("ines.d", cast.DEMO_PASSPHRASE)
    names = {d.metadata.name for d in ines.list_documents(logged.keys)}
    assert names == {p.name for p in story.PAPERS["ines.d"]} | {"attestation-election-domicile.pdf"}
    states = sorted(g["state"] for g in ines.call("GET", "/grants").json()["grants"])
    assert states == ["active", "revoked"]

    # The directory: public search finds the services, accents and plurals aside.
    with httpx.Client(base_url=live_server) as public:
        found = public.get("/api/v1/directory/services", params={"need": "hebergement urgence"})
        assert "115 — hébergement d'urgence" in [s["nom"] for s in found.json()["services"]]
        found = public.get("/api/v1/directory/services", params={"need": "addictions alcool"})
        services = found.json()["services"]
        assert services[0]["structure"]["nom"] == cast.structure("csapa-volcans").name
        assert services[0]["structure"]["adheres_to_charter"] is True
        found = public.get("/api/v1/directory/services", params={"need": "milieu ouvert"})
        assert found.json()["services"][0]["structure"]["adheres_to_charter"] is False

    # The référent sees the persons who chose her, and only them.
    benali = log_in(opened, live_server, "n.benali")
    followed = referents.followed_all(benali)
    assert [f.person.name for f in followed] == ["m.martin"]
    martin = log_in(opened, live_server, "m.martin")
    history = martin.call("GET", "/me/history").json()["items"]
    # The demo's load and this test's: the second load logged no person in.
    assert [e["action"] for e in history].count("account.login") == 2
    mine = referents.my_referent(martin)
    assert mine.current is not None and mine.current.professional.name == "Nadia Benali"
    assert mine.handover is not None and mine.handover.successor.name == "Léa Garnier"
    fabre = log_in(opened, live_server, "c.fabre")
    assert referents.followed_all(fabre) == []  # Inès has not answered the proposal
    assert len(referents.my_referent(ines).proposals) == 1

    # Relays in each state the demo can reach on a live clock (expiry needs 30 days).
    seen = {}
    for person in (martin, ines, log_in(opened, live_server, "monsieur.a")):
        for relay in relays.list_relays(person):
            agreed = relay["agreed_at"] is not None and relay["state"] == "proposed"
            seen[relay["service"]["name"]] = "agreed" if agreed else relay["state"]
    assert sorted(seen.values()) == sorted(o.state for o in story.ORIENTATIONS)
    assert sorted(seen.values()) == [
        "agreed",
        "agreed",
        "closed",
        "declined",
        "proposed",
        "taken",
    ]
    [taken] = [r for r in relays.list_relays(martin) if r["state"] == "taken"]
    assert taken["returned_at"] is not None
    assert [f.relays_open for f in followed] == [1]
    lambert = log_in(opened, live_server, "s.lambert")
    incoming = relays.list_relays(lambert, box="incoming")
    assert sorted(r["person"]["name"] for r in incoming) == ["ines.d", "monsieur.a"]

    # What the README says of the relays left waiting: the charter's 10 and 30 days
    # (the running app's job, here with the clock moved).
    coffre = Coffre.build(settings, clock=clock)
    try:
        clock.advance(days=11)
        assert coffre.relays.sweep().reminded == 3
        clock.advance(days=20)
        assert coffre.relays.sweep().expired == 3
    finally:
        coffre.close()
    again_a = log_in(opened, live_server, "monsieur.a")  # the old sessions timed out
    states = sorted(r["state"] for r in relays.list_relays(again_a))
    assert states == ["declined", "expired"]

    # A month later the revocation list has ended: served again, the demo signs the
    # next one (the territory admin's TOTP from the book), so its certificates keep
    # verifying; nothing else is made again.
    later = run(settings, live_server, state, now=clock.now, say=said.append)
    assert later.created == {"revocation lists": 1}
    with httpx.Client(base_url=live_server) as public:
        listed = public.get("/api/v1/trust/revocations").json()
    assert listed["sequence"] == 2
    assert datetime.fromisoformat(listed["next_update"]) > clock.now() + timedelta(days=30)


def test_the_demo_refuses_a_server_without_its_territory(
    live_server: str, clock: FrozenClock, tmp_path: Path
) -> None:
    demo = Demo(live_server, totp=TotpBook(tmp_path / "t.json", clock.now), say=lambda _: None)
    with pytest.raises(DemoRefused, match="pas encore de territoire"):
        demo.load()
    demo.close()


def test_settings_that_are_not_the_servers_change_nothing_on_it(
    settings: Settings, live_server: str, clock: FrozenClock, tmp_path: Path
) -> None:
    elsewhere = settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'another.sqlite3'}"}
    )
    with pytest.raises(DemoRefused, match="n'a pas pu être créé"):
        run(elsewhere, live_server, tmp_path / "t.json", now=clock.now, say=lambda _: None)
    with httpx.Client(base_url=live_server) as public:
        assert public.get("/api/v1/trust/root").status_code == 404


def test_never_in_production(tmp_path: Path) -> None:
    production = Settings(environment="production", secret_key="x" * 40)
    with pytest.raises(DemoRefused, match="production"):
        run(production, "http://127.0.0.1:9", tmp_path / "t.json", say=lambda _: None)


def test_the_demo_refuses_a_territory_63_that_is_not_its_own(
    settings: Settings, live_server: str, clock: FrozenClock, tmp_path: Path
) -> None:
    coffre = Coffre.build(settings)
    try:
        bootstrap_territory(coffre)  # territory 63, another admin than the demo's
    finally:
        coffre.close()
    with pytest.raises(DemoRefused, match="pas celui de la démo"):
        run(settings, live_server, tmp_path / "t.json", now=clock.now, say=lambda _: None)


def test_codes_are_printed_only_from_the_demo_state(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["demo", "--codes", "--state", str(tmp_path / "none.json")])
    assert missing.exit_code == 1
    state = tmp_path / "demo-totp.json"
    TotpBook(state, FrozenClock().now).keep("dpo-63", pyotp.random_base32())
    shown = runner.invoke(app, ["demo", "--codes", "--state", str(state)])
    assert shown.exit_code == 0
    assert shown.output.startswith("dpo-63")
    assert oct(state.stat().st_mode & 0o777) == "0o600"
