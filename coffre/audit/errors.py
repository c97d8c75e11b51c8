"""Errors of the audit area that an operator or an officer can meet on the command line."""

from __future__ import annotations

from coffre.errors import CoffreError, Conflict, Invalid, NotFound


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


class AuditTileNotFound(NotFound):
    code = "audit_tile_not_found"
    message_fr = (
        "Cette tuile du journal n'existe pas : elle est au-delà du dernier point de contrôle "
        "signé, ou son chemin n'est pas celui de la spécification (auditlog/SPEC.md §5). "
        "Relisez le point de contrôle (/api/v1/audit/log/checkpoint) et demandez les tuiles "
        "de sa taille."
    )


class AuditEntriesPruned(NotFound):
    code = "audit_entries_pruned"
    message_fr = (
        "Les entrées de ce paquet ont été effacées à la fin de leur durée de conservation "
        "avant que leur empreinte ne soit gardée : seules leurs empreintes dans les tuiles "
        "restent vérifiables."
    )


class InvalidProofRequest(Invalid):
    code = "invalid_proof_request"
    message_fr = (
        "Demande de preuve invalide : il faut 0 ≤ index < size pour une preuve d'inclusion, "
        "et 0 ≤ old ≤ new pour une preuve de cohérence (des nombres entiers)."
    )


class AuditTreeSizeUnknown(Invalid):
    code = "audit_tree_size_unknown"
    message_fr = (
        "Aucun point de contrôle signé ne couvre encore cette taille du journal : "
        "demandez une preuve jusqu'à la taille du dernier point de contrôle "
        "(/api/v1/audit/log/checkpoint)."
    )


class AuditKeyInvalid(CoffreError):
    """The checkpoint key file is missing (production), unreadable, or not the log's."""

    code = "audit_key_invalid"
    message_fr = (
        "La clé des points de contrôle du journal (COFFRE_AUDIT_KEY_FILE) manque, est "
        "illisible ou n'est pas une clé de ce journal : voir docs/AUDIT.md, « La clé des "
        "points de contrôle »."
    )
