"""Inviting professionals from a CSV file (coffre/structures/bulk.py): every row is
checked, a rejected row is reported with its line and reason, nothing is half-done,
the size and row limits hold, and parallel imports of one file create it once.
Both backends (the ``api`` and ``live_server`` fixtures)."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.audit.models import AuditEntry
from coffre.structures.bulk import MAX_ROWS
from coffre.structures.models import Invitation
from tests.concurrency import burst
from tests.structures.world import World, build_world, join, material

CSV = "text/csv"
GOOD = (
    "nom;profession;email\n"
    "Mme Alice Martin;assistant-service-social;alice.martin@ccas.example\n"
    "M. Bruno Petit;conseiller-insertion;bruno.petit@ccas.example\n"
    "Mme Chloé Roux;educateur-specialise;chloe.roux@ccas.example\n"
)


@pytest.fixture
def world(api: TestClient) -> World:
    return build_world(api)


def _post(api: TestClient, world: World, body: bytes | str, who: str = "admin") -> httpx.Response:
    headers = world.structure_admin.headers if who == "admin" else world.professional.headers
    data = body.encode() if isinstance(body, str) else body
    return api.post(
        f"/api/v1/structures/{world.structure_id}/invitations/bulk",
        content=data,
        headers={**headers, "Content-Type": CSV},
    )


def _invitations(api: TestClient) -> int:
    coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        return int(db.scalar(select(func.count(Invitation.id))) or 0)


def _audited(api: TestClient, action: str) -> int:
    coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        query = select(func.count(AuditEntry.seq)).where(AuditEntry.action == action)
        return int(db.scalar(query) or 0)


def test_a_valid_file_invites_every_row_and_each_link_joins_once(
    api: TestClient, world: World
) -> None:
    before = _invitations(api)
    answer = _post(api, world, GOOD)
    assert answer.status_code == 201, answer.text
    made = answer.json()["invitations"]
    assert [(m["row"], m["display_name"], m["profession"]) for m in made] == [
        (2, "Mme Alice Martin", "assistant-service-social"),
        (3, "M. Bruno Petit", "conseiller-insertion"),
        (4, "Mme Chloé Roux", "educateur-specialise"),
    ]
    assert all(m["url"].endswith("#invitation=" + m["code"]) for m in made)
    assert _invitations(api) == before + 3
    assert _audited(api, "invitation.bulk") == 1
    # A link joins the structure as a professional with the name and profession the
    # file gave; the same code a second time is refused.
    who = join(api, made[0]["code"], material(21, "alice-martin"))
    listed = api.get(
        f"/api/v1/structures/{world.structure_id}/members", headers=world.structure_admin.headers
    ).json()["members"]
    alice = next(m for m in listed if m["account_id"] == who.account_id)
    assert (alice["display_name"], alice["profession"], alice["role"]) == (
        "Mme Alice Martin",
        "assistant-service-social",
        "professional",
    )
    assert alice["certificate_state"] == "none" and alice["pin"]
    again = api.post(
        "/api/v1/invitations/accept",
        json={"code": made[0]["code"], "account": material(22, "alice-bis").signup_body},
    )
    assert again.json()["error"]["code"] == "invalid_invitation"


def test_excel_files_read_windows_1252_commas_bom_and_any_column_order(
    api: TestClient, world: World
) -> None:
    latin = "Courriel;Nom;Catégorie\r\nzoe@caf.example;Mme Zoé Lefèvre;agent-accueil\r\n"
    answer = _post(api, world, latin.encode("cp1252"))
    assert answer.status_code == 201, answer.text
    assert answer.json()["invitations"][0]["display_name"] == "Mme Zoé Lefèvre"
    bom = "\ufeffname,email,profession\nM. Yves,yves@caf.example,AUTRE\n"
    answer = _post(api, world, bom.encode())
    assert answer.status_code == 201, answer.text
    assert answer.json()["invitations"][0]["profession"] == "autre"


def test_rejected_rows_are_reported_with_line_and_reason_and_nothing_is_made(
    api: TestClient, world: World
) -> None:
    before = _invitations(api)
    bad = (
        "nom;profession;email\n"
        "Mme Alice Martin;assistant-service-social;alice@ccas.example\n"
        "M. Bruno Petit;plombier;bruno@ccas.example\n"
        "Mme Chloé Roux;educateur-specialise;chloe-at-ccas\n"
        ";autre;vide@ccas.example\n"
        "\n"
        "Mme Alice Bis;autre;ALICE@ccas.example\n"
        "M. Trop;autre;trop@ccas.example;en plus\n"
    )
    answer = _post(api, world, bad)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invitation_rows_rejected"
    assert [(r["row"], r["field"]) for r in error["rows"]] == [
        (3, "profession"),
        (4, "email"),
        (5, "nom"),
        (7, "email"),
        (8, ""),
    ]
    assert "ligne 2" in error["rows"][3]["message"]
    assert _invitations(api) == before  # the good row was not made either
    assert _audited(api, "invitation.bulk") == 0


def test_a_pending_invitation_to_the_same_address_rejects_the_whole_file(
    api: TestClient, world: World
) -> None:
    assert _post(api, world, GOOD).status_code == 201
    before = _invitations(api)
    again = GOOD.replace("Mme Alice Martin", "Mme Anne Neuve").replace(
        "alice.martin@", "anne.neuve@"
    )
    answer = _post(api, world, again)
    assert answer.status_code == 422
    rows = answer.json()["error"]["rows"]
    assert [r["row"] for r in rows] == [3, 4]
    assert "en attente" in rows[0]["message"]
    assert _invitations(api) == before


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"", 422, "invitation_file_header"),
        (b"prenom;metier;tel\nA;autre;0600000000\n", 422, "invitation_file_header"),
        (b"nom;profession;email\n\n", 422, "invitation_file_empty"),
        (b"nom;profession;email\nA\x00;autre;a@b.example\n", 422, "invitation_file_unreadable"),
        (b"nom;profession;email\n\x81\x8d;autre;a@b.example\n", 422, "invitation_file_unreadable"),
        (
            b"nom;profession;email\n"
            + b"".join(f"P {i};autre;p{i}@x.example\n".encode() for i in range(MAX_ROWS + 1)),
            413,
            "invitation_file_too_large",
        ),
        (b"nom;profession;email\n" + b"x" * 50_000, 413, "invitation_file_too_large"),
        # Past COFFRE_MAX_BODY_BYTES too: still the file's own words (split it).
        (b"nom;profession;email\n" + b"x" * 70_000, 413, "invitation_file_too_large"),
    ],
    ids=[
        "empty",
        "no-header",
        "no-rows",
        "nul",
        "not-text",
        "too-many-rows",
        "too-big",
        "past-the-default-limit",
    ],
)
def test_files_that_cannot_be_read_are_refused_whole(
    api: TestClient, world: World, body: bytes, status: int, code: str
) -> None:
    before = _invitations(api)
    answer = _post(api, world, body)
    assert (answer.status_code, answer.json()["error"]["code"]) == (status, code)
    assert _invitations(api) == before


def test_exactly_the_row_limit_is_accepted(api: TestClient, world: World) -> None:
    rows = "".join(f"P {i};autre;p{i}@x.example\n" for i in range(MAX_ROWS))
    answer = _post(api, world, "nom;profession;email\n" + rows)
    assert answer.status_code == 201, answer.text
    assert len(answer.json()["invitations"]) == MAX_ROWS


def test_a_professional_cannot_import_and_is_answered_as_for_an_unknown_structure(
    api: TestClient, world: World
) -> None:
    answer = _post(api, world, GOOD, who="professional")
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "structure_not_found")


def test_parallel_imports_of_one_file_make_it_once(
    api: TestClient, world: World, http: httpx.Client
) -> None:
    url = f"/api/v1/structures/{world.structure_id}/invitations/bulk"
    headers = {**world.structure_admin.headers, "Content-Type": CSV}
    for round_ in range(2):
        before = _invitations(api)
        body = GOOD.replace("@ccas", f"@r{round_}.ccas").encode()

        def send(_: int, body: bytes = body) -> tuple[int, str]:
            answer = http.post(url, content=body, headers=headers)
            return answer.status_code, (
                "" if answer.status_code == 201 else answer.json()["error"]["code"]
            )

        outcomes = Counter(burst(20, send))
        assert outcomes == {(201, ""): 1, (422, "invitation_rows_rejected"): 19}
        assert _invitations(api) == before + 3
