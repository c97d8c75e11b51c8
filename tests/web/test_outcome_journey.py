"""What a professional reported came of a share, in the person's page (docs/CONSENT.md,
"Outcomes"): the news at the top of "Historique" and the history's line, in plain words,
with what the person may do next."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from tests.consent.world import RSA
from tests.structures.world import World
from tests.web.conftest import assert_accessible, png
from tests.web.journeys import go, log_in_person, person_client, share

DUPONT = "Mme Dupont (CCAS de Clermont-Ferrand)"


def test_the_person_reads_what_came_of_a_share(
    world: World, page: Page, live_server: str, api: TestClient, tmp_path: Path
) -> None:
    with person_client(live_server, world) as (client, keys):
        card = png(tmp_path / "carte.png", 300, 200, seed=3)
        doc_id = client.upload(card, "identite", box_public_key=keys.box_public, keys=keys)
        grant = share(client, keys, world, RSA, [doc_id], days=30)
    for outcome in ("document_missing", "right_opened"):
        reported = api.post(
            f"/api/v1/grants/{grant['id']}/outcome",
            json={"outcome": outcome},
            headers=world.professional.headers,
        )
        assert reported.status_code == 200, reported.text

    log_in_person(page, live_server, world)
    history = go(page, "Historique")
    notices = history.locator("#notification-list")
    expect(notices).to_contain_text("a indiqué le", use_inner_text=True)
    expect(notices).to_contain_text(
        "la suite donnée à votre partage pour « Ouverture de droits au RSA » : pièce "
        "manquante. Vous pouvez lui partager la pièce qui manque."
    )
    expect(notices).to_contain_text(": droit ouvert.")
    # Log-ins are lines too, between the others: the two reports, newest first.
    lines = history.locator(".history li").filter(has_text="a indiqué la suite donnée")
    expect(lines).to_have_count(2)
    expect(lines.first).to_contain_text(
        f"{DUPONT} a indiqué la suite donnée à votre partage, pour « Ouverture de droits au "
        "RSA » : droit ouvert."
    )
    expect(lines.nth(1)).to_contain_text(
        f"{DUPONT} a indiqué la suite donnée à votre partage, pour « Ouverture de droits au "
        "RSA » : pièce manquante. Vous pouvez lui partager la pièce qui manque."
    )
    assert_accessible(page, "history-outcome")
