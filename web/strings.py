"""The texts the page's script shows, translated on the server (no text lives in the JS)."""

from __future__ import annotations

from collections.abc import Callable


def script_strings(_: Callable[[str], str]) -> dict[str, str]:
    return {
        "working": _("Un instant…"),
        "keys_wiped": _("Vous avez été déconnecté·e. Rien n'est resté sur cet appareil."),
        "idle_logout": _("Vous avez été déconnecté·e après un moment sans activité."),
        "passphrase_mismatch": _("Les deux phrases secrètes ne sont pas pareilles."),
        "passphrase_short": _(
            "Votre phrase secrète est trop courte : au moins 4 mots ou 16 signes."
        ),
        "login_missing": _("Écrivez votre pseudonyme ou votre numéro de téléphone."),
        "wrong_credentials": _("Identifiant ou phrase secrète incorrects."),
        "network_error": _("Pas de connexion. Vérifiez le réseau et réessayez."),
        "upload_failed": _(
            "L'envoi n'a pas abouti. Rien n'a été enregistré. Vous pouvez réessayer."
        ),
        "upload_done": _("C'est fait : votre document est dans votre coffre."),
        "no_pages": _("Ajoutez au moins une page (photo ou fichier)."),
        "bad_file": _("Ce fichier n'est pas une photo ni un PDF."),
        "too_large": _(
            "Ce document est trop lourd. Enlevez des pages ou choisissez un fichier plus petit."
        ),
        "page": _("Page"),
        "remove": _("Retirer"),
        "expired": _("Périmé depuis le"),
        "expires_soon": _("Bientôt périmé : jusqu'au"),
        "valid_until": _("Valable jusqu'au"),
        "added_on": _("Ajouté le"),
        "empty_vault": _("Votre coffre est vide. Ajoutez votre premier document."),
        "renamed": _("Le nom a été changé."),
        "deleted": _("Le document a été supprimé."),
        "decrypt_failed": _("Ce document ne peut pas être ouvert. Il a peut-être été abîmé."),
        "preparing": _("Préparation des pages…"),
        "encrypting": _("Chiffrement…"),
        "sending": _("Envoi…"),
        "opening": _("Ouverture…"),
        "percent": _("{n} %"),
        "error_prefix": _("Erreur"),
        # Regaining access (the "forgot" and "reset" screens).
        "recovery_code_invalid": _(
            "Ce code de récupération n'est pas valable. Vérifiez chaque caractère sur votre kit."
        ),
        "wrong_recovery": _("Identifiant ou code de récupération incorrects."),
        "recovered": _(
            "Votre nouvelle phrase secrète est enregistrée. Tous vos documents sont là. "
            "Vos autres sessions ont été fermées."
        ),
        "reset_code_invalid": _(
            "Ce code de réinitialisation est mal écrit : 32 chiffres ou lettres de A à F."
        ),
        "not_a_reset_code": _(
            "Ceci est votre code de récupération, pas un code de réinitialisation. Utilisez-le "
            "sur l'écran précédent : vous garderez tous vos documents."
        ),
        "reset_not_understood": _("Cochez la case pour confirmer que vous avez compris."),
        "reset_done": _(
            "Votre coffre est prêt, vide. Vos anciens documents ont été détruits : personne ne "
            "pourra plus jamais les ouvrir. Gardez bien votre nouveau code de récupération."
        ),
    }
