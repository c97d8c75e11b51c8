"""The person's organiser in the export: every item opened here (SPEC §30.4), written
as ``organiser.json``, and the appointments as ``rendez-vous.ics`` (RFC 5545, through
``icalendar``), so that a calendar application takes them in.

An item that does not open (its signature, key or content refused) is not dropped in
silence: ``organiser.json`` lists it under ``unreadable`` with its error's kind
(``SignatureError``, ``DecryptionError``…), as the page's export does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from icalendar import Calendar, Event

from client.api import CoffreClient
from crypto import AccountKeys, CryptoError, b64decode
from crypto.organiser import open_item

FORMAT = "coffre-organiser"
VERSION = 1
PRODID = "-//Coffre//Carnet//FR"
UID_DOMAIN = "organiser.coffre"


def read_items(client: CoffreClient, keys: AccountKeys, owner_id: str) -> dict[str, Any]:
    """``GET /organiser/items``, each item opened with the owner's keys: the content of
    ``organiser.json``."""
    listed: list[dict[str, Any]] = client.call("GET", "/organiser/items").json()["items"]
    items: list[dict[str, Any]] = []
    unreadable: list[dict[str, Any]] = []
    for row in listed:
        about = {
            "id": row["id"],
            "version": row["version"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }
        try:
            item = open_item(
                b64decode(str(row["ciphertext"])),
                owner_id=owner_id,
                item_id=str(row["id"]),
                sign_public=keys.sign_public,
                box_public=keys.box_public,
                box_secret=keys.box_secret,
            )
        except CryptoError as error:  # its kind (SPEC §30.4), as the page's export says it
            unreadable.append({**about, "error": type(error).__name__})
            continue
        items.append({**about, "item": item})
    return {"format": FORMAT, "version": VERSION, "items": items, "unreadable": unreadable}


def _time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def appointments_ics(organiser: dict[str, Any], now: datetime) -> bytes:
    """The appointments of ``organiser.json`` as one iCalendar file: times in UTC, one
    UID per item (its id), text escaped and lines folded as RFC 5545 says."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    for entry in organiser["items"]:
        item = entry["item"]
        if item["kind"] != "appointment":
            continue
        event = Event()
        event.add("uid", f"{entry['id']}@{UID_DOMAIN}")
        event.add("dtstamp", now.astimezone(UTC).replace(microsecond=0))
        event.add("dtstart", _time(item["starts_at"]))
        if item["ends_at"] is not None:
            event.add("dtend", _time(item["ends_at"]))
        with_whom = item["with_whom"]
        event.add("summary", f"Rendez-vous avec {with_whom}" if with_whom else "Rendez-vous")
        if item["place"]:
            event.add("location", item["place"])
        if item["note"]:
            event.add("description", item["note"])
        event.add("sequence", max(int(entry["version"]) - 1, 0))
        calendar.add_component(event)
    return bytes(calendar.to_ical())
