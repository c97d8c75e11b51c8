"""Errors of the audit area that an operator or an officer can meet on the command line."""

from __future__ import annotations

from coffre.errors import Conflict, Invalid


class AuditTrailAltered(Conflict):
    """A retention purge found an entry that does not verify: it removes nothing."""

    code = "audit_trail_altered"
    message_fr = (
        "Le journal d'audit ne se vérifie pas : rien n'a été effacé. "
        "Lancez « coffre audit verify » pour voir où il a été modifié."
    )


class KeptCheckpointInvalid(Invalid):
    code = "audit_checkpoint_invalid"
    message_fr = (
        "Le point de contrôle fourni n'est pas lisible, ou n'est pas signé par la clé de ce "
        "journal : vérifiez le fichier (un point de contrôle signé, un export du journal ou "
        "le manifest.json d'un export) et la clé (--key)."
    )


class AuditExportInvalid(Invalid):
    code = "audit_export_invalid"
    message_fr = (
        "Ce fichier n'est pas un export lisible du journal d'audit de Coffre "
        "(coffre audit export, ou « Télécharger le journal signé » de la console)."
    )
