"""Expectations: the référent de parcours (docs/NETWORK.md, coffre/referents/).

``prepare`` sets the scene: the person chose ``pro_active`` as référent; ``pro_revoked``
(whose grant was revoked: still linked) proposed to be the person's référent; and
``pro_active`` named ``pro_none`` as successor. The cases run in this order, each for
every role in turn, so each answer below is the one of that moment: the hand-over is
refused by the person before anyone names another; the proposal is declined before an
acceptance is tried (409 for the person); ``DELETE /referent`` comes last.
"""

from __future__ import annotations

from tests.authz.matrix import Case, expect
from tests.authz.scene import Scene

NOT_ALLOWED = (403, "not_allowed")
NO_PERSON = (404, "person_not_found")
NO_PROFESSIONAL = (404, "professional_not_found")
NO_REFERENT = (404, "referent_not_found")
NO_PROPOSAL = (404, "referent_proposal_not_found")
NO_HANDOVER = (404, "referent_handover_not_found")


def prepare(scene: Scene) -> None:
    api, who, ids = scene.api, scene.who, scene.ids
    ids["pro_revoked_id"] = who["pro_revoked"].account_id
    chosen = api.post(
        "/api/v1/referent",
        json={"professional_id": ids["pro_active_id"], "structure_id": ids["structure"]},
        headers=scene.headers("person"),
    )
    assert chosen.status_code == 201, chosen.text
    proposed = api.post(
        "/api/v1/referent/proposals",
        json={"person_id": ids["person_id"], "structure_id": ids["structure"]},
        headers=scene.headers("pro_revoked"),
    )
    assert proposed.status_code == 201, proposed.text
    ids["referent_proposal"] = proposed.json()["id"]
    named = api.post(
        "/api/v1/referent/handovers",
        json={
            "from_professional_id": ids["pro_active_id"],
            "successor_id": ids["pro_none_id"],
            "reason": "replaced",
        },
        headers=scene.headers("pro_active"),
    )
    assert named.status_code == 201 and named.json() == {"count": 1}, named.text
    mine = api.get("/api/v1/referent", headers=scene.headers("person")).json()
    ids["referent_handover"] = mine["handover"]["id"]


PERSONS_ONLY = expect(NOT_ALLOWED, person=200, other_person=200)
PROFESSIONALS_ONLY = expect(
    NOT_ALLOWED,
    pro_active=200,
    pro_revoked=200,
    pro_expired=200,
    pro_none=200,
    structure_admin=200,
)

CASES = [
    Case("GET", "/api/v1/referent", PERSONS_ONLY),
    # Choosing: the person's current référent again is a conflict; another person may
    # choose them; anyone but a person is answered as for an unknown professional.
    Case(
        "POST",
        "/api/v1/referent",
        expect(NO_PROFESSIONAL, person=(409, "referent_already_active"), other_person=201),
        json={"professional_id": "{pro_active_id}", "structure_id": "{structure}"},
    ),
    Case(
        "PATCH",
        "/api/v1/referent",
        expect(NO_REFERENT, person=200, other_person=200),
        json={"show_expiry_count": False},
    ),
    # Proposing: only a professional linked with the person (a grant, even revoked or
    # expired; a request answered), certified in the structure named.
    Case(
        "POST",
        "/api/v1/referent/proposals",
        expect(
            NO_PERSON,
            pro_active=(409, "referent_already_active"),
            pro_revoked=(409, "referent_already_proposed"),
            pro_expired=201,
        ),
        json={"person_id": "{person_id}", "structure_id": "{structure}"},
    ),
    Case(
        "POST",
        "/api/v1/referent/proposals/{proposal_id}/decline",
        expect(NO_PROPOSAL, person=200),
        ids={"proposal_id": "referent_proposal"},
    ),
    Case(
        "POST",
        "/api/v1/referent/proposals/{proposal_id}/accept",
        expect(NO_PROPOSAL, person=(409, "referent_proposal_already_answered")),
        ids={"proposal_id": "referent_proposal"},
    ),
    # The référent's view: professionals see their own list (empty for most); one
    # person's view only for their active référent, as for an unknown person otherwise.
    Case("GET", "/api/v1/followed", PROFESSIONALS_ONLY),
    Case(
        "GET",
        "/api/v1/followed/{person_id}",
        expect(NO_PERSON, pro_active=200),
        ids={"person_id": "person_id"},
    ),
    # The hand-over is the person's to answer: refused, then answered already.
    Case(
        "POST",
        "/api/v1/referent/handovers/{handover_id}/refuse",
        expect(NO_HANDOVER, person=200),
        ids={"handover_id": "referent_handover"},
    ),
    Case(
        "POST",
        "/api/v1/referent/handovers/{handover_id}/accept",
        expect(NO_HANDOVER, person=(409, "referent_handover_already_answered")),
        ids={"handover_id": "referent_handover"},
    ),
    # Naming a successor: the référent, or an admin of the link's structure.
    Case(
        "POST",
        "/api/v1/referent/handovers",
        expect(NO_PROFESSIONAL, pro_active=201, structure_admin=201),
        json={
            "from_professional_id": "{pro_active_id}",
            "successor_id": "{pro_none_id}",
            "reason": "left",
        },
    ),
    Case("DELETE", "/api/v1/referent", expect(NO_REFERENT, person=204, other_person=204)),
]
