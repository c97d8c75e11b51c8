"""Expectations: the person's own vault (docs/ROLES.md). Only the owner reaches a
document; anyone else gets the answer for an unknown document. The malformed bodies
are deliberate: the owner passes authorisation and is stopped by validation (422),
everyone else must be stopped before."""

from __future__ import annotations

from tests.authz.matrix import Case, expect
from tests.authz.scene import Scene

OWNER_ONLY = {"document_id": "document"}
NOT_FOUND = (404, "document_not_found")
BAD_METADATA = "Ag" + "A" * 60


def prepare(scene: Scene) -> None:
    """The document's ETag, as its owner's page keeps it (doc-cache.js)."""
    response = scene.api.get(
        f"/api/v1/documents/{scene.ids['document']}/content", headers=scene.headers("person")
    )
    assert response.status_code == 200, response.text
    scene.ids["document_etag"] = response.headers["etag"]


CASES = [
    Case("GET", "/api/v1/categories", expect(200, anonymous=200)),
    Case(
        "POST",
        "/api/v1/documents",
        expect((403, "upload_refused"), person=201, other_person=201),
        body="upload",
    ),
    # Everyone may list; each sees their own documents (none but the persons').
    Case("GET", "/api/v1/documents", expect(200)),
    Case("GET", "/api/v1/documents/{document_id}", expect(NOT_FOUND, person=200), ids=OWNER_ONLY),
    Case(
        "GET",
        "/api/v1/documents/{document_id}/content",
        expect(NOT_FOUND, person=200),
        ids=OWNER_ONLY,
    ),
    # A copy held (If-None-Match): decided as the download first, so anyone else still
    # gets "not found", and the owner a 304 without the body.
    Case(
        "GET",
        "/api/v1/documents/{document_id}/content",
        expect(NOT_FOUND, person=304),
        state="the owner's copy held (If-None-Match)",
        ids=OWNER_ONLY,
        headers={"If-None-Match": "{document_etag}"},
    ),
    Case(
        "PUT",
        "/api/v1/documents/{document_id}/content",
        expect(NOT_FOUND, person=422),
        ids=OWNER_ONLY,
        content=b"x",
        headers={
            "Coffre-Metadata": BAD_METADATA,
            "Coffre-Sealed-Key": "A" * 107,
            "Content-Type": "application/octet-stream",
        },
    ),
    Case(
        "PATCH",
        "/api/v1/documents/{document_id}",
        expect(NOT_FOUND, person=422),
        ids=OWNER_ONLY,
        json={"encrypted_metadata": BAD_METADATA},
    ),
    Case(
        "PUT",
        "/api/v1/documents/{document_id}/binding",
        expect(NOT_FOUND, person=422),
        ids=OWNER_ONLY,
        json={"binding": "{}"},
    ),
    Case(
        "DELETE",
        "/api/v1/documents/{document_id}",
        expect(NOT_FOUND, person=204),
        ids=OWNER_ONLY,
        fresh=True,
    ),
    # Every account moves its own format; a person with v1 documents still unsigned is
    # told so.
    Case(
        "POST",
        "/api/v1/me/crypto-format",
        expect(
            200,
            person=(409, "migration_incomplete"),
            other_person=(409, "migration_incomplete"),
        ),
        json={"format": 2},
    ),
]
