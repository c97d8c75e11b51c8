"""A professional logs in with ProConnect through a real local OpenID provider: the
first time through an invitation (linked, audited), then with the identity alone;
in both cases the session opens only once the page proves the passphrase."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.accounts.models import Session
from coffre.accounts.proconnect_models import ProConnectLink
from coffre.audit.models import AuditEntry
from coffre.container import Coffre
from coffre.structures.models import Invitation
from crypto import b64encode
from tests.proconnect.browser import Browser
from tests.structures.world import World, build_world, invite


def _coffre(api: TestClient) -> Coffre:
    return api.app.state.coffre  # type: ignore[attr-defined, no-any-return]


def _count(api: TestClient, model: type, *where: object) -> int:
    with _coffre(api).db.unit_of_work() as db:
        return int(db.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _actions(api: TestClient, action: str) -> list[AuditEntry]:
    with _coffre(api).db.unit_of_work() as db:
        return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _link_invitation(api: TestClient, world: World) -> str:
    return invite(api, world.structure_admin, world.structure_id, "professional", "Mme Dupont")


def test_a_professional_links_proconnect_with_an_invitation_then_logs_in_with_it(
    pc_api: TestClient, pc_server: str, browsers: Callable[..., Browser]
) -> None:
    world = build_world(pc_api)
    pro = world.professional
    code = _link_invitation(pc_api, world)
    browser = browsers()
    sessions_before = _count(pc_api, Session, Session.account_id == pro.account_id)

    assert browser.through(invitation=code) == "/#proconnect"
    # ProConnect said who this is; nothing is open yet: no session, no link.
    pending = browser.pending()
    assert pending.status_code == 200, pending.text
    assert pending.json() == {
        "linking": True,
        "given_name": "Claire",
        "usual_name": "Martin",
        "login": None,
        "kdf": None,
        "joining": True,  # the invitation could also make a new account (test_join.py)
    }
    assert "coffre_session" not in browser.client.cookies
    assert browser.client.get(f"{pc_server}/api/v1/me").status_code == 401
    assert _count(pc_api, ProConnectLink) == 0
    assert _count(pc_api, Session, Session.account_id == pro.account_id) == sessions_before

    done = browser.complete({"login": pro.login, "auth_key": b64encode(pro.auth_key)})
    assert done.status_code == 200, done.text
    assert done.json()["account"]["id"] == pro.account_id
    me = browser.client.get(f"{pc_server}/api/v1/me")
    assert me.status_code == 200
    assert me.json()["keyring"]["wrapped_keyring"]  # the page unwraps it with the passphrase

    with _coffre(pc_api).db.unit_of_work() as db:
        [link] = db.scalars(select(ProConnectLink))
        assert link.account_id == pro.account_id
        assert link.siret == "21630113500010"
        invitation = db.get(Invitation, link.invitation_id)
        assert invitation is not None and invitation.used_by == pro.account_id
    [linked] = _actions(pc_api, "proconnect.link")
    assert linked.actor_id == pro.account_id
    assert linked.structure_id == world.structure_id

    # The next time: ProConnect alone names the account; the passphrase still opens it.
    again = browsers(browser.agent)
    assert again.through() == "/#proconnect"
    pending = again.pending().json()
    assert pending["linking"] is False
    assert pending["login"] == pro.login
    assert pending["kdf"]["opslimit"] > 0
    done = again.complete({"auth_key": b64encode(pro.auth_key)})
    assert done.status_code == 200, done.text
    assert again.client.get(f"{pc_server}/api/v1/me").status_code == 200
    logins = [e for e in _actions(pc_api, "proconnect.login") if e.outcome == "ok"]
    assert [e.actor_id for e in logins] == [pro.account_id, pro.account_id]
    assert _count(pc_api, ProConnectLink) == 1
