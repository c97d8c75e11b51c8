"""Errors of the directory area (every code is listed in docs/ERRORS.md)."""

from __future__ import annotations

from dataclasses import dataclass

from coffre.errors import Invalid, NotFound, TooLarge


class ServiceNotFound(NotFound):
    code = "directory_service_not_found"
    message_fr = (
        "Ce service n'est pas dans l'annuaire (il a peut-être été retiré). "
        "Cherchez-le de nouveau dans l'annuaire."
    )


class DirectoryNotFound(NotFound):
    """What a caller may not do in the directory looks like nothing there (ROLES.md)."""

    code = "not_found"
    message_fr = "Cette adresse n'existe pas."


class MalformedFile(Invalid):
    code = "directory_file_malformed"
    message_fr = (
        "Ce fichier n'est pas un export data·inclusion lisible : il faut un objet JSON "
        "avec deux listes, « structures » et « services ». Rien n'a été importé."
    )


class InvalidSearch(Invalid):
    code = "directory_search_invalid"
    message_fr = (
        "La recherche est trop longue ou mal formée. Raccourcissez-la (200 caractères au "
        "plus) puis recommencez."
    )


@dataclass(frozen=True)
class RejectedRow:
    """A row of the file refused, and why: ``table`` is "structures" or "services",
    ``row`` counts from 1 in that list, ``field`` is the field's path in the row."""

    table: str
    row: int
    field: str
    message: str


class RowsRejected(Invalid):
    code = "directory_rows_rejected"
    message_fr = (
        "Des lignes du fichier ne respectent pas le schéma data·inclusion : rien n'a été "
        "importé. Corrigez les lignes listées puis importez le fichier de nouveau."
    )

    def __init__(self, rows: list[RejectedRow]) -> None:
        super().__init__()
        self.rows = rows


class DirectoryFileTooLarge(TooLarge):
    code = "directory_file_too_large"
    message_fr = (
        "Ce fichier est trop gros pour être importé en une fois (64 Mio au plus). "
        "Découpez-le en plusieurs fichiers. Rien n'a été importé."
    )
