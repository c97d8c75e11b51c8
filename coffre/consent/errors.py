"""Errors of the consent area (the charter for now; grants and requests add theirs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coffre.errors import Conflict, Invalid, NotFound, TooLarge


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a charter file: where (``finalites[2].duree_max_jours``) and what."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location} : {self.message}"


class InvalidCharter(Invalid):
    """The charter file is not valid; every problem is listed with its place in the file."""

    code = "invalid_charter"
    message_fr = "La charte n'est pas valable."

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"- {problem}" for problem in self.problems)
        count = len(self.problems)
        heading = (
            "La charte n'a pas été publiée : 1 problème à corriger dans le fichier."
            if count == 1
            else f"La charte n'a pas été publiée : {count} problèmes à corriger dans le fichier."
        )
        super().__init__(message_fr=f"{heading}\n{lines}")


class CharterTooLarge(TooLarge):
    code = "charter_too_large"
    message_fr = (
        "Le fichier de la charte est trop gros (256 Kio au plus). "
        "Vérifiez que vous envoyez bien le fichier TOML de la charte."
    )


class CharterVersionConflict(Conflict):
    code = "charter_version_conflict"
    message_fr = "Une version plus récente de la charte est déjà publiée."


class CharterNotFound(NotFound):
    code = "charter_not_found"
    message_fr = "Aucune charte n'est publiée sous ce numéro de version."


class NoCharterInForce(NotFound):
    code = "no_charter_in_force"
    message_fr = (
        "Aucune charte n'est en vigueur sur ce territoire pour l'instant : "
        "aucun partage n'est possible avant sa publication."
    )
