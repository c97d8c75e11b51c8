"""The organiser in the full export: the CLI's export (client/export.py) writes
organiser.json with every item opened and rendez-vous.ics with the appointments, which
icalendar reads back; an item that does not open is listed, not dropped. The page's
calendar file (web/static/js/organiser-ics.js) is read by icalendar too, to the same
events as the CLI's."""

from __future__ import annotations

import json
import secrets
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from icalendar import Calendar

from client.api import CoffreClient
from client.export import export_vault
from client.organiser import appointments_ics
from crypto import b64encode
from tests.contacts.helpers import account_id
from tests.factories import make_person
from tests.organiser.helpers import APPOINTMENT, CONTACT, new_body, sealed_item
from tests.web.node import run_module

ITEMS = "/api/v1/organiser/items"
NOTE = {"v": 1, "kind": "note", "text": "Rappeler la CAF, dire « RSA »\nle matin"}
LONG_NOTE = "Apporter : pièce d'identité, avis d'imposition; justificatif \\ de domicile. " * 4
SECOND = {
    **APPOINTMENT,
    "starts_at": "2027-04-10T13:00:00Z",
    "ends_at": None,
    "with_whom": "",
    "place": "",
    "note": LONG_NOTE,
}


def _events(ics: bytes) -> dict[str, dict[str, Any]]:
    calendar = Calendar.from_ical(ics)
    out = {}
    for event in calendar.walk("VEVENT"):
        end = event.get("dtend")
        out[str(event["uid"])] = {
            "start": event.decoded("dtstart"),
            "end": end.dt if end is not None else None,
            "summary": str(event["summary"]),
            "location": str(event.get("location", "")),
            "description": str(event.get("description", "")),
        }
    return out


def test_the_export_holds_the_organiser_opened_and_the_appointments_as_a_calendar(
    api: TestClient, tmp_path: Path
) -> None:
    person = make_person(api)
    owner = account_id(api, person)
    made = {}
    for item in (NOTE, CONTACT, APPOINTMENT, SECOND):
        body = new_body(person, owner, item)
        assert api.post(ITEMS, json=body, headers=person.headers).status_code == 201
        made[body["id"]] = item
    # An item the person did not write (another key signed it): listed as unreadable.
    stranger = make_person(api, 1)
    forged_id = secrets.token_hex(16)
    forged = sealed_item(stranger, owner, forged_id, CONTACT)
    forged_body = {"id": forged_id, "ciphertext": b64encode(forged)}
    assert api.post(ITEMS, json=forged_body, headers=person.headers).status_code == 201

    client = CoffreClient("http://testserver", http=api, token=person.token)  # type: ignore[arg-type]
    dest = tmp_path / "coffre.zip"
    export_vault(client, person.keys, dest)
    with zipfile.ZipFile(dest) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        organiser = json.loads(archive.read("organiser.json"))
        ics = archive.read("rendez-vous.ics")
    assert manifest["organiser"] == {"json": "organiser.json", "ics": "rendez-vous.ics"}
    assert organiser["format"] == "coffre-organiser" and organiser["version"] == 1
    assert {e["id"]: e["item"] for e in organiser["items"]} == made
    assert [(u["id"], u["error"]) for u in organiser["unreadable"]] == [
        (forged_id, "SignatureError")
    ]
    events = _events(ics)
    [first] = [k for k, v in made.items() if v is APPOINTMENT]
    [second] = [k for k, v in made.items() if v is SECOND]
    assert set(events) == {f"{first}@organiser.coffre", f"{second}@organiser.coffre"}
    assert events[f"{first}@organiser.coffre"] == {
        "start": datetime(2027, 3, 2, 8, 30, tzinfo=UTC),
        "end": datetime(2027, 3, 2, 9, 0, tzinfo=UTC),
        "summary": "Rendez-vous avec M. Martin",
        "location": "Mission locale, 12 rue Blatin",
        "description": "Apporter la pièce d'identité",
    }
    assert events[f"{second}@organiser.coffre"]["description"] == LONG_NOTE
    assert events[f"{second}@organiser.coffre"]["end"] is None
    assert all(len(line) <= 75 for line in ics.split(b"\r\n"))


