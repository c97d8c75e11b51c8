"""The end of an audit entry's retention: what a purge removes, and the record it leaves.

CNIL délibération 2021-122 keeps such traces 6 months to 1 year (longer only when
justified), then they must go. An entry's leaf commits to a salted hash of its event
(``coffre.audit.events``), so the event body and its salt can be deleted and every
root, inclusion and consistency proof stays valid. A purge (the retention job,
coffre/retention/, ``coffre jobs retention``; ``AuditLog.purge_expired``, ``coffre audit
retention``) is the ONLY legitimate way a body disappears:

- it takes the oldest entries, a prefix ``[from, upto)`` of the trail, all dated before
  the cutoff (``cutoff_of``: midnight UTC of today, minus ``retention_days``; ``upto`` is
  the first entry dated at or after the cutoff), checks each one (body against its
  leaf, columns against its body), and deletes the body, the salt and every column
  copied from the body that names someone or something (``CLEARED_COLUMNS``): after
  retention the trail keeps an entry's place (``seq``, ``leaf_hash``, ``chain``), its
  date, its action and its outcome, nothing that names a person;
- in the same transaction it appends an ``audit.retention`` entry recording the rule
  and the range, with ``kept_digest``: a hash chain over what stays of every purged
  entry since the first (``seq``, ``at``, ``action``, ``outcome``). That entry is
  itself hashed, chained and signed like any other, so ``coffre audit verify`` can
  check that every missing body lies in the recorded prefix and that what stays of
  the purged entries is what was there when they were purged.

Each record covers the whole purged prefix (``from`` is where the previous record
stopped, ``kept_digest`` continues the previous one), so only the newest record is
needed, and a later purge may remove the body of an older record. A purge never
removes its own record.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from coffre.audit.trail import at_text, parse_at
from crypto import b64decode, b64encode
from crypto.encoding import canonical_json
from crypto.errors import InvalidInputError

ACTION = "audit.retention"
MIN_RETENTION_DAYS = 183
"""Six months, the shortest period of CNIL délibération 2021-122: a record with a
shorter rule is refused by the verifier whatever the settings say."""
MAX_RETENTION_DAYS = 365
"""One year, the longest period of délibération 2021-122 without a particular reason
(the settings refuse more: ``COFFRE_AUDIT_RETENTION_DAYS``)."""

BATCH = 5000
"""Entries purged per transaction: the trail's head stays locked while they are checked."""

CLEARED_COLUMNS = (
    "actor_id",
    "actor_role",
    "person_id",
    "structure_id",
    "object_type",
    "object_id",
    "purpose",
    "reason",
)
"""Columns copied from the body that a purge empties (they name people and things)."""

KEPT_COLUMNS = ("at", "action", "outcome")
"""Columns a purged entry keeps; ``kept_digest`` covers them."""

DIGEST_PREFIX = b"coffre/audit/retention/v1\n"
GENESIS = bytes(32)


def cutoff_of(now: datetime, days: int) -> datetime:
    """The cutoff of a retention of ``days`` days run at ``now``: midnight UTC of today,
    minus ``days``. Counted in whole days, the cutoff is the same for every run of one
    day: the first run after midnight removes what expired, the others of the day (the
    job runs hourly, in several processes) find nothing and record nothing. Something
    dated on day D goes on day D + days + 1, never before ``days`` full days."""
    day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=days)


def kept_digest_next(previous: bytes, seq: int, at: str, action: str, outcome: str) -> bytes:
    """One step of the hash chain over purged entries:
    SHA-256(DIGEST_PREFIX || previous || JCS({seq, at, action, outcome}))."""
    kept = canonical_json({"seq": seq, "at": at, "action": action, "outcome": outcome})
    return hashlib.sha256(DIGEST_PREFIX + previous + kept).digest()


@dataclass(frozen=True)
class RetentionRecord:
    """An ``audit.retention`` entry, read from its (verified) event."""

    seq: int
    at: datetime
    start: int  # details.from: where the previous record stopped
    upto: int  # entries [0, upto) have no body any more
    cutoff: datetime
    retention_days: int
    kept_digest: bytes

    def details(self) -> dict[str, Any]:
        return record_details(
            self.start, self.upto, self.cutoff, self.retention_days, self.kept_digest
        )


def record_details(
    start: int, upto: int, cutoff: datetime, retention_days: int, kept_digest: bytes
) -> dict[str, Any]:
    return {
        "from": start,
        "upto": upto,
        "cutoff": at_text(cutoff),
        "retention_days": retention_days,
        "kept_digest": b64encode(kept_digest),
    }


def parse_record(event: dict[str, Any]) -> RetentionRecord:
    """The record an ``audit.retention`` event states; ValueError if it is malformed."""
    details = event.get("details")
    if not isinstance(details, dict) or set(details) != {
        "from",
        "upto",
        "cutoff",
        "retention_days",
        "kept_digest",
    }:
        raise ValueError("retention record: unexpected details")
    start, upto, days = details["from"], details["upto"], details["retention_days"]
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (start, upto, days)):
        raise ValueError("retention record: numbers expected")
    try:
        digest = b64decode(str(details["kept_digest"]))
    except InvalidInputError as exc:
        raise ValueError("retention record: bad digest") from exc
    if len(digest) != 32 or not 0 <= start < upto:
        raise ValueError("retention record: bad range or digest")
    return RetentionRecord(
        seq=int(event["seq"]),
        at=parse_at(str(event["at"])),
        start=start,
        upto=upto,
        cutoff=parse_at(str(details["cutoff"])),
        retention_days=days,
        kept_digest=digest,
    )


def record_problem(record: RetentionRecord) -> str | None:
    """What is wrong with a record's rule on its own, in French; None if nothing."""
    if record.retention_days < MIN_RETENTION_DAYS:
        return (
            f"l'opération de conservation de l'entrée {record.seq} applique une durée de "
            f"{record.retention_days} jours, sous le minimum de {MIN_RETENTION_DAYS} jours"
        )
    if record.cutoff > record.at - timedelta(days=record.retention_days):
        return (
            f"l'opération de conservation de l'entrée {record.seq} a effacé des entrées "
            f"plus récentes que sa durée de conservation ({record.retention_days} jours)"
        )
    if record.upto > record.seq:
        return (
            f"l'opération de conservation de l'entrée {record.seq} dit avoir effacé "
            "des entrées venues après elle"
        )
    return None
