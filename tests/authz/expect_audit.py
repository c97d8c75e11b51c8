"""Expectations: the trail's public key and checkpoint, the charter officer's console
(metadata only), a person's own history and export (docs/ROLES.md)."""

from __future__ import annotations

from coffre.audit import trail
from tests.authz.matrix import Case, expect
from tests.authz.scene import Scene

PUBLIC = expect(200, anonymous=200)
OFFICER = expect((403, "not_allowed"), charter_officer=200)
PERSONS = expect((403, "not_allowed"), person=200, other_person=200)


def prepare(scene: Scene) -> None:
    """A signed tree of at least 256 entries: its first level-0 tile is full, so it stays
    served whatever is appended and signed while the cases run."""
    coffre = scene.api.app.state.coffre  # type: ignore[attr-defined]
    missing = 256 - coffre.audit.size()
    if missing > 0:
        with coffre.db.unit_of_work() as db:
            for _ in range(missing):
                trail.append(db, trail.Entry(action="test.filler"), scene.clock.now())
    coffre.audit.checkpoint()
    scene.ids["audit_tile"] = "0/000"


CASES = [
    Case("GET", "/api/v1/audit/key", PUBLIC),
    Case("GET", "/api/v1/audit/checkpoint", PUBLIC),
    Case("GET", "/api/v1/audit/log/checkpoint", PUBLIC),
    Case("GET", "/api/v1/audit/log/keys", PUBLIC),
    Case("GET", "/api/v1/audit/log/tile/{path:path}", PUBLIC, ids={"path:path": "audit_tile"}),
    Case("GET", "/api/v1/audit/proof/inclusion", PUBLIC, query={"index": "0", "size": "1"}),
    Case("GET", "/api/v1/audit/proof/consistency", PUBLIC, query={"old": "0", "new": "1"}),
    Case("GET", "/api/v1/console/entries", OFFICER),
    Case("GET", "/api/v1/console/entries.csv", OFFICER),
    Case("GET", "/api/v1/console/flags", OFFICER),
    Case("GET", "/api/v1/console/log", OFFICER),
    Case("GET", "/api/v1/me/history", PERSONS),
    Case(
        "POST",
        "/api/v1/me/exports",
        expect((403, "not_allowed"), person=201, other_person=201),
    ),
]
