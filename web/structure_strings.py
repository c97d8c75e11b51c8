"""The texts of the structure admin's page script (web/static/js/structure-admin.js),
translated on the server: sentences with {names} the script fills in."""

from __future__ import annotations

from collections.abc import Callable

from web.console_strings import login_strings


def structure_strings(_: Callable[[str], str]) -> dict[str, str]:
    # The log-in's and the session's texts are the console's (console-login.js); the
    # certificates' and the face-to-face certification's are shared with /administration.
    page = {
        "not_officer": _(
            "Cette page est réservée aux administrateur·rices de structure. Votre compte n'y a "
            "pas accès : vous avez été déconnecté·e. Pour vos documents, allez sur la page "
            "« Mon coffre »."
        ),
        "not_structure_admin": _(
            "Cette page est réservée aux administrateur·rices de structure certifié·es. Votre "
            "compte n'y a pas accès : vous avez été déconnecté·e."
        ),
        # Members and their certificates.
        "members_none": _("Aucun·e professionnel·le pour l'instant : invitez-les."),
        "end_membership": _("Retirer"),
        # Inviting.
        "display_name_missing": _("Écrivez le nom de la personne invitée."),
        "profession_missing": _("Choisissez la catégorie professionnelle."),
        "invitation_for": _("Invitation pour {name}, à lui donner en main propre."),
        "invitation_expires": _("À utiliser avant le {date} à {time}, une seule fois."),
        "bulk_no_file": _("Choisissez d'abord le fichier CSV."),
        "bulk_too_big": _("Ce fichier est trop gros (48 Kio et 200 lignes au plus) : découpez-le."),
        "bulk_line": _("Ligne {row}"),
        "bulk_link_of": _("Lien pour {name}"),
        "bulk_done": _("{n} invitation(s) créée(s)."),
        "revoke": _("Révoquer le certificat"),
        "revoke_who": _("Révoquer le certificat de {name}."),
        "reason_missing": _("Choisissez la raison."),
        "revoked": _(
            "Le certificat de {name} est révoqué : plus rien ne peut être partagé à cette clé. "
            "L'administration du territoire en est avertie pour signer la liste."
        ),
        "end_who": _("Retirer {name} de la structure ?"),
        "ended": _("{name} ne fait plus partie de la structure."),
        # Automatic sendings (webhooks, web/static/js/structure-webhooks.js).
        "webhooks_none": _("Aucune adresse pour l'instant."),
        "webhook_event_grant_created": _("un partage reçu"),
        "webhook_event_request_answered": _("une réponse à une demande"),
        "webhook_event_relay_arrived": _("un relais arrivé"),
        "webhook_events_are": _("Prévient pour : {events}."),
        "webhook_added_on": _("Ajoutée le {date}."),
        "webhook_log": _("Voir le journal"),
        "webhook_delete": _("Supprimer"),
        "webhook_url_missing": _("Écrivez l'adresse du logiciel qui reçoit."),
        "webhook_events_missing": _("Cochez au moins un cas où prévenir."),
        "webhook_secret_for": _("Adresse ajoutée : {url}"),
        "webhook_deleted": _("Adresse supprimée : {url}"),
        "webhook_secret_copied": _("Clé copiée. Collez-la dans le logiciel qui reçoit."),
        "webhook_secret_copy_failed": _(
            "La copie n'a pas marché : sélectionnez la clé et copiez-la vous-même."
        ),
        "delivery_sent": _("Reçu par le logiciel."),
        "delivery_pending": _("Pas encore reçu : nouvel essai le {date} à {time}."),
        "delivery_sending": _("Envoi en cours."),
        "delivery_failed": _("Adresse refusée : rien n'a été envoyé."),
        "delivery_given_up": _("Abandonné après plusieurs essais. Vous pouvez le renvoyer."),
        "delivery_attempts": _("Essais : {n}. Dernière réponse du logiciel : {status}."),
        "delivery_attempts_no_answer": _("Essais : {n}. Le logiciel n'a pas répondu."),
        "delivery_replay": _("Renvoyer"),
        "delivery_replayed": _("Le message repart dans quelques secondes."),
        "deliveries_none": _("Aucun envoi pour l'instant."),
    }
    return login_strings(_) | certification_strings(_) | page


def certification_strings(_: Callable[[str], str]) -> dict[str, str]:
    """A member's certificate state and the face-to-face certification (desk-certify.js):
    the structure admin's page, and the territory admin's for the structure admins."""
    return {
        "cert_none": _("Pas encore certifié·e : vérifiez son code face à face."),
        "cert_valid": _("Certificat valable."),
        "cert_valid_until": _("Certificat valable jusqu'au {date}."),
        "cert_ending": _("Certificat à renouveler : il prend fin le {date}."),
        "cert_expired": _(
            "Certificat expiré le {date} : plus rien ne peut lui être partagé. Renouvelez-le."
        ),
        "cert_revoked": _(
            "Certificat révoqué : plus rien ne peut lui être partagé avec cette clé."
        ),
        "cert_new_key": _(
            "Nouvelle clé à certifier : son ancienne clé est révoquée. Comparez son code face "
            "à face, puis certifiez."
        ),
        "certify": _("Certifier"),
        "renew": _("Renouveler"),
        # Certifying.
        "certify_who": _("Certifier la clé de {name}."),
        "certify_type_pin": _("Écrivez le code que la personne lit sur son écran."),
        "certify_mismatch": _(
            "Les codes ne correspondent pas : ne certifiez pas. Vérifiez que la personne lit "
            "bien l'écran de son propre compte ; si l'écart persiste, signalez-le."
        ),
        "certify_passphrase": _("Écrivez votre phrase secrète pour signer."),
        "certify_no_qr": _(
            "Aucun QR code lisible sur cette photo. Reprenez-la de plus près, bien à plat, ou "
            "écrivez le code lu à voix haute."
        ),
        "certify_qr_ok": _(
            "Le QR code correspond à la clé de cette personne. Signez avec votre phrase secrète."
        ),
        "certify_wrong_passphrase": _(
            "Cette phrase secrète n'ouvre pas votre clé. Rien n'a été signé. Réessayez."
        ),
        "certified": _("{name} est certifié·e."),
    }
