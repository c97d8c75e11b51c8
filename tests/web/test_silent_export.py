"""An export or a re-encryption whose connection goes silent (issue 14, item 7, the
class of transfer.js).

"Tout récupérer" asks for the list of documents, then downloads every one; here the
server takes the request for the list, or for a document's bytes, and never answers.
Once nothing has moved for COFFRE_WEB_STALL_SECONDS (2 s in these tests) the export
stops in plain French, offers no link to a half-written ZIP, and "Tout récupérer"
starts it again and finishes once the network is back. A re-encryption (download,
then upload under a new key) whose upload gets no answer says so and offers
"Changer la serrure de ces documents" again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from coffre.settings import Settings
from tests.consent.world import RSA
from tests.structures.world import World
from tests.web.conftest import assert_accessible, png
from tests.web.journeys import (
    go_more,
    log_in_person,
    my_shares,
    person_client,
    share,
    visible_screen,
)
from tests.web.test_person_journey import sign_up
from tests.web.test_silent_connection import STALL_SECONDS, add_a_photo, held


@pytest.fixture
def settings(settings: Settings) -> Iterator[Settings]:
    yield settings.model_copy(update={"web_stall_seconds": STALL_SECONDS})


@pytest.mark.parametrize(
    "silent",
    ["**/api/v1/documents/*/content", "**/api/v1/me/exports"],
    ids=["a-document", "the-list"],
)
def test_an_export_whose_answers_stop_coming_stops_in_french_and_starts_again(
    silent: str, page: Page, live_server: str, tmp_path: Path
) -> None:
    sign_up(page, live_server, "samira")
    add_a_photo(page, tmp_path)
    page.get_by_role("button", name="Mettre dans mon coffre").click()
    visible_screen(page, "documents")
    routes: list[Route] = []
    page.route(silent, held(routes))

    screen = go_more(page, "Tout récupérer", "export")
    start = screen.get_by_role("button", name="Tout récupérer")
    start.click()
    expect(page.locator("#export-error")).to_have_text(
        "La récupération n'a pas marché. Plus rien ne passe depuis un moment. La connexion "
        "est peut-être coupée. Vérifiez le réseau, puis appuyez sur « Tout récupérer » pour "
        "recommencer.",
        timeout=STALL_SECONDS * 1000 + 15_000,
    )
    assert len(routes) == 1
    save = screen.get_by_role("link", name="Enregistrer le fichier")
    expect(save).to_be_hidden()
    expect(page.locator("#export-progress")).to_be_hidden()
    expect(start).to_be_enabled()
    expect(start).to_be_focused()
    assert_accessible(page, "export-stalled")

    # The network is back: the same button starts the export again and it finishes.
    page.unroute(silent)
    start.click()
    expect(save).to_be_visible(timeout=30_000)
    expect(page.locator("#export-error")).to_be_hidden()
    expect(page.locator("#export-step")).to_have_text(
        "C'est prêt : 1 document(s) et l'historique. Appuyez sur « Enregistrer le fichier »."
    )


def test_a_re_encryption_whose_upload_gets_no_answer_says_so_and_can_be_done_again(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    with person_client(live_server, world) as (client, keys):
        card = client.upload(
            png(tmp_path / "Carte d'identité.png", 300, 200, seed=1),
            "identite",
            box_public_key=keys.box_public,
            keys=keys,
        )
        grant = share(client, keys, world, RSA, [card], days=7)
        client.call("POST", f"/grants/{grant['id']}/revoke")

    held_uploads: list[Route] = []

    def hold_uploads(route: Route) -> None:
        if route.request.method == "PUT":
            held_uploads.append(route)
        else:
            route.continue_()

    log_in_person(page, live_server, world)
    # Read once the page has opened the vault: it binds a v1 document then (format v2).
    with person_client(live_server, world) as (client, keys):
        before = client.call("GET", f"/documents/{card}").json()
    shares = my_shares(page)
    page.route("**/api/v1/documents/*/content", hold_uploads)
    shares.get_by_role("button", name="Changer la serrure de ces documents").click()
    expect(page.locator("#status")).to_have_text(
        "Erreur : La nouvelle serrure n'a pas pu être posée. Plus rien ne passe depuis un "
        "moment. La connexion est peut-être coupée. Vérifiez le réseau, puis appuyez sur "
        "« Changer la serrure de ces documents ».",
        timeout=STALL_SECONDS * 1000 + 15_000,
    )
    assert len(held_uploads) == 1
    with person_client(live_server, world) as (client, keys):
        assert client.call("GET", f"/documents/{card}").json() == before

    page.unroute("**/api/v1/documents/*/content")
    shares.get_by_role("button", name="Changer la serrure de ces documents").click()
    expect(page.locator("#status")).to_have_text(
        "Vos documents ont une nouvelle serrure. Mme Dupont ne peut plus les ouvrir.",
        timeout=30_000,
    )
    with person_client(live_server, world) as (client, keys):
        after = client.call("GET", f"/documents/{card}").json()
    assert after["ciphertext_sha256"] != before["ciphertext_sha256"]
