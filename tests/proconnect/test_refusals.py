"""Every refusal of a ProConnect login, against the real local provider: a state that
is not the browser's, a callback in another browser, a forged nonce, a token for
another client, signed by another key or expired, a replayed callback, code or final
step, an identity without invitation, a wrong passphrase. Each has its stable code,
is audited, and leaves nothing behind: no link, no session."""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.accounts.models import Session
from coffre.accounts.proconnect_models import ProConnectLink
from coffre.audit.models import AuditEntry
from coffre.container import Coffre
from crypto import b64encode
from tests.proconnect.browser import Browser, with_param
from tests.servers.oidc_provider import OidcProvider
from tests.structures.world import World, build_world, invite

REFUSED = "/#proconnect-error="


def _coffre(api: TestClient) -> Coffre:
    return api.app.state.coffre  # type: ignore[attr-defined, no-any-return]


def _nothing_created(api: TestClient, live_sessions: int = 0) -> None:
    with _coffre(api).db.unit_of_work() as db:
        assert db.scalar(select(func.count()).select_from(ProConnectLink)) == 0
        live = select(func.count()).select_from(Session).where(Session.revoked_at.is_(None))
        assert db.scalar(live) == live_sessions


def _refusals(api: TestClient) -> list[str]:
    query = select(AuditEntry).where(
        AuditEntry.action == "proconnect.login", AuditEntry.outcome == "refused"
    )
    with _coffre(api).db.unit_of_work() as db:
        return [str(entry.body) for entry in db.scalars(query)]


def _refused_with(api: TestClient, location: str, code: str) -> None:
    assert location == REFUSED + code
    assert any(code in details for details in _refusals(api))
    _nothing_created(api)


def test_a_state_that_is_not_the_browsers_own_is_refused(
    pc_api: TestClient, browsers: Callable[..., Browser]
) -> None:
    browser = browsers()
    callback = browser.at_provider(browser.start())
    forged = with_param(callback, "state", "x" * 43)
    _refused_with(pc_api, browser.callback(forged), "proconnect_state_invalid")


def test_a_callback_brought_to_another_browser_is_refused(
    pc_api: TestClient, browsers: Callable[..., Browser]
) -> None:
    victim, attacker = browsers(), browsers()
    callback = attacker.at_provider(attacker.start())
    # The attacker's own answer, pushed into the victim's browser (login CSRF).
    _refused_with(pc_api, victim.callback(callback), "proconnect_state_invalid")


def test_a_nonce_that_is_not_the_logins_own_is_refused(
    pc_api: TestClient, browsers: Callable[..., Browser]
) -> None:
    browser = browsers()
    location = browser.through(tamper=lambda url: with_param(url, "nonce", "n" * 43))
    _refused_with(pc_api, location, "proconnect_nonce_invalid")


def test_an_id_token_for_another_client_is_refused(
    pc_api: TestClient, browsers: Callable[..., Browser], forge: OidcProvider
) -> None:
    forge.forge("wrong_audience")
    _refused_with(pc_api, browsers().through(), "proconnect_audience_invalid")


def test_an_id_token_signed_by_a_key_outside_the_jwks_is_refused(
    pc_api: TestClient, browsers: Callable[..., Browser], forge: OidcProvider
) -> None:
    forge.forge("foreign_key")
    _refused_with(pc_api, browsers().through(), "proconnect_signature_invalid")


def test_an_expired_id_token_is_refused(
    pc_api: TestClient, browsers: Callable[..., Browser], forge: OidcProvider
) -> None:
    forge.forge("expired")
    _refused_with(pc_api, browsers().through(), "proconnect_token_expired")


def test_a_first_login_without_invitation_is_refused(
    pc_api: TestClient, browsers: Callable[..., Browser]
) -> None:
    _refused_with(pc_api, browsers().through(), "proconnect_not_linked")


# -- replays and the final step: a professional and an invitation ------------------


def _linking(api: TestClient, browser: Browser) -> tuple[World, str]:
    """A world, and a browser back from ProConnect with an invitation (not completed);
    returns the callback URL it used."""
    world = build_world(api)
    code = invite(api, world.structure_admin, world.structure_id, "professional", "Mme Dupont")
    callback = browser.at_provider(browser.start(code))
    assert browser.callback(callback) == "/#proconnect"
    return world, callback


