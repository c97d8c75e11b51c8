"""Steps the page journeys share, against the live server.

The accounts are those of tests/structures/world.py (the `world` fixture of conftest.py
adds the consent charter): the person (slot 14) and Mme Dupont, professional of the
CCAS (slot 12). In the page: logging in, adding a document, the steps of the share
dialog, pinning a territory key, saving a download. Through the Python client and the
API: the person uploads and shares, Mme Dupont opens a shared document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from playwright.sync_api import Locator, Page, expect

from client import CoffreClient, consent
from crypto import AccountKeys
from crypto.pins import pin_spoken
from tests.factories import PASSPHRASE
from tests.structures.world import World, pinned_root
from tests.web.conftest import png

PERSON_PASSPHRASE = f"{PASSPHRASE} 14"  # tests/structures/world.py: the person is slot 14
PRO_LOGIN = "dupont"
PRO_PASSPHRASE = f"{PASSPHRASE} 12"  # and Mme Dupont slot 12
PIN_KEY = "coffre.trustRoot"  # where the page keeps the territory key the person checked
# The v2 pin (SPEC §25.3) of a territory key that is not this world's (the key 00 01 … 1f).
OTHER_ROOT = "HHU M5R 3VO SGO DAZ NMU BLM LKS MVG"


# -- screens and logging in -------------------------------------------------------------


def visible_screen(page: Page, name: str) -> Locator:
    """Wait for a screen and return it: every lookup is scoped to the visible screen."""
    section = page.locator(f'[data-screen="{name}"]')
    expect(section).to_be_visible(timeout=30_000)
    return section


def open_login(page: Page, base: str) -> Locator:
    """From the welcome screen to the login form ("J'ai déjà un coffre"); returns the form."""
    page.goto(base)
    visible_screen(page, "welcome")
    page.get_by_role("button", name="J'ai déjà un coffre").click()
    return visible_screen(page, "login")


def log_in(page: Page, base: str, login: str, passphrase: str, home: str) -> None:
    """Log in through the page and wait for the `home` screen it opens on."""
    form = open_login(page, base)
    form.get_by_label("Pseudonyme ou numéro de téléphone").fill(login)
    form.get_by_label("Phrase secrète", exact=True).fill(passphrase)
    form.get_by_role("button", name="Ouvrir").click()
    visible_screen(page, home)


def log_in_staff(page: Page, url: str, login_name: str, passphrase: str) -> None:
    """The staff pages' first login step (console, administration, structure): the
    identifier and the passphrase, then "Continuer"; the code screen follows."""
    page.goto(url)
    form = visible_screen(page, "login")
    form.get_by_label("Identifiant").fill(login_name)
    form.get_by_label("Phrase secrète").fill(passphrase)
    form.get_by_role("button", name="Continuer").click()


def enter_code(page: Page, code: str) -> None:
    """On the staff pages' "code" screen: the 6-digit code, then "Me connecter"."""
    screen = visible_screen(page, "code")
    screen.get_by_label("Code", exact=True).fill(code)
    screen.get_by_role("button", name="Me connecter").click()


def log_in_person(page: Page, base: str, world: World) -> None:
    """The world's person logs in through the page: it opens on their documents."""
    log_in(page, base, world.person.login, PERSON_PASSPHRASE, "documents")


def log_in_professional(page: Page, base: str) -> None:
    """Mme Dupont logs in through the page: it opens on what is shared with her."""
    log_in(page, base, PRO_LOGIN, PRO_PASSPHRASE, "shared")


def root_pin(admin: Any) -> str:
    """The spoken pin (SPEC §25.3) of the world's territory key: what the pages show."""
    return pin_spoken(admin.keys.sign_public)


def pin_root(page: Page, fingerprint: str) -> None:
    """Store `fingerprint` as the territory key the person checked on an earlier visit."""
    page.evaluate(f"localStorage.setItem('{PIN_KEY}', '{fingerprint}')")


# -- documents in the page ----------------------------------------------------------------


