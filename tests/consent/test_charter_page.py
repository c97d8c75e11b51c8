"""The charter page: rendered from the version in force, the charter's own texts
escaped, the verifier key's fingerprint shown."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient

from tests.consent.charters import charter_text, example_text
from tests.structures.world import build_world, pinned_root

TOML = {"Content-Type": "text/plain; charset=utf-8"}


def read(api: TestClient, headers: dict[str, str] | None = None) -> str:
    page = api.get("/charte", headers=headers or {})
    assert page.status_code == 200
    assert "content-security-policy" in page.headers
    return html.unescape(page.text)


def test_without_a_charter_the_page_says_so_plainly(api: TestClient) -> None:
    page = read(api)
    assert "Aucune charte n'est en vigueur sur ce territoire" in page
    assert "La clé de vérification du territoire n'est pas encore publiée." in page


def test_the_page_shows_the_purposes_of_the_version_in_force_and_the_root(
    api: TestClient,
) -> None:
    world = build_world(api)
    for number, text in (
        (1, charter_text()),
        (2, example_text().replace("version = 1", "version = 2")),
    ):
        response = api.post(
            "/api/v1/charters", content=text, headers={**world.admin.headers, **TOML}
        )
        assert response.status_code == 201, (number, response.text)
    page = read(api)
    assert "Version 2, en vigueur depuis le 1 janvier 2026." in page
    for label in ("Dossier MDPH", "Domiciliation", "Mesure de protection (curatelle, tutelle)"):
        assert f">{label}</h3>" in page
    assert "<li>Justificatif de domicile</li>" in page
    assert "<li>Médecin</li>" in page
    assert "365 jours" in page
    assert "SIAO du Puy-de-Dôme" in page
    assert pinned_root(world.admin) in page


def test_the_charter_texts_are_escaped(api: TestClient) -> None:
    world = build_world(api)
    text = charter_text(
        label="<script>alert(1)</script>", description='<img src=x onerror="alert(2)">'
    )
    response = api.post("/api/v1/charters", content=text, headers={**world.admin.headers, **TOML})
    assert response.status_code == 201, response.text
    page = api.get("/charte").text
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page


def test_the_page_speaks_english_when_asked(api: TestClient) -> None:
    page = read(api, {"Accept-Language": "en"})
    assert "No charter is in force in this territory yet." in page
