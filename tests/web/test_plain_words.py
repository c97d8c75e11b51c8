"""Plain words on the person's screens (issue 18): no point médian and none of the
technical words a weak reader stumbles on ("chiffré", "clé", "empreinte", "signature",
"ZIP", "CSV", file extensions), in the page the server serves and in the script's texts
a person can read; and the charter's purposes named in everyday words on the share and
shares screens, the official label smaller beside them."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from tests.consent.world import consent_charter, publish
from tests.structures.world import World, build_world
from tests.web.conftest import assert_accessible, png, screenshot
from tests.web.journeys import (
    check_territory_key,
    confirm_share,
    log_in_person,
    next_step,
    person_client,
    start_sharing,
    visible_screen,
)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "web" / "templates" / "vault"
SCRIPTS = ROOT / "web" / "static" / "js"

# What the person must not read. The point médian first: hard for weak readers, and
# screen readers spell it out.
FORBIDDEN = {
    "point médian": re.compile("·"),
    "chiffré / déchiffré / chiffrement": re.compile(
        r"\b(?:dé|re-?)?chiffr(?:é|ée|és|ées|er|ement|ez|age)\b", re.IGNORECASE
    ),
    "clé": re.compile(r"\bclés?\b", re.IGNORECASE),
    "empreinte": re.compile(r"\bempreintes?\b", re.IGNORECASE),
    "signature": re.compile(r"\bsignatures?\b", re.IGNORECASE),
    "ZIP": re.compile(r"\bzip\b", re.IGNORECASE),
    "CSV": re.compile(r"\bcsv\b", re.IGNORECASE),
    "extension de fichier": re.compile(r"\.(?:pdf|zip|csv|json|jpe?g|png|txt)\b", re.IGNORECASE),
}
# The professional's screens: their includes (vault/app.html) and the screens in them.
PRO_INCLUDES = (
    "_pro_vault.html",
    "_pro_network.html",
    "_pro_keys.html",
    "_pro_onboarding.html",
    "_proconnect.html",
)
# Modules only a professional's (or a desk's) page runs: a text only they use is not the
# person's. A text no module names outright is checked (the safe side).
PRO_MODULE = re.compile(
    r"^(?:pro-|consent-pro|proconnect|desk|console|admin|structure-admin|watermark|api-docs)"
)
# Texts written into the files of "Tout récupérer", not on a screen: the manifest's words
# (for a program, as the CLI writes them) and the files' names.
FILE_TEXTS = {
    "export_deposit_keys",
    "export_deposit_signature",
    "export_deposit_other",
    "export_deposit_changed",
    "export_file_name",
    "hist_csv_name",
    "kit_image_file",
}
# The export's read-me names the files beside it (history.csv…): its other words count.
NAMES_FILES = {"export_readme"}


def pro_screens() -> set[str]:
    names: set[str] = set()
    for include in PRO_INCLUDES:
        text = (TEMPLATES / include).read_text(encoding="utf-8")
        names |= set(re.findall(r'screen\("([\w-]+)"', text))
        names |= set(re.findall(r'data-screen="([\w-]+)"', text))
    return names


class PersonText(HTMLParser):
    """The texts of the page a person can meet: every text and label outside the
    professional's screens and menu items (data-role="professional")."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    LABELS = ("aria-label", "alt", "title", "placeholder")

    def __init__(self, skipped_screens: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.skipped_screens = skipped_screens
        self.skip_depth = 0  # > 0: inside a professional's part, or a script
        self.stack: list[bool] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skip = (
            tag in ("script", "style", "template")
            or values.get("data-role") == "professional"
            or values.get("data-screen") in self.skipped_screens
        )
        if not self.skip_depth and not skip:
            self.texts += [str(values[name]) for name in self.LABELS if values.get(name)]
        if tag in self.VOID:
            return
        self.stack.append(skip)
        if skip:
            self.skip_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID or not self.stack:
            return
        if self.stack.pop():
            self.skip_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip_depth and data.strip():
            self.texts.append(data.strip())


FILE_WORDS = {"extension de fichier", "CSV", "ZIP"}


def problems(text: str, *, files_named: bool = False) -> list[str]:
    return [
        name
        for name, pattern in FORBIDDEN.items()
        if pattern.search(text) and not (files_named and name in FILE_WORDS)
    ]


def person_strings(strings: dict[str, str]) -> dict[str, str]:
    """The script's texts a person can read: all but those only a professional's
    modules use, and the exported files' own words."""
    modules = {p.name: p.read_text(encoding="utf-8") for p in SCRIPTS.glob("*.js")}
    kept = {}
    for key, text in strings.items():
        users = [name for name, source in modules.items() if re.search(rf"\b{key}\b", source)]
        if users and all(PRO_MODULE.match(name) for name in users):
            continue
        if key not in FILE_TEXTS:
            kept[key] = text
    return kept


def test_the_persons_screens_have_no_point_median_nor_technical_word(api: TestClient) -> None:
    response = api.get("/", headers={"Accept-Language": "fr"})
    assert response.status_code == 200
    page = response.text
    parser = PersonText(pro_screens())
    parser.feed(page)
    assert len(parser.texts) > 300  # the person's screens are there
    found = {text: problems(text) for text in parser.texts if problems(text)}
    assert found == {}

    # The script's texts: a file of their own, named in the page's config.
    config = re.search(r'<script type="application/json" id="coffre-config">(.*?)</script>', page)
    assert config is not None
    served = api.get(json.loads(html.unescape(config[1]))["strings"])
    assert served.status_code == 200
    strings = person_strings(served.json())
    assert "share_summary" in strings and "deposit_own_revoked" not in strings
    found = {
        key: problems(text, files_named=key in NAMES_FILES)
        for key, text in strings.items()
        if problems(text, files_named=key in NAMES_FILES)
    }
    assert found == {}


@pytest.mark.parametrize(
    "text",
    [
        "Vous seul·e pouvez les ouvrir.",
        "Le document est chiffré.",
        "Vérifiez la clé du territoire.",
        "Signature vérifiée.",
        "Enregistrez le fichier ZIP.",
        "Télécharger (tableur CSV)",
        "Carte d'identité.jpg",
        "Comparez l'empreinte.",
    ],
)
def test_the_check_sees_each_forbidden_word(text: str) -> None:
    assert problems(text) != []


def test_the_check_lets_plain_words_through() -> None:
    assert (
        problems("Personne d'autre que vous ne peut lire ce papier. 27 lettres et chiffres.") == []
    )


# -- the purposes in everyday words ------------------------------------------------------

NAME = "Demander le RSA"
EXAMPLE = (
    "Pour demander le RSA (revenu de solidarité active) à la CAF (caisse d'allocations familiales)."
)
OFFICIAL = "Ouverture de droits au RSA"


@pytest.fixture
def named_world(api: TestClient) -> World:
    """The web tests' world, its charter's RSA purpose with an everyday name and example."""
    world = build_world(api)
    charter = consent_charter(world.structure_id).replace(
        f'libelle = "{OFFICIAL}"\n',
        f'libelle = "{OFFICIAL}"\nnom_courant = "{NAME}"\nexemple = "{EXAMPLE}"\n',
    )
    assert NAME in charter
    publish(api, world, charter)
    return world


def test_the_share_names_the_purpose_in_everyday_words_with_the_official_label_smaller(
    named_world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    with person_client(live_server, named_world) as (client, keys):
        client.upload(
            png(tmp_path / "Carte d'identité.png", 300, 200, seed=1),
            "identite",
            box_public_key=keys.box_public,
            keys=keys,
        )
    log_in_person(page, live_server, named_world)
    start_sharing(page, "Carte d'identité")
    purpose = visible_screen(page, "share-purpose")
    rsa = purpose.locator("label", has_text=NAME)
    expect(rsa.locator(".choice-label")).to_have_text(NAME)
    expect(rsa.locator(".purpose-example")).to_have_text(EXAMPLE)
    expect(rsa.locator(".purpose-official")).to_have_text(OFFICIAL)
    # The official label is smaller than the name the person reads first.
    sizes = rsa.evaluate(
        """label => [".choice-label", ".purpose-official"].map(
            s => parseFloat(getComputedStyle(label.querySelector(s)).fontSize))"""
    )
    assert sizes[1] < sizes[0]
    # A charter purpose without the new keys keeps its label as its name.
    expect(
        purpose.locator("label", has_text="Dossier MDPH").locator(".purpose-official")
    ).to_have_count(0)
    assert_accessible(page, "share-purpose-words")
    screenshot(page, "share-purpose-words")
    purpose.get_by_label(re.compile(f"^{NAME}")).check()
    purpose.get_by_role("button", name="Suivant").click()

    next_step(page, "share-professional", "Mme Dupont")
    next_step(page, "share-duration", "1 semaine")
    check_territory_key(page)
    visible_screen(page, "share-confirm")
    expect(page.locator("#share-recap-purpose")).to_have_text(NAME)
    expect(page.locator("#share-summary")).to_contain_text(f"pour « {NAME} »")
    shares = confirm_share(page)
    card = shares.locator(".card").first
    expect(card.locator(".purpose-name")).to_have_text(f"Pour « {NAME} »")
    expect(card.locator(".purpose-example")).to_have_text(EXAMPLE)
    expect(card.locator(".purpose-official")).to_have_text(OFFICIAL)
    assert_accessible(page, "grants-purpose-words")


# -- the translations of the person's screens -----------------------------------------

LOCALE = ROOT / "web" / "locale"


@pytest.mark.parametrize("language", ["ru", "ro", "es", "pt"])
def test_translations_keep_the_placeholders_and_have_no_point_median(language: str) -> None:
    from babel.messages.pofile import read_po

    with (LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    translated = [m for m in catalogue if m.id and m.string]
    assert len(translated) > 500  # the person's screens, at least
    placeholder = re.compile(r"\{\w+\}")
    wrong = [
        m.id
        for m in translated
        if sorted(placeholder.findall(str(m.id))) != sorted(placeholder.findall(str(m.string)))
        or "·" in str(m.string)
    ]
    assert wrong == []


def test_the_persons_page_in_russian_is_translated(api: TestClient) -> None:
    response = api.get("/", headers={"Accept-Language": "ru"})
    page = response.text
    assert '<html lang="ru"' in page
    assert "Добро пожаловать в ваш сейф" in page
    assert "Слушать" in page
    assert "Bienvenue dans votre coffre" not in page
