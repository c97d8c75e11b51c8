"""Errors of the vault area."""

from __future__ import annotations

from coffre.errors import Conflict, Invalid, NotFound, TooLarge


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


# -- format v2 (SPEC §24; docs/CONSENT.md "Format v2") ---------------------------------


class InvalidBinding(Invalid):
    code = "invalid_binding"
    message_fr = (
        "La signature du document ne correspond pas à ce qui a été envoyé. Rien n'a été "
        "enregistré : rechargez la page et réessayez."
    )


class DocumentIdTaken(Conflict):
    code = "document_id_taken"
    message_fr = "Ce numéro de document est déjà utilisé. Rien n'a été enregistré : réessayez."


class DocumentChanged(Conflict):
    code = "document_changed"
    message_fr = (
        "Ce document a changé entre-temps, peut-être depuis un autre appareil. "
        "Rechargez la page puis recommencez."
    )


class DocumentAlreadyBound(Conflict):
    code = "document_already_bound"
    message_fr = "Ce document est déjà signé dans le nouveau format : il n'y a rien à faire."


class DepositKeepsSignature(Conflict):
    code = "deposit_keeps_signature"
    message_fr = (
        "Ce document a été déposé par un professionnel : il garde la signature de ce "
        "professionnel. Il n'y a rien à faire."
    )


class FormatV1Refused(Conflict):
    code = "format_v1_refused"
    message_fr = "Ce document vient d'une ancienne version de l'application. Rechargez la page."


class MigrationIncomplete(Conflict):
    code = "migration_incomplete"
    message_fr = (
        "Des documents n'ont pas encore été signés dans le nouveau format. Gardez "
        "l'application ouverte jusqu'à la fin de la mise à jour, puis réessayez."
    )

    def __init__(self, left: int) -> None:
        documents = "document reste" if left == 1 else "documents restent"
        super().__init__(
            message_fr=(
                f"{left} {documents} à signer dans le nouveau format. Gardez l'application "
                "ouverte jusqu'à la fin de la mise à jour, puis réessayez."
            )
        )
