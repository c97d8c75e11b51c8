"""Routes of the app that have no expectations yet: the ONE place to list them.

A route listed here is skipped by ``test_every_route_has_expectations``; the matrix
fails if a listed route is not in the app (gone or renamed) or if it already has
expectations (then remove it from here), so this list only shrinks.

Helpers adding routes (référent: /referent*, /followed*; relays: /relays*) list them
here first, then write ``tests/authz/expect_<area>.py`` and remove them.
Entries: (METHOD, path exactly as the app declares it, e.g. "/api/v1/relays/{relay_id}").
"""

from __future__ import annotations

PENDING: frozenset[tuple[str, str]] = frozenset(
    {
        # Référent (helper R: tests/authz/expect_referents.py).
        ("GET", "/api/v1/followed"),
        ("GET", "/api/v1/followed/{person_id}"),
        ("DELETE", "/api/v1/referent"),
        ("GET", "/api/v1/referent"),
        ("PATCH", "/api/v1/referent"),
        ("POST", "/api/v1/referent"),
        ("POST", "/api/v1/referent/handovers"),
        ("POST", "/api/v1/referent/handovers/{handover_id}/accept"),
        ("POST", "/api/v1/referent/handovers/{handover_id}/refuse"),
        ("POST", "/api/v1/referent/proposals"),
        ("POST", "/api/v1/referent/proposals/{proposal_id}/accept"),
        ("POST", "/api/v1/referent/proposals/{proposal_id}/decline"),
        # Relays (helper L: tests/authz/expect_relays.py).
        ("GET", "/api/v1/relays"),
        ("POST", "/api/v1/relays"),
        ("GET", "/api/v1/relays/{relay_id}"),
        ("POST", "/api/v1/relays/{relay_id}/agree"),
        ("POST", "/api/v1/relays/{relay_id}/close"),
        ("POST", "/api/v1/relays/{relay_id}/decline"),
        ("PUT", "/api/v1/relays/{relay_id}/note-keys"),
        ("POST", "/api/v1/relays/{relay_id}/refuse"),
        ("POST", "/api/v1/relays/{relay_id}/return"),
        ("POST", "/api/v1/relays/{relay_id}/take"),
    }
)
