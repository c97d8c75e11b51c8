"""The person's full export (RGPD art. 15 and 20): one recorded operation.

``Exports.record`` appends ONE ``account.export`` entry and gathers, in the same unit
of work, what the client needs to build the archive: the live documents (ids, keys
sealed to the person, encrypted metadata, deposit envelopes with the depositor named),
the grants, and the history — which therefore ends with this very export. Then the
audit log's head is signed, and the archive carries the checkpoint and its verifier
key (DESIGN.md: "the verifier key is published … in every export").

The server never sees the archive: the client downloads and decrypts each document
(client/export.py). Downloads made for the export are recorded like any download.
"""

from __future__ import annotations

from dataclasses import replace

from coffre.audit import trail as audit
from coffre.audit.history import ExportData, History
from coffre.audit.log import AuditLog
from coffre.clock import Clock
from coffre.consent.grants import GrantService
from coffre.db.engine import Database
from coffre.policy import Action, Actor, can
from coffre.structures.errors import NotAllowed


class Exports:
    def __init__(
        self, db: Database, clock: Clock, history: History, grants: GrantService, log: AuditLog
    ) -> None:
        self._db = db
        self._clock = clock
        self._history = history
        self._grants = grants
        self._log = log

    def record(self, actor: Actor) -> ExportData:
        """Record the export and return the manifest's data (persons, own vault only)."""
        if not can(actor, Action.ACCOUNT_EXPORT):
            raise NotAllowed()
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            login, documents = self._history.documents(db, actor)
            entry = audit.by(actor, "account.export", details={"documents": len(documents)})
            audit.append(db, entry, now)
            history = self._history.items(db, actor.account_id)
        data = ExportData(
            account_id=actor.account_id,
            login=login,
            exported_at=now,
            documents=documents,
            grants=self._grants.list_mine(actor),
            history=history,
        )
        # Signed after the commit: the checkpoint covers the export's own entry.
        checkpoint = self._log.checkpoint()
        return replace(data, verifier_key=self._log.verifier_key, checkpoint=checkpoint.note)
