"""The texts of the console page's script (web/static/js/console.js), translated on the
server: sentences with {names} the script fills in, and the words for the trail's codes
(actions, outcomes, roles). No text lives in the script."""

from __future__ import annotations

from collections.abc import Callable


def login_strings(_: Callable[[str], str]) -> dict[str, str]:
    """The texts of the desk pages' log-in and session (console-login.js, desk.js): the
    console's, the territory admin's (admin_strings) and the structure admin's
    (structure_strings). Each page adds its own ``not_officer``: who the page is for."""
    return {
        "working": _("Un instant…"),
        "network_error": _("Pas de connexion. Vérifiez le réseau et réessayez."),
        # A script's own error (never shown as is: it is English and says nothing).
        "unexpected_error": _(
            "Cela n'a pas marché. Réessayez ; si cela recommence, rechargez la page."
        ),
        "login_missing": _("Écrivez votre identifiant et votre phrase secrète."),
        "wrong_credentials": _("Identifiant ou phrase secrète incorrects."),
        "code_format": _("Le code a 6 chiffres, sans espace."),
        "wrong_code": _(
            "Ce code est incorrect ou a déjà servi. Attendez le code suivant dans votre "
            "application d'authentification et réessayez."
        ),
        "code_timeout": _("Le temps pour saisir le code est passé : recommencez la connexion."),
        "logged_out": _("Vous avez été déconnecté·e. Rien n'est resté sur cet appareil."),
        "idle_logout": _("Vous avez été déconnecté·e après un moment sans activité."),
        "session_over": _("Votre session est terminée. Connectez-vous de nouveau."),
    }


def console_strings(_: Callable[[str], str]) -> dict[str, str]:
    return login_strings(_) | {
        "not_officer": _(
            "Cette console est réservée au ou à la référent·e de la charte. Votre compte n'y "
            "a pas accès : vous avez été déconnecté·e. Pour vos documents, allez sur la page "
            "« Mon coffre »."
        ),
        "error_prefix": _("Erreur"),
        # The trail.
        "when": _("Le {date} à {time}"),
        "by": _("Par {who}"),
        "by_role": _("Par {who} ({role})"),
        "by_role_structure": _("Par {who} ({role}), {structure}"),
        "person": _("Personne concernée : {person}"),
        "purpose": _("Finalité : {purpose}"),
        "reason": _("Motif indiqué : « {reason} »"),
        "category": _("Document : {category}"),
        "professional_named": _("Professionnel·le concerné·e : {who}"),
        "structure_only": _("Structure : {structure}"),
        "seq": _("Ligne n° {n}"),
        # A grant's receipt (console-receipt.js, docs/CONSENT.md).
        "receipt_view": _("Voir le reçu de consentement"),
        "receipt_professional": _("Partagé avec : {professional}, {structure}"),
        "receipt_documents": _("Documents partagés : {n}"),
        "receipt_period": _("Du {start} au {end}"),
        "receipt_openings": _("Ouvertures permises : {n} au plus"),
        "receipt_openings_free": _("Ouvertures permises : sans limite"),
        "receipt_charter": _("Charte en vigueur : version {version}"),
        "receipt_checked": _(
            "Signature vérifiée : ce reçu (format {format}) a été signé par la clé de la "
            "personne. Code de cette clé, que la personne peut comparer sur son téléphone : "
            "{pin}."
        ),
        "receipt_not_checked": _(
            "Signature non vérifiée : ce reçu a été modifié, ou n'a pas été signé par la clé "
            "de la personne. Ne vous y fiez pas et signalez-le à l'administration du "
            "territoire."
        ),
        "receipt_server_ok": _("Le serveur l'a aussi vérifié."),
        "receipt_server_not_ok": _("Le serveur n'a pas pu le vérifier."),
        "shown": _("{n} ligne(s) affichée(s)."),
        "shown_more": _("{n} ligne(s) affichée(s). D'autres lignes plus anciennes suivent."),
        "empty": _("Aucune ligne ne correspond à ces filtres."),
        "all_structures": _("Toutes les structures"),
        "all_professionals": _("Tous les professionnels"),
        "all_purposes": _("Toutes les finalités"),
        "all_actions": _("Toutes les actions"),
        "all_outcomes": _("Tous les résultats"),
        "bad_period": _("La date de fin doit venir après la date de début."),
        "bad_person": _("Une référence de personne s'écrit p- suivi de 10 chiffres ou lettres."),
        "filters_none": _("Aucun filtre : tout le journal."),
        "filters_from_flag": _("Les lignes du signalement « {title} »."),
        "see_person": _("Voir les lignes de {person}"),
        # Flags.
        "flags_period": _("Signalements du {from} au {to}."),
        "flags_none": _("Aucun signalement sur cette période."),
        "flags_count": _(
            "{n} signalement(s). Un signalement invite à regarder, ce n'est pas un verdict."
        ),
        "flag_who": _("Professionnel·le : {who}"),
        "flag_structure": _("Structure : {structure}"),
        "flag_purpose": _("Finalité : {purpose}"),
        "flag_entries": _("Lignes concernées ({n})"),
        "flag_filter": _("Voir ces lignes dans le journal"),
        # Exports.
        "downloading": _("Téléchargement…"),
        "download_stalled": _(
            "Le téléchargement est bloqué : plus rien ne passe depuis un moment. La connexion "
            "est peut-être coupée. Vérifiez le réseau, puis appuyez de nouveau sur le bouton."
        ),
        "downloaded": _("C'est fait : le fichier « {name} » est téléchargé."),
        "csv_name": _("coffre-journal.csv"),
        "log_name": _("coffre-journal-signe.jsonl"),
        "key_missing": _("La clé de vérification n'a pas pu être lue. Réessayez plus tard."),
    }


