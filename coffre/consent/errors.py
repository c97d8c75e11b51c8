"""Errors of the consent area: the charter, grants, pulls, requests, deposits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coffre.errors import Conflict, Invalid, NotFound, RateLimited, Refused, TooLarge


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


class InvalidReceipt(Invalid):
    """The consent receipt is malformed, not signed by the caller, or not about them."""

    code = "invalid_receipt"
    message_fr = (
        "Le reçu de consentement n'est pas valable (signature ou contenu). "
        "Rechargez la page et recommencez le partage."
    )


class GrantRefused(Invalid):
    """The charter or the state of things does not allow this grant; ``message_fr`` says why."""

    code = "grant_refused"
    message_fr = "Ce partage n'est pas possible."


class GrantExists(Conflict):
    code = "grant_exists"
    message_fr = "Ce partage est déjà enregistré."


class GrantNotFound(NotFound):
    # Unknown, or not the caller's: one answer.
    code = "grant_not_found"
    message_fr = "Ce partage est introuvable."


class GrantNotActive(Refused):
    """Only ever told to the grantee of the grant: ``message_fr`` says which state."""

    code = "grant_not_active"
    message_fr = "Ce partage n'est plus en cours."


class ReasonRequired(Invalid):
    code = "reason_required"
    message_fr = (
        "La charte demande un motif pour chaque consultation de ce partage : "
        "écrivez en quelques mots pourquoi vous ouvrez ce document (3 à 300 caractères)."
    )


class RequestRefused(Invalid):
    """The charter does not allow asking for this; ``message_fr`` says why."""

    code = "request_refused"
    message_fr = "Cette demande n'est pas possible."


class InvalidRequest(Invalid):
    code = "invalid_request"
    message_fr = (
        "La demande est incomplète : indiquez l'identifiant de la personne, la finalité, "
        "le type de document, et une date limite dans les 90 jours si vous en donnez une."
    )


class RequestNotFound(NotFound):
    code = "request_not_found"
    message_fr = "Cette demande est introuvable ou n'attend plus de réponse."


class TooManyRequests(RateLimited):
    code = "too_many_requests"
    message_fr = (
        "Vous avez déjà envoyé plusieurs demandes à cette personne aujourd'hui. "
        "Attendez sa réponse, ou réessayez demain."
    )


class PersonNotFound(NotFound):
    # No such person, or no link with the caller (no grant, no answered request).
    code = "person_not_found"
    message_fr = "Cette personne est introuvable parmi celles que vous accompagnez."


class InvalidDeposit(Invalid):
    code = "invalid_deposit"
    message_fr = (
        "Le dépôt n'est pas valable : la déclaration signée ne correspond pas au document "
        "envoyé. Recommencez le dépôt."
    )


class NotificationNotFound(NotFound):
    code = "notification_not_found"
    message_fr = "Cette notification est introuvable."


class CharterChanged(Conflict):
    """What is published is not what was previewed (the text, or the version it follows)."""

    code = "charter_changed"
    message_fr = (
        "Ce n'est plus la charte que vous avez prévisualisée : le fichier a changé, ou une "
        "autre version a été publiée depuis. Rien n'a été publié. Refaites l'aperçu, "
        "relisez les différences, puis confirmez."
    )


class CharterNotEditable(Invalid):
    code = "charter_not_editable"
    message_fr = (
        "La nouvelle version n'a pas pu être préparée à partir du fichier de la charte en "
        "vigueur (sa mise en forme est inhabituelle). Rien n'a été publié. Ajoutez vous-même "
        "« fin = AAAA-MM-JJ » dans le bloc [[structures]] de la structure, augmentez "
        "« version », puis publiez le fichier."
    )


class AdhesionNotFound(NotFound):
    code = "adhesion_not_found"
    message_fr = (
        "Cette structure ne figure pas dans la dernière version de la charte : il n'y a pas "
        "d'adhésion à terminer."
    )


class InvalidAdhesionEnd(Invalid):
    code = "invalid_adhesion_end"
    message_fr = (
        "La date de fin doit être aujourd'hui ou plus tard, et après la date d'adhésion. "
        "Choisissez une autre date."
    )


class InvalidCursor(Invalid):
    """A ``cursor`` the list did not give (made up, cut, or of another list)."""

    code = "invalid_cursor"
    message_fr = (
        "Cette page de la liste n'existe pas. Reprenez la liste depuis le début, sans "
        "« cursor », puis suivez les « next_cursor » qu'elle donne."
    )


class InvalidGrantFilter(Invalid):
    code = "invalid_grant_filter"
    message_fr = (
        "Ce filtre des partages n'est pas valable : « state » vaut active, ended ou revoked, "
        "« person » est l'identifiant d'une personne, « ending_before » une date et heure "
        "avec son fuseau (2026-12-31T00:00:00Z). Corrigez puis recommencez."
    )


class InvalidOutcome(Invalid):
    code = "invalid_outcome"
    message_fr = (
        "Ce résultat n'existe pas : indiquez right_opened (droit ouvert), "
        "document_unreadable (pièce illisible) ou document_missing (pièce manquante)."
    )
