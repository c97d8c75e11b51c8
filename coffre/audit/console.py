"""The charter officer's console: the territory's trail filtered, flagged and exported.

Only the charter officer reads it (``Action.AUDIT_CONSOLE``), and only metadata: who
(professionals and structures by name), when, which action, for which purpose, with
which outcome and stated reason. Never a document's title (the trail has none) and
never who the person is: a person appears as a pseudonymous reference, a short HMAC of
their account id under a key derived from the keyring's oldest secret, the same on every
page, so the officer can see "one person, many times" or "many persons" without
learning who (DESIGN.md, "Traceability": the console serves security review and the
persons' rights only).

Reading the console is itself an operation: each search, flags view, export and
download of the signed log appends one ``audit.console`` entry naming the view and its
filters (never a person). Search and flags record it in the unit of work that reads;
the CSV and the signed log record it, and commit, before the first line leaves — a
download cut short is still on record, and a long stream never holds the trail's head.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session as DbSession

from coffre.audit import console_flags as flagging
from coffre.audit import console_repository as repository
from coffre.audit import trail as audit
from coffre.audit.log import AuditLog
from coffre.audit.models import AuditEntry
from coffre.clock import Clock
from coffre.consent.gate import charter_in_force, charter_of
from coffre.consent.service import TERRITORY_ZONE
from coffre.db.engine import Database
from coffre.errors import Invalid
from coffre.ids import is_valid_id
from coffre.policy import Action, Actor, Role, can
from coffre.settings import Settings
from coffre.structures.errors import NotAllowed

ACTION = "audit.console"
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
CSV_BATCH = 500
# Flags read a month by default; at most a little over a year (the retention of the
# trail's bodies is 6 months to 1 year: CNIL délibération 2021-122).
DEFAULT_FLAG_PERIOD = timedelta(days=30)
MAX_FLAG_PERIOD = timedelta(days=400)

_PSEUDONYM_LABEL = b"coffre/audit/console-pseudonym/v1"
_PSEUDONYM = re.compile(r"^p-[0-9a-f]{10}$")
_CODE = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")

ROLE_FR = {
    "person": "Personne",
    "professional": "Professionnel·le",
    "territory_admin": "Administration du territoire",
    "charter_officer": "Référent·e de la charte",
    "operator": "Exploitant du service",
}
# The facts of an entry's details the console shows; anything else (document lists,
# digests, future fields) stays in the signed log only.
SHOWN_DETAILS = (
    "grant",
    "request",
    "category",
    "state",
    "not_after",
    "professional",
    "charter_version",
    "effective_on",
    "kind",
    "role",
    "count",
    "view",
    "filters",
)


MAX_CURSOR = 2**53 - 1


class InvalidConsoleFilter(Invalid):
    code = "invalid_console_filter"
    message_fr = (
        "Ces filtres ne sont pas valables : vérifiez les identifiants, la période (le début "
        "avant la fin, au plus 400 jours pour les signalements) et le nombre de lignes "
        f"(1 à {MAX_LIMIT})."
    )


@dataclass(frozen=True)
class Period:
    """From ``start`` (included) to ``end`` (excluded); naive datetimes are read as UTC."""

    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class Filters:
    structure_id: str | None = None
    professional: str | None = None  # the acting account's id
    purpose: str | None = None
    action: str | None = None
    outcome: str | None = None
    period: Period = field(default_factory=Period)
    person: str | None = None  # a pseudonymous reference, as the rows show it
    cursor: int | None = None  # the ``next_cursor`` of the previous page
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class ConsoleRow:
    """One entry as the officer sees it: names resolved, the person pseudonymous."""

    seq: int
    at: datetime
    action: str
    outcome: str
    actor_role: str | None
    actor_id: str | None  # None when the actor is a person (see ``person``) or nobody
    actor_name: str
    person: str | None  # pseudonymous reference
    structure_id: str | None
    structure_name: str | None
    object_type: str | None
    object_id: str | None
    purpose: str | None
    purpose_label: str | None
    reason: str | None
    details: Mapping[str, Any]


@dataclass(frozen=True)
class Page:
    rows: list[ConsoleRow]
    next_cursor: int | None


@dataclass(frozen=True)
class Flag:
    code: str
    title: str
    explanation: str
    professional_id: str | None
    professional_name: str | None
    structure_id: str | None
    structure_name: str | None
    purpose: str | None
    purpose_label: str | None
    rows: list[ConsoleRow]  # oldest first


@dataclass(frozen=True)
class FlagReport:
    start: datetime
    end: datetime
    flags: list[Flag]


class AuditConsole:
    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        # The signed log of this deployment (the same key as the container's AuditLog:
        # both derive it from the secret key).
        self._log = AuditLog(db, settings, clock)
        # Pinned to the ring's oldest entry (COFFRE_SECRET_KEY, "k0", for a deployment
        # from before the keyring): a secret added in front changes no pseudonym; retiring
        # the oldest does, and the key id below tells the references apart
        # (docs/THREATS.md, "Server secrets and their rotation").
        self._pseudonym_key = hashlib.blake2b(
            _PSEUDONYM_LABEL, key=settings.keyring.oldest.secret[:64], digest_size=32
        ).digest()
        # Names the key in the stored references, without revealing it.
        self._pseudonym_key_id = hashlib.blake2b(
            b"coffre/audit/console-pseudonym-id/v1", key=self._pseudonym_key, digest_size=8
        ).hexdigest()

    # -- the views ----------------------------------------------------------------
    def search(self, actor: Actor, filters: Filters) -> Page:
        """Entries matching ``filters``, newest first, one page at a time."""
        self._allowed(actor, "entries")
        checked = _checked(filters)
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            query = self._query(db, checked)
            if query is None:
                page = Page([], None)
            else:
                rows = repository.newest_entries(db, query, checked.limit + 1)
                more = len(rows) > checked.limit
                rows = rows[: checked.limit]
                shown = self._names(db, now).rows(rows)
                page = Page(shown, rows[-1].seq if more and rows else None)
            audit.append(db, self._entry(actor, "entries", _recorded(checked)), now)
            return page

    def flags(self, actor: Actor, period: Period | None = None) -> FlagReport:
        """What deserves a look in ``period`` (default: the last 30 days)."""
        self._allowed(actor, "flags")
        now = self._clock.now()
        start, end = _flag_period(period or Period(), now)
        with self._db.unit_of_work() as db:
            entries = repository.entries_of_actions(db, flagging.ACTIONS, start, end)
            pulls, declines = flagging.facts_of(entries)
            refusals = flagging.refusals_of(entries)
            grants = {p.grant_id for p in pulls if p.grant_id is not None}
            starts = repository.grant_starts(db, grants)
            timeline = self._timeline(db)
            findings = flagging.find_all(pulls, declines, timeline, starts, refusals)
            by_seq = {entry.seq: entry for entry in entries}
            involved = [[by_seq[seq] for seq in finding.seqs] for finding in findings]
            names = self._names(db, now)
            names.load(entry for rows in involved for entry in rows)
            flags = [names.flag(f, rows) for f, rows in zip(findings, involved, strict=True)]
            recorded = {"from": _iso(start), "to": _iso(end)}
            audit.append(db, self._entry(actor, "flags", recorded), now)
            return FlagReport(start, end, flags)

    def csv(self, actor: Actor, filters: Filters) -> Iterator[str]:
        """Every entry matching ``filters`` (``cursor`` and ``limit`` aside) as CSV lines
        for a spreadsheet: UTF-8 with a BOM, ``;`` between fields, times in Paris time.

        Checked and recorded now; the lines are read in batches as they are consumed."""
        self._allowed(actor, "csv")
        checked = replace(_checked(filters), cursor=None, limit=CSV_BATCH)
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            recorded = _recorded(checked)
            recorded.pop("limit", None)
            audit.append(db, self._entry(actor, "csv", recorded), now)
        return self._csv_lines(checked, now)

    def signed_log(self, actor: Actor) -> Iterator[str]:
        """The verifiable log without bodies (``AuditLog.export_lines`` with a view),
        recorded before it leaves.

        Each entry shows what the console's rows show — persons as their ``p-``
        references, never an account id — with its commitment, leaf hash and chain, and
        no salt: with the salt, a guessed account id put back in place of a reference
        would hash to the commitment and confirm who it is. What it proves: the
        commitments are the signed log's, complete and in order (``coffre audit verify
        --file``); what entries say is the server's statement (docs/AUDIT.md)."""
        self._allowed(actor, "log")
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            audit.append(db, self._entry(actor, "log", {}), now)
        return self._log.export_lines(view=self.pseudonymous)

    def pseudonymous(self, entry: AuditEntry) -> dict[str, Any]:
        """An entry as the console's rows show it, without names: persons (concerned,
        acting, or the account a sign-up made) as their reference; professionals,
        structures and objects by id; the details the console shows."""
        pseudonym = self.pseudonym
        is_person = entry.actor_role == Role.PERSON.value
        persons = {entry.person_id, entry.actor_id if is_person else None} - {None}
        object_id = entry.object_id
        if object_id is not None and object_id in persons:
            object_id = pseudonym(object_id)
        actor = entry.actor_id
        if actor is not None and is_person:
            actor = pseudonym(actor)
        return {
            "actor_role": entry.actor_role,
            "actor": actor,
            "person": pseudonym(entry.person_id) if entry.person_id is not None else None,
            "structure": entry.structure_id,
            "object_type": entry.object_type,
            "object_id": object_id,
            "purpose": entry.purpose,
            "reason": entry.reason,
            "details": _shown_details(entry),
        }

    def pseudonym(self, person_id: str) -> str:
        """The reference the console shows for a person (stable, not reversible)."""
        digest = hmac.new(self._pseudonym_key, person_id.encode("ascii"), hashlib.sha256)
        return "p-" + digest.hexdigest()[:10]

    # -- internals ----------------------------------------------------------------
    def _allowed(self, actor: Actor, view: str) -> None:
        if can(actor, Action.AUDIT_CONSOLE):
            return
        # A refused attempt changes nothing but is kept: who tried to read the trail.
        with self._db.unit_of_work() as db:
            entry = self._entry(actor, view, {}, outcome="refused")
            audit.append(db, entry, self._clock.now())
        raise NotAllowed()

    @staticmethod
    def _entry(
        actor: Actor, view: str, filters: Mapping[str, Any], outcome: str = "ok"
    ) -> audit.Entry:
        details: dict[str, Any] = {"view": view}
        if filters:
            details["filters"] = dict(filters)
        return audit.by(actor, ACTION, outcome=outcome, object_type="console", details=details)

    def _query(self, db: DbSession, filters: Filters) -> repository.EntryQuery | None:
        """The filters as columns; None when the person named matches nobody."""
        person_id = None
        if filters.person is not None:
            person_id = self._person_of(db, filters.person)
            if person_id is None:
                return None
        return repository.EntryQuery(
            structure_id=filters.structure_id,
            actor_id=filters.professional,
            purpose=filters.purpose,
            action=filters.action,
            outcome=filters.outcome,
            start=filters.period.start,
            end=filters.period.end,
            person_id=person_id,
            before_seq=filters.cursor,
        )

    def _person_of(self, db: DbSession, reference: str) -> str | None:
        """The person behind a reference: an index lookup, once the references of the
        persons named since the last lookup are stored (each person is hashed once)."""
        start = repository.pseudonym_scan_start(db, self._pseudonym_key_id)
        persons, next_seq = repository.persons_from(db, start)
        if next_seq > start:
            new = persons - repository.known_persons(db, self._pseudonym_key_id, persons)
            references = {person_id: self.pseudonym(person_id) for person_id in new}
            repository.add_pseudonyms(db, self._pseudonym_key_id, references, next_seq)
        return repository.person_of_reference(db, self._pseudonym_key_id, reference)

    def _names(self, db: DbSession, now: datetime) -> _Names:
        return _Names(db, self.pseudonym, now)

    def _timeline(self, db: DbSession) -> flagging.CharterTimeline:
        publications = repository.charter_publications(db)
        versions = [
            flagging.PublishedVersion(
                charter=charter_of(row),
                published_seq=publications.get(row.version),
                published_at=row.published_at,
            )
            for row in repository.published_charters(db)
        ]
        sirets = {s.id: s.siret for s in repository.structures(db)}
        return flagging.CharterTimeline(versions, sirets)

    def _csv_lines(self, filters: Filters, now: datetime) -> Iterator[str]:
        yield "\ufeff" + _csv_line(CSV_HEADER)
        with self._db.unit_of_work() as db:
            query = self._query(db, filters)
        while query is not None:
            # One short unit of work per batch: a slow reader holds no transaction open.
            with self._db.unit_of_work() as db:
                batch = repository.newest_entries(db, query, CSV_BATCH)
                rows = self._names(db, now).rows(batch)
            for row in rows:
                yield _csv_line(_csv_fields(row))
            if len(batch) < CSV_BATCH:
                return
            query = replace(query, before_seq=batch[-1].seq)


