"""Errors of the vault area."""

from __future__ import annotations

from coffre.errors import Invalid, NotFound, TooLarge


class DocumentNotFound(NotFound):
    # Also raised for someone else's document: a refusal never reveals existence.
    code = "document_not_found"
    message_fr = "Ce document est introuvable. Il a peut-être été supprimé."


class InvalidCategory(Invalid):
    code = "invalid_category"
    message_fr = "Cette catégorie de document n'existe pas. Choisissez-en une dans la liste."


class DocumentTooLarge(TooLarge):
    code = "document_too_large"
    message_fr = (
        "Ce document est trop lourd. Réduisez sa taille (moins de pages, photo moins grande) "
        "puis réessayez."
    )


class InvalidCiphertext(Invalid):
    code = "invalid_ciphertext"
    message_fr = (
        "Le document envoyé n'est pas chiffré au bon format. Rien n'a été enregistré : "
        "mettez l'application à jour et réessayez."
    )


class InvalidMetadata(Invalid):
    code = "invalid_metadata"
    message_fr = "Les informations du document sont mal formées. Rien n'a été enregistré."


class InvalidSealedKey(Invalid):
    code = "invalid_sealed_key"
    message_fr = "La clé du document est mal formée. Rien n'a été enregistré."


class UploadInterrupted(Invalid):
    code = "upload_interrupted"
    message_fr = "L'envoi a été interrompu. Rien n'a été enregistré : réessayez."


class InvalidExpiryDate(Invalid):
    code = "invalid_expiry_date"
    message_fr = (
        "Cette date de fin de validité n'est pas valable. Vérifiez le jour, le mois et l'année."
    )
