"""Errors of the checkpoints' cosignatures (``coffre.audit.cosigning``; docs/ERRORS.md)."""

from __future__ import annotations

from coffre.errors import Conflict, Invalid, NotFound


class CosignerKeyInvalid(Invalid):
    code = "cosigner_key_invalid"
    message_fr = (
        "Cette clé de cosignature n'est pas lisible, ou ne porte pas le nom attendu pour "
        "votre compte : rouvrez l'écran « Cosigner » de la console et recommencez."
    )


class CosignerNotRegistered(Conflict):
    code = "cosigner_not_registered"
    message_fr = (
        "Vous n'avez pas encore enregistré de clé de cosignature : ouvrez l'écran "
        "« Cosigner » de la console, qui l'enregistre avec votre phrase de passe."
    )


class CheckpointUnknown(NotFound):
    code = "checkpoint_unknown"
    message_fr = (
        "Ce point de contrôle n'existe pas sur ce serveur : rechargez le dernier point de "
        "contrôle et vérifiez-le à nouveau avant de le cosigner."
    )


class CosignatureInvalid(Invalid):
    code = "cosignature_invalid"
    message_fr = (
        "Cette cosignature ne se vérifie pas avec votre clé enregistrée pour ce point de "
        "contrôle : rechargez l'écran « Cosigner » et recommencez."
    )


class CosignatureTime(Invalid):
    code = "cosignature_time"
    message_fr = (
        "L'heure de cette cosignature est trop éloignée de l'heure du serveur, ou antérieure "
        "à votre cosignature précédente : vérifiez l'heure de votre ordinateur et recommencez."
    )


class CosignatureInconsistent(Conflict):
    code = "cosignature_inconsistent"
    message_fr = (
        "Ce point de contrôle ne prolonge pas celui que vous avez cosigné la dernière fois "
        "(journal plus court ou réécrit) : ne cosignez pas, et signalez-le à l'opérateur du "
        "service et à l'autorité de contrôle."
    )


class CheckpointNotCosigned(NotFound):
    code = "checkpoint_not_cosigned"
    message_fr = (
        "Aucun point de contrôle du journal n'a encore été cosigné : le délégué à la charte "
        "le fait depuis sa console."
    )