class _Names:
    """Names for display, looked up once per view (the trail keeps ids only)."""

    def __init__(self, db: DbSession, pseudonym: Callable[[str], str], now: datetime) -> None:
        self._db = db
        self._pseudonym = pseudonym
        # Misses are kept too (None): an erased professional or a structure gone is
        # looked up once per view, not once per row.
        self._people: dict[str, str | None] = {}
        self._structures: dict[str, str | None] = {}
        self._labels = _purpose_labels(db, now)

    def load(self, entries: Iterable[AuditEntry]) -> None:
        entries = list(entries)
        accounts: set[str] = set()
        structures: set[str] = set()
        for entry in entries:
            if entry.actor_id is not None and entry.actor_role != Role.PERSON.value:
                accounts.add(entry.actor_id)
            professional = _shown_details(entry).get("professional")
            if isinstance(professional, str):
                accounts.add(professional)
            if entry.structure_id is not None:
                structures.add(entry.structure_id)
        self._load_people(accounts)
        self._load_structures(structures)

    def _load_people(self, account_ids: set[str]) -> None:
        missing = account_ids - set(self._people)
        if missing:
            found = repository.display_names(self._db, missing)
            self._people.update({account_id: found.get(account_id) for account_id in missing})

    def _load_structures(self, structure_ids: set[str]) -> None:
        missing = structure_ids - set(self._structures)
        if missing:
            found = {s.id: s.name for s in repository.structures(self._db, missing)}
            self._structures.update({sid: found.get(sid) for sid in missing})

    def person_name(self, account_id: str | None) -> str | None:
        if account_id is None:
            return None
        self._load_people({account_id})
        return self._people[account_id]

    def structure_name(self, structure_id: str | None) -> str | None:
        if structure_id is None:
            return None
        self._load_structures({structure_id})
        return self._structures[structure_id]

    def label(self, purpose: str | None) -> str | None:
        if purpose is None:
            return None
        return self._labels.get(purpose, purpose)

    def rows(self, entries: Sequence[AuditEntry]) -> list[ConsoleRow]:
        self.load(entries)
        return [self.row(entry) for entry in entries]

    def row(self, entry: AuditEntry) -> ConsoleRow:
        person = self._pseudonym(entry.person_id) if entry.person_id is not None else None
        is_person = entry.actor_role == Role.PERSON.value
        if is_person and entry.actor_id is not None:
            actor_id, actor_name = None, self._pseudonym(entry.actor_id)
        else:
            actor_id = entry.actor_id
            actor_name = self.person_name(entry.actor_id) or ROLE_FR.get(
                entry.actor_role or "", "—" if entry.actor_id is None else "Compte"
            )
        object_id = entry.object_id
        persons = {entry.person_id, entry.actor_id if is_person else None} - {None}
        if object_id is not None and object_id in persons:
            # The object is the person's own account (a sign-up): pseudonymous too.
            object_id = self._pseudonym(object_id)
        details = _shown_details(entry)
        professional = details.get("professional")
        if isinstance(professional, str):
            details["professional_name"] = self.person_name(professional) or ""
        return ConsoleRow(
            seq=entry.seq,
            at=entry.at,
            action=entry.action,
            outcome=entry.outcome,
            actor_role=entry.actor_role,
            actor_id=actor_id,
            actor_name=actor_name,
            person=person,
            structure_id=entry.structure_id,
            structure_name=self.structure_name(entry.structure_id),
            object_type=entry.object_type,
            object_id=object_id,
            purpose=entry.purpose,
            purpose_label=self.label(entry.purpose),
            reason=entry.reason,
            details=details,
        )

    def flag(self, finding: flagging.Finding, entries: Sequence[AuditEntry]) -> Flag:
        who = self.person_name(finding.professional_id) or ""
        if finding.person_actor_id is not None:
            who = f"La personne {self._pseudonym(finding.person_actor_id)}"
        structure = self.structure_name(finding.structure_id) or ""
        return Flag(
            code=finding.code,
            title=flagging.TITLES[finding.code],
            explanation=flagging.explain(
                finding, who, structure, lambda code: self.label(code) or code
            ),
            professional_id=finding.professional_id,
            professional_name=who or None,
            structure_id=finding.structure_id,
            structure_name=structure or None,
            purpose=finding.purpose,
            purpose_label=self.label(finding.purpose),
            rows=[self.row(entry) for entry in entries],
        )