def console_labels(_: Callable[[str], str]) -> dict[str, dict[str, str]]:
    """Words for the codes the trail holds; an unknown code is shown as it is."""
    return {
        "actions": {
            "grant.pull": _("Ouverture d'un document partagé"),
            "grant.create": _("Partage accordé par la personne"),
            "grant.revoke": _("Partage arrêté"),
            "grant.outcome": _(
                "Suite donnée à un partage (droit ouvert, pièce illisible ou manquante)"
            ),
            "request.create": _("Demande de document"),
            "request.decline": _("Demande refusée par la personne"),
            "document.deposit": _("Document déposé par un·e professionnel·le"),
            "document.upload": _("Document ajouté"),
            "document.download": _("Document ouvert par la personne"),
            "document.update": _("Nom ou date d'un document changés"),
            "document.reencrypt": _("Nouvelle clé pour un document"),
            "document.delete": _("Document supprimé"),
            "document.bind": _("Document signé par la personne (format v2)"),
            "document.header": _("Début d'un document lu pour le signer (format v2)"),
            "account.crypto_format": _("Coffre passé au format v2"),
            "account.kdf_upgrade": _("Protection de la phrase secrète renforcée (format v2)"),
            "contact.name": _("Personne de confiance choisie"),
            "contact.remove": _("Personne de confiance retirée"),
            "contact.request": _("Accès de secours demandé par la personne de confiance"),
            "contact.refuse": _("Accès de secours refusé par la personne"),
            "contact.release": _("Accès de secours ouvert après le délai"),
            "account.contact_recover": _("Accès retrouvé avec la personne de confiance"),
            "account.signup": _("Compte créé"),
            "account.login": _("Connexion"),
            "account.logout": _("Déconnexion"),
            "account.passphrase": _("Phrase secrète changée"),
            "account.recovery_code": _("Nouveau kit de récupération (l'ancien ne marche plus)"),
            "account.recover": _("Accès retrouvé avec le code de récupération"),
            "account.reset_code": _("Code de réinitialisation donné"),
            "account.reset_request": _("Réinitialisation demandée (délai d'attente)"),
            "account.reset_cancel": _("Réinitialisation annulée par la personne"),
            "account.reset": _("Coffre réinitialisé"),
            "account.totp_enrol": _("Double authentification en préparation"),
            "account.totp_on": _("Double authentification activée"),
            "account.totp_off": _("Double authentification désactivée"),
            "account.export": _("Coffre exporté par la personne"),
            "account.erase": _("Compte effacé"),
            "session.revoke": _("Session fermée"),
            "session.revoke_others": _("Autres sessions fermées"),
            "token.create": _("Accès créé pour un logiciel partenaire"),
            "token.revoke": _("Accès d'un logiciel partenaire retiré"),
            "structure.admit": _("Structure admise"),
            "invitation.create": _("Invitation créée"),
            "membership.certify": _("Certificat d'un membre délivré ou renouvelé"),
            "invitation.bulk": _("Invitations créées depuis un fichier (CSV)"),
            # Certificates with a life and the trust root (issue 17).
            "certificate.revoke": _("Certificat d'un membre révoqué"),
            "grant.key_revoked": _("Personne prévenue : un partage visait une clé révoquée"),
            "revocations.publish": _("Liste des certificats révoqués signée et publiée"),
            "trust_root.publish": _("Racine de confiance du territoire publiée"),
            "trust_root.rotate": _("Racine de confiance du territoire remplacée (rotation)"),
            "account.keys_rotate": _("Nouvelles clés d'un·e professionnel·le (rotation)"),
            # ProConnect (docs/PROCONNECT.md).
            "proconnect.login": _("Connexion avec ProConnect"),
            "proconnect.link": _("Compte lié à une identité ProConnect"),
            "proconnect.unlink": _("Lien avec ProConnect défait par le ou la professionnel·le"),
            # The directory of services, storage, the trail itself.
            "directory.import": _("Annuaire des services importé"),
            "directory.verify": _("Fiche de l'annuaire vérifiée par la structure"),
            "document.access": _("Accès à un document refusé"),
            "storage.repair": _("Stockage réparé : fichiers orphelins supprimés"),
            "audit.retention": _("Anciennes entrées du journal purgées (durée de conservation)"),
            "retention.data": _(
                "Données en fin de conservation supprimées (connexions, sessions, envois)"
            ),
            "membership.end": _("Membre retiré·e d'une structure"),
            # A structure's webhooks (docs/WEBHOOKS.md).
            "webhook.create": _("Adresse d'envoi automatique ajoutée par la structure"),
            "webhook.delete": _("Adresse d'envoi automatique supprimée par la structure"),
            # Cosignatures of the audit log (docs/AUDIT.md, "Cosignatures").
            "audit.cosigner_key": _("Clé de cosignature du journal enregistrée"),
            "audit.cosign": _("Journal vérifié et cosigné"),
            "charter.preview": _("Aperçu d'une charte avant publication"),
            "charter.draft_end_adhesion": _("Nouvelle version préparée pour une fin d'adhésion"),
            "charter.publish": _("Charte publiée"),
            # The network (issue 16): référent de parcours, relays.
            "referent.proposed": _("Référent·e de parcours proposé·e par un·e professionnel·le"),
            "referent.designated": _("Référent·e de parcours choisi·e par la personne"),
            "referent.declined": _("Proposition de référent·e refusée par la personne"),
            "referent.ended": _("Lien avec le ou la référent·e arrêté"),
            "referent.expiry_count_shown": _(
                "Nombre de papiers bientôt périmés montré au ou à la référent·e"
            ),
            "referent.expiry_count_hidden": _(
                "Nombre de papiers bientôt périmés caché au ou à la référent·e"
            ),
            "referent.handover_named": _("Successeur·e du ou de la référent·e nommé·e"),
            "referent.handover_accepted": _("Changement de référent·e accepté par la personne"),
            "referent.handover_refused": _("Changement de référent·e refusé par la personne"),
            "referent.membership_ended": _("Lien de référent·e arrêté : départ de la structure"),
            "referent.absence_ended": _(
                "Fin d'absence du ou de la référent·e : la personne est consultée"
            ),
            "relay.proposed": _("Orientation proposée vers un autre service"),
            "relay.agreed": _("Orientation acceptée par la personne"),
            "relay.refused": _("Orientation refusée par la personne"),
            "relay.taken": _("Orientation prise en charge par le service"),
            "relay.declined": _("Orientation déclinée par le service"),
            "relay.reminded": _("Rappel d'une orientation sans réponse"),
            "relay.expired": _("Orientation expirée sans réponse"),
            "relay.closed": _("Orientation close"),
            "relay.returned": _("Retour du service au ou à la référent·e"),
            # Reminders (issue 19, docs/REMINDERS.md).
            "reminder.own": _("Rappel de la personne envoyé"),
            "reminder.document_expiring": _("Rappel envoyé : document bientôt à sa date de fin"),
            "reminder.grant_ending": _("Rappel envoyé : partage bientôt fini"),
            "reminder.request_waiting": _("Rappel envoyé : demande en attente de réponse"),
            "audit.console": _("Lecture de cette console"),
        },
        "outcomes": {
            "ok": _("Fait"),
            "refused": _("Refusé"),
            "failed": _("Échoué"),
        },
        "roles": {
            "person": _("Personne"),
            "professional": _("Professionnel·le"),
            "territory_admin": _("Administration du territoire"),
            "charter_officer": _("Référent·e de la charte"),
            "operator": _("Exploitant du service"),
        },
    }
