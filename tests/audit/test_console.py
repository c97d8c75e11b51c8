"""The charter officer's console through the API: a realistic trail (several persons,
two structures, one of which leaves the charter, grants, pulls, refused pulls, declined
requests, a burst, late pulls, an unusual purpose), each filter and each flag firing on
what it should and not on its control case, no login shown, every other role refused,
the CSV and the signed log read back."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from client import consent
from client import console as officer_console
from coffre.audit.log import verify_export
from coffre.audit.models import AuditEntry
from coffre.clock import FrozenClock
from coffre.consent.service import TERRITORY_ZONE
from crypto import b64encode
from tests.accounts.factories import coffre_of, enrol_totp, login, totp_code
from tests.consent.world import MDPH, RSA, build_consent_world, consent_charter, publish
from tests.structures.world import (
    Who,
    admit,
    certify_member,
    invite,
    join,
    log_in,
    material,
    pinned_root,
)

CONSOLE = "/api/v1/console"
# The other persons of the territory: (slot, login).
PERSONS = [
    (30, "bilal"),
    (31, "chloe"),
    (32, "djamel"),
    (33, "elise"),
    (34, "farid"),
    (35, "gaelle"),
    (36, "hugo"),
]
MDPH_REASON = "Dossier MDPH : certificat pour la commission"


@dataclass
class Officer:
    who: Who
    secret: str

    @property
    def headers(self) -> dict[str, str]:
        return self.who.headers


@dataclass
class Trail:
    """The seeded territory, and what the checks need to know about it."""

    api: TestClient
    clock: FrozenClock
    admin: Who
    officer: Officer
    structure_a: str  # CCAS de Clermont-Ferrand: adheres throughout
    structure_b: str  # Association Le Relais: leaves the charter
    dupont: Who  # professional of A: the burst, the repeated pulls, the MDPH pull
    collegue: Who  # professional of A: late pulls, three declined requests
    martin: Who  # professional of B: one pull before B leaves, one refused after
    persons: list[Who]  # amina first
    identity: dict[str, str]  # person login -> identity document id
    health: str  # amina's health document
    burst_seqs: list[int] = field(default_factory=list)
    burst_period: tuple[datetime, datetime] | None = None
    late_seqs: list[int] = field(default_factory=list)
    martin_ok_seq: int = 0
    martin_refused_seq: int = 0
    mdph_seq: int = 0
    decline_seqs: dict[str, list[int]] = field(default_factory=dict)

    def everyone(self) -> list[Who]:
        return [self.dupont, self.collegue, self.martin, *self.persons]

    def advance(self, **delta: float) -> None:
        """Move time; sessions last 30 minutes idle: everyone logs in again."""
        self.clock.advance(**delta)
        for who in self.everyone():
            log_in(self.api, who)
        self.officer_log_in()

    def officer_log_in(self) -> None:
        self.clock.advance(seconds=31)  # a TOTP code works once: the next step's
        response = login(
            self.api,
            self.officer.who.login,
            self.officer.who.auth_key,
            totp_code=totp_code(self.officer.secret, self.clock),
        )
        assert response.status_code == 200, response.text
        self.officer.who.token = response.json()["token"]

    def share(self, person: Who, pro: Who, documents: list[str], **options: Any) -> str:
        grant = consent.share(
            person.client(self.api),
            person.keys,
            person_id=person.account_id,
            professional_id=pro.account_id,
            pinned_root=pinned_root(self.admin),
            document_ids=documents,
            now=self.clock.now(),
            **{"purpose": RSA, "days": 30, **options},
        )
        return str(grant["id"])

    def pull(self, pro: Who, grant: str, document: str, reason: str | None = None) -> int:
        response = self.api.post(
            f"/api/v1/grants/{grant}/documents/{document}/pull",
            json={"reason": reason},
            headers=pro.headers,
        )
        assert response.status_code in (200, 403), response.text
        return last_seq(self.api)

    def get(self, path: str, **params: Any) -> Any:
        response = self.api.get(CONSOLE + path, params=params, headers=self.officer.headers)
        assert response.status_code == 200, response.text
        return response.json()

    def entries(self, **params: Any) -> list[dict[str, Any]]:
        """Every entry the filters select, following the cursor."""
        found: list[dict[str, Any]] = []
        params = {"limit": 200, **params}
        while True:
            page = self.get("/entries", **params)
            found += page["entries"]
            if page["next_cursor"] is None:
                return found
            params["cursor"] = page["next_cursor"]

    def flags(self, code: str | None = None) -> list[dict[str, Any]]:
        flags = self.get("/flags")["flags"]
        return [f for f in flags if code is None or f["code"] == code]


def last_seq(api: TestClient) -> int:
    with coffre_of(api).db.unit_of_work() as db:
        return int(db.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq.desc())).first())


def new_officer(api: TestClient, admin: Who, clock: FrozenClock) -> Officer:
    """A charter officer whose TOTP secret the test keeps (to log in again later)."""
    code = api.post(
        "/api/v1/invitations/charter-officer",
        json={"display_name": "Mme Vigie"},
        headers=admin.headers,
    ).json()["code"]
    who = material(20, "vigie")
    accepted = api.post(
        "/api/v1/invitations/accept", json={"code": code, "account": who.signup_body}
    )
    assert accepted.status_code == 201, accepted.text
    response = login(api, who.login, who.auth_key)
    assert response.status_code == 200, response.text
    who.token = response.json()["token"]
    who.account_id = response.json()["account"]["id"]
    secret = enrol_totp(api, who.headers, clock)
    return Officer(who, secret)


def new_person(api: TestClient, slot: int, name: str, tmp_path: Path) -> tuple[Who, str]:
    who = material(slot, name)
    assert api.post("/api/v1/accounts", json=who.signup_body).status_code == 201
    log_in(api, who)
    path = tmp_path / f"identite-{name}.txt"
    path.write_bytes(b"carte d'identite " * 50)
    document = who.client(api).upload(
        path, "identite", box_public_key=who.keys.box_public, mime="text/plain"
    )
    return who, document


def relais_charter(structure_a: str, structure_b: str, version: int, until: str = "") -> str:
    extra = (
        f'\n[[structures]]\nidentifiant = "{structure_b}"\nnom = "Association Le Relais"\n'
        f"adhesion = 2026-01-01\n{until}"
    )
    return consent_charter(structure_a, version=version, extra=extra)


def seed(api: TestClient, clock: FrozenClock, tmp_path: Path) -> Trail:
    cw = build_consent_world(api, tmp_path)
    w = cw.world
    officer = new_officer(api, w.admin, clock)
    collegue = join(
        api,
        invite(api, w.structure_admin, w.structure_id, "professional", "M. Collègue"),
        material(15, "collegue"),
    )
    certify_member(api, w.structure_admin, w.structure_id, collegue.account_id)
    structure_b = admit(api, w.admin, "Association Le Relais")
    roux = join(
        api,
        invite(api, w.admin, structure_b, "structure_admin", "Mme Roux"),
        material(21, "roux"),
    )
    certify_member(api, w.admin, structure_b, roux.account_id)
    martin = join(
        api, invite(api, roux, structure_b, "professional", "M. Martin"), material(22, "martin")
    )
    certify_member(api, roux, structure_b, martin.account_id)
    publish(api, w, relais_charter(w.structure_id, structure_b, version=2))
    others = [new_person(api, slot, name, tmp_path) for slot, name in PERSONS]
    trail = Trail(
        api=api,
        clock=clock,
        admin=w.admin,
        officer=officer,
        structure_a=w.structure_id,
        structure_b=structure_b,
        dupont=w.professional,
        collegue=collegue,
        martin=martin,
        persons=[w.person, *(who for who, _ in others)],
        identity={"amina": cw.identity, **{who.login: doc for who, doc in others}},
        health=cw.health,
    )
    amina = w.person

    # (a) Le Relais: one pull while it adheres, then it leaves the charter (version 3
    # ends its adhesion today), then a refused pull.
    clock.advance(minutes=1)
    relais_grant = trail.share(amina, martin, [cw.identity])
    trail.martin_ok_seq = trail.pull(martin, relais_grant, cw.identity)
    clock.advance(minutes=1)
    today = clock.now().astimezone(TERRITORY_ZONE).date().isoformat()
    publish(
        api, w, relais_charter(w.structure_id, structure_b, version=3, until=f"fin = {today}\n")
    )
    clock.advance(minutes=1)
    trail.martin_refused_seq = trail.pull(martin, relais_grant, cw.identity)

    # Grants: every person to Mme Dupont (RSA, 30 days); Amina's health document for
    # MDPH; five persons to M. Collègue for two days.
    clock.advance(minutes=1)
    to_dupont = {
        p.login: trail.share(p, trail.dupont, [trail.identity[p.login]]) for p in trail.persons
    }
    mdph_grant = trail.share(amina, trail.dupont, [cw.health], purpose=MDPH, days=60)
    to_collegue = {
        p.login: trail.share(p, collegue, [trail.identity[p.login]], days=2)
        for p in trail.persons[1:6]
    }
    collegue_granted_at = clock.now()

    # Requests: M. Collègue's three are declined (d); Mme Dupont's two (the control).
    for pro, asked in ((collegue, trail.persons[1:4]), (trail.dupont, trail.persons[4:6])):
        seqs = trail.decline_seqs.setdefault(pro.login, [])
        for person in asked:
            request = consent.ask(
                pro.client(api),
                person_login=person.login,
                structure_id=w.structure_id,
                purpose=RSA,
                category="domicile",
            )
            consent.decline(person.client(api), request, "Je l'apporterai moi-même.")
            seqs.append(last_seq(api))

    # (c) Mme Dupont opens the eight persons' identity within 35 minutes.
    clock.advance(minutes=10)
    start = clock.now()
    for person in trail.persons:
        trail.burst_seqs.append(
            trail.pull(trail.dupont, to_dupont[person.login], trail.identity[person.login])
        )
        clock.advance(minutes=5)
    trail.burst_period = (start, clock.now())

    # Two hours later: thirteen more pulls of Amina's identity (one person: no burst),
    # and one MDPH pull, the structure's only one (e).
    trail.advance(hours=2)
    for _ in range(13):
        trail.pull(trail.dupont, to_dupont["amina"], cw.identity)
        clock.advance(minutes=1)
    trail.mdph_seq = trail.pull(trail.dupont, mdph_grant, cw.health, MDPH_REASON)

    # (b) Four hours before M. Collègue's grants end, he opens all five documents.
    clock.advance(seconds=(collegue_granted_at + timedelta(hours=44) - clock.now()).total_seconds())
    trail.advance(minutes=1)
    for login_name, grant in to_collegue.items():
        trail.late_seqs.append(trail.pull(collegue, grant, trail.identity[login_name]))
        clock.advance(minutes=2)
    trail.officer_log_in()
    return trail


@pytest.fixture
def trail(api: TestClient, clock: FrozenClock, tmp_path: Path) -> Trail:
    return seed(api, clock, tmp_path)


def seqs(entries: list[dict[str, Any]]) -> list[int]:
    return [int(e["seq"]) for e in entries]


def flag_seqs(flag: dict[str, Any]) -> list[int]:
    return sorted(seqs(flag["entries"]))


# -- filters and pages -------------------------------------------------------------


def test_each_filter_keeps_only_its_entries(trail: Trail) -> None:
    b = trail.entries(structure=trail.structure_b)
    assert b and {e["structure_id"] for e in b} == {trail.structure_b}
    assert {trail.martin_ok_seq, trail.martin_refused_seq} <= set(seqs(b))
    assert {e["structure_name"] for e in b} == {"Association Le Relais"}

    by_collegue = trail.entries(professional=trail.collegue.account_id)
    assert {e["actor"]["id"] for e in by_collegue} == {trail.collegue.account_id}
    assert {e["actor"]["name"] for e in by_collegue} == {"M. Collègue"}
    pulls = [e for e in by_collegue if e["action"] == "grant.pull"]
    assert sorted(seqs(pulls)) == trail.late_seqs
    assert len([e for e in by_collegue if e["action"] == "request.create"]) == 3

    mdph = trail.entries(purpose=MDPH)
    assert {e["purpose"] for e in mdph} == {MDPH}
    assert {e["purpose_label"] for e in mdph} == {"Dossier MDPH"}
    assert {e["action"] for e in mdph} == {"grant.create", "grant.pull"}
    [pulled] = [e for e in mdph if e["action"] == "grant.pull"]
    assert pulled["seq"] == trail.mdph_seq and pulled["reason"] == MDPH_REASON

    [refused] = trail.entries(action="grant.pull", outcome="refused")
    assert refused["seq"] == trail.martin_refused_seq
    assert refused["actor"] == {
        "role": "professional",
        "id": trail.martin.account_id,
        "name": "M. Martin",
    }
    assert refused["details"]["state"] == "active"  # the grant was; the structure was not
    assert refused["details"]["category"] == "identite"

    assert trail.burst_period is not None
    start, end = trail.burst_period
    window = trail.entries(
        action="grant.pull", **{"from": start.isoformat(), "to": end.isoformat()}
    )
    assert sorted(seqs(window)) == trail.burst_seqs

    # The person filter takes the pseudonymous reference the rows show.
    amina = next(
        e["person"]
        for e in trail.entries(professional=trail.martin.account_id, action="grant.pull")
    )
    hers = trail.entries(person=amina)
    assert {e["person"] for e in hers} == {amina}
    assert len([e for e in hers if e["action"] == "grant.pull"]) == 2 + 1 + 13 + 1
    assert {e["actor"]["name"] for e in hers if e["actor"]["role"] == "person"} == {amina}
    assert trail.get("/entries", person="p-0000000000")["entries"] == []


def test_pages_go_newest_first_and_follow_the_cursor(trail: Trail) -> None:
    first = trail.get("/entries", limit=7)
    second = trail.get("/entries", limit=7, cursor=first["next_cursor"])
    # Each reading adds its own entry on top: the same fourteen from the same start.
    both = trail.get("/entries", limit=14, cursor=first["entries"][0]["seq"] + 1)
    assert seqs(first["entries"]) + seqs(second["entries"]) == seqs(both["entries"])
    assert seqs(both["entries"]) == sorted(seqs(both["entries"]), reverse=True)
    assert first["next_cursor"] == first["entries"][-1]["seq"]
    # Followed to the end, the pages hold every entry once, down to the first.
    everything = trail.entries()
    assert seqs(everything) == list(range(seqs(everything)[0], -1, -1))
    assert trail.get("/entries", cursor=0)["entries"] == []
    # The Python client (and so the CLI) follows the same pages.
    client = trail.officer.who.client(trail.api)
    pulls = officer_console.all_entries(client, action="grant.pull", limit=4)
    assert seqs(pulls) == seqs(trail.entries(action="grant.pull"))


def test_the_officer_sees_names_and_pseudonyms_never_a_login_or_a_person_id(
    trail: Trail,
) -> None:
    everything = trail.entries()
    shown = json.dumps(everything, ensure_ascii=False) + json.dumps(
        trail.get("/flags"), ensure_ascii=False
    )
    csv_text = trail.api.get(f"{CONSOLE}/entries.csv", headers=trail.officer.headers).text
    for person in trail.persons:
        for text in (shown, csv_text):
            assert person.login not in text
            assert person.account_id not in text
    # Persons are there, as references: the officer sees "many persons", not who.
    references = {e["person"] for e in everything if e["person"]}
    assert len(references) == len(trail.persons)
    assert all(ref.startswith("p-") and len(ref) == 12 for ref in references)
    signups = [e for e in everything if e["action"] == "account.signup" and e["person"]]
    assert all(e["object_id"] == e["person"] and e["actor"]["id"] is None for e in signups)
    # Professionals and structures by name.
    names = {e["actor"]["name"] for e in everything if e["actor"]["role"] == "professional"}
    assert {"Mme Dupont", "M. Collègue", "M. Martin"} <= names


# -- flags -------------------------------------------------------------------------


def test_pulls_for_a_structure_outside_the_charter_are_flagged(trail: Trail) -> None:
    [flag] = trail.flags("structure_outside_charter")
    assert flag["professional_id"] == trail.martin.account_id
    assert flag["structure_id"] == trail.structure_b
    # Only the attempt after Le Relais left: its pull while it adhered is fine, and the
    # CCAS (adhering throughout) has none.
    assert flag_seqs(flag) == [trail.martin_refused_seq]
    assert "n'adhérait pas" in flag["explanation"] and "refusée" in flag["explanation"]
    assert flag["entries"][0]["outcome"] == "refused"


def test_bulk_pulls_just_before_expiry_are_flagged_and_early_ones_are_not(trail: Trail) -> None:
    [flag] = trail.flags("pulls_before_expiry")
    assert flag["professional_id"] == trail.collegue.account_id
    assert flag["professional_name"] == "M. Collègue"
    assert flag_seqs(flag) == trail.late_seqs
    assert "5 documents dans les 24 heures" in flag["explanation"]
    # Mme Dupont's 22 pulls came early in her grants: no flag. And before the last
    # hours, nothing to flag at all.
    start = trail.clock.now() - timedelta(days=10)
    before = trail.get(
        "/flags", **{"from": start.isoformat(), "to": trail.burst_period[1].isoformat()}
    )  # type: ignore[index]
    assert "pulls_before_expiry" not in {f["code"] for f in before["flags"]}


def test_many_persons_within_an_hour_are_flagged_and_fewer_are_not(trail: Trail) -> None:
    [flag] = trail.flags("many_persons")
    assert flag["professional_id"] == trail.dupont.account_id
    # The burst, not her thirteen later pulls of one person's document; M. Collègue's
    # five persons in ten minutes stay under the threshold.
    assert flag_seqs(flag) == trail.burst_seqs
    assert "8 personnes différentes en moins d'une heure" in flag["explanation"]
    assert len({e["person"] for e in flag["entries"]}) == 8


def test_repeatedly_declined_requests_are_flagged_and_two_are_not(trail: Trail) -> None:
    [flag] = trail.flags("requests_declined")
    assert flag["professional_id"] == trail.collegue.account_id
    assert flag_seqs(flag) == trail.decline_seqs["collegue"]
    assert flag["explanation"].startswith("3 demandes de M. Collègue")
    # The declines name the professional in their details, resolved for display.
    assert {e["details"]["professional_name"] for e in flag["entries"]} == {"M. Collègue"}


def test_a_purpose_the_structure_rarely_uses_is_flagged_and_its_usual_one_is_not(
    trail: Trail,
) -> None:
    [flag] = trail.flags("unusual_purpose")
    assert (flag["structure_id"], flag["purpose"]) == (trail.structure_a, MDPH)
    assert flag["purpose_label"] == "Dossier MDPH"
    assert flag_seqs(flag) == [trail.mdph_seq]
    assert "3,7 % de ses 27 consultations" in flag["explanation"]


# -- exports and the console's own record --------------------------------------------


def test_the_csv_parses_back_with_the_entries_of_the_search(trail: Trail) -> None:
    response = trail.api.get(
        f"{CONSOLE}/entries.csv", params={"action": "grant.pull"}, headers=trail.officer.headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["numéro", "date (heure de Paris)", "action", "résultat"]
    searched = trail.entries(action="grant.pull")
    assert [int(row[0]) for row in body] == seqs(searched)
    by_seq = {int(row[0]): dict(zip(header, row, strict=True)) for row in body}
    mdph = by_seq[trail.mdph_seq]
    assert mdph["motif"] == MDPH_REASON
    assert mdph["finalité"] == "Dossier MDPH"
    assert mdph["auteur"] == "Mme Dupont"
    assert mdph["structure"] == "CCAS de Clermont-Ferrand"
    assert by_seq[trail.martin_refused_seq]["résultat"] == "refused"


def test_the_signed_log_verifies_with_the_published_key(trail: Trail) -> None:
    response = trail.api.get(f"{CONSOLE}/log", headers=trail.officer.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert response.headers["content-disposition"].startswith("attachment;")
    key = trail.api.get("/api/v1/audit/key").text.strip()
    lines = response.text.splitlines(keepends=True)
    report = verify_export(lines, key)
    assert report.ok, report.problem
    # Every entry up to the download's own record.
    assert report.entries == last_seq(trail.api) + 1
    assert json.loads(lines[0])["size"] == report.entries


def test_the_signed_log_names_persons_only_by_their_reference(trail: Trail) -> None:
    """The officer's export carries no body, no salt and no person's account id; it
    still verifies (commitments, chain, checkpoints) and a changed commitment does not."""
    response = trail.api.get(f"{CONSOLE}/log", headers=trail.officer.headers)
    text = response.text
    for person in trail.persons:
        assert person.account_id not in text
    lines = text.splitlines(keepends=True)
    header = json.loads(lines[0])
    assert header["contents"] == "pseudonymous"
    entries = [json.loads(line) for line in lines[1:] if '"seq"' in line]
    assert all("body" not in e and "salt" not in e for e in entries)
    references = {e["entry"]["person"] for e in entries if e["entry"]["person"]}
    assert references and all(ref.startswith("p-") for ref in references)
    pulls = [e for e in entries if e["action"] == "grant.pull"]
    assert {e["entry"]["actor"] for e in pulls} >= {trail.dupont.account_id}  # professionals
    key = trail.api.get("/api/v1/audit/key").text.strip()
    report = verify_export(lines, key)
    assert report.ok and not report.contents, report.problem
    changed = json.dumps(dict(entries[3], commitment=b64encode(bytes(32)))) + "\n"
    tampered = [changed if line == lines[4] else line for line in lines]
    assert entries[3]["seq"] == 3 and tampered != lines
    report = verify_export(tampered, key)
    assert not report.ok and report.problem_seq == 3, report.problem


def test_every_reading_is_recorded_without_the_person(trail: Trail) -> None:
    martin = trail.martin.account_id
    amina = trail.get("/entries", professional=martin, action="grant.pull", limit=1)["entries"][0][
        "person"
    ]
    trail.get("/entries", person=amina, action="grant.pull", limit=5)
    trail.get("/flags")
    trail.api.get(f"{CONSOLE}/entries.csv", params={"purpose": MDPH}, headers=trail.officer.headers)
    trail.api.get(f"{CONSOLE}/log", headers=trail.officer.headers)
    with coffre_of(trail.api).db.unit_of_work() as db:
        rows = db.scalars(
            select(AuditEntry).where(AuditEntry.action == "audit.console").order_by(AuditEntry.seq)
        ).all()
        recorded = [
            (row.actor_id, row.outcome, row.person_id, json.loads(row.body or "{}")) for row in rows
        ]
    assert [r[3]["details"]["view"] for r in recorded] == [
        "entries",
        "entries",
        "flags",
        "csv",
        "log",
    ]
    assert {(r[0], r[1], r[2]) for r in recorded} == {(trail.officer.who.account_id, "ok", None)}
    person_filter = recorded[1][3]["details"]["filters"]
    assert person_filter == {"action": "grant.pull", "limit": 5, "one_person": True}
    assert amina not in json.dumps([r[3] for r in recorded])
    assert recorded[3][3]["details"]["filters"] == {"purpose": MDPH}
    assert set(recorded[2][3]["details"]["filters"]) == {"from", "to"}
    # The officer's own readings show in the console too.
    assert (
        trail.get("/entries", action="audit.console", limit=1)["entries"][0]["actor"]["name"]
        == "Mme Vigie"
    )


# -- who may read it -------------------------------------------------------------------

ENDPOINTS = ("/entries", "/entries.csv", "/flags", "/log")


@pytest.mark.parametrize(
    "role", ["person", "professional", "structure_admin", "territory_admin", "anonymous"]
)
def test_only_the_charter_officer_reads_the_console(
    api: TestClient, tmp_path: Path, role: str
) -> None:
    w = build_consent_world(api, tmp_path).world
    who = {
        "person": w.person,
        "professional": w.professional,
        "structure_admin": w.structure_admin,
        "territory_admin": w.admin,
    }.get(role)
    headers = who.headers if who is not None else {}
    for endpoint in ENDPOINTS:
        response = api.get(CONSOLE + endpoint, headers=headers)
        expected = (401, "not_authenticated") if who is None else (403, "not_allowed")
        assert (response.status_code, response.json()["error"]["code"]) == expected, endpoint
    if who is not None:
        # The attempts are kept, as refused readings.
        with coffre_of(api).db.unit_of_work() as db:
            tried = db.scalars(
                select(AuditEntry).where(
                    AuditEntry.action == "audit.console", AuditEntry.actor_id == who.account_id
                )
            ).all()
            assert [row.outcome for row in tried] == ["refused"] * len(ENDPOINTS)
    for endpoint in ENDPOINTS:
        assert api.get(CONSOLE + endpoint, headers=w.officer.headers).status_code == 200


def test_malformed_filters_are_refused_in_plain_words(api: TestClient, tmp_path: Path) -> None:
    w = build_consent_world(api, tmp_path).world
    now = coffre_of(api).clock.now()
    for path, params in (
        ("/entries", {"structure": "CCAS"}),
        ("/entries", {"person": "amina"}),
        ("/entries", {"action": "grant pull"}),
        ("/entries", {"from": now.isoformat(), "to": (now - timedelta(days=1)).isoformat()}),
        ("/entries.csv", {"professional": "x" * 32}),
        ("/flags", {"from": (now - timedelta(days=500)).isoformat(), "to": now.isoformat()}),
    ):
        response = api.get(CONSOLE + path, params=params, headers=w.officer.headers)
        assert response.status_code == 422, (path, params)
        assert response.json()["error"]["code"] == "invalid_console_filter"
        assert "période" in response.json()["error"]["message"]
    too_many = api.get(f"{CONSOLE}/entries", params={"limit": 201}, headers=w.officer.headers)
    assert too_many.json()["error"]["code"] == "invalid_request"


# -- the officer's command line ----------------------------------------------------------


def test_the_officer_reads_and_exports_the_console_from_the_command_line(
    api: TestClient, live_server: str, tmp_path: Path
) -> None:
    from cli.state import CliState, save_state
    from tests.test_cli_roundtrip import _cli

    cw = build_consent_world(api, tmp_path)
    grant = str(cw.share()["id"])
    assert cw.pull(grant, cw.identity).status_code == 200
    officer = cw.world.officer
    home = tmp_path / "home"
    save_state(
        home / "cli",
        CliState(
            server=live_server,
            token=officer.token,
            login=officer.login,
            account_id=officer.account_id,
        ),
    )

    listed = _cli(live_server, home, "console", "entries", "--action", "grant.pull")
    assert listed.returncode == 0, listed.stderr
    assert "Mme Dupont" in listed.stdout and "amina" not in listed.stdout

    saved = _cli(
        live_server,
        home,
        "console",
        "entries",
        "--action",
        "grant.pull",
        "--csv",
        str(tmp_path / "j.csv"),
    )
    assert saved.returncode == 0, saved.stderr
    rows = list(csv.reader(io.StringIO((tmp_path / "j.csv").read_text("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and rows[1][2] == "grant.pull" and rows[1][5] == "Mme Dupont"

    flagged = _cli(live_server, home, "console", "flags")
    assert flagged.returncode == 0, flagged.stderr
    assert "Aucun signalement" in flagged.stdout

    log_file = tmp_path / "journal.jsonl"
    downloaded = _cli(live_server, home, "console", "log", "-o", str(log_file))
    assert downloaded.returncode == 0, downloaded.stderr
    key = api.get("/api/v1/audit/key").text.strip()
    checked = _cli(live_server, home, "audit", "verify", "--file", str(log_file), "--key", key)
    assert checked.returncode == 0, checked.stderr
    assert "Journal intact" in checked.stdout

    # A person's session gets the console's refusal, in French, exit code 1.
    save_state(home / "cli", CliState(server=live_server, token=cw.person.token))
    refused = _cli(live_server, home, "console", "flags")
    assert refused.returncode == 1 and "not_allowed" in refused.stderr