def describe_document(kind: Locator, category: str, name: str) -> None:
    """On the "add-kind" screen: tick the category and name the document (not "Suivant")."""
    kind.locator(f'label[for="category-{category}"]').click()
    kind.get_by_label("Nom du document (facultatif)").fill(name)


def pick_pages(page: Page, files: list[Path]) -> None:
    """On the "add-pages" screen: choose the files and wait until each is listed."""
    page.locator("#pick-files").set_input_files([str(path) for path in files])
    expect(page.locator("#page-list li")).to_have_count(len(files), timeout=30_000)


def add_identity_card(page: Page, tmp_path: Path) -> None:
    """The person adds "Carte d'identité" (one photo) and is back on their documents."""
    page.get_by_role("button", name="Ajouter un document").first.click()
    kind = visible_screen(page, "add-kind")
    describe_document(kind, "identite", "Carte d'identité")
    kind.get_by_role("button", name="Suivant").click()
    visible_screen(page, "add-pages")
    pick_pages(page, [png(tmp_path / "cni.png", 900, 600, 4)])
    page.get_by_role("button", name="Mettre dans mon coffre").click()
    visible_screen(page, "documents")
    expect(document_button(page, "Carte d'identité.jpg")).to_be_visible()


def shown_name(name: str) -> str:
    """The name the person reads for the file `name`: without its extension (issue 18)."""
    return re.sub(r"\.(pdf|jpe?g|png|txt)$", "", name, flags=re.IGNORECASE)


def document_button(page: Page, name: str) -> Locator:
    """The button of the documents list whose shown name is exactly `name` without its
    extension ("Carte d'identité.jpg" → the row reading "Carte d'identité", never
    "Carte d'identité.jpg")."""
    exact = re.compile(f"^{re.escape(shown_name(name))}$")
    return page.locator("#document-list li.doc button").filter(
        has=page.locator(".doc-name", has_text=exact)
    )


def open_document(page: Page, name: str) -> None:
    """Open the document `name` (its file name; the list shows it without extension)."""
    document_button(page, name).click()
    visible_screen(page, "document")
    expect(page.locator("#doc-title")).to_have_text(shown_name(name))


def click_to_screen(page: Page, control: Locator, name: str) -> Locator:
    """Click ``control`` on a screen that shows a PDF and return the screen ``name`` it
    leads to. Chromium's PDF viewer runs in frames of its own, which it builds and
    lays out while the page goes on; on a loaded machine a click sent meanwhile was
    sometimes routed to those frames and lost (the screen did not change, the page
    had received no click). The click is sent again, at most three times in all,
    only while the screen has not appeared: a click that never leads there fails."""
    section = page.locator(f'[data-screen="{name}"]')
    for _ in range(2):
        control.click()
        try:
            expect(section).to_be_visible(timeout=5_000)
        except AssertionError:
            continue
        return section
    control.click()
    return visible_screen(page, name)


def download(page: Page, control: Locator) -> tuple[str, bytes]:
    """Click `control` and return the file the browser saves: its suggested name, its bytes."""
    with page.expect_download() as info:
        control.click()
    saved = info.value
    return saved.suggested_filename, Path(saved.path()).read_bytes()


# -- the share dialog ---------------------------------------------------------------------


def start_sharing(page: Page, name: str) -> None:
    """Open the document `name` (its file name) and press "Partager"."""
    open_document(page, name)
    page.get_by_role("button", name="Partager", exact=True).click()


def next_step(page: Page, screen: str, choice: str | None = None) -> Locator:
    """Wait for a step of the dialog, tick `choice` (by its text) if given, press "Suivant"."""
    step = visible_screen(page, screen)
    if choice is not None:
        step.get_by_text(choice).click()
    step.get_by_role("button", name="Suivant").click()
    return step


def check_territory_key(page: Page) -> None:
    """On "share-trust": the code is the same as on the charter; go on."""
    trust = visible_screen(page, "share-trust")
    trust.get_by_label("Le code est le même").check()
    trust.get_by_role("button", name="Continuer").click()