SCRIPT = """
import { icsCalendar } from "%s";
const input = JSON.parse(await new Promise((done) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => done(text));
}));
process.stdout.write(JSON.stringify(icsCalendar(input.items, new Date(input.now))));
"""


def test_the_pages_calendar_file_reads_as_the_clis_does() -> None:
    """RFC 5545 as icalendar reads it: escaping (quotes, ;, \\, line feeds, non-ASCII),
    folding at 75 octets, UTC times, one UID per item, notes and contacts left out."""
    organiser = {
        "items": [
            {"id": "a" * 32, "version": 2, "item": APPOINTMENT},
            {"id": "b" * 32, "version": 1, "item": SECOND},
            {"id": "c" * 32, "version": 1, "item": {**APPOINTMENT, "with_whom": 'Dr "Ève" Né'}},
            {"id": "d" * 32, "version": 1, "item": NOTE},
            {"id": "e" * 32, "version": 1, "item": CONTACT},
        ]
    }
    now = datetime(2026, 12, 6, 18, 0, tzinfo=UTC)
    page = run_module("organiser-ics.js", SCRIPT, {**organiser, "now": now.isoformat()})
    assert page.endswith("\r\n")
    page_bytes = page.encode("utf-8")
    assert all(len(line) <= 75 for line in page_bytes.split(b"\r\n"))
    from_page = _events(page_bytes)
    assert from_page == _events(appointments_ics(organiser, now))
    assert len(from_page) == 3
    assert from_page["c" * 32 + "@organiser.coffre"]["summary"] == 'Rendez-vous avec Dr "Ève" Né'
    calendar = Calendar.from_ical(page_bytes)
    assert str(calendar["prodid"]) == "-//Coffre//Carnet//FR"
    [event] = [e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith("a")]
    assert int(event["sequence"]) == 1


SEAL_SCRIPT = """
import sodium from "libsodium-wrappers-sumo";
import { createOrganiser } from "%s";
await sodium.ready;
const org = createOrganiser(sodium);
const input = JSON.parse(await new Promise((done) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => done(text));
}));
const itemId = org.newItemId();
const data = org.sealItem({ item: input.item, ownerId: input.owner, itemId,
  boxPublic: sodium.from_hex(input.box_public), signSeed: sodium.from_hex(input.sign_seed) });
process.stdout.write(JSON.stringify({ id: itemId,
  ciphertext: sodium.to_base64(data, sodium.base64_variants.URLSAFE_NO_PADDING) }));
"""


def test_an_item_the_page_wrote_is_in_the_clis_export(api: TestClient, tmp_path: Path) -> None:
    """The page's module seals an appointment (random key, its own nonce and header);
    the server keeps it; the CLI's export opens it and puts it in the calendar."""
    person = make_person(api)
    owner = account_id(api, person)
    body = run_module(
        "crypto-organiser.js",
        SEAL_SCRIPT,
        {
            "item": APPOINTMENT,
            "owner": owner,
            "box_public": person.keys.box_public.hex(),
            "sign_seed": person.keys.sign_seed.hex(),
        },
    )
    assert api.post(ITEMS, json=body, headers=person.headers).status_code == 201
    client = CoffreClient("http://testserver", http=api, token=person.token)  # type: ignore[arg-type]
    dest = tmp_path / "coffre.zip"
    export_vault(client, person.keys, dest)
    with zipfile.ZipFile(dest) as archive:
        organiser = json.loads(archive.read("organiser.json"))
        ics = archive.read("rendez-vous.ics")
    assert organiser["items"][0]["item"] == APPOINTMENT and organiser["unreadable"] == []
    assert set(_events(ics)) == {f"{body['id']}@organiser.coffre"}
