"""A professional invited by their structure joins with ProConnect, against the real
local provider: the invitation travels in the login's server-side flow (bound to
the ``state`` of the authorization code + PKCE round trip), and back from ProConnect
the page makes the account with the passphrase chosen on the device; account,
membership and link at once. ProConnect's ``siret`` must be the structure's. Logging
out of Coffre ends the ProConnect session too; the link can be undone, passphrase
proven again."""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.accounts.models import Account, Session
from coffre.accounts.proconnect_models import ProConnectLink
from coffre.audit.models import AuditEntry
from coffre.container import Coffre
from coffre.structures.models import Invitation, Membership, Structure
from crypto import b64encode
from tests.proconnect.browser import Browser
from tests.servers.oidc_provider import OidcProvider
from tests.structures.world import World, build_world, invite, join, material

SIRET = "21630113500010"  # the local provider's agents' organisation (oidc_provider.mjs)
OTHER_SIRET = "73282932000074"  # a valid SIRET of another organisation


def _coffre(api: TestClient) -> Coffre:
    return api.app.state.coffre  # type: ignore[attr-defined, no-any-return]


def _count(api: TestClient, model: type, *where: object) -> int:
    with _coffre(api).db.unit_of_work() as db:
        return int(db.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _entries(api: TestClient, action: str) -> list[AuditEntry]:
    with _coffre(api).db.unit_of_work() as db:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
        return list(db.scalars(query))


def _structure_with_siret(api: TestClient, world: World, siret: str) -> tuple[str, str]:
    """A second structure, admitted with its SIRET, and an invitation into it (for a
    structure admin: the territory admin invites one; a member invitation as any)."""
    admitted = api.post(
        "/api/v1/structures",
        json={
            "name": "Maison des solidarités de Riom",
            "kind": "ccas",
            "address": "2 rue Exemple, 63200 Riom",
            "territory": "63",
            "siret": siret,
        },
        headers=world.admin.headers,
    )
    assert admitted.status_code == 201, admitted.text
    structure_id = str(admitted.json()["id"])
    return structure_id, invite(api, world.admin, structure_id, "structure_admin", "Mme Roux")


def _new_professional(slot: int, login: str) -> dict[str, object]:
    return material(slot, login).signup_body


def test_an_invited_professional_joins_with_proconnect_and_chooses_her_passphrase(
    pc_api: TestClient, pc_server: str, browsers: Callable[..., Browser]
) -> None:
    world = build_world(pc_api)
    structure_id, code = _structure_with_siret(pc_api, world, SIRET)
    browser = browsers()
    assert browser.through(invitation=code) == "/#proconnect"
    pending = browser.pending().json()
    assert pending["linking"] is True and pending["joining"] is True
    assert (pending["given_name"], pending["usual_name"]) == ("Claire", "Martin")
    assert _count(pc_api, Account, Account.login == "roux") == 0

    who = material(15, "roux")
    joined = browser.client.post(
        f"{pc_server}/api/v1/auth/proconnect/join", json={"account": who.signup_body}
    )
    assert joined.status_code == 201, joined.text
    account_id = joined.json()["account"]["id"]
    # The session is open, the keyring is the one made on the device (wrapped by her
    # passphrase there: the server holds no key to it).
    me = browser.client.get(f"{pc_server}/api/v1/me")
    assert me.status_code == 200
    assert me.json()["keyring"]["wrapped_keyring"] == who.signup_body["wrapped_keyring"]
    with _coffre(pc_api).db.unit_of_work() as db:
        [link] = db.scalars(select(ProConnectLink))
        assert (link.account_id, link.siret) == (account_id, SIRET)
        invitation = db.get(Invitation, link.invitation_id)
        assert invitation is not None and invitation.used_by == account_id
        [membership] = db.scalars(select(Membership).where(Membership.account_id == account_id))
        assert (membership.structure_id, membership.role) == (structure_id, "structure_admin")
    [linked] = _entries(pc_api, "proconnect.link")
    assert linked.actor_id == account_id and linked.structure_id == structure_id
    assert '"joined":true' in str(linked.body).replace(" ", "")

    # The next time, ProConnect names her account; her passphrase opens it.
    again = browsers(browser.agent)
    assert again.through() == "/#proconnect"
    assert again.pending().json()["login"] == "roux"
    done = again.complete({"auth_key": b64encode(who.auth_key)})
    assert done.status_code == 200, done.text


def test_a_join_is_made_once_and_nothing_is_made_when_it_is_refused(
    pc_api: TestClient, pc_server: str, browsers: Callable[..., Browser]
) -> None:
    world = build_world(pc_api)
    _, code = _structure_with_siret(pc_api, world, SIRET)
    browser = browsers()
    assert browser.through(invitation=code) == "/#proconnect"
    url = f"{pc_server}/api/v1/auth/proconnect/join"
    accounts_before = _count(pc_api, Account)

    # A pseudonym already taken: refused, nothing made, the flow still usable.
    taken = browser.client.post(url, json={"account": _new_professional(16, world.person.login)})
    assert taken.status_code == 409, taken.text
    assert _count(pc_api, Account) == accounts_before
    assert _count(pc_api, ProConnectLink) == 0

    # Twenty parallel joins of the same login in progress: one account, one link.
    bodies = [_new_professional(16, f"roux-{i}") for i in range(20)]
    statuses: list[int] = []

    def post(body: dict[str, object]) -> None:
        with httpx.Client(cookies=browser.client.cookies, timeout=30) as client:
            statuses.append(client.post(url, json={"account": body}).status_code)

    threads = [threading.Thread(target=post, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 19, statuses
    assert _count(pc_api, Account) == accounts_before + 1
    assert _count(pc_api, ProConnectLink) == 1


def test_a_proconnect_login_for_another_organisation_is_refused_before_the_passphrase(
    pc_api: TestClient, pc_server: str, browsers: Callable[..., Browser]
) -> None:
    world = build_world(pc_api)
    _, code = _structure_with_siret(pc_api, world, SIRET)
    # The agent logged in at ProConnect for another organisation (another SIRET).
    browser = browsers(f"agent-elsewhere-siret-{OTHER_SIRET}")
    accounts_before = _count(pc_api, Account)
    assert browser.through(invitation=code) == "/#proconnect-error=proconnect_siret_mismatch"
    refused = [
        e for e in _entries(pc_api, "proconnect.login") if "proconnect_siret_mismatch" in e.body
    ]
    assert len(refused) == 1 and refused[0].outcome == "refused"
    # Nothing made, nothing linked, the invitation unspent, the flow over.
    assert _count(pc_api, Account) == accounts_before
    assert _count(pc_api, ProConnectLink) == 0
    assert _count(pc_api, Invitation, Invitation.display_name == "Mme Roux") == 1
    assert _count(pc_api, Invitation, Invitation.used_at.is_(None)) == 1
    assert browser.pending().status_code == 403
    joined = browser.client.post(
        f"{pc_server}/api/v1/auth/proconnect/join",
        json={"account": _new_professional(15, "roux")},
    )
    assert joined.status_code == 403, joined.text
    assert _count(pc_api, Account) == accounts_before


def test_a_linked_professional_logging_in_for_another_organisation_is_refused(
    pc_api: TestClient, pc_server: str, browsers: Callable[..., Browser]
) -> None:
    world = build_world(pc_api)
    structure_id, code = _structure_with_siret(pc_api, world, OTHER_SIRET)
    roux = join(pc_api, code, material(15, "roux"))
    # Linked with an invitation into her structure, as an agent of OTHER_SIRET.
    linking = browsers(f"agent-roux-siret-{OTHER_SIRET}")
    second = invite(pc_api, world.admin, structure_id, "structure_admin", "Mme Roux")
    assert linking.through(invitation=second) == "/#proconnect"
    done = linking.complete({"login": roux.login, "auth_key": b64encode(roux.auth_key)})
    assert done.status_code == 200, done.text
    sessions = _count(pc_api, Session, Session.account_id == roux.account_id)

    # Her next login names another organisation than her structure's. The local
    # provider's agents keep their SIRET (keyed by login), so the structure's recorded
    # SIRET changes instead, as an operator would correct it (no route does): to
    # Coffre, the two are the same mismatch.
    with _coffre(pc_api).db.unit_of_work() as db:
        structure = db.get(Structure, structure_id)
        assert structure is not None
        structure.siret = SIRET
    again = browsers(linking.agent)
    assert again.through() == "/#proconnect-error=proconnect_siret_mismatch"
    assert _count(pc_api, Session, Session.account_id == roux.account_id) == sessions


def _needs_login(browser: Browser, authorization_url: str) -> bool:
    """Whether the provider asks this browser to log in (no ProConnect session)."""
    url = authorization_url
    for _ in range(10):
        if url.startswith(browser.server):
            return False
        response = browser.client.get(url)
        if response.status_code in (302, 303):
            url = urljoin(url, response.headers["location"])
            continue
        return 'name="login"' in response.text
    raise AssertionError("too many redirects")


def test_logging_out_of_coffre_ends_the_proconnect_session(
    pc_api: TestClient, pc_server: str, browsers: Callable[..., Browser]
) -> None:
    world = build_world(pc_api)
    pro = world.professional
    browser = browsers()
    code = invite(pc_api, world.structure_admin, world.structure_id, "professional", "Dupont")
    assert browser.through(invitation=code) == "/#proconnect"
    done = browser.complete({"login": pro.login, "auth_key": b64encode(pro.auth_key)})
    assert done.status_code == 200, done.text
    # The ID token stays in the browser only, out of the page's scripts' reach.
    [hint] = [c for c in done.headers.get_list("set-cookie") if "proconnect_logout=" in c]
    assert "httponly" in hint.lower() and "samesite=strict" in hint.lower()
    assert "Path=/api/v1/auth/proconnect" in hint
    # Logged in at ProConnect: another login there would not ask again.
    assert not _needs_login(browser, browser.start())

    logout = browser.client.post(
        f"{pc_server}/api/v1/auth/logout",
        headers={"x-coffre-csrf": browser.client.cookies["coffre_csrf"]},
    )
    assert logout.status_code == 204, logout.text
    away = browser.client.get(f"{pc_server}/api/v1/auth/proconnect/logout")
    assert away.status_code == 303
    end_session = away.headers["location"]
    parts = urlsplit(end_session)
    assert parts.netloc != urlsplit(pc_server).netloc  # at the provider
    query = parse_qs(parts.query)
    assert query["post_logout_redirect_uri"] == [f"{pc_server}/"]
    assert query["state"][0] and query["id_token_hint"][0].count(".") == 2
    # The hint is given once: the cookie is gone.
    assert "coffre_proconnect_logout" not in browser.client.cookies
    back = browser.at_provider(end_session)
    assert back.startswith(f"{pc_server}/?state=")

    assert _needs_login(browser, browser.start())
    assert browser.client.get(f"{pc_server}/api/v1/me").status_code == 401


def test_logging_out_without_proconnect_goes_home(
    pc_server: str, browsers: Callable[..., Browser]
) -> None:
    away = browsers().client.get(f"{pc_server}/api/v1/auth/proconnect/logout")
    assert (away.status_code, away.headers["location"]) == (303, "/")


def test_a_professional_undoes_her_proconnect_link_with_her_passphrase(
    pc_api: TestClient, pc_server: str, browsers: Callable[..., Browser], forge: OidcProvider
) -> None:
    world = build_world(pc_api)
    pro = world.professional
    browser = browsers()
    code = invite(pc_api, world.structure_admin, world.structure_id, "professional", "Dupont")
    assert browser.through(invitation=code) == "/#proconnect"
    assert browser.complete({"login": pro.login, "auth_key": b64encode(pro.auth_key)}).is_success
    status = pc_api.get("/api/v1/auth/proconnect/link", headers=pro.headers).json()
    assert status["linked"] is True and status["siret"] == SIRET

    url = "/api/v1/auth/proconnect/unlink"
    wrong = pc_api.post(url, json={"auth_key": b64encode(b"\x01" * 32)}, headers=pro.headers)
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (403, "wrong_passphrase")
    assert _count(pc_api, ProConnectLink) == 1
    assert [e.outcome for e in _entries(pc_api, "proconnect.unlink")] == ["refused"]

    # Twenty at once: one unlinks, the others find nothing to undo.
    statuses: list[int] = []

    def post() -> None:
        with httpx.Client(base_url=pc_server, headers=pro.headers, timeout=30) as client:
            statuses.append(
                client.post(url, json={"auth_key": b64encode(pro.auth_key)}).status_code
            )

    threads = [threading.Thread(target=post) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [204] + [404] * 19, statuses
    assert _count(pc_api, ProConnectLink) == 0
    assert [e.outcome for e in _entries(pc_api, "proconnect.unlink")] == ["refused", "ok"]
    assert pc_api.get("/api/v1/auth/proconnect/link", headers=pro.headers).json()["linked"] is False
    # ProConnect alone opens nothing any more; the passphrase login still works.
    again = browsers(browser.agent)
    assert again.through() == "/#proconnect-error=proconnect_not_linked"


def test_a_persons_invitation_cannot_start_a_proconnect_join(
    pc_api: TestClient, pc_server: str, browsers: Callable[..., Browser]
) -> None:
    world = build_world(pc_api)
    person_code = pc_api.post(
        "/api/v1/invitations/person", headers=world.professional.headers
    ).json()["code"]
    started = browsers().client.post(
        f"{pc_server}/api/v1/auth/proconnect/start", json={"invitation": person_code}
    )
    assert started.status_code == 403
    assert started.json()["error"]["code"] == "proconnect_link_refused"
    assert "coffre_proconnect" not in started.cookies  # no login in progress was made
    refused = [e for e in _entries(pc_api, "proconnect.login") if e.outcome == "refused"]
    assert ["proconnect_link_refused" in e.body for e in refused] == [True]