def _purpose_labels(db: DbSession, now: datetime) -> dict[str, str]:
    """Purpose code -> label: the charter in force wins; a purpose it dropped keeps the
    label of the last version that had it."""
    labels: dict[str, str] = {}
    for row in repository.published_charters(db):
        for purpose in charter_of(row).purposes:
            labels[purpose.code] = purpose.label
    current = charter_in_force(db, now.astimezone(TERRITORY_ZONE).date())
    if current is not None:
        labels.update({purpose.code: purpose.label for purpose in current.purposes})
    return labels


def _shown_details(entry: AuditEntry) -> dict[str, Any]:
    details = flagging.details_of(entry)
    return {key: details[key] for key in SHOWN_DETAILS if key in details}


# -- filters -----------------------------------------------------------------------


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _checked(filters: Filters) -> Filters:
    """The filters, validated (``invalid_console_filter``), times in UTC."""
    for value in (filters.structure_id, filters.professional):
        if value is not None and not is_valid_id(value):
            raise InvalidConsoleFilter()
    for value, longest in ((filters.purpose, 64), (filters.action, 40), (filters.outcome, 16)):
        if value is not None and (len(value) > longest or not _CODE.match(value)):
            raise InvalidConsoleFilter()
    if filters.person is not None and not _PSEUDONYM.match(filters.person):
        raise InvalidConsoleFilter()
    if not 1 <= filters.limit <= MAX_LIMIT:
        raise InvalidConsoleFilter()
    # The filters are recorded in the trail's event, whose canonical JSON (RFC 8785)
    # holds integers up to 2^53 - 1 only; no trail reaches that many entries.
    if filters.cursor is not None and not 0 <= filters.cursor <= MAX_CURSOR:
        raise InvalidConsoleFilter()
    start, end = _utc(filters.period.start), _utc(filters.period.end)
    if start is not None and end is not None and start >= end:
        raise InvalidConsoleFilter()
    return replace(filters, period=Period(start, end))


