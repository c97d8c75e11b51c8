"""Routes of the app that have no expectations yet: the ONE place to list them.

A route listed here is skipped by ``test_every_route_has_expectations``; the matrix
fails if a listed route is not in the app (gone or renamed) or if it already has
expectations (then remove it from here), so this list only shrinks.

Helpers adding routes (référent: /referent*, /followed*; relays: /relays*) list them
here first, then write ``tests/authz/expect_<area>.py`` and remove them.
Entries: (METHOD, path exactly as the app declares it, e.g. "/api/v1/relays/{relay_id}").
"""

from __future__ import annotations

PENDING: frozenset[tuple[str, str]] = frozenset()
