"""Inviting a structure's professionals in bulk from a CSV file: all or nothing.

The file (UTF-8, with or without BOM; or Windows-1252 as Excel writes it in France)
has a header naming three columns, in any order: the name (``nom``), the profession
category (``profession``: a code of coffre/structures/kinds.py) and the e-mail
(``email``). Separator: ``;`` ``,`` or a tab, read from the header. Every row is
checked (name, code, e-mail form, duplicates in the file and against the
structure's pending invitations); one bad row and nothing is created, the report
lists each rejected row with its line number and reason. Otherwise the invitations
are created in ONE unit of work, with their audit entries.

Coffre sends no e-mail yet: the answer lists each invitation's code and link for
the structure admin to hand out. Only a hash of the e-mail is stored, to refuse a
second pending invitation to the same address; parallel imports of one file are
serialised per structure (``hold``), so exactly one of them creates anything.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.db.engine import Database, hold
from coffre.directory.errors import RejectedRow, RowsRejected
from coffre.errors import Invalid, TooLarge
from coffre.ids import is_valid_id, new_id
from coffre.policy import Action, Actor, Standing, can
from coffre.structures import repository
from coffre.structures.codes import new_code
from coffre.structures.errors import StructureNotFound
from coffre.structures.kinds import PROFESSIONS
from coffre.structures.models import Invitation, Structure
from coffre.structures.service import PROFESSIONAL_INVITATION_DAYS, IssuedInvitation
from coffre.structures.standing import standing_of
from coffre.text import is_clean_text

MAX_BYTES = 48 * 1024  # under COFFRE_MAX_BODY_BYTES (64 KiB), which answers request_too_large
MAX_ROWS = 200
_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]{2,}$")
_HEADERS = {
    "name": {"nom", "name", "nom complet", "prénom nom", "prenom nom"},
    "profession": {"profession", "catégorie", "categorie", "catégorie professionnelle"},
    "email": {"email", "e-mail", "courriel", "mail", "adresse e-mail", "adresse électronique"},
}


class BulkFileTooLarge(TooLarge):
    code = "invitation_file_too_large"
    message_fr = (
        f"Ce fichier est trop gros : {MAX_BYTES // 1024} Kio et {MAX_ROWS} lignes au plus. "
        "Découpez-le en plusieurs fichiers. Aucune invitation n'a été créée."
    )


class BulkFileUnreadable(Invalid):
    code = "invitation_file_unreadable"
    message_fr = (
        "Ce fichier ne se lit pas comme un fichier CSV : enregistrez-le en UTF-8 "
        "(« CSV UTF-8 »), une ligne d'en-tête puis une ligne par personne. "
        "Aucune invitation n'a été créée."
    )


class BulkFileHeader(Invalid):
    code = "invitation_file_header"
    message_fr = (
        "La première ligne du fichier doit nommer les colonnes nom, profession et email "
        "(séparées par ; ou ,). Aucune invitation n'a été créée."
    )


class BulkFileEmpty(Invalid):
    code = "invitation_file_empty"
    message_fr = "Ce fichier ne contient aucune personne à inviter après l'en-tête."


class InvitationRowsRejected(RowsRejected):
    code = "invitation_rows_rejected"
    message_fr = (
        "Des lignes du fichier ne sont pas valables : aucune invitation n'a été créée. "
        "Corrigez les lignes listées puis envoyez le fichier de nouveau."
    )


@dataclass(frozen=True)
class BulkRow:
    row: int  # the line in the file (the header is line 1)
    display_name: str
    profession: str
    email: str


@dataclass(frozen=True)
class BulkIssued:
    row: BulkRow
    issued: IssuedInvitation


def email_hash(email: str) -> bytes:
    return hashlib.sha256(email.strip().lower().encode()).digest()


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on a French Windows saves "CSV (séparateur : point-virgule)" so.
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise BulkFileUnreadable() from exc


def _column(label: str) -> str | None:
    cleaned = label.strip().strip('"').lower()
    for column, names in _HEADERS.items():
        if cleaned in names:
            return column
    return None


def parse(raw: bytes) -> tuple[list[BulkRow], list[RejectedRow]]:
    """The rows of a CSV file, and those refused with their reason (no database)."""
    if len(raw) > MAX_BYTES:
        raise BulkFileTooLarge()
    text = _decode(raw)
    if "\x00" in text:
        raise BulkFileUnreadable()
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise BulkFileHeader()
    header = lines[0]
    separator = max((";", ",", "\t"), key=header.count)
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=separator, strict=True))
    except csv.Error as exc:
        raise BulkFileUnreadable() from exc
    columns = [_column(label) for label in records[0]]
    if sorted(c for c in columns if c is not None) != ["email", "name", "profession"]:
        raise BulkFileHeader()
    position = {c: i for i, c in enumerate(columns) if c is not None}
    rows: list[BulkRow] = []
    rejected: list[RejectedRow] = []
    seen: dict[str, int] = {}
    data = [(n, r) for n, r in enumerate(records[1:], start=2) if any(v.strip() for v in r)]
    if len(data) > MAX_ROWS:
        raise BulkFileTooLarge()
    if not data:
        raise BulkFileEmpty()

    def reject(line: int, field: str, message: str) -> None:
        rejected.append(RejectedRow(table="invitations", row=line, field=field, message=message))

    for line, record in data:
        if len(record) != len(columns):
            reject(
                line,
                "",
                f"{len(record)} colonnes au lieu de {len(columns)} : vérifiez le séparateur.",
            )
            continue
        name = record[position["name"]].strip()
        profession = record[position["profession"]].strip().lower()
        email = record[position["email"]].strip()
        if not name or len(name) > 120 or not is_clean_text(name):
            reject(line, "nom", "Le nom est vide, trop long (120 caractères au plus) ou illisible.")
        elif profession not in PROFESSIONS:
            reject(
                line,
                "profession",
                "Catégorie professionnelle inconnue : utilisez un code de la liste "
                "(par exemple assistant-service-social).",
            )
        elif len(email) > 254 or not _EMAIL.match(email):
            reject(line, "email", "Adresse e-mail mal formée.")
        elif email.lower() in seen:
            reject(line, "email", f"Adresse e-mail en double avec la ligne {seen[email.lower()]}.")
        else:
            seen[email.lower()] = line
            rows.append(BulkRow(line, name, profession, email))
    return rows, rejected


class BulkInvitations:
    """Invite a structure's professionals from a CSV file: every row or none."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def invite_csv(self, actor: Actor, structure_id: str, raw: bytes) -> list[BulkIssued]:
        # The caller's right first: a file is never read for a structure one may not
        # invite into (answered like an unknown structure, docs/ROLES.md).
        self._check(actor, structure_id)
        rows, rejected = parse(raw)
        if rejected:
            raise InvitationRowsRejected(rejected)
        with self._db.unit_of_work(write=True) as db:
            # Parallel imports into one structure are decided one after the other: the
            # second sees the first's pending invitations and refuses their rows.
            hold(db, "bulk-invitations", structure_id)
            self._check_in(db, actor, structure_id)
            now = self._clock.now()
            pending = _pending_hashes(db, structure_id, [email_hash(r.email) for r in rows], now)
            clash = [r for r in rows if email_hash(r.email) in pending]
            if clash:
                raise InvitationRowsRejected(
                    [
                        RejectedRow(
                            table="invitations",
                            row=r.row,
                            field="email",
                            message="Une invitation en attente existe déjà pour cette adresse.",
                        )
                        for r in clash
                    ]
                )
            issued: list[BulkIssued] = []
            expires = now + timedelta(days=PROFESSIONAL_INVITATION_DAYS)
            for row in rows:
                code, hashed = new_code()
                invitation = Invitation(
                    id=new_id(),
                    code_hash=hashed,
                    kind="professional",
                    structure_id=structure_id,
                    display_name=row.display_name,
                    profession=row.profession,
                    issuer_id=actor.account_id,
                    created_at=now,
                    expires_at=expires,
                    email_hash=email_hash(row.email),
                )
                db.add(invitation)
                entry = audit.by(
                    actor,
                    "invitation.create",
                    structure_id=structure_id,
                    object_type="invitation",
                    object_id=invitation.id,
                    details={"kind": "professional", "bulk": True},
                )
                audit.append(db, entry, now)
                issued.append(BulkIssued(row, IssuedInvitation(code, invitation)))
            audit.append(
                db,
                audit.by(
                    actor,
                    "invitation.bulk",
                    structure_id=structure_id,
                    object_type="structure",
                    object_id=structure_id,
                    details={"count": len(issued)},
                ),
                now,
            )
            return issued

    def _check(self, actor: Actor, structure_id: str) -> None:
        with self._db.unit_of_work() as db:
            self._check_in(db, actor, structure_id)

    def _check_in(self, db: DbSession, actor: Actor, structure_id: str) -> None:
        structure = db.get(Structure, structure_id) if is_valid_id(structure_id) else None
        if structure is None:
            raise StructureNotFound()
        membership = repository.active_membership(db, actor.account_id, structure.id)
        standing = (
            standing_of(membership)
            if membership is not None
            else Standing(structure_id=structure.id)
        )
        if not can(actor, Action.INVITE_PROFESSIONAL, standing):
            raise StructureNotFound()


def _pending_hashes(
    db: DbSession, structure_id: str, hashes: list[bytes], now: datetime
) -> set[bytes]:
    found = db.scalars(
        select(Invitation.email_hash).where(
            Invitation.structure_id == structure_id,
            Invitation.email_hash.in_(hashes),
            Invitation.used_at.is_(None),
            Invitation.expires_at > now,
        )
    ).all()
    return {h for h in found if h is not None}