def confirm_share(page: Page) -> Locator:
    """On "share-confirm": "Oui, partager"; returns the "grants" screen it leads to."""
    page.get_by_role("button", name="Oui, partager").click()
    return visible_screen(page, "grants")


def my_shares(page: Page) -> Locator:
    """Open "Partages" on the bottom bar; returns the "grants" screen."""
    return go(page, "Partages", "grants")


# The person's bottom bar (issue 18): its four places, by the screen each opens.
BAR = {"Documents": "documents", "Partages": "grants", "Historique": "history", "Plus": "more"}


def bottom_bar(page: Page) -> Locator:
    bar = page.locator("#person-nav")
    expect(bar).to_be_visible()
    return bar


def go(page: Page, place: str, screen: str | None = None) -> Locator:
    """A place of the bottom bar ("Documents", "Partages", "Historique", "Plus");
    returns the screen it opens (`screen`, or the place's own)."""
    item = bottom_bar(page).get_by_role("button", name=re.compile(f"^{place}"))
    return click_to_screen(page, item, screen or BAR[place])


def go_more(page: Page, item: str, screen: str) -> Locator:
    """An item of "Plus" (e.g. "Mon référent", "Tout récupérer"); returns its screen."""
    more = go(page, "Plus")
    control = more.get_by_role("button", name=re.compile(f"^{re.escape(item)}"))
    return click_to_screen(page, control, screen)


def shares_requests(page: Page) -> Locator:
    """ "Partages", then its "Demandes reçues" part; returns the "requests" screen."""
    shares = go(page, "Partages")
    control = shares.get_by_role("button", name=re.compile("^Demandes reçues"))
    return click_to_screen(page, control, "requests")


def log_out_person(page: Page) -> Locator:
    """ "Plus" → "Me déconnecter"; returns the welcome screen."""
    more = go(page, "Plus")
    more.get_by_role("button", name="Me déconnecter").click()
    return visible_screen(page, "welcome")


def keep_recovery_kit(page: Page) -> str:
    """On the kit's screen: "J'ai gardé mon code", then the two groups asked typed back
    (the kit check, issue 18); returns the code. Leaves the page where the kit leads."""
    kit = visible_screen(page, "recovery")
    code = kit.locator("#recovery-code").inner_text()
    kit.get_by_role("button", name="J'ai gardé mon code").click()
    check = visible_screen(page, "recovery-check")
    groups = code.split("-")
    for field in ("#recovery-check-1", "#recovery-check-2"):
        label = check.locator(f'label[for="{field[1:]}"]').inner_text()
        number = int(re.findall(r"\d+", label)[-1])
        check.locator(field).fill(groups[number - 1])
    check.get_by_role("button", name="Vérifier").click()
    expect(check).to_be_hidden()
    return code


# -- through the Python client and the API ------------------------------------------------


@contextmanager
def person_client(base: str, world: World) -> Iterator[tuple[CoffreClient, AccountKeys]]:
    """A Python client the world's person is logged in with, and the person's keys."""
    with CoffreClient(base) as client:
        yield client, client.login(world.person.login, PERSON_PASSPHRASE).keys


def share(
    client: CoffreClient,
    keys: AccountKeys,
    world: World,
    purpose: str,
    documents: list[str],
    *,
    days: int,
    max_pulls: int | None = None,
) -> dict[str, Any]:
    """The person shares `documents` with Mme Dupont through the client (the grant)."""
    return consent.share(
        client,
        keys,
        person_id=world.person.account_id,
        professional_id=world.professional.account_id,
        pinned_root=pinned_root(world.admin),
        purpose=purpose,
        document_ids=documents,
        days=days,
        max_pulls=max_pulls,
    )


def pull(
    api: TestClient, world: World, grant: dict[str, Any], document: str, reason: str | None = None
) -> httpx.Response:
    """Mme Dupont opens a document of `grant` through the API; the server's answer."""
    return api.post(
        f"/api/v1/grants/{grant['id']}/documents/{document}/pull",
        json={"reason": reason},
        headers=world.professional.headers,
    )