def _flag_period(period: Period, now: datetime) -> tuple[datetime, datetime]:
    end = _utc(period.end) or now
    start = _utc(period.start) or end - DEFAULT_FLAG_PERIOD
    if start >= end or end - start > MAX_FLAG_PERIOD:
        raise InvalidConsoleFilter()
    return start, end


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _recorded(filters: Filters) -> dict[str, Any]:
    """The filters as the console's own entry keeps them: never who the person is."""
    recorded: dict[str, Any] = {
        "structure": filters.structure_id,
        "professional": filters.professional,
        "purpose": filters.purpose,
        "action": filters.action,
        "outcome": filters.outcome,
        "from": _iso(filters.period.start) if filters.period.start else None,
        "to": _iso(filters.period.end) if filters.period.end else None,
        "cursor": filters.cursor,
        "limit": filters.limit,
        # Only that one person's entries were looked at, not which person.
        "one_person": True if filters.person is not None else None,
    }
    return {key: value for key, value in recorded.items() if value is not None}


# -- CSV ---------------------------------------------------------------------------

CSV_HEADER = (
    "numéro",
    "date (heure de Paris)",
    "action",
    "résultat",
    "rôle",
    "auteur",
    "identifiant de l'auteur",
    "personne (référence)",
    "structure",
    "finalité",
    "objet",
    "identifiant de l'objet",
    "motif",
    "détails",
)


def _csv_fields(row: ConsoleRow) -> list[str]:
    details = ", ".join(
        f"{key}={value}" for key, value in row.details.items() if not isinstance(value, dict)
    )
    return [
        str(row.seq),
        row.at.astimezone(TERRITORY_ZONE).strftime("%Y-%m-%d %H:%M:%S"),
        row.action,
        row.outcome,
        ROLE_FR.get(row.actor_role or "", row.actor_role or ""),
        row.actor_name,
        row.actor_id or "",
        row.person or "",
        row.structure_name or "",
        row.purpose_label or "",
        row.object_type or "",
        row.object_id or "",
        row.reason or "",
        details,
    ]


def _cell(value: str) -> str:
    # A spreadsheet runs a cell that starts with = + - @ as a formula (CSV injection):
    # the stated reason is free text typed by a professional. A leading quote keeps it
    # text (OWASP "CSV Injection").
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv_line(fields: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow(
        [_cell(value) for value in fields]
    )
    return buffer.getvalue()
