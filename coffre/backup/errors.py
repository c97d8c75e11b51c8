"""The backup's and the restore's errors: stable codes, a French sentence saying what to do
(docs/ERRORS.md, "Operator commands only"). ``coffre backup`` and ``coffre restore`` print
them and exit non-zero; nothing is ever sent by the server."""

from __future__ import annotations

from coffre.errors import Conflict, Invalid, Refused, Unavailable


class BackupError(Invalid):
    """Base of the backup's own refusals (``file`` names the backup file concerned)."""

    def __init__(self, file: str | None = None, detail: str | None = None) -> None:
        message = self.message_fr
        if file is not None:
            message = f"{message} (fichier : {file})"
        if detail is not None:
            message = f"{message} {detail}"
        super().__init__(message_fr=message)
        self.file = file


class BackupManifestInvalid(BackupError):
    code = "backup_manifest_invalid"
    message_fr = (
        "Cette sauvegarde n'a pas de manifeste valide : elle est incomplète (interrompue "
        "avant la fin) ou ce n'est pas une sauvegarde de Coffre. Utilisez-en une autre."
    )


class BackupHashMismatch(BackupError):
    code = "backup_hash_mismatch"
    message_fr = (
        "Un fichier de la sauvegarde ne correspond pas à son empreinte dans le manifeste "
        "(altéré, tronqué ou échangé) : rien n'a été restauré. Utilisez une autre sauvegarde."
    )


class BackupIdentityWrong(BackupError, Refused):
    code = "backup_identity_wrong"
    message_fr = (
        "Cette clé (--identity) n'ouvre pas la sauvegarde : elle a été chiffrée pour une "
        "autre clé age. Rien n'a été restauré."
    )


class BackupRecipientInvalid(BackupError):
    code = "backup_recipient_invalid"
    message_fr = (
        "Destinataire age invalide : donnez une clé publique « age1… » (--recipient ou "
        "une par ligne dans --recipients-file). Aucune sauvegarde n'a été écrite."
    )


class BackupIdentityInvalid(BackupError):
    code = "backup_identity_invalid"
    message_fr = "Le fichier --identity ne contient aucune clé age « AGE-SECRET-KEY-1… » lisible."


class BackupLocationInvalid(BackupError):
    code = "backup_location_invalid"
    message_fr = (
        "Emplacement de sauvegarde invalide : un dossier, ou s3://seau/préfixe "
        "(sur le serveur S3 de COFFRE_S3_ENDPOINT)."
    )


class BackupExists(BackupError, Conflict):
    code = "backup_exists"
    message_fr = "Une sauvegarde porte déjà ce nom à cet emplacement : rien n'a été écrasé."


class BackupToolMissing(BackupError, Unavailable):
    code = "backup_tool_missing"
    message_fr = (
        "pg_dump ou pg_restore (client PostgreSQL 15) est introuvable : installez le paquet "
        "postgresql-client-15 (l'image Docker de Coffre l'inclut)."
    )


class BackupDatabaseFailed(BackupError, Unavailable):
    code = "backup_database_failed"
    message_fr = (
        "La copie de la base de données a échoué (pg_dump, pg_restore ou SQLite) : rien n'a "
        "été considéré comme sauvegardé ou restauré."
    )


class RestoreTargetNotEmpty(BackupError, Conflict):
    code = "restore_target_not_empty"
    message_fr = (
        "La base de données ou le stockage visés ne sont pas vides : la restauration ne "
        "remplace jamais des données. Créez une base vide (sans lancer « coffre db "
        "upgrade ») et un stockage vide, puis recommencez."
    )
