"""The directory's entries not verified for a long time, flagged to the structure's admin
in the professional's page (issue 16 "Directory", web/static/js/pro-directory-verify.js).

The CAF's admin (M. Roche) logs in at 360 px: the menu shows "Fiches de l'annuaire à
vérifier (2)" for the two CAF entries imported with a date_maj over
COFFRE_DIRECTORY_STALE_DAYS ago; he confirms one, which leaves the list and the server's
GET /directory/stale. A CAF agent who does not administer the structure sees no such item.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient
from playwright.sync_api import BrowserContext, Page, expect

from tests.directory.factories import service, structure
from tests.factories import PASSPHRASE
from tests.relays.world import CAF_SIRET, RelayWorld, build_relay_world
from tests.web.conftest import assert_accessible
from tests.web.journeys import log_in, visible_screen

STALE_DAY = "2025-06-01"  # over COFFRE_DIRECTORY_STALE_DAYS (365) before the test clock
ADMIN_LOGIN, ADMIN_PASSPHRASE = "roche", f"{PASSPHRASE} 15"  # tests/relays/world.py
AGENT_LOGIN, AGENT_PASSPHRASE = "agent-caf", f"{PASSPHRASE} 16"
OLD = ("Accueil sans rendez-vous", "Aide au logement")


def _import_stale(api: TestClient, rw: RelayWorld) -> None:
    """Two more CAF entries, last updated by their producer long ago."""
    rows = [
        service(
            local,
            "caf",
            name,
            "Un service de la CAF.",
            thematiques=[
                "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"
            ],
            publics=["tous-publics"],
            zone_eligibilite=["63"],
            date_maj=STALE_DAY,
        )
        for local, name in zip(("accueil", "logement"), OLD, strict=True)
    ]
    data = {
        "structures": [structure("caf", "CAF du Puy-de-Dôme", siret=CAF_SIRET)],
        "services": rows,
    }
    response = api.post(
        "/api/v1/directory/imports",
        content=json.dumps(data).encode(),
        headers={**rw.cw.world.admin.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text


def _stale_names(api: TestClient, rw: RelayWorld) -> list[str]:
    response = api.get("/api/v1/directory/stale", headers=rw.caf_admin.headers)
    assert response.status_code == 200, response.text
    return sorted(s["nom"] for s in response.json()["services"])


def test_the_structure_admin_confirms_a_stale_entry_and_it_leaves_the_list(
    api: TestClient, tmp_path: Path, live_server: str, page: Page, second_phone: BrowserContext
) -> None:
    rw = build_relay_world(api, tmp_path)
    _import_stale(api, rw)
    assert _stale_names(api, rw) == sorted(OLD)

    log_in(page, live_server, ADMIN_LOGIN, ADMIN_PASSPHRASE, "shared")
    item = page.locator("#menu").get_by_role(
        "button", name=re.compile("^Fiches de l'annuaire à vérifier")
    )
    expect(item).to_have_text("Fiches de l'annuaire à vérifier (2)")
    item.click()
    screen = visible_screen(page, "pro-directory-verify")
    expect(screen).to_contain_text("demandez à l'administrateur·rice du territoire")
    cards = screen.locator("#pro-directory-list li")
    expect(cards).to_have_count(2)
    first = cards.filter(has_text=OLD[0])
    expect(first).to_contain_text("CAF du Puy-de-Dôme")
    expect(first).to_contain_text("Dernière vérification : 01/06/2025")
    link = first.get_by_role("link", name=f"Voir la fiche « {OLD[0]} » sur le guide")
    assert (link.get_attribute("href") or "").startswith("/guide/services/")
    assert_accessible(page, "directory entries to check")

    first.get_by_role("button", name="Les informations sont toujours justes").click()
    expect(page.locator("#status")).to_contain_text(f"la fiche « {OLD[0]} » est marquée vérifiée")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(OLD[1])
    expect(item).to_have_text("Fiches de l'annuaire à vérifier (1)")
    assert _stale_names(api, rw) == [OLD[1]]
    assert_accessible(page, "directory entries, one confirmed")

    # A CAF agent (not its admin) is not asked: no menu item.
    agent = second_phone.new_page()
    log_in(agent, live_server, AGENT_LOGIN, AGENT_PASSPHRASE, "shared")
    expect(agent.locator("#menu").get_by_role("button", name="Mes notifications")).to_be_visible()
    expect(agent.locator("#pro-directory-menu")).to_be_hidden()