def _live(api: TestClient) -> int:
    with _coffre(api).db.unit_of_work() as db:
        query = select(func.count()).select_from(Session).where(Session.revoked_at.is_(None))
        return int(db.scalar(query) or 0)


def test_a_replayed_callback_is_refused(
    pc_api: TestClient, browsers: Callable[..., Browser]
) -> None:
    browser = browsers()
    _, callback = _linking(pc_api, browser)
    before = _live(pc_api)
    assert browser.callback(callback) == REFUSED + "proconnect_flow_used"
    _nothing_created(pc_api, before)


def test_a_code_replayed_into_a_new_login_is_refused_by_the_provider(
    pc_api: TestClient, browsers: Callable[..., Browser]
) -> None:
    browser = browsers()
    _, callback = _linking(pc_api, browser)
    before = _live(pc_api)
    used_code = parse_qs(urlsplit(callback).query)["code"][0]
    fresh = browser.at_provider(browser.start())
    replayed = with_param(fresh, "code", used_code)
    assert browser.callback(replayed) == REFUSED + "proconnect_provider_refused"
    _nothing_created(pc_api, before)


def test_a_wrong_passphrase_links_nothing_and_the_right_one_then_does(
    pc_api: TestClient, browsers: Callable[..., Browser]
) -> None:
    browser = browsers()
    world, _ = _linking(pc_api, browser)
    pro = world.professional
    before = _live(pc_api)
    wrong = browser.complete({"login": pro.login, "auth_key": b64encode(b"\x01" * 32)})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "invalid_credentials"
    _nothing_created(pc_api, before)
    right = browser.complete({"login": pro.login, "auth_key": b64encode(pro.auth_key)})
    assert right.status_code == 200, right.text
    with _coffre(pc_api).db.unit_of_work() as db:
        [link] = db.scalars(select(ProConnectLink))
        assert link.account_id == pro.account_id


def test_a_replayed_final_step_is_refused(
    pc_api: TestClient, browsers: Callable[..., Browser]
) -> None:
    browser = browsers()
    world, _ = _linking(pc_api, browser)
    pro = world.professional
    flow_cookie = browser.client.cookies["coffre_proconnect"]
    body = {"login": pro.login, "auth_key": b64encode(pro.auth_key)}
    assert browser.complete(body).status_code == 200
    browser.client.cookies.set("coffre_proconnect", flow_cookie)
    replay = browser.complete(body)
    assert replay.status_code == 409
    assert replay.json()["error"]["code"] == "proconnect_flow_used"


def test_twenty_parallel_final_steps_link_once_and_leave_one_session(
    pc_api: TestClient, browsers: Callable[..., Browser]
) -> None:
    browser = browsers()
    world, _ = _linking(pc_api, browser)
    pro = world.professional
    before = _live(pc_api)
    cookie = browser.client.cookies["coffre_proconnect"]
    body = {"login": pro.login, "auth_key": b64encode(pro.auth_key)}
    statuses: list[int] = []
    barrier = threading.Barrier(20)

    def one() -> None:
        client = browsers().client
        client.cookies.set("coffre_proconnect", cookie)
        barrier.wait()
        statuses.append(
            client.post(f"{browser.server}/api/v1/auth/proconnect/complete", json=body).status_code
        )

    threads = [threading.Thread(target=one) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * 19
    with _coffre(pc_api).db.unit_of_work() as db:
        assert db.scalar(select(func.count()).select_from(ProConnectLink)) == 1
    assert _live(pc_api) == before + 1


def test_an_invitation_does_not_link_an_account_that_is_not_a_professional_of_its_structure(
    pc_api: TestClient, browsers: Callable[..., Browser]
) -> None:
    browser = browsers()
    world, _ = _linking(pc_api, browser)
    before = _live(pc_api)
    person = world.person  # the right passphrase, but a person's account
    refused = browser.complete({"login": person.login, "auth_key": b64encode(person.auth_key)})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "proconnect_link_refused"
    assert "coffre_session" not in browser.client.cookies
    # The session the passphrase check opened is ended at once: nothing is left.
    _nothing_created(pc_api, before)
    assert any("proconnect_link_refused" in details for details in _refusals(pc_api))
